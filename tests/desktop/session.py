"""A real desktop session for tests: Xvfb, D-Bus, gnome-keyring, a window manager, a tray
host and a notification daemon, each started in order and waited for, and stopped newest
first. See ../shared/reference/desktop-testing.md for why each part is there.

In CI (CI=true) a missing tool is a failure; elsewhere the tests that need it are skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(*tools: str) -> None:
    """Skip (or, in CI, fail) unless every tool is on PATH."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"desktop tools missing: {', '.join(missing)} (scripts/test installs them)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def wait_for(check: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise TimeoutError(f"timed out waiting for {what}")


# Each part runs in a process group of its own, which ``stop()`` ends. A test run killed
# outright (``timeout``, SIGKILL) runs no ``finally``: this watchdog, in a session of its
# own, reads the parts' groups on a pipe from the run and ends them when the pipe closes
# without a last "done" line (the run died).
WATCHDOG = """
import os, signal, sys, time
groups = []
for line in sys.stdin:
    if line.strip() == "done":
        sys.exit(0)
    groups.append(int(line))
for sig in (signal.SIGTERM, signal.SIGKILL):
    for group in reversed(groups):
        try:
            os.killpg(group, sig)
        except (ProcessLookupError, PermissionError):
            pass
    time.sleep(1)
"""


@dataclass
class DesktopSession:
    """The processes of one session and the environment that reaches them."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    keyring_password: str = "session-keyring-password"
    watchdog: subprocess.Popen[str] | None = None

    # -- starting

    def _spawn(self, name: str, argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the session
        process = subprocess.Popen(
            argv, env=self.full_env(), stdout=log, stderr=log, start_new_session=True, **kwargs
        )  # type: ignore[call-overload]
        self.processes.append((name, process))
        self._watch(process.pid)
        return process

    def _watch(self, group: int) -> None:
        """Tell the watchdog about a part's process group (see WATCHDOG)."""
        if self.watchdog is None:
            self.watchdog = subprocess.Popen(
                [sys.executable, "-c", WATCHDOG],
                stdin=subprocess.PIPE,
                text=True,
                start_new_session=True,  # outside the group that ``timeout`` kills
            )
        assert self.watchdog.stdin is not None
        self.watchdog.stdin.write(f"{group}\n")
        self.watchdog.stdin.flush()

    def _start(
        self,
        name: str,
        argv: list[str],
        ready: Callable[[], bool],
        *,
        attempts: int = 2,
        stdin_data: bytes | None = None,
    ) -> subprocess.Popen[bytes]:
        """Spawn a part and wait until ``ready()``; a part that dies or hangs while starting
        (seen once for openbox on a fresh machine) is started again, and a second failure
        says what the part printed."""
        for attempt in range(1, attempts + 1):
            if stdin_data is None:
                process = self._spawn(name, argv)
            else:
                process = self._spawn(name, argv, stdin=subprocess.PIPE)
                assert process.stdin is not None
                process.stdin.write(stdin_data)
                process.stdin.close()

            def up(process: subprocess.Popen[bytes] = process) -> bool:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}")
                return ready()

            try:
                wait_for(up, name, timeout=15)
                return process
            except (TimeoutError, RuntimeError) as exc:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
                self.processes.remove((name, process))
                log = (self.root / f"{name}.log").read_text(errors="replace")[-2000:]
                if attempt == attempts:
                    raise TimeoutError(f"{name} did not start ({exc}); it said: {log}") from None
        raise AssertionError("unreachable")

    def full_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def start_x(self, size: str = "1280x800") -> None:
        require("Xvfb", "xdpyinfo")
        for number in range(90 + os.getpid() % 50, 400):
            if (
                not Path(f"/tmp/.X11-unix/X{number}").exists()
                and not Path(f"/tmp/.X{number}-lock").exists()
            ):
                break
        display = f":{number}"
        self.env["DISPLAY"] = display
        self._start(
            "xvfb",
            ["Xvfb", display, "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
            lambda: self.run_ok(["xdpyinfo"]),
        )

    def start_dbus(self) -> None:
        require("dbus-daemon", "dbus-send")
        address = f"unix:path={self.root}/bus"
        self.env["DBUS_SESSION_BUS_ADDRESS"] = address
        self._start(
            "dbus",
            ["dbus-daemon", "--session", "--nofork", f"--address={address}"],
            lambda: Path(f"{self.root}/bus").exists() and self.has_owner("org.freedesktop.DBus"),
        )

    def start_keyring(self) -> None:
        require("gnome-keyring-daemon")
        password = self.keyring_password.encode()
        self._start(
            "gnome-keyring",
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            lambda: self.has_owner("org.freedesktop.secrets"),
            stdin_data=password,
        )

    def start_window_manager(self) -> None:
        require("openbox", "xprop")
        self._start(
            "openbox",
            ["openbox", "--sm-disable"],
            lambda: "_NET_SUPPORTING_WM_CHECK(WINDOW)" in self.output(["xprop", "-root"]),
        )

    def start_tray(self) -> None:
        require("trayer", "xdotool")
        self._start(
            "trayer",
            [
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "pixel",
                "--width",
                "200",
                "--heighttype",
                "pixel",
                "--height",
                "32",
                "--SetDockType",
                "true",
                "--transparent",
                "false",
            ],
            self._tray_has_owner,
        )

    def _tray_has_owner(self) -> bool:
        from Xlib import display as xdisplay

        try:
            connection = xdisplay.Display(self.env["DISPLAY"])
        except Exception:
            return False
        try:
            atom = connection.intern_atom("_NET_SYSTEM_TRAY_S0")
            return bool(connection.get_selection_owner(atom))
        finally:
            connection.close()

    def start_notifications(self) -> None:
        require("dunst")
        self._start("dunst", ["dunst"], lambda: self.has_owner("org.freedesktop.Notifications"))

    # -- helpers

    def run_ok(self, argv: list[str]) -> bool:
        return (
            subprocess.run(
                argv, env=self.full_env(), capture_output=True, check=False, timeout=10
            ).returncode
            == 0
        )

    def output(self, argv: list[str]) -> str:
        return subprocess.run(
            argv, env=self.full_env(), capture_output=True, text=True, check=False, timeout=10
        ).stdout

    def python(self, script: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """Run ``script`` in a Python of this test run, inside the session; it must succeed."""
        return subprocess.run(
            [sys.executable, "-c", script],
            env=self.full_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def has_owner(self, name: str) -> bool:
        reply = self.output(
            [
                "dbus-send",
                "--session",
                "--dest=org.freedesktop.DBus",
                "--print-reply",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                f"string:{name}",
            ]
        )
        return "boolean true" in reply

    def stop(self) -> None:
        for _, process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self.processes.clear()
        if self.watchdog is not None:
            assert self.watchdog.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self.watchdog.stdin.write("done\n")
                self.watchdog.stdin.close()
            self.watchdog.wait(10)
            self.watchdog = None


@contextlib.contextmanager
def desktop_session(
    *,
    x: bool = True,
    keyring: bool = True,
    window_manager: bool = True,
    tray: bool = False,
    notifications: bool = False,
    screen: str = "1280x800",
):  # type: ignore[no-untyped-def]
    """Start the parts asked for, in the documented order; stop them all afterwards."""
    root = Path(tempfile.mkdtemp(prefix="traycodes-desktop-"))
    home = root / "home"
    runtime = root / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    session = DesktopSession(
        root,
        env={
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        },
    )
    try:
        if x:
            session.start_x(screen)
        session.start_dbus()
        if keyring:
            session.start_keyring()
        if x and window_manager:
            session.start_window_manager()
        if x and tray:
            session.start_tray()
        if notifications:
            session.start_notifications()
        yield session
    finally:
        session.stop()
        shutil.rmtree(root, ignore_errors=True)
