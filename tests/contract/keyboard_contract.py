"""What every Keyboard must do, whatever the OS: run against X11's XTEST for real
(tests/desktop) and against recording fakes of SendInput and Quartz events (tests/unit).
The window in front receives exactly the characters typed, Enter only when asked, and a
key that cannot be pressed presses nothing."""

from __future__ import annotations

from typing import Protocol

import pytest

from tests.contract.shortcuts_contract import wait_for
from traycodes.desktop import Keyboard
from traycodes.errors import TrayCodesError
from traycodes.keys import Hotkey


class KeyboardRig(Protocol):
    """The platform under test: its keyboard, and a window with a text field in front."""

    def make(self) -> Keyboard: ...

    def open_window(self, title: str) -> object:
        """A window with an empty text field comes to front, the field focused (what it
        returns is not used)."""
        ...

    def typed(self) -> str:
        """What the field in front holds."""
        ...

    def enters(self) -> int:
        """How many times Enter reached the window in front."""
        ...


class KeyboardContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> KeyboardRig:
        raise NotImplementedError

    def test_type_puts_exactly_these_characters_into_the_window_in_front(
        self, rig: KeyboardRig
    ) -> None:
        rig.open_window("Contract – digits")
        keyboard = rig.make()
        keyboard.type("042917")
        wait_for(lambda: rig.typed() == "042917", "the digits")
        keyboard.type(" 2B4CF")  # Steam's letters, upper case, after a space
        wait_for(lambda: rig.typed() == "042917 2B4CF", "the letters")
        assert rig.enters() == 0

    def test_enter_follows_the_code_only_when_asked(self, rig: KeyboardRig) -> None:
        rig.open_window("Contract – enter")
        keyboard = rig.make()
        keyboard.type("1234", enter=True)
        wait_for(lambda: rig.enters() == 1, "Enter")
        assert rig.typed() == "1234"
        keyboard.type("5")
        wait_for(lambda: rig.typed() == "12345", "the next key")
        assert rig.enters() == 1

    def test_press_holds_the_modifiers_for_the_key(self, rig: KeyboardRig) -> None:
        rig.open_window("Contract – press")
        keyboard = rig.make()
        keyboard.press(Hotkey.parse("<shift>+a"))
        wait_for(lambda: rig.typed() == "A", "Shift+A")
        keyboard.press(Hotkey.of_names(["b"]))
        wait_for(lambda: rig.typed() == "Ab", "B alone: Shift was let go")

    def test_a_key_that_cannot_be_pressed_presses_nothing(self, rig: KeyboardRig) -> None:
        rig.open_window("Contract – refused")
        keyboard = rig.make()
        with pytest.raises(TrayCodesError):
            keyboard.press(Hotkey.of_names(["shift", "no_such_key"]))
        keyboard.type("7")  # a positive control: the next key arrives alone, unshifted
        wait_for(lambda: rig.typed() == "7", "the key after the refusal")
