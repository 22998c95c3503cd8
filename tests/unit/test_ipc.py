"""The single-instance socket: private, answers, refuses a second server, cleans up."""

from __future__ import annotations

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
