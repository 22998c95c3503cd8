"""The app-menu launcher (Linux: a .desktop file and hicolor icons; Windows: a Start-menu
shortcut, with a fake PowerShell), the command every entry launches, and the entries that
macOS refuses instead of installing them to fail."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from traycodes import desktop
from traycodes.desktop._win32 import CREATE_SHORTCUT, StartMenuShortcut
from traycodes.desktop._xdg import XdgLauncher, parse_exec

COMMAND = ["/home/me/.local/bin/traycodes", "--vault", "/home/me/Sync/my vault.tcv"]


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_launcher_writes_the_entry_and_every_icon_size(tmp_path: Path) -> None:
    launcher = XdgLauncher(tmp_path)
    assert not launcher.enabled()
    launcher.enable(COMMAND)
    assert launcher.enabled()
    text = launcher.path.read_text()
    assert parse_exec(text) == COMMAND
    assert "Icon=io.github.traycodes\n" in text
    assert "[Desktop Action add-account]" in text
    action = text.split("[Desktop Action add-account]")[1]
    assert parse_exec(action) == [*COMMAND, "enrol"]
    from PIL import Image

    for size, path in launcher.icon_paths().items():
        assert path.parent.name == "apps" and path.parent.parent.name == f"{size}x{size}"
        with Image.open(path) as image:
            assert image.size == (size, size)


def test_launcher_entry_is_valid(tmp_path: Path) -> None:
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        if os.environ.get("CI") == "true" and sys.platform == "linux":
            pytest.fail("desktop-file-validate is missing (scripts/test installs it)")
        pytest.skip("desktop-file-validate is not installed")
    launcher = XdgLauncher(tmp_path)
    launcher.enable(COMMAND)
    done = subprocess.run(
        [validate, str(launcher.path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_off_removes_exactly_what_on_wrote(tmp_path: Path) -> None:
    others = tmp_path / "icons" / "hicolor" / "48x48" / "apps" / "firefox.png"
    others.parent.mkdir(parents=True)
    others.write_bytes(b"someone else's")
    (tmp_path / "applications").mkdir()
    (tmp_path / "applications" / "other.desktop").write_text("[Desktop Entry]\n")
    before = tree(tmp_path)
    launcher = XdgLauncher(tmp_path)
    launcher.enable(COMMAND)
    written = set(tree(tmp_path)) - set(before)
    assert written == {str(p.relative_to(tmp_path)) for p in launcher.files()}
    launcher.enable(COMMAND)  # again: replaces, adds nothing
    assert set(tree(tmp_path)) - set(before) == written
    launcher.disable()
    assert tree(tmp_path) == before
    launcher.disable()  # quiet when off


class FakePowerShell:
    def __init__(self, status: int = 0) -> None:
        self.calls: list[tuple[list[str], dict[str, str]]] = []
        self.status = status

    def __call__(self, argv: list[str], env: dict[str, str]) -> int:
        self.calls.append((argv, env))
        if self.status == 0:
            Path(env["TRAYCODES_LNK"]).parent.mkdir(parents=True, exist_ok=True)
            Path(env["TRAYCODES_LNK"]).write_bytes(b"L\0\0\0")  # what the shell would write
        return self.status


def test_start_menu_shortcut_passes_values_outside_the_script(tmp_path: Path) -> None:
    shell = FakePowerShell()
    command = ["C:\\Program Files\\Python311\\python.exe", "-m", "traycodes", "--vault", "$(x)'"]
    shortcut = StartMenuShortcut(str(tmp_path / "roaming"), str(tmp_path / "local"), run=shell)
    shortcut.enable(command)
    ((argv, env),) = shell.calls
    assert argv[-1] == CREATE_SHORTCUT  # fixed text: nothing of the user's inside it
    assert env["TRAYCODES_TARGET"].endswith("pythonw.exe")  # no console window
    assert env["TRAYCODES_ARGS"] == "-m traycodes --vault $(x)'"
    assert Path(env["TRAYCODES_LNK"]).parts[-3:] == ("Start Menu", "Programs", "traycodes.lnk")
    from PIL import Image

    with Image.open(io.BytesIO(Path(env["TRAYCODES_ICON"]).read_bytes())) as icon:
        assert icon.format == "ICO"
        assert (256, 256) in icon.info["sizes"] and (16, 16) in icon.info["sizes"]
    assert shortcut.enabled()
    shortcut.disable()
    assert not shortcut.enabled() and not Path(env["TRAYCODES_ICON"]).exists()


def test_start_menu_shortcut_failure_is_one_error(tmp_path: Path) -> None:
    shortcut = StartMenuShortcut(str(tmp_path), str(tmp_path), run=FakePowerShell(status=1))
    with pytest.raises(desktop.DesktopError, match="PowerShell could not create"):
        shortcut.enable(["traycodes.exe"])


def test_macos_runs_the_windows_in_a_child_and_says_what_needs_a_bundle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """macOS: the tray app runs (its windows in a child process, the menu bar on the main
    thread); start at login is a LaunchAgent; the app menu and otpauth: links need an app
    bundle, which traycodes has not, and say so."""
    from traycodes.app.start import ui_in_child
    from traycodes.desktop._darwin import LaunchAgentAutostart

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.delenv("TRAYCODES_UI_PROCESS", raising=False)
    assert ui_in_child()
    platform = desktop.platform()
    assert isinstance(desktop.required(platform.autostart)(), LaunchAgentAutostart)
    for part in (platform.link_handler, platform.launcher):
        with pytest.raises(desktop.DesktopError, match="bundle"):
            desktop.required(part)


def test_the_windows_live_in_the_apps_process_elsewhere_unless_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from traycodes.app.start import ui_in_child

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("TRAYCODES_UI_PROCESS", raising=False)
    assert not ui_in_child()
    monkeypatch.setenv("TRAYCODES_UI_PROCESS", "child")
    assert ui_in_child()


def test_entries_launch_the_command_a_reinstall_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pipx links ~/.local/bin/traycodes into its venv: that link, not the venv's path,
    goes into the entries, so 'pipx reinstall' (a new venv) does not break them."""
    installed = Path(sys.executable).with_name("traycodes")
    if not installed.is_file():
        pytest.skip("no traycodes command beside this Python")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "traycodes").symlink_to(installed)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert desktop.launch_command() == [str(bin_dir / "traycodes")]
    # a traycodes on PATH from another installation is not ours to launch
    other = tmp_path / "other"
    other.mkdir()
    (other / "traycodes").write_text("#!/bin/sh\n")
    (other / "traycodes").chmod(0o755)
    monkeypatch.setenv("PATH", f"{other}{os.pathsep}{os.environ['PATH']}")
    assert desktop.launch_command() == [str(installed)]
