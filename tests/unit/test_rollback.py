"""A vault file that goes back in time, or that a sync tool writes over with another
computer's save, loses nothing; its header is authenticated byte for byte."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from traycodes.errors import DamagedData, WrongPassword
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, Vault, crypto
from traycodes.vault.format import Slot, VaultFile, dump_records, header_for, loads

PASSWORD = "pw"


def record(issuer: str) -> Record:
    return Record(id=uuid.uuid4().hex, issuer=issuer, otp=OtpParams(os.urandom(20)), modified=1.0)


def add(vault: Vault, issuer: str) -> Record:
    made = record(issuer)
    vault.update(lambda records: records.__setitem__(made.id, made))
    return made


def issuers(vault: Vault) -> set[str]:
    return {r.issuer for r in vault.records}


@contextlib.contextmanager
def computer(name: str, root: Path) -> Iterator[None]:
    saved = os.environ["TRAYCODES_STATE"]
    os.environ["TRAYCODES_STATE"] = str(root / f"state-{name}")
    try:
        yield
    finally:
        os.environ["TRAYCODES_STATE"] = saved


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "Sync" / "vault.tcv"


def test_a_file_copied_back_loses_nothing(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    add(vault, "GitHub")
    old = path.read_bytes()
    add(vault, "GitLab")
    path.write_bytes(old)  # an old copy put back (by a backup tool, a sync, a person)
    opened = Vault.open(path, keystore=None, password=lambda: PASSWORD)
    assert issuers(opened) == {"GitHub", "GitLab"}
    assert any("older state" in w for w in opened.warnings)
    on_disk = loads(path.read_bytes())  # the merge was saved as a new version
    assert on_disk.versions > loads(old).versions
    again = Vault.open(path, keystore=None, password=lambda: PASSWORD)
    assert issuers(again) == {"GitHub", "GitLab"} and again.warnings == []


def test_an_old_file_does_not_bring_back_an_old_password(path: Path) -> None:
    vault = Vault.create(path, password="old password", keystore=None, kdf=KDF_MINIMUM)
    add(vault, "GitHub")
    old = path.read_bytes()
    vault.change_password("new password", kdf=KDF_MINIMUM)
    path.write_bytes(old)
    with pytest.raises(WrongPassword):
        Vault.open(path, keystore=None, password=lambda: "old password")
    opened = Vault.open(path, keystore=None, password=lambda: "new password")
    assert issuers(opened) == {"GitHub"}
    # the file saved since carries the newer slots: the old password opens nothing there
    assert loads(path.read_bytes()).slots == opened.slots
    with pytest.raises(WrongPassword):
        Vault.open(path, keystore=None, password=lambda: "old password")


def test_a_save_written_over_by_another_computer_is_merged_back(path: Path, tmp_path: Path) -> None:
    """Tried with two real Syncthing instances before: an account added on one side while
    the other was offline was gone on both."""
    with computer("A", tmp_path):
        vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
        add(vault, "Base")
    base = path.read_bytes()
    with computer("A", tmp_path):
        add(Vault.open(path, keystore=None, password=lambda: PASSWORD), "AddedOnA")
    path.write_bytes(base)  # B's disk still has the base: B is offline
    with computer("B", tmp_path):
        add(Vault.open(path, keystore=None, password=lambda: PASSWORD), "AddedOnB")
    # the sync tool now copies B's file over A's, instead of making a conflict copy
    with computer("A", tmp_path):
        opened = Vault.open(path, keystore=None, password=lambda: PASSWORD)
        assert issuers(opened) == {"Base", "AddedOnA", "AddedOnB"}
        assert any("another computer" in w for w in opened.warnings)
    with computer("B", tmp_path):  # and B, reading what A saved, has both too
        assert issuers(Vault.open(path, keystore=None, password=lambda: PASSWORD)) == {
            "Base",
            "AddedOnA",
            "AddedOnB",
        }


def test_reload_merges_instead_of_replacing(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    add(vault, "GitHub")
    old = path.read_bytes()
    add(vault, "GitLab")
    path.write_bytes(old)
    warning = vault.reload()
    assert "older state" in warning
    assert issuers(vault) == {"GitHub", "GitLab"}
    assert issuers(Vault.open(path, keystore=None, password=lambda: PASSWORD)) == {
        "GitHub",
        "GitLab",
    }


def test_restore_is_the_deliberate_way_back(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    add(vault, "GitHub")
    add(vault, "GitLab")
    backup = vault.backups()[0].path  # before GitLab
    vault.restore(backup)
    opened = Vault.open(path, keystore=None, password=lambda: PASSWORD)
    assert issuers(opened) == {"GitHub"} and opened.warnings == []


def with_checksum(first: bytes, body: bytes, ciphertext: bytes) -> bytes:
    digest = hashlib.sha256(first + b"\n" + body + b"\n" + ciphertext).hexdigest()
    return first + b"\n" + body + b"\n" + f"sha256 {digest}\n".encode() + ciphertext


def parts(path: Path) -> tuple[bytes, bytes, bytes]:
    first, _, rest = path.read_bytes().partition(b"\n")
    body, _, rest = rest.partition(b"\n")
    return first, body, rest.partition(b"\n")[2]


@pytest.mark.parametrize(
    "change",
    [
        lambda body: {**body, "comment": "an unknown key"},
        lambda body: {**body, "payload": {**body["payload"], "extra": 1}},
        lambda body: {**body, "slots": [{**body["slots"][0], "hint": "pw"}]},
    ],
)
def test_unknown_header_keys_are_refused(path: Path, change: object) -> None:
    Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    first, body, ciphertext = parts(path)
    changed = json.dumps(change(json.loads(body))).encode()  # type: ignore[operator]
    path.write_bytes(with_checksum(first, changed, ciphertext))
    with pytest.raises(DamagedData, match="header is damaged"):
        Vault.open(path, keystore=None, password=lambda: PASSWORD)


@pytest.mark.parametrize(
    "line", [b"traycodes-vault 02", b"traycodes-vault  2", b"traycodes-vault 1"]
)
def test_a_changed_format_line_is_refused(path: Path, line: bytes) -> None:
    Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    _, body, ciphertext = parts(path)
    path.write_bytes(with_checksum(line, body, ciphertext))
    with pytest.raises(DamagedData):
        Vault.open(path, keystore=None, password=lambda: PASSWORD)


def test_the_header_as_stored_is_authenticated(path: Path) -> None:
    """Respelling the header (same meaning, other bytes) or changing the version vector
    fails authentication: the associated data is the stored bytes."""
    Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    first, body, ciphertext = parts(path)
    for changed in (
        json.dumps(json.loads(body), indent=1).replace("\n", " ").encode(),
        json.dumps({**json.loads(body), "versions": {"someone": 99}}).encode(),
    ):
        path.write_bytes(with_checksum(first, changed, ciphertext))
        with pytest.raises(DamagedData, match="fail authentication"):
            Vault.open(path, keystore=None, password=lambda: PASSWORD)


def test_a_format_1_vault_opens_and_is_saved_as_format_3(path: Path) -> None:
    from traycodes.vault import password_slot

    master, vault_id = crypto.random_key(), uuid.uuid4().hex
    slot: Slot = password_slot(vault_id, master, PASSWORD, KDF_MINIMUM)
    kept = record("GitHub")
    nonce, ciphertext = crypto.seal(master, dump_records([kept]), header_for(vault_id, (slot,)))
    body = json.dumps(
        {
            "payload": {
                "cipher": "aes-256-gcm",
                "nonce": base64.b64encode(nonce).decode(),
                "size": len(ciphertext),
            },
            "slots": [slot.to_json()],
            "vault_id": vault_id,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    path.parent.mkdir(parents=True)
    path.write_bytes(with_checksum(b"traycodes-vault 1", body, ciphertext))
    assert isinstance(loads(path.read_bytes()), VaultFile)
    vault = Vault.open(path, keystore=None, password=lambda: PASSWORD)
    assert vault.records == [kept]
    add(vault, "GitLab")
    assert path.read_bytes().startswith(b"traycodes-vault 3\n")
    assert issuers(Vault.open(path, keystore=None, password=lambda: PASSWORD)) == {
        "GitHub",
        "GitLab",
    }
