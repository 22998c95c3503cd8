"""A start with PyGObject on an X11 desktop whose tray is XEmbed only (trayer): the icon
and its GTK menu, and nothing from GTK or GDK on the terminal.

Every such start used to print ``Gdk-CRITICAL **: gdk_window_thaw_toplevel_updates:
assertion 'window->update_and_descendants_freeze_count > 0' failed``: AppIndicator, with no
StatusNotifierItem host to serve, falls back to a GtkStatusIcon and then renames the icon
it has already shown (``gtk_status_icon_set_name`` unrealizes and maps its window again),
which GDK's map bookkeeping reports (seen with G_DEBUG=fatal-criticals under gdb). Without a
host the app now makes GTK's XEmbed icon itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.desktop.apphelper import TrayApp
from tests.desktop.session import DesktopSession, wait_for

pytestmark = pytest.mark.desktop

NOISE = re.compile(r"\b(Gtk|Gdk|GLib|GLib-GObject|Gio)-(CRITICAL|WARNING)\b")


def test_a_start_on_an_xembed_tray_prints_nothing_from_gtk(
    desktop: DesktopSession, tmp_path: Path
) -> None:
    pytest.importorskip("gi", reason="PyGObject (the gtk extra) is not installed")
    app = TrayApp(desktop, tmp_path, backend="")  # chosen, as users start it
    app.init_default()
    app.start()
    try:
        state = app.state()
        assert (state["backend"], state["menus"]) == ("gtk", True), app.output()
        wait_for(lambda: app.tray_icon() is not None, "the icon in the tray", timeout=30)
        # a change made on the icon's loop after it was mapped: the map has been handled
        app.request("lock")
        wait_for(lambda: app.state()["locked"], "the lock")
    finally:
        assert app.stop() == 0
    said = app.output()
    assert "traycodes" in said  # the log is there (TRAYCODES_LOG=debug): a positive control
    assert not [line for line in said.splitlines() if NOISE.search(line)], said[-3000:]
