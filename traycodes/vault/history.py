"""Which saves a vault file holds: a version vector per computer in its header, and each
computer's copy of its last save in its own state folder (never the synced one), so that a
file that went back in time, or that a sync tool wrote over, is merged, never taken."""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import DamagedData, StorageError
from ..model import Record
from .files import atomic_write, make_private_folder
from .format import Slot, VaultFile, Versions, loads
from .seal import open_records, open_records_at

log = logging.getLogger(__name__)


def state_folder() -> Path:
    """This computer's own traycodes state, never in a synced folder: ``TRAYCODES_STATE``,
    else the user state folder (``~/.local/state/traycodes`` on Linux)."""
    override = os.environ.get("TRAYCODES_STATE", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_state_dir("traycodes", appauthor=False))


def computer_id() -> str:
    """A random id for this computer (per user), made on first use."""
    path = state_folder() / "computer-id"
    try:
        found = path.read_text(encoding="ascii").strip()
        if found and len(found) <= 64 and found.isalnum():
            return found
    except (OSError, UnicodeDecodeError):
        pass
    made = uuid.uuid4().hex[:16]
    make_private_folder(path.parent)
    atomic_write(path, made.encode())
    return made


def last_save_path(vault_id: str) -> Path:
    """This computer's copy of its last save of the vault ``vault_id`` (encrypted)."""
    safe = "".join(c for c in vault_id if c.isalnum())[:64] or "vault"
    return state_folder() / "last-saves" / f"{safe}.tcv"


def remember_save(vault: Path, file: VaultFile, data: bytes) -> None:
    """Keep a copy of what this computer just wrote to ``vault``, and where."""
    path = last_save_path(file.vault_id)
    try:
        make_private_folder(path.parent)
        atomic_write(path, data)
        where = os.fsencode(os.path.realpath(vault))
        try:
            written = path.with_suffix(".path").read_bytes()
        except OSError:
            written = b""
        if written != where:  # the vault moved (or a first save): one more write, not every time
            atomic_write(path.with_suffix(".path"), where)
    except StorageError as exc:  # the save itself worked: say so, do not fail it
        log.warning("could not keep this computer's copy of the save: %s", exc)


def last_save(vault: Path, vault_id: str) -> VaultFile | None:
    """This computer's last save of the vault at ``vault`` (None for another path: a
    backup or a copy opened on purpose is read as it is)."""
    path = last_save_path(vault_id)
    try:
        if path.with_suffix(".path").read_bytes() != os.fsencode(os.path.realpath(vault)):
            return None
        file = loads(path.read_bytes())
    except (OSError, DamagedData):
        return None
    return file if file.vault_id == vault_id else None


def includes(big: Versions, small: Versions) -> bool:
    """Every save ``small`` counts, ``big`` counts too."""
    have = dict(big)
    return all(have.get(computer, 0) >= count for computer, count in small)


def joined(*vectors: Versions) -> Versions:
    merged: dict[str, int] = {}
    for vector in vectors:
        for computer, count in vector:
            merged[computer] = max(merged.get(computer, 0), count)
    return tuple(sorted(merged.items()))


def next_versions(versions: Versions) -> Versions:
    """``versions`` with one more save by this computer."""
    counts = dict(versions)
    me = computer_id()
    counts[me] = counts.get(me, 0) + 1
    return tuple(sorted(counts.items()))


@dataclass
class CaughtUp:
    """The vault as it should be: the file's records, merged with this computer's last
    save when the file lost it; the slots and version vector to write next."""

    records: list[Record]
    slots: tuple[Slot, ...]
    versions: Versions
    warning: str = ""


_UNREAD = VaultFile("", (), b"", b"")  # catch_up's default: read the last save itself


def catch_up(
    path: Path, file: VaultFile, master: bytes, ours: VaultFile | None = _UNREAD
) -> CaughtUp:
    """The file at ``path``, unless it does not hold this computer's last save (copied
    back from an older state, or written over by a sync tool with another computer's
    concurrent save): then that save is merged in by the record rules (newest change wins,
    deletions kept), and key slots are never taken from the older file. ``ours``: this
    computer's last save, when the caller has read it already."""
    from .merge import merge_records

    records = open_records_at(path, file, master)
    if ours is _UNREAD:
        ours = last_save(path, file.vault_id)
    if ours is None or includes(file.versions, ours.versions):
        return CaughtUp(records, file.slots, file.versions)
    try:
        our_records = open_records(ours, master)
    except DamagedData:  # sealed under another key (re-keyed since): nothing to merge
        log.warning("this computer's last save of the vault no longer opens; not merged")
        return CaughtUp(records, file.slots, file.versions)
    merged = list(merge_records(records, our_records).values())
    older = includes(ours.versions, file.versions)
    warning = (
        f"{path} went back to an older state"
        if older
        else f"{path} was written over by another computer's save"
    ) + (
        " and lost this computer's last save: it was merged back in (the newer change of "
        "each account kept, deletions kept)"
    )
    slots = ours.slots if older else file.slots
    return CaughtUp(merged, slots, joined(file.versions, ours.versions), warning)
