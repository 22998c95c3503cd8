"""Where an added account goes: one rule for the CLI's ``add`` and ``import``, the tray's
Import…, the quick-pick add field and the enrolment dialog.

``plan_add`` decides what adding an entry means: nothing (the same key is already
there: the same secret with the same OTP parameters), a conflict (same site and account,
another secret), filling a record that waits for an OTP, or a new record. ``place``
carries it out on the records (edited in place), merging the entry's websites and tags into
an existing record and keeping a replaced key as the record's previous key.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import Conflict
from .i18n import N_, _
from .model import Entry, OtpParams, Record

NEW = "new"  # the target that says: a record of its own


class AddAction(enum.Enum):
    """What adding an entry to the vault comes to."""

    DUPLICATE = "duplicate"  # the same key is already there: nothing to do
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


def same_key(a: OtpParams, b: OtpParams) -> bool:
    """The same codes: the same secret, type, algorithm, digits and period. (An HOTP
    counter is where the codes have got to, not what they are: it is not compared.) The
    same secret with other parameters gives other codes: another account, kept."""
    return (a.secret, a.type, a.algorithm, a.digits, a.period) == (
        b.secret,
        b.type,
        b.algorithm,
        b.digits,
        b.period,
    )


def plan_add(records: Iterable[Record], entry: Entry) -> AddPlan:
    """Where ``entry`` belongs among ``records``."""
    live = [r for r in records if not r.deleted]
    for record in live:
        if record.otp is not None and same_key(record.otp, entry.otp):
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


@dataclass
class AddReport:
    """What adding entries did, one ``(action, account, detail)`` per entry: ``skip`` (the
    same key is there, in the record named by ``detail``), ``merge`` (an exact duplicate of
    an entry added just before, ``detail``), ``fill`` (a waiting record,
    ``detail``, got it), ``replace`` (``detail``'s key was replaced; the old one kept),
    ``add``, or ``beside`` (added next to an account of that name with another secret)."""

    results: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for done, _label, _detail in self.results if done == action)

    def sentences(self) -> list[str]:
        """One sentence per entry, for people."""
        said = {
            "skip": N_("{name} is already there (same secret as {record})."),
            "merge": N_("{name} is given twice: merged with {record} (the same key)."),
            "fill": N_("Added the OTP to {record}."),
            "replace": N_(
                "Replaced the key of {record} (the old one is kept: 'traycodes edit "
                "QUERY --restore-previous-key' brings it back)."
            ),
            "add": N_("Added {name}."),
            "beside": N_("Added {name} beside the one with another secret."),
        }
        return [
            _(said[action]).format(name=label, record=detail)
            for action, label, detail in self.results
        ]


def _merged(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    """``first`` then what ``more`` adds, each once (case-insensitively)."""
    seen = {item.casefold() for item in first}
    out = list(first)
    for item in more:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return tuple(out)


def give(record: Record, entry: Entry, now: float) -> Record:
    """``record`` with ``entry``'s OTP: its websites and tags merged in, its account kept
    (or taken from the entry), and the key it had kept as its previous key."""
    replaced = record.otp if record.otp is not None else record.previous_otp
    return record.edited(
        now,
        otp=entry.otp,
        previous_otp=replaced,
        account=record.account or entry.account,
        websites=_merged(record.websites, entry.websites),
        tags=_merged(record.tags, entry.tags),
    )


def place(
    records: dict[str, Record],
    entry: Entry,
    now: float,
    *,
    target: str | None = None,
    on_conflict: str = "beside",
) -> tuple[str, str, str]:
    """Add ``entry`` to ``records`` (edited in place); returns ``(action, label, detail)``.

    ``target``: where the user chose to put it (a record id, or :data:`NEW`); None lets
    :func:`plan_add` decide. ``on_conflict`` (an account of that name with another secret):
    ``beside`` keeps both, ``replace`` gives the record the new key (the old one kept),
    ``refuse`` raises :class:`~traycodes.errors.Conflict`.
    """
    import uuid

    conflict = False
    if target is None:
        plan = plan_add(records.values(), entry)
        chosen = plan.record
        if plan.action is AddAction.DUPLICATE and chosen is not None:
            return "skip", entry.label, chosen.label
        if plan.action is AddAction.CONFLICT and chosen is not None:
            if on_conflict == "refuse":
                raise Conflict(
                    _(
                        "{label} already has another secret: add --replace to replace it "
                        "(the old one is kept) or --new to keep both"
                    ).format(label=chosen.label)
                )
            target = chosen.id if on_conflict == "replace" else NEW
            conflict = True
        elif plan.action is AddAction.ATTACH and chosen is not None:
            target = chosen.id
        else:
            target = NEW
    current = records.get(target) if target != NEW else None
    if current is None or current.deleted:
        record = Record.from_entry(entry, id=uuid.uuid4().hex, now=now)
        records[record.id] = record
        return ("beside" if conflict else "add"), record.label, ""
    had_key = current.otp is not None
    records[current.id] = give(current, entry, now)
    return ("replace" if had_key else "fill"), entry.label, records[current.id].label


def add_entries(records: dict[str, Record], entries: Iterable[Entry], now: float) -> AddReport:
    """Add ``entries`` the way imports do: the same secret again is skipped, a record
    waiting for an OTP receives it, and an account whose name is taken by another secret is
    kept beside it, so that nothing is lost. An exact duplicate of an entry added by this
    same call is reported as ``merge``, not ``skip``."""
    report = AddReport()
    before = set(records)
    for entry in entries:
        action, label, detail = place(records, entry, now)
        if action == "skip":
            plan = plan_add(records.values(), entry)
            if plan.record is not None and plan.record.id not in before:
                action = "merge"
        report.results.append((action, label, detail))
    return report
