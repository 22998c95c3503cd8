"""Vaults for the vault's tests: a record, a vault made with the cheapest KDF, opened again,
and the ``path`` fixture (a vault file in a folder not made yet)."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest

from traycodes.keystore import MemoryStore
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, Vault

SECRET = b"very-secret-key-bytes!"
SECRET_B32 = base64.b32encode(SECRET).decode().rstrip("=")
PASSWORD = "correct horse battery staple"


def make_record(issuer: str = "GitHub", account: str = "octocat", secret: bytes = SECRET) -> Record:
    return Record(
        id=uuid.uuid4().hex,
        issuer=issuer,
        account=account,
        otp=OtpParams(secret),
        websites=("https://github.com",),
        note="recovery 1234",
        created=1000,
        modified=1000,
    )


def add(records: dict[str, Record], record: Record) -> None:
    records[record.id] = record


def create(
    path: Path,
    *,
    keystore: MemoryStore | None = None,
    password: str | None = PASSWORD,
    keep_backups: int = 10,
) -> Vault:
    return Vault.create(
        path, password=password, keystore=keystore, kdf=KDF_MINIMUM, keep_backups=keep_backups
    )


def reopen(
    path: Path, password: str | None = PASSWORD, keystore: MemoryStore | None = None
) -> Vault:
    return Vault.open(path, keystore=keystore, password=lambda: password)


@pytest.fixture(name="path")
def path_fixture(tmp_path: Path) -> Path:
    """``path``: a vault file in a folder not made yet (import ``path_fixture`` to use it)."""
    return tmp_path / "vaults" / "vault.tcv"
