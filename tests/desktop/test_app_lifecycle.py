"""The app from its first start to its last on a real desktop: unlocking, creating a vault,
the screen lock, SIGTERM, autostart, the settings, import and QR export windows, a change
on disk, and the windows' child process or the Tk loop of the app's own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.apphelper import (
    GITHUB_KEY,
    TrayApp,
    expected_codes,
)
from tests.desktop.session import DesktopSession, require, wait_for

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]


def test_unlock_window_without_keyring(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg", keyring=False)
    app.init_default()
    app.start(unlocked=False)
    wait_for(lambda: app.state()["password_window"], "the unlock window")
    assert app.state()["menu"] == ["Unlock…", "Quit"]
    wait_for(lambda: app.window_named("traycodes: unlock") is not None, "it on screen")
    app.wait_focused("traycodes: unlock")
    app.type_text("wrong")
    app.type_keys("Return")
    wait_for(lambda: "the password tried is wrong" in app.output(), "the wrong password tried")
    state = app.state()
    assert state["locked"]
    assert state["password_window"]
    app.screenshot("unlock-wrong-password.png")
    app.type_text("pw")
    app.type_keys("Return")
    wait_for(lambda: not app.state()["locked"], "the vault to unlock")
    assert not app.state()["password_window"]
    assert app.stop() == 0


def test_first_start_creates_a_vault(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.start(unlocked=False)
    wait_for(
        lambda: app.window_named("traycodes: create your vault") is not None, "the create window"
    )
    app.wait_focused("traycodes: create your vault")
    app.type_text("secret one")
    app.type_keys("Tab")
    app.type_text("secret one")
    app.type_keys("Return")
    try:
        wait_for(lambda: not app.state()["locked"], "the new vault")
    except (AssertionError, TimeoutError):
        app.process.send_signal(signal.SIGUSR1)  # the app prints its threads' stacks
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: "most recent call first" in app.output(), "the stacks", timeout=5)
        raise AssertionError(app.output()[-6000:]) from None
    assert app.vault.is_file()
    # the first-run window says what to do next, and the empty menu says it too
    wait_for(lambda: app.window_named("Welcome to traycodes") is not None, "the welcome")
    menu = app.state()["menu"]
    assert "Ctrl+Alt+O types the code for the window in front" in menu, menu
    app.wait_focused("Welcome to traycodes")
    app.type_keys("Escape")
    wait_for(lambda: app.window_named("Welcome to traycodes") is None, "the welcome to close")
    assert (app.root / "first-run-shown").is_file()  # once: remembered by the settings
    assert app.stop() == 0
    listed = app.cli("list", "--json")  # the keyring slot was made too
    assert listed.stdout.strip() == "[]"


def lock_the_screen(app: TrayApp) -> None:
    """What a screen locker says on the session bus when it locks."""
    app.run(
        "dbus-send",
        "--session",
        "--type=signal",
        "/org/freedesktop/ScreenSaver",
        "org.freedesktop.ScreenSaver.ActiveChanged",
        "boolean:true",
    )


def test_screen_lock_signal_locks_the_vault(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    # The watcher subscribes right after start: the locker says it until it is heard.
    wait_for(lambda: lock_the_screen(app) or app.state()["locked"], "the vault to lock")
    assert app.stop() == 0


def test_sigterm_and_quit_leave_nothing_behind(make_app, desktop) -> None:  # type: ignore[no-untyped-def]
    socket_path = Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock"
    app = make_app(backend="gtk", settings="clipboard_seconds = 60\n")
    app.init_default()
    app.start()
    assert socket_path.exists()
    app.open_window("show", "traycodes")
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "a code copied")
    app.process.send_signal(signal.SIGTERM)
    assert app.process.wait(20) == 0
    assert not socket_path.exists()
    assert app.clipboard() == ""
    assert app.tray_icon() is None
    assert not list(app.root.glob("*.tmp"))
    assert "Traceback" not in app.output()


def test_autostart_entry_is_valid_and_launches_the_app(make_app, desktop) -> None:  # type: ignore[no-untyped-def]
    from traycodes.desktop._xdg import parse_exec

    require("desktop-file-validate")
    app = make_app(backend="xorg")
    app.init_default()
    assert app.cli("autostart", "status").stdout.strip() == "off"
    done = app.cli("autostart", "on")
    entry = Path(desktop.env["XDG_CONFIG_HOME"]) / "autostart" / "io.github.traycodes.desktop"
    assert done.stdout.strip() == f"on: {entry}"
    valid = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert valid.returncode == 0, valid.stdout + valid.stderr
    command = parse_exec(entry.read_text())
    assert "--vault" in command  # a non-default vault is kept
    launched = subprocess.Popen(
        command,
        env={k: v for k, v in app.env.items() if k != "TRAYCODES_VAULT"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(app.answers_without_process, "the app started from the entry", timeout=20)
        wait_for(lambda: not app.request("state")["locked"], "the keyring unlock", timeout=20)
        assert app.request("state")["records"] == 2
        app.request("quit")
        assert launched.wait(20) == 0
    finally:
        launched.kill()
    app.cli("autostart", "off")
    assert not entry.exists()


def test_settings_window_validates_and_saves(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.open_window("settings", "traycodes: settings")
    # The window opens with the first field (clipboard seconds) selected: typing replaces.
    app.type_text("abc")
    app.type_keys("Return")
    # Refused, still open: the keys below reach the same window in order after it, and
    # only a window still open saves the 7 (one that took "abc" would have closed).
    app.state()  # the windows' loop has handled the keys above
    app.screenshot("settings-refused.png")
    app.type_keys("ctrl+slash")  # Tk's select-all
    app.type_text("7")
    app.type_keys("Return")
    wait_for(lambda: app.window_named("traycodes: settings") is None, "the window to close")
    assert "clipboard_seconds = 7" in app.config.read_text()
    assert "abc" not in app.config.read_text()
    assert app.stop() == 0


def test_a_change_on_disk_reaches_the_menu(make_app) -> None:  # type: ignore[no-untyped-def]
    """Another device (here: another process) changes the synced file: the running app
    notices without polling, merges conflict copies, and shows the result."""
    import shutil

    app = make_app(backend="gtk")
    app.init_default()
    app.start()
    assert len(app.state()["menu"]) == 9
    app.cli("add", "otpauth://totp/Dropbox:me?secret=MFRGGZDFMZTWQ2LK&issuer=Dropbox")
    wait_for(
        lambda: any(line.startswith("Dropbox (me)") for line in app.state()["menu"]),
        "the new account in the menu",
        timeout=10,
    )
    conflict = app.vault.with_name("vault (conflicted copy 2026-11-28).tcv")
    backups = sorted((app.root / "vault.tcv.backups").iterdir())
    shutil.copy(backups[-1], conflict)  # a copy from before the change: adds nothing new
    app.cli("add", "otpauth://totp/Slack:me?secret=MFRGGZDFMZTWQ2LL&issuer=Slack")
    wait_for(lambda: not conflict.exists(), "the conflict copy to be merged and removed")
    wait_for(
        lambda: any(line.startswith("Slack (me)") for line in app.state()["menu"]),
        "the next change in the menu",
    )
    assert any(line.startswith("Dropbox (me)") for line in app.state()["menu"])
    # A conflict copy appearing while the app runs is merged by the app itself.
    shutil.copy(backups[-1], conflict)
    wait_for(lambda: not conflict.exists(), "the app to merge the new conflict copy")
    assert sum(line.startswith(("Dropbox", "Slack")) for line in app.state()["menu"]) == 2
    assert app.stop() == 0


def test_import_from_the_menu(make_app) -> None:  # type: ignore[no-untyped-def]
    from traycodes.formats import writers
    from traycodes.model import Entry, OtpParams

    app = make_app(backend="xorg")
    app.init_default()
    export = app.root / "aegis.json"
    export.write_bytes(
        writers.write_aegis(
            [Entry(otp=OtpParams(b"imported-secret!"), issuer="Imported", account="me")], "pw"
        )
    )
    app.start()
    app.request("import")
    chooser = app.wait_window("traycodes: import")
    app.wait_focused("traycodes: import")
    app.type_text(str(export))
    app.type_keys("Return")
    app.wait_new_window("traycodes: import", chooser)  # the password window
    app.wait_focused("traycodes: import")
    app.type_text("pw")
    app.type_keys("Return")
    wait_for(
        lambda: any(line.startswith("Imported (me)") for line in app.state()["menu"]),
        "the imported account in the menu",
    )
    app.screenshot("import-report.png")
    app.type_keys("Return")  # the report's OK
    assert app.stop() == 0


def qr_texts(app: TrayApp) -> list[str]:
    """What the QR codes on screen say."""
    import zxingcpp
    from PIL import Image

    with Image.open(app.screenshot("export-qr-window.png")) as shot:
        return [r.text for r in zxingcpp.read_barcodes(shot)]


def test_export_qr_codes_in_a_window(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    refused = app.cli("export", "--format", "qr", "--show", check=False)
    assert refused.returncode == 2  # secrets on screen need a confirmation
    assert "--yes" in refused.stderr
    shown = subprocess.Popen(
        [sys.executable, "-m", "traycodes", "export", "--format", "qr", "--show", "--yes"],
        env={**app.env, "TRAYCODES_PASSWORD": "pw"},
    )
    try:
        wait_for(lambda: app.window_named("traycodes: QR export") is not None, "the window")
        app.wait_focused("traycodes: QR export", app=False)  # the export command's window
        wait_for(
            lambda: any(t.startswith("otpauth://totp/GitHub:") for t in qr_texts(app)),
            "the first code on screen",
        )
        app.type_keys("Right")
        wait_for(
            lambda: any(t.startswith("otpauth://totp/Google:") for t in qr_texts(app)),
            "the second code on screen",
        )
        app.type_keys("Escape")
        assert shown.wait(10) == 0
    finally:
        shown.kill()


def test_the_qr_export_window_closes_when_the_screen_locks(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    shown = subprocess.Popen(
        [sys.executable, "-m", "traycodes", "export", "--format", "qr", "--show", "--yes"],
        env={**app.env, "TRAYCODES_PASSWORD": "pw"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: app.window_named("traycodes: QR export") is not None, "the window")
        # The watcher subscribes as the window opens: the locker says it until it is heard.
        wait_for(lambda: lock_the_screen(app) or shown.poll() is not None, "the window to end")
        assert shown.wait(10) == 0
        assert "the screen locked" in (shown.stderr.read() if shown.stderr else "")
        assert app.window_named("traycodes: QR export") is None
    finally:
        shown.kill()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; its parent has not looked yet


def _maps_tk(pid: int) -> bool:
    return "libtk" in Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.child_ui
def test_child_windows_hold_no_vault_and_end_with_the_app(make_app) -> None:  # type: ignore[no-untyped-def]
    """The windows in a child process (as on macOS): the tray process loads no Tk, the
    child has no vault file open and no key in its command line, and it ends when the
    tray process dies, even by SIGKILL."""
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    assert app.state()["ui"] == "child"
    app.request("show")
    wait_for(lambda: app.state()["quickpick"], "the quick-pick window")
    assert app.process is not None
    (child,) = _children(app.process.pid)
    assert _maps_tk(child) and not _maps_tk(app.process.pid)
    opened = [os.readlink(fd) for fd in Path(f"/proc/{child}/fd").iterdir() if fd.exists()]
    assert not [path for path in opened if path.endswith(".tcv")]
    argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
    assert argv[1:3] == [b"-m", b"traycodes.app.uiproc"] and argv[3].isdigit()
    app.process.kill()
    app.process.wait(10)
    wait_for(lambda: not _alive(child), "the child to end", timeout=10)


@pytest.mark.child_ui
def test_a_child_that_died_is_started_again(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.request("show")
    wait_for(lambda: app.state()["quickpick"], "the quick-pick window")
    (child,) = _children(app.process.pid)
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: not _alive(child), "the child to end")
    wait_for(lambda: not app.state()["quickpick"], "the app to notice")
    app.request("show")
    wait_for(lambda: app.state()["quickpick"], "the quick-pick window again")
    assert app.stop() == 0


@pytest.mark.process_ui
def test_tk_loads_with_the_first_window(make_app) -> None:  # type: ignore[no-untyped-def]
    """Windows in the app's process: an app that shows no window never loads Tk (it
    unlocks, builds its menu and answers IPC on a plain queue loop); the first window
    loads it, and the app goes on working on Tk's loop, down to a clean quit."""
    app = make_app(backend="gtk")
    app.init_default()
    app.start()
    wait_for(lambda: not app.state()["locked"], "the keyring unlock")
    assert app.process is not None
    assert not _maps_tk(app.process.pid)
    app.request("show")
    wait_for(lambda: app.state()["quickpick"], "the quick-pick window")
    assert _maps_tk(app.process.pid)
    assert app.request("lock")["ok"]
    wait_for(lambda: app.state()["locked"], "the lock, on Tk's loop")
    assert not app.state()["quickpick"]
    assert app.stop() == 0


HAND_OFF = """
import time
from traycodes.app.loop import TkLoop
loop, seen, started = TkLoop(), [], time.monotonic()
loop.after("early", 0.4, lambda: seen.append(("early", loop.root is not None)))
loop.after("gone", 0.2, lambda: seen.append(("gone", True)))
loop.cancel("gone")
loop.after("replaced", 0.1, lambda: seen.append(("replaced-old", True)))
loop.after("replaced", 0.5, lambda: seen.append(("replaced", loop.root is not None)))
loop.post(lambda: seen.append(("queued", loop.root is None)))
loop.post(loop.root_window)
loop.post(lambda: seen.append(("after hand-off", loop.root is not None)))
loop.after("quit", 0.8, loop.quit)
loop.run()
loop.close()
print(seen, round(time.monotonic() - started, 1) >= 0.8)
"""


@pytest.mark.process_ui
def test_the_loop_hands_its_timers_and_queue_to_tk(desktop: DesktopSession) -> None:
    """The app's loop starts without Tk; when a window makes the Tk root, timers still
    pending fire on Tk's loop (cancelled and replaced ones do not), and work posted
    before and after runs in order."""
    done = desktop.python(HAND_OFF)
    assert done.stdout.strip() == (
        "[('queued', True), ('after hand-off', True), ('early', True), ('replaced', True)] True"
    )
