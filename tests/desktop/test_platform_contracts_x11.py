"""The WindowReader and Keyboard contracts on a real X server with a window manager
(openbox): X11Desktop reads the window in front, XTestKeyboard types into it, and a
person's keys are xdotool's (XTEST, as a keyboard would). Windows and macOS pass the same
suites over their fakes (tests/unit/test_platform_contracts.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.contract.keyboard_contract import KeyboardContract
from tests.contract.window_reader_contract import WindowReaderContract
from tests.desktop.session import DesktopSession, desktop_session, require, wait_for
from traycodes.desktop import Keyboard, WindowReader
from traycodes.desktop._x11 import X11Desktop
from traycodes.desktop._x11_keys import XTestKeyboard

pytestmark = pytest.mark.desktop
TARGET = Path(__file__).with_name("target_window.py")


@pytest.fixture(scope="module")
def x_session() -> Iterator[DesktopSession]:
    require("xdotool")
    with desktop_session(x=True, keyring=False, window_manager=True) as session:
        yield session


class X11Desk:
    """Windows of their own process (tests/desktop/target_window.py), each with a text
    field that writes what arrives to a file, and its key presses to another."""

    def __init__(self, session: DesktopSession, folder: Path) -> None:
        self.session, self.folder = session, folder
        self.display = session.env["DISPLAY"]
        self.windows: list[subprocess.Popen[bytes]] = []
        self.out = self.keys = folder / "none"

    def open_window(self, title: str) -> str:
        number = len(self.windows)
        self.out, self.keys = self.folder / f"field-{number}", self.folder / f"keys-{number}"
        wm_class = f"contract{number}"
        command = [sys.executable, str(TARGET), title, str(self.out), wm_class, str(self.keys)]
        self.windows.append(subprocess.Popen(command, env=self.session.full_env()))
        focused = Path(str(self.out) + ".focused")
        wait_for(focused.exists, f"the window {title!r} with its field focused")
        return wm_class  # Tk sets no _NET_WM_PID: the program is known by its class

    def hold_shift(self) -> Callable[[], None]:
        env = self.session.full_env()
        subprocess.run(["xdotool", "keydown", "Shift_L"], env=env, check=True)

        def release() -> None:
            subprocess.run(["xdotool", "keyup", "Shift_L"], env=env, check=True)

        return release

    def close(self) -> None:
        for window in self.windows:
            window.kill()
            window.wait(10)


class X11ReaderRig(X11Desk):
    def make(self) -> WindowReader:
        return X11Desktop(self.display)


class X11KeyboardRig(X11Desk):
    def make(self) -> Keyboard:
        return XTestKeyboard(self.display)

    def typed(self) -> str:
        return self.out.read_text()

    def enters(self) -> int:
        return self.keys.read_text().split().count("Return") if self.keys.exists() else 0


class TestX11WindowReader(WindowReaderContract):
    @pytest.fixture
    def rig(self, x_session: DesktopSession, tmp_path: Path) -> Iterator[X11ReaderRig]:
        rig = X11ReaderRig(x_session, tmp_path)
        try:
            yield rig
        finally:
            rig.close()


class TestX11Keyboard(KeyboardContract):
    @pytest.fixture
    def rig(self, x_session: DesktopSession, tmp_path: Path) -> Iterator[X11KeyboardRig]:
        rig = X11KeyboardRig(x_session, tmp_path)
        try:
            yield rig
        finally:
            rig.close()
