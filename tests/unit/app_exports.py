"""The apps' export files for the importers' tests: Proton Authenticator, Stratum, Authy,
LastPass, Bitwarden CSV, 1Password (CSV and .1pux) and KeePass, and entries for the exporters.

They are written here in each format's layout as the apps write it (the same accounts as
Aegis' test vectors: ../shared/reference/otp-facts.md), encrypted ones with the app's own
KDF and cipher; KeePass databases by pykeepass, a KDBX library. ``assert_codes_right``
checks every account's code against pyotp, an independent implementation."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pyotp

from tests.unit.test_formats import VECTORS, expected
from traycodes.formats import read
from traycodes.model import Entry, OtpType
from traycodes.otp import code

TOTPS = [v for v in VECTORS if v[2] == "totp"]
NOW = 1_700_000_000.0


def read_entries(data: bytes, fmt: str = "auto", password: str | None = None) -> list[Entry]:
    batch = read(data, fmt, password=lambda: password)
    assert all(i.entry is not None for i in batch.items), [i.problem for i in batch.items]
    return [i.entry for i in batch.items if i.entry is not None]


def pyotp_code(entry: Entry, at: float = NOW) -> str:
    """The code pyotp computes for an entry (TOTP and HOTP; Steam has its own alphabet)."""
    otp = entry.otp
    secret = base64.b32encode(otp.secret).decode()
    digest = getattr(__import__("hashlib"), otp.algorithm.value)
    if otp.type is OtpType.HOTP:
        return pyotp.HOTP(secret, digits=otp.digits, digest=digest).at(otp.counter)
    return pyotp.TOTP(secret, digits=otp.digits, digest=digest, interval=otp.period).at(at)


def assert_codes_right(entries: list[Entry]) -> None:
    assert entries
    for entry in entries:
        if entry.otp.type is not OtpType.STEAM:
            assert code(entry.otp, NOW) == pyotp_code(entry), entry.label


# --- Proton Authenticator --------------------------------------------------------------------


def proton_export() -> bytes:
    entries = [
        {
            "id": f"id-{n}",
            "content": {
                "uri": f"otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}"
                f"&algorithm={algo}&digits={digits}&period={period}",
                "entry_type": "Totp",
                "name": account,
            },
            "note": "backup codes in the safe" if n == 0 else None,
        }
        for n, (issuer, account, _, secret, algo, digits, period, _) in enumerate(TOTPS)
    ]
    return json.dumps({"version": 1, "entries": entries}, indent=2).encode()


# --- Stratum ---------------------------------------------------------------------------------

STRATUM_TYPE = {"hotp": 1, "totp": 2, "steam": 4}
STRATUM_ALGO = {"SHA1": 0, "SHA256": 1, "SHA512": 2}


def stratum_backup() -> dict[str, object]:
    return {
        "Authenticators": [
            {
                "Type": STRATUM_TYPE[kind],
                "Icon": None,
                "Issuer": issuer,
                "Username": account,
                "Secret": secret,
                "Pin": None,
                "Algorithm": STRATUM_ALGO[algo],
                "Digits": digits,
                "Period": period,
                "Counter": counter,
                "Ranking": 0,
            }
            for issuer, account, kind, secret, algo, digits, period, counter in VECTORS
        ],
        "Categories": [{"Id": "c1", "Name": "Work", "Ranking": 0}],
        "AuthenticatorCategories": [
            {"CategoryId": "c1", "AuthenticatorSecret": VECTORS[0][3], "Ranking": 0}
        ],
        "CustomIcons": [],
    }


def stratum_encrypted(password: str, *, legacy: bool = False) -> bytes:
    plain = json.dumps(stratum_backup()).encode()
    if legacy:
        from cryptography.hazmat.primitives import hashes, padding
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

        salt, iv = os.urandom(20), os.urandom(16)
        key = PBKDF2HMAC(hashes.SHA1(), 32, salt, 64_000).derive(password.encode())  # noqa: S303
        padder = padding.PKCS7(128).padder()
        padded = padder.update(plain) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        return b"AuthenticatorPro" + salt + iv + encryptor.update(padded) + encryptor.finalize()
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    salt, nonce = os.urandom(16), os.urandom(12)
    key = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=65536).derive(
        password.encode()
    )
    return b"AUTHENTICATORPRO" + salt + nonce + AESGCM(key).encrypt(nonce, plain, None)


# --- Authy -----------------------------------------------------------------------------------


def authy_xml(tokens: list[dict[str, object]], key: str = "authenticator") -> bytes:
    from xml.sax.saxutils import quoteattr

    text = json.dumps(tokens).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    name = quoteattr(f"com.authy.storage.tokens.{key}.key")
    return (
        "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
        '    <int name="key_version" value="121" />\n'
        f"    <string name={name}>{text}</string>\n</map>\n"
    ).encode()


def authy_tokens(password: str | None) -> list[dict[str, object]]:
    tokens = []
    github = ("GitHub", "octocat", "totp", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "SHA1", 7, 30, 0)
    for issuer, account, _, secret, _, digits, _, _ in [TOTPS[0], github]:
        token: dict[str, object] = {
            "accountType": "authenticator",
            "digits": digits,
            "originalIssuer": issuer,
            "originalName": f"{issuer}:{account}",
            "name": f"{issuer}: {account}",
            "timestamp": 1608374963,
        }
        if password is None:
            token["decryptedSecret"] = secret
        else:
            token.update(authy_encrypt(secret, password))
        tokens.append(token)
    return tokens


def authy_encrypt(secret: str, password: str) -> dict[str, object]:
    from cryptography.hazmat.primitives import hashes, padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    salt = base64.b64encode(os.urandom(18)).decode()
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt.encode(), 1000).derive(password.encode())  # noqa: S303
    padder = padding.PKCS7(128).padder()
    padded = padder.update(secret.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    sealed = encryptor.update(padded) + encryptor.finalize()
    return {"encryptedSecret": base64.b64encode(sealed).decode(), "salt": salt}


# --- LastPass --------------------------------------------------------------------------------


def lastpass_export() -> bytes:
    accounts = [
        {
            "accountID": "",
            "issuerName": issuer,
            "originalIssuerName": issuer,
            "userName": account,
            "originalUserName": account,
            "pushNotification": False,
            "secret": secret,
            "timeStep": period,
            "digits": digits,
            "creationTimestamp": 1_600_000_000_000,
            "isFavorite": n == 1,
            "algorithm": algo,
            "folderData": {"folderId": 1 if n == 0 else 0, "position": n},
        }
        for n, (issuer, account, _, secret, algo, digits, period, _) in enumerate(TOTPS)
    ]
    folders = [{"id": 0, "name": "Favorites"}, {"id": 1, "name": "Work"}]
    return json.dumps({"version": 3, "accounts": accounts, "folders": folders}).encode()


# --- Bitwarden CSV ---------------------------------------------------------------------------

BITWARDEN_HEADER = [
    "folder",
    "favorite",
    "type",
    "name",
    "notes",
    "fields",
    "login_uri",
    "login_username",
    "login_password",
    "login_totp",
]


def bitwarden_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BITWARDEN_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


# --- 1Password -------------------------------------------------------------------------------


def onepassword_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["Title", "Url", "Username", "Password", "OTPAuth", "Favorite", "Archived", "Tags", "Notes"]
    )
    for issuer, account, _, secret, algo, digits, period, _ in TOTPS:
        link = (
            f"otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}"
            f"&algorithm={algo}&digits={digits}&period={period}"
        )
        writer.writerow(
            [issuer, f"https://{issuer.lower()}.com", account, "pw", link, "false", "false", "", ""]
        )
    writer.writerow(["Bank", "https://bank.example", "me", "pw", "", "false", "false", "", ""])
    writer.writerow(
        [
            "Old",
            "https://old.example",
            "me",
            "pw",
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            "false",
            "true",
            "",
            "",
        ]
    )  # archived
    return out.getvalue().encode()


def onepux(items: list[dict[str, object]]) -> bytes:
    data = {
        "accounts": [
            {"attrs": {"name": "Me"}, "vaults": [{"attrs": {"name": "Personal"}, "items": items}]}
        ]
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export.attributes", json.dumps({"version": 3}))
        archive.writestr("export.data", json.dumps(data))
    return out.getvalue()


def onepux_item(title: str, link: str, *, state: str = "active") -> dict[str, object]:
    return {
        "uuid": title,
        "favIndex": 1,
        "state": state,
        "categoryUuid": "001",
        "overview": {
            "title": title,
            "url": "https://github.com",
            "tags": ["dev"],
            "urls": [{"label": "", "url": "https://github.com"}],
        },
        "details": {
            "loginFields": [
                {"value": "octocat", "name": "username", "designation": "username"},
                {"value": "hunter2", "name": "password", "designation": "password"},
            ],
            "notesPlain": "",
            "sections": [
                {
                    "title": "",
                    "fields": [
                        {"title": "one-time password", "id": "TOTP_1", "value": {"totp": link}}
                    ],
                }
            ],
        },
    }


# --- KeePass ---------------------------------------------------------------------------------


def kdbx(tmp_path: Path, password: str = "pw") -> bytes:  # noqa: S107
    from pykeepass import create_database

    path = tmp_path / "test.kdbx"
    database = create_database(str(path), password=password)
    for issuer, account, _, secret, algo, digits, period, _ in TOTPS:
        entry = database.add_entry(
            database.root_group, issuer, account, "pw", url=f"https://{issuer.lower()}.com"
        )
        entry.otp = (
            f"otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}"
            f"&algorithm={algo}&digits={digits}&period={period}"
        )
    legacy = database.add_entry(database.root_group, "Steam", "gaben", "pw")
    legacy.set_custom_property("TOTP Seed", "JRZCL47CMXVOQMNPZR2F7J4RGI")
    legacy.set_custom_property("TOTP Settings", "30;S")
    old = database.add_entry(database.root_group, "OldSite", "me", "pw")
    old.set_custom_property("TOTP Seed", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    old.set_custom_property("TOTP Settings", "60;8")
    database.add_entry(database.root_group, "No OTP", "me", "pw")
    gone = database.add_entry(database.root_group, "Deleted", "me", "pw")
    gone.otp = "otpauth://totp/Deleted?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    database.trash_entry(gone)
    database.save()
    return path.read_bytes()


# --- exports ---------------------------------------------------------------------------------


def sample_entries() -> list[Entry]:
    entries = expected()
    return [
        Entry(
            otp=e.otp,
            issuer=e.issuer,
            account=e.account,
            tags=("Work",) if n == 0 else (),
            websites=("https://deno.com",) if n == 0 else (),
            note="n" if n == 1 else "",
        )
        for n, e in enumerate(entries)
    ]
