"""Following a phone authenticator: a source's state, and merging one of its backups into
the vault's records (the one merge the CLI's ``follow`` and the tray app share).

A followed source's state lives inside the vault, so that it is sealed with the records,
travels with the synced vault and is merged by the vault's own rule (the newer change
wins): a deletion marker (``deleted: true``) whose ``apps`` is ``["traycodes:follow"]``, whose
``issuer`` is the source's name and whose ``note`` is the state as JSON
(docs/vault-format.md). Deletion markers are invisible to everything else, and a traycodes
that does not know them keeps them as they are.

Every record a source brings gets an id derived from the source's name and the phone's
identity of the account (its own entry id where it has one, else its secret), so two
computers merging the same backup make the same records and converge.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import InvalidInput
from ..i18n import _, ngettext
from ..model import Entry, Record

MARK = "traycodes:follow"
STATE_VERSION = 1
MAX_DIGESTS = 64  # digests of backups already read, kept so that none is applied again


@dataclass
class Seen:
    """An account of the last backup read: the record it became, that record's ``modified``
    as this merge left it, and a digest of the account as the phone had it."""

    record_id: str
    stamp: float
    digest: str


@dataclass
class SourceState:
    """What traycodes keeps about one followed source (inside the vault, sealed)."""

    name: str
    path: str
    format: str = "auto"
    password: str | None = field(default=None, repr=False)
    file: str = ""  # the backup last read: its file name
    stamp: float = 0.0  # its own timestamp (in the file, else in its name), Unix seconds
    digest: str = ""  # SHA-256 of its bytes: "changed since the last pass"
    read_at: float = 0.0
    count: int = 0  # accounts that came from it
    held: int = 0  # removals waiting for --accept-removals
    seen: dict[str, Seen] = field(default_factory=dict)
    digests: list[str] = field(default_factory=list)  # backups read (bounded): never again

    def remember(self, digest: str) -> None:
        """Keep ``digest`` among the backups read (the newest :data:`MAX_DIGESTS`)."""
        if digest in self.digests:
            self.digests.remove(digest)
        self.digests = [*self.digests, digest][-MAX_DIGESTS:]

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "v": STATE_VERSION,
            "name": self.name,
            "path": self.path,
            "format": self.format,
            "password": self.password,
            "file": self.file,
            "stamp": self.stamp,
            "digest": self.digest,
            "read_at": self.read_at,
            "count": self.count,
            "held": self.held,
            "seen": {k: [s.record_id, s.stamp, s.digest] for k, s in sorted(self.seen.items())},
            "digests": self.digests,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SourceState:
        try:
            data = json.loads(text)
            if data.get("v") != STATE_VERSION:
                raise InvalidInput(_("a followed source was saved by a newer traycodes"))
            seen = {
                str(k): Seen(str(v[0]), float(v[1]), str(v[2])) for k, v in data["seen"].items()
            }
            password = data.get("password")
            digests = data.get("digests") or []  # absent when written by 0.6.0
            if not isinstance(digests, list):
                raise TypeError("digests")
            return cls(
                name=str(data["name"]),
                path=str(data["path"]),
                format=str(data["format"]),
                password=password if isinstance(password, str) else None,
                file=str(data["file"]),
                stamp=float(data["stamp"]),
                digest=str(data["digest"]),
                read_at=float(data["read_at"]),
                count=int(data["count"]),
                held=int(data["held"]),
                seen=seen,
                digests=[str(d) for d in digests][-MAX_DIGESTS:],
            )
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            raise InvalidInput(_("a followed source's state in the vault cannot be read")) from None


def _hex_id(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def state_record_id(name: str) -> str:
    """The id of the marker that holds a source's state (the same on every computer)."""
    return _hex_id("traycodes follow source", name)


def account_record_id(source: str, identity: str) -> str:
    """The id of the record an account of ``source`` becomes (the same on every computer)."""
    return _hex_id("traycodes follow account", source, identity)


def is_state(record: Record) -> bool:
    return record.deleted and record.apps == (MARK,) and bool(record.note)


def sources_in(records: Any) -> dict[str, SourceState]:
    """Every followed source's state among ``records`` (an iterable of records)."""
    found: dict[str, SourceState] = {}
    for record in records:
        if is_state(record):
            state = SourceState.from_json(record.note)
            found[state.name] = state
    return found


def state_to_record(state: SourceState, at: float, created: float = 0.0) -> Record:
    return Record(
        id=state_record_id(state.name),
        issuer=state.name,
        apps=(MARK,),
        note=state.to_json(),
        created=created or at,
        modified=at,
        deleted=True,
    )


def put_state(records: dict[str, Record], state: SourceState, at: float) -> None:
    """Store ``state`` among ``records`` (the dict a vault update edits)."""
    key = state_record_id(state.name)
    old = records.get(key)
    stamp = max(at, old.modified) if old is not None else at
    records[key] = state_to_record(state, stamp, old.created if old is not None else at)


def drop_state(records: dict[str, Record], name: str, at: float) -> bool:
    """Stop following ``name``: its marker becomes an empty deletion marker."""
    key = state_record_id(name)
    old = records.get(key)
    if old is None or not is_state(old):
        return False
    records[key] = old.tombstone(at)
    return True


def desktop_only(records: list[Record], every: list[Record]) -> list[Record]:
    """The records in ``records`` that no followed source brought (``every``: all records,
    deletion markers included, where the sources' states are)."""
    brought = {s.record_id for state in sources_in(every).values() for s in state.seen.values()}
    return [r for r in records if r.id not in brought]


# --- one backup ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneBackup:
    """A backup as read: where it came from, and its accounts by the phone's identity.
    ``unusable``: identities of accounts it holds that traycodes cannot use (kept, never
    taken for deletions)."""

    file: str
    stamp: float
    digest: str
    accounts: dict[str, Entry]
    unusable: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()


def identity_of(ref: str, entry: Entry | None) -> str:
    """The phone's identity of an account: its own entry id, else a digest of its secret."""
    if ref:
        return "id:" + ref
    if entry is None:
        return ""
    return "secret:" + hashlib.sha256(entry.otp.secret).hexdigest()[:32]


def account_digest(entry: Entry) -> str:
    """What the phone holds of an account that the desktop takes over when it changes."""
    otp = entry.otp
    parts = (
        entry.issuer,
        entry.account,
        otp.type.value,
        otp.algorithm.value,
        str(otp.digits),
        str(otp.period),
        str(otp.counter),
        otp.secret.hex(),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass
class MergeReport:
    """What one merge did, for a person: labels of the accounts concerned."""

    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # deleted on the phone, edited here since
    held: int = 0  # removals not applied: more than half, not confirmed
    unchanged: bool = False  # the same backup as last time: nothing to do
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``1 added, 1 removed`` (or ``no change``)."""
        counts = {
            "added": ngettext("{count} added", "{count} added", len(self.added)),
            "updated": ngettext("{count} updated", "{count} updated", len(self.updated)),
            "removed": ngettext("{count} removed", "{count} removed", len(self.removed)),
        }
        parts = [
            counts[name].format(count=len(getattr(self, name)))
            for name in ("added", "updated", "removed")
            if getattr(self, name)
        ]
        if self.kept:
            parts.append(
                ngettext(
                    "{count} kept (edited here since)",
                    "{count} kept (edited here since)",
                    len(self.kept),
                ).format(count=len(self.kept))
            )
        if self.held:
            parts.append(
                ngettext(
                    "{count} removal waiting for confirmation",
                    "{count} removals waiting for confirmation",
                    self.held,
                ).format(count=self.held)
            )
        return ", ".join(parts) or _("no change")

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _by_secret(records: dict[str, Record], taken: set[str]) -> dict[bytes, Record]:
    """Live records no source brought, by secret: an account imported by hand before is
    adopted by its source rather than doubled."""
    found: dict[bytes, Record] = {}
    for record in records.values():
        if not record.deleted and record.otp is not None and record.id not in taken:
            found.setdefault(record.otp.secret, record)
    return found


def _phone_edit(record: Record, entry: Entry, at: float) -> Record:
    """``record`` as the phone now has it; a secret it replaces is kept as the previous key
    (as ``add --replace`` does), so that ``edit --restore-previous-key`` brings it back."""
    changes: dict[str, Any] = {"issuer": entry.issuer, "account": entry.account, "otp": entry.otp}
    if record.otp is not None and record.otp.secret != entry.otp.secret:
        changes["previous_otp"] = record.otp
    return record.edited(at, **changes)


def _with_tag(tags: tuple[str, ...], tag: str) -> tuple[str, ...]:
    return tags if tag in tags else (*tags, tag)


def merge_backup(
    records: dict[str, Record],
    name: str,
    backup: PhoneBackup,
    *,
    at: float,
    accept_removals: bool = False,
) -> MergeReport:
    """Merge ``backup`` of the followed source ``name`` into ``records`` (edited in place,
    as :meth:`Vault.update` hands them), and record it in the source's state.

    New accounts are added (tagged with the source's name); an account the phone changed
    is updated; one the phone deleted is removed, unless edited here since; records no
    source brought are never touched. Removing more than half the source's accounts waits
    for ``accept_removals``. The same backup merged again changes nothing.
    """
    states = sources_in(records.values())
    if name not in states:
        raise InvalidInput(_("no followed source is named '{name}'").format(name=name))
    state = states[name]
    report = MergeReport(name)
    if backup.digest == state.digest and not (state.held and accept_removals):
        report.unchanged = True
        return report
    if backup.digest in state.digests and backup.digest != state.digest:
        report.unchanged = True
        report.warnings.append(
            _(
                "{name}: {file} is a backup already read before (an old one put "
                "back?); it was not applied again"
            ).format(name=name, file=backup.file)
        )
        return report
    seen = dict(state.seen)
    taken = {s.record_id for other in states.values() for s in other.seen.values()}
    mine = _by_secret(records, taken)
    for identity, entry in backup.accounts.items():
        digest = account_digest(entry)
        known = seen.get(identity)
        if known is None:
            own_id = account_record_id(name, identity)
            record = records.get(own_id)
            if record is None or record.deleted or record.id in taken:
                record = mine.get(entry.otp.secret)
            if record is not None:
                if record.id == own_id:  # followed before under this name: the phone's now
                    record = _phone_edit(record, entry, at)
                record = record.edited(at, tags=_with_tag(record.tags, name))
            else:
                record = Record.from_entry(entry, id=own_id, now=at)
                record = replace(record, tags=_with_tag(record.tags, name))
                old = records.get(own_id)
                if old is not None:  # deleted here once: back from the phone
                    record = replace(record, created=old.created, modified=max(at, old.modified))
                report.added.append(record.label)
            records[record.id] = record
            taken.add(record.id)
            mine.pop(entry.otp.secret, None)
            seen[identity] = Seen(record.id, record.modified, digest)
            continue
        if known.digest == digest:
            continue
        current = records.get(known.record_id)
        if current is None or current.deleted:  # deleted here: the phone does not undo that
            seen[identity] = Seen(known.record_id, known.stamp, digest)
            continue
        updated = _phone_edit(current, entry, at)
        records[current.id] = updated
        seen[identity] = Seen(current.id, updated.modified, digest)
        report.updated.append(updated.label)
    gone = [i for i in seen if i not in backup.accounts and i not in backup.unusable]
    if gone and len(gone) * 2 > len(state.seen) and not accept_removals:
        report.held = len(gone)
        report.warnings.append(
            _(
                "{name}: the backup {file} would remove {count} of {total} "
                "accounts; not applied until you confirm ('traycodes follow sync "
                '"{name}" --accept-removals\')'
            ).format(name=name, file=backup.file, count=len(gone), total=len(state.seen))
        )
    else:
        for identity in gone:
            known = seen.pop(identity)
            current = records.get(known.record_id)
            if current is None or current.deleted:
                continue
            if current.modified > known.stamp:
                report.kept.append(current.label)
                continue
            records[current.id] = current.tombstone(at)
            report.removed.append(current.label)
    if report.kept:
        report.warnings.append(
            _(
                "{name}: {count} account(s) deleted on the phone stay here "
                "because they were edited here since: {names}"
            ).format(name=name, count=len(report.kept), names=", ".join(report.kept[:5]))
        )
    state.seen = seen
    state.file, state.stamp, state.digest = backup.file, backup.stamp, backup.digest
    state.remember(backup.digest)
    state.read_at, state.count, state.held = at, len(seen), report.held
    put_state(records, state, at)
    return report
