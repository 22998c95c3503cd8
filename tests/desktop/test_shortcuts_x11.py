"""The GlobalShortcuts contract on a real X server: grabs on the root window, pressed with
xdotool (XTEST, as a keyboard would), another program's grab made on a connection of its
own; and the grab works whatever locks are on."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.contract.shortcuts_contract import TYPE, GlobalShortcutsContract, wait_for
from tests.desktop.session import DesktopSession, desktop_session
from traycodes.desktop._x11_keys import X11Shortcuts

pytestmark = pytest.mark.desktop
XDOTOOL = {"<ctrl>+<alt>+o": "ctrl+alt+o", "<ctrl>+<alt>+p": "ctrl+alt+p"}
XDOTOOL["<ctrl>+<alt>+k"] = "ctrl+alt+k"


@pytest.fixture(scope="module")
def bare_x() -> Iterator[DesktopSession]:
    """An X server alone: nothing else holds a key."""
    with desktop_session(x=True, keyring=False, window_manager=False) as session:
        yield session


class X11Rig:
    def __init__(self, session: DesktopSession) -> None:
        self.session = session
        self.display = session.env["DISPLAY"]

    def make(self, bindings: dict[str, Callable[[], None]]) -> Any:
        return X11Shortcuts(bindings, display_name=self.display)

    def press(self, hotkey: str) -> None:
        subprocess.run(["xdotool", "key", XDOTOOL[hotkey]], env=self.session.full_env(), check=True)

    def take(self, hotkey: str) -> Callable[[], None]:
        other = X11Shortcuts({hotkey: lambda: None}, display_name=self.display)
        assert other.start() == []
        return other.stop


class TestX11Shortcuts(GlobalShortcutsContract):
    @pytest.fixture
    def rig(self, bare_x: DesktopSession) -> X11Rig:
        return X11Rig(bare_x)


@pytest.mark.parametrize("locks", [["Num_Lock"], ["Caps_Lock"], ["Num_Lock", "Caps_Lock"]])
def test_the_hotkey_works_whatever_locks_are_on(bare_x: DesktopSession, locks: list[str]) -> None:
    rig = X11Rig(bare_x)
    heard: list[str] = []
    shortcuts = rig.make({TYPE: lambda: heard.append("type")})
    assert shortcuts.start() == []
    toggle = ["xdotool", "key", *locks]
    try:
        rig.press(TYPE)  # positive control: no lock on
        wait_for(lambda: heard == ["type"], "the hotkey without locks")
        subprocess.run(toggle, env=bare_x.full_env(), check=True)
        rig.press(TYPE)
        wait_for(lambda: heard == ["type", "type"], f"the hotkey with {' and '.join(locks)} on")
    finally:
        subprocess.run(toggle, env=bare_x.full_env(), check=True)  # off again
        shortcuts.stop()
