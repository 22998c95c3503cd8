"""Remember the password: every ``password_reminder_days`` the next unlock asks for the
password although the keyring could open the vault; "later" and a wrong answer still open
it (no lock-out); a right answer starts the count again. The time lives in the state
folder (the tests' own, see tests/conftest.py), never in the vault."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.unit.fakes import FakeLoop
from tests.unit.test_app_parts import Host, kinds, record, session_for, wait_for_posted
from traycodes.app import reminder
from traycodes.keystore import MemoryStore
from traycodes.settings import Settings
from traycodes.vault import KDF_MINIMUM, Vault

DAY = 86400


class ReminderHost(Host):
    def remind_password(self, days: int) -> None:
        self.events.append(("remind_password", days))


def keyring_vault(path: Path) -> MemoryStore:
    store = MemoryStore()
    vault = Vault.create(path, password="pw", keystore=store, kdf=KDF_MINIMUM)
    vault.update(lambda records: records.update({(r := record("GitHub")).id: r}))
    vault.lock()
    return store


def test_due_counts_days_and_zero_is_never() -> None:
    assert reminder.due(0, 30 * DAY, 30)
    assert not reminder.due(0, 30 * DAY - 1, 30)
    assert not reminder.due(0, 10_000 * DAY, 0)
    assert not reminder.due(None, 10_000 * DAY, 30)
    assert Settings().password_reminder_days == 30


def start(tmp_path: Path, days_ago: float | None, **settings: Any) -> tuple[Any, FakeLoop, Any]:
    store = keyring_vault(tmp_path / "v.tcv")
    if days_ago is not None:
        reminder.record_verified(time.time() - days_ago * DAY)
    loop, host = FakeLoop(), ReminderHost()
    session = session_for(tmp_path / "v.tcv", loop, host, keystore=store, **settings)
    session.open_with_keyring()
    return session, loop, host


def test_the_first_unlock_starts_the_count_and_a_recent_one_uses_the_keyring(
    tmp_path: Path,
) -> None:
    session, _, host = start(tmp_path, None)
    assert kinds(host) == ["unlocked"] and reminder.last_verified() is not None
    session.lock("a test")
    session.open_with_keyring()  # just recorded: not due
    assert kinds(host)[-1] == "unlocked"


def test_after_the_days_the_password_is_asked_and_later_asks_again(tmp_path: Path) -> None:
    session, _, host = start(tmp_path, 31)
    assert host.events == [("remind_password", 31)]
    assert session.is_locked  # held, not shown, until the answer
    session.remind_later()
    assert kinds(host)[-1] == "unlocked" and not session.is_locked
    session.lock("a test")
    session.open_with_keyring()
    assert host.events[-1] == ("remind_password", 31)  # asked again next time


def test_a_right_answer_restarts_the_count(tmp_path: Path) -> None:
    session, loop, host = start(tmp_path, 40)
    session.try_password("pw", create=False)
    wait_for_posted(loop)
    assert kinds(host)[-2:] == ["password_result", "unlocked"] and not session.is_locked
    assert time.time() - (reminder.last_verified() or 0) < 60


def test_a_wrong_answer_is_no_lock_out_and_says_to_change_it(tmp_path: Path) -> None:
    session, loop, host = start(tmp_path, 40)
    session.try_password("forgotten", create=False)
    wait_for_posted(loop)
    assert ("notify", "That was not the vault password") in host.events
    assert host.events[-1] == ("unlocked", None) and not session.is_locked
    assert time.time() - (reminder.last_verified() or 0) > 39 * DAY  # still due


def test_zero_days_never_asks(tmp_path: Path) -> None:
    _, _, host = start(tmp_path, 400, password_reminder_days=0)
    assert kinds(host) == ["unlocked"]
