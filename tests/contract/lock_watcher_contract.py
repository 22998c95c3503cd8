"""What every LockWatcher must do: a screen lock, as the desktop announces it, is heard
once (with a reason that names who said so); an unlock is not a lock; after ``stop``
nothing more is heard, and ``stop`` twice is quiet. Run against the freedesktop watcher
(ScreenSaver on the session bus, logind on the system bus) with fake services on real
dbus-daemons (tests/unit). Windows and macOS have none yet (``desktop.platform()`` says
so, and doctor prints it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import pytest

from tests.contract.shortcuts_contract import wait_for
from traycodes.desktop import LockWatcher


class LockRig(Protocol):
    def make(self, on_lock: Callable[[str], None]) -> LockWatcher: ...

    def lock(self) -> str:
        """The screen locks, announced the way this desktop does; what the reason must
        name: who announced it (and, on D-Bus, at which object)."""
        ...

    def unlock(self) -> None:
        """The screen unlocks, announced the same way (from another object, so that a
        reason heard for it would not name what :meth:`lock` returns)."""
        ...


class Heard:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, reason: str) -> None:
        with self._lock:
            self.reasons.append(reason)

    def count(self, n: int) -> Callable[[], bool]:
        return lambda: len(self.reasons) >= n


class LockWatcherContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> LockRig:
        raise NotImplementedError

    def test_a_lock_is_heard_once_and_names_who_said_so(self, rig: LockRig) -> None:
        heard = Heard()
        watcher = rig.make(heard)
        assert watcher.start()
        try:
            who = rig.lock()
            wait_for(heard.count(1), "the lock")
            (reason,) = heard.reasons
            assert who in reason
        finally:
            watcher.stop()

    def test_an_unlock_is_not_a_lock(self, rig: LockRig) -> None:
        heard = Heard()
        watcher = rig.make(heard)
        assert watcher.start()
        try:
            rig.unlock()
            who = rig.lock()  # a positive control, announced after the unlock
            wait_for(lambda: any(who in reason for reason in heard.reasons), "the lock")
            assert len(heard.reasons) == 1  # heard in order: the unlock would come first
        finally:
            watcher.stop()

    def test_nothing_is_heard_after_stop(self, rig: LockRig) -> None:
        stopped, running = Heard(), Heard()
        first = rig.make(stopped)
        second = rig.make(running)
        assert first.start() and second.start()
        try:
            first.stop()
            rig.lock()
            wait_for(running.count(1), "the lock, by the watcher still running")
            assert stopped.reasons == []
        finally:
            second.stop()

    def test_stop_ends_the_watchers_threads(self, rig: LockRig) -> None:
        before = set(threading.enumerate())
        heard = Heard()
        watcher = rig.make(heard)
        assert watcher.start()
        assert set(threading.enumerate()) - before  # a positive control: it listens
        rig.lock()
        wait_for(heard.count(1), "the lock")
        watcher.stop()
        assert set(threading.enumerate()) <= before

    def test_stop_twice_is_quiet(self, rig: LockRig) -> None:
        watcher = rig.make(Heard())
        watcher.start()
        watcher.stop()
        watcher.stop()
