"""``traycodes clock check`` against a local SNTP responder on 127.0.0.1 (no other address
is ever asked), the doctor's clock rows, and reading the OS's synchronisation answers."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from traycodes.cli import clock
from traycodes.desktop import _timesync

NTP_EPOCH = 2208988800


class Responder:
    """An SNTP server on 127.0.0.1 whose clock is ``skew`` seconds ahead of ours."""

    def __init__(self, skew: float) -> None:
        self.skew = skew
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.asked = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def stamp(seconds: float) -> bytes:
        return struct.pack("!II", int(seconds) + NTP_EPOCH, int((seconds % 1) * 2**32))

    def _serve(self) -> None:
        while True:
            try:
                request, peer = self.sock.recvfrom(512)
            except OSError:
                return
            self.asked += 1
            now = time.time() + self.skew
            reply = bytes([0x24, 2]) + bytes(22) + request[40:48]  # mode 4, stratum 2
            self.sock.sendto(reply + self.stamp(now) + self.stamp(now), peer)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def responder() -> Iterator[Responder]:
    found = Responder(skew=42.0)
    yield found
    found.close()


def test_the_offset_is_measured_against_the_server(responder: Responder) -> None:
    offset = clock.measure_offset("127.0.0.1", responder.port, timeout=5)
    assert 41 < offset < 43
    assert responder.asked == 1


def test_a_silent_server_is_an_error_not_a_hang() -> None:
    from traycodes.errors import StorageError

    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    with silent, pytest.raises(StorageError, match="no answer"):
        clock.measure_offset("127.0.0.1", silent.getsockname()[1], timeout=0.3)


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "TRAYCODES_CONFIG": str(tmp_path / "settings.toml"),
        "TRAYCODES_STATE": str(tmp_path / "state"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "traycodes", *args],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )  # fmt: skip


def test_clock_check_offers_then_applies_clock_offset(tmp_path: Path, responder: Responder) -> None:
    server = f"127.0.0.1:{responder.port}"
    asked = run_cli(tmp_path, "clock", "check", server)  # no terminal: it only says
    assert asked.returncode == 1, asked.stderr
    assert "behind" in asked.stdout and f"clock check {server} --apply" in asked.stdout
    assert not (tmp_path / "settings.toml").exists()
    applied = run_cli(tmp_path, "clock", "check", server, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "clock_offset = 42" in (tmp_path / "settings.toml").read_text()
    again = run_cli(tmp_path, "clock", "check", server)  # the codes are right now
    assert again.returncode == 0 and "codes are 0." in again.stdout, again.stdout
    assert (tmp_path / "state" / "clock.json").is_file()  # for doctor and the app


def test_clock_check_bad_input_and_no_answer(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "clock", "check", "127.0.0.1:http").returncode == 2
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    with silent:
        done = run_cli(
            tmp_path, "clock", "check", f"127.0.0.1:{silent.getsockname()[1]}", "--timeout", "0.3"
        )
    assert done.returncode == 5 and "no answer" in done.stderr


def test_doctor_rows_for_the_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from traycodes import desktop
    from traycodes.cli.doctor import _clock_findings

    monkeypatch.setenv("TRAYCODES_STATE", str(tmp_path))
    monkeypatch.setattr(desktop, "clock_synchronised", lambda: (False, "not synchronised"))
    findings: list[tuple[str, str, str, str]] = []
    _clock_findings(findings, 0)
    assert [(f[0], f[1]) for f in findings] == [("PROBLEM", "clock"), ("OK", "clock offset")]
    clock.remember(20.0, "127.0.0.1", 0)
    monkeypatch.setattr(desktop, "clock_synchronised", lambda: (True, "synchronised"))
    findings = []
    _clock_findings(findings, 0)
    assert [(f[0], f[1]) for f in findings] == [("OK", "clock"), ("PROBLEM", "clock offset")]
    findings = []
    _clock_findings(findings, 20)  # corrected by clock_offset
    assert findings[1][0] == "OK"


@pytest.mark.parametrize(
    ("out", "expected"),
    [("yes\n", True), ("no\n", False), (None, None), ("maybe", None)],
)
def test_timedatectl_answers(out: str | None, expected: bool | None) -> None:
    assert _timesync.from_timedatectl(out)[0] is expected


def test_w32tm_and_systemsetup_answers() -> None:
    synced = "Leap Indicator: 0(no warning)\nStratum: 4\nSource: time.windows.com,0x9\n"
    assert _timesync.from_w32tm(synced) == (True, "synchronised with time.windows.com,0x9 (w32tm)")
    assert _timesync.from_w32tm("Source: Local CMOS Clock\n")[0] is False
    assert _timesync.from_w32tm(None)[0] is None
    assert _timesync.from_systemsetup("Network Time: On\n")[0] is True
    assert _timesync.from_systemsetup("Network Time: Off\n")[0] is False
    assert _timesync.from_systemsetup("You need administrator access")[0] is None


def test_the_app_warns_about_an_unsynchronised_clock_or_a_large_offset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from traycodes import desktop
    from traycodes.app.clockwarn import clock_warning, warn_once

    monkeypatch.setenv("TRAYCODES_STATE", str(tmp_path))
    monkeypatch.setattr(desktop, "clock_synchronised", lambda: (True, "synchronised"))
    assert clock_warning(0) is None  # a positive control for the two below
    monkeypatch.setattr(desktop, "clock_synchronised", lambda: (False, "not synchronised"))
    assert "not synchronised" in (clock_warning(0) or "")
    monkeypatch.setattr(desktop, "clock_synchronised", lambda: (None, "cannot tell"))
    clock.remember(-30.0, "127.0.0.1", 0)
    assert "30 s off" in (clock_warning(0) or "")
    assert clock_warning(-30) is None  # clock_offset corrects it
    told: list[tuple[str, str]] = []
    warn_once(0, lambda title, body: told.append((title, body))).join(5)
    assert told and "30 s off" in told[0][1]
