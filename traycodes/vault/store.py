"""An open vault: unlock it, read its records, change them under a lock, save atomically.

Every change goes through :meth:`Vault.update`: under an exclusive lock it re-reads the file
(so a change made meanwhile by another traycodes is never lost), applies the change to
those records, and writes the result: a temporary file in the same folder, fsync, rename,
fsync of the folder. The file it replaces is kept in the backups folder first. A file that
cannot be read or opened is never written over.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from ..errors import (
    Conflict,
    DamagedData,
    InvalidInput,
    KeyUnavailable,
    Locked,
    StorageError,
    TrayCodesError,
    WrongPassword,
)
from ..keystore import KeyStore
from ..model import Record
from . import crypto
from .format import (
    SLOT_KEYRING,
    SLOT_PASSWORD,
    Slot,
    VaultFile,
    Versions,
    dump_records,
    load_records,
    loads,
    stored_header,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_BACKUPS = 10
LOCK_TIMEOUT = 15.0  # seconds; a save holds the lock for milliseconds
BACKUP_SUFFIX = ".tcv"


class NoVault(TrayCodesError):
    """There is no vault file where one was expected."""

    exit_code = 2


def keyring_entry(vault_id: str, slot_id: str) -> str:
    """The keyring name under which a keyring slot's key is stored."""
    return f"vault {vault_id} slot {slot_id}"


def backups_folder(path: Path) -> Path:
    """Where the encrypted backups of the vault at ``path`` are kept."""
    return path.with_name(path.name + ".backups")


@dataclass(frozen=True, slots=True)
class Backup:
    """One encrypted backup: the vault file as it was before a save."""

    path: Path
    saved: datetime
    size: int


# --- unlocking -------------------------------------------------------------------------------

PasswordSource = Callable[[], "str | None"]


def unlock(
    file: VaultFile,
    keystore: KeyStore | None,
    password: PasswordSource,
    *,
    ceiling: crypto.KdfParams = crypto.KDF_MAXIMUM,
) -> tuple[bytes, str]:
    """The master key and how it was had: ``"keyring"`` first, then ``"password"``. A
    password slot asking for more than ``ceiling`` is refused before any work."""
    keyring_problem = ""
    if keystore is not None:
        for slot in file.slots:
            if slot.type != SLOT_KEYRING:
                continue
            try:
                key = keystore.get(keyring_entry(file.vault_id, slot.id))
            except KeyUnavailable as exc:
                keyring_problem = f" ({exc})"
                break
            if key is not None:
                master = crypto.unseal(
                    key, slot.nonce, slot.wrapped, slot.associated(file.vault_id)
                )
                if master is not None:
                    return master, "keyring"
                log.info("the keyring holds a key for this vault that does not open it")
    password_slots = [s for s in file.slots if s.type == SLOT_PASSWORD]
    if not password_slots:
        raise KeyUnavailable(
            "the vault can only be opened with its keyring key, and the "
            f"keyring does not have it{keyring_problem}"
        )
    given = password()
    if given is None:
        raise Locked(
            "the vault is locked: give its password on a terminal, with "
            f"--password-stdin, or in TRAYCODES_PASSWORD{keyring_problem}"
        )
    for slot in password_slots:
        assert slot.kdf is not None  # format.Slot.from_json sets it for password slots
        if not slot.kdf.at_least(crypto.KDF_MINIMUM):
            raise DamagedData(
                "the vault asks for a weaker password hashing than traycodes "
                "allows: it may have been tampered with"
            )
        if not ceiling.at_least(slot.kdf):
            raise DamagedData(
                "the vault asks for more password-hashing memory or time than "
                "traycodes allows: it is damaged or was tampered with"
            )
        key = crypto.derive(given, slot.salt, slot.kdf)
        master = crypto.unseal(key, slot.nonce, slot.wrapped, slot.associated(file.vault_id))
        if master is not None:
            return master, "password"
    raise WrongPassword("wrong password")


def open_records(file: VaultFile, master: bytes) -> list[Record]:
    """The records sealed in ``file``; DamagedData when the seal does not hold."""
    plaintext = crypto.unseal(master, file.nonce, file.ciphertext, file.header())
    if plaintext is None:
        raise DamagedData(
            "the vault's contents fail authentication: the file was damaged "
            "or altered after it was written"
        )
    return load_records(plaintext)


def password_slot(vault_id: str, master: bytes, password: str, kdf: crypto.KdfParams) -> Slot:
    """A new password slot holding ``master``."""
    if not password:
        raise InvalidInput("the password is empty")
    salt = crypto.random_salt()
    slot = Slot(SLOT_PASSWORD, uuid.uuid4().hex[:16], b"", b"", salt, kdf)
    nonce, wrapped = crypto.seal(
        crypto.derive(password, salt, kdf), master, slot.associated(vault_id)
    )
    return Slot(slot.type, slot.id, nonce, wrapped, salt, kdf)


def keyring_slot(vault_id: str, master: bytes, keystore: KeyStore) -> Slot:
    """A new keyring slot holding ``master``; its key is stored in ``keystore`` first."""
    slot_id = uuid.uuid4().hex[:16]
    key = crypto.random_key()
    keystore.set(keyring_entry(vault_id, slot_id), key)
    slot = Slot(SLOT_KEYRING, slot_id, b"", b"")
    nonce, wrapped = crypto.seal(key, master, slot.associated(vault_id))
    return Slot(SLOT_KEYRING, slot_id, nonce, wrapped)


def seal_file(
    vault_id: str,
    slots: tuple[Slot, ...],
    master: bytes,
    records: list[Record],
    versions: Versions = (),
) -> VaultFile:
    """A vault file holding ``records`` under ``master``, sealed with its first two lines
    (which name the nonce and the size) as associated data."""
    plaintext = dump_records(records)
    nonce = crypto.random_nonce()
    header = stored_header(vault_id, slots, nonce, len(plaintext) + 16, versions)
    _, ciphertext = crypto.seal(master, plaintext, header, nonce)
    return VaultFile(vault_id, slots, nonce, ciphertext, versions, header)


# --- the version vector: which saves a file holds ----------------------------------------------


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


def _remember_save(vault: Path, file: VaultFile, data: bytes) -> None:
    """Keep a copy of what this computer just wrote to ``vault``, and where."""
    path = last_save_path(file.vault_id)
    try:
        make_private_folder(path.parent)
        atomic_write(path, data)
        atomic_write(path.with_suffix(".path"), os.fsencode(os.path.realpath(vault)))
    except StorageError as exc:  # the save itself worked: say so, do not fail it
        log.warning("could not keep this computer's copy of the save: %s", exc)


def _last_save(vault: Path, vault_id: str) -> VaultFile | None:
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


def catch_up(path: Path, file: VaultFile, master: bytes) -> CaughtUp:
    """The file at ``path``, unless it does not hold this computer's last save (copied
    back from an older state, or written over by a sync tool with another computer's
    concurrent save): then that save is merged in by the record rules (newest change wins,
    deletions kept), and key slots are never taken from the older file."""
    from .merge import merge_records

    records = Vault._open_records(path, file, master)
    ours = _last_save(path, file.vault_id)
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


# --- files -----------------------------------------------------------------------------------


def read_file(path: Path) -> tuple[VaultFile, bytes]:
    """The parsed vault file at ``path`` and its bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NoVault(
            f"no vault at {path}: create one with 'traycodes init', or point "
            "to yours with --vault or TRAYCODES_VAULT"
        ) from None
    except IsADirectoryError:
        raise StorageError(f"{path} is a folder, not a vault file") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return loads(data), data
    except DamagedData as exc:
        count = len(list_backups(path))
        hint = (
            f"; it was left as it is. {count} encrypted backup(s) in "
            f"{backups_folder(path)}: see 'traycodes backups' and 'traycodes restore'"
            if count
            else "; it was left as it is"
        )
        raise type(exc)(f"{exc} ({path}){hint}") from None


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; MoveFileEx is what it offers
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StorageError(f"cannot write in {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp makes it 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a writer that died (only ever written under the lock)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and parents) readable by the user alone."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror}") from None


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock on the vault at ``path`` between processes (and threads)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    if sys.platform != "win32":
        import fcntl

        # The lock is on the vault's folder: nothing to create, nothing left behind.
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StorageError(
                            "the vault is busy: another traycodes has held its lock for too long"
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing releases the lock
    else:  # Windows: a lock file, since folders cannot be locked there
        import msvcrt

        lock_path = path.with_name(f".{path.name}.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise StorageError(
                            "the vault is busy: another traycodes has held its lock for too long"
                        ) from None
                    time.sleep(0.005)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


def list_backups(path: Path) -> list[Backup]:
    """The vault's encrypted backups, newest first."""
    folder = backups_folder(path)
    try:
        entries = [
            p
            for p in folder.iterdir()
            if p.name.startswith(path.stem + "-") and p.name.endswith(BACKUP_SUFFIX)
        ]
    except OSError:
        return []
    backups = []
    for entry in entries:
        stamp = entry.name[len(path.stem) + 1 : -len(BACKUP_SUFFIX)]
        try:
            saved = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            backups.append(Backup(entry, saved, entry.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(backups, key=lambda b: b.path.name, reverse=True)


def _keep_backup(path: Path, data: bytes, keep: int) -> None:
    if keep <= 0:
        return
    folder = backups_folder(path)
    make_private_folder(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    atomic_write(folder / f"{path.stem}-{stamp}{BACKUP_SUFFIX}", data)
    for old in list_backups(path)[keep:]:
        old.path.unlink(missing_ok=True)


# --- the vault -------------------------------------------------------------------------------


class Vault:
    """An unlocked vault. Records are read from memory; changes go through :meth:`update`."""

    def __init__(
        self,
        path: Path,
        file: VaultFile,
        master: bytes,
        records: list[Record],
        *,
        unlocked_with: str,
        keep_backups: int = DEFAULT_BACKUPS,
    ) -> None:
        self.path = path
        self.unlocked_with = unlocked_with
        self.keep_backups = keep_backups
        self._file = file
        self._master: bytes | None = master
        self._records = {r.id: r for r in records}
        self.warnings: list[str] = []  # what a person should hear about (a rollback merged)

    def __repr__(self) -> str:
        return f"Vault({str(self.path)!r}, {len(self.records)} records)"

    # -- opening

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        password: str | None,
        keystore: KeyStore | None,
        kdf: crypto.KdfParams = crypto.KDF_DEFAULT,
        keep_backups: int = DEFAULT_BACKUPS,
    ) -> Vault:
        """A new, empty vault at ``path``, with a password slot, a keyring slot, or both."""
        if not password and keystore is None:
            raise InvalidInput("a vault needs a password, a keyring, or both")
        if path.exists():
            raise Conflict(f"a vault already exists at {path}; nothing was changed")
        make_private_folder(path.parent)
        master = crypto.random_key()
        vault_id = uuid.uuid4().hex
        slots: list[Slot] = []
        if password:
            slots.append(password_slot(vault_id, master, password, kdf))
        if keystore is not None:
            slots.append(keyring_slot(vault_id, master, keystore))
        file = seal_file(vault_id, tuple(slots), master, [], next_versions(()))
        with file_lock(path):
            if path.exists():
                raise Conflict(f"a vault already exists at {path}; nothing was changed")
            data = file.dumps()
            atomic_write(path, data)
            _remember_save(path, file, data)
        unlocked_with = "keyring" if keystore is not None else "password"
        return cls(path, file, master, [], unlocked_with=unlocked_with, keep_backups=keep_backups)

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        keystore: KeyStore | None,
        password: PasswordSource,
        keep_backups: int = DEFAULT_BACKUPS,
    ) -> Vault:
        """Open the vault at ``path``: keyring slot first, then ``password()``."""
        file, _ = read_file(path)
        ours = _last_save(path, file.vault_id)
        # A file older than this computer's last save (copied back) must not bring back
        # the key slots it had then (an old password): unlock with the newer slots.
        older = (
            ours is not None
            and includes(ours.versions, file.versions)
            and not includes(file.versions, ours.versions)
        )
        master, how = unlock(ours if ours is not None and older else file, keystore, password)
        caught = catch_up(path, file, master)
        vault = cls(
            path, file, master, caught.records, unlocked_with=how, keep_backups=keep_backups
        )
        if caught.warning:  # saved at once, as a new version: the merge must not be lost
            vault.update(lambda records: None)
        return vault

    @staticmethod
    def _open_records(path: Path, file: VaultFile, master: bytes) -> list[Record]:
        try:
            return open_records(file, master)
        except DamagedData as exc:
            raise DamagedData(
                f"{exc} ({path}); it was left as it is: see 'traycodes "
                "backups' and 'traycodes restore'"
            ) from None

    # -- reading

    @property
    def vault_id(self) -> str:
        return self._file.vault_id

    @property
    def slots(self) -> tuple[Slot, ...]:
        return self._file.slots

    @property
    def records(self) -> list[Record]:
        """The live records (deletion markers left out), in vault order."""
        return [r for r in self._records.values() if not r.deleted]

    def all_records(self) -> list[Record]:
        """Every record, deletion markers included (for merging)."""
        return list(self._records.values())

    @property
    def master_key(self) -> bytes:
        if self._master is None:
            raise Locked("the vault is locked")
        return self._master

    def lock(self) -> None:
        """Drop the master key and the decrypted records from this object."""
        self._master = None
        self._records = {}

    # -- changing

    def update(
        self,
        change: Callable[[dict[str, Record]], T],
        *,
        slots: Callable[[tuple[Slot, ...]], tuple[Slot, ...]] | None = None,
        keep_backup: bool = True,
    ) -> T:
        """Apply ``change`` to the records as they are on disk now, and save.

        ``change`` edits the dict (id -> record) in place and returns anything; an exception
        from it saves nothing, and so does a change that changes nothing. ``slots`` may
        replace the key slots in the same save. ``keep_backup=False`` is for bookkeeping
        (when a code was last used) that must not push real history out of the backups.
        """
        master = self.master_key
        with file_lock(self.path):
            file, old = read_file(self.path)
            if file.vault_id != self._file.vault_id:
                raise Conflict(f"{self.path} now holds another vault; nothing was saved")
            caught = catch_up(self.path, file, master)
            records = {r.id: r for r in caught.records}
            before = dict(records)
            result = change(records)
            new_slots = caught.slots if slots is None else slots(caught.slots)
            if records == before and new_slots == file.slots and not caught.warning:
                self._file, self._records = file, records  # nothing changed: no write
                return result
            new_file = seal_file(
                file.vault_id,
                new_slots,
                master,
                list(records.values()),
                next_versions(caught.versions),
            )
            _remove_stale_temporaries(self.path)
            if keep_backup or caught.warning:
                _keep_backup(self.path, old, self.keep_backups)
            data = new_file.dumps()
            atomic_write(self.path, data)
            _remember_save(self.path, new_file, data)
        if caught.warning:
            log.warning("%s", caught.warning)
            self.warnings.append(caught.warning)
        self._file, self._records = new_file, records
        return result

    def reload(self) -> str:
        """Read the file again (another process or device may have changed it). A file
        that lost this computer's last save is merged with it and saved, never simply
        taken; returns the warning that says so ("" when all was well)."""
        file, _ = read_file(self.path)
        if file.vault_id != self._file.vault_id:
            raise Conflict(f"{self.path} now holds another vault")
        caught = catch_up(self.path, file, self.master_key)
        self._records = {r.id: r for r in caught.records}
        self._file = file
        if caught.warning:
            self.update(lambda records: None)
        return caught.warning

    def absorb(self, other: Path) -> int:
        """Merge another copy of this vault (a sync tool's conflict copy) into it, then
        remove that copy. Returns how many records it changed or added here. A copy that
        is not of this vault, or cannot be read, is left where it is (and raised)."""
        from .merge import merge_records

        file, _ = read_file(other)
        if file.vault_id != self.vault_id:
            raise Conflict(f"{other} is not a copy of this vault; it was left as it is")
        theirs = self._open_records(other, file, self.master_key)

        def merge(records: dict[str, Record]) -> int:
            merged = merge_records(records.values(), theirs)
            changed = sum(1 for key, record in merged.items() if records.get(key) != record)
            records.clear()
            records.update(merged)
            return changed

        changed = self.update(merge)
        other.unlink(missing_ok=True)
        return changed

    def absorb_conflicts(self) -> list[tuple[Path, int | str]]:
        """Merge every conflict copy beside the vault: (path, records changed or why not)."""
        from .merge import conflict_copies

        results: list[tuple[Path, int | str]] = []
        for copy in conflict_copies(self.path):
            try:
                results.append((copy, self.absorb(copy)))
            except TrayCodesError as exc:
                results.append((copy, str(exc)))
        return results

    def change_password(
        self, new_password: str, *, kdf: crypto.KdfParams = crypto.KDF_DEFAULT
    ) -> None:
        """Rewrap the master key under a new password (adds a password slot if none)."""
        slot = password_slot(self.vault_id, self.master_key, new_password, kdf)

        def replace_password(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
            return (*(s for s in slots if s.type != SLOT_PASSWORD), slot)

        self.update(lambda records: None, slots=replace_password)

    def rekey(
        self,
        new_password: str,
        *,
        keystore: KeyStore | None,
        kdf: crypto.KdfParams = crypto.KDF_DEFAULT,
    ) -> tuple[int, int]:
        """A new master key: the records sealed again under it, a new password slot, a new
        keyring slot for this computer (when ``keystore`` is given and it had one), every
        other computer's keyring slot dropped, and every backup sealed again under the new
        key (or deleted when it cannot be opened). Afterwards no old password, keyring key
        or copy of the old master key opens the vault, its later saves or its backups.
        Returns (backups sealed again, backups deleted)."""
        old_master = self.master_key
        master = crypto.random_key()
        with file_lock(self.path):
            file, _ = read_file(self.path)
            if file.vault_id != self._file.vault_id:
                raise Conflict(f"{self.path} now holds another vault; nothing was changed")
            caught = catch_up(self.path, file, old_master)
            records = caught.records
            own = self._own_keyring_slots(keystore) if keystore is not None else []
            slots = [password_slot(file.vault_id, master, new_password, kdf)]
            if keystore is not None and own:
                slots.append(keyring_slot(file.vault_id, master, keystore))
            try:
                new_file = seal_file(
                    file.vault_id, tuple(slots), master, records, next_versions(caught.versions)
                )
                _remove_stale_temporaries(self.path)
                # The vault first: were the backups done first, a crash now would leave
                # them under a key that nothing holds.
                data = new_file.dumps()
                atomic_write(self.path, data)
                _remember_save(self.path, new_file, data)
            except BaseException:
                if keystore is not None and len(slots) > 1:
                    keystore.delete(keyring_entry(file.vault_id, slots[1].id))
                raise
            self._file, self._master = new_file, master
            self._records = {r.id: r for r in records}
            resealed, deleted = self._reseal_backups(old_master, tuple(slots))
        if keystore is not None:
            for stale in own:
                keystore.delete(keyring_entry(file.vault_id, stale.id))
        return resealed, deleted

    def _reseal_backups(self, old_master: bytes, slots: tuple[Slot, ...]) -> tuple[int, int]:
        resealed = deleted = 0
        for backup in list_backups(self.path):
            try:
                file, _ = read_file(backup.path)
                if file.vault_id != self.vault_id:
                    raise Conflict("another vault")
                records = open_records(file, old_master)
            except TrayCodesError:  # not openable with the old key: it cannot stay
                backup.path.unlink(missing_ok=True)
                deleted += 1
                continue
            sealed = seal_file(self.vault_id, slots, self.master_key, records, file.versions)
            atomic_write(backup.path, sealed.dumps())
            resealed += 1
        return resealed, deleted

    def _own_keyring_slots(self, keystore: KeyStore) -> list[Slot]:
        """The keyring slots whose key this computer's keyring holds (other devices that
        share the vault through a synced folder keep slots of their own)."""
        own = []
        for slot in self.slots:
            if slot.type != SLOT_KEYRING:
                continue
            try:
                if keystore.get(keyring_entry(self.vault_id, slot.id)) is not None:
                    own.append(slot)
            except KeyUnavailable:
                continue
        return own

    def add_keyring(self, keystore: KeyStore) -> None:
        """Keep a key in ``keystore`` that opens this vault (replacing this computer's
        older keyring slot; other computers' slots stay)."""
        slot = keyring_slot(self.vault_id, self.master_key, keystore)
        old = {s.id for s in self._own_keyring_slots(keystore) if s.id != slot.id}

        def replace_keyring(slots: tuple[Slot, ...]) -> tuple[Slot, ...]:
            return (*(s for s in slots if s.id not in old), slot)

        try:
            self.update(lambda records: None, slots=replace_keyring)
        except BaseException:
            keystore.delete(keyring_entry(self.vault_id, slot.id))
            raise
        for stale in old:
            keystore.delete(keyring_entry(self.vault_id, stale))

    def remove_keyring(self, keystore: KeyStore | None) -> None:
        """Stop opening through this computer's keyring; refused when it is the only way
        in."""
        own = {s.id for s in self._own_keyring_slots(keystore)} if keystore else set()
        if not own:
            own = {s.id for s in self.slots if s.type == SLOT_KEYRING}
        if not any(s.id not in own for s in self.slots):
            raise Conflict(
                "the keyring is this vault's only key: set a password first ('traycodes passwd')"
            )
        self.update(
            lambda records: None, slots=lambda slots: tuple(s for s in slots if s.id not in own)
        )
        if keystore is not None:
            for stale in own:
                keystore.delete(keyring_entry(self.vault_id, stale))

    def backups(self) -> list[Backup]:
        """The encrypted backups kept beside the vault, newest first."""
        return list_backups(self.path)

    def restore(self, backup: Path) -> int:
        """Make a backup's records the vault's records; returns how many are live.

        The backup must be of this vault (same master key). The vault's current key slots
        are kept, so the current password and keyring still open it; the state replaced
        goes to the backups like any other save.
        """
        file, _ = read_file(backup)
        if file.vault_id != self.vault_id:
            raise Conflict(f"{backup} is a backup of another vault")
        restored = self._open_records(backup, file, self.master_key)

        def replace_all(records: dict[str, Record]) -> None:
            records.clear()
            records.update((r.id, r) for r in restored)

        self.update(replace_all)
        return sum(1 for r in restored if not r.deleted)
