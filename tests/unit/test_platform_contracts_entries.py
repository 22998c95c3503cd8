"""The Autostart, Launcher, LinkHandler and HostRegistration contracts on every
implementation: the XDG files for real (reached through ``desktop.platform()``, as the
app reaches them, in a temporary home), Windows' registry and PowerShell over fakes, and
macOS' LaunchAgents and browser folders under a temporary home."""

from __future__ import annotations

import json
import os
import plistlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.contract import windows_shell, winreg_fake
from tests.contract.autostart_contract import EntryContract, tree
from traycodes import desktop
from traycodes.desktop import Autostart, Launcher
from traycodes.desktop._darwin import LaunchAgentAutostart
from traycodes.desktop._win32 import RunKeyAutostart, StartMenuShortcut

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is Linux's")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own, its XDG folders in it, no desktop detected, no browser on
    PATH: what the parts find is what the test made."""
    home = tmp_path / "home"
    home.mkdir()
    for name, value in {
        "HOME": home,
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local/share",
        "XDG_DATA_DIRS": tmp_path / "no-system-data",
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
    }.items():
        monkeypatch.setenv(name, str(value))
    for name in ("XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "bin").mkdir()
    return home


def part(name: str) -> Any:
    """The part ``name`` of this machine's platform, made (``desktop.platform()``)."""
    factory = getattr(desktop.platform(), name)
    assert not isinstance(factory, desktop.Missing), factory
    return factory()


def desktop_exec(entry: Path, link: str = "") -> list[str]:
    """The command a desktop entry starts, as GLib does it: the Exec key's string unescaped,
    field codes expanded (``%u`` the link, quoted; ``%%`` a percent sign), then split as a
    shell would. Without PyGObject (``scripts/test --quick`` installs no gtk extra) the
    test is skipped, except in CI, where a missing part is a failure."""
    try:
        from gi.repository import GLib
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("PyGObject reads desktop entries as GLib does: 'scripts/test' installs it")

    keys = GLib.KeyFile()
    keys.load_from_file(str(entry), GLib.KeyFileFlags.NONE)
    assert keys.get_string("Desktop Entry", "Type") == "Application"
    line = keys.get_string("Desktop Entry", "Exec")
    codes = {"%%": "%", "%u": GLib.shell_quote(link) if link else "", "%U": ""}
    expanded = re.sub(r"%.", lambda m: codes.get(m.group(), ""), line)
    ok, argv = GLib.shell_parse_argv(expanded)
    assert ok
    return list(argv)


# --- Autostart and Launcher ------------------------------------------------------------------


class XdgAutostartRig:
    def __init__(self, home: Path) -> None:
        self.folder = home / ".config" / "autostart"

    def make(self) -> Autostart:
        made: Autostart = part("autostart")
        return made

    def started(self) -> list[str] | None:
        entries = sorted(self.folder.glob("*.desktop")) if self.folder.is_dir() else []
        return desktop_exec(entries[0]) if entries else None

    def files(self) -> set[str]:
        return tree(self.folder.parent)

    def break_place(self) -> None:
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        self.folder.write_text("not a folder")


class XdgLauncherRig(XdgAutostartRig):
    def __init__(self, home: Path) -> None:
        self.data = home / ".local" / "share"
        self.folder = self.data / "applications"

    def make(self) -> Launcher:
        made: Launcher = part("launcher")
        return made

    def files(self) -> set[str]:
        return tree(self.data)


class RunKeyRig:
    RUN = r"Software\Microsoft\Windows\CurrentVersion\Run"

    def __init__(self) -> None:
        self.registry = winreg_fake.FakeRegistry()
        self.registry.CreateKey(self.registry.HKEY_CURRENT_USER, self.RUN)  # Windows has it

    def make(self) -> Autostart:
        return RunKeyAutostart(self.registry)

    def started(self) -> list[str] | None:
        found = [value for value, _ in self.run_values().values()]
        return windows_shell.command_line_to_argv(found[0]) if found else None

    def run_values(self) -> dict[str, tuple[Any, int]]:
        return self.registry.keys.get(("hkcu\\" + self.RUN).lower(), {})

    def files(self) -> set[str]:
        return {f"HKCU\\{self.RUN}\\{name}" for name in self.run_values()}

    def break_place(self) -> None:
        def refuse(key: Any, sub_key: str, /) -> Any:
            raise PermissionError(5, "Access is denied")

        self.registry.CreateKey = refuse  # type: ignore[method-assign]


class FakePowerShell:
    """Runs the script StartMenuShortcut hands PowerShell as WScript.Shell would: each
    ``$s.Property = $env:NAME`` sets the shortcut's property from the environment handed
    in, and ``Save()`` writes the shortcut (here as JSON) to the path named."""

    def __call__(self, argv: list[str], env: dict[str, str]) -> int:
        assert argv[:4] == ["powershell", "-NoProfile", "-NonInteractive", "-Command"]
        script = argv[4]
        assert all(value not in script for value in env.values())  # values never in code
        (path_var,) = re.findall(r"CreateShortcut\(\$env:(\w+)\)", script)
        shortcut = {prop: env[var] for prop, var in re.findall(r"\$s\.(\w+) = \$env:(\w+)", script)}
        assert "$s.Save()" in script
        lnk = Path(env[path_var])
        if not lnk.parent.is_dir():
            return 1  # WScript.Shell does not make folders
        lnk.write_text(json.dumps(shortcut))
        return 0


class StartMenuRig:
    def __init__(self, tmp_path: Path) -> None:
        self.appdata, self.local = tmp_path / "AppData/Roaming", tmp_path / "AppData/Local"
        self.programs = self.appdata / "Microsoft/Windows/Start Menu/Programs"
        self.programs.mkdir(parents=True)  # Windows has it
        self.local.mkdir(parents=True)

    def make(self) -> Launcher:
        return StartMenuShortcut(str(self.appdata), str(self.local), run=FakePowerShell())

    def started(self) -> list[str] | None:
        links = list(self.programs.glob("*.lnk"))
        if not links:
            return None
        shortcut = json.loads(links[0].read_text())
        line = f'"{shortcut["TargetPath"]}" {shortcut["Arguments"]}'
        return [shortcut["TargetPath"], *windows_shell.command_line_to_argv(line)[1:]]

    def files(self) -> set[str]:
        return tree(self.appdata, self.local)

    def break_place(self) -> None:
        (self.local / "traycodes").write_text("not a folder")


class LaunchAgentRig:
    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path
        self.agents = tmp_path / "Library" / "LaunchAgents"

    def make(self) -> Autostart:
        return LaunchAgentAutostart(self.home)

    def started(self) -> list[str] | None:
        agents = sorted(self.agents.glob("*.plist")) if self.agents.is_dir() else []
        if not agents:
            return None
        agent = plistlib.loads(agents[0].read_bytes())
        assert agent["Label"] == agents[0].stem and agent["RunAtLoad"] is True
        return list(agent["ProgramArguments"])

    def files(self) -> set[str]:
        return tree(self.home)

    def break_place(self) -> None:
        self.agents.parent.mkdir(parents=True)
        self.agents.write_text("not a folder")


@linux_only
class TestXdgAutostart(EntryContract):
    @pytest.fixture
    def rig(self, home: Path) -> XdgAutostartRig:
        return XdgAutostartRig(home)


@linux_only
class TestXdgLauncher(EntryContract):
    @pytest.fixture
    def rig(self, home: Path) -> XdgLauncherRig:
        return XdgLauncherRig(home)


class TestWindowsRunKey(EntryContract):
    @pytest.fixture
    def rig(self) -> RunKeyRig:
        return RunKeyRig()


class TestWindowsStartMenu(EntryContract):
    @pytest.fixture
    def rig(self, tmp_path: Path) -> StartMenuRig:
        return StartMenuRig(tmp_path)


class TestMacosLaunchAgent(EntryContract):
    @pytest.fixture
    def rig(self, tmp_path: Path) -> LaunchAgentRig:
        return LaunchAgentRig(tmp_path)
