"""The running app when the vault's key is changed on another computer: it locks, says
where and when in words, and logs why (at debug) instead of keeping secrets it can no
longer save."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.unit.fakes import FakeLoop, record, vault_with
from tests.unit.test_rotation import computer
from traycodes.app.session import Session
from traycodes.settings import Settings
from traycodes.vault import KDF_MINIMUM, Vault


class Host:
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def notify(self, title: str, body: str) -> None:
        self.events.append(("notify", body))

    def locked(self) -> None:
        self.events.append(("locked", None))

    def changed(self) -> None:
        self.events.append(("changed", None))

    def unlocked(self) -> None:
        self.events.append(("unlocked", None))

    def watch_folder(self, folder: Path, changed: Any) -> Any:
        return None

    def __getattr__(self, name: str) -> Any:  # the rest of SessionHost: recorded
        return lambda *args, **kwargs: self.events.append((name, args))


@pytest.mark.parametrize("rekey", [False, True], ids=["passwd", "rekey"])
def test_a_key_changed_elsewhere_locks_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, rekey: bool
) -> None:
    path = tmp_path / "v.tcv"
    loop, host = FakeLoop(), Host()
    with computer("A", tmp_path):
        session = Session(path, keystore=None, settings=Settings(), loop=loop, host=host)  # type: ignore[arg-type]
        session.unlock_with(vault_with(path, record("GitHub")))
    with computer("B", tmp_path):  # another computer, through the synced folder
        other = Vault.open(path, keystore=None, password=lambda: "pw")
        other.update(lambda records: records.update({(r := record("GitLab")).id: r}))
        with computer("A", tmp_path):  # positive control: an ordinary change is merged
            session.reload()
        assert not session.is_locked and len(session.records()) == 2
        if rekey:
            other.rekey("new password", keystore=None, kdf=KDF_MINIMUM)
        else:
            other.change_password("new password", kdf=KDF_MINIMUM)
    host.events.clear()
    with computer("A", tmp_path), caplog.at_level(logging.DEBUG, logger="traycodes.app.session"):
        session.reload()
        if not rekey:  # the key itself is the same: the new slots are taken, nothing locks
            assert not session.is_locked and len(session.records()) == 2
            return
    assert session.is_locked and session.records() == []
    assert ("locked", None) in host.events
    (said,) = [body for kind, body in host.events if kind == "notify"]
    assert said.startswith("the password changed on ") and " at " in said
    assert said.endswith("unlock with the new password")
    assert any(
        "locking: the vault's key changed" in r.getMessage() and r.levelno == logging.INFO
        for r in caplog.records
    )
