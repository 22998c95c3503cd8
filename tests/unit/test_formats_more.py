"""The importers for password managers' exports (Bitwarden CSV, 1Password CSV and .1pux,
KeePass, with its KDF bounds) and the Bitwarden and 2FAS exporters (the files:
tests/unit/app_exports.py; authenticator apps: test_formats_apps.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.app_exports import (
    TOTPS,
    assert_codes_right,
    bitwarden_csv,
    kdbx,
    onepassword_csv,
    onepux,
    onepux_item,
    read_entries,
    sample_entries,
)
from tests.unit.test_formats import VECTORS, expected, names
from traycodes.errors import InvalidInput, WrongPassword
from traycodes.formats import detect, read, writers
from traycodes.model import OtpType


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
