"""Crafted imports of issue 21: every file has a key-derivation budget and an accounts cap,
zip members and KeePass payloads are inflated with a cap, CSV is read a row at a time, and
what the zip, JSON and number parsers raise on junk is one line (exit 2), not a traceback.
Each crafted file is small: a lowered limit shows the same bound a monster file would."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from tests.unit.app_exports import authy_encrypt, authy_tokens, authy_xml
from tests.unit.test_formats import aegis_db, aegis_encrypted
from traycodes.errors import InvalidInput
from traycodes.formats import budget, managers, read
from traycodes.model import Entry
from traycodes.uri import format_migration, parse_link


def refused_quickly(data: bytes, match: str, fmt: str = "auto") -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=match):
        read(data, fmt, password=lambda: "pw")
    assert time.monotonic() - started < 5  # before the work, not after it


# --- the key-derivation budget ---------------------------------------------------------------


def test_an_aegis_export_with_many_password_slots_is_refused_before_any_work() -> None:
    export = json.loads(aegis_encrypted("pw", aegis_db()))
    slot = export["header"]["slots"][0]  # 32 MiB of scrypt: 1/32 of a derivation at full cost
    export["header"]["slots"] = [slot] * 1000  # the password opens the first: still refused
    refused_quickly(json.dumps(export).encode(), "key-derivation work")
    export["header"]["slots"] = [slot] * 3  # a real export's few slots: read
    assert read(json.dumps(export).encode(), password=lambda: "pw").items


def test_authy_tokens_of_many_salts_are_refused_before_any_work() -> None:
    junk = {"encryptedSecret": "AAAAAAAAAAAAAAAAAAAAAA==", "key_derivation_iterations": 1000}
    tokens = [{**junk, "name": f"t{n}", "salt": f"salt{n}"} for n in range(10_000)]
    refused_quickly(authy_xml(tokens), "key-derivation work", "authy")


def test_authy_tokens_sharing_a_salt_cost_one_derivation() -> None:
    (first, second) = authy_tokens("pw")
    shared = authy_encrypt("JBSWY3DPEHPK3PXP", "pw")
    many = [{**first, **shared, "name": f"Service {n}"} for n in range(5_000)]
    started = time.monotonic()
    batch = read(authy_xml([*many, second]), "authy", password=lambda: "pw")
    assert len(batch.items) == 5_001 and all(i.entry is not None for i in batch.items)
    assert time.monotonic() - started < 20  # 5,000 derivations would be far slower


def test_the_budget_is_shared_by_every_kind_of_derivation() -> None:
    kept = budget.FileBudget()
    kept.spend(budget.scrypt_cost(2**20, 8, 1, "x"), "x")  # Aegis at its ceiling
    kept.spend(budget.pbkdf2_cost(2_000_000, "x"), "x")  # andOTP at its ceiling
    kept.spend(budget.argon2_cost(1024**2, 16, "x"), "x")  # KeePass: 1 GiB, 16 passes
    kept.spend(budget.aes_kdf_cost(50_000_000, "x"), "x")
    with pytest.raises(budget.TooMuchWork, match="key-derivation work"):
        kept.spend(budget.aes_kdf_cost(50_000_001, "x"), "x")
    with pytest.raises(budget.TooMuchWork, match="far costlier"):
        budget.scrypt_cost(2**20, 8, 2, "x")  # one derivation beyond the ceiling


def test_a_file_of_more_accounts_than_any_export_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(budget, "MAX_ACCOUNTS", 50)
    line = b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n"
    assert len(read(line * 50).items) == 50
    refused_quickly(line * 51, "more than 50 accounts")
    one = parse_link(line.decode().strip())
    assert isinstance(one, Entry)
    refused_quickly(format_migration([one] * 51).encode(), "more than 50 accounts")  # one link
    row = b"Site,JBSWY3DPEHPK3PXP,me\n"
    refused_quickly(b"Title,OTPAuth,Username\n" + row * 51, "more than 50 accounts")


# --- CSV: a row at a time, parsed once ---------------------------------------------------------


def test_csv_is_read_a_row_at_a_time() -> None:
    data = b"Title,OTPAuth,Username,Notes\n" + b"a,,c,d\n" * 150_000  # 1 MiB, no codes
    tracemalloc.start()
    try:
        batch = read(data, "csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert batch.items == []
    assert peak < 4 * 1024 * 1024  # all rows at once: about 100 MiB


def test_a_csv_header_of_millions_of_columns_is_refused() -> None:
    refused_quickly(b"title,otpauth" + b"," * 100_000 + b"\n", "columns")


def test_auto_detection_parses_a_csv_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import csv

    made: list[int] = []
    real = csv.reader
    monkeypatch.setattr(csv, "reader", lambda *a, **k: made.append(1) or real(*a, **k))
    data = b"name,login_totp,login_uri,login_username\nG,JBSWY3DPEHPK3PXP,,me\n"
    assert len(read(data, "csv").items) == 1
    assert len(made) == 1


# --- zip members and KeePass payloads: inflated with a cap ----------------------------------


def onepux(payload: bytes, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        archive.writestr("export.data", payload)
    return out.getvalue()


def declared_size(zipped: bytes, size: int) -> bytes:
    """The zip with its member's uncompressed size (as its directory says) changed."""
    at = zipped.index(b"PK\x01\x02") + 24
    return zipped[:at] + struct.pack("<I", size) + zipped[at + 4 :]


def test_a_zip_member_inflating_past_its_declared_size_is_read_with_a_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(managers, "MAX_1PUX_DATA", 1024 * 1024)
    crafted = declared_size(onepux(b'{"accounts": [' + b" " * (32 * 1024 * 1024) + b"]}"), 40)
    assert len(crafted) < 100_000
    tracemalloc.start()
    try:  # the zip module stops at the declared size: the CRC then fails
        with pytest.raises(InvalidInput, match="not a readable zip"):
            read(crafted)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # not the 32 MiB it inflates to
    honest = onepux(b'{"accounts": [' + b" " * (2 * 1024 * 1024) + b"]}")
    with pytest.raises(InvalidInput, match="too large"):
        read(honest)  # one that says how large it is


def with_method(zipped: bytes, method: int, *, flags: int = 0) -> bytes:
    """The zip with its member's compression method (and flag bits) changed, in both the
    local header and the central directory."""
    data = bytearray(zipped)
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    struct.pack_into("<HH", data, local + 6, flags, method)
    struct.pack_into("<HH", data, central + 8, flags, method)
    return bytes(data)


def corrupt_deflate() -> bytes:
    zipped = bytearray(onepux(b'{"accounts": []}' * 50))
    start = zipped.index(b"export.data") + len(b"export.data")
    zipped[start : start + 8] = b"\xff" * 8  # the deflate stream's first bytes
    return bytes(zipped)


BROKEN_ZIPS = {
    "corrupt deflate (zlib.error)": corrupt_deflate(),
    "encrypted member (RuntimeError)": with_method(onepux(b"{}", zipfile.ZIP_STORED), 0, flags=1),
    "garbage LZMA": with_method(onepux(b"\x00" * 64, zipfile.ZIP_STORED), zipfile.ZIP_LZMA),
    "garbage bzip2": with_method(onepux(b"\x00" * 64, zipfile.ZIP_STORED), zipfile.ZIP_BZIP2),
    "PPMd (NotImplementedError)": with_method(onepux(b"{}", zipfile.ZIP_STORED), 98),
}


@pytest.mark.parametrize("name", BROKEN_ZIPS)
def test_a_broken_1pux_is_one_line(name: str) -> None:
    with pytest.raises(InvalidInput, match=r"\.1pux"):
        read(BROKEN_ZIPS[name])


def test_a_keepass_payload_is_inflated_with_a_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pykeepass import create_database  # type: ignore[import-untyped]

    path = tmp_path / "bomb.kdbx"
    database = create_database(str(path), password="pw")
    entry = database.add_entry(database.root_group, "Site", "me", "secret")
    entry.notes = "A" * (4 * 1024 * 1024)  # inflates to 4 MiB, from a few KB
    database.save()
    data = path.read_bytes()
    assert len(data) < 100_000
    batch = read(data, password=lambda: "pw")  # under the cap: read (no codes in it)
    assert batch.items == []
    monkeypatch.setattr(managers, "MAX_KDBX_XML", 1024 * 1024)
    with pytest.raises(InvalidInput, match="inflates far larger"):
        read(data, password=lambda: "pw")


# --- the parsers' own errors: one line -------------------------------------------------------


def test_a_json_number_of_5000_digits_is_one_line() -> None:
    with pytest.raises(InvalidInput, match="number far too long"):
        read(b'{"services": [' + b"1" * 5000 + b"]}")


STRATUM_INFINITE_DIGITS = (
    b'{"Authenticators": [{"Type": 2, "Issuer": "A", "Secret": "JBSWY3DPEHPK3PXP", '
    b'"Digits": 1e400}]}'
)


def test_stratum_digits_of_1e400_is_a_problem_of_that_account() -> None:
    (only,) = read(STRATUM_INFINITE_DIGITS).items
    assert only.entry is None and "OverflowError" in only.problem


def test_authy_xml_in_utf16_with_a_dtd_is_refused() -> None:
    tokens = json.dumps([{"name": "A", "decryptedSecret": "&s;"}]).replace('"', "&quot;")
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<!DOCTYPE map [<!ENTITY s "JBSWY3DPEHPK3PXP">]>\n'
        f'<map><string name="com.authy.storage.tokens.authenticator.key">{tokens}</string></map>'
    )
    with pytest.raises(InvalidInput, match="DTD"):
        read(text.encode("utf-16"), "authy")


def test_the_cli_says_one_line_and_exits_2(tmp_path: Path) -> None:
    files = {
        "export.1pux": corrupt_deflate(),
        "ppmd.1pux": BROKEN_ZIPS["PPMd (NotImplementedError)"],
        "long.json": b'{"services": [' + b"1" * 5000 + b"]}",
        "stratum.json": STRATUM_INFINITE_DIGITS,
    }
    env = {**os.environ, "TRAYCODES_VAULT": str(tmp_path / "v.tcv"), "TRAYCODES_KEYRING": "off"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-m", "traycodes", "import", "--dry-run", str(tmp_path / name)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, (name, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in done.stderr, (name, done.stderr)


def test_a_traycodes_backup_spends_the_files_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traycodes.vault import KDF_MINIMUM, Vault

    path = tmp_path / "backup.tcv"
    Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    data = path.read_bytes()
    assert read(data, "traycodes", password=lambda: "pw").items == []  # positive control
    slot = budget.argon2_cost(KDF_MINIMUM.memory_kib, KDF_MINIMUM.iterations, "x")
    monkeypatch.setattr(budget, "FULL_COST_DERIVATIONS", slot / 2)  # less than its one slot
    asked: list[bool] = []
    with pytest.raises(budget.TooMuchWork, match="traycodes backup"):
        read(data, "traycodes", password=lambda: asked.append(True) or "pw")
    assert asked == []  # refused before the password (and any work)
