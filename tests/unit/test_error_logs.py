"""Failures are logged, never swallowed, and never with a secret: our own errors' messages
(one line, no secret by errors.py's promise) are logged at debug; any other exception is
logged by its type and where it was raised, not its message, which can quote what it
choked on (a planted secret here)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from traycodes import ipc
from traycodes.app.commands import Commands
from traycodes.app.logs import OneLine
from traycodes.errors import InvalidUri, describe, quietly

SECRET = "JBSWY3DPEHPK3PXPQUIETLYPLANTED"
LINK = f"otpauth://totp/Bank:me?secret={SECRET}&issuer=Bank"


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the app's own log handler writes at TRAYCODES_LOG=debug."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(OneLine(tracebacks=True))
    ours = logging.getLogger("traycodes")
    old_level = ours.level
    ours.addHandler(handler)
    ours.setLevel(logging.DEBUG)
    yield out
    ours.removeHandler(handler)
    ours.setLevel(old_level)


class EnrolApp:
    """The app as the IPC commands see it; ``show_enrol`` fails as ``failure`` says."""

    def __init__(self, failure: Callable[[str], Exception]) -> None:
        self.failure = failure

    def call(self, action: Callable[[], Any], timeout: float = 10.0) -> Any:
        return action()

    def show_enrol(self, link: str = "", origin: str = "") -> None:
        raise self.failure(link)

    # the app's loop, session and code actions: this fake plays each
    @property
    def loop(self) -> EnrolApp:
        return self

    @property
    def session(self) -> EnrolApp:
        return self

    @property
    def actions(self) -> EnrolApp:
        return self

    def __getattr__(self, name: str) -> Any:  # the other commands: not asked here
        return lambda *args, **kwargs: None


def test_a_command_that_fails_on_a_secret_is_logged_without_it(logged: io.StringIO) -> None:
    # A library's error quoting its input, as int() or base64 do.
    app = EnrolApp(lambda link: ValueError(f"invalid literal for int(): {link!r}"))
    reply = Commands(app).handle({"command": "enrol", "link": LINK})  # type: ignore[arg-type]
    assert reply == {"ok": False, "error": "traycodes failed (ValueError)"}
    text = logged.getvalue()
    assert "the command 'enrol' failed: ValueError" in text  # not swallowed
    assert "test_error_logs.py" in text  # where it was raised
    assert SECRET not in text and SECRET not in str(reply)


def test_our_own_errors_reach_the_log_and_the_caller_as_their_one_line(
    logged: io.StringIO,
) -> None:
    app = EnrolApp(lambda link: InvalidUri("the link has no secret"))
    reply = Commands(app).handle({"command": "enrol", "link": LINK})  # type: ignore[arg-type]
    assert reply == {"ok": False, "error": "the link has no secret"}
    assert "InvalidUri: the link has no secret" in logged.getvalue()
    assert SECRET not in logged.getvalue()


def test_a_traceback_at_debug_keeps_its_frames_and_drops_the_message(
    logged: io.StringIO,
) -> None:
    try:
        raise KeyError(LINK)
    except KeyError:
        logging.getLogger("traycodes.app.loop").exception("an action of the app failed")
    text = logged.getvalue()
    assert "Traceback (most recent call last)" in text and "raise KeyError(LINK)" in text
    assert "an action of the app failed (KeyError)" in text
    assert SECRET not in text


def test_the_ipc_server_logs_a_failing_handler_without_its_message(
    logged: io.StringIO,
) -> None:
    def handler(request: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError(f"could not parse {request['link']}")

    reply = ipc.answer(handler, ipc.encode({"command": "enrol", "link": LINK}))
    assert reply == {"ok": False, "error": "RuntimeError"}
    assert "an IPC command failed: RuntimeError" in logged.getvalue()
    assert SECRET not in logged.getvalue()


def test_a_cleanup_that_fails_is_logged_at_debug_not_raised(logged: io.StringIO) -> None:
    with quietly(logging.getLogger("traycodes.desktop"), "closing the bus"):
        raise OSError(f"bus gone while sending {LINK}")
    assert "closing the bus failed: OSError" in logged.getvalue()
    assert SECRET not in logged.getvalue()
    with pytest.raises(KeyboardInterrupt), quietly(logging.getLogger("traycodes"), "x"):
        raise KeyboardInterrupt  # not an Exception: never held back


def test_describe_names_where_an_error_not_ours_was_raised() -> None:
    try:
        int(SECRET)
    except ValueError as exc:
        line = describe(exc)
    assert line.startswith("ValueError (at test_error_logs.py:") and SECRET not in line
    assert describe(InvalidUri("not an otpauth:// link")) == ("InvalidUri: not an otpauth:// link")
