"""Time left at a glance (issue 25) in the menus a tray host draws from D-Bus: the ``sni``
backend's own DBusMenu and appindicator's (libdbusmenu, from pystray's GTK menu), read
back as a host reads them (tests/desktop/fakewatcher.py). Opened while a code has under
10 s left, the menu says its seconds left; the host hears each new second while the menu
is open (ItemsPropertiesUpdated), and nothing once it is closed."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import TrayApp
from tests.desktop.fakewatcher import FakeWatcher, MenuClient
from tests.desktop.session import DesktopSession, wait_for
from tests.desktop.test_sni import without_gi

pytestmark = pytest.mark.desktop

GITHUB = re.compile(r"GitHub \(octocat\)   \d{3} \d{3}  \((\d) s\)")


@pytest.fixture
def watcher(desktop: DesktopSession) -> Iterator[FakeWatcher]:
    fake = FakeWatcher(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        yield fake
    finally:
        fake.close()


def left() -> float:
    """Seconds left of the GitHub code (period 30) by the test's clock."""
    return 30 - time.time() % 30


def seconds_in(labels: list[str]) -> list[int]:
    return [int(m.group(1)) for m in map(GITHUB.fullmatch, labels) if m]


def check_seconds_left(client: MenuClient) -> None:
    """Open the menu with 6-9 s left; the seconds shown, then counting down while it is
    open; closed, no label changes while seconds pass (the count-down is the control)."""
    wait_for(lambda: 6.5 < left() < 9, "a code with under 10 s left", timeout=35)
    client.about_to_show(0)
    client.event(0, "opened")
    opened_at = left()
    wait_for(lambda: bool(seconds_in(list(client.labels()))), "the seconds left in the menu")
    (shown,) = seconds_in(list(client.labels()))
    assert abs(shown - math.ceil(opened_at)) <= 1, (shown, opened_at)
    seen: set[int] = {shown}

    def counted_down() -> bool:
        seen.update(seconds_in(client.changed_labels()))
        return min(seen) < shown

    wait_for(counted_down, "the host told of the next second while the menu is open", 3)
    (now_shown,) = seconds_in(list(client.labels()))
    assert now_shown < shown
    client.event(0, "closed")
    client.changed_labels()  # what was on its way
    closed_at = time.monotonic()
    quiet = []
    while time.monotonic() - closed_at < 2.2:  # two whole seconds pass: two changes if open
        quiet += client.changed_labels()
        time.sleep(0.1)
    assert left() > 1.5, "the period ended during the check: run it again"
    assert quiet == [], quiet


def test_the_sni_menu_says_the_seconds_left_while_open_and_wakes_no_one_closed(
    desktop: DesktopSession, watcher: FakeWatcher, tmp_path: Path
) -> None:
    app = TrayApp(desktop, tmp_path, backend="sni")
    without_gi(app, tmp_path)
    app.init_default()
    app.start()
    try:
        assert app.state()["backend"] == "sni", app.output()
        wait_for(lambda: bool(watcher.items), "the item to register with the watcher")
        client = MenuClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"], watcher.items[0])
        try:
            check_seconds_left(client)
        finally:
            client.close()
        assert app.stop() == 0
    finally:
        app.stop()


def test_the_appindicator_menu_says_the_seconds_left_while_open_and_wakes_no_one_closed(
    desktop: DesktopSession, watcher: FakeWatcher, tmp_path: Path
) -> None:
    app = TrayApp(desktop, tmp_path, backend="appindicator")
    app.init_default()
    app.start()
    try:
        assert app.state()["backend"] == "appindicator", app.output()
        wait_for(lambda: bool(watcher.items), "the indicator to register with the watcher")
        client = MenuClient(desktop.env["DBUS_SESSION_BUS_ADDRESS"], watcher.items[-1])
        try:
            wait_for(lambda: any("GitHub" in k for k in client.labels()), "the menu")
            check_seconds_left(client)
        finally:
            client.close()
        assert app.stop() == 0
    finally:
        app.stop()


def test_the_gtk_menu_says_the_seconds_left_while_open_and_wakes_no_one_closed(
    make_app,  # type: ignore[no-untyped-def]
) -> None:
    """pystray's gtk icon (an XEmbed tray) opened with a right-click: the labels GTK has
    (read back over IPC) say the seconds left and count down; closed with Esc, no label
    changes while seconds pass."""
    app = make_app(backend="gtk")
    app.init_default()
    app.start()
    wait_for(lambda: app.tray_icon() is not None, "the icon", timeout=30)
    wait_for(lambda: 6.5 < left() < 9, "a code with under 10 s left", timeout=35)
    before = app.on_screen()
    app.click_icon(3)  # right click: gtk opens the menu
    wait_for(lambda: bool(app.on_screen() - before), "the menu on screen")
    opened_at = left()
    wait_for(lambda: bool(seconds_in(app.state()["menu_shown"])), "the seconds left in the menu")
    (shown,) = seconds_in(app.state()["menu_shown"])
    assert abs(shown - math.ceil(opened_at)) <= 1, (shown, opened_at)
    app.screenshot("tray-gtk-menu-seconds.png")
    wait_for(lambda: min(seconds_in(app.state()["menu_shown"]) or [shown]) < shown, "1 s less", 3)
    app.type_keys("Escape")
    wait_for(lambda: not (app.on_screen() - before), "the menu closed")
    relabels = app.state()["menu_relabels"]
    assert relabels >= 2  # the seconds changed while open: the control
    closed_at = time.monotonic()
    while time.monotonic() - closed_at < 2.2:  # two whole seconds pass: two changes if open
        assert app.state()["menu_relabels"] == relabels
        time.sleep(0.1)
    assert left() > 1.5, "the period ended during the check: run it again"
    assert app.stop() == 0
