"""Sealing and opening: the master key from a slot (keyring first, then the password),
new slots, and a vault file's records sealed under the master key or opened from it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from ..errors import DamagedData, InvalidInput, KeyUnavailable, Locked, WrongPassword
from ..i18n import _
from ..keystore import KeyStore
from ..model import Record
from . import crypto
from .format import (
    NO_KEYS,
    SLOT_KEYRING,
    SLOT_PASSWORD,
    Keys,
    Slot,
    VaultFile,
    Versions,
    dump_records,
    load_records,
    stored_header,
)

log = logging.getLogger(__name__)


def keyring_entry(vault_id: str, slot_id: str) -> str:
    """The keyring name under which a keyring slot's key is stored."""
    return f"vault {vault_id} slot {slot_id}"


PasswordSource = Callable[[], "str | None"]


def unlock(
    file: VaultFile,
    keystore: KeyStore | None,
    password: PasswordSource,
    *,
    ceiling: crypto.KdfParams = crypto.KDF_MAXIMUM,
    budget: int = crypto.KDF_WORK_BUDGET,
) -> tuple[bytes, str]:
    """The master key and how it was had: ``"keyring"`` first, then ``"password"``. A
    password slot asking for more than ``ceiling``, more than
    :data:`~.crypto.MAX_PASSWORD_SLOTS` password slots, or slots whose Argon2id work adds
    up to more than ``budget``, are refused before any work."""
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
            _(
                "the vault can only be opened with its keyring key, and the "
                "keyring does not have it{keyring_problem}"
            ).format(keyring_problem=keyring_problem)
        )
    _check_kdf_work(password_slots, ceiling, budget)
    given = password()
    if given is None:
        raise Locked(
            _(
                "the vault is locked: give its password on a terminal, with "
                "--password-stdin, or in TRAYCODES_PASSWORD{keyring_problem}"
            ).format(keyring_problem=keyring_problem)
        )
    for slot in password_slots:
        assert slot.kdf is not None  # format.Slot.from_json sets it for password slots
        key = crypto.derive(given, slot.salt, slot.kdf)
        master = crypto.unseal(key, slot.nonce, slot.wrapped, slot.associated(file.vault_id))
        if master is not None:
            return master, "password"
    raise WrongPassword(_("wrong password"))


def _check_kdf_work(slots: list[Slot], ceiling: crypto.KdfParams, budget: int) -> None:
    """Refuse, before any Argon2id work, what a tampered header could make unlock spend."""
    if len(slots) > crypto.MAX_PASSWORD_SLOTS:
        raise DamagedData(
            _(
                "the vault has {count} password slots (traycodes makes one, and "
                "tries at most {max_password_slots}): it is damaged or was "
                "tampered with"
            ).format(count=len(slots), max_password_slots=crypto.MAX_PASSWORD_SLOTS)
        )
    work = 0
    for slot in slots:
        assert slot.kdf is not None  # format.Slot.from_json sets it for password slots
        if not slot.kdf.at_least(crypto.KDF_MINIMUM):
            raise DamagedData(
                _(
                    "the vault asks for a weaker password hashing than traycodes "
                    "allows: it may have been tampered with"
                )
            )
        work += slot.kdf.work()
        if not ceiling.at_least(slot.kdf) or work > budget:
            raise DamagedData(
                _(
                    "the vault asks for more password-hashing memory or time than "
                    "traycodes allows: it is damaged or was tampered with"
                )
            )


def open_records(file: VaultFile, master: bytes) -> list[Record]:
    """The records sealed in ``file``; DamagedData when the seal does not hold."""
    plaintext = crypto.unseal(master, file.nonce, file.ciphertext, file.header())
    if plaintext is None:
        raise DamagedData(
            _(
                "the vault's contents fail authentication: the file was damaged "
                "or altered after it was written"
            )
        )
    return load_records(plaintext)


def password_slot(vault_id: str, master: bytes, password: str, kdf: crypto.KdfParams) -> Slot:
    """A new password slot holding ``master``."""
    if not password:
        raise InvalidInput(_("the password is empty"))
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
    keys: Keys = NO_KEYS,
) -> VaultFile:
    """A vault file holding ``records`` under ``master``, sealed with its first two lines
    (which name the nonce, the size and the slots' epoch) as associated data."""
    plaintext = dump_records(records)
    nonce = crypto.random_nonce()
    header = stored_header(vault_id, slots, nonce, len(plaintext) + 16, versions, keys)
    _unused, ciphertext = crypto.seal(master, plaintext, header, nonce)
    return VaultFile(vault_id, slots, nonce, ciphertext, versions, header, keys)


def open_records_at(path: Path, file: VaultFile, master: bytes) -> list[Record]:
    """:func:`open_records`, with the file named (and what to do) when the seal fails."""
    try:
        return open_records(file, master)
    except DamagedData as exc:
        raise DamagedData(
            _(
                "{exc} ({path}); it was left as it is: see 'traycodes backups' "
                "and 'traycodes restore'"
            ).format(exc=exc, path=path)
        ) from None
