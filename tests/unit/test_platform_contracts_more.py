"""The Clipboard contract on Windows and macOS (over recording fakes of the Win32
clipboard calls and of NSPasteboard) and the FolderWatcher contract on inotify, for real."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.contract import darwin_fake, win32_fake
from tests.contract.clipboard_contract import ClipboardContract, ClipboardRig
from tests.contract.folder_watcher_contract import FolderWatcherContract, FolderWatcherRig
from traycodes.desktop import Clipboard, FolderWatcher
from traycodes.desktop._darwin import CONCEALED_TYPE, PasteboardClipboard
from traycodes.desktop._inotify import FolderWatcher as InotifyWatcher
from traycodes.desktop._win32 import EXCLUDE_FORMATS, Win32Api, Win32Clipboard


class Win32ClipboardRig:
    def __init__(self) -> None:
        self.system = win32_fake.FakeWindows()

    def make(self) -> Clipboard:
        return Win32Clipboard(Win32Api(load=self.system.load))

    def current(self) -> str:
        return self.system.clipboard_text()

    def another_program_copies(self, text: str) -> None:
        self.system.another_program_copies(text)


class PasteboardRig:
    def __init__(self) -> None:
        self.pasteboard = darwin_fake.FakePasteboard()

    def make(self) -> Clipboard:
        return PasteboardClipboard(self.pasteboard)

    def current(self) -> str:
        return self.pasteboard.text()

    def another_program_copies(self, text: str) -> None:
        self.pasteboard.another_program_copies(text)


class InotifyRig:
    def make(self, folder: Path, on_change: Callable[[set[str]], None]) -> FolderWatcher:
        return InotifyWatcher(folder, on_change)


class TestWin32Clipboard(ClipboardContract):
    @pytest.fixture
    def rig(self) -> Win32ClipboardRig:
        return Win32ClipboardRig()


class TestPasteboardClipboard(ClipboardContract):
    @pytest.fixture
    def rig(self) -> PasteboardRig:
        return PasteboardRig()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
class TestInotifyFolderWatcher(FolderWatcherContract):
    @pytest.fixture
    def rig(self) -> InotifyRig:
        return InotifyRig()


def test_windows_marks_the_code_for_history_and_cloud_to_skip() -> None:
    rig = Win32ClipboardRig()
    rig.make().set_text("042917")
    marked = {rig.system.clipboard_formats[name] for name in EXCLUDE_FORMATS}
    assert marked <= set(rig.system.clipboard) and rig.system.memory == {}  # nothing leaked


def test_macos_marks_the_code_concealed() -> None:
    rig = PasteboardRig()
    rig.make().set_text("042917")
    assert rig.pasteboard.strings[CONCEALED_TYPE] == "042917"


def test_the_rigs_are_what_the_contracts_ask_for() -> None:
    """mypy checks these assignments: each rig satisfies its contract's Protocol."""
    clipboards: list[ClipboardRig] = [Win32ClipboardRig(), PasteboardRig()]
    watchers: list[FolderWatcherRig] = [InotifyRig()]
    assert len(clipboards) + len(watchers) == 3
