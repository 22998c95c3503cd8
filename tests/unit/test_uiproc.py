"""The child window process's wire: what crosses between the tray process and the windows,
and how each side answers. (The desktop suite runs the real child process.)"""

from __future__ import annotations

import socket
import struct
import threading
from typing import Any

import pytest

from traycodes.app.crossing import MAX_MESSAGE, Channel, entry_from_json, entry_to_json
from traycodes.app.uiproc import ChildWindows
from traycodes.errors import InvalidInput, TrayCodesError
from traycodes.model import Algorithm, Entry, OtpParams, OtpType
from traycodes.ui.enrolform import Target
from traycodes.ui.rows import Row

ENTRY = Entry(
    OtpParams(b"12345678901234567890", OtpType.HOTP, Algorithm.SHA512, 8, 60, 7),
    issuer="Bank",
    account="me",
    websites=("bank.example",),
    note="recovery codes in the drawer",
    tags=("money",),
    favorite=True,
)


def test_an_entry_crosses_whole() -> None:
    assert entry_from_json(entry_to_json(ENTRY)) == ENTRY
    assert entry_from_json(entry_to_json(ENTRY)).note == ENTRY.note


def test_a_bad_entry_from_the_other_side_is_refused_by_the_models_checks() -> None:
    bad = entry_to_json(ENTRY)
    bad["otp"]["digits"] = 99
    with pytest.raises(InvalidInput):
        entry_from_json(bad)


def pair() -> tuple[Channel, Channel]:
    a, b = socket.socketpair()
    return Channel(a), Channel(b)


def test_requests_and_answers_cross_both_ways() -> None:
    ours, theirs = pair()

    def serve() -> None:
        message = theirs.receive()
        assert message is not None and message["method"] == "rows"
        theirs.reply(message, lambda: [{"query": message["args"]["query"]}])
        message = theirs.receive()
        assert message is not None
        theirs.reply(message, lambda: (_ for _ in ()).throw(TrayCodesError("locked")))

    server = threading.Thread(target=serve)
    server.start()
    listener = threading.Thread(target=lambda: [ours.answered(m) for m in iter(ours.receive, None)])
    listener.start()
    assert ours.ask("rows", {"query": "git"}) == [{"query": "git"}]
    with pytest.raises(TrayCodesError, match="locked"):
        ours.ask("save_enrolment", {"pairs": []})
    server.join()
    theirs.sock.close()
    listener.join(5)
    assert not listener.is_alive()


def test_an_oversized_message_is_refused_before_it_is_read() -> None:
    ours, theirs = pair()
    ours.sock.sendall(struct.pack(">I", MAX_MESSAGE + 1))
    with pytest.raises(TrayCodesError, match="too large"):
        theirs.receive()


def test_the_other_side_going_away_fails_whoever_waits() -> None:
    ours, theirs = pair()
    listener = threading.Thread(
        target=lambda: (list(iter(ours.receive, None)), ours.fail_waiting())
    )
    listener.start()
    theirs.sock.close()
    with pytest.raises(TrayCodesError, match="has gone"):
        ours.ask("rows", {"query": ""}, timeout=5)
    listener.join(5)


class Controller:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def rows(self, query: str) -> list[Row]:
        return [Row("a" * 32, "GitHub", "octo", "492 039", 12.5, 30)]

    def propose(self, entry: Entry) -> list[Target]:
        self.calls.append(("propose", entry))
        return [Target(None, "a new record"), Target("b" * 32, "Bank", True, "123456")]

    def save_enrolment(self, pairs: list[tuple[Entry, str | None]]) -> str:
        self.calls.append(("save", pairs))
        return "Added Bank."

    def copy(self, record_id: str) -> None:
        self.calls.append(("copy", record_id))


def test_the_tray_process_answers_the_windows_with_plain_data() -> None:
    controller = Controller()
    windows = ChildWindows(controller, lambda action: action())  # type: ignore[arg-type]
    rows = windows._serve({"method": "rows", "args": {"query": "git"}})
    assert Row.from_json(rows[0]) == controller.rows("")[0]
    targets = windows._serve({"method": "propose", "args": {"entry": entry_to_json(ENTRY)}})
    assert [Target(**t) for t in targets] == controller.propose(ENTRY)
    sent = [[entry_to_json(ENTRY), None]]
    assert windows._serve({"method": "save_enrolment", "args": {"pairs": sent}}) == "Added Bank."
    assert controller.calls[-1] == ("save", [(ENTRY, None)])
    windows._serve({"method": "copy", "args": {"record_id": "a" * 32}})
    assert controller.calls[-1] == ("copy", "a" * 32)


def test_the_windows_cannot_ask_for_anything_else() -> None:
    windows = ChildWindows(Controller(), lambda action: action())  # type: ignore[arg-type]
    for method in ("vault", "records", "export", "__init__"):
        with pytest.raises(TrayCodesError, match="unknown request"):
            windows._serve({"method": method, "args": {}})
