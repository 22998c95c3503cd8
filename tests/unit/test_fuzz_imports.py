"""Fuzzing every importer and the link parsers: random bytes, and mutations of a sample of
every format (plain and encrypted), give a result or one of traycodes' own errors (exit 2,
3 or 4, one line), never another exception, never a half-read batch."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.unit.test_formats import aegis_db, aegis_encrypted, andotp_accounts, twofas_services
from traycodes.errors import TrayCodesError
from traycodes.formats import FORMATS, Batch, read
from traycodes.model import Entry
from traycodes.uri import parse_link

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@cache
def samples() -> dict[str, bytes]:
    """One small export of every format traycodes reads (password "pw" where encrypted)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    from traycodes.formats import writers
    from traycodes.model import OtpParams, Record

    found = {
        "aegis": json.dumps(
            {"version": 1, "header": {"slots": None, "params": None}, "db": aegis_db()}
        ).encode(),
        "aegis-encrypted": aegis_encrypted("pw", aegis_db()),
        "2fas": json.dumps({"services": twofas_services(), "schemaVersion": 4}).encode(),
        "andotp": json.dumps(andotp_accounts()).encode(),
        "bitwarden": json.dumps(
            {"items": [{"type": 1, "name": "G", "login": {"totp": "JBSWY3DPEHPK3PXP"}}]}
        ).encode(),
        "freeotp": json.dumps(
            {
                "tokens": [
                    {
                        "algo": "SHA1",
                        "digits": 6,
                        "issuerExt": "G",
                        "label": "me",
                        "period": 30,
                        "secret": [1, -2, 3, 4, 5, 6, 7, 8, 9, 10],
                        "type": "TOTP",
                    }
                ]
            }
        ).encode(),
        "otpauth": b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n",
        "ente": b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%7D\n",
        "google": b"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2V"
        b"AZ29vZ2xlLmNvbRoHRXhhbXBsZTAC",
    }
    salt, iv = os.urandom(256), os.urandom(12)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 10_000).derive(b"pw")
    sealed = AESGCM(key).encrypt(iv, json.dumps(twofas_services()).encode(), None)
    found["2fas-encrypted"] = json.dumps(
        {
            "services": [],
            "servicesEncrypted": ":".join(base64.b64encode(x).decode() for x in (sealed, salt, iv)),
            "schemaVersion": 4,
        }
    ).encode()
    salt, nonce = os.urandom(12), os.urandom(12)
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, 1000).derive(b"pw")  # noqa: S303
    plain = json.dumps(andotp_accounts()).encode()
    found["andotp-encrypted"] = (
        (1000).to_bytes(4, "big") + salt + nonce + AESGCM(key).encrypt(nonce, plain, None)
    )
    os.environ.setdefault("TRAYCODES_KDF_COST", "minimum")
    record = Record(id="a" * 32, issuer="GitHub", otp=OtpParams(b"12345678901234567890"))
    found["traycodes"] = writers.write_traycodes([record], "pw")
    found["image"] = writers.qr_png("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP")
    found.update(more_samples())
    return found


def more_samples() -> dict[str, bytes]:
    """The formats added in 0.4.0 (password "pw" where encrypted)."""
    import tempfile
    from pathlib import Path

    from tests.unit import app_exports as more

    key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with tempfile.TemporaryDirectory() as folder:
        keepass = more.kdbx(Path(folder))
    return {
        "proton": more.proton_export(),
        "stratum": json.dumps(more.stratum_backup()).encode(),
        "stratum-encrypted": more.stratum_encrypted("pw"),
        "stratum-legacy": more.stratum_encrypted("pw", legacy=True),
        "authy": more.authy_xml(more.authy_tokens(None)),
        "authy-encrypted": more.authy_xml(more.authy_tokens("pw")),
        "lastpass": more.lastpass_export(),
        "bitwarden-csv": more.bitwarden_csv([["", "", "login", "G", "", "", "", "me", "", key]]),
        "1password": more.onepassword_csv(),
        "1pux": more.onepux([more.onepux_item("GitHub", key)]),
        "keepass": keepass,
    }


def read_or_refuse(data: bytes, fmt: str = "auto") -> Batch | None:
    """The one contract: a batch, or traycodes' own error with a one-line message."""
    try:
        batch = read(data, fmt, password=lambda: "pw")
    except TrayCodesError as exc:
        assert exc.exit_code in (2, 3, 4)
        assert "\n" not in str(exc) and str(exc)
        return None
    for item in batch.items:  # each account read whole, or refused with a reason
        assert (item.entry is None) != (item.problem == ""), item
        assert item.entry is None or isinstance(item.entry, Entry)
    return batch


def test_every_sample_reads() -> None:
    for name, data in samples().items():
        batch = read_or_refuse(data)
        assert batch is not None and batch.items, name
        assert all(i.entry is not None for i in batch.items), name


@FUZZ
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(FORMATS))
@example(data=b"0", fmt="2fas")  # found by this test: crashed with AttributeError
@example(data=b"[1]", fmt="bitwarden")
@example(data=b"[" * 5000, fmt="aegis")
@example(data=b'{"tokens": 5}', fmt="freeotp")
def test_random_bytes_in_every_format(data: bytes, fmt: str) -> None:
    read_or_refuse(data, fmt)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(samples())))
    data = bytearray(samples()[name])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif data:
            del data[at : at + draw(st.integers(1, 16))]
    return name, bytes(data)


@FUZZ
@given(case=mutated())
def test_mutations_of_every_format(case: tuple[str, bytes]) -> None:
    read_or_refuse(case[1])


@FUZZ
@given(text=st.text(max_size=300))
def test_link_parsers_on_any_text(text: str) -> None:
    for prefix in ("", "otpauth://totp/", "otpauth-migration://offline?data=", "steam://"):
        try:
            parse_link(prefix + text)
        except TrayCodesError as exc:
            assert "\n" not in str(exc)


@FUZZ
@given(payload=st.binary(max_size=300))
def test_migration_links_with_any_payload(payload: bytes) -> None:
    link = "otpauth-migration://offline?data=" + base64.b64encode(payload).decode()
    try:
        parse_link(link)
    except TrayCodesError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("name", ["aegis-encrypted", "2fas", "traycodes", "image", "google"])
def test_the_cli_imports_nothing_from_a_damaged_file(tmp_path: Path, name: str) -> None:
    """End to end: a truncated export gives exit 2 to 4, one line, and the vault is left as
    it was (all or nothing)."""
    env = {
        **os.environ,
        "TRAYCODES_VAULT": str(tmp_path / "v.tcv"),
        "TRAYCODES_KEYRING": "off",
        "TRAYCODES_PASSWORD": "vault pw",
        "TRAYCODES_IMPORT_PASSWORD": "pw",
        "TRAYCODES_KDF_COST": "minimum",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "traycodes", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )

    assert run("init", "--no-keyring").returncode == 0
    before = (tmp_path / "v.tcv").read_bytes()
    damaged = tmp_path / "export"
    data = samples()[name]
    damaged.write_bytes(data[: len(data) * 2 // 3])
    done = run("import", str(damaged))
    assert done.returncode in (2, 3, 4), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert (tmp_path / "v.tcv").read_bytes() == before
