"""The LockWatcher contract on the freedesktop watcher, reached through
``desktop.platform()`` as the app reaches it: a session and a system bus of their own
(real dbus-daemons), and on them the services that announce a lock: a screensaver owning
``org.freedesktop.ScreenSaver`` (KDE, XFCE, others), GNOME's ``org.gnome.ScreenSaver``,
and logind owning ``org.freedesktop.login1``."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract.lock_watcher_contract import Heard, LockRig, LockWatcherContract
from traycodes import desktop
from traycodes.desktop import LockWatcher

pytestmark = pytest.mark.skipif(os.name != "posix", reason="D-Bus")


def dbus_daemon(kind: str, folder: Path) -> tuple[subprocess.Popen[str], str]:
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--{kind}", "--nofork", "--print-address",
         f"--address=unix:path={folder / kind}"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert daemon.stdout is not None
    return daemon, daemon.stdout.readline().strip()


@pytest.fixture
def buses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A session bus and a system bus of this test's own (the system one a session-type
    daemon: the policy of a real system bus is not what is tested)."""
    if shutil.which("dbus-daemon") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("dbus-daemon is missing (scripts/_setup.sh installs it)")
        pytest.skip("dbus-daemon is not installed")
    daemons = [dbus_daemon("session", tmp_path) for _ in ("session", "system")]
    session, system = daemons[0][1], daemons[1][1]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", session)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", system)
    try:
        yield {"SESSION": session, "SYSTEM": system}
    finally:
        for daemon, _ in daemons:
            daemon.terminate()
            daemon.wait(10)


class Announcer:
    """A service on a real bus: owns ``name``, and sends its signals from there."""

    def __init__(self, address: str, name: str) -> None:
        from jeepney import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        self.connection = open_dbus_connection(bus=address)
        Proxy(message_bus, self.connection).RequestName(name, 0)
        self.unique = str(self.connection.unique_name)

    def signal(self, path: str, interface: str, member: str, signature: str, body: Any) -> None:
        from jeepney import DBusAddress, new_signal

        self.connection.send(
            new_signal(DBusAddress(path, interface=interface), member, signature, body)
        )

    def close(self) -> None:
        self.connection.close()


class ScreenSaverRig:
    """A screensaver's ActiveChanged(true/false) on the session bus."""

    def __init__(self, address: str, name: str, path: str, other_path: str) -> None:
        self.service = Announcer(address, name)
        self.name, self.path, self.other_path = name, path, other_path

    def make(self, on_lock: Callable[[str], None]) -> LockWatcher:
        factory = desktop.platform().lock_watcher
        assert not isinstance(factory, desktop.Missing), factory.reason
        return factory(on_lock)

    def lock(self) -> str:
        self.service.signal(self.path, self.name, "ActiveChanged", "b", (True,))
        return f"from {self.service.unique} at {self.path}"

    def unlock(self) -> None:
        self.service.signal(self.other_path, self.name, "ActiveChanged", "b", (False,))


class LogindRig(ScreenSaverRig):
    """logind's Session.Lock (and Unlock) on the system bus, from a session's object."""

    def __init__(self, address: str) -> None:
        super().__init__(address, "org.freedesktop.login1", "/org/freedesktop/login1/session/_32",
                         "/org/freedesktop/login1/session/_31")  # fmt: skip

    def lock(self) -> str:
        self.service.signal(self.path, "org.freedesktop.login1.Session", "Lock", "", ())
        return f"from {self.service.unique} at {self.path}"

    def unlock(self) -> None:
        self.service.signal(self.other_path, "org.freedesktop.login1.Session", "Unlock", "", ())


@pytest.fixture
def closing() -> Iterator[list[ScreenSaverRig]]:
    rigs: list[ScreenSaverRig] = []
    yield rigs
    for rig in rigs:
        rig.service.close()


class TestFreedesktopScreenSaver(LockWatcherContract):
    @pytest.fixture
    def rig(self, buses: dict[str, str], closing: list[ScreenSaverRig]) -> ScreenSaverRig:
        name = "org.freedesktop.ScreenSaver"
        closing.append(
            ScreenSaverRig(buses["SESSION"], name, "/org/freedesktop/ScreenSaver", "/ScreenSaver")
        )
        return closing[-1]


class TestGnomeScreenSaver(LockWatcherContract):
    @pytest.fixture
    def rig(self, buses: dict[str, str], closing: list[ScreenSaverRig]) -> ScreenSaverRig:
        name = "org.gnome.ScreenSaver"
        closing.append(
            ScreenSaverRig(buses["SESSION"], name, "/org/gnome/ScreenSaver", "/ScreenSaver")
        )
        return closing[-1]


class TestLogind(LockWatcherContract):
    @pytest.fixture
    def rig(self, buses: dict[str, str], closing: list[ScreenSaverRig]) -> ScreenSaverRig:
        closing.append(LogindRig(buses["SYSTEM"]))
        return closing[-1]


def test_without_a_system_bus_the_session_bus_is_still_heard(
    buses: dict[str, str], closing: list[ScreenSaverRig], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a container there is no system bus: the screensaver is still heard."""
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    rig = ScreenSaverRig(buses["SESSION"], "org.freedesktop.ScreenSaver", "/ScreenSaver", "/x")
    closing.append(rig)
    heard = Heard()
    watcher = rig.make(heard)
    assert watcher.start() == ["session"]
    try:
        who = rig.lock()
        from tests.contract.shortcuts_contract import wait_for

        wait_for(heard.count(1), "the lock")
        assert who in heard.reasons[0]
    finally:
        watcher.stop()


def test_the_rigs_are_what_the_contract_asks_for(buses: dict[str, str]) -> None:
    """mypy checks this assignment: each rig satisfies the contract's Protocol."""
    rigs: list[LockRig] = [LogindRig(buses["SYSTEM"])]
    for rig in rigs:
        assert isinstance(rig, LogindRig)
        rig.service.close()
