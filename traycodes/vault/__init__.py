"""The encrypted vault: file format, key slots, crash-safe saves under a lock, backups."""

from .crypto import KDF_DEFAULT, KDF_MINIMUM, KdfParams, kdf_from_environment
from .store import (
    DEFAULT_BACKUPS,
    Backup,
    NoVault,
    Vault,
    backups_folder,
    keyring_entry,
    list_backups,
)

__all__ = [
    "DEFAULT_BACKUPS",
    "KDF_DEFAULT",
    "KDF_MINIMUM",
    "Backup",
    "KdfParams",
    "NoVault",
    "Vault",
    "backups_folder",
    "kdf_from_environment",
    "keyring_entry",
    "list_backups",
]
