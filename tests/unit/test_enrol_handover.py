"""``traycodes enrol LINK`` (what a clicked otpauth: link runs) with no app running: the link
is a secret, and a command line is readable by every local user (``/proc/PID/cmdline``).
The app is started without it and gets it on its standard input; the command, whose own
argv holds it, exits at once instead of waiting (up to 20 s) for the app to start."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from traycodes import ipc
from traycodes.cli import main
from traycodes.cli.app import LINK_ON_STDIN

KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LINK = f"otpauth://totp/Example:alice?secret={KEY}&issuer=Example"


class Started:
    """What subprocess.Popen was asked to start (the app), and what it was handed."""

    def __init__(self) -> None:
        self.argv: list[str] = []
        self.env: dict[str, str] = {}
        self.stdin = io.BytesIO()
        self.stdin.close = lambda: None  # type: ignore[method-assign] # read after

    def popen(self, argv: list[str], **options: Any) -> Started:
        assert options["stdin"] is subprocess.PIPE, "the link goes on the app's stdin"
        self.argv, self.env = list(argv), dict(options["env"])
        return self


@pytest.fixture
def nothing_running(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Started:
    def no_app(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ipc.NotRunning("traycodes is not running")

    started = Started()
    monkeypatch.setattr(ipc, "request", no_app)
    monkeypatch.setattr(subprocess, "Popen", started.popen)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.setenv("TRAYCODES_VAULT", str(tmp_path / "vault.tcv"))
    return started


def test_a_link_in_argv_is_handed_on_and_the_command_exits_at_once(
    nothing_running: Started,
) -> None:
    """Before: the command kept the link in its argv while it waited for the app (here,
    one that never answers: 20 s, then an error)."""
    began = time.monotonic()
    assert main(["enrol", LINK]) == 0
    assert time.monotonic() - began < 5
    assert nothing_running.stdin.getvalue() == LINK.encode() + b"\n"
    assert not any(KEY in part for part in nothing_running.argv)
    assert not any(KEY in value for value in nothing_running.env.values())
    assert nothing_running.env[LINK_ON_STDIN] == "1"


def test_a_link_read_from_stdin_waits_to_report_a_failed_start(
    nothing_running: Started,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``traycodes enrol -``: no secret in argv, so the command waits for the app, and an
    app that never answers is one clear error (the clock runs fast here)."""
    now = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    monkeypatch.setattr(time, "sleep", lambda seconds: now.__setitem__(0, now[0] + 1))
    monkeypatch.setattr(sys, "stdin", io.StringIO(LINK + "\n"))
    assert main(["enrol", "-"]) != 0
    assert "did not start within 20 s" in capsys.readouterr().err
    assert nothing_running.stdin.getvalue() == LINK.encode() + b"\n"


def test_the_app_reads_the_link_from_stdin_and_keeps_it_from_its_children(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from traycodes.app import start

    given: list[str | None] = []
    monkeypatch.setattr(start, "run", lambda vault, *, enrol=None: given.append(enrol) or 0)
    monkeypatch.setattr("traycodes.app.logs.setup_logging", lambda: "INFO")
    monkeypatch.setenv(LINK_ON_STDIN, "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(LINK + "\n"))
    assert main([]) == 0
    assert given == [LINK]
    import os

    assert LINK_ON_STDIN not in os.environ  # the windows' child process is not told
    monkeypatch.setattr(sys, "stdin", io.StringIO(LINK + "\n"))
    assert main([]) == 0  # started otherwise: stdin is not read
    assert given == [LINK, None]


def test_a_starting_app_hands_the_link_to_one_that_already_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from traycodes.app import start

    asked: list[tuple[str, dict[str, Any]]] = []

    def running(command: str, **fields: Any) -> dict[str, Any]:
        asked.append((command, fields))
        return {"ok": True}

    monkeypatch.setattr(ipc, "request", running)
    assert start.run(Path("vault.tcv"), enrol=LINK) == 0
    assert asked == [("enrol", {"link": LINK, "timeout": 5})]
    assert start.run(Path("vault.tcv")) == 0
    assert asked[-1] == ("show", {"timeout": 5})
