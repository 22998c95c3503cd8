"""The single-instance socket: private, answers, refuses a second server, cleans up."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from traycodes.app import ipc


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
