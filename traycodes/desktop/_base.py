"""What the desktop facade and its per-OS modules share (they import this, never the
facade, so that no module imports its own package back)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..errors import TrayCodesError
from ..model import Window

APP_ID = "io.github.traycodes"


class DesktopError(TrayCodesError):
    """The desktop refused (a registry, a D-Bus call, a file in the user's config)."""

    exit_code = 5


def process_name(pid: int) -> str:
    """A process's name where ``/proc`` tells it (``/proc/PID/comm``: Linux); '' when it
    cannot be read (no such process, no ``/proc``)."""
    if pid <= 0:
        return ""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def wait_until_active(
    active_window: Callable[[], Window | None], window_id: str, timeout: float
) -> bool:
    """Whether ``window_id`` comes to front within ``timeout`` (after asking for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = active_window()
        if active is not None and active.id == window_id:
            return True
        time.sleep(0.02)
    return False
