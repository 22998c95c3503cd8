"""What every GlobalShortcuts part must do: run against X11 for real (tests/desktop) and
against recording fakes of the Win32 and Carbon calls (tests/unit)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

import pytest

from traycodes.desktop import GlobalShortcuts

TYPE, PICK, OTHER = "<ctrl>+<alt>+o", "<ctrl>+<alt>+p", "<ctrl>+<alt>+k"
TAKEN = "Ctrl+Alt+O is taken by another program: choose another in Settings"


class Rig(Protocol):
    """The platform under test: its shortcuts part, a person pressing keys, and another
    program that holds a combination."""

    def make(self, bindings: dict[str, Callable[[], None]]) -> GlobalShortcuts: ...

    def press(self, hotkey: str) -> None: ...

    def take(self, hotkey: str) -> Callable[[], None]:
        """Another program takes ``hotkey``; the call returned lets it go."""
        ...


def wait_for(check: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


class GlobalShortcutsContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> Rig:
        raise NotImplementedError

    def test_each_press_runs_its_own_action(self, rig: Rig) -> None:
        heard: list[str] = []
        shortcuts = rig.make(
            {TYPE: lambda: heard.append("type"), PICK: lambda: heard.append("pick")}
        )
        try:
            assert shortcuts.start() == []
            rig.press(PICK)
            wait_for(lambda: heard == ["pick"], "the pick hotkey")
            rig.press(TYPE)
            wait_for(lambda: heard == ["pick", "type"], "the type hotkey")
        finally:
            shortcuts.stop()

    def test_a_combination_another_program_holds_is_one_clear_problem(self, rig: Rig) -> None:
        release = rig.take(TYPE)
        heard: list[str] = []
        shortcuts = rig.make(
            {TYPE: lambda: heard.append("type"), PICK: lambda: heard.append("pick")}
        )
        try:
            assert shortcuts.start() == [TAKEN]
            rig.press(TYPE)  # the other program's: not ours
            rig.press(PICK)  # the other hotkey still works
            wait_for(lambda: "pick" in heard, "the hotkey that was free")
            assert heard == ["pick"]
        finally:
            shortcuts.stop()
            release()

    def test_stop_lets_go_and_new_hotkeys_replace_the_old(self, rig: Rig) -> None:
        heard: list[str] = []
        old = rig.make({TYPE: lambda: heard.append("old")})
        assert old.start() == []
        old.stop()
        new = rig.make({OTHER: lambda: heard.append("new")})
        after = rig.make({TYPE: lambda: heard.append("after")})  # free again for anyone
        try:
            assert new.start() == []
            assert after.start() == []
            rig.press(TYPE)
            rig.press(OTHER)
            wait_for(lambda: sorted(heard) == ["after", "new"], "both presses")
        finally:
            new.stop()
            after.stop()

    def test_a_hotkey_not_understood_is_said_and_the_rest_work(self, rig: Rig) -> None:
        heard: list[str] = []
        shortcuts = rig.make({"<ctrl>+<nonsense>+o": lambda: None, PICK: lambda: heard.append("p")})
        try:
            problems = shortcuts.start()
            assert problems == [
                "the hotkey '<ctrl>+<nonsense>+o' is not understood; change it in Settings"
            ]
            rig.press(PICK)
            wait_for(lambda: heard == ["p"], "the understood hotkey")
        finally:
            shortcuts.stop()

    def test_stop_is_quiet_before_start_and_twice(self, rig: Rig) -> None:
        shortcuts = rig.make({TYPE: lambda: None})
        shortcuts.stop()
        assert shortcuts.start() == []
        shortcuts.stop()
        shortcuts.stop()
        again = rig.make({TYPE: lambda: None})
        assert again.start() == []  # the first let go
        again.stop()
