"""The encrypted vault: round trips, refusals, keyring slots, passwords, backups, updates
(damage: test_vault_damage.py; crashes, concurrency, rekey: test_vault_safety.py)."""

from __future__ import annotations

import logging
import os
import stat
import uuid
from pathlib import Path

import pytest

from tests.unit.vaults import (
    PASSWORD,
    SECRET,
    SECRET_B32,
    add,
    create,
    make_record,
    path_fixture,  # noqa: F401 (the fixture: path)
    reopen,
)
from traycodes.errors import Conflict, KeyUnavailable, Locked, WrongPassword
from traycodes.keystore import MemoryStore
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, NoVault, Vault, keyring_entry, list_backups


def test_round_trip(path: Path) -> None:
    vault = create(path)
    record = make_record()
    vault.update(lambda records: add(records, record))
    again = reopen(path)
    assert again.records == [record]
    assert again.unlocked_with == "password"


def test_file_and_folder_are_private(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for backup in list_backups(path):
        assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(list_backups(path)[0].path.parent.stat().st_mode) == 0o700


def test_nothing_in_clear(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    vault = create(path)
    for _ in range(3):
        vault.update(lambda records: add(records, make_record()))
    reopen(path)
    files = [path, *(b.path for b in list_backups(path))]
    assert len(files) == 4
    for file in files:
        data = file.read_bytes()
        for needle in (
            SECRET,
            SECRET_B32.encode(),
            b"GitHub",
            b"octocat",
            b"github.com",
            b"recovery",
            PASSWORD.encode(),
        ):
            assert needle not in data
            assert needle.lower() not in data.lower()
    for needle in (SECRET_B32, "GitHub", "octocat", PASSWORD):
        assert needle not in caplog.text
    assert "GitHub" not in repr(vault)
    assert SECRET_B32 not in repr(vault.records)


def test_wrong_password_is_told_apart(path: Path) -> None:
    create(path)
    with pytest.raises(WrongPassword):
        reopen(path, "wrong")
    with pytest.raises(Locked) as caught:
        reopen(path, None)
    assert not isinstance(caught.value, WrongPassword)
    assert "--password-stdin" in str(caught.value)


def test_missing_vault(path: Path) -> None:
    with pytest.raises(NoVault, match="traycodes init"):
        reopen(path)


def test_create_refuses_to_overwrite(path: Path) -> None:
    create(path)
    before = path.read_bytes()
    with pytest.raises(Conflict):
        create(path)
    assert path.read_bytes() == before


def test_keyring_slot(path: Path) -> None:
    store = MemoryStore()
    vault = create(path, keystore=store)
    vault.update(lambda records: add(records, make_record()))
    opened = reopen(path, password=None, keystore=store)
    assert opened.unlocked_with == "keyring"
    assert len(opened.records) == 1


def test_keyring_missing_key_falls_back_to_password(path: Path) -> None:
    create(path, keystore=MemoryStore())
    opened = reopen(path, keystore=MemoryStore())
    assert opened.unlocked_with == "password"


def test_keyring_wrong_key_falls_back_to_password(path: Path) -> None:
    store = MemoryStore()
    vault = create(path, keystore=store)
    slot = next(s for s in vault.slots if s.type == "keyring")
    store.set(keyring_entry(vault.vault_id, slot.id), os.urandom(32))
    assert reopen(path, keystore=store).unlocked_with == "password"


class BrokenStore(MemoryStore):
    description = "broken"

    def get(self, name: str) -> bytes | None:
        raise KeyUnavailable("the keyring (broken) failed: DBusError")


def test_broken_keyring_falls_back_to_password(path: Path) -> None:
    create(path, keystore=MemoryStore())
    assert reopen(path, keystore=BrokenStore()).unlocked_with == "password"
    with pytest.raises(Locked, match="broken"):
        reopen(path, password=None, keystore=BrokenStore())


def test_keyring_only_vault(path: Path) -> None:
    store = MemoryStore()
    create(path, keystore=store, password=None)
    assert reopen(path, password=None, keystore=store).unlocked_with == "keyring"
    with pytest.raises(KeyUnavailable):
        reopen(path, password=PASSWORD, keystore=MemoryStore())


def test_change_password_rewraps_without_touching_records(path: Path) -> None:
    vault = create(path)
    record = make_record()
    vault.update(lambda records: add(records, record))
    vault.change_password("new password", kdf=KDF_MINIMUM)
    with pytest.raises(WrongPassword):
        reopen(path)
    assert reopen(path, "new password").records == [record]
    # the backup taken before the change still opens with the old password
    old = list_backups(path)[0].path
    assert Vault.open(old, keystore=None, password=lambda: PASSWORD).records == [record]


def test_add_and_remove_keyring(path: Path) -> None:
    store = MemoryStore()
    vault = create(path)
    vault.add_keyring(store)
    assert reopen(path, None, store).unlocked_with == "keyring"
    vault.remove_keyring(store)
    with pytest.raises(Locked):
        reopen(path, None, store)
    assert store._keys == {}


def test_removing_the_only_slot_is_refused(path: Path) -> None:
    store = MemoryStore()
    vault = create(path, keystore=store, password=None)
    with pytest.raises(Conflict, match="passwd"):
        vault.remove_keyring(store)


def test_backups_rotate(path: Path) -> None:
    vault = create(path, keep_backups=3)
    for _ in range(6):
        vault.update(lambda records: add(records, make_record()))
    backups = list_backups(path)
    assert len(backups) == 3
    counts = [len(reopen(b.path).records) for b in backups]
    assert counts == [5, 4, 3]  # newest first: the states before the last three saves


def test_restore(path: Path) -> None:
    vault = create(path)
    first = make_record("First")
    vault.update(lambda records: add(records, first))
    vault.update(lambda records: add(records, make_record("Second")))
    vault.update(lambda records: records.clear())
    backup = next(b for b in list_backups(path) if len(reopen(b.path).records) == 1)
    assert vault.restore(backup.path) == 1
    assert reopen(path).records == [first]


def test_restore_refuses_another_vaults_backup(tmp_path: Path, path: Path) -> None:
    vault = create(path)
    other = create(tmp_path / "other" / "vault.tcv")
    other.update(lambda records: add(records, make_record()))
    with pytest.raises(Conflict, match="another vault"):
        vault.restore(tmp_path / "other" / "vault.tcv")


def test_no_change_writes_nothing(path: Path) -> None:
    vault = create(path)
    before = path.read_bytes()
    vault.update(lambda records: None)
    assert path.read_bytes() == before
    assert list_backups(path) == []


def test_failed_change_saves_nothing(path: Path) -> None:
    vault = create(path)
    before = path.read_bytes()

    def fail(records: dict[str, Record]) -> None:
        add(records, make_record())
        raise Conflict("no")

    with pytest.raises(Conflict):
        vault.update(fail)
    assert path.read_bytes() == before


def test_update_sees_changes_made_meanwhile(path: Path) -> None:
    first = create(path)
    second = reopen(path)
    first.update(lambda records: add(records, make_record("A")))
    second.update(lambda records: add(records, make_record("B")))
    assert sorted(r.issuer for r in reopen(path).records) == ["A", "B"]
    assert sorted(r.issuer for r in second.records) == ["A", "B"]


def test_lock_drops_the_key(path: Path) -> None:
    vault = create(path)
    vault.lock()
    assert vault.records == []
    with pytest.raises(Locked):
        vault.update(lambda records: None)


def test_advance_hotp_saves_the_counter_before_the_code(path: Path) -> None:
    """One rule for the CLI and the app: the counter is saved first, then the code shown."""
    from traycodes.model import OtpType
    from traycodes.otp import hotp

    vault = create(path)
    record = Record(
        id=uuid.uuid4().hex, issuer="Bank", otp=OtpParams(SECRET, OtpType.HOTP, counter=7)
    )
    vault.update(lambda records: add(records, record))
    assert vault.advance_hotp(record.id, 100.0) == hotp(SECRET, 7)
    assert reopen(path).records[0].otp.counter == 8  # type: ignore[union-attr]
    assert vault.advance_hotp(record.id, 200.0, used=True) == hotp(SECRET, 8)
    saved = reopen(path).records[0]
    assert saved.otp.counter == 9 and saved.used == 200.0  # type: ignore[union-attr]
