"""Import and export: a sample export per format, written here from each format's
description (encrypted ones with the real KDF and cipher), bad and truncated files, and
every export format read back by the importer."""

from __future__ import annotations

import base64
import io
import json
import os
import uuid

import pytest

from traycodes.errors import InvalidInput, Locked, WrongPassword
from traycodes.formats import detect, read, writers
from traycodes.model import Algorithm, Entry, OtpParams, OtpType, Record
from traycodes.uri import decode_secret, format_migration

# Aegis' own test vectors (../shared/reference/otp-facts.md).
VECTORS = [
    ("Deno", "Mason", "totp", "4SJHB4GSD43FZBAI7C2HLRJGPQ", "SHA1", 6, 30, 0),
    ("SPDX", "James", "totp", "5OM4WOOGPLQEF6UGN3CPEOOLWU", "SHA256", 7, 20, 0),
    ("Airbnb", "Elijah", "totp", "7ELGJSGXNCCTV3O6LKJWYFV2RA", "SHA512", 8, 50, 0),
    ("Issuu", "James", "hotp", "YOOMIXWS5GN6RTBPUFFWKTW5M4", "SHA1", 6, 30, 1),
    ("Air Canada", "Benjamin", "hotp", "KUVJJOM753IHTNDSZVCNKL7GII", "SHA256", 7, 30, 50),
    ("WWE", "Mason", "hotp", "5VAML3X35THCEBVRLV24CGBKOY", "SHA512", 8, 30, 10300),
    ("Boeing", "Sophia", "steam", "JRZCL47CMXVOQMNPZR2F7J4RGI", "SHA1", 5, 30, 0),
]


def expected() -> list[Entry]:
    return [
        Entry(
            otp=OtpParams(
                decode_secret(secret),
                OtpType(kind),
                Algorithm.parse(algo),
                digits,
                period,
                counter if kind == "hotp" else 0,
            ),
            issuer=issuer,
            account=account,
        )
        for issuer, account, kind, secret, algo, digits, period, counter in VECTORS
    ]


def google_ok() -> list[Entry]:
    """Accounts Google Authenticator's export can hold (6 or 8 digits, 30 s or HOTP)."""
    extra = Entry(otp=OtpParams(b"extra-secret-1234"), issuer="Extra", account="x")
    return [*(e for n, e in enumerate(expected()) if n in (0, 3, 5)), extra]


def names(entries: list[Entry]) -> list[tuple[str, str, bytes, OtpParams]]:
    return [(e.issuer, e.account, e.otp.secret, e.otp) for e in entries]


def entries_of(data: bytes, fmt: str = "auto", password: str | None = None) -> list[Entry]:
    batch = read(data, fmt, password=lambda: password)
    assert all(item.entry is not None for item in batch.items), [
        (i.where, i.problem) for i in batch.items
    ]
    return [item.entry for item in batch.items if item.entry is not None]


# --- Aegis -----------------------------------------------------------------------------------


def aegis_db() -> dict[str, object]:
    group = str(uuid.uuid4())
    entries = []
    for issuer, account, kind, secret, algo, digits, period, counter in VECTORS:
        info: dict[str, object] = {"secret": secret, "algo": algo, "digits": digits}
        info["counter" if kind == "hotp" else "period"] = counter if kind == "hotp" else period
        entries.append(
            {
                "type": kind,
                "uuid": str(uuid.uuid4()),
                "name": account,
                "issuer": issuer,
                "note": "",
                "favorite": False,
                "icon": None,
                "info": info,
                "groups": [group] if issuer == "Deno" else [],
            }
        )
    return {"version": 3, "entries": entries, "groups": [{"uuid": group, "name": "Work"}]}


def aegis_encrypted(password: str, db: dict[str, object]) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    master, salt = os.urandom(32), os.urandom(32)
    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(password.encode())
    key_nonce, db_nonce = os.urandom(12), os.urandom(12)
    sealed_key = AESGCM(key).encrypt(key_nonce, master, None)
    sealed_db = AESGCM(master).encrypt(db_nonce, json.dumps(db).encode(), None)
    return json.dumps(
        {
            "version": 1,
            "header": {
                "slots": [
                    {
                        "type": 1,
                        "uuid": str(uuid.uuid4()),
                        "key": sealed_key[:-16].hex(),
                        "key_params": {"nonce": key_nonce.hex(), "tag": sealed_key[-16:].hex()},
                        "n": 2**15,
                        "r": 8,
                        "p": 1,
                        "salt": salt.hex(),
                    }
                ],
                "params": {"nonce": db_nonce.hex(), "tag": sealed_db[-16:].hex()},
            },
            "db": base64.b64encode(sealed_db[:-16]).decode(),
        }
    ).encode()


def test_aegis_plain() -> None:
    data = json.dumps(
        {"version": 1, "header": {"slots": None, "params": None}, "db": aegis_db()}
    ).encode()
    assert detect(data) == "aegis"
    got = entries_of(data)
    assert names(got) == names(expected())
    assert got[0].tags == ("Work",)


def test_aegis_encrypted() -> None:
    data = aegis_encrypted("hunter2", aegis_db())
    assert names(entries_of(data, password="hunter2")) == names(expected())
    with pytest.raises(WrongPassword):
        read(data, password=lambda: "wrong")
    with pytest.raises(Locked, match="password"):
        read(data, password=lambda: None)


def test_aegis_unsupported_type_is_an_item_problem() -> None:
    db = aegis_db()
    db["entries"][0]["type"] = "motp"  # type: ignore[index]
    data = json.dumps({"version": 1, "header": {"slots": None, "params": None}, "db": db}).encode()
    batch = read(data)
    assert batch.items[0].entry is None
    assert "motp" in batch.items[0].problem
    assert batch.items[0].where == "entry 1 (Deno)"


# --- 2FAS ------------------------------------------------------------------------------------


def twofas_services() -> list[dict[str, object]]:
    services = []
    for issuer, account, kind, secret, algo, digits, period, counter in VECTORS:
        services.append(
            {
                "name": issuer,
                "secret": secret,
                "otp": {
                    "label": f"{issuer}:{account}",
                    "account": account,
                    "issuer": issuer,
                    "digits": digits,
                    "period": period,
                    "algorithm": algo,
                    "tokenType": kind.upper(),
                    "counter": counter,
                },
            }
        )
    return services


def test_2fas_plain() -> None:
    data = json.dumps({"services": twofas_services(), "schemaVersion": 4}).encode()
    assert detect(data) == "2fas"
    assert names(entries_of(data)) == names(expected())


def test_2fas_encrypted() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    salt, iv = os.urandom(256), os.urandom(12)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 10_000).derive(b"secret pw")
    sealed = AESGCM(key).encrypt(iv, json.dumps(twofas_services()).encode(), None)
    blob = ":".join(base64.b64encode(x).decode() for x in (sealed, salt, iv))
    data = json.dumps(
        {"services": [], "servicesEncrypted": blob, "schemaVersion": 4, "reference": "x"}
    ).encode()
    assert names(entries_of(data, password="secret pw")) == names(expected())
    with pytest.raises(WrongPassword):
        read(data, password=lambda: "nope")


# --- andOTP ----------------------------------------------------------------------------------


def andotp_accounts() -> list[dict[str, object]]:
    accounts = []
    for issuer, account, kind, secret, algo, digits, period, counter in VECTORS:
        raw: dict[str, object] = {
            "secret": secret + "=" * (-len(secret) % 8),
            "issuer": issuer,
            "label": account,
            "digits": digits,
            "type": kind.upper(),
            "algorithm": algo,
            "tags": [],
        }
        raw["counter" if kind == "hotp" else "period"] = counter if kind == "hotp" else period
        accounts.append(raw)
    return accounts


def test_andotp_plain_and_encrypted() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    plain = json.dumps(andotp_accounts()).encode()
    assert detect(plain) == "andotp"
    assert names(entries_of(plain)) == names(expected())
    iterations, salt, nonce = 1000, os.urandom(12), os.urandom(12)
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, iterations).derive(b"andpw")  # noqa: S303
    data = iterations.to_bytes(4, "big") + salt + nonce + AESGCM(key).encrypt(nonce, plain, None)
    assert detect(data) == "andotp"
    assert names(entries_of(data, password="andpw")) == names(expected())
    with pytest.raises(WrongPassword):
        read(data, password=lambda: "wrong")
    with pytest.raises(InvalidInput, match="too short"):
        read(data[:30], "andotp", password=lambda: "andpw")


# --- Bitwarden, FreeOTP+, Ente, lists, Google ------------------------------------------------


def test_bitwarden_logins() -> None:
    data = json.dumps(
        {
            "encrypted": False,
            "items": [
                {
                    "type": 1,
                    "name": "GitHub",
                    "favorite": True,
                    "notes": "work",
                    "login": {
                        "username": "octocat",
                        "totp": "JBSWY3DPEHPK3PXP",
                        "uris": [{"uri": "https://github.com/login"}],
                    },
                },
                {
                    "type": 1,
                    "name": "Mail",
                    "login": {
                        "username": "me",
                        "totp": "otpauth://totp/Mail:me?secret=GEZDGNBVGY3TQOJQ&digits=8",
                    },
                },
                {
                    "type": 1,
                    "name": "Steam",
                    "login": {"username": "gamer", "totp": "steam://JRZCL47CMXVOQMNPZR2F7J4RGI"},
                },
                {"type": 1, "name": "No OTP", "login": {"username": "x", "totp": None}},
                {"type": 2, "name": "A secure note"},
            ],
        }
    ).encode()
    assert detect(data) == "bitwarden"
    github, mail, steam = entries_of(data)
    assert (github.issuer, github.account, github.websites, github.favorite) == (
        "GitHub",
        "octocat",
        ("https://github.com/login",),
        True,
    )
    assert (mail.issuer, mail.account, mail.otp.digits) == ("Mail", "me", 8)
    assert (steam.issuer, steam.otp.type) == ("Steam", OtpType.STEAM)


def test_freeotp_plus() -> None:
    secret = decode_secret("JBSWY3DPEHPK3PXP")
    signed = [b - 256 if b > 127 else b for b in secret]
    data = json.dumps(
        {
            "tokenOrder": ["x"],
            "tokens": [
                {
                    "algo": "SHA256",
                    "counter": 0,
                    "digits": 6,
                    "issuerExt": "GitHub",
                    "label": "octocat",
                    "period": 30,
                    "secret": signed,
                    "type": "TOTP",
                },
                {
                    "algo": "SHA1",
                    "counter": 7,
                    "digits": 8,
                    "issuerExt": "Bank",
                    "label": "me",
                    "period": 30,
                    "secret": signed,
                    "type": "HOTP",
                },
            ],
        }
    ).encode()
    github, bank = entries_of(data)
    assert (github.otp.secret, github.otp.algorithm) == (secret, Algorithm.SHA256)
    assert (bank.otp.type, bank.otp.counter, bank.otp.digits) == (OtpType.HOTP, 7, 8)


def test_ente_and_otpauth_lists() -> None:
    ente = (
        b"otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&codeDisplay="
        b"%7B%22pinned%22%3Afalse%7D\n"
    )
    assert detect(ente) == "ente"
    assert entries_of(ente)[0].issuer == "GitHub"
    listing = (
        b"# my codes\n\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n  \nsteam://"
        b"JRZCL47CMXVOQMNPZR2F7J4RGI\n"
    )
    assert [e.issuer for e in entries_of(listing)] == ["A", "Steam"]
    bad = read(b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\nnot a link\n")
    assert bad.items[1].where == "line 2"
    assert bad.items[1].entry is None


def test_google_multi_part_export_says_what_is_missing() -> None:
    part = format_migration(google_ok()[:2], batch_size=3, batch_index=0, batch_id=-7)
    batch = read(part.encode())
    assert batch.format == "google"
    assert len(batch.items) == 2
    assert "parts 2, 3 are missing" in batch.notes[0].replace("part(s)", "parts")


def test_qr_images() -> None:
    first = format_migration(google_ok()[:2], batch_size=2, batch_index=0, batch_id=9)
    second = format_migration(google_ok()[2:4], batch_size=2, batch_index=1, batch_id=9)
    images = [writers.qr_png(link) for link in (first, second)]
    assert detect(images[0]) == "image"
    batch = read(images[0], images=images[1:])
    assert len(batch.items) == 4
    assert batch.notes == ()


def test_a_screenshot_with_a_qr_code_somewhere() -> None:
    from PIL import Image

    code = Image.open(io.BytesIO(writers.qr_png("otpauth://totp/Shot:me?secret=JBSWY3DPEHPK3PXP")))
    screen = Image.new("RGB", (1280, 800), "white")
    screen.paste(code, (700, 300))
    out = io.BytesIO()
    screen.save(out, "JPEG", quality=90)
    assert entries_of(out.getvalue())[0].issuer == "Shot"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"services": [', "not valid JSON"),
        (b'{"version": 1, "header": {}, "db": {"entries": [{"type": "totp"', "line 1"),
        (b'{"something": "else"}', "not an export traycodes knows"),
        (b"\x89PNG\r\n\x1a\nbroken", "cannot be read"),
        (b"", "empty"),
    ],
)
def test_broken_files_say_where(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        read(data)


def test_truncated_aegis_is_refused() -> None:
    data = aegis_encrypted("pw", aegis_db())
    with pytest.raises(InvalidInput):
        read(data[: len(data) // 2], password=lambda: "pw")


# --- exports read back -----------------------------------------------------------------------


def records() -> list[Record]:
    return [Record.from_entry(e, id=uuid.uuid4().hex, now=1.0) for e in expected()]


def test_export_otpauth_round_trip() -> None:
    data = writers.write_otpauth(writers.entries_of(records()))
    assert names(entries_of(data)) == names(expected())


def test_export_aegis_plain_matches_its_structure_and_round_trips() -> None:
    entries = writers.entries_of(records())
    data = writers.write_aegis(entries)
    parsed = json.loads(data)
    assert parsed["version"] == 1
    assert parsed["header"] == {"slots": None, "params": None}
    assert parsed["db"]["version"] == 3
    first = parsed["db"]["entries"][0]
    assert set(first) >= {"type", "uuid", "name", "issuer", "note", "favorite", "info", "groups"}
    assert set(first["info"]) == {"secret", "algo", "digits", "period"}
    assert names(entries_of(data)) == names(expected())


def test_export_aegis_encrypted_round_trip() -> None:
    data = writers.write_aegis(writers.entries_of(records()), "pw")
    header = json.loads(data)["header"]
    assert header["slots"][0]["type"] == 1
    assert (header["slots"][0]["n"], header["slots"][0]["r"], header["slots"][0]["p"]) == (
        2**15,
        8,
        1,
    )
    assert names(entries_of(data, password="pw")) == names(expected())


def test_export_traycodes_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAYCODES_KDF_COST", "minimum")
    data = writers.write_traycodes(records(), "pw")
    assert detect(data) == "traycodes"
    assert names(entries_of(data, password="pw")) == names(expected())


def test_export_qr_each_and_google_round_trip() -> None:
    entries = writers.entries_of(records())
    links, left_out = writers.qr_links(entries, "each")
    assert left_out == []
    images = [writers.qr_png(link) for _, link in links]
    assert len(images) == len(expected())
    for image, wanted in zip(images, expected(), strict=True):  # every image, its own account
        assert names(entries_of(image)) == names([wanted])
    batch = read(images[0], images=images[1:])  # all of them at once, in order
    assert names([i.entry for i in batch.items if i.entry is not None]) == names(expected())
    links, left_out = writers.qr_links(entries, "google")
    assert set(left_out) == {
        "SPDX (James)",
        "Airbnb (Elijah)",
        "Air Canada (Benjamin)",
        "Boeing (Sophia)",
    }
    google = [e for e in expected() if e.label not in left_out]
    images = [writers.qr_png(link) for _, link in links]
    batch = read(images[0], images=images[1:])
    assert names([i.entry for i in batch.items if i.entry is not None]) == names(google)
    assert batch.notes == ()  # no part missing
