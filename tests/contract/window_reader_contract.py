"""What every WindowReader must do, whatever the OS: run against X11 and sway for real
(tests/desktop), KWin over a fake of its scripting on a real bus (tests/desktop),
Hyprland over a fake of its socket, and recording fakes of the Win32 and AppKit/Quartz
calls (tests/unit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import pytest

from tests.contract.shortcuts_contract import wait_for
from traycodes.desktop import WindowReader


class ReaderRig(Protocol):
    """The platform under test: its reader, and a person opening windows and holding keys."""

    def make(self) -> WindowReader: ...

    def open_window(self, title: str) -> str:
        """A window titled ``title`` comes to front; the program's name as it is known."""
        ...

    def hold_shift(self) -> Callable[[], None] | str:
        """The person holds Shift down; the call returned lets it go. Where no app may see
        the keyboard's state (Wayland), why not: the test is skipped with that reason."""
        ...


class WindowReaderContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> ReaderRig:
        raise NotImplementedError

    def test_the_window_in_front_is_read_with_its_program(self, rig: ReaderRig) -> None:
        app = rig.open_window("Contract – first window")
        reader = rig.make()
        try:
            wait_for(
                lambda: getattr(reader.active_window(), "title", "") == "Contract – first window",
                "the window in front",
            )
            window = reader.active_window()
            assert window is not None and window.id
            assert window.app == app
        finally:
            reader.close()

    def test_a_window_brought_back_is_in_front_again(self, rig: ReaderRig) -> None:
        reader = rig.make()
        try:
            rig.open_window("Contract – left behind")
            wait_for(lambda: _title(reader) == "Contract – left behind", "the first window")
            first = reader.active_window()
            assert first is not None
            rig.open_window("Contract – on top")
            wait_for(lambda: _title(reader) == "Contract – on top", "the second window")
            second = reader.active_window()
            assert second is not None and second.id != first.id
            assert reader.activate(first.id, timeout=5.0)
            again = reader.active_window()
            assert again is not None and (again.id, again.title) == (first.id, first.title)
        finally:
            reader.close()

    def test_held_modifiers_are_seen_and_their_release_too(self, rig: ReaderRig) -> None:
        reader = rig.make()
        try:
            assert not reader.modifiers_down()
            release = rig.hold_shift()
            if isinstance(release, str):
                pytest.skip(release)
            try:
                wait_for(reader.modifiers_down, "Shift held")
            finally:
                release()
            wait_for(lambda: not reader.modifiers_down(), "Shift let go")
        finally:
            reader.close()

    def test_close_twice_is_quiet(self, rig: ReaderRig) -> None:
        reader = rig.make()
        reader.close()
        reader.close()


def _title(reader: WindowReader) -> str:
    window = reader.active_window()
    return window.title if window is not None else ""
