"""A test run killed outright (``timeout``, SIGKILL: no ``finally`` runs) leaves no part
of its desktop session behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.session import require, wait_for

pytestmark = pytest.mark.desktop
ABOVE_TESTS = Path(__file__).resolve().parents[2]  # the folder holding the tests package
SESSION = """
import time
from tests.desktop.session import desktop_session
with desktop_session(x=True, keyring=False, window_manager=False) as session:
    print(*(process.pid for _, process in session.processes), flush=True)
    time.sleep(120)
"""


def running(pid: int) -> bool:
    """The process exists and is not a zombie (one its new parent has not reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_killed_run_leaves_no_session_behind() -> None:
    require("Xvfb", "xdpyinfo", "dbus-daemon", "dbus-send")
    run = subprocess.Popen(
        [sys.executable, "-c", SESSION],
        cwd=ABOVE_TESTS,
        env={**os.environ, "PYTHONPATH": str(ABOVE_TESTS)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None
    parts = [int(pid) for pid in run.stdout.readline().split()]
    try:
        assert len(parts) == 2 and all(map(running, parts))  # Xvfb and dbus-daemon
        run.kill()  # as ``timeout -s KILL`` would
        run.wait(10)
        wait_for(lambda: not any(map(running, parts)), "Xvfb and dbus-daemon to be ended")
    finally:
        run.kill()
        for pid in parts:  # this test's own parts, should they outlive it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
