"""Issue 21's IPC scenarios: no request can kill the serving thread, and no other user can
take the socket's folder first when the runtime folder is not private."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_ipc import NOBODY, echo
from traycodes import ipc
from traycodes.app.ipc import Server
from traycodes.desktop._unix_socket import MAX_SOCKET_PATH, socket_path


@pytest.fixture(autouse=True)
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path


def test_another_user_cannot_take_the_socket_folder_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: with no private runtime folder, another user who made
    ``/tmp/traycodes-UID`` first locked the user out of the app. The folder now lives in
    the user's own state folder, where no one else can create anything."""
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    planted = tmp_path / f"traycodes-{os.getuid()}"
    planted.mkdir(mode=0o755)  # what the other user made (theirs, open to all)
    if os.geteuid() == 0:
        os.chown(planted, NOBODY, NOBODY)
    server = Server(echo)
    server.start()
    try:
        assert ipc.request("still")["got"] == "still"
        assert not socket_path().is_relative_to(planted)
    finally:
        server.stop()


def test_a_state_folder_too_long_for_a_socket_uses_a_recorded_random_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    state = tmp_path / ("long-" * 20)
    monkeypatch.setenv("TRAYCODES_STATE", str(state))
    chosen = socket_path()
    assert len(os.fsencode(chosen)) <= MAX_SOCKET_PATH
    assert chosen.parent.parent == tmp_path and chosen.parent.name.startswith("traycodes-")
    assert (state / "ipc-folder").read_text() == str(chosen.parent)
    assert socket_path() == chosen  # the app and its clients meet there
    server = Server(echo)
    server.start()
    try:
        assert ipc.request("still")["got"] == "still"
    finally:
        server.stop()
    chosen.parent.chmod(0o755)  # no longer private (tampered with): another one is made
    assert socket_path().parent != chosen.parent


NASTY_REQUESTS = (
    b"[" * 60_000 + b"\n",  # RecursionError in the parser killed the IPC thread
    b'{"command": "x", "a": ' + b"[" * 60_000 + b"\n",
    b"{" * 30_000 + b"\n",
    b"x" * (ipc.MAX_REQUEST + 10),  # no newline, longer than any request
    b"\xff\xfe\x00\n",
    b'"just a string"\n',
    b"1e400\n",
    b"1" * 5000 + b"\n",
)


def test_every_request_is_answered_or_refused_and_the_thread_lives(runtime: Path) -> None:
    server = Server(echo)
    server.start()
    try:
        for payload in NASTY_REQUESTS:
            with socket.socket(socket.AF_UNIX) as client:
                client.settimeout(10)
                client.connect(str(runtime / "traycodes.sock"))
                client.sendall(payload)
                assert b"malformed" in client.recv(1000), payload[:20]
            assert ipc.request("still", timeout=5)["got"] == "still", payload[:20]
        with socket.socket(socket.AF_UNIX) as client:  # a client that goes away at once
            client.connect(str(runtime / "traycodes.sock"))
        assert ipc.request("still", timeout=5)["got"] == "still"
        assert server._thread is not None and server._thread.is_alive()
    finally:
        server.stop()


def test_a_handler_whose_reply_cannot_be_sent_leaves_the_thread_alive(runtime: Path) -> None:
    def unsendable(request: dict[str, Any]) -> dict[str, Any]:
        if request["command"] == "odd":
            return {"ok": True, "value": object()}  # not JSON
        return echo(request)

    server = Server(unsendable)
    server.start()
    try:
        with pytest.raises((ipc.NotRunning, ValueError)):
            ipc.request("odd", timeout=5)
        assert ipc.request("still", timeout=5)["got"] == "still"
    finally:
        server.stop()
