"""An outside review of the IPC (work-38): what another program or local user could make of
the app's socket."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.unit.test_ipc import echo
from traycodes import ipc
from traycodes.app.ipc import AlreadyRunning, Server
from traycodes.desktop._unix_socket import socket_path


@pytest.fixture(autouse=True)
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    return tmp_path


def test_a_busy_app_is_not_replaced_by_a_second_one() -> None:
    """A program that connects and says nothing keeps the app's one IPC thread busy; a
    second ``traycodes`` started meanwhile took the silence of its ping for "nobody here",
    removed the running app's socket and served in its place: two apps, the first one
    unreachable (``lock``, ``quit`` went to the wrong one)."""
    first = Server(echo)
    first.start()
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(socket_path()))  # accepted, and the thread waits for a line
    second = Server(echo)
    try:
        with pytest.raises(AlreadyRunning):
            second.start()
    finally:
        second.stop()
        silent.close()
    try:
        assert ipc.request("still")["got"] == "still"  # the first app still answers
    finally:
        first.stop()


def test_a_client_that_trickles_its_request_holds_the_app_for_a_bounded_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app reads one request at a time, and gave each piece of it 5 s: a program
    sending a byte every few seconds kept every other request (the type hotkey's, the
    browser's) waiting for as long as it liked. The whole request has REQUEST_SECONDS."""
    import select
    import time

    from traycodes.desktop import _unix_socket

    monkeypatch.setattr(_unix_socket, "REQUEST_SECONDS", 0.5, raising=False)
    server = Server(echo)
    server.start()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as slow:
            slow.connect(str(socket_path()))
            give_up = time.monotonic() + 4
            answered = False
            while time.monotonic() < give_up and not answered:
                slow.sendall(b" ")  # a byte, then wait for an answer a while
                answered = bool(select.select([slow], [], [], 0.1)[0])
            assert answered, "the app still waits for the rest of the request"
            assert b"malformed" in slow.recv(4096)
        assert ipc.request("next")["got"] == "next"
    finally:
        server.stop()
