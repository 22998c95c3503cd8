"""Drive a real traycodes app process on the test desktop: start it, ask it over IPC,
find its tray icon and windows with xdotool, read the clipboard with xclip."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.desktop.session import DesktopSession, wait_for
from tests.paths import ARTIFACTS

GITHUB_KEY = "JBSWY3DPEHPK3PXP"
GOOGLE_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
QUICKPICK_TITLES = ("traycodes", "traycodes: choose")  # the quick-pick and the chooser
UI_PROCESS = "process"  # or "child": set by the ui_mode fixture (conftest.py)


class TrayApp:
    """A vault, a settings file, and the app process using them."""

    def __init__(
        self,
        session: DesktopSession,
        root: Path,
        *,
        backend: str = "gtk",
        settings: str = "",
        keyring: bool = True,
    ) -> None:
        self.session = session
        self.root = root
        self.backend = backend
        self.vault = root / "vault.tcv"
        self.config = root / "settings.toml"
        self.config.write_text(settings)
        self.env = {
            **session.full_env(),
            "TRAYCODES_VAULT": str(self.vault),
            "TRAYCODES_CONFIG": str(self.config),
            "TRAYCODES_KDF_COST": "minimum",
            "TRAYCODES_TRAY_BACKEND": backend,
            "TRAYCODES_LOG": "debug",
            "TRAYCODES_DIAGNOSTICS": "codes",  # the tests read codes from state()
            "TRAYCODES_UI_PROCESS": UI_PROCESS,
        }
        self.process: subprocess.Popen[str] | None = None
        self.keyring = keyring

    # -- the vault through the CLI

    def cli(
        self, *args: str, stdin: str = "", check: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "traycodes", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**self.env, **env},
        )
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def init(self, *links: str) -> None:
        extra = () if self.keyring else ("--no-keyring",)
        self.cli("init", "--password-stdin", *extra, stdin="pw\n")
        for link in links:
            self.cli("add", link, TRAYCODES_PASSWORD="pw")

    def init_default(self) -> None:
        self.init(
            f"otpauth://totp/GitHub:octocat?secret={GITHUB_KEY}&issuer=GitHub",
            f"otpauth://totp/Google:me@gmail.com?secret={GOOGLE_KEY}&issuer=Google",
        )

    # -- the app

    def start(self, *, unlocked: bool = True, command: list[str] | None = None) -> None:
        """Start the app (``command``: another installation's ``traycodes``)."""
        self.log = open(self.root / f"app-{self.backend}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "traycodes"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_for(self.answers, "the app's IPC socket", timeout=20)
        if unlocked:
            wait_for(lambda: not self.state()["locked"], "the app to unlock", timeout=20)

    def answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the app exited: {self.output()}")
        try:
            return bool(self.request("ping").get("ok"))
        except Exception:
            return False

    def answers_without_process(self) -> bool:
        """Some traycodes app answers on the socket (one we did not start ourselves)."""
        try:
            return bool(self.request("ping").get("ok"))
        except Exception:
            return False

    def request(self, command: str, **fields: str) -> dict[str, Any]:
        code = (
            "import json, sys; from traycodes import ipc; "
            f"print(json.dumps(ipc.request({command!r}, **{fields!r})))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-500:])
        reply: dict[str, Any] = json.loads(done.stdout)
        return reply

    def state(self) -> dict[str, Any]:
        reply = self.request("state")
        assert reply["ok"], reply
        return reply

    def notifications(self) -> str:
        """What dunst has shown since it started (its history), as JSON text."""
        done = subprocess.run(
            ["dunstctl", "history"], capture_output=True, text=True, env=self.env, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def output(self) -> str:
        log = self.root / f"app-{self.backend}.log"
        return log.read_text() if log.exists() else ""

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            try:
                self.request("quit")
            except RuntimeError:
                self.process.terminate()
        try:
            return self.process.wait(20)
        finally:
            self.log.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        # An app that a command started (``enrol`` with none running) is not ours to kill by
        # process: ask it to quit, so that a failed test leaves no app for the next one.
        if self.answers_without_process():
            with contextlib.suppress(RuntimeError):
                self.request("quit")
            wait_for(lambda: not self.answers_without_process(), "the started app to quit")

    # -- the desktop

    def run(self, *argv: str, check: bool = True) -> str:
        done = subprocess.run(
            list(argv), capture_output=True, text=True, timeout=30, env=self.env, check=False
        )
        if check:
            assert done.returncode == 0, (argv, done.stderr)
        return done.stdout

    def search(self, *criteria: str) -> list[str]:
        """Window ids from ``xdotool search``: see :func:`search`."""
        return search(self.env, *criteria)

    def tray_icon(self) -> tuple[int, int, int, int] | None:
        """(x, y, width, height) of our icon embedded in the tray, or None."""
        found = self.search("--classname", "traycodes")
        for window in found:
            info = self.run("xwininfo", "-id", window, check=False)
            fields = dict(
                line.strip().split(":", 1)
                for line in info.splitlines()
                if ":" in line
                and line.strip().startswith(("Absolute", "Width", "Height", "Map State"))
            )
            try:
                x = int(fields["Absolute upper-left X"])
                y = int(fields["Absolute upper-left Y"])
                width, height = int(fields["Width"]), int(fields["Height"])
            except (KeyError, ValueError):
                continue
            # Embedded: inside the tray panel (top edge, right side), icon-sized, mapped.
            if "IsViewable" in fields.get("Map State", "") and y < 32 and x >= 1000 and width >= 16:
                return x, y, width, height
        return None

    def click_icon(self, button: int) -> None:
        icon = self.tray_icon()
        assert icon is not None, "the icon is not in the tray"
        x, y, width, height = icon
        self.run(
            "xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", str(button)
        )

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.run("import", "-window", "root", str(path))
        return path

    def clipboard(self) -> str:
        done = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"],
            capture_output=True,
            text=True,
            timeout=10,
            env=self.env,
            check=False,
        )
        return done.stdout if done.returncode == 0 else ""

    def window_named(self, name: str) -> str | None:
        found = self.search("--onlyvisible", "--name", f"^{name}$")
        return found[-1] if found else None

    def wait_window(self, name: str, timeout: float = 10.0) -> str:
        """The id of the visible window titled ``name``, once there is one (a search that
        finds nothing because a window vanished mid-walk is tried again)."""
        found: list[str] = []

        def seen() -> bool:
            window = self.window_named(name)
            if window is not None:
                found.append(window)
            return window is not None

        wait_for(seen, f"the window {name!r}", timeout=timeout)
        return found[-1]

    def open_window(self, command: str, title: str) -> str:
        """Ask the app over IPC to open a window (``show``, ``settings``…) and wait until
        the window ``title`` is on screen with the focus; its id."""
        self.request(command)
        return self.wait_focused(title)

    def wait_focused(self, title: str, *, app: bool = True) -> str:
        """Wait until the window ``title`` is on screen and has the focus (keys go there):
        with the windows in a child process, and the Tk root made with the first window,
        the focus comes a moment after the window is mapped. Its id. ``app=False``: a
        window of a one-shot command, not of the running app (no state to ask)."""
        window = self.wait_window(title)
        wait_for(
            lambda: (
                self.run("xdotool", "getwindowfocus", "getwindowname", check=False).strip() == title
            ),
            f"{title} to have the focus",
        )
        if not app:
            return window
        if title in QUICKPICK_TITLES:
            # Its search field takes the keys a moment after the window has the focus (keys
            # before that are lost): the window says when.
            wait_for(lambda: self.state().get("quickpick_ready"), f"{title}'s search field")
        else:
            # Tk moves its own focus to the window's field when it handles the X focus
            # event. A state request is answered on the windows' loop (in the app's process
            # or the child's): once it is answered, the loop has run past that event.
            self.state()
        return window

    def wait_new_window(self, name: str, before: str, timeout: float = 10.0) -> str:
        """The id of a visible window titled ``name`` other than ``before`` (the next
        dialog of a flow whose windows share a title), once there is one."""
        found: list[str] = []

        def seen() -> bool:
            window = self.window_named(name)
            if window is not None and window != before:
                found.append(window)
            return bool(found)

        wait_for(seen, f"another window {name!r}", timeout=timeout)
        return found[-1]

    def on_screen(self) -> set[str]:
        """The ids of every window on screen (viewable), named or not."""
        return set(
            self.run("xdotool", "search", "--onlyvisible", "--name", "", check=False).split()
        )

    def type_keys(self, *keys: str) -> None:
        self.run("xdotool", "key", "--delay", "40", *keys)

    def click(self, x: int, y: int, width: int, height: int) -> None:
        """A left click in the middle of a rectangle on screen."""
        self.run("xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", "1")

    def type_text(self, text: str) -> None:
        self.run("xdotool", "type", "--delay", "40", text)


def search(env: dict[str, str], *criteria: str) -> list[str]:
    """Window ids from ``xdotool search`` (none found: ``[]``). The search walks the whole
    window tree and dies with BadWindow when a window vanishes meanwhile (another test's,
    a menu closing): such a walk is tried again, up to five times. Keep the ids a search
    gave (``windowactivate ID``) instead of chaining another walk onto a command."""
    for _ in range(5):
        done = subprocess.run(
            ["xdotool", "search", *criteria],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
            check=False,
        )
        if "BadWindow" not in done.stderr:
            return done.stdout.split()
    raise AssertionError(f"xdotool search {criteria} kept failing: {done.stderr[-300:]}")


def expected_codes(key: str, offset: float = 0.0) -> set[str]:
    """The code now and a second either side (a boundary may fall in between)."""
    from traycodes.otp import totp
    from traycodes.uri import decode_secret

    secret = decode_secret(key)
    now = time.time() + offset
    return {totp(secret, now + delta) for delta in (-1.5, 0, 1.5)}


def grouped(code: str) -> str:
    """As traycodes shows codes: two halves."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"
