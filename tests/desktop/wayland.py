"""A real headless sway session for tests, with XWayland, D-Bus, gnome-keyring and waybar.

sway refuses to run as root, and CI runs as root: so the compositor, the app and every
client run as an unprivileged user of their own (made here with ``useradd``), with their own
``XDG_RUNTIME_DIR`` and ``HOME``. That user cannot reach the pyenv Python in root's home, so
traycodes is installed for it into a venv of Debian's ``python3`` (with its system packages,
for Debian's PyGObject), from the same wheel the rest of the suite tests. See
../shared/reference/browser-and-wayland.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.session import IN_CI, DesktopSession, require, wait_for
from tests.paths import INSTALLED, SOURCE, WHEEL

USER = "traycodes-wl"
SYSTEM_PYTHON = "/usr/bin/python3"
TOOLS = ("sway", "swaymsg", "wtype", "wl-copy", "wl-paste", "grim", "foot", "waybar", "Xwayland")
HOTKEY = "Ctrl+Alt+o"  # bound in sway's config to `traycodes type`


def _user() -> pwd.struct_passwd | None:
    """The unprivileged test user (made when missing); None when not root (then the tests
    run as whoever runs them)."""
    if os.getuid() != 0:
        return None
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(USER)


def user_venv() -> Path:
    """Debian's python3 in a venv that the test user can run, with traycodes installed from
    the wheel under test (or, with ``scripts/test --dev``, from the checkout). Kept between
    runs while what it was installed from is the same."""
    if not Path(SYSTEM_PYTHON).exists():
        message = "Debian's python3 is missing (scripts/test installs it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    source = Path(WHEEL) if INSTALLED and WHEEL else SOURCE
    if source.is_file():
        stamp = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    else:
        stamp = str(time.time())  # a checkout: always installed afresh
    venv = Path(tempfile.gettempdir()) / "traycodes-wayland-venv"
    if (venv / "stamp").is_file() and (venv / "stamp").read_text() == stamp:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin/pip"), "install", "-q", "--disable-pip-version-check", str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (venv / "stamp").write_text(stamp)
    for path in [venv, *venv.rglob("*")]:
        with contextlib.suppress(OSError):
            mode = path.stat().st_mode
            path.chmod(mode | 0o044 | (0o011 if mode & 0o100 else 0))
    return venv


def writes_into(path: Path) -> bool:
    """Some process has ``path`` open as its standard output."""
    for stdout in Path("/proc").glob("[0-9]*/fd/1"):
        try:
            if os.readlink(stdout) == str(path):
                return True
        except OSError:
            continue
    return False


class WaylandSession(DesktopSession):
    """The processes of one sway session, all run as the test user."""

    account: pwd.struct_passwd | None = None
    venv: Path = Path()
    sway_pid: int = 0

    def full_env(self) -> dict[str, str]:
        """Only the session's own variables (not root's: its pyenv, its display)."""
        return {"LANG": "C.UTF-8", "TERM": "xterm-256color", **self.env}

    def as_user(self) -> dict[str, Any]:
        if self.account is None:
            return {}
        return {
            "user": self.account.pw_uid,
            "group": self.account.pw_gid,
            "extra_groups": [],
        }

    def _spawn(self, name: str, argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        # in a folder of the user's: scripts/test runs pytest from a private (0700) folder,
        # which a client sway starts could not even enter
        return super()._spawn(name, argv, **kwargs, cwd=self.root, **self.as_user())

    def script(self, name: str) -> Path:
        """A helper script of tests/desktop, copied where the test user can read it."""
        copy = self.root / name
        if not copy.exists():
            shutil.copy(Path(__file__).with_name(name), copy)
            self.chown(copy)
        return copy

    def run(
        self,
        argv: list[str],
        *,
        input: str = "",
        env: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv,
            env={**self.full_env(), **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            cwd=self.root,
            **self.as_user(),
        )

    def run_ok(self, argv: list[str]) -> bool:
        return self.run(argv, timeout=10).returncode == 0

    def output(self, argv: list[str]) -> str:
        return self.run(argv, timeout=10).stdout

    @property
    def traycodes(self) -> str:
        return str(self.venv / "bin/traycodes")

    @property
    def python(self) -> str:
        return str(self.venv / "bin/python")

    # -- sway and its clients

    def start_sway(self, config: str) -> None:
        runtime = Path(self.env["XDG_RUNTIME_DIR"])
        path = self.root / "sway.conf"
        path.write_text(config)
        self.chown(path)
        env = {"WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1"}
        self.env.update(env)
        self.env.pop("DISPLAY", None)
        self.env.pop("WAYLAND_DISPLAY", None)

        def up() -> bool:
            sockets = list(runtime.glob("sway-ipc.*.sock"))
            displays = [p for p in runtime.glob("wayland-*") if not p.name.endswith(".lock")]
            if not (sockets and displays):
                return False
            self.env["SWAYSOCK"] = str(sockets[0])
            self.env["WAYLAND_DISPLAY"] = displays[0].name
            return self.run_ok(["swaymsg", "-t", "get_version"])

        process = self._start("sway", ["sway", "--config", str(path)], up)
        self.sway_pid = process.pid
        # sway hands the XWayland display to what it starts: ask it
        where = self.root / "display"
        self.swaymsg(f"exec echo $DISPLAY > {where}")
        wait_for(lambda: where.is_file() and where.read_text().strip() != "", "XWayland's DISPLAY")
        self.env["DISPLAY"] = where.read_text().strip()
        self.env["XDG_SESSION_TYPE"] = "wayland"
        self.env["XDG_CURRENT_DESKTOP"] = "sway"

    def swaymsg(self, *args: str) -> str:
        done = self.run(["swaymsg", *args], timeout=10)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    def tree(self) -> dict[str, Any]:
        return dict(json.loads(self.swaymsg("-t", "get_tree", "--raw")))

    def focused_title(self) -> str:
        def walk(node: dict[str, Any]) -> str | None:
            if node.get("focused"):
                return str(node.get("name") or "")
            for child in (*node.get("nodes", ()), *node.get("floating_nodes", ())):
                found = walk(child)
                if found is not None:
                    return found
            return None

        return walk(self.tree()) or ""

    def start_waybar(self) -> None:
        config = self.root / "waybar.json"
        config.write_text(json.dumps({"layer": "top", "modules-right": ["tray"], "tray": {}}))
        self.chown(config)
        self._start(
            "waybar",
            ["waybar", "--config", str(config)],
            lambda: self.has_owner("org.kde.StatusNotifierWatcher"),
        )

    def stop_part(self, name: str) -> None:
        for part, process in list(self.processes):
            if part == name:
                process.terminate()
                process.wait(10)
                self.processes.remove((part, process))

    def chown(self, path: Path) -> None:
        if self.account is not None:
            os.chown(path, self.account.pw_uid, self.account.pw_gid)

    def foot(self, title: str, name: str) -> Path:
        """A foot terminal titled ``title`` in front, whose input (raw, unechoed) goes to
        a file; returns that file."""
        out = self.root / f"{name}.typed"
        out.write_text("")
        self.chown(out)
        script = f"stty -icanon -echo min 1; exec cat > {out}"
        self.swaymsg(f"exec foot --title '{title}' --app-id {name} sh -c '{script}'")
        wait_for(lambda: self.focused_title() == title, f"the window “{title}”", timeout=15)
        # the shell has run stty once cat (exec'd after it) writes into the file
        wait_for(lambda: writes_into(out), f"the terminal “{title}” reading", timeout=15)
        return out

    def close_focused(self) -> None:
        self.swaymsg("kill")

    def press_hotkey(self) -> None:
        """Press the shortcut bound to ``traycodes type`` through the virtual keyboard, as a
        user would on a real keyboard."""
        done = self.run(["wtype", "-M", "ctrl", "-M", "alt", "-k", "o", "-m", "alt", "-m", "ctrl"])
        assert done.returncode == 0, done.stderr


def sway_config(session: WaylandSession, extra: str = "") -> str:
    return "\n".join(
        [
            "output HEADLESS-1 resolution 1280x800",
            "xwayland enable",
            "focus_on_window_activation focus",
            f"bindsym {HOTKEY} exec {session.traycodes} type",
            f"bindsym Ctrl+Alt+p exec {session.traycodes} pick",
            extra,
        ]
    )


@contextlib.contextmanager
def wayland_session(*, waybar: bool = True, keyring: bool = True, config_extra: str = ""):  # type: ignore[no-untyped-def]
    """sway (headless, pixman), D-Bus, gnome-keyring and waybar, as the test user."""
    require(*TOOLS, "dbus-daemon", "dbus-send", "gnome-keyring-daemon")
    account = _user()
    venv = user_venv()
    root = Path(tempfile.mkdtemp(prefix="traycodes-wayland-"))
    home = root / "home"
    runtime = root / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    if account is not None:
        for path in (root, home, runtime):
            os.chown(path, account.pw_uid, account.pw_gid)
    session = WaylandSession(
        root,
        env={
            "HOME": str(home),
            "USER": USER if account else os.environ.get("USER", ""),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin",
        },
    )
    session.account = account
    session.venv = venv
    try:
        session.start_dbus()
        if keyring:
            session.start_keyring()
        session.start_sway(sway_config(session, config_extra))
        if waybar:
            session.start_waybar()
        yield session
    finally:
        session.stop()
        shutil.rmtree(root, ignore_errors=True)
