"""What the desktop facade and its per-OS modules share (they import this, never the
facade, so that no module imports its own package back)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..errors import TrayCodesError

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:  # the IPC client (traycodes type) imports this module: kept light
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


class IpcListener(Protocol):
    """The app's end of its IPC, claimed by :meth:`IpcTransport.listen`."""

    def serve_one(self, answer: Callable[[bytes], bytes]) -> bool:
        """Wait for one client of this user (another user's is refused unanswered), read
        its request (bounded) and send ``answer(request)``. False once closed. Raises what
        one bad request raised (the caller serves on)."""
        ...

    def close(self) -> None:
        """Stop serving (a waiting :meth:`serve_one` returns) and remove the endpoint."""
        ...


class IpcTransport(Protocol):
    """Where the app and its clients meet, for this user alone: a Unix socket in a private
    folder (peers' uids checked) or a Windows named pipe (the user's DACL, the peer's SID
    checked). Bytes only: the wire format is traycodes.ipc's."""

    @property
    def where(self) -> str:
        """The socket's path or the pipe's name, for messages."""
        ...

    def exchange(self, message: bytes, timeout: float) -> bytes:
        """Send one request, return the reply (b"" when none came). Raises NotRunning
        when no app listens, NotOurs (nothing sent) when another user's process does."""
        ...

    def listen(self, limit: int) -> IpcListener:
        """Claim the endpoint for the app (requests longer than ``limit`` are dropped);
        AlreadyRunning when another app holds it."""
        ...
