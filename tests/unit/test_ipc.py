"""The single-instance socket: private, answers, refuses a second server, cleans up."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from traycodes.app import ipc
from traycodes.errors import TrayCodesError


@pytest.fixture(autouse=True)
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path


def echo(request: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "got": request["command"]}


def test_request_and_answer(runtime: Path) -> None:
    server = ipc.Server(echo)
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
    first = ipc.Server(echo)
    first.start()
    try:
        with pytest.raises(ipc.AlreadyRunning):
            ipc.Server(echo).start()
    finally:
        first.stop()


def test_stale_socket_is_replaced(runtime: Path) -> None:
    import socket

    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(runtime / "traycodes.sock"))
    stale.close()  # the file stays, nobody listens: an app that died
    server = ipc.Server(echo)
    server.start()
    try:
        assert ipc.request("x")["got"] == "x"
    finally:
        server.stop()


def test_malformed_requests_get_an_answer(runtime: Path) -> None:
    import socket

    server = ipc.Server(echo)
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


def test_the_pipe_server_loop_survives_any_request(runtime: Path) -> None:
    """The Windows named-pipe server's loop, run here on an AF_UNIX listener (the pipe
    family needs Windows): each malformed request gets an answer and the next one works."""
    from multiprocessing.connection import Client

    address = str(runtime / "pipe.sock")
    server = ipc.Server(failing_on_boom)
    server.start_listener(address, "AF_UNIX")
    try:
        for payload in MALFORMED:
            with Client(address, family="AF_UNIX") as connection:
                connection.send_bytes(payload)
                assert connection.poll(5), payload
                reply = json.loads(connection.recv_bytes())
                assert reply["ok"] is False, payload
        with Client(address, family="AF_UNIX") as connection:  # too long: dropped
            connection.send_bytes(b"x" * (ipc.MAX_REQUEST + 1))
        with Client(address, family="AF_UNIX") as connection:  # gone before asking
            pass
        message = json.dumps({"command": "still"}).encode()
        assert ipc.request_listener(message, 5, address, "AF_UNIX") == {
            "ok": True,
            "got": "still",
        }
    finally:
        server.stop()


def test_a_failing_command_is_answered_on_the_socket_too(runtime: Path) -> None:
    server = ipc.Server(failing_on_boom)
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
    monkeypatch.setattr(ipc, "socket_path", lambda: path)
    server = ipc.Server(echo)
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
        assert ipc.request("still")["got"] == "still"  # the owner is answered
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
        monkeypatch.setattr(ipc, "socket_path", lambda: path)
        with pytest.raises(ipc.NotOurs):
            ipc.request("enrol", link="otpauth://totp/X?secret=JBSWY3DPEHPK3PXP")
    finally:
        os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as got:
        assert got.read() == b"(nothing)"


def test_the_fallback_folder_is_never_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (tmp_path / f"traycodes-{os.getuid()}").symlink_to(elsewhere)
    with pytest.raises(TrayCodesError, match="not a folder private"):
        ipc.socket_path()


def test_an_open_runtime_folder_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    chosen = ipc.socket_path()
    assert chosen.parent == tmp_path / f"traycodes-{os.getuid()}"
    assert stat.S_IMODE(chosen.parent.stat().st_mode) == 0o700
