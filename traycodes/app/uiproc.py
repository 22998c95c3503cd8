"""The windows in a child process: the tray process keeps the vault, the child draws.

macOS needs it: pystray's NSApplication loop owns the main thread of the tray process, and
Tk wants the main thread of its own. ``TRAYCODES_UI_PROCESS=child`` uses it on Linux too
(the desktop tests run both ways).

- The two processes talk over a socket pair made at start, the child's end inherited as
  a file descriptor: no name in the file system, nothing another process could connect
  to. Messages are the IPC's JSON objects, each behind a 4-byte length.
- What crosses: what a window shows (names, codes, the rows of a search) and what the
  user typed into one (a password, a setup key, a link, an import's accounts). The
  vault's key, its file and its records never do: the child has no vault.
- The tray process never waits for the child (its loop would stall behind a window); the
  child waits for the tray process's answers (rows for a search, where an entry goes).
  Only the IPC thread's ``state`` asks the child and waits, off the app's loop.
- The child ends when its end of the socket closes: when the tray process exits, however
  it exits. A child that died is started again for the next window.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import TrayCodesError, quietly
from ..i18n import _
from .clipboard import Clipboard
from .crossing import CONTROLLER_CALLS, WINDOW_CALLS, Channel, Forward, serve
from .host import WindowsController

log = logging.getLogger(__name__)


# -- the tray process's side ------------------------------------------------------------


class _ChildClipboard:
    """X11: the child's Tk root owns the clipboard, so the child copies and clears."""

    def __init__(self, windows: ChildWindows) -> None:
        self.windows = windows

    def copy(self, text: str) -> None:
        self.windows.send("clipboard_copy", {"text": text}, False)

    def clear_if_holding(self, text: str) -> bool:
        self.windows.send("clipboard_clear", {"text": text}, False)
        return True  # the child clears only while the clipboard still holds it


class ChildWindows(Forward):
    """The :class:`~traycodes.app.host.WindowHost` the app sees; the windows are in a
    child process started on the first window (and again if it died). Each window call of
    the Protocol is sent to it as it is declared there (app/crossing.py)."""

    QUIET = ("close_secret_windows", "records_changed")  # start no child to say these

    def __init__(
        self, controller: WindowsController, post: Callable[[Callable[[], None]], None]
    ) -> None:
        super().__init__(WINDOW_CALLS, self.send)
        self.app = controller
        self.post = post
        self.channel: Channel | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._clipboard: Clipboard | None = None

    @property
    def clipboard(self) -> Clipboard:
        if self._clipboard is None:
            from .. import desktop
            from .clipboard import TokenClipboard

            make = desktop.present(desktop.platform().clipboard)  # Windows, macOS: any
            self._clipboard = (  # process can; X11: the child's Tk root owns it
                TokenClipboard(make()) if make is not None else _ChildClipboard(self)
            )
        return self._clipboard

    def send(self, method: str, args: dict[str, Any], answered: bool) -> None:
        """Tell the child (the tray process never waits for it: see the module)."""
        if method in self.QUIET:
            if self.channel is not None:
                self.channel.tell(method, args)
            return
        self._child().tell(method, args)

    def _child(self) -> Channel:
        with self._lock:
            alive = self.process is not None and self.process.poll() is None
            if self.channel is not None and alive:
                return self.channel
            if self.process is not None and alive:  # its socket closed: it is on its way out
                self.process.kill()
                self.process.wait(5)
            ours, theirs = socket.socketpair()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "traycodes.app.uiproc", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
            theirs.close()
            channel = self.channel = Channel(ours)
            threading.Thread(
                target=self._listen, args=(channel,), name="ui-child", daemon=True
            ).start()
            return channel

    def _listen(self, channel: Channel) -> None:
        """(its own thread) the child's requests, answered on the app's loop."""
        while True:
            try:
                message = channel.receive()
            except (TrayCodesError, ValueError) as exc:
                log.warning("the window process said something malformed: %s", exc)
                break
            if message is None:
                break
            if channel.answered(message):
                continue
            self.post(lambda m=message: channel.reply(m, lambda: self._serve(m)))  # type: ignore[misc]
        channel.fail_waiting()
        with self._lock:
            if self.channel is channel:  # the child has gone: the next window starts one
                self.channel = None
        channel.sock.close()

    def _serve(self, message: dict[str, Any]) -> Any:
        """A call of the windows' controller, answered by the app."""
        return serve(CONTROLLER_CALLS, self.app, str(message.get("method")), message.get("args"))

    def snapshot(self) -> dict[str, Any]:
        """(IPC thread) what the child's windows show; waits for the child, never on the
        app's loop."""
        channel = self.channel
        if channel is None:
            return {}
        try:
            result = channel.ask("snapshot", timeout=10)
        except (TrayCodesError, TimeoutError):  # gone, or busy: no window to report
            return {}
        return dict(result) if isinstance(result, dict) else {}

    def close(self) -> None:
        """Close our end: the child sees it and ends."""
        with self._lock:
            channel, self.channel = self.channel, None
            process = self.process
        if channel is not None:
            with contextlib.suppress(OSError):
                channel.sock.shutdown(socket.SHUT_RDWR)
            channel.sock.close()
        if process is not None:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


# -- the child's side ---------------------------------------------------------------------


class _Controller(Forward):
    """The :class:`~traycodes.app.host.WindowsController` the child's windows see: each
    call a request to the tray process (waited for where it answers)."""

    def __init__(self, channel: Channel) -> None:
        super().__init__(CONTROLLER_CALLS, self._send_call)
        self.channel = channel
        self._offset: tuple[float, float] | None = None  # (asked at, app clock - ours)

    def _send_call(self, method: str, args: dict[str, Any], answered: bool) -> Any:
        if answered:
            return self.channel.ask(method, args)
        self.channel.tell(method, args)
        return None

    def now(self) -> float:
        """The app's clock (it has the ``clock_offset`` setting): asked now and then, not
        on every tick of a window's countdown."""
        here = time.time()
        if self._offset is None or here - self._offset[0] > 5:
            try:
                self._offset = (here, float(self.channel.ask("now")) - here)
            except TrayCodesError:  # the tray process is going: this window goes with it
                return here + (self._offset[1] if self._offset else 0.0)
        return here + self._offset[1]


def child_main(fd: int) -> int:
    """The window process: Tk on its main thread, the tray process on the socket."""
    import signal

    from .loop import TkLoop
    from .windows import TkWindows

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the tray process
    # the windows speak the tray's language: on Windows and macOS the OS's UI language where
    # the environment names none (this process does not start through the CLI)
    from .. import desktop
    from ..i18n import set_platform_languages

    set_platform_languages(desktop.ui_languages)
    channel = Channel(socket.socket(fileno=fd))
    loop = TkLoop()
    windows = TkWindows(loop.root_window, _Controller(channel), loop.post)
    clipboard = {"clipboard_copy": "copy", "clipboard_clear": "clear_if_holding"}

    def answer(message: dict[str, Any]) -> Any:
        method, args = str(message.get("method")), message.get("args")
        if method in clipboard and isinstance(args, dict):
            return getattr(windows.clipboard, clipboard[method])(str(args.get("text")))
        return serve(WINDOW_CALLS, windows, method, args)

    def listen() -> None:
        while True:
            try:
                message = channel.receive()
            except (TrayCodesError, ValueError):
                message = None
            if message is None:
                break
            if not channel.answered(message):
                loop.post(lambda m=message: channel.reply(m, lambda: answer(m)))  # type: ignore[misc]
        channel.fail_waiting()
        loop.post(loop.quit)  # the tray process has gone: so do we
        # ...even from inside a modal dialog's own loop (a file chooser), which a quit of
        # the main loop does not end: the windows hold nothing worth saving.
        time.sleep(3)
        os._exit(0)

    threading.Thread(target=listen, name="tray-process", daemon=True).start()
    try:
        loop.run()
    finally:
        with quietly(log, "closing the windows"):
            windows.close()
        loop.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit(_("traycodes: this is the window process of the tray app; run 'traycodes'"))
    from .logs import setup_logging

    setup_logging()
    sys.exit(child_main(int(sys.argv[1])))
