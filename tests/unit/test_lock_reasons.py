"""Every way the tray app locks (or starts locked) says why in its log, so that
``TRAYCODES_LOG=debug`` (or ``info``) names the reason of any lock: the idle time, the
screen lock signal heard (which, from whom), ``traycodes lock``, a key changed on another
computer (tests/unit/test_session_rotation.py), the keyring failing at start."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.unit.fakes import FakeLoop, record, vault_with
from tests.unit.test_session_rotation import Host
from traycodes.app.commands import Commands
from traycodes.app.session import Session
from traycodes.settings import Settings

SESSION = "traycodes.app.session"


def reasons(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]


def test_the_idle_lock_says_how_long_nothing_was_done(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loop, host = FakeLoop(), Host()
    session = Session(
        tmp_path / "v.tcv", keystore=None, settings=Settings(lock_minutes=15), loop=loop, host=host
    )  # type: ignore[arg-type]
    session.unlock_with(vault_with(tmp_path / "v.tcv", record("GitHub")))
    with caplog.at_level(logging.INFO, logger=SESSION):
        loop.fire("idle")
    assert session.is_locked
    assert reasons(caplog) == ["locking: nothing done in traycodes for 15 minute(s) (lock_minutes)"]


def test_a_lock_while_locked_is_no_second_lock_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    session = Session(
        tmp_path / "v.tcv", keystore=None, settings=Settings(), loop=FakeLoop(), host=Host()
    )  # type: ignore[arg-type]
    with caplog.at_level(logging.DEBUG, logger=SESSION):
        session.lock("Lock chosen in the menu")
    assert reasons(caplog) == []  # nothing was open: only a debug line
    assert [r.getMessage() for r in caplog.records] == ["already locked (Lock chosen in the menu)"]


def test_starting_locked_because_the_keyring_did_not_open_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The app shows itself locked at start when the keyring does not answer (a busy
    keyring on a loaded machine): that is logged, not a silent unlock window."""
    path = tmp_path / "v.tcv"
    vault_with(path, record("GitHub")).lock()
    host = Host()
    session = Session(path, keystore=None, settings=Settings(), loop=FakeLoop(), host=host)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO, logger=SESSION):
        session.open_with_keyring()
    assert ("ask_password", ()) in host.events
    (said,) = reasons(caplog)
    assert said.startswith("the keyring did not open the vault (") and "password" in said


class LockingApp:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def call(self, action: Any, timeout: float = 10.0) -> Any:
        return action()

    def lock(self, reason: str) -> None:
        self.reasons.append(reason)

    # the app's loop, session and code actions: this fake plays each
    @property
    def loop(self) -> LockingApp:
        return self

    @property
    def session(self) -> LockingApp:
        return self

    @property
    def actions(self) -> LockingApp:
        return self

    def __getattr__(self, name: str) -> Any:  # the app's other commands: not asked here
        return lambda *args, **kwargs: None


def test_traycodes_lock_is_named_as_the_reason() -> None:
    app = LockingApp()
    assert Commands(app).handle({"command": "lock"}) == {"ok": True}  # type: ignore[arg-type]
    assert app.reasons == ["'traycodes lock' asked"]


@pytest.fixture
def buses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A private dbus-daemon standing in for both the session and the system bus."""
    if shutil.which("dbus-daemon") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("dbus-daemon is missing (scripts/_setup.sh installs it)")
        pytest.skip("dbus-daemon is not installed")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address",
         f"--address=unix:path={tmp_path / 'bus'}"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(10)


@pytest.mark.parametrize(
    ("path", "signal", "body", "said"),
    [
        ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged",
         ["boolean:true"], "org.freedesktop.ScreenSaver.ActiveChanged"),
        ("/org/freedesktop/login1/session/_32", "org.freedesktop.login1.Session.Lock", [],
         "org.freedesktop.login1.Session.Lock"),
    ],
    ids=["screensaver", "logind"],
)  # fmt: skip
def test_the_screen_lock_names_the_signal_and_its_sender(
    buses: str, path: str, signal: str, body: list[str], said: str
) -> None:
    """logind's Lock carries no argument: it is told by its member name (it was read from
    the wrong header field, so a logind lock never locked traycodes)."""
    from traycodes.desktop._xdg import SessionLockWatcher

    heard: list[str] = []
    done = threading.Event()
    watcher = SessionLockWatcher(lambda why: (heard.append(why), done.set()))
    assert watcher.start() == ["session", "system"]
    try:
        subprocess.run(
            ["dbus-send", f"--bus={buses}", "--type=signal", path, signal, *body], check=True
        )
        assert done.wait(10), "no lock heard"
    finally:
        watcher.stop()
    (reason,) = set(heard)
    assert reason.startswith(f"the screen locked ({said} from :1.") and reason.endswith(
        f"at {path})"
    )
