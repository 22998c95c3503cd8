"""Linux, macOS: the app's IPC over a Unix socket, for its user alone.

The socket lives in ``$XDG_RUNTIME_DIR`` when that folder is private to the user, else in a
private ``ipc`` folder in the user's state folder (never followed through a link), mode
0600; each end checks the other's uid (``SO_PEERCRED``, ``LOCAL_PEERCRED``) before
anything is said. A socket left by an app that died is replaced; the app's removes it when
it stops. One request each way, a line each.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import AlreadyRunning, NotOurs, NotRunning, TrayCodesError
from ..i18n import _

assert sys.platform != "win32"  # mypy: Unix alone (Windows' platform has the pipe)

REQUEST_SECONDS = 5.0  # for a whole request to arrive
MAX_SOCKET_PATH = 100  # bytes: sun_path holds 108 on Linux, 104 on macOS, with its NUL


def socket_path() -> Path:
    """Where the app listens: ``$XDG_RUNTIME_DIR`` when that folder is private to the user,
    else an ``ipc`` folder in the user's own state folder (other users cannot create it
    first, as they could ``/tmp/traycodes-UID``; a state folder others can write in is
    refused); when that path is too long for a socket,
    a folder of a random name in the temp folder, its name recorded in the state folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and private_folder(Path(runtime)):
        return Path(runtime) / "traycodes.sock"
    from ..vault import make_private_folder, state_folder

    state = state_folder()
    if not _closed_to_others(state):  # what is in it (ipc, ipc-folder) could be anyone's
        raise TrayCodesError(
            f"{state} is open to other users (or not yours): make it yours alone "
            "(chmod 700) so that traycodes can meet its app there"
        )
    folder = state / "ipc"
    if len(os.fsencode(folder / "traycodes.sock")) > MAX_SOCKET_PATH:
        folder = _recorded_temp_folder(state_folder())
    make_private_folder(folder)
    if not private_folder(folder):
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
    if recorded is not None and recorded.is_absolute() and private_folder(recorded):
        return recorded
    made = Path(tempfile.mkdtemp(prefix="traycodes-"))  # 0700, a name no one chose before
    make_private_folder(state)
    atomic_write(record, os.fsencode(made))
    return made


def _closed_to_others(folder: Path) -> bool:
    """A folder no one else can write in (readable, or writable by the user's own primary
    group, as umask 002 leaves it where each user has a group of their own), or none yet
    (made 0700)."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    owned = info.st_uid == os.getuid()
    group_writes = info.st_mode & 0o020 and info.st_gid != os.getgid()
    return stat.S_ISDIR(info.st_mode) and owned and not (info.st_mode & 0o002 or group_writes)


def private_folder(folder: Path) -> bool:
    """A folder itself (not a link to one), owned by this user, closed to everyone else."""
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


def same_user(uid: int | None) -> bool:
    """A peer of this user (or one whose user the platform cannot tell)."""
    return uid is None or uid == os.getuid()


class SocketTransport:
    """:class:`~traycodes.desktop.IpcTransport` over a Unix socket at ``path`` (None: the
    :func:`socket_path` of the moment)."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path

    @property
    def path(self) -> Path:
        return self._path if self._path is not None else socket_path()

    @property
    def where(self) -> str:
        return str(self.path)

    def exchange(self, message: bytes, timeout: float) -> bytes:
        path = self.path
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            try:
                client.connect(str(path))
            except (FileNotFoundError, ConnectionRefusedError):
                raise NotRunning(_("traycodes is not running")) from None
            if not same_user(peer_uid(client)):  # nothing is sent to it
                raise NotOurs(f"{path} is served by another user's process; nothing was sent")
            client.sendall(message)
            data = b""
            while not data.endswith(b"\n"):
                chunk = client.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data

    def listen(self, limit: int) -> SocketListener:
        import fcntl

        path = self.path
        # Held as long as the app serves: of two apps started at once, one alone goes on.
        lock = os.open(path.with_name("traycodes.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            raise AlreadyRunning("traycodes is already running") from None
        path.unlink(missing_ok=True)  # left by an app that died (the caller asked it first)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # created 0600: no window in which others could connect
        try:
            server.bind(str(path))
        except OSError:
            server.close()
            os.close(lock)
            raise AlreadyRunning("traycodes is already running") from None
        finally:
            os.umask(old_mask)
        server.listen(8)
        return SocketListener(server, path, limit, lock)


class SocketListener:
    """The app's end: one connection at a time, this user's alone."""

    def __init__(self, server: socket.socket, path: Path, limit: int, lock: int = -1) -> None:
        self.server, self.path, self.limit, self.lock = server, path, limit, lock

    def serve_one(self, answer: Callable[[bytes], bytes]) -> bool:
        try:
            connection, _ = self.server.accept()
        except OSError:
            return False  # closed by close()
        with connection:
            try:
                uid = peer_uid(connection)
            except OSError:
                uid = -1
            if not same_user(uid):
                import logging  # the server's alone: the client (traycodes type) stays light

                logging.getLogger(__name__).warning(
                    "refused an IPC connection from another user (uid %s)", uid
                )
                return True
            data, deadline = b"", time.monotonic() + REQUEST_SECONDS
            while not data.endswith(b"\n") and len(data) < self.limit:
                left = deadline - time.monotonic()  # for the whole request, not each piece:
                if left <= 0:  # a client that trickles a byte at a time holds no one up
                    break
                connection.settimeout(left)
                try:
                    chunk = connection.recv(4096)
                except TimeoutError:  # what came so far is answered (as malformed)
                    break
                if not chunk:
                    break
                data += chunk
            connection.settimeout(REQUEST_SECONDS)  # and as long for the answer to go
            connection.sendall(answer(data))
        return True

    def close(self) -> None:
        with contextlib.suppress(OSError):  # wakes the accept() serve_one waits in
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.path.unlink(missing_ok=True)
        if self.lock >= 0:  # the next app's, once the socket is gone
            lock, self.lock = self.lock, -1
            os.close(lock)
