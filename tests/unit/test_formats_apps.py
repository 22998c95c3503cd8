"""The importers for authenticator apps' exports: Proton Authenticator, Stratum (plain,
encrypted, legacy), Authy and LastPass Authenticator (the files: tests/unit/app_exports.py)."""

from __future__ import annotations

import base64
import json
import os

import pytest

from tests.unit.app_exports import (
    assert_codes_right,
    authy_tokens,
    authy_xml,
    lastpass_export,
    proton_export,
    read_entries,
    stratum_backup,
    stratum_encrypted,
)
from tests.unit.test_formats import expected, names
from traycodes.errors import InvalidInput, Locked, WrongPassword
from traycodes.formats import detect, read


def test_proton_authenticator() -> None:
    data = proton_export()
    assert detect(data) == "proton"
    entries = read_entries(data)
    assert names(entries) == names(expected()[:3])
    assert entries[0].note == "backup codes in the safe"
    assert_codes_right(entries)


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
