"""What every Clipboard part must do: a code copied is there; cleared later only if nothing
else was copied since (another program's copy is never wiped). Run against recording
fakes of the Win32 clipboard calls and of NSPasteboard (tests/unit)."""

from __future__ import annotations

from typing import Protocol

import pytest

from traycodes.desktop import Clipboard


class ClipboardRig(Protocol):
    def make(self) -> Clipboard: ...

    def current(self) -> str:
        """The text on the OS clipboard ('' when empty)."""
        ...

    def another_program_copies(self, text: str) -> None: ...


class ClipboardContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> ClipboardRig:
        raise NotImplementedError

    def test_a_copied_code_is_on_the_clipboard(self, rig: ClipboardRig) -> None:
        rig.make().set_text("042917")
        assert rig.current() == "042917"

    def test_it_is_cleared_when_nothing_was_copied_since(self, rig: ClipboardRig) -> None:
        clipboard = rig.make()
        token = clipboard.set_text("042917")
        assert clipboard.clear_if_unchanged(token)
        assert rig.current() == ""

    def test_another_programs_copy_is_never_wiped(self, rig: ClipboardRig) -> None:
        clipboard = rig.make()
        token = clipboard.set_text("042917")
        rig.another_program_copies("a note")
        assert not clipboard.clear_if_unchanged(token)
        assert rig.current() == "a note"

    def test_a_second_code_replaces_the_first_and_its_token_wins(self, rig: ClipboardRig) -> None:
        clipboard = rig.make()
        first = clipboard.set_text("111111")
        second = clipboard.set_text("222222")
        assert rig.current() == "222222"
        assert not clipboard.clear_if_unchanged(first)  # the first code is gone already
        assert rig.current() == "222222"
        assert clipboard.clear_if_unchanged(second)
        assert rig.current() == ""

    def test_the_code_is_marked_for_clipboard_histories(self, rig: ClipboardRig) -> None:
        assert rig.make().marks_sensitive
