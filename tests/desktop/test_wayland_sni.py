"""The ``sni`` backend (no PyGObject: a plain ``pipx install``) under a real headless sway
with waybar's tray as the StatusNotifierWatcher and host: waybar registers the item, the
DBusMenu layout read back as waybar's libdbusmenu reads it holds the menu model's entries,
a menu opened while a code has under 10 s left says them, and a "clicked" event on Lock
locks the app."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.desktop.apphelper import GITHUB_KEY, expected_codes, grouped
from tests.desktop.session import wait_for
from tests.desktop.test_wayland import LINKS, WaylandApp
from tests.desktop.wayland import WaylandSession, wayland_session

pytestmark = pytest.mark.desktop

READ = """
import json, sys
from jeepney import DBusAddress, Properties, new_method_call
from jeepney.io.blocking import open_dbus_connection
c = open_dbus_connection(bus="SESSION")
watcher = DBusAddress("/StatusNotifierWatcher", bus_name="org.kde.StatusNotifierWatcher",
                      interface="org.kde.StatusNotifierWatcher")
items = c.send_and_get_reply(Properties(watcher).get("RegisteredStatusNotifierItems")).body[0][1]
labels = {}
for item in items:
    name, _, path = item.partition("/")
    address = DBusAddress("/" + path, bus_name=name, interface="org.kde.StatusNotifierItem")
    menu = c.send_and_get_reply(Properties(address).get("Menu")).body[0][1]
    menu = DBusAddress(menu, bus_name=name, interface="com.canonical.dbusmenu")
    if sys.argv[1:] == ["open"]:  # as a host shows the menu: AboutToShow, then "opened"
        c.send_and_get_reply(new_method_call(menu, "AboutToShow", "i", (0,)))
        c.send_and_get_reply(new_method_call(menu, "Event", "isvu", (0, "opened", ("i", 0), 0)))
    layout = c.send_and_get_reply(new_method_call(menu, "GetLayout", "iias", (0, -1, []))).body[1]
    def walk(node):
        number, props, children = node
        if "label" in props:
            labels[props["label"][1]] = number
        for child in children:
            walk(child[1])
    walk(layout)
    if len(sys.argv) > 1 and sys.argv[1] != "open":
        click = (labels[sys.argv[1]], "clicked", ("i", 0), 0)
        c.send_and_get_reply(new_method_call(menu, "Event", "isvu", click))
print(json.dumps({"items": items, "labels": labels}))
"""


@pytest.fixture(scope="module")
def sway() -> Iterator[WaylandSession]:
    with wayland_session() as session:
        yield session


@pytest.fixture
def app(sway: WaylandSession) -> Iterator[WaylandApp]:
    hide = sway.root / "nogi"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['gi'] = None\n")
    for path in (hide, hide / "sitecustomize.py"):
        sway.chown(path)
    app = WaylandApp(sway)
    sway.env.update({"PYTHONPATH": str(hide), "TRAYCODES_TRAY_BACKEND": "sni"})
    app.cli("init", "--password-stdin", stdin="pw\n")
    for link in LINKS:
        app.cli("add", link, TRAYCODES_PASSWORD="pw")
    app.start()
    try:
        yield app
    finally:
        app.stop()


def test_waybar_hosts_the_sni_item_and_its_menu_locks_the_app(
    sway: WaylandSession, app: WaylandApp
) -> None:
    assert app.state()["backend"] == "sni"

    def read(*click: str) -> dict[str, Any]:
        done = sway.run([sway.python, "-c", READ, *click])
        assert done.returncode == 0, done.stderr[-800:]
        found: dict[str, Any] = json.loads(done.stdout)
        return found

    wait_for(lambda: bool(read()["items"]), "waybar to register the item", timeout=20)
    labels = list(read()["labels"])
    codes = {grouped(code) for code in expected_codes(GITHUB_KEY)}
    github = [label for label in labels if label.startswith("GitHub")]
    assert github and any(code in github[0] for code in codes), labels
    for entry in ("Search…", "Add account…", "Lock", "Quit"):
        assert entry in labels, labels
    wait_for(lambda: 6.5 < 30 - time.time() % 30 < 9, "a code with under 10 s left", timeout=35)
    opened = [label for label in read("open")["labels"] if label.startswith("GitHub")]
    assert re.fullmatch(r"GitHub \(octocat\)   \d{3} \d{3}  \([5-9] s\)", opened[0]), opened
    assert not app.state()["locked"]
    read("Lock")
    wait_for(lambda: app.state()["locked"], "Lock clicked in the menu to lock the app")
