"""The single-instance socket: private, answers, refuses a second server, cleans up."""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from traycodes import ipc
from traycodes.app.ipc import Server
from traycodes.desktop._unix_socket import SocketTransport, socket_path
from traycodes.desktop._win32_pipe import PipeTransport, pipe_name
from traycodes.errors import TrayCodesError


@pytest.fixture(autouse=True)
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path


def echo(request: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "got": request["command"]}


def test_request_and_answer(runtime: Path) -> None:
    server = Server(echo)
    server.start()
    try:
        assert ipc.request("show") == {"ok": True, "got": "show"}
        mode = stat.S_IMODE((runtime / "traycodes.sock").stat().st_mode)
        assert mode == 0o600
    finally:
        server.stop()
    assert not (runtime / "traycodes.sock").exists()


def test_not_running() -> None:
    with pytest.raises(ipc.NotRunning):
        ipc.request("ping")


def test_second_server_is_refused() -> None:
    first = Server(echo)
    first.start()
    try:
        with pytest.raises(ipc.AlreadyRunning):
            Server(echo).start()
    finally:
        first.stop()


def test_stale_socket_is_replaced(runtime: Path) -> None:
    import socket

    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(runtime / "traycodes.sock"))
    stale.close()  # the file stays, nobody listens: an app that died
    server = Server(echo)
    server.start()
    try:
        assert ipc.request("x")["got"] == "x"
    finally:
        server.stop()


def test_malformed_requests_get_an_answer(runtime: Path) -> None:
    import socket

    server = Server(echo)
    server.start()
    try:
        for payload in (b"not json\n", b"[1, 2]\n", b'{"nocommand": 1}\n'):
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(runtime / "traycodes.sock"))
                client.sendall(payload)
                assert b"malformed" in client.recv(1000)
        assert ipc.request("still")["got"] == "still"
    finally:
        server.stop()


MALFORMED = (
    b"not json",
    b"\xff\xfe not utf-8",
    b"[1, 2]",
    b'{"nocommand": 1}',
    b'{"command": 5}',
    b'{"command": "boom"}',  # the handler fails
    b"",
)


def failing_on_boom(request: dict[str, Any]) -> dict[str, Any]:
    if request["command"] == "boom":
        raise RuntimeError("a bug in a command")
    return echo(request)


# --- Windows named pipes, over a fake of the Win32 calls (they cannot run here) -------------

GONE = object()  # what a reader sees when the other end closed


class Connection:
    def __init__(self, name: str, client_sid: str) -> None:
        self.name, self.client_sid = name, client_sid
        self.to_server: queue.Queue[object] = queue.Queue()
        self.to_client: queue.Queue[object] = queue.Queue()


class PipeServerEnd:
    def __init__(self, name: str, owner: str) -> None:
        self.name, self.owner = name, owner
        self.pending: queue.Queue[Connection] = queue.Queue()
        self.current: Connection | None = None
        self.received: list[bytes] = []


class FakePipes:
    """What Win32Pipes does, in memory: one world of pipes shared by every user's fake."""

    def __init__(self, world: dict[str, PipeServerEnd], sid: str) -> None:
        self.world, self.sid = world, sid

    def user_sid(self) -> str:
        return self.sid

    def session_id(self) -> int:
        return 1

    def create(self, name: str, sid: str) -> PipeServerEnd:
        from traycodes.desktop import DesktopError

        if name in self.world:  # FILE_FLAG_FIRST_PIPE_INSTANCE
            raise DesktopError("the pipe exists already")
        self.world[name] = PipeServerEnd(name, self.sid)
        return self.world[name]

    def accept(self, handle: PipeServerEnd) -> bool:
        handle.current = handle.pending.get(timeout=10)
        return True

    def connect(self, name: str) -> Connection | None:
        server = self.world.get(name)
        if server is None:
            return None
        connection = Connection(name, self.sid)
        server.pending.put(connection)
        return connection

    def peer_sid(self, handle: object, *, server: bool) -> str | None:
        if server:
            assert isinstance(handle, Connection)
            return self.world[handle.name].owner
        assert isinstance(handle, PipeServerEnd) and handle.current is not None
        return handle.current.client_sid

    def read(self, handle: object, limit: int, timeout: float | None = None) -> bytes:
        if isinstance(handle, Connection):
            data = handle.to_client.get(timeout=10)
        else:
            assert isinstance(handle, PipeServerEnd) and handle.current is not None
            data = handle.current.to_server.get(timeout=10)
        if data is GONE:
            raise OSError("the other end went away")
        assert isinstance(data, bytes)
        if len(data) > limit:
            raise OSError("more data than the buffer")
        if isinstance(handle, PipeServerEnd):
            handle.received.append(data)
        return data

    def write(self, handle: object, data: bytes) -> None:
        if isinstance(handle, Connection):
            handle.to_server.put(data)
        else:
            assert isinstance(handle, PipeServerEnd) and handle.current is not None
            handle.current.to_client.put(data)

    def disconnect(self, handle: PipeServerEnd) -> None:
        if handle.current is not None:
            handle.current.to_client.put(GONE)
            handle.current = None

    def close(self, handle: object) -> None:
        if isinstance(handle, Connection):
            handle.to_server.put(GONE)
        else:
            assert isinstance(handle, PipeServerEnd)
            self.world.pop(handle.name, None)


ME, OTHER = "S-1-5-21-1000-1001", "S-1-5-21-1000-1002"


@pytest.fixture
def pipe_world() -> dict[str, PipeServerEnd]:
    return {}


def test_the_pipe_name_holds_the_user_session_and_a_secret_part(
    pipe_world: dict[str, PipeServerEnd],
) -> None:
    pipes = FakePipes(pipe_world, ME)
    with pytest.raises(ipc.NotRunning):  # a client finds no name before a server made one
        pipe_name(pipes, create=False)
    name, sid = pipe_name(pipes, create=True)
    assert sid == ME
    prefix = rf"\\.\pipe\traycodes-{ME}-1-"
    assert name.startswith(prefix) and len(name) - len(prefix) == 32
    assert pipe_name(pipes, create=False) == (name, ME)  # what clients then use


def test_the_pipe_serves_its_user_and_survives_any_request(
    pipe_world: dict[str, PipeServerEnd],
) -> None:
    pipes = FakePipes(pipe_world, ME)
    name, _sid = pipe_name(pipes, create=True)
    transport = PipeTransport(pipes)
    server = Server(failing_on_boom, transport)
    server.start()
    try:
        with pytest.raises(ipc.AlreadyRunning):
            Server(echo, PipeTransport(FakePipes(pipe_world, ME))).start()
        for payload in MALFORMED:
            reply = json.loads(transport.exchange(payload, 10))
            assert reply["ok"] is False, payload
        with pytest.raises(ipc.NotRunning):  # too long: dropped, no answer
            transport.exchange(b"x" * (ipc.MAX_REQUEST + 1), 10)
        gone = pipes.connect(name)  # a client that goes away before asking
        assert gone is not None
        pipes.close(gone)
        assert ipc.request("still", via=transport) == {"ok": True, "got": "still"}
    finally:
        server.stop()
    assert name not in pipe_world


def test_the_pipe_answers_no_other_user(pipe_world: dict[str, PipeServerEnd]) -> None:
    asked: list[str] = []

    def handler(request: dict[str, Any]) -> dict[str, Any]:
        asked.append(request["command"])
        return {"ok": True}

    pipes = FakePipes(pipe_world, ME)
    server = Server(handler, PipeTransport(pipes))
    server.start()
    try:
        intruder = FakePipes(pipe_world, OTHER)  # got past the DACL, say
        intruder.user_sid = lambda: ME  # type: ignore[method-assign]
        # it expects the real owner, so its own check passes: the server's must refuse
        with pytest.raises(ipc.NotRunning):
            PipeTransport(intruder).exchange(b'{"command": "state"}', 10)
        assert asked == []
    finally:
        server.stop()


def test_the_client_sends_nothing_to_another_users_pipe(
    pipe_world: dict[str, PipeServerEnd],
) -> None:
    mine = FakePipes(pipe_world, ME)
    name, _sid = pipe_name(mine, create=True)
    squatter = FakePipes(pipe_world, OTHER).create(name, OTHER)  # took the name first
    with pytest.raises(ipc.NotOurs):
        ipc.request("enrol", link="otpauth://...", via=PipeTransport(mine))
    sent = squatter.pending.get_nowait().to_server
    assert [sent.get_nowait() for _ in range(sent.qsize())] == [GONE]  # closed, nothing sent


def test_the_pipe_dacl_names_the_user_alone() -> None:
    from traycodes.desktop._win32_pipe import pipe_sddl

    sddl = pipe_sddl(ME)
    assert sddl == f"O:{ME}D:P(A;;GA;;;{ME})"
    for everyone in ("WD", "AU", "BU", "BA", "SY", "AN"):  # well-known groups: none
        assert f";;;{everyone})" not in sddl


def test_a_failing_command_is_answered_on_the_socket_too(runtime: Path) -> None:
    server = Server(failing_on_boom)
    server.start()
    try:
        assert ipc.request("boom") == {"ok": False, "error": "RuntimeError"}
        assert ipc.request("still")["got"] == "still"
    finally:
        server.stop()


# --- only the same user: checked on both ends, whatever the socket file's mode ----------------

NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")


def in_child_as_nobody(work: Callable[[], bytes]) -> bytes:
    """Run ``work`` in a forked child that has become user nobody; its result comes back."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: only socket calls, then out
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = work()
        except BaseException as exc:
            result = f"error {type(exc).__name__}".encode()
        os.write(write_end, result)
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as got:
        return got.read()


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder another user can reach (the test loosens what the app would not)."""
    folder = Path(tempfile.mkdtemp(prefix="traycodes-ipc-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@as_root
def test_the_server_answers_no_other_user(
    open_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = open_folder / "traycodes.sock"
    server = Server(echo, SocketTransport(path))
    server.start()
    try:
        path.chmod(0o666)  # even with the file open to all, the peer's uid decides

        def ask() -> bytes:
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(5)
                client.connect(str(path))
                client.sendall(b'{"command": "state"}\n')
                return client.recv(1000) or b"(closed)"

        refused = in_child_as_nobody(ask)  # closed unanswered (a reset if it was writing)
        assert refused in (b"(closed)", b"error ConnectionResetError", b"error BrokenPipeError")
        assert ipc.request("still", via=SocketTransport(path))["got"] == "still"  # the owner
    finally:
        server.stop()


@as_root
def test_the_client_sends_nothing_to_another_users_server(
    open_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = open_folder / "traycodes.sock"
    ready = open_folder / "ready"
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # an impostor listening where traycodes would
        os.close(read_end)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with socket.socket(socket.AF_UNIX) as listener:
                listener.bind(str(path))
                listener.listen(1)
                ready.touch()
                listener.settimeout(10)
                connection, _ = listener.accept()
                connection.settimeout(2)
                try:
                    received = connection.recv(65536)
                except OSError:
                    received = b""
                os.write(write_end, received or b"(nothing)")
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        for _ in range(500):
            if ready.exists():
                break
            time.sleep(0.01)
        with pytest.raises(ipc.NotOurs):
            ipc.request(
                "enrol", link="otpauth://totp/X?secret=JBSWY3DPEHPK3PXP", via=SocketTransport(path)
            )
    finally:
        os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as got:
        assert got.read() == b"(nothing)"


def test_the_fallback_folder_is_never_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    state = tmp_path / "state"
    monkeypatch.setenv("TRAYCODES_STATE", str(state))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    state.mkdir()
    (state / "ipc").symlink_to(elsewhere)
    with pytest.raises(TrayCodesError, match="not a folder private"):
        socket_path()


def test_an_open_runtime_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    monkeypatch.setenv("TRAYCODES_STATE", str(tmp_path / "state"))
    chosen = socket_path()
    assert chosen.parent == tmp_path / "state" / "ipc"
    assert stat.S_IMODE(chosen.parent.stat().st_mode) == 0o700
