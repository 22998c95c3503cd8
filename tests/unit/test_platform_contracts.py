"""The WindowReader and Keyboard contracts on Windows (user32 over a recording fake of
its DLL functions) and macOS (AppKit and Quartz over recording fakes): the same suites
that X11 passes for real (tests/desktop/test_platform_contracts_x11.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from tests.contract import darwin_fake, win32_fake
from tests.contract.keyboard_contract import KeyboardContract, KeyboardRig
from tests.contract.window_reader_contract import ReaderRig, WindowReaderContract
from traycodes.desktop import Keyboard, WindowReader
from traycodes.desktop._darwin import DarwinDesktop
from traycodes.desktop._darwin_input import QuartzKeyboard
from traycodes.desktop._win32 import User32Api, Win32Api, Win32Desktop
from traycodes.desktop._win32_input import SendInputKeyboard

PIDS = itertools.count(5000)


class Win32Desk:
    """A Windows desktop (the fake) and the Win32Api over it, declared as on Windows."""

    def __init__(self) -> None:
        self.system = win32_fake.FakeWindows()
        self.api = Win32Api(load=self.system.load)

    def open_window(self, title: str) -> str:
        self.system.open_window(title, rf"C:\Program Files\Notes\Notes{len(title)}.exe", next(PIDS))
        return f"notes{len(title)}"

    def hold_shift(self) -> Callable[[], None]:
        self.system.keys_held.add(win32_fake.VK_SHIFT)
        return lambda: self.system.keys_held.discard(win32_fake.VK_SHIFT)


class Win32Rig(Win32Desk):
    def make(self) -> WindowReader:
        return Win32Desktop(User32Api(self.api))


class Win32KeyboardRig(Win32Desk):
    def make(self) -> Keyboard:
        return SendInputKeyboard(self.api)

    def typed(self) -> str:
        return self.system.in_front().text.replace("\n", "")

    def enters(self) -> int:
        return self.system.in_front().text.count("\n")


class DarwinDesk:
    """A macOS desktop (the fake)."""

    def __init__(self) -> None:
        self.system = darwin_fake.FakeMac()

    def open_window(self, title: str) -> str:
        name = f"Notes {len(title)}"
        self.system.open_app(name, next(PIDS), title)
        return name.lower()

    def hold_shift(self) -> Callable[[], None]:
        self.system.flags_held |= darwin_fake.SHIFT

        def release() -> None:
            self.system.flags_held &= ~darwin_fake.SHIFT

        return release


class DarwinRig(DarwinDesk):
    def make(self) -> WindowReader:
        appkit = self.system.appkit
        return DarwinDesktop(
            workspace=appkit.NSWorkspace.sharedWorkspace(),
            running_app=appkit.NSRunningApplication.runningApplicationWithProcessIdentifier_,
            quartz=self.system.quartz,
        )


class DarwinKeyboardRig(DarwinDesk):
    def make(self) -> Keyboard:
        return QuartzKeyboard(self.system.quartz)

    def typed(self) -> str:
        return self.system.in_front().text.replace("\n", "")

    def enters(self) -> int:
        return self.system.in_front().text.count("\n")


class TestWin32WindowReader(WindowReaderContract):
    @pytest.fixture
    def rig(self) -> Win32Rig:
        return Win32Rig()


class TestWin32Keyboard(KeyboardContract):
    @pytest.fixture
    def rig(self) -> Win32KeyboardRig:
        return Win32KeyboardRig()


class TestDarwinWindowReader(WindowReaderContract):
    @pytest.fixture
    def rig(self) -> DarwinRig:
        return DarwinRig()


class TestDarwinKeyboard(KeyboardContract):
    @pytest.fixture
    def rig(self) -> DarwinKeyboardRig:
        return DarwinKeyboardRig()


def test_macos_reads_the_app_name_without_screen_recording() -> None:
    """Without the screen-recording permission window titles come back empty: the app's
    name stands in (matching by app still works)."""
    rig = DarwinRig()
    rig.system.screen_recording = False
    rig.open_window("Secret page title")
    window = rig.make().active_window()
    assert window is not None and window.title == "Notes 17" and window.app == "notes 17"


def test_windows_refusal_of_sendinput_is_one_clear_error() -> None:
    """An elevated window in front (UIPI) swallows SendInput: said, not silently lost."""
    from traycodes.errors import TrayCodesError

    rig = Win32KeyboardRig()
    rig.open_window("Administrator: cmd")
    rig.system.blocked = True
    with pytest.raises(TrayCodesError, match="did not let traycodes type"):
        rig.make().type("123456")
    assert rig.typed() == ""


def test_windows_types_a_character_beyond_the_bmp_as_one() -> None:
    rig = Win32KeyboardRig()
    rig.open_window("Notes")
    rig.make().type("a\U0001f511b")
    assert rig.typed() == "a\U0001f511b"
    assert len(rig.system.called("SendInput")) == 1  # one call: nothing lands between


def test_the_rigs_are_what_the_contracts_ask_for() -> None:
    """mypy checks these assignments: each rig satisfies its contract's Protocol."""
    readers: list[ReaderRig] = [Win32Rig(), DarwinRig()]
    keyboards: list[KeyboardRig] = [Win32KeyboardRig(), DarwinKeyboardRig()]
    assert all(callable(rig.make) for rig in readers)
    assert all(callable(rig.make) for rig in keyboards)
