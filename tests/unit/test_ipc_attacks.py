"""An outside review of the IPC (work-38): what another program or local user could make of
the app's socket."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from tests.unit.test_ipc import NOBODY, as_root, echo
from traycodes import ipc
from traycodes.app.ipc import AlreadyRunning, Server
from traycodes.desktop._unix_socket import socket_path
from traycodes.errors import TrayCodesError


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


@as_root
def test_an_open_state_folder_is_refused_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the state folder open to others (its permissions wrong) and a path too long
    for a socket, another user made its ``ipc-folder`` record a FIFO: every client
    (``traycodes type``) hung reading it. An open state folder is now refused, with a line
    that says what to do, before anything in it is trusted."""
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    state = tmp_path / ("long-" * 20)
    state.mkdir(mode=0o777)
    state.chmod(0o777)
    monkeypatch.setenv("TRAYCODES_STATE", str(state))
    record = state / "ipc-folder"
    os.mkfifo(record)
    os.chown(record, NOBODY, NOBODY)  # what the other user made
    outcome: list[BaseException | Path] = []

    def ask() -> None:
        try:
            outcome.append(socket_path())
        except BaseException as exc:
            outcome.append(exc)

    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    asking.join(10)
    if asking.is_alive():  # let the stuck reader go before failing
        os.close(os.open(record, os.O_WRONLY))
        asking.join(10)
        pytest.fail("a client hung on the other user's FIFO")
    assert isinstance(outcome[0], TrayCodesError)
    assert "open to other users" in str(outcome[0])


def test_two_apps_starting_at_once_do_not_both_serve() -> None:
    """Two ``traycodes`` started together (autostart and a clicked link) both asked, both
    heard nobody, and the second removed the first's new socket: two apps. Whoever holds
    the socket's lock serves; the other is told an app runs."""
    from traycodes.desktop._unix_socket import SocketTransport

    first = SocketTransport().listen(ipc.MAX_REQUEST)  # both passed the ping: nobody yet
    try:
        with pytest.raises(AlreadyRunning):
            SocketTransport().listen(ipc.MAX_REQUEST)
        assert socket_path().exists()  # the first's socket stays
    finally:
        first.close()
    again = SocketTransport().listen(ipc.MAX_REQUEST)  # a stopped app's lock is free
    again.close()
