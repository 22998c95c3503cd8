"""Crafted exports cannot pin the CPU, exhaust memory or slip a bad entry in: every key-
derivation parameter read from a file has a ceiling, JSON has size and depth limits,
images have a pixel limit, and a traycodes backup's records are checked like any entry."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.test_formats import aegis_db, aegis_encrypted
from traycodes.errors import DamagedData, InvalidInput, WrongPassword
from traycodes.formats import MAX_FILE_BYTES, read
from traycodes.model import OtpParams, Record
from traycodes.vault import crypto, password_slot
from traycodes.vault.format import VaultFile, dump_records, stored_header


def timed_refusal(data: bytes, match: str) -> None:
    started = time.monotonic()
    with pytest.raises((InvalidInput, DamagedData), match=match):
        read(data, password=lambda: "pw")
    assert time.monotonic() - started < 5  # refused before any expensive work


@pytest.mark.parametrize(
    ("n", "r", "p"),
    [
        (2**30, 8, 1),
        (2**15, 4096, 1),
        (2**15, 8, 10_000),
        (2**20, 16, 1),
        (3000, 8, 1),
        (True, 8, 1),
        ("32768", 8, 1),
        (0, 8, 1),
    ],
)
def test_aegis_scrypt_parameters_have_a_ceiling(n: object, r: object, p: object) -> None:
    export = json.loads(aegis_encrypted("pw", aegis_db()))
    export["header"]["slots"][0].update(n=n, r=r, p=p)
    timed_refusal(json.dumps(export).encode(), "scrypt parameters")


def test_andotp_rounds_have_a_ceiling() -> None:
    crafted = (50_000_000).to_bytes(4, "big") + os.urandom(12 + 12 + 64)
    started = time.monotonic()
    # Beyond any andOTP's rounds, the header is read as the old format's random nonce
    # (which has no header): no PBKDF2 at all, and "wrong password, or damaged".
    with pytest.raises((InvalidInput, DamagedData, WrongPassword), match="damaged"):
        read(crafted, password=lambda: "pw")
    assert time.monotonic() - started < 5


def crafted_backup(records_json: bytes, kdf: crypto.KdfParams) -> bytes:
    """A traycodes backup sealed by someone else (password "pw"): any records, any header."""
    master, vault_id = crypto.random_key(), "crafted"
    slot = password_slot(vault_id, master, "pw", crypto.KDF_MINIMUM)
    slot = dataclasses.replace(slot, kdf=kdf)  # what the header claims
    nonce = crypto.random_nonce()
    header = stored_header(vault_id, (slot,), nonce, len(records_json) + 16, ())
    _, ciphertext = crypto.seal(master, records_json, header, nonce)
    return VaultFile(vault_id, (slot,), nonce, ciphertext, (), header).dumps()


def test_a_backups_kdf_has_a_lower_ceiling_on_import() -> None:
    two_gib = crypto.KdfParams(memory_kib=2 * 1024 * 1024, iterations=3, lanes=4)
    data = crafted_backup(dump_records([]), two_gib)
    timed_refusal(data, "password-hashing memory")


@pytest.mark.parametrize(("field", "value"), [("digits", 0), ("period", -5), ("digits", 99)])
def test_a_backups_records_are_checked_like_any_entry(field: str, value: int) -> None:
    good = Record(id="a" * 32, issuer="GitHub", otp=OtpParams(b"12345678901234567890"))
    payload = json.loads(dump_records([good]))
    (record,) = payload if isinstance(payload, list) else payload["records"]
    record.setdefault("otp", {})[field] = value
    data = crafted_backup(json.dumps(payload).encode(), crypto.KDF_MINIMUM)
    batch = read(data, password=lambda: "pw")
    (only,) = batch.items
    assert only.entry is None and field in only.problem


def test_json_nested_too_deeply_is_refused() -> None:
    timed_refusal(b"[" * 200_000 + b"]" * 200_000, "nested too deeply")
    timed_refusal(b'{"items": ' + b"[" * 200_000 + b"]" * 200_000 + b"}", "nested too deeply")


def test_a_file_larger_than_any_export_is_refused() -> None:
    timed_refusal(b" " * (MAX_FILE_BYTES + 1), "more than any export")


def png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "match"), [((9000, 9000), "pixels"), ((20000, 20000), "too much memory")]
)
def test_huge_images_are_refused(size: tuple[int, int], match: str) -> None:
    timed_refusal(png(*size), match)


def test_the_cli_gives_exit_2_and_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png(20000, 20000))
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    env = {**os.environ, "TRAYCODES_VAULT": str(tmp_path / "v.tcv"), "TRAYCODES_KEYRING": "off"}
    for path in (bomb, deep):
        done = subprocess.run(
            [sys.executable, "-m", "traycodes", "import", "--dry-run", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
