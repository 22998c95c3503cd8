"""The first-run window, once: after the app created the vault it says what to do next,
and a file next to the settings remembers that it was shown (so a second vault, or a
reinstall with the same settings folder, does not show it again)."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import describe
from ..settings import Settings, config_path
from .host import WindowHost
from .menu import first_steps

log = logging.getLogger(__name__)

MARKER = "first-run-shown"


def marker_path() -> Path:
    return config_path().parent / MARKER


def show_once(windows: WindowHost, settings: Settings) -> bool:
    """Show the first-run window unless it was shown before; True when shown."""
    marker = marker_path()
    if marker.exists():
        return False
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("The first-run window was shown; delete this to see it again.\n")
    except OSError as exc:  # shown anyway: it says nothing secret
        log.info("cannot remember the first-run window: %s", describe(exc))
    windows.show_welcome(list(steps(settings)))
    return True


def steps(settings: Settings) -> tuple[str, ...]:
    """The first steps with the user's own hotkeys."""
    return first_steps(settings.hotkey_type, settings.hotkey_pick)
