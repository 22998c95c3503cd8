"""The encrypted exports read since issue 28: Bitwarden's password-protected JSON (PBKDF2 and
Argon2id), Ente Auth's encrypted export, Proton Authenticator's and andOTP's old format.
Each sample is written here from the format's description with cheap KDF parameters (the
real files, at their real cost, are in test_real_exports.py); each format gets a fuzz
target in the style of test_fuzz_imports.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.app_exports import proton_export
from tests.unit.test_formats import andotp_accounts
from tests.unit.test_fuzz_imports import FUZZ, read_or_refuse
from traycodes.errors import InvalidInput, Locked, WrongPassword
from traycodes.formats import detect, read

KEY = "JBSWY3DPEHPK3PXP"
BITWARDEN_PLAIN = {
    "encrypted": False,
    "items": [{"type": 1, "name": "GitHub", "login": {"username": "me", "totp": KEY}}],
}


def _argon2id(secret: bytes, salt: bytes, memory_kib: int, passes: int, lanes: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=salt, length=32, iterations=passes, lanes=lanes, memory_cost=memory_kib
    ).derive(secret)


def bitwarden_encrypted(password: str, kdf: int = 0, **overrides: object) -> bytes:
    """A password-protected Bitwarden export (kdf 0: PBKDF2-SHA256, 1: Argon2id)."""
    from cryptography.hazmat.primitives import hashes, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    salt = base64.b64encode(os.urandom(16)).decode()
    if kdf == 0:
        key = PBKDF2HMAC(hashes.SHA256(), 32, salt.encode(), 1000).derive(password.encode())
    else:
        key = _argon2id(password.encode(), hashlib.sha256(salt.encode()).digest(), 1024, 1, 1)
    enc = HKDFExpand(hashes.SHA256(), 32, b"enc").derive(key)
    mac = HKDFExpand(hashes.SHA256(), 32, b"mac").derive(key)

    def seal(plain: bytes) -> str:
        iv = os.urandom(16)
        padder = padding.PKCS7(128).padder()
        encryptor = Cipher(algorithms.AES(enc), modes.CBC(iv)).encryptor()
        body = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
        tag = hmac.new(mac, iv + body, "sha256").digest()
        return "2." + "|".join(base64.b64encode(x).decode() for x in (iv, body, tag))

    export: dict[str, object] = {
        "encrypted": True,
        "passwordProtected": True,
        "salt": salt,
        "kdfType": kdf,
        "kdfIterations": 1000 if kdf == 0 else 1,
        "kdfMemory": None if kdf == 0 else 1,
        "kdfParallelism": None if kdf == 0 else 1,
        "encKeyValidation_DO_NOT_EDIT": seal(os.urandom(8).hex().encode()),
        "data": seal(json.dumps(BITWARDEN_PLAIN).encode()),
    }
    export.update(overrides)
    return json.dumps(export).encode()


def ente_encrypted(password: str, links: str, **params: object) -> bytes:
    from nacl import bindings

    salt = os.urandom(16)
    kdf = {"memLimit": 8192, "opsLimit": 1, "salt": base64.b64encode(salt).decode()}
    kdf.update(params)  # type: ignore[arg-type]
    key = _argon2id(password.encode(), salt, 8, 1, 1)
    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    header = bindings.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    sealed = bindings.crypto_secretstream_xchacha20poly1305_push(
        state, links.encode(), tag=bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL
    )
    return json.dumps(
        {
            "version": 1,
            "kdfParams": kdf,
            "encryptedData": base64.b64encode(sealed).decode(),
            "encryptionNonce": base64.b64encode(header).decode(),
        }
    ).encode()


def proton_encrypted(password: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    key = _argon2id(password.encode(), salt, 19 * 1024, 2, 1)
    sealed = AESGCM(key).encrypt(nonce, proton_export(), b"proton.authenticator.export.v1")
    content = base64.b64encode(nonce + sealed).decode()
    salted = base64.b64encode(salt).decode()
    return json.dumps({"version": 1, "salt": salted, "content": content}).encode()


def andotp_old(password: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    key = hashlib.sha256(password.encode()).digest()
    return nonce + AESGCM(key).encrypt(nonce, json.dumps(andotp_accounts()).encode(), None)


@cache
def samples() -> dict[str, bytes]:
    """One small export of each new encrypted format, password "pw"."""
    return {
        "bitwarden-pbkdf2": bitwarden_encrypted("pw"),
        "bitwarden-argon2id": bitwarden_encrypted("pw", kdf=1),
        "ente-encrypted": ente_encrypted("pw", f"otpauth://totp/A:a?secret={KEY}\n"),
        "proton-encrypted": proton_encrypted("pw"),
        "andotp-old": andotp_old("pw"),
    }


FORMAT_OF = {
    "bitwarden-pbkdf2": "bitwarden",
    "bitwarden-argon2id": "bitwarden",
    "ente-encrypted": "ente",
    "proton-encrypted": "proton",
    "andotp-old": "andotp",
}


@pytest.mark.parametrize("name", sorted(FORMAT_OF))
def test_each_reads_with_its_password_and_refuses_others(name: str) -> None:
    data = samples()[name]
    assert detect(data) == FORMAT_OF[name]
    batch = read(data, password=lambda: "pw")
    assert batch.format == FORMAT_OF[name]
    assert batch.items and all(i.entry is not None for i in batch.items)
    with pytest.raises(WrongPassword) as wrong:  # exit 3, one line
        read(data, password=lambda: "not it")
    assert wrong.value.exit_code == 3 and "\n" not in str(wrong.value)
    with pytest.raises(Locked, match="give its password"):
        read(data, password=lambda: None)


def test_the_decrypted_accounts_are_the_plain_ones() -> None:
    (github,) = read(samples()["bitwarden-argon2id"], password=lambda: "pw").items
    assert github.entry is not None and (github.entry.issuer, github.entry.account) == (
        "GitHub",
        "me",
    )
    plain = read(proton_export()).items
    sealed = read(samples()["proton-encrypted"], password=lambda: "pw").items
    assert [i.entry for i in sealed] == [i.entry for i in plain]
    old = read(samples()["andotp-old"], password=lambda: "pw").items
    assert [i.entry for i in old] == [
        i.entry for i in read(json.dumps(andotp_accounts()).encode()).items
    ]


def test_account_restricted_bitwarden_export_is_refused_in_one_line() -> None:
    restricted = {
        "encrypted": True,
        "encKeyValidation_DO_NOT_EDIT": "2.AAAA|AAAA|AAAA",
        "items": [{"type": 1, "name": "2.AAAA|AAAA|AAAA", "login": {"totp": "2.AAAA|AAAA|AAAA"}}],
    }
    asked: list[str] = []

    def password() -> str:
        asked.append("asked")
        return "pw"

    with pytest.raises(InvalidInput, match="account restricted") as refused:
        read(json.dumps(restricted).encode(), password=password)
    assert refused.value.exit_code == 2 and "\n" not in str(refused.value)
    assert asked == []  # no password can open it: none is asked for


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (lambda: bitwarden_encrypted("pw", kdfIterations=10_000_001), "PBKDF2 iterations"),
        (lambda: bitwarden_encrypted("pw", kdf=1, kdfMemory=1025), "Argon2"),
        (lambda: bitwarden_encrypted("pw", kdf=1, kdfIterations=10**9), "Argon2"),
        (lambda: bitwarden_encrypted("pw", kdf=1, kdfParallelism=64), "Argon2"),
        (lambda: bitwarden_encrypted("pw", kdfType=7), "unknown kdfType"),
        (lambda: ente_encrypted("pw", "x", memLimit=2 * 1024**3), "Argon2"),
        (lambda: ente_encrypted("pw", "x", opsLimit=10**6), "Argon2"),
        (lambda: ente_encrypted("pw", "x", memLimit=512 * 1024**2, opsLimit=17), "Argon2"),
        (lambda: ente_encrypted("pw", "x", memLimit="many"), "Argon2"),
    ],
)
def test_absurd_kdf_parameters_are_refused_before_any_work(data: object, says: str) -> None:
    asked: list[str] = []

    def password() -> str:
        asked.append("asked")
        return "pw"

    with pytest.raises(InvalidInput, match=says) as refused:
        read(data(), password=password)  # type: ignore[operator]
    assert refused.value.exit_code == 2 and "\n" not in str(refused.value)
    assert asked == []


def test_damaged_encrypted_parts_are_refused_in_one_line() -> None:
    bitwarden = json.loads(samples()["bitwarden-pbkdf2"])
    bitwarden["data"] = bitwarden["data"][:-8] + "AAAAAAA="  # the MAC no longer matches
    with pytest.raises(InvalidInput, match="damaged or altered"):
        read(json.dumps(bitwarden).encode(), password=lambda: "pw")
    ente = json.loads(samples()["ente-encrypted"])
    ente["encryptionNonce"] = "not base64!"
    with pytest.raises(InvalidInput, match="damaged"):
        read(json.dumps(ente).encode(), password=lambda: "pw")


@FUZZ
@given(
    name=st.sampled_from(sorted(FORMAT_OF)),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.binary(max_size=8)), min_size=1, max_size=4),
)
def test_mutations_of_each_encrypted_format(name: str, cuts: list[tuple[int, bytes]]) -> None:
    """Flipped, cut or inserted bytes: a batch, or one of traycodes' own one-line errors."""
    data = bytearray(samples()[name])
    for place, more in cuts:
        at = place % max(1, len(data))
        if more:
            data[at : at + 1] = more
        else:
            del data[at:]
    read_or_refuse(bytes(data))
    read_or_refuse(bytes(data), FORMAT_OF[name])
