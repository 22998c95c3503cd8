"""KeePass's AES-KDF at C speed, for pykeepass.

AES-KDF encrypts each half of the 32-byte composite key with AES-256 ``rounds`` times over.
pykeepass does it in a Python loop, one call a round: KeePassXC's default for KDBX 3.1 (about
43 million rounds, "1 second" on its author's machine) then takes minutes. Encrypting a
half followed by zero blocks in CBC mode (IV zero) gives the same chain, since each block is
the encryption of the one before: ``C1 = E(half)``, ``Ci = E(0 xor Ci-1) = E(Ci-1)``; so the
last block of ``rounds`` blocks is the transformed half, computed by ``cryptography`` in C a
megabyte at a time. Same result, byte for byte (tests/unit/test_import_causes.py checks it
against pykeepass' own loop); the ceilings of ``check_kdbx_cost`` still apply first.
"""

from __future__ import annotations

import hashlib

CHUNK_BLOCKS = 65_536  # 1 MiB of zero blocks a call


def aes_kdf(key: bytes, rounds: int, key_composite: bytes) -> bytes:
    """SHA-256 of ``key_composite`` after ``rounds`` AES-256-ECB encryptions under ``key``
    (pykeepass' ``aes_kdf``, same arguments and result)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    zeros = bytes(16 * CHUNK_BLOCKS)
    transformed = b""
    for start in range(0, len(key_composite), 16):
        last = key_composite[start : start + 16]
        if rounds > 0:
            encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
            last = encryptor.update(last)
            left = rounds - 1
            while left > 0:
                count = min(left, CHUNK_BLOCKS)
                last = encryptor.update(zeros[: 16 * count])[-16:]
                left -= count
        transformed += last
    return hashlib.sha256(transformed).digest()


def install() -> None:
    """Have pykeepass' KDBX 3 and 4 readers use :func:`aes_kdf` (they import it by name)."""
    from pykeepass.kdbx_parsing import common, kdbx3, kdbx4  # type: ignore[import-untyped]

    for module in (common, kdbx3, kdbx4):
        if hasattr(module, "aes_kdf"):
            module.aes_kdf = aes_kdf
