"""Which saves a vault file holds: a version vector per computer in its header, and each
computer's copy of its last save in its own state folder (never the synced one), so that a
file that went back in time, or that a sync tool wrote over, is merged, never taken."""

from __future__ import annotations

import glob
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from ..errors import DamagedData, KeyChanged, StorageError
from ..i18n import _
from ..model import Record
from .files import atomic_write, make_private_folder, read_no_link
from .format import MAX_PRIOR, NO_KEYS, Keys, Slot, VaultFile, Versions, loads, prior_associated
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
        where = os.fsencode(os.path.abspath(vault))
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
    backup or a copy opened on purpose is read as it is). Keyed by the vault's id and the
    path as configured, not where links lead: a link planted in the synced folder must
    not make the vault look like another one (0.5.0 kept the resolved path: also read)."""
    path = last_save_path(vault_id)
    try:
        where = path.with_suffix(".path").read_bytes()
        if where != os.fsencode(os.path.abspath(vault)) and where != os.fsencode(
            os.path.realpath(vault)
        ):
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


def computer_name() -> str:
    """This computer's host name, to tell a person where the password was changed."""
    import socket

    name = "".join(c for c in socket.gethostname() if c.isalnum() or c in "-_.")
    return name[:64]


def next_keys(keys: Keys, at: float, vault_id: str, master: bytes, old_master: bytes) -> Keys:
    """The epoch after ``keys``: a password change or a rekey made here, now. A rekey
    (``master`` new) carries the key before it, and those that key carried, sealed under
    the new one: the proof that the rotation was made by someone who held them."""
    from .crypto import seal

    prior = keys.prior or ()
    if master != old_master:
        older = [old_master, *prior_masters(keys, vault_id, old_master)][:MAX_PRIOR]
        prior = tuple(b"".join(seal(master, key, prior_associated(vault_id))) for key in older)
    return Keys(keys.epoch + 1, max(0, int(at)), computer_id(), computer_name(), prior)


def prior_masters(keys: Keys, vault_id: str, master: bytes) -> list[bytes]:
    """The older master keys ``keys.prior`` holds, opened with the file's ``master``."""
    from .crypto import NONCE_BYTES, unseal

    found = []
    for sealed in keys.prior or ():
        key = unseal(master, sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], prior_associated(vault_id))
        if key is not None:
            found.append(key)
    return found


def chained(file: VaultFile, master: bytes, ours: VaultFile) -> bytes | None:
    """Whether ``file``, which claims newer key slots than this computer's last save
    ``ours``, was made by someone who held the key ``ours`` is sealed under: ``master``
    (from the file's slots) must open the file, and then either open ``ours`` too (a
    password change keeps the key) or hold, in ``keys.prior``, a key that does (a rekey).
    Returns that key of ours (None: not chained, never to be adopted)."""
    from .crypto import unseal

    def opens(candidate: VaultFile, key: bytes) -> bool:
        sealed = unseal(key, candidate.nonce, candidate.ciphertext, candidate.header())
        return sealed is not None

    if not opens(file, master):
        return None
    for key in (master, *prior_masters(file.keys, file.vault_id, master)):
        if opens(ours, key):
            return key
    return None


def refuse_unchained(path: Path, file: VaultFile, ours: VaultFile) -> NoReturn:
    """``file`` claims newer key slots than this computer's last save, but not made by
    anyone who held this computer's key (:func:`chained`): someone who knows an old
    password planted it. It is kept aside, this computer's last save is put back in its
    place (what this computer wrote: the key it holds opens it), and DamagedData says so."""
    from .files import file_lock, read_file

    with file_lock(path):
        current, _unused = read_file(path)
        aside = keep_aside(path, file, "not chained")
        if current.dumps() == file.dumps():  # not changed meanwhile: never written over blind
            atomic_write(path, ours.dumps())
    raise DamagedData(
        _(
            "{path} claims the password was changed {described}, but its key "
            "does not follow from the key this computer holds (planted by "
            "someone who knows an old password?): it was not used, and was "
            "kept aside as '{name}'; this computer's last save was put back: "
            "unlock with the password this computer knows"
        ).format(path=path, described=file.keys.described(), name=aside.name)
    )


def aside_copies(path: Path) -> list[Path]:
    """Saves kept aside beside the vault because they were sealed under an older key."""
    return sorted(path.parent.glob(f"{glob.escape(path.stem)} (older key*){path.suffix}"))


def keep_aside(path: Path, file: VaultFile, why: str = "older key") -> Path:
    """Keep ``file`` (a save this computer cannot open: an older key) beside the vault,
    named by its content, so that keeping the same save aside twice makes one copy."""
    import hashlib

    data = file.dumps()
    who = "".join(c for c in (file.keys.name or file.keys.computer) if c.isalnum() or c in "-_")
    digest = hashlib.sha256(data).hexdigest()[:12]
    aside = path.with_name(f"{path.stem} ({why} {who or 'save'} {digest}){path.suffix}")
    if not aside.exists():
        atomic_write(aside, data)
    return aside


def unlock_with(file: VaultFile, ours: VaultFile | None) -> VaultFile:
    """Whose key slots to unlock with: the newest epoch's; at the same epoch, this
    computer's last save when the file is older than it (copied back: an old file must
    not bring back an old password), else the file's."""
    if ours is None or file.keys > ours.keys:
        return file
    if ours.keys > file.keys:
        return ours
    older = includes(ours.versions, file.versions) and not includes(file.versions, ours.versions)
    return ours if older else file


@dataclass
class CaughtUp:
    """The vault as it should be: the file's records, merged with this computer's last
    save when the file lost it; the slots, their epoch and the version vector to write
    next; and the copies kept aside earlier that this merge took in (to remove once saved)."""

    records: list[Record]
    slots: tuple[Slot, ...]
    versions: Versions
    keys: Keys = NO_KEYS
    warning: str = ""
    absorbed: list[Path] = field(default_factory=list)
    replaced_kept: bool = False  # the file replaced was kept aside: no backup of it needed


_UNREAD = VaultFile("", (), b"", b"")  # catch_up's default: read the last save itself


def _open_with(file: VaultFile, masters: tuple[bytes, ...]) -> list[Record] | None:
    for master in masters:
        try:
            return open_records(file, master)
        except DamagedData:
            continue
    return None


def catch_up(
    path: Path,
    file: VaultFile,
    master: bytes,
    ours: VaultFile | None = _UNREAD,
    *,
    old_masters: tuple[bytes, ...] = (),
    key_from_file: bool = False,
) -> CaughtUp:
    """The file at ``path``, unless it does not hold this computer's last save (copied
    back from an older state, or written over by a sync tool with another computer's
    concurrent save): then that save is merged in by the record rules (newest change wins,
    deletions kept). The key slots kept are the newest epoch's (on a tie, never the older
    file's); a save sealed under a key older than the one kept is set aside beside the
    vault and named in the warning, never dropped. ``ours``: this computer's last save,
    when the caller has read it already; ``old_masters``: older master keys this computer
    still holds (the key before a rekey made elsewhere), to re-seal what was sealed under
    them; ``key_from_file``: ``master`` came from the file's own slots (it must open it)."""
    from .merge import merge_records

    if ours is _UNREAD:
        ours = last_save(path, file.vault_id)
    masters = (master, *old_masters)
    records = _open_with(file, masters)
    if records is None:
        if ours is not None and file.keys > ours.keys and not key_from_file:
            raise KeyChanged(
                _(
                    "the vault's key was changed {described}: open it again with the "
                    "new password; nothing was saved"
                ).format(described=file.keys.described()),
                file.keys.described(),
            )
        if ours is None or not ours.keys > file.keys or _open_with(ours, (master,)) is None:
            open_records_at(path, file, master)  # raises, naming the file
            raise AssertionError("unreachable")
        aside = keep_aside(path, file)
        warning = (
            f"{path} was replaced by a save sealed under the vault's old key (made before "
            f"the password changed {ours.keys.described()}): the vault uses the new one, and "
            f"that save was kept aside as '{aside.name}'; it is merged when the computer "
            "that made it opens the vault with the new password"
        ) + _old_key_backups_said(path, file.vault_id, master)
        return CaughtUp(
            open_records(ours, master), ours.slots, ours.versions, ours.keys, warning, [], True
        )
    if ours is None or includes(file.versions, ours.versions):
        if ours is not None and ours.keys > file.keys:
            return CaughtUp(records, ours.slots, file.versions, ours.keys, "")
        return CaughtUp(records, file.slots, file.versions, file.keys)
    our_records = _open_with(ours, masters)
    if our_records is None:  # sealed under a key this computer no longer holds
        aside = keep_aside(path, ours)
        warning = (
            f"this computer's last save of {path} was sealed under the vault's old key, "
            f"and the password changed {file.keys.described()}: that save was kept aside as "
            f"'{aside.name}' (the old password opens it): bring its accounts in with "
            f"'traycodes import \"{aside}\"' and the old password, then delete it"
        )
        return CaughtUp(records, file.slots, file.versions, file.keys, warning)
    merged = merge_records(records, our_records)
    absorbed = _absorb_aside(path, file.vault_id, old_masters, merged)
    older = includes(ours.versions, file.versions)
    warning = (
        f"{path} went back to an older state"
        if older
        else f"{path} was written over by another computer's save"
    ) + (
        " and lost this computer's last save: it was merged back in (the newer change of "
        "each account kept, deletions kept)"
    )
    if ours.keys != file.keys:
        newest = max(ours, file, key=lambda f: f.keys)
        warning += f"; the password changed {newest.keys.described()}: the vault uses the new one"
    else:
        newest = ours if older else file
    versions = joined(file.versions, ours.versions)
    return CaughtUp(list(merged.values()), newest.slots, versions, newest.keys, warning, absorbed)


def _old_key_backups_said(path: Path, vault_id: str, master: bytes) -> str:
    """The backups beside the vault that ``master`` does not open (saved under the old key
    by the computer that missed the change), named: the old password still opens them."""
    from .crypto import unseal
    from .files import list_backups, read_file

    names = []
    for backup in list_backups(path, vault_id):
        try:
            file, _unused = read_file(backup.path)
        except (DamagedData, StorageError):
            continue
        if unseal(master, file.nonce, file.ciphertext, file.header()) is None:
            names.append(f"'{backup.path.parent.name}/{backup.path.name}'")
    if not names:
        return ""
    return (
        f"; until then the old password also opens the backup{'s' if len(names) > 1 else ''} "
        f"it saved under the old key: {', '.join(names)} (sealed again then too)"
    )


def _absorb_aside(
    path: Path, vault_id: str, old_masters: tuple[bytes, ...], merged: dict[str, Record]
) -> list[Path]:
    """Copies kept aside (on another computer) that an old key held here opens: merged."""
    from .merge import merge_records

    absorbed = []
    for aside in aside_copies(path) if old_masters else []:
        try:
            file = loads(read_no_link(aside))  # never a FIFO, a link or a huge file
        except (OSError, DamagedData):
            continue
        theirs = _open_with(file, old_masters) if file.vault_id == vault_id else None
        if theirs is not None:
            merged.update(merge_records(merged.values(), theirs))
            absorbed.append(aside)
    return absorbed


def reseal_old_backups(path: Path, master: bytes, old_masters: tuple[bytes, ...]) -> int:
    """Backups of the vault at ``path`` still sealed under a key from before a rekey made
    elsewhere (saved here before this computer heard of it), sealed again under ``master``
    with the vault's current slots; returns how many. Backups ``master`` opens, or that no
    key opens, are left."""
    from .crypto import unseal
    from .files import list_backups, read_file
    from .seal import seal_file

    current, _unused = read_file(path)
    count = 0
    for backup in list_backups(path, current.vault_id):
        try:
            file, _unused = read_file(backup.path)
        except (DamagedData, StorageError):
            continue
        if unseal(master, file.nonce, file.ciphertext, file.header()) is not None:
            continue  # already under the vault's key (the usual case: no records parsed)
        records = _open_with(file, old_masters)
        if records is None:
            continue
        sealed = seal_file(
            current.vault_id, current.slots, master, records, file.versions, current.keys
        )
        atomic_write(backup.path, sealed.dumps())
        count += 1
    return count
