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

import base64
import contextlib
import dataclasses
import itertools
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..errors import TrayCodesError
from ..model import Algorithm, Entry, OtpParams, OtpType
from ..settings import Settings
from ..ui.enrolform import Target
from ..ui.rows import Row
from .clipboard import Clipboard

log = logging.getLogger(__name__)
MAX_MESSAGE = 16 * 1024 * 1024  # an import's accounts fit many times over


class Channel:
    """Length-prefixed JSON objects over a connected socket; send from any thread."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._waiting: dict[int, Future[Any]] = {}

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message, separators=(",", ":")).encode()
        with self._send_lock:
            self.sock.sendall(struct.pack(">I", len(data)) + data)

    def receive(self) -> dict[str, Any] | None:
        """The next message; None when the other end has gone."""
        head = self._exactly(4)
        if head is None:
            return None
        (size,) = struct.unpack(">I", head)
        if size > MAX_MESSAGE:
            raise TrayCodesError("a message from the other traycodes process is too large")
        body = self._exactly(size)
        if body is None:
            return None
        message = json.loads(body)
        if not isinstance(message, dict):
            raise TrayCodesError("a malformed message from the other traycodes process")
        return message

    def _exactly(self, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            try:
                chunk = self.sock.recv(size - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data

    def ask(self, method: str, *args: Any, timeout: float | None = 30.0) -> Any:
        """Send a request and wait for its answer (raises what the other side raised)."""
        number = next(self._ids)
        future: Future[Any] = Future()
        self._waiting[number] = future
        try:
            try:
                self.send({"id": number, "method": method, "args": list(args)})
            except OSError:
                raise TrayCodesError("the other traycodes process has gone") from None
            return future.result(timeout)
        finally:
            self._waiting.pop(number, None)

    def tell(self, method: str, *args: Any) -> None:
        """Send a request that needs no answer."""
        with contextlib.suppress(OSError):
            self.send({"method": method, "args": list(args)})

    def answered(self, message: dict[str, Any]) -> bool:
        """If ``message`` answers one of our requests: hand it over, True."""
        if "reply" not in message:
            return False
        future = self._waiting.get(int(message["reply"]))
        if future is not None:
            if "error" in message:
                future.set_exception(TrayCodesError(str(message["error"])))
            else:
                future.set_result(message.get("result"))
        return True

    def reply(self, message: dict[str, Any], work: Callable[[], Any]) -> None:
        """Run ``work`` for a request; answer it when it wants an answer."""
        try:
            result = work()
        except TrayCodesError as exc:
            answer: dict[str, Any] = {"error": str(exc)}
        except Exception as exc:  # a bug: one line to the other side, the traceback logged
            log.exception("a request from the other traycodes process failed")
            answer = {"error": f"traycodes failed ({type(exc).__name__})"}
        else:
            answer = {"result": result}
        if "id" in message:
            with contextlib.suppress(OSError):
                self.send({"reply": message["id"], **answer})

    def fail_waiting(self) -> None:
        for future in list(self._waiting.values()):
            if not future.done():
                future.set_exception(TrayCodesError("the other traycodes process has gone"))


# -- what crosses: plain data both ways ---------------------------------------------------


def entry_to_json(entry: Entry) -> dict[str, Any]:
    otp = entry.otp
    return {
        "otp": {
            "secret": base64.b64encode(otp.secret).decode(),
            "type": otp.type.value,
            "algorithm": otp.algorithm.value,
            "digits": otp.digits,
            "period": otp.period,
            "counter": otp.counter,
        },
        "issuer": entry.issuer,
        "account": entry.account,
        "websites": list(entry.websites),
        "note": entry.note,
        "tags": list(entry.tags),
        "favorite": entry.favorite,
    }


def entry_from_json(data: dict[str, Any]) -> Entry:
    """The model's own checks apply (InvalidInput when something is off)."""
    otp = data["otp"]
    return Entry(
        otp=OtpParams(
            base64.b64decode(otp["secret"], validate=True),
            OtpType(otp["type"]),
            Algorithm(otp["algorithm"]),
            int(otp["digits"]),
            int(otp["period"]),
            int(otp["counter"]),
        ),
        issuer=str(data["issuer"]),
        account=str(data["account"]),
        websites=tuple(data["websites"]),
        note=str(data["note"]),
        tags=tuple(data["tags"]),
        favorite=bool(data["favorite"]),
    )


def settings_to_json(settings: Settings) -> dict[str, Any]:
    values = dataclasses.asdict(settings)
    values.pop("problems", None)
    return values


# -- the tray process's side ------------------------------------------------------------


class _ChildClipboard:
    """X11: the child's Tk root owns the clipboard, so the child copies and clears."""

    def __init__(self, windows: ChildWindows) -> None:
        self.windows = windows

    def copy(self, text: str) -> None:
        self.windows.tell("clipboard_copy", text)

    def clear_if_holding(self, text: str) -> bool:
        self.windows.tell("clipboard_clear", text)
        return True  # the child clears only while the clipboard still holds it


class ChildWindows:
    """The :class:`~traycodes.app.windows.WindowHost` the app sees; the windows are in a
    child process started on the first window (and again if it died)."""

    def __init__(self, controller: Any, post: Callable[[Callable[[], None]], None]) -> None:
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

            adapter = desktop.clipboard_adapter()  # Windows, macOS: any process can
            self._clipboard = (
                TokenClipboard(adapter) if adapter is not None else _ChildClipboard(self)
            )
        return self._clipboard

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
        method, args = str(message.get("method")), message.get("args") or []
        app = self.app
        if method == "now":
            return app.now()
        if method == "rows":
            return [row.to_json() for row in app.rows(str(args[0]))]
        if method == "propose":
            targets = app.propose(entry_from_json(args[0]))
            return [dataclasses.asdict(target) for target in targets]
        if method == "save_enrolment":
            return app.save_enrolment([(entry_from_json(e), t) for e, t in args[0]])
        if method == "import_entries":
            return app.import_entries([entry_from_json(e) for e in args[0]])
        if method == "save_settings":
            return app.save_settings(dict(args[0]))
        if method == "copy":
            return app.copy(str(args[0]))
        if method == "chooser_picked":
            return app.chooser_picked(str(args[0]), bool(args[1]))
        if method == "submit_password":
            return app.submit_password(str(args[0]), bool(args[1]))
        if method == "password_later":
            return app.password_later()
        if method == "notify":
            return app.notify(str(args[0]), str(args[1]))
        if method == "touch":
            return app.touch()
        if method == "menu_chosen":
            return app.menu_chosen(str(args[0]))
        raise TrayCodesError(f"unknown request {method!r}")

    def tell(self, method: str, *args: Any) -> None:
        self._child().tell(method, *args)

    def show_password(self, *, create: bool, vault: str, reminder: int = 0) -> None:
        self.tell("show_password", create, vault, reminder)

    def password_result(self, problem: str | None) -> None:
        self.tell("password_result", problem)

    def show_quickpick(self, *, add: bool = False) -> None:
        self.tell("show_quickpick", add)

    def show_chooser(self, heading: str, fitting: list[str], *, offer_remember: bool) -> None:
        self.tell("show_chooser", heading, fitting, offer_remember)

    def show_enrol(self, link: str, origin: str) -> None:
        self.tell("show_enrol", link, origin)

    def show_settings(self, settings: Settings) -> None:
        self.tell("show_settings", settings_to_json(settings))

    def show_import(self) -> None:
        self.tell("show_import")

    def show_error(self, message: str) -> None:
        self.tell("show_error", message)

    def show_welcome(self, lines: list[str]) -> None:
        self.tell("show_welcome", lines)

    def show_menu(self, items: list[dict[str, Any]], x: int, y: int) -> None:
        self.tell("show_menu", items, x, y)

    def close_secret_windows(self) -> None:
        if self.channel is not None:
            self.channel.tell("close_secret_windows")

    def records_changed(self) -> None:
        if self.channel is not None:
            self.channel.tell("records_changed")

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


class _Controller:
    """The :class:`~traycodes.app.windows.WindowsController` the child's windows see: each
    call a request to the tray process."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._offset: tuple[float, float] | None = None  # (asked at, app clock - ours)

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

    def rows(self, query: str) -> list[Row]:
        return [Row.from_json(row) for row in self.channel.ask("rows", query)]

    def propose(self, entry: Entry) -> list[Target]:
        return [Target(**target) for target in self.channel.ask("propose", entry_to_json(entry))]

    def save_enrolment(self, pairs: list[tuple[Entry, str | None]]) -> str:
        sent = [[entry_to_json(entry), target] for entry, target in pairs]
        return str(self.channel.ask("save_enrolment", sent))

    def import_entries(self, entries: list[Entry]) -> list[str]:
        said = self.channel.ask("import_entries", [entry_to_json(e) for e in entries])
        return [str(line) for line in said]

    def save_settings(self, values: dict[str, object]) -> list[str]:
        return [str(problem) for problem in self.channel.ask("save_settings", values)]

    def copy(self, record_id: str) -> None:
        self.channel.tell("copy", record_id)

    def chooser_picked(self, record_id: str, remember: bool) -> None:
        self.channel.tell("chooser_picked", record_id, remember)

    def submit_password(self, password: str, create: bool) -> None:
        self.channel.tell("submit_password", password, create)

    def password_later(self) -> None:
        self.channel.tell("password_later")

    def notify(self, title: str, body: str) -> None:
        self.channel.tell("notify", title, body)

    def touch(self) -> None:
        self.channel.tell("touch")

    def menu_chosen(self, key: str) -> None:
        self.channel.tell("menu_chosen", key)


def child_main(fd: int) -> int:
    """The window process: Tk on its main thread, the tray process on the socket."""
    import signal

    from .loop import TkLoop
    from .windows import TkWindows

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the tray process
    channel = Channel(socket.socket(fileno=fd))
    loop = TkLoop()
    windows = TkWindows(loop.root_window, _Controller(channel), loop.post)

    def serve(message: dict[str, Any]) -> Any:
        method, args = str(message.get("method")), message.get("args") or []
        if method == "snapshot":
            return windows.snapshot()
        if method == "show_password":
            reminder = int(args[2]) if len(args) > 2 else 0
            return windows.show_password(
                create=bool(args[0]), vault=str(args[1]), reminder=reminder
            )
        if method == "show_settings":
            return windows.show_settings(Settings(**args[0]))
        if method == "show_quickpick":
            return windows.show_quickpick(add=bool(args[0]))
        if method == "show_chooser":
            return windows.show_chooser(str(args[0]), list(args[1]), offer_remember=args[2])
        if method == "clipboard_copy":
            return windows.clipboard.copy(str(args[0]))
        if method == "clipboard_clear":
            return windows.clipboard.clear_if_holding(str(args[0]))
        plain: dict[str, Callable[..., Any]] = {
            "password_result": windows.password_result,
            "show_enrol": windows.show_enrol,
            "show_import": windows.show_import,
            "show_error": windows.show_error,
            "show_welcome": windows.show_welcome,
            "show_menu": windows.show_menu,
            "close_secret_windows": windows.close_secret_windows,
            "records_changed": windows.records_changed,
        }
        if method in plain:
            return plain[method](*args)
        raise TrayCodesError(f"unknown request {method!r}")

    def listen() -> None:
        while True:
            try:
                message = channel.receive()
            except (TrayCodesError, ValueError):
                message = None
            if message is None:
                break
            if not channel.answered(message):
                loop.post(lambda m=message: channel.reply(m, lambda: serve(m)))  # type: ignore[misc]
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
        with contextlib.suppress(Exception):
            windows.close()
        loop.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        sys.exit("traycodes: this is the window process of the tray app; run 'traycodes'")
    from .logs import setup_logging

    setup_logging()
    sys.exit(child_main(int(sys.argv[1])))
