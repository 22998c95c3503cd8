"""The Windows pipe's read is bounded in time, as the Unix socket's whole request is (5 s):
a client of the user's own that connects and says nothing cannot hold the one pipe, and
with it the app's IPC, for ever. Over a fake of the Win32 calls whose ``ReadFile`` waits
as Windows' does, until a message comes or ``CancelSynchronousIo`` cancels it; the
listener's part over the in-memory pipes of test_ipc."""

from __future__ import annotations

import ctypes
import queue
import threading
import time
from typing import Any

import pytest

from tests.contract import win32_fake
from tests.unit.test_ipc import ME, FakePipes, PipeServerEnd, echo
from traycodes import ipc
from traycodes.app.ipc import Server
from traycodes.desktop import _win32_pipe
from traycodes.desktop._win32 import Win32Api
from traycodes.desktop._win32_pipe import THREAD_TERMINATE, PipeTransport, Win32Pipes, pipe_name

ERROR_BROKEN_PIPE, ERROR_OPERATION_ABORTED, ERROR_NOT_FOUND = 109, 995, 1168
PIPE = 0x4242


class PipeWindows(win32_fake.FakeWindows):
    """The Win32 calls, with one pipe handle whose messages the test sends."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self.threads: dict[int, int] = {}  # an OpenThread handle -> its thread's id
        self.reading: set[int] = set()  # threads blocked in ReadFile
        self.cancelled: set[int] = set()

    def OpenThread(self, access: int, inherit: bool, thread_id: int) -> int:
        assert access & THREAD_TERMINATE, "CancelSynchronousIo needs THREAD_TERMINATE"
        handle = 0x9000 + len(self.threads)
        self.threads[handle] = thread_id
        return handle

    def CancelSynchronousIo(self, handle: int) -> int:
        thread = self.threads[handle]
        if thread not in self.reading:  # as Windows: nothing pending, nothing cancelled
            self._error.code = ERROR_NOT_FOUND
            return 0
        self.cancelled.add(thread)
        return 1

    def ReadFile(self, handle: int, buffer: Any, limit: int, got: Any, overlapped: Any) -> int:
        assert handle == PIPE and overlapped is None  # a synchronous read
        me, given_up = threading.get_ident(), time.monotonic() + 5  # a test never hangs
        self.reading.add(me)
        try:
            while me not in self.cancelled and time.monotonic() < given_up:
                try:
                    data = self.messages.get(timeout=0.01)
                except queue.Empty:
                    continue
                ctypes.memmove(buffer, data, len(data))
                got._obj.value = len(data)
                return 1
            aborted = me in self.cancelled
            self.cancelled.discard(me)
            self._error.code = ERROR_OPERATION_ABORTED if aborted else ERROR_BROKEN_PIPE
            return 0
        finally:
            self.reading.discard(me)


@pytest.fixture
def system() -> PipeWindows:
    return PipeWindows()


def pipes_over(system: PipeWindows) -> Win32Pipes:
    return Win32Pipes(Win32Api(system.load))


def test_a_silent_client_is_given_up_on_when_the_time_is_up(system: PipeWindows) -> None:
    pipes = pipes_over(system)
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"no whole message within 0\.2 s"):
        pipes.read(PIPE, 1024, timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 3
    assert len(system.called("CancelSynchronousIo")) == 1
    assert system.called("CloseHandle") == [(0x9000,)]  # the thread's handle let go


def test_a_message_in_time_is_read_and_nothing_is_cancelled_after(system: PipeWindows) -> None:
    """The positive control, and the timer stopped once the read returned: the wait past
    its time proves that no cancel reaches the next read (the answer's)."""
    pipes = pipes_over(system)
    system.messages.put(b'{"command":"ping"}')
    assert pipes.read(PIPE, 1024, timeout=0.2) == b'{"command":"ping"}'
    time.sleep(0.3)  # past the read's time: a timer left running would cancel now
    assert system.called("CancelSynchronousIo") == []
    system.messages.put(b"next")
    assert pipes.read(PIPE, 1024, timeout=0.2) == b"next"


def test_without_a_timeout_the_read_waits_as_before(system: PipeWindows) -> None:
    pipes = pipes_over(system)
    threading.Timer(0.3, lambda: system.messages.put(b"late")).start()
    assert pipes.read(PIPE, 1024) == b"late"
    assert system.called("OpenThread") == []


def test_the_pipe_server_drops_a_silent_client_and_serves_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: the server read the silent client's request for ever, and no one else was
    answered (``traycodes type``, the browser, the CLI)."""
    monkeypatch.setattr(_win32_pipe, "REQUEST_SECONDS", 0.3)
    world: dict[str, PipeServerEnd] = {}
    pipes = TimedPipes(world, ME)
    name, _sid = pipe_name(pipes, create=True)
    transport = PipeTransport(pipes)
    server = Server(echo, transport)
    server.start()
    try:
        silent = pipes.connect(name)  # connects, and never writes
        assert silent is not None
        started = time.monotonic()
        assert ipc.request("after", via=transport) == {"ok": True, "got": "after"}
        assert time.monotonic() - started < 5
        assert pipes.timeouts == [0.3, 0.3]  # the silent one's read, then the answered one's
    finally:
        server.stop()


class TimedPipes(FakePipes):
    """test_ipc's pipes, whose server read honours its timeout as Win32Pipes' does."""

    def __init__(self, world: dict[str, PipeServerEnd], sid: str) -> None:
        super().__init__(world, sid)
        self.timeouts: list[float] = []

    def read(self, handle: object, limit: int, timeout: float | None = None) -> bytes:
        if isinstance(handle, PipeServerEnd) and timeout is not None:
            self.timeouts.append(timeout)
            assert handle.current is not None
            try:
                data = handle.current.to_server.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError("no whole message") from None
            handle.current.to_server.put(data)  # read again below, as it came
        return super().read(handle, limit)
