"""What every FolderWatcher must do: report the names of files written, replaced by rename
(how a phone's sync app and traycodes itself save) and removed in its folder. Run against
inotify for real (tests/unit); Windows and macOS have no watcher (the app looks at each
refresh: desktop.platform() says so)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest

from tests.contract.shortcuts_contract import wait_for
from traycodes.desktop import FolderWatcher


class FolderWatcherRig(Protocol):
    def make(self, folder: Path, on_change: Callable[[set[str]], None]) -> FolderWatcher: ...


class Heard:
    def __init__(self) -> None:
        self.names: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, names: set[str]) -> None:
        with self._lock:
            self.names |= names

    def has(self, name: str) -> Callable[[], bool]:
        return lambda: name in self.names


class FolderWatcherContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> FolderWatcherRig:
        raise NotImplementedError

    def watch(self, rig: FolderWatcherRig, folder: Path, heard: Heard) -> FolderWatcher:
        watcher = rig.make(folder, heard)
        assert watcher.start()
        return watcher

    def test_a_file_written_is_reported(self, rig: FolderWatcherRig, tmp_path: Path) -> None:
        heard = Heard()
        watcher = self.watch(rig, tmp_path, heard)
        try:
            (tmp_path / "aegis-backup.json").write_text("{}")
            wait_for(heard.has("aegis-backup.json"), "the written file")
        finally:
            watcher.stop()

    def test_a_file_replaced_by_rename_is_reported(
        self, rig: FolderWatcherRig, tmp_path: Path
    ) -> None:
        (tmp_path / "vault.tcv").write_text("old")
        heard = Heard()
        watcher = self.watch(rig, tmp_path, heard)
        try:
            staged = tmp_path.parent / f"{tmp_path.name}-staged"
            staged.write_text("new")  # written elsewhere: only the rename happens here
            os.replace(staged, tmp_path / "vault.tcv")
            wait_for(heard.has("vault.tcv"), "the file replaced by rename")
        finally:
            watcher.stop()

    def test_a_file_removed_is_reported(self, rig: FolderWatcherRig, tmp_path: Path) -> None:
        (tmp_path / "old-backup.json").write_text("{}")
        heard = Heard()
        watcher = self.watch(rig, tmp_path, heard)
        try:
            (tmp_path / "old-backup.json").unlink()
            wait_for(heard.has("old-backup.json"), "the removed file")
        finally:
            watcher.stop()

    def test_stop_twice_is_quiet(self, rig: FolderWatcherRig, tmp_path: Path) -> None:
        watcher = self.watch(rig, tmp_path, Heard())
        watcher.stop()
        watcher.stop()
