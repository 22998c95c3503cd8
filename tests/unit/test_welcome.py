"""The first-run window (once, remembered next to the settings) and the same steps in the
empty tray menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from traycodes.app import welcome
from traycodes.app.menu import first_steps, menu_model, texts
from traycodes.settings import Settings


class Windows:
    def __init__(self) -> None:
        self.shown: list[list[str]] = []

    def show_welcome(self, lines: list[str]) -> None:
        self.shown.append(lines)


def test_the_first_run_window_shows_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRAYCODES_CONFIG", str(tmp_path / "settings.toml"))
    windows: Any = Windows()
    settings = Settings(hotkey_type="<ctrl>+<shift>+t", hotkey_pick="")
    assert welcome.show_once(windows, settings)
    assert not welcome.show_once(windows, settings)
    (lines,) = windows.shown
    assert "Ctrl+Shift+T types the code for the window in front" in lines  # the user's keys
    assert not any("quick-pick" in line for line in lines)  # that hotkey is off
    assert any("browser extension" in line for line in lines)
    assert (tmp_path / "first-run-shown").is_file()


def test_the_empty_menu_says_what_to_do_next() -> None:
    steps = first_steps("<ctrl>+<alt>+o", "<ctrl>+<alt>+p")
    lines = texts(menu_model([], 0, 15, steps))
    assert lines[: 1 + len(steps)] == ["No accounts yet", *steps]
    assert "Ctrl+Alt+P opens quick-pick" in steps
    entries = menu_model([], 0, 15, steps)
    assert not any(e.enabled for e in entries[1 : 1 + len(steps)])  # labels, not actions
