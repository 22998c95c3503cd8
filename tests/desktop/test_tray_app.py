"""The tray app on a real desktop: Xvfb, openbox, trayer, D-Bus, gnome-keyring, dunst.

Both the gtk backend (menus) and the xorg backend (icon only) are driven with xdotool and
read back with xclip, xwininfo and screenshots (saved in test-artifacts/).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import (
    GITHUB_KEY,
    GOOGLE_KEY,
    TrayApp,
    expected_codes,
    grouped,
)
from tests.desktop.session import DesktopSession, require, wait_for

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]


@pytest.fixture
def make_app(desktop: DesktopSession, tmp_path: Path) -> Iterator[object]:
    apps: list[TrayApp] = []

    def make(**options: object) -> TrayApp:
        root = tmp_path / f"app{len(apps)}"
        root.mkdir()
        app = TrayApp(desktop, root, **options)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.kill()
    runtime = Path(desktop.env["XDG_RUNTIME_DIR"])
    (runtime / "traycodes.sock").unlink(missing_ok=True)


@pytest.mark.parametrize("backend", ["gtk", "xorg"])
def test_icon_embeds_in_the_tray(make_app, backend: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend=backend)
    app.init_default()
    app.start()
    wait_for(lambda: app.tray_icon() is not None, f"the {backend} icon in the tray", timeout=30)
    state = app.state()
    assert state["backend"] == backend
    assert state["menus"] is (backend == "gtk")
    wait_for(lambda: not state["locked"] or not app.state()["locked"], "the unlock")
    time.sleep(0.5)  # the unlocked icon replaces the padlock
    shot = app.screenshot(f"tray-{backend}.png")
    icon = app.tray_icon()
    assert icon is not None
    from PIL import Image

    x, y, width, height = icon
    with Image.open(shot) as picture:
        region = picture.convert("RGB").crop((x, y, x + width, y + height))
        pixels = [region.getpixel((i, j)) for i in range(width) for j in range(height)]
    # the app icon's teal (18, 110, 130) is what the tray shows there, not the panel's grey
    teal = [
        p for p in pixels if abs(p[0] - 18) < 40 and abs(p[1] - 110) < 40 and abs(p[2] - 130) < 40
    ]
    assert len(teal) > len(pixels) // 4, f"{len(teal)} of {len(pixels)} pixels are the icon's"
    assert app.stop() == 0
    said = [line for line in app.output().splitlines() if "-CRITICAL" in line or "-WARNING" in line]
    assert not said, said  # GTK's complaints (a start printed a Gdk-CRITICAL line)


XORG_ICON = """
import json, sys, threading, time
import pystray._xorg
from traycodes.app.tray import make_icon, tray_image

icon = make_icon(type("B", (), {"name": "xorg", "module": pystray._xorg}), tray_image(locked=True),
                 "traycodes", None)
users, docks = set(), []
protocol = icon._display.display  # every request, flush and reply of the loop's connection
for name in ("send_request", "send_and_recv"):
    def spy(*args, _original=getattr(protocol, name), **kwargs):
        users.add(threading.current_thread().name)
        return _original(*args, **kwargs)
    setattr(protocol, name, spy)
dock = icon._dock_window
icon._dock_window = lambda: (docks.append(1), dock())[1]

def setup(icon):
    icon.visible = True
    for locked in (False, True, False):  # as the app does on unlock, lock, unlock
        time.sleep(0.2)
        icon.icon = tray_image(locked=locked)
    icon.stop()

icon.run(setup=setup)
print(json.dumps({"users": sorted(users), "docks": len(docks)}))
"""


def test_the_xorg_icons_connection_is_used_by_its_loop_alone(desktop: DesktopSession) -> None:
    """pystray's xorg icon sends its loop a message over the loop's own X connection from
    the calling thread; python-xlib then now and then leaves the loop waiting forever for a
    reply, and the icon sits in the tray unpainted (1 start in 5 here). traycodes' icon
    hands calls over without touching that connection, and docks once, not again with each
    new image (trayer re-embedded it every time: a flicker)."""
    import json

    done = desktop.python(XORG_ICON, timeout=60)
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["users"] == ["MainThread"], done.stderr  # the loop's thread
    assert found["docks"] == 1


def test_state_over_ipc_carries_no_codes(make_app) -> None:  # type: ignore[no-untyped-def]
    """Another process that reaches the socket learns what the app shows, but not a code
    (only an app started with TRAYCODES_DIAGNOSTICS=codes, as the tests do, says them)."""
    app = make_app(backend="xorg")
    del app.env["TRAYCODES_DIAGNOSTICS"]
    app.init_default()
    app.start()
    app.request("enrol", link=f"otpauth://totp/Google:x?secret={GOOGLE_KEY}&issuer=Google")
    wait_for(lambda: app.state()["enrol"] is not None, "the enrolment dialog")
    wait_for(lambda: "•••" in app.state()["enrol"]["preview"], "its masked preview")
    state = app.state()
    assert state["menu"][:2] == ["GitHub (octocat)   ••• •••", "Google (me@gmail.com)   ••• •••"]
    text = repr(state)
    for key in (GITHUB_KEY, GOOGLE_KEY):
        for code in expected_codes(key):
            assert code not in text.replace(" ", "") and grouped(code) not in text
    assert app.stop() == 0


def test_menu_lists_codes_and_a_click_copies(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="gtk", settings="clipboard_seconds = 3\n")
    app.init_default()
    app.start()
    wait_for(lambda: app.tray_icon() is not None, "the icon", timeout=30)
    menu = app.state()["menu"]
    github = {f"GitHub (octocat)   {grouped(c)}" for c in expected_codes(GITHUB_KEY)}
    assert menu[0] in github
    assert menu[1].startswith("Google (me@gmail.com)   ")
    assert menu[2:] == [
        "Search…",
        "Add account…",
        "Import…",
        "Lock",
        "Start at login",
        "Settings…",
        "Quit",
    ]
    app.click_icon(3)  # right click: gtk opens the menu
    time.sleep(0.6)
    app.screenshot("tray-gtk-menu.png")
    app.type_keys("Down", "Return")  # the first entry: GitHub
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "the code on the clipboard")
    # ... and gone after clipboard_seconds.
    wait_for(lambda: app.clipboard() == "", "the clipboard to clear", timeout=8)
    assert app.stop() == 0


def click_until_open(app: TrayApp) -> None:
    """Click the xorg icon until the quick-pick window opens: a click that lands while the
    tray host is still settling the freshly docked icon is lost (seen once in CI)."""
    for _ in range(3):
        app.click_icon(1)
        try:
            wait_for(lambda: app.state()["quickpick"], "the quick-pick window", timeout=7)
        except TimeoutError:
            continue
        return
    raise AssertionError("three clicks on the icon opened no quick-pick window")


def right_click_until_menu(app: TrayApp) -> list[str]:
    """Right-click the xorg icon until traycodes' own popup menu is up (a click that lands
    while the tray host settles the freshly docked icon is lost); its top-level texts."""
    for _ in range(3):
        app.click_icon(3)
        try:
            wait_for(lambda: app.state().get("tray_menu"), "the popup menu", timeout=7)
        except TimeoutError:
            continue
        return list(app.state()["tray_menu"])
    raise AssertionError("three right-clicks on the icon opened no menu")


def test_xorg_icon_has_a_menu_without_pygobject(make_app) -> None:  # type: ignore[no-untyped-def]
    """pystray's plain X11 icon has no menu: a right-click opens traycodes' own (the same
    menu model in a Tk popup), so an install without PyGObject still has Quit, Lock and
    the codes; a pick acts like the desktop menus' (copy, quit)."""
    app = make_app(backend="xorg", settings="clipboard_seconds = 3\n")
    app.init_default()
    app.start()
    wait_for(lambda: app.tray_icon() is not None, "the icon", timeout=30)
    shown = right_click_until_menu(app)
    github = {f"GitHub (octocat)   {grouped(c)}" for c in expected_codes(GITHUB_KEY)}
    assert shown[0].partition("  (")[0] in github, shown  # "  (7 s)" in a period's last 10 s
    assert shown[1].startswith("Google (me@gmail.com)   ")
    assert shown[2:] == [
        "Search…", "Add account…", "Import…", "Lock", "Start at login", "Settings…", "Quit",
    ]  # fmt: skip
    app.screenshot("tray-xorg-menu.png")
    app.type_keys("Down", "Return")  # the first entry: GitHub
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "the code on the clipboard")
    wait_for(lambda: not app.state().get("tray_menu"), "the menu to close")
    right_click_until_menu(app)
    app.type_keys("Escape")  # closes it, and nothing is picked
    wait_for(lambda: not app.state().get("tray_menu"), "Esc to close the menu")
    assert not app.state()["locked"]
    right_click_until_menu(app)
    app.type_keys("Up", "Up", "Return")  # Tk: the first Up picks the first entry, then Quit
    assert app.process is not None
    wait_for(lambda: app.process is not None and app.process.poll() is not None, "Quit to end it")
    assert app.stop() == 0


def test_xorg_click_opens_quickpick_filter_and_enter(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg", settings="clipboard_seconds = 3\n")
    app.init_default()
    app.start()
    wait_for(lambda: app.tray_icon() is not None, "the icon", timeout=30)
    click_until_open(app)
    wait_for(lambda: app.window_named("traycodes") is not None, "the window on screen")
    app.wait_focused("traycodes")
    app.type_text("goo")
    time.sleep(0.3)
    app.screenshot("quickpick-filtered.png")
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GOOGLE_KEY), "Google's code copied")
    assert not app.state()["quickpick"]  # Enter closes the window
    wait_for(lambda: app.clipboard() == "", "the clipboard to clear", timeout=8)
    assert app.stop() == 0


def test_quickpick_keys_and_escape(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window")
    app.wait_focused("traycodes")
    app.type_keys("Down", "Return")  # the second row: Google
    wait_for(lambda: app.clipboard() in expected_codes(GOOGLE_KEY), "Google's code copied")
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window again")
    app.wait_focused("traycodes")
    app.type_keys("Escape")
    wait_for(lambda: not app.state()["quickpick"], "Esc to close the window")
    assert app.stop() == 0


def test_quickpick_search_takes_the_common_editing_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+A selects all (Tk on X11 moved to the line start: typing then prepended) and
    Ctrl+Backspace deletes a word; what is left filters the rows."""
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window")
    app.wait_focused("traycodes")
    app.type_text("zzz")
    app.type_keys("ctrl+a")
    app.type_text("goo")  # replaces the selection: "goo", not "goozzz"
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GOOGLE_KEY), "Google's code copied")
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window again")
    app.wait_focused("traycodes")
    app.type_text("goo zzz")
    app.type_keys("ctrl+BackSpace", "ctrl+BackSpace")  # "zzz", then "goo ": nothing left
    app.type_text("git")
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "GitHub's code copied")
    assert app.stop() == 0


def test_quickpick_closes_when_it_loses_focus(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window")
    app.wait_focused("traycodes")
    other = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import tkinter as t; r=t.Tk(); "
            "r.title('other'); r.after(8000, r.destroy); r.mainloop()",
        ],
        env=app.env,
    )
    try:
        # By its id: a search that walks the tree again dies with BadWindow when some
        # window vanishes meanwhile (wait_window's search is tried again; this would not).
        other_id = app.wait_window("other")
        app.run("xdotool", "windowactivate", "--sync", other_id)
        wait_for(lambda: not app.state()["quickpick"], "the window to close on focus loss")
    finally:
        other.kill()
    assert app.stop() == 0


def test_second_start_shows_the_first(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    assert not app.state()["quickpick"]
    second = subprocess.run(
        [sys.executable, "-m", "traycodes"],
        env=app.env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert second.returncode == 0, second.stderr
    wait_for(lambda: app.state()["quickpick"], "the first app's window")
    assert app.process.poll() is None
    assert app.stop() == 0


def test_lock_clears_the_menu_and_the_clipboard(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="gtk", settings="clipboard_seconds = 60\n")
    app.init_default()
    app.start()
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window")
    app.wait_focused("traycodes")
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "a code copied")
    assert app.request("lock")["ok"]
    state = app.state()
    assert state["locked"]
    assert state["menu"] == ["Unlock…", "Quit"]
    assert app.clipboard() == ""
    app.screenshot("tray-locked.png")
    assert app.stop() == 0


def test_menu_changes_across_a_period_boundary(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="gtk")
    app.init_default()
    app.start()
    # Drive the app's clock (the clock_offset setting) to about 2 s before a boundary.
    offset = int(30 - time.time() % 30 - 2) % 30
    app.config.write_text(f"clock_offset = {offset}\n")
    assert app.request("reload-settings")["ok"]
    before = app.state()["menu"][0]
    assert before.removeprefix("GitHub (octocat)   ").replace(" ", "") in expected_codes(
        GITHUB_KEY, offset
    )
    wait_for(lambda: app.state()["menu"][0] != before, "the menu to change", timeout=6)
    after = app.state()["menu"][0].removeprefix("GitHub (octocat)   ").replace(" ", "")
    assert after in expected_codes(GITHUB_KEY, offset)
    assert app.stop() == 0


def test_large_vault_goes_into_submenus(make_app) -> None:  # type: ignore[no-untyped-def]
    from traycodes.model import Entry, OtpParams
    from traycodes.uri import format_migration

    app = make_app(backend="gtk", settings="menu_size = 5\n")
    entries = [
        Entry(otp=OtpParams(bytes([n]) * 10), issuer=f"Site{n:02d}", account="user")
        for n in range(1, 41)
    ]
    app.init(format_migration(entries))  # one Google Authenticator export: one command
    app.start()
    menu = app.state()["menu"]
    top = [line for line in menu if not line.startswith(" ")]
    assert top[:5] == [line for line in top[:5] if line.startswith("Site0")]
    assert top[5] == "More (35)"
    assert "  S (35)" in menu
    assert sum(1 for line in menu if line.startswith("    Site")) == 25
    assert "    10 more: Search…" in menu
    assert app.stop() == 0


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
    time.sleep(1.0)
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
    time.sleep(0.3)
    app.type_text("secret one")
    app.type_keys("Tab")
    app.type_text("secret one")
    app.type_keys("Return")
    try:
        wait_for(lambda: not app.state()["locked"], "the new vault")
    except (AssertionError, TimeoutError):
        app.process.send_signal(signal.SIGUSR1)  # the app prints its threads' stacks
        time.sleep(1)
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
    time.sleep(0.5)  # the watcher subscribes right after start
    lock_the_screen(app)
    wait_for(lambda: app.state()["locked"], "the vault to lock")
    assert app.stop() == 0


def test_sigterm_and_quit_leave_nothing_behind(make_app, desktop) -> None:  # type: ignore[no-untyped-def]
    socket_path = Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock"
    app = make_app(backend="gtk", settings="clipboard_seconds = 60\n")
    app.init_default()
    app.start()
    assert socket_path.exists()
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the window")
    app.wait_focused("traycodes")
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


def test_doctor_reports_each_part(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="gtk")
    app.init_default()
    done = app.cli("doctor", check=False)
    lines = done.stdout.splitlines()
    parts = [line.split()[1] for line in lines]
    for part in (
        "display",
        "tray",
        "keyring",
        "hotkeys",
        "clipboard",
        "QR",
        "start",
        "vault",
        "backups",
        "settings",
    ):
        assert part in parts, done.stdout
    assert any(line.startswith("OK") and "gtk (menus)" in line for line in lines)
    assert any(line.startswith("OK") and "SecretService" in line for line in lines)
    settings_row = next(line for line in lines if line.split()[1] == "settings")
    assert settings_row.endswith(str(app.config)), settings_row
    assert done.returncode == 0, done.stdout
    app.config.unlink()  # no settings file yet: the defaults, and doctor says so
    rows = app.cli("doctor", check=False).stdout.splitlines()
    settings_row = next(line for line in rows if line.split()[1] == "settings")
    assert settings_row.startswith("OK") and "defaults (no file yet" in settings_row, settings_row


def test_settings_window_validates_and_saves(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.request("settings")
    wait_for(lambda: app.window_named("traycodes: settings") is not None, "the settings")
    time.sleep(0.3)
    # The window opens with the first field (clipboard seconds) selected: typing replaces.
    app.type_text("abc")
    app.type_keys("Return")
    time.sleep(0.5)
    assert app.window_named("traycodes: settings") is not None  # refused, still open
    app.screenshot("settings-refused.png")
    app.type_keys("ctrl+slash")  # Tk's select-all
    app.type_text("7")
    app.type_keys("Return")
    wait_for(lambda: app.window_named("traycodes: settings") is None, "the window to close")
    assert "clipboard_seconds = 7" in app.config.read_text()
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
    wait_for(lambda: app.window_named("traycodes: import") is not None, "the file chooser")
    time.sleep(0.5)
    app.type_text(str(export))
    app.type_keys("Return")
    wait_for(lambda: app.window_named("traycodes: import") is not None, "the password")
    time.sleep(0.5)
    app.type_text("pw")
    app.type_keys("Return")
    wait_for(
        lambda: any(line.startswith("Imported (me)") for line in app.state()["menu"]),
        "the imported account in the menu",
    )
    app.screenshot("import-report.png")
    app.type_keys("Return")  # the report's OK
    assert app.stop() == 0


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
        time.sleep(0.4)
        app.type_keys("Right")
        time.sleep(0.3)
        shot = app.screenshot("export-qr-window.png")
        import zxingcpp
        from PIL import Image

        texts = [r.text for r in zxingcpp.read_barcodes(Image.open(shot))]
        assert any(t.startswith("otpauth://totp/Google:") for t in texts)  # the second code
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
        time.sleep(0.5)  # the watcher subscribes as the window opens
        lock_the_screen(app)
        assert shown.wait(10) == 0
        assert "the screen locked" in (shown.stderr.read() if shown.stderr else "")
        assert app.window_named("traycodes: QR export") is None
    finally:
        shown.kill()


def notifications(app: TrayApp) -> str:
    """What dunst has shown since it started (its history), as JSON text."""
    done = subprocess.run(
        ["dunstctl", "history"], capture_output=True, text=True, env=app.env, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_copy_notification_names_the_account_not_the_code(make_app) -> None:  # type: ignore[no-untyped-def]
    require("dunstctl")
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    app.request("show")
    wait_for(lambda: app.window_named("traycodes") is not None, "the quick-pick window")
    time.sleep(0.3)
    app.type_text("goo")
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GOOGLE_KEY), "Google's code copied")
    copied = app.clipboard()
    wait_for(lambda: "Copied the code for Google" in notifications(app), "the notification")
    shown = notifications(app)
    assert copied not in shown and grouped(copied) not in shown
    assert app.stop() == 0


def test_lock_closes_every_window_that_shows_a_secret(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="xorg")
    app.init_default()
    app.start()
    link = f"otpauth://totp/GitLab:dev?secret={GITHUB_KEY}&issuer=GitLab"
    app.request("enrol", link=link)
    wait_for(lambda: app.window_named("traycodes: add account") is not None, "the dialog")
    assert app.request("lock")["ok"]
    wait_for(lambda: app.state()["locked"], "the lock")
    state = app.state()
    assert state["enrol"] is None and not state["chooser"] and not state["quickpick"]
    wait_for(lambda: app.window_named("traycodes: add account") is None, "the dialog gone")
    assert app.stop() == 0


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
