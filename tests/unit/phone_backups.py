"""Backups as the phone apps write them (Aegis, Stratum, 2FAS), plain and encrypted with
each app's own KDF and cipher; checked against the real files in
../shared/data/exports/ by tests/unit/test_follow.py."""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

# What 2FAS encrypts as ``reference`` (the password check), read from a real backup.
TWOFAS_REFERENCE = (
    "tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92"
    "R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2Ov"
    "idXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd"
)


@dataclass
class Account:
    """An account on the phone."""

    issuer: str
    name: str
    secret: str  # base32
    digits: int = 6
    period: int = 30
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))


def aegis(accounts: list[Account], password: str | None = None, *, n: int = 2**15) -> bytes:
    """An Aegis backup (vault version 1, database version 3): scrypt slot, AES-256-GCM."""
    db = {
        "version": 3,
        "entries": [
            {
                "type": "totp",
                "uuid": a.uuid,
                "name": a.name,
                "issuer": a.issuer,
                "note": "",
                "favorite": False,
                "icon": None,
                "info": {
                    "secret": a.secret,
                    "algo": "SHA1",
                    "digits": a.digits,
                    "period": a.period,
                },
                "groups": [],
            }
            for a in accounts
        ],
        "groups": [],
    }
    if password is None:
        return json.dumps(
            {"version": 1, "header": {"slots": None, "params": None}, "db": db}
        ).encode()
    master, salt = os.urandom(32), os.urandom(32)
    key = Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(password.encode())
    key_nonce, db_nonce = os.urandom(12), os.urandom(12)
    sealed_key = AESGCM(key).encrypt(key_nonce, master, None)
    sealed_db = AESGCM(master).encrypt(db_nonce, json.dumps(db).encode(), None)
    slot = {
        "type": 1,
        "uuid": str(uuid.uuid4()),
        "key": sealed_key[:-16].hex(),
        "key_params": {"nonce": key_nonce.hex(), "tag": sealed_key[-16:].hex()},
        "n": n,
        "r": 8,
        "p": 1,
        "salt": salt.hex(),
        "repaired": True,
        "is_backup": False,
    }
    document = {
        "version": 1,
        "header": {
            "slots": [slot],
            "params": {"nonce": db_nonce.hex(), "tag": sealed_db[-16:].hex()},
        },
        "db": base64.b64encode(sealed_db[:-16]).decode(),
    }
    return json.dumps(document, indent=4).encode()


def stratum(accounts: list[Account], password: str | None = None) -> bytes:
    """A Stratum (Authenticator Pro) backup; encrypted: ``AUTHENTICATORPRO``, salt (16),
    nonce (12), AES-256-GCM under Argon2id (3 passes, 64 MiB, 4 lanes), as the app does."""
    document = {
        "Authenticators": [
            {
                "Type": 2,
                "Icon": None,
                "Issuer": a.issuer,
                "Username": a.name,
                "Secret": a.secret,
                "Algorithm": 0,
                "Digits": a.digits,
                "Period": a.period,
                "Counter": 0,
                "Ranking": 0,
            }
            for a in accounts
        ],
        "Categories": [],
        "AuthenticatorCategories": [],
        "CustomIcons": [],
    }
    plain = json.dumps(document).encode()
    if password is None:
        return plain
    salt, nonce = os.urandom(16), os.urandom(12)
    key = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=64 * 1024).derive(
        password.encode()
    )
    return b"AUTHENTICATORPRO" + salt + nonce + AESGCM(key).encrypt(nonce, plain, None)


def _twofas_seal(key: bytes, salt: bytes, plain: bytes) -> str:
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, plain, None)
    return ":".join(base64.b64encode(p).decode() for p in (sealed, salt, iv))


def twofas(accounts: list[Account], password: str | None = None, *, updated_ms: int) -> bytes:
    """A .2fas backup (schema version 4); encrypted: ``servicesEncrypted`` and
    ``reference``, PBKDF2-HMAC-SHA256 (10,000 rounds, 256-byte salt), AES-GCM."""
    services = [
        {
            "name": a.issuer,
            "secret": a.secret,
            "updatedAt": updated_ms,
            "otp": {
                "label": f"{a.issuer}:{a.name}",
                "account": a.name,
                "issuer": a.issuer,
                "digits": a.digits,
                "period": a.period,
                "algorithm": "SHA1",
                "tokenType": "TOTP",
                "source": "Link",
            },
            "order": {"position": n},
        }
        for n, a in enumerate(accounts)
    ]
    document: dict[str, object] = {
        "services": services,
        "groups": [],
        "updatedAt": updated_ms,
        "schemaVersion": 4,
        "appVersionCode": 5040800,
        "appVersionName": "5.4.8",
        "appOrigin": "android",
    }
    if password is not None:
        salt = os.urandom(256)
        key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 10_000).derive(password.encode())
        document["services"] = []
        document["servicesEncrypted"] = _twofas_seal(key, salt, json.dumps(services).encode())
        document["reference"] = _twofas_seal(key, salt, TWOFAS_REFERENCE.encode())
    return json.dumps(document).encode()
