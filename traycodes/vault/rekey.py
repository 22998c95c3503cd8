"""A new master key for a vault (``traycodes passwd --rekey``): the file sealed again under
it with new slots, then every backup sealed again under it, or deleted when the old key
cannot open it. Afterwards no old password, keyring key or copy of the old master key
opens the vault, its later saves or its backups. :meth:`.store.Vault.rekey` runs both
under the vault's lock and drops this computer's old keyring entries.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import Conflict, TrayCodesError
from ..i18n import _
from ..keystore import KeyStore
from ..model import Record
from . import crypto
from .files import atomic_write, list_backups, read_file, remove_stale_temporaries
from .format import VaultFile
from .history import catch_up, next_keys, next_versions, remember_save
from .seal import keyring_entry, keyring_slot, open_records, password_slot, seal_file


def rekeyed_file(
    path: Path,
    vault_id: str,
    old_master: bytes,
    new_password: str,
    *,
    keystore: KeyStore | None,
    kdf: crypto.KdfParams,
) -> tuple[VaultFile, bytes, list[Record]]:
    """Seal the vault at ``path`` (its lock held by the caller) under a new master key with
    a password slot, and a keyring slot in ``keystore`` when given; returns (the file
    written, the new master key, its records). The records are those of the file now,
    caught up with this computer's last save."""
    master = crypto.random_key()
    file, _unused = read_file(path)
    if file.vault_id != vault_id:
        raise Conflict(_("{path} now holds another vault; nothing was changed").format(path=path))
    caught = catch_up(path, file, old_master)
    slots = [password_slot(vault_id, master, new_password, kdf)]
    if keystore is not None:
        slots.append(keyring_slot(vault_id, master, keystore))
    try:
        keys = next_keys(caught.keys, time.time(), vault_id, master, old_master)
        versions = next_versions(caught.versions)
        new_file = seal_file(vault_id, tuple(slots), master, caught.records, versions, keys)
        remove_stale_temporaries(path)
        # The vault first: were the backups done first, a crash now would leave them
        # under a key that nothing holds.
        data = new_file.dumps()
        atomic_write(path, data)
        remember_save(path, new_file, data)
    except BaseException:
        if keystore is not None:
            keystore.delete(keyring_entry(vault_id, slots[1].id))
        raise
    return new_file, master, caught.records


def reseal_backups(
    path: Path, vault: VaultFile, master: bytes, old_master: bytes
) -> tuple[int, int]:
    """Seal every backup of the vault at ``path`` again under ``master`` with the slots and
    keys of ``vault`` (its file as now written); returns (backups sealed again, backups
    deleted because ``old_master`` could not open them)."""
    resealed = deleted = 0
    for backup in list_backups(path, vault.vault_id):
        try:
            file, _unused = read_file(backup.path)
            if file.vault_id != vault.vault_id:
                raise Conflict(_("another vault"))
            records = open_records(file, old_master)
        except TrayCodesError:  # not openable with the old key: it cannot stay
            backup.path.unlink(missing_ok=True)
            deleted += 1
            continue
        sealed = seal_file(vault.vault_id, vault.slots, master, records, file.versions, vault.keys)
        atomic_write(backup.path, sealed.dumps())
        resealed += 1
    return resealed, deleted
