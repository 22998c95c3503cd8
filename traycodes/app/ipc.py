"""One running app per user, and a way for the CLI to talk to it, for that user alone.

Unix: a socket in ``$XDG_RUNTIME_DIR`` when that folder is private to the user, else in a
private ``ipc`` folder in the user's state folder (never followed through a link), mode
0600; each end checks the other's uid (``SO_PEERCRED``) before anything is said. Windows: a
named pipe whose name holds the user's SID, the session and a random part, created with a
DACL for that user alone and as the first instance (no squatting); the client checks the
server's user before it sends. One JSON object each way: ``{"command": "show"}`` ->
``{"ok": true, ...}``; a malformed request gets an answer and the server goes on. The
socket is removed when the app stops; one left by an app that died is replaced.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import struct
import sys
from pathlib import Path

from ..errors import TrayCodesError

# What ``traycodes type`` (run by a desktop shortcut) imports is kept small: the server's
# modules (logging, threading...) are imported where the server needs them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from typing import Any

    Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _log() -> Any:
    import logging

    return logging.getLogger(__name__)


MAX_REQUEST = 64 * 1024


class NotRunning(TrayCodesError):
    """No traycodes app is running for this user."""

    exit_code = 1


class AlreadyRunning(TrayCodesError):
    """Another traycodes app already serves this user."""

    exit_code = 0


MAX_SOCKET_PATH = 100  # bytes: sun_path holds 108 on Linux, 104 on macOS, with its NUL


def socket_path() -> Path:
    """Where the app listens: ``$XDG_RUNTIME_DIR`` when that folder is private to the user,
    else an ``ipc`` folder in the user's own state folder (other users cannot create it
    first, as they could ``/tmp/traycodes-UID``); when that path is too long for a socket,
    a folder of a random name in the temp folder, its name recorded in the state folder."""
    if sys.platform == "win32":
        raise TrayCodesError("Windows uses a named pipe, not a socket")
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if runtime and _private_folder(Path(runtime)):
            return Path(runtime) / "traycodes.sock"
        from ..vault import make_private_folder, state_folder

        folder = state_folder() / "ipc"
        if len(os.fsencode(folder / "traycodes.sock")) > MAX_SOCKET_PATH:
            folder = _recorded_temp_folder(state_folder())
        make_private_folder(folder)
        if not _private_folder(folder):
            raise TrayCodesError(
                f"{folder} is not a folder private to this user (a link, another owner, or "
                "open to others): make it yours alone (chmod 700) or remove it"
            )
        return folder / "traycodes.sock"


def _recorded_temp_folder(state: Path) -> Path:
    """A private folder of a random name in the temp folder, made once and recorded in
    ``state`` (``ipc-folder``) for the app and its clients to find."""
    import tempfile

    from ..vault import atomic_write, make_private_folder

    record = state / "ipc-folder"
    try:
        recorded = Path(record.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError, ValueError):
        recorded = None
    if recorded is not None and recorded.is_absolute() and _private_folder(recorded):
        return recorded
    made = Path(tempfile.mkdtemp(prefix="traycodes-"))  # 0700, a name no one chose before
    make_private_folder(state)
    atomic_write(record, os.fsencode(made))
    return made


def _private_folder(folder: Path) -> bool:
    """A folder itself (not a link to one), owned by this user, closed to everyone else."""
    if sys.platform == "win32":
        return False  # no Unix sockets there
    else:
        try:
            info = os.lstat(folder)
        except OSError:
            return False
        owned = info.st_uid == os.getuid()
        return stat.S_ISDIR(info.st_mode) and owned and not info.st_mode & 0o077


def peer_uid(connection: socket.socket) -> int | None:
    """The user id of the process at the other end of a Unix socket (None where the
    platform cannot say)."""
    if sys.platform.startswith("linux"):
        raw = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", raw)
        return int(uid)
    elif sys.platform == "darwin":
        local_peercred, sol_local = 0x001, 0  # struct xucred: version, uid, ...
        raw = connection.getsockopt(sol_local, local_peercred, struct.calcsize("2I"))
        return int(struct.unpack("2I", raw)[1])
    else:
        return None


def _same_user(uid: int | None) -> bool:
    """A peer of this user (or one whose user the platform cannot tell)."""
    if sys.platform == "win32":
        return True  # named pipes: see the pipe's own checks
    else:
        return uid is None or uid == os.getuid()


class NotOurs(TrayCodesError):
    """The other end of the socket is another user's process."""

    exit_code = 5


def pipe_name(pipes: Any, *, create: bool) -> tuple[str, str]:
    """Windows: the pipe's name and this user's SID. The name holds the SID, the session and
    a random part kept in this user's state folder (made by the server, read by clients),
    so another user can neither guess it nor take it first."""
    import secrets

    from ..vault import atomic_write, make_private_folder, state_folder

    sid, session = pipes.user_sid(), pipes.session_id()
    path = state_folder() / f"pipe-{session}"
    try:
        part = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        part = ""
    if create and not part.isalnum():
        part = secrets.token_hex(16)
        make_private_folder(path.parent)
        atomic_write(path, part.encode())
    if not part.isalnum():
        raise NotRunning("traycodes is not running")
    return rf"\\.\pipe\traycodes-{sid}-{session}-{part}", sid


def answer(handler: Handler, data: bytes) -> dict[str, Any]:
    """The reply to one raw request: whatever arrives (not JSON, not an object, no command,
    a handler that fails) gets an answer, and the server goes on."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested 60,000 deep
        return {"ok": False, "error": "malformed request"}
    if not isinstance(parsed, dict) or not isinstance(parsed.get("command"), str):
        return {"ok": False, "error": "malformed request"}
    try:
        return handler(parsed)
    except Exception as exc:
        _log().warning("an IPC command failed: %s", type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__}


def request(command: str, *, timeout: float = 10.0, **fields: Any) -> dict[str, Any]:
    """Send one command to the running app and return its answer."""
    message = json.dumps({"command": command, **fields}).encode() + b"\n"
    if sys.platform == "win32":  # pragma: no cover - cannot run here
        from .. import desktop

        pipes = desktop.named_pipes()
        name, sid = pipe_name(pipes, create=False)
        return request_pipe(message, pipes, name, sid)
    else:
        return _request_socket(message, timeout)


def _request_socket(message: bytes, timeout: float) -> dict[str, Any]:
    if sys.platform == "win32":
        raise TrayCodesError("Unix sockets are for Unix; Windows uses the named pipe")
    else:
        path = socket_path()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            try:
                client.connect(str(path))
            except (FileNotFoundError, ConnectionRefusedError):
                raise NotRunning("traycodes is not running") from None
            if not _same_user(peer_uid(client)):  # nothing is sent to it
                raise NotOurs(f"{path} is served by another user's process; nothing was sent")
            client.sendall(message)
            data = b""
            while not data.endswith(b"\n"):
                chunk = client.recv(65536)
                if not chunk:
                    break
                data += chunk
        if not data:
            raise NotRunning("traycodes did not answer")
        reply: dict[str, Any] = json.loads(data)
        return reply


def request_pipe(message: bytes, pipes: Any, name: str, sid: str) -> dict[str, Any]:
    """One request over a Windows named pipe (``pipes``: :class:`Win32Pipes` or a fake).
    Nothing is sent before the pipe's server is known to run as this user."""
    handle = pipes.connect(name)
    if handle is None:
        raise NotRunning("traycodes is not running")
    try:
        if pipes.peer_sid(handle, server=True) != sid:
            raise NotOurs(f"{name} is served by another user's process; nothing was sent")
        pipes.write(handle, message)
        data = pipes.read(handle, 1024 * 1024)
    except OSError:
        raise NotRunning("traycodes did not answer") from None
    finally:
        pipes.close(handle)
    reply: dict[str, Any] = json.loads(data)
    return reply


def _thread(target: Callable[[], None]) -> threading.Thread:
    import threading

    return threading.Thread(target=target, name="ipc", daemon=True)


class Server:
    """Answers requests in a thread of its own; ``handler`` gets the parsed request."""

    def __init__(self, handler: Handler) -> None:
        import threading

        self.handler = handler
        self._socket: socket.socket | None = None
        self._path: Path | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Claim the socket, or raise AlreadyRunning when another app answers on it."""
        if sys.platform == "win32":  # pragma: no cover - cannot run here
            from .. import desktop

            pipes = desktop.named_pipes()
            self.start_pipe(pipes, *pipe_name(pipes, create=True))
        else:
            self._start_socket()

    def _start_socket(self) -> None:
        if sys.platform == "win32":
            raise TrayCodesError("Unix sockets are for Unix; Windows uses the named pipe")
        else:
            path = socket_path()
            try:
                request("ping", timeout=2)
            except (NotRunning, OSError, ValueError):
                pass
            else:
                raise AlreadyRunning("traycodes is already running")
            path.unlink(missing_ok=True)  # left by an app that died
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            old_mask = os.umask(0o177)  # created 0600: no window in which others could connect
            try:
                server.bind(str(path))
            except OSError:
                server.close()
                raise AlreadyRunning("traycodes is already running") from None
            finally:
                os.umask(old_mask)
            server.listen(8)
            self._socket, self._path = server, path
            self._thread = _thread(self._serve)
            self._thread.start()

    def start_pipe(self, pipes: Any, name: str, sid: str) -> None:
        """Serve on a Windows named pipe private to the user ``sid`` (``pipes``:
        :class:`Win32Pipes`; tests run this same loop over a fake)."""
        from ..desktop import DesktopError

        try:
            handle = pipes.create(name, sid)
        except DesktopError:
            raise AlreadyRunning("traycodes is already running") from None
        self._pipe = (pipes, handle, name, sid)
        self._thread = _thread(self._serve_pipe)
        self._thread.start()

    def _serve_pipe(self) -> None:
        pipes, handle, _name, sid = self._pipe
        while not self._stopping.is_set():
            if not pipes.accept(handle):
                continue
            try:
                if self._stopping.is_set():
                    return  # the wake-up call from stop()
                if pipes.peer_sid(handle, server=False) != sid:
                    _log().warning("refused an IPC connection from another user")
                    continue
                reply = answer(self.handler, pipes.read(handle, MAX_REQUEST))
                pipes.write(handle, json.dumps(reply).encode())
            except Exception as exc:  # too long, the client went away...: serve on
                _log().info("a bad IPC request: %s", type(exc).__name__)
            finally:
                pipes.disconnect(handle)

    def _serve(self) -> None:
        assert self._socket is not None
        while not self._stopping.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return  # closed by stop()
            with connection:
                try:
                    uid = peer_uid(connection)
                except OSError:
                    uid = -1
                if not _same_user(uid):
                    _log().warning("refused an IPC connection from another user (uid %s)", uid)
                    continue
                connection.settimeout(5)
                try:
                    self._answer(connection)
                except Exception as exc:  # whatever one request does, the thread serves on
                    _log().info("a bad IPC request: %s", type(exc).__name__)

    def _answer(self, connection: socket.socket) -> None:
        data = b""
        while not data.endswith(b"\n") and len(data) < MAX_REQUEST:
            chunk = connection.recv(4096)
            if not chunk:
                break
            data += chunk
        reply = answer(self.handler, data)
        connection.sendall(json.dumps(reply).encode() + b"\n")

    def stop(self) -> None:
        """Stop answering and remove the socket."""
        self._stopping.set()
        pipe = getattr(self, "_pipe", None)
        if pipe is not None:
            pipes, handle, name, _sid = pipe
            woken = pipes.connect(name)  # wakes the accept() the serving thread waits in
            if woken is not None:
                pipes.close(woken)
            if self._thread is not None:
                self._thread.join(2)
            pipes.close(handle)
        if self._socket is not None:
            import contextlib

            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
        if self._path is not None:
            self._path.unlink(missing_ok=True)
        if self._thread is not None:
            self._thread.join(2)
