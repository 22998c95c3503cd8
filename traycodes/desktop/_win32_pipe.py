"""Windows: the named pipe the app's IPC runs on, private to the user (its DACL names the
user alone, it is created as the first instance, and each end checks the other's user).
Over :class:`._win32.Win32Api`; tests drive the IPC loop with a fake of this class."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ._base import DesktopError
from ._win32 import PROCESS_QUERY_LIMITED_INFORMATION, Win32Api

log = logging.getLogger(__name__)

# --- the IPC pipe ---------------------------------------------------------------------------

PIPE_ACCESS_DUPLEX = 0x3
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000
PIPE_TYPE_MESSAGE, PIPE_READMODE_MESSAGE, PIPE_WAIT = 0x4, 0x2, 0x0
PIPE_REJECT_REMOTE_CLIENTS = 0x8
GENERIC_READ, GENERIC_WRITE, OPEN_EXISTING = 0x80000000, 0x40000000, 3
INVALID_HANDLE_VALUE = -1
ERROR_PIPE_CONNECTED = 535
TOKEN_QUERY, TOKEN_USER_CLASS = 0x0008, 1
SDDL_REVISION_1 = 1
THREAD_TERMINATE = 0x0001  # the right CancelSynchronousIo needs
REQUEST_SECONDS = 5.0  # for a whole request to arrive, as over the Unix socket


def pipe_sddl(sid: str) -> str:
    """A security descriptor for the pipe: owned by the user, protected (no inherited
    entries), one entry granting that user alone full access."""
    return f"O:{sid}D:P(A;;GA;;;{sid})"


class Win32Pipes:  # pragma: no cover - real Windows only; the logic is tested with fakes
    """Named pipes over :class:`Win32Api`: create one private to the user, wait for a
    client, read and write one message, and tell whose process is at the other end."""

    def __init__(self, api: Any = None) -> None:
        import ctypes

        self.ctypes = ctypes
        self.api = api or Win32Api()
        self.kernel32, self.advapi32 = self.api.kernel32, self.api.advapi32

    def _sid_of_process(self, process: int) -> str | None:
        from ctypes import wintypes

        token = wintypes.HANDLE()
        if not self.advapi32.OpenProcessToken(process, TOKEN_QUERY, self.ctypes.byref(token)):
            return None
        try:
            size = wintypes.DWORD(0)
            self.advapi32.GetTokenInformation(
                token, TOKEN_USER_CLASS, None, 0, self.ctypes.byref(size)
            )
            buffer = self.ctypes.create_string_buffer(size.value or 256)
            if not self.advapi32.GetTokenInformation(
                token, TOKEN_USER_CLASS, buffer, len(buffer), self.ctypes.byref(size)
            ):
                return None
            sid_pointer = self.ctypes.cast(buffer, self.ctypes.POINTER(wintypes.LPVOID))[0]
            text = wintypes.LPWSTR()
            if not self.advapi32.ConvertSidToStringSidW(sid_pointer, self.ctypes.byref(text)):
                return None
            try:
                return str(text.value)
            finally:
                self.kernel32.LocalFree(text)
        finally:
            self.kernel32.CloseHandle(token)

    def user_sid(self) -> str:
        sid = self._sid_of_process(self.kernel32.GetCurrentProcess())
        if not sid:
            raise DesktopError("cannot read this user's SID")
        return sid

    def session_id(self) -> int:
        from ctypes import wintypes

        session = wintypes.DWORD()
        self.kernel32.ProcessIdToSessionId(
            self.kernel32.GetCurrentProcessId(), self.ctypes.byref(session)
        )
        return int(session.value)

    def create(self, name: str, sid: str) -> int:
        from ctypes import wintypes

        descriptor, size = wintypes.LPVOID(), wintypes.ULONG()
        if not self.advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(
            pipe_sddl(sid), SDDL_REVISION_1, self.ctypes.byref(descriptor), self.ctypes.byref(size)
        ):
            raise DesktopError("cannot build the pipe's security descriptor")

        class Attributes(self.ctypes.Structure):  # type: ignore[name-defined,misc]
            _fields_ = (
                ("nLength", wintypes.DWORD),
                ("lpSecurityDescriptor", wintypes.LPVOID),
                ("bInheritHandle", wintypes.BOOL),
            )

        attributes = Attributes(self.ctypes.sizeof(Attributes), descriptor, False)
        try:
            handle = self.kernel32.CreateNamedPipeW(
                name,
                PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                1,
                65536,
                65536,
                0,
                self.ctypes.byref(attributes),
            )
        finally:
            self.kernel32.LocalFree(descriptor)
        if handle in (None, 0, INVALID_HANDLE_VALUE) or handle == 2**64 - 1:
            raise DesktopError("the pipe exists already (another traycodes, or a squatter)")
        return int(handle)

    def accept(self, handle: int) -> bool:
        ok = self.kernel32.ConnectNamedPipe(handle, None)
        last_error = getattr(self.ctypes, "get_last_error")  # noqa: B009 - Windows only
        return bool(ok) or last_error() == ERROR_PIPE_CONNECTED

    def connect(self, name: str) -> int | None:
        from ctypes import wintypes

        handle = self.kernel32.CreateFileW(
            name, GENERIC_READ | GENERIC_WRITE, 0, None, OPEN_EXISTING, 0, None
        )
        if handle in (None, 0, INVALID_HANDLE_VALUE) or handle == 2**64 - 1:
            return None
        mode = wintypes.DWORD(PIPE_READMODE_MESSAGE)
        self.kernel32.SetNamedPipeHandleState(handle, self.ctypes.byref(mode), None, None)
        return int(handle)

    def read(self, handle: int, limit: int, timeout: float | None = None) -> bytes:
        """One message of at most ``limit`` bytes; TimeoutError when none came within
        ``timeout`` seconds (the waiting read is cancelled: a client that connects and says
        nothing cannot hold the one pipe, and so the app's IPC, for ever)."""
        from ctypes import wintypes

        buffer = self.ctypes.create_string_buffer(limit)
        got = wintypes.DWORD()
        with self._deadline(timeout) as expired:
            ok = self.kernel32.ReadFile(handle, buffer, limit, self.ctypes.byref(got), None)
        if not ok:
            if expired():
                raise TimeoutError(f"no whole message within {timeout:g} s")
            raise OSError("the pipe read failed (too long, or the other end went away)")
        return bytes(buffer.raw[: got.value])

    @contextlib.contextmanager
    def _deadline(self, timeout: float | None) -> Iterator[Callable[[], bool]]:
        """While inside, this thread's blocking I/O is cancelled (CancelSynchronousIo) once
        ``timeout`` has passed; yields whether it was. Never after the block: the timer is
        stopped under the lock its cancel takes."""
        if timeout is None:
            yield lambda: False
            return
        thread = self.kernel32.OpenThread(
            THREAD_TERMINATE, False, self.kernel32.GetCurrentThreadId()
        )
        if not thread:  # cannot be cancelled: read unbounded rather than not at all
            log.warning("the IPC pipe's read cannot be bounded in time")
            yield lambda: False
            return
        lock, done, fired = threading.Lock(), threading.Event(), threading.Event()

        def cancel() -> None:
            with lock:
                if not done.is_set():
                    fired.set()
                    self.kernel32.CancelSynchronousIo(thread)

        timer = threading.Timer(timeout, cancel)
        timer.daemon = True
        timer.start()
        try:
            yield fired.is_set
        finally:
            with lock:
                done.set()
            timer.cancel()
            self.kernel32.CloseHandle(thread)

    def write(self, handle: int, data: bytes) -> None:
        from ctypes import wintypes

        done = wintypes.DWORD()
        if not self.kernel32.WriteFile(handle, data, len(data), self.ctypes.byref(done), None):
            raise OSError("the pipe write failed")
        self.kernel32.FlushFileBuffers(handle)

    def peer_sid(self, handle: int, *, server: bool) -> str | None:
        """The user of the process at the other end: the server's (seen from a client)
        or the client's (seen from the server)."""
        from ctypes import wintypes

        pid = wintypes.ULONG()
        get = (
            self.kernel32.GetNamedPipeServerProcessId
            if server
            else self.kernel32.GetNamedPipeClientProcessId
        )
        if not get(handle, self.ctypes.byref(pid)):
            return None
        process = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid.value)
        if not process:
            return None
        try:
            return self._sid_of_process(process)
        finally:
            self.kernel32.CloseHandle(process)

    def disconnect(self, handle: int) -> None:
        self.kernel32.DisconnectNamedPipe(handle)

    def close(self, handle: int) -> None:
        self.kernel32.CloseHandle(handle)


# --- the IPC transport over the pipe -------------------------------------------------------


def pipe_name(pipes: Any, *, create: bool) -> tuple[str, str]:
    """The pipe's name and this user's SID. The name holds the SID, the session and a random
    part kept in this user's state folder (made by the server, read by clients), so another
    user can neither guess it nor take it first."""
    import secrets

    from ..errors import NotRunning
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


class PipeTransport:
    """:class:`~traycodes.desktop.IpcTransport` over a named pipe private to the user
    (``pipes``: :class:`Win32Pipes`; tests run the same logic over a fake of it)."""

    def __init__(self, pipes: Any) -> None:
        self.pipes = pipes

    @property
    def where(self) -> str:
        return pipe_name(self.pipes, create=False)[0]

    def exchange(self, message: bytes, timeout: float) -> bytes:
        """Nothing is sent before the pipe's server is known to run as this user."""
        from ..errors import NotOurs, NotRunning

        pipes = self.pipes
        name, sid = pipe_name(pipes, create=False)
        handle = pipes.connect(name)
        if handle is None:
            raise NotRunning("traycodes is not running")
        try:
            if pipes.peer_sid(handle, server=True) != sid:
                raise NotOurs(f"{name} is served by another user's process; nothing was sent")
            pipes.write(handle, message)
            data: bytes = pipes.read(handle, 1024 * 1024, timeout)
        except TimeoutError:
            raise  # an app is there but did not answer in time (as over a socket)
        except OSError:
            raise NotRunning("traycodes did not answer") from None
        finally:
            pipes.close(handle)
        return data

    def listen(self, limit: int) -> PipeListener:
        from ..errors import AlreadyRunning

        name, sid = pipe_name(self.pipes, create=True)
        try:
            handle = self.pipes.create(name, sid)
        except DesktopError:
            raise AlreadyRunning("traycodes is already running") from None
        return PipeListener(self.pipes, handle, name, sid, limit)


class PipeListener:
    """The app's end of the pipe: one client at a time, this user's alone."""

    def __init__(self, pipes: Any, handle: Any, name: str, sid: str, limit: int) -> None:
        import threading

        self.pipes, self.handle, self.name, self.sid, self.limit = pipes, handle, name, sid, limit
        self._closing = threading.Event()
        self._done = threading.Event()

    def serve_one(self, answer: Callable[[bytes], bytes]) -> bool:
        pipes, handle = self.pipes, self.handle
        if self._closing.is_set():
            return self._finish()
        if not pipes.accept(handle):
            return True
        try:
            if self._closing.is_set():
                return self._finish()  # the wake-up call from close()
            if pipes.peer_sid(handle, server=False) != self.sid:
                log.warning("refused an IPC connection from another user")
                return True
            request = pipes.read(handle, self.limit, REQUEST_SECONDS)  # TimeoutError: dropped
            pipes.write(handle, answer(request))
        finally:
            pipes.disconnect(handle)
        return True

    def _finish(self) -> bool:
        self._done.set()
        return False

    def close(self) -> None:
        self._closing.set()
        woken = self.pipes.connect(self.name)  # wakes the accept() serve_one waits in
        if woken is not None:
            self.pipes.close(woken)
        self._done.wait(2)
        self.pipes.close(self.handle)
