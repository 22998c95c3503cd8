"""traycodes as users install and start it, on the test desktop: the launcher that
'traycodes desktop on' puts in the app menu, started by the desktop's own launcher
(gtk-launch), and a 'pipx install .' (no extras: no PyGObject) whose command starts the tray
app, with an icon whose right-click menu works."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import TrayApp
from tests.desktop.session import DesktopSession, require, wait_for
from tests.paths import SOURCE
from traycodes.desktop._xdg import parse_exec

pytestmark = pytest.mark.desktop


@pytest.fixture
def app(desktop: DesktopSession, tmp_path: Path) -> Iterator[TrayApp]:
    tray = TrayApp(desktop, tmp_path, backend="xorg")
    tray.env["XDG_DATA_HOME"] = str(tmp_path / "data")
    tray.env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    tray.init_default()
    yield tray
    tray.kill()


def right_click_until_menu(app: TrayApp) -> list[str]:
    """Right-click the icon until traycodes' popup menu is up (a click that lands while the
    tray host settles the freshly docked icon is lost); its top-level texts."""
    for _ in range(3):
        app.click_icon(3)
        try:
            wait_for(lambda: app.state().get("tray_menu"), "the popup menu", timeout=7)
        except TimeoutError:
            continue
        return list(app.state()["tray_menu"])
    raise AssertionError("three right-clicks on the icon opened no menu")


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_app_menu_launcher_starts_traycodes(app: TrayApp) -> None:
    require("gtk-launch", "desktop-file-validate")
    data = Path(app.env["XDG_DATA_HOME"])
    data.mkdir()
    before = files_under(data)
    assert app.cli("desktop", "on").stdout.startswith("on: ")
    entry = data / "applications" / "io.github.traycodes.desktop"
    assert subprocess.run(["desktop-file-validate", str(entry)], check=False).returncode == 0
    # the desktop's own launcher runs the Exec line, as a click in the app menu would
    launched = subprocess.Popen(
        ["gtk-launch", "io.github.traycodes"],
        env=app.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(app.answers_without_process, "the launched app's IPC socket", timeout=30)
        wait_for(lambda: not app.state()["locked"], "the launched app to unlock", timeout=20)
        wait_for(lambda: app.tray_icon() is not None, "its icon in the tray", timeout=30)
    finally:
        if app.answers_without_process():
            app.request("quit")
        launched.wait(20)
    wait_for(lambda: not app.answers_without_process(), "the app to quit", timeout=20)
    assert app.cli("desktop", "status").stdout.startswith("on: ")
    assert app.cli("desktop", "off").stdout.strip() == "off"
    assert files_under(data) == before


def test_pipx_install_gives_a_command_that_starts_the_tray_app(
    app: TrayApp, tmp_path: Path
) -> None:
    """What the README tells users: 'pipx install .' from the checkout, with pipx from
    PyPI, into a PIPX_HOME and PIPX_BIN_DIR of the test's own."""
    env = {
        **app.env,
        "PIPX_HOME": str(tmp_path / "pipx"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONSAFEPATH", None)
    done = subprocess.run(
        [sys.executable, "-m", "pipx", "install", "--python", sys.executable, str(SOURCE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    command = tmp_path / "bin" / "traycodes"
    assert command.is_file()
    venv = tmp_path / "pipx" / "venvs" / "traycodes"
    assert os.path.realpath(command).startswith(str(venv))
    version = subprocess.run(
        [command, "--version"], env=env, capture_output=True, text=True, check=False
    )
    assert version.returncode == 0 and version.stdout.startswith("traycodes "), version.stderr
    listed = subprocess.run([command, "list"], env=env, capture_output=True, text=True, check=False)
    assert listed.returncode == 0 and "GitHub" in listed.stdout, listed.stderr
    app.env["TRAYCODES_TRAY_BACKEND"] = ""  # chosen, as users start it: no PyGObject here
    app.start(command=[str(command)])
    try:
        wait_for(lambda: app.tray_icon() is not None, "the icon in the tray", timeout=30)
        state = app.state()
        assert state["backend"] == "xorg" and state["records"] == 2
        # no extras, and still a menu: a right-click opens traycodes' own, and Lock locks
        shown = right_click_until_menu(app)
        assert shown[2:5] == ["Search…", "Add account…", "Import…"] and "Lock" in shown, shown
        app.type_keys(*["Down"] * (shown.index("Lock") + 1), "Return")  # Tk: Down 1 = entry 0
        wait_for(lambda: app.state()["locked"], "Lock from the menu to lock the app")
        # its entries launch the command pipx keeps across upgrades (on PATH, as
        # ~/.local/bin is), not the path of the venv behind it
        on_path = {**env, "PATH": f"{tmp_path / 'bin'}{os.pathsep}{env['PATH']}"}
        done = subprocess.run(
            [command, "autostart", "on"], env=on_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        autostart = Path(app.env["XDG_CONFIG_HOME"]) / "autostart" / "io.github.traycodes.desktop"
        assert parse_exec(autostart.read_text())[0] == str(command)
    finally:
        assert app.stop() == 0
