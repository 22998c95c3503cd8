"""Pure matching: which records a query names, and where a new OTP belongs.

``find`` ranks records for a typed query (the CLI's ``code QUERY``, the quick-pick search);
``plan_add`` decides what adding an entry to the vault means: nothing (the same secret is
already there), a conflict (same site and account, other secret), filling a record that
waits for an OTP, or a new record.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Entry, Record

EXACT, PREFIX, SUBSTRING = 3, 2, 1
_ID = 4


def domain_of(website: str) -> str:
    """``https://www.GitHub.com/login`` -> ``github.com``; a bare domain stays itself."""
    text = website.strip().lower()
    _, sep, rest = text.partition("://")
    host = rest if sep else text
    for stop in "/?#":
        host = host.split(stop, 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0]
    return host.removeprefix("www.").rstrip(".")


def _names(record: Record, with_tags: bool) -> Iterable[str]:
    yield record.issuer
    yield record.account
    if with_tags:
        yield from record.tags
    if record.issuer and record.account:
        yield f"{record.issuer}:{record.account}"
        yield record.label
    for website in record.websites:
        yield website
        yield domain_of(website)


def score(record: Record, query: str, *, with_tags: bool = False) -> int:
    """How well ``query`` (already case-folded) names ``record``: 0 when not at all."""
    if record.id == query:
        return _ID
    best = 0
    for name in _names(record, with_tags):
        folded = name.casefold()
        if not folded:
            continue
        if folded == query:
            return EXACT
        if folded.startswith(query):
            best = PREFIX
        elif best < SUBSTRING and query in folded:
            best = SUBSTRING
    return best


def find(records: Iterable[Record], query: str) -> list[Record]:
    """The live records ``query`` names best (exact > prefix > substring); [] for none."""
    wanted = query.strip().casefold()
    if not wanted:
        return []
    best, found = 0, []
    for record in records:
        if record.deleted:
            continue
        tier = score(record, wanted)
        if tier > best:
            best, found = tier, [record]
        elif tier and tier == best:
            found.append(record)
    return found


def rank(records: Iterable[Record], query: str) -> list[Record]:
    """Every live record ``query`` names, best first (records in order within a tier).

    An empty query names them all.
    """
    live = [r for r in records if not r.deleted]
    wanted = query.strip().casefold()
    if not wanted:
        return live
    scored = [(score(r, wanted, with_tags=True), n, r) for n, r in enumerate(live)]
    return [r for tier, _, r in sorted((s for s in scored if s[0]), key=lambda s: (-s[0], s[1]))]


def menu_order(records: Iterable[Record]) -> list[Record]:
    """Favourites first, then the most recently used, then by name."""
    live = [r for r in records if not r.deleted]
    return sorted(
        live, key=lambda r: (not r.favorite, -r.used, r.issuer.casefold(), r.account.casefold())
    )


class AddAction(enum.Enum):
    """What adding an entry to the vault comes to."""

    DUPLICATE = "duplicate"  # the same secret is already there: nothing to do
    CONFLICT = "conflict"  # same issuer and account, another secret: replace or keep both
    ATTACH = "attach"  # a record for this site waits for an OTP: give it this one
    CREATE = "create"  # a new record


@dataclass(frozen=True, slots=True)
class AddPlan:
    """The action, and the existing record it concerns (None for CREATE)."""

    action: AddAction
    record: Record | None = None


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def plan_add(records: Iterable[Record], entry: Entry) -> AddPlan:
    """Where ``entry`` belongs among ``records``."""
    live = [r for r in records if not r.deleted]
    for record in live:
        otp = record.otp
        if otp is not None and otp.secret == entry.otp.secret and otp.type is entry.otp.type:
            return AddPlan(AddAction.DUPLICATE, record)
    for record in live:
        if (
            record.otp is not None
            and _same(record.issuer, entry.issuer)
            and _same(record.account, entry.account)
        ):
            return AddPlan(AddAction.CONFLICT, record)
    waiting = [r for r in live if r.otp is None and entry.issuer and _same(r.issuer, entry.issuer)]
    for record in waiting:  # the same account first, then a record that names none
        if _same(record.account, entry.account):
            return AddPlan(AddAction.ATTACH, record)
    for record in waiting:
        if not record.account or not entry.account:
            return AddPlan(AddAction.ATTACH, record)
    return AddPlan(AddAction.CREATE)
