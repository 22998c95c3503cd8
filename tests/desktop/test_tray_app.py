"""The tray icon and its menu on a real desktop: Xvfb, openbox, trayer, D-Bus,
gnome-keyring, dunst (the quick-pick window: test_quickpick.py; starting, locking, the
other windows and stopping: test_app_lifecycle.py).

Both the gtk backend (menus) and the xorg backend (icon only) are driven with xdotool and
read back with xclip, xwininfo and screenshots (saved in test-artifacts/).
"""

from __future__ import annotations

import time

import pytest

from tests.desktop.apphelper import (
    GITHUB_KEY,
    GOOGLE_KEY,
    TrayApp,
    expected_codes,
    grouped,
)
from tests.desktop.session import DesktopSession, wait_for

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]


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
    # the unlocked icon replaces the padlock: the app icon's teal is what the tray shows
    # there, not the panel's grey
    wait_for(lambda: teal_share(app, f"tray-{backend}.png") > 0.25, "the icon drawn", timeout=10)
    assert app.stop() == 0
    said = [line for line in app.output().splitlines() if "-CRITICAL" in line or "-WARNING" in line]
    assert not said, said  # GTK's complaints (a start printed a Gdk-CRITICAL line)


def teal_share(app: TrayApp, name: str) -> float:
    """The share of the icon's pixels in a screenshot (saved as ``name``) that are the app
    icon's teal (18, 110, 130)."""
    from PIL import Image

    icon = app.tray_icon()
    if icon is None:
        return 0.0
    x, y, width, height = icon
    with Image.open(app.screenshot(name)) as picture:
        region = picture.convert("RGB").crop((x, y, x + width, y + height))
        pixels = [region.getpixel((i, j)) for i in range(width) for j in range(height)]
    teal = [
        p for p in pixels if abs(p[0] - 18) < 40 and abs(p[1] - 110) < 40 and abs(p[2] - 130) < 40
    ]
    return len(teal) / max(1, len(pixels))


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
    before = app.on_screen()
    app.click_icon(3)  # right click: gtk opens the menu
    wait_for(lambda: bool(app.on_screen() - before), "the menu on screen")
    app.screenshot("tray-gtk-menu.png")
    app.type_keys("Down", "Return")  # the first entry: GitHub
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "the code on the clipboard")
    # ... and gone after clipboard_seconds.
    wait_for(lambda: app.clipboard() == "", "the clipboard to clear", timeout=8)
    assert app.stop() == 0


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


def test_lock_clears_the_menu_and_the_clipboard(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend="gtk", settings="clipboard_seconds = 60\n")
    app.init_default()
    app.start()
    app.open_window("show", "traycodes")
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
