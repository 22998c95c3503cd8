"""The importers for Proton Authenticator, Stratum, Authy, LastPass, Bitwarden CSV,
1Password (CSV and .1pux) and KeePass, and the Bitwarden and 2FAS exporters.

The sample files are written here in each format's layout as the apps write it (the same
accounts as Aegis' test vectors: ../shared/reference/otp-facts.md), encrypted ones with the
app's own KDF and cipher; KeePass databases by pykeepass, a KDBX library. Every account's
code is checked against pyotp, an independent implementation."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pyotp
import pytest

from tests.unit.test_formats import VECTORS, expected, names
from traycodes.errors import InvalidInput, Locked, WrongPassword
from traycodes.formats import detect, read, writers
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


def test_proton_authenticator() -> None:
    data = proton_export()
    assert detect(data) == "proton"
    entries = read_entries(data)
    assert names(entries) == names(expected()[:3])
    assert entries[0].note == "backup codes in the safe"
    assert_codes_right(entries)


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


@pytest.mark.parametrize("kind", ["plain", "encrypted", "legacy"])
def test_stratum(kind: str) -> None:
    if kind == "plain":
        data = json.dumps(stratum_backup()).encode()
    else:
        data = stratum_encrypted("pw", legacy=kind == "legacy")
    assert detect(data) == "stratum"
    entries = read_entries(data, password="pw")
    assert names(entries) == names(expected())
    assert entries[0].tags == ("Work",)
    assert_codes_right(entries)
    if kind != "plain":
        with pytest.raises(WrongPassword):
            read(data, password=lambda: "wrong")
        with pytest.raises(Locked):
            read(data, password=lambda: None)


def test_stratum_refuses_kinds_it_cannot_compute() -> None:
    backup = stratum_backup()
    backup["Authenticators"][0]["Type"] = 3  # type: ignore[index]  # mOTP
    batch = read(json.dumps(backup).encode())
    assert "mOTP" in batch.items[0].problem and batch.items[1].entry is not None


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


@pytest.mark.parametrize("password", [None, "pw"])
def test_authy(password: str | None) -> None:
    data = authy_xml(authy_tokens(password))
    assert detect(data) == "authy"
    entries = read_entries(data, password=password)
    assert [(e.issuer, e.account, e.otp.digits, e.otp.period) for e in entries] == [
        ("Deno", "Mason", 6, 30),
        ("GitHub", "octocat", 7, 30),
    ]
    assert entries[1].otp.secret == base64.b32decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert_codes_right(entries)
    if password is not None:
        with pytest.raises(WrongPassword):
            read(data, password=lambda: "wrong")


def test_authys_own_tokens_use_7_digits_and_10_seconds() -> None:
    seed = os.urandom(32).hex()
    data = authy_xml([{"name": "Authy", "secretSeed": seed, "digits": 7}], key="authy")
    (entry,) = read_entries(data)
    assert (entry.otp.digits, entry.otp.period, entry.otp.secret) == (7, 10, bytes.fromhex(seed))
    assert_codes_right([entry])


def test_authy_xml_with_entities_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE map [<!ENTITY a "aaaa">]><map><string>&a;</string></map>'
    )
    with pytest.raises(InvalidInput, match="DTD"):
        read(bomb, "authy")


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


def test_lastpass_authenticator() -> None:
    data = lastpass_export()
    assert detect(data) == "lastpass"
    entries = read_entries(data)
    assert names(entries) == names(expected()[:3])
    assert entries[0].tags == ("Work",) and entries[1].favorite
    assert_codes_right(entries)
    encoded = json.loads(data)
    encoded["accounts"][0]["issuerName"] = "Amazon%20Web%20Services"
    encoded["accounts"][0]["folderData"] = None
    first = read_entries(json.dumps(encoded).encode())[0]
    assert (first.issuer, first.tags) == ("Amazon Web Services", ())


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


def test_bitwarden_csv() -> None:
    rows = [
        [
            "",
            "",
            "login",
            f"Test {n}",
            "",
            "",
            "",
            "",
            "",
            f"otpauth://totp/{i}:{a}?secret={s}&issuer={i}&algorithm={al}&digits={d}&period={p}",
        ]
        for n, (i, a, _, s, al, d, p, _) in enumerate(TOTPS, start=1)
    ]
    rows.append(
        ["", "", "login", "Test 4", "", "", "", "", "", "steam://JRZCL47CMXVOQMNPZR2F7J4RGI"]
    )
    rows.append(
        [
            "Work",
            "1",
            "login",
            "GitHub",
            "a note",
            "",
            "https://github.com,https://gist.github.com",
            "octocat",
            "hunter2",
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        ]
    )
    rows.append(["", "", "login", "No OTP", "", "", "https://example.com", "me", "pw", ""])
    rows.append(["", "", "note", "A secure note", "text", "", "", "", "", ""])
    data = bitwarden_csv(rows)
    assert detect(data) == "csv"
    entries = read_entries(data)
    assert names(entries[:3]) == names(expected()[:3])
    assert entries[3].otp.type is OtpType.STEAM and entries[3].issuer == "Test 4"
    github = entries[4]
    assert (github.issuer, github.account, github.tags, github.favorite) == (
        "GitHub",
        "octocat",
        ("Work",),
        True,
    )
    assert github.websites == ("https://github.com", "https://gist.github.com")
    assert "hunter2" not in repr(entries) and len(entries) == 5
    assert_codes_right(entries)


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


def test_1password_csv_and_1pux() -> None:
    data = onepassword_csv()
    entries = read_entries(data)
    assert names(entries) == names(expected()[:3]) and entries[0].websites == ("https://deno.com",)
    assert_codes_right(entries)

    data = onepux(
        [
            onepux_item("GitHub", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
            onepux_item(
                "Old",
                "otpauth://totp/Old?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                state="archived",
            ),
            {
                "item": {
                    **onepux_item("Trashed", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                    "trashed": True,
                }
            },
            {"item": onepux_item("Wrapped", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")},
        ]
    )
    assert detect(data) == "1pux"
    github, wrapped = read_entries(data)  # older exports wrap items; trashed left out
    assert wrapped.issuer == "Wrapped"
    assert (github.issuer, github.account, github.websites, github.tags, github.favorite) == (
        "GitHub",
        "octocat",
        ("https://github.com",),
        ("dev",),
        True,
    )
    assert_codes_right([github])


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


def test_keepass(tmp_path: Path) -> None:
    data = kdbx(tmp_path)
    assert detect(data) == "keepass"
    entries = read_entries(data, password="pw")
    assert names(entries[:3]) == names(expected()[:3])
    assert entries[0].websites == ("https://deno.com",)
    steam, old = entries[3], entries[4]
    assert steam.otp.type is OtpType.STEAM and steam.issuer == "Steam"
    assert (old.otp.period, old.otp.digits) == (60, 8)
    assert len(entries) == 5  # no OTP and the recycle bin left out
    assert_codes_right(entries)
    with pytest.raises(WrongPassword):
        read(data, password=lambda: "wrong")
    with pytest.raises(InvalidInput):
        read(data[: len(data) // 2], password=lambda: "pw")


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


def test_bitwarden_export_round_trips_and_has_bitwardens_structure() -> None:
    data = writers.write_bitwarden(sample_entries())
    document = json.loads(data)
    assert document["encrypted"] is False and document["folders"][0]["name"] == "Work"
    first = document["items"][0]
    assert first["type"] == 1 and first["folderId"] == document["folders"][0]["id"]
    assert first["login"]["uris"] == [{"match": None, "uri": "https://deno.com"}]
    assert first["login"]["totp"].startswith("otpauth://totp/Deno:Mason?")
    assert document["items"][6]["login"]["totp"] == "steam://JRZCL47CMXVOQMNPZR2F7J4RGI"
    back = read_entries(data)
    assert [(e.otp, e.account, e.websites) for e in back] == [
        (e.otp, e.account, e.websites) for e in sample_entries()
    ]


def test_2fas_export_round_trips_and_has_2fas_structure() -> None:
    data = writers.write_2fas(sample_entries(), 1_700_000_000_000)
    document = json.loads(data)
    assert document["schemaVersion"] == 4
    service = document["services"][3]
    assert service["otp"]["tokenType"] == "HOTP" and service["otp"]["counter"] == 1
    assert "period" not in service["otp"] and service["secret"] == VECTORS[3][3]
    assert document["services"][6]["otp"]["tokenType"] == "STEAM"
    back = read_entries(data)
    assert names(back) == names(expected())


@pytest.mark.parametrize(
    ("kind", "key", "size", "value"),
    [(5, b"M", 8, 2**40), (5, b"I", 8, 10**9), (4, b"P", 4, 2**20)],
)
def test_keepass_kdf_beyond_any_real_database_is_refused_before_deriving(
    tmp_path: Path, kind: int, key: bytes, size: int, value: int
) -> None:
    """A crafted header asking Argon2 for a terabyte, a billion passes or a million lanes
    is refused before any key derivation starts (pykeepass would try)."""
    data = bytearray(kdbx(tmp_path))
    entry = bytes([kind]) + b"\x01\x00\x00\x00" + key + size.to_bytes(4, "little")
    at = data.find(entry)
    assert at > 0, f"no {key!r} in the database's KDF parameters"
    data[at + len(entry) : at + len(entry) + size] = value.to_bytes(size, "little")
    with pytest.raises(InvalidInput, match="far costlier"):
        read(bytes(data), "keepass", password=lambda: "pw")
