"""An open vault: unlock it, read its records, change them under a lock, save atomically.

Every change goes through :meth:`Vault.update`: under an exclusive lock it re-reads the file
(so a change made meanwhile by another traycodes is never lost, and a file that lost this
computer's last save is merged with it: :mod:`.history`), applies the change to those
records, and writes the result: a temporary file in the same folder, fsync, rename, fsync
of the folder. The file it replaces is kept in the backups folder first. A file that cannot
be read or opened is never written over.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from ..errors import (
    Conflict,
    InvalidInput,
    KeyUnavailable,
    Locked,
    StorageError,
    TrayCodesError,
)
from ..i18n import _
from ..keystore import KeyStore
from ..model import Record
from . import crypto
from .files import (
    DEFAULT_BACKUPS,
    Backup,
    NoVault,
    atomic_write,
    backup_before_save,
    file_lock,
    list_backups,
    make_private_folder,
    read_file,
    remove_stale_temporaries,
)
from .format import SLOT_KEYRING, SLOT_PASSWORD, Slot, VaultFile
from .history import (
    catch_up,
    chained,
    last_save,
    next_keys,
    next_versions,
    refuse_unchained,
    remember_save,
    reseal_old_backups,
    unlock_with,
)
from .rekey import rekeyed_file, reseal_backups
from .seal import (
    PasswordSource,
    keyring_entry,
    keyring_slot,
    open_records_at,
    password_slot,
    seal_file,
    unlock,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

__all__ = ["DEFAULT_BACKUPS", "Backup", "NoVault", "Vault"]


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
        self._old_masters: tuple[bytes, ...] = ()  # the key before a rekey made elsewhere

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
            raise InvalidInput(_("a vault needs a password, a keyring, or both"))
        if path.exists():
            raise Conflict(
                _("a vault already exists at {path}; nothing was changed").format(path=path)
            )
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
                raise Conflict(
                    _("a vault already exists at {path}; nothing was changed").format(path=path)
                )
            data = file.dumps()
            atomic_write(path, data)
            remember_save(path, file, data)
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
        file, _unused = read_file(path)
        ours = last_save(path, file.vault_id)
        asked: list[str | None] = []

        def once() -> str | None:  # one question, even when two headers are tried
            if not asked:
                asked.append(password())
            return asked[0]

        chosen = unlock_with(file, ours)
        master, how = unlock(chosen, keystore, once)
        old_masters: tuple[bytes, ...] = ()
        if (  # other slots than this computer's last save: they must follow from our key
            chosen is file
            and ours is not None
            and ours.keys.prior is not None
            and file.slots != ours.slots
            and crypto.unseal(master, file.nonce, file.ciphertext, file.header()) is not None
        ):  # (a file the key does not open is said to be damaged by catch_up, below)
            ours_key = chained(file, master, ours)
            if ours_key is None:
                refuse_unchained(path, file, ours)
            old_masters = (ours_key,) if ours_key != master else ()
        elif (  # a rekey elsewhere: this computer's last save is under the key before it
            ours is not None
            and file.keys > ours.keys
            and crypto.unseal(master, ours.nonce, ours.ciphertext, ours.header()) is None
        ):
            try:
                old_master, _how = unlock(ours, keystore, once)
                old_masters = (old_master,) if old_master != master else ()
            except TrayCodesError:  # this computer's save is kept aside instead
                pass
        caught = catch_up(
            path, file, master, ours, old_masters=old_masters, key_from_file=chosen is file
        )
        vault = cls(
            path, file, master, caught.records, unlocked_with=how, keep_backups=keep_backups
        )
        vault._old_masters = old_masters
        if caught.warning:  # saved at once, as a new version: the merge must not be lost
            try:
                vault.update(lambda records: None)
            except StorageError as exc:  # a read-only folder: the merge still reads right
                vault.warnings.append(
                    _("{warning}; it could not be saved yet: {error}").format(
                        warning=caught.warning, error=exc
                    )
                )
        if old_masters:  # backups saved here under the key before the rekey: sealed again
            try:
                with file_lock(path):
                    reseal_old_backups(path, master, old_masters)
            except TrayCodesError as exc:
                vault.warnings.append(
                    _("backups made under the old key were not sealed again: {error}").format(
                        error=exc
                    )
                )
        vault._old_masters = ()
        return vault

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
            raise Locked(_("the vault is locked"))
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
        new_epoch: bool = False,
    ) -> T:
        """Apply ``change`` to the records as they are on disk now, and save.

        ``change`` edits the dict (id -> record) in place and returns anything; an exception
        from it saves nothing, and so does a change that changes nothing. ``slots`` may
        replace the key slots in the same save. ``keep_backup=False`` is for bookkeeping
        (when a code was last used) that must not push real history out of the backups.
        ``new_epoch``: the slots are a new password's (they win over older slots in a merge).
        """
        master = self.master_key
        with file_lock(self.path):
            file, old = read_file(self.path)
            if file.vault_id != self._file.vault_id:
                raise Conflict(
                    _("{path} now holds another vault; nothing was saved").format(path=self.path)
                )
            caught = catch_up(self.path, file, master, old_masters=self._old_masters)
            records = {r.id: r for r in caught.records}
            before = dict(records)
            result = change(records)
            new_slots = caught.slots if slots is None else slots(caught.slots)
            keys = caught.keys if caught.keys.prior is not None else replace(caught.keys, prior=())
            if new_epoch:  # a password change: the same master key
                keys = next_keys(keys, time.time(), file.vault_id, master, master)
            if (
                records == before
                and new_slots == file.slots
                and keys == file.keys
                and not caught.warning
            ):
                self._file, self._records = file, records  # nothing changed: no write
                return result
            new_file = seal_file(
                file.vault_id,
                new_slots,
                master,
                list(records.values()),
                next_versions(caught.versions),
                keys,
            )
            remove_stale_temporaries(self.path)
            if (keep_backup or caught.warning) and not caught.replaced_kept:
                backup_before_save(self.path, old, self.keep_backups, file.vault_id)
            data = new_file.dumps()
            atomic_write(self.path, data)
            remember_save(self.path, new_file, data)
            for taken in caught.absorbed:  # merged into what was just saved
                taken.unlink(missing_ok=True)
        if caught.warning:
            log.warning("%s", caught.warning)
            self.warnings.append(caught.warning)
        self._file, self._records = new_file, records
        return result

    def advance_hotp(self, record_id: str, now: float, *, used: bool = False) -> str:
        """An HOTP record's code at its stored counter, after saving the counter moved on
        by one (the code is never shown before the save: a crash cannot reuse it).
        ``used``: also note the time it was used (menu order)."""
        from ..errors import NoMatch
        from ..model import OtpType
        from ..otp import code

        def advance(records: dict[str, Record]) -> str:
            current = records.get(record_id)
            if current is None or current.deleted or current.otp is None:
                raise NoMatch(_("that record was removed meanwhile"))
            if current.otp.type is not OtpType.HOTP:
                raise NoMatch(
                    _("{label} is no longer an HOTP record; try again").format(label=current.label)
                )
            changes: dict[str, object] = {"otp": current.otp.advanced()}
            if used:
                changes["used"] = now
            records[record_id] = current.edited(now, **changes)
            return code(current.otp, now)

        return self.update(advance)

    def reload(self) -> str:
        """Read the file again (another process or device may have changed it). A file
        that lost this computer's last save is merged with it and saved, never simply
        taken; returns the warning that says so ("" when all was well)."""
        file, _unused = read_file(self.path)
        if file.vault_id != self._file.vault_id:
            raise Conflict(_("{path} now holds another vault").format(path=self.path))
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

        file, _unused = read_file(other)
        if file.vault_id != self.vault_id:
            raise Conflict(
                _("{other} is not a copy of this vault; it was left as it is").format(other=other)
            )
        theirs = open_records_at(other, file, self.master_key)

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

        self.update(lambda records: None, slots=replace_password, new_epoch=True)

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
        with file_lock(self.path):
            own = self._own_keyring_slots(keystore) if keystore is not None else []
            file, master, records = rekeyed_file(
                self.path,
                self.vault_id,
                old_master,
                new_password,
                keystore=keystore if own else None,
                kdf=kdf,
            )
            self._file, self._master = file, master
            self._records = {r.id: r for r in records}
            resealed, deleted = reseal_backups(self.path, file, master, old_master)
        if keystore is not None:
            for stale in own:
                keystore.delete(keyring_entry(self.vault_id, stale.id))
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
                _("the keyring is this vault's only key: set a password first ('traycodes passwd')")
            )
        self.update(
            lambda records: None, slots=lambda slots: tuple(s for s in slots if s.id not in own)
        )
        if keystore is not None:
            for stale in own:
                keystore.delete(keyring_entry(self.vault_id, stale))

    def backups(self) -> list[Backup]:
        """The encrypted backups kept beside the vault, newest first."""
        return list_backups(self.path, self.vault_id)

    def restore(self, backup: Path) -> int:
        """Make a backup's records the vault's records; returns how many are live.

        The backup must be of this vault (same master key). The vault's current key slots
        are kept, so the current password and keyring still open it; the state replaced
        goes to the backups like any other save.
        """
        file, _unused = read_file(backup)
        if file.vault_id != self.vault_id:
            raise Conflict(_("{backup} is a backup of another vault").format(backup=backup))
        restored = open_records_at(backup, file, self.master_key)

        def replace_all(records: dict[str, Record]) -> None:
            records.clear()
            records.update((r.id, r) for r in restored)

        self.update(replace_all)
        return sum(1 for r in restored if not r.deleted)
