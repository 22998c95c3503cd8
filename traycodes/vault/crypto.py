"""The vault's cryptography: Argon2id for passwords, AES-256-GCM for everything sealed.

Choices (see docs/security.md): a random 256-bit master key seals the records; each key slot
seals the master key under a key of its own. Nonces are random 96-bit values, fresh for
every seal; a vault is sealed once per save, far below GCM's 2^32 random-nonce bound.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import InvalidInput
from ..i18n import _

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id cost: memory in KiB, passes (iterations) and lanes (parallelism)."""

    memory_kib: int
    iterations: int
    lanes: int

    def work(self) -> int:
        """The cost counted against :data:`KDF_WORK_BUDGET` (KiB times passes)."""
        return self.memory_kib * self.iterations

    def at_least(self, floor: KdfParams) -> bool:
        """True when every cost is at least the floor's."""
        return (
            self.memory_kib >= floor.memory_kib
            and self.iterations >= floor.iterations
            and self.lanes >= floor.lanes
        )


# ~0.37 s on a 2-core build machine: RFC 9106's memory-constrained choice (t=3, p=4, 64 MiB)
# with the memory doubled, since a desktop unlocks rarely and has memory to spare.
KDF_DEFAULT = KdfParams(memory_kib=128 * 1024, iterations=3, lanes=4)
# OWASP's minimum for Argon2id. A vault asking for less is refused as tampered with, and
# TRAYCODES_KDF_COST=minimum (tests, slow machines) creates slots at exactly this cost.
KDF_MINIMUM = KdfParams(memory_kib=19 * 1024, iterations=2, lanes=1)
# The most a vault may ask for: a damaged or hostile header must not exhaust memory.
KDF_MAXIMUM = KdfParams(memory_kib=4 * 1024 * 1024, iterations=64, lanes=64)
# The most an imported backup may ask for: it comes from elsewhere, and traycodes itself
# never makes slots above KDF_DEFAULT.
KDF_IMPORT_MAXIMUM = KdfParams(memory_kib=1024 * 1024, iterations=16, lanes=16)
# What one unlock may spend on Argon2id, summed over the password slots it would try
# (memory in KiB times passes): four slots at the default cost, ~1.5 s. A vault traycodes
# made has one password slot; a header asking for more is refused before any work, since
# the synced folder is written by other people's devices.
KDF_WORK_BUDGET = 4 * KDF_DEFAULT.memory_kib * KDF_DEFAULT.iterations
MAX_PASSWORD_SLOTS = 4  # password slots one unlock tries at most


def kdf_from_environment() -> KdfParams:
    """The cost for new password slots: default, or ``TRAYCODES_KDF_COST=minimum``."""
    choice = os.environ.get("TRAYCODES_KDF_COST", "default").strip().lower()
    if choice in ("", "default"):
        return KDF_DEFAULT
    if choice == "minimum":
        return KDF_MINIMUM
    raise InvalidInput(_("TRAYCODES_KDF_COST must be 'default' or 'minimum'"))


def random_key() -> bytes:
    """A fresh 256-bit key from the operating system's CSPRNG."""
    return os.urandom(KEY_BYTES)


def random_salt() -> bytes:
    """A fresh salt for a password slot."""
    return os.urandom(SALT_BYTES)


def derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    """The key a password slot is sealed with."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(password.encode("utf-8"))


def seal(
    key: bytes, plaintext: bytes, associated: bytes, nonce: bytes | None = None
) -> tuple[bytes, bytes]:
    """AES-256-GCM: (nonce, ciphertext with its 16-byte tag). ``nonce``: a fresh random one
    chosen by the caller (when the associated data must name it); by default made here."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = nonce or os.urandom(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, associated)


def random_nonce() -> bytes:
    """A fresh 96-bit nonce for AES-GCM."""
    return os.urandom(NONCE_BYTES)


def unseal(key: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes | None:
    """The plaintext, or None when the key is wrong or anything sealed was altered."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) != KEY_BYTES or len(nonce) != NONCE_BYTES:
        return None
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated)
    except InvalidTag:
        return None
