"""The ``sni`` tray backend on a real D-Bus session: without PyGObject, where a
StatusNotifierItem host is there, the icon registers with the host's watcher and serves
its menu over DBusMenu, and a host reading it back (as waybar does) sees the codes, copies
one with a click, quits with Quit, and opens the quick-pick window with Activate.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import GITHUB_KEY, TrayApp, expected_codes, grouped
from tests.desktop.fakewatcher import FakeWatcher, MenuClient
from tests.desktop.session import DesktopSession, wait_for

pytestmark = pytest.mark.desktop


@pytest.fixture
def watcher(desktop: DesktopSession) -> Iterator[FakeWatcher]:
    fake = FakeWatcher(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        yield fake
    finally:
        fake.close()


def without_gi(app: TrayApp, root: Path) -> None:
    """The app as after a plain ``pipx install``: PyGObject cannot be imported."""
    hide = root / "nogi"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['gi'] = None\n")
    path = app.env.get("PYTHONPATH", "")
    app.env["PYTHONPATH"] = os.pathsep.join(p for p in (str(hide), path) if p)
    app.env["TRAYCODES_TRAY_BACKEND"] = ""  # chosen, not forced


def test_without_pygobject_the_menu_is_served_over_dbusmenu(
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
            assert client.item_property("IconPixmap"), "no icon image"
            assert client.item_property("ToolTip")[2] == "traycodes"
            labels = client.labels()
            shown = [label for label in labels if label.startswith("GitHub")]
            assert shown, labels
            codes = {grouped(code) for code in expected_codes(GITHUB_KEY)}
            assert any(code in shown[0] for code in codes), shown

            client.click(labels[shown[0]])
            wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "the code copied")

            client.activate()
            wait_for(lambda: app.window_named("traycodes") is not None, "the quick-pick window")
            app.type_keys("Escape")

            client.layout_updated()  # drain
            app.request("lock")
            wait_for(client.layout_updated, "LayoutUpdated after the lock")
            assert "Unlock…" in client.labels()

            client.click(client.labels()["Quit"])
            process = app.process
            assert process is not None
            wait_for(lambda: process.poll() is not None, "the app to quit", timeout=15)
            assert process.returncode == 0, app.output()
        finally:
            client.close()
    finally:
        app.stop()
