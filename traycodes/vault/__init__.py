"""The encrypted vault: file format, key slots, crash-safe saves under a lock, backups.

This package's public API is what it exports here; the rest of traycodes (formats, the
CLI, the app) imports from ``traycodes.vault`` and nothing from its modules' insides.
"""

from .copies import Copies, absorb_copies, vault_copies
from .crypto import (
    KDF_DEFAULT,
    KDF_IMPORT_MAXIMUM,
    KDF_MINIMUM,
    KdfParams,
    kdf_from_environment,
    random_key,
    unseal,
)
from .files import (
    DEFAULT_BACKUPS,
    Backup,
    NoVault,
    atomic_write,
    backups_folder,
    list_backups,
    make_private_folder,
    read_file,
)
from .format import SLOT_KEYRING, SLOT_PASSWORD, VaultFile, loads
from .history import state_folder
from .merge import conflict_copies
from .seal import keyring_entry, open_records, password_slot, seal_file, unlock
from .store import Vault

__all__ = [
    "DEFAULT_BACKUPS",
    "KDF_DEFAULT",
    "KDF_IMPORT_MAXIMUM",
    "KDF_MINIMUM",
    "SLOT_KEYRING",
    "SLOT_PASSWORD",
    "Backup",
    "Copies",
    "KdfParams",
    "NoVault",
    "Vault",
    "VaultFile",
    "absorb_copies",
    "atomic_write",
    "backups_folder",
    "conflict_copies",
    "kdf_from_environment",
    "keyring_entry",
    "list_backups",
    "loads",
    "make_private_folder",
    "open_records",
    "password_slot",
    "random_key",
    "read_file",
    "seal_file",
    "state_folder",
    "unlock",
    "unseal",
    "vault_copies",
]
