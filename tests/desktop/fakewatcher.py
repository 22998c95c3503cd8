"""A fake ``org.kde.StatusNotifierWatcher`` (the part of a tray host that items register
with, as KDE's and waybar's do) on a real dbus-daemon, and a client that reads an item's
menu back over ``com.canonical.dbusmenu`` the way waybar's tray (libdbusmenu) does:
``GetLayout`` of the whole tree, then ``Event(id, "clicked", …)`` for a click; a menu
shown is ``AboutToShow(0)`` and ``Event(0, "opened", …)``, until ``Event(0, "closed", …)``.
"""

from __future__ import annotations

import contextlib
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    MessageType,
    Properties,
    message_bus,
    new_error,
    new_method_call,
    new_method_return,
)
from jeepney.io.blocking import Proxy, open_dbus_connection

from tests.desktop.fakebus import FakeService

WATCHER = "org.kde.StatusNotifierWatcher"


class FakeWatcher(FakeService):
    """Owns the watcher's name and keeps the items that register (``bus name/path``)."""

    def __init__(self, address: str) -> None:
        self.items: list[str] = []
        super().__init__(address, [WATCHER])

    def answer(self, message: Any) -> None:
        fields = message.header.fields
        member = fields.get(HeaderFields.member)
        if member == "RegisterStatusNotifierItem":
            service = str(message.body[0])
            if not service.startswith("/"):  # a bus name: the item is at its usual path
                service = f"{fields[HeaderFields.sender]}/StatusNotifierItem"
            else:  # a path (libappindicator): on the caller's connection
                service = f"{fields[HeaderFields.sender]}{service}"
            self.items.append(service)
            self.connection.send(new_method_return(message))
        elif member == "Get" and message.body[1] == "RegisteredStatusNotifierItems":
            self.connection.send(new_method_return(message, "v", (("as", self.items),)))
        elif member == "Get" and message.body[1] == "IsStatusNotifierHostRegistered":
            self.connection.send(new_method_return(message, "v", (("b", True),)))
        else:
            error = "org.freedesktop.DBus.Error.UnknownMethod"
            self.connection.send(new_error(message, error, "s", (str(member),)))


class MenuClient:
    """Reads a registered item's menu and clicks its entries, as a tray host does."""

    def __init__(self, address: str, item: str) -> None:
        self.connection = open_dbus_connection(bus=address)
        self.name, _, path = item.partition("/")
        self.item = DBusAddress(
            "/" + path, bus_name=self.name, interface="org.kde.StatusNotifierItem"
        )
        reply = self.connection.send_and_get_reply(Properties(self.item).get("Menu"), timeout=5)
        self.menu = DBusAddress(
            reply.body[0][1], bus_name=self.name, interface="com.canonical.dbusmenu"
        )
        self.updates = self.connection.filter(
            MatchRule(type="signal", interface="com.canonical.dbusmenu", member="LayoutUpdated")
        )
        self.changes = self.connection.filter(
            MatchRule(
                type="signal", interface="com.canonical.dbusmenu", member="ItemsPropertiesUpdated"
            )
        )
        rule = MatchRule(type="signal", interface="com.canonical.dbusmenu")
        Proxy(message_bus, self.connection).AddMatch(rule)

    def close(self) -> None:
        self.connection.close()

    def item_property(self, name: str) -> Any:
        reply = self.connection.send_and_get_reply(Properties(self.item).get(name), timeout=5)
        return reply.body[0][1]

    def labels(self) -> dict[str, int]:
        """Every entry's label (submenus included) and its id."""
        call = new_method_call(self.menu, "GetLayout", "iias", (0, -1, []))
        reply = self.connection.send_and_get_reply(call, timeout=5)
        assert reply.header.message_type == MessageType.method_return, reply.body
        found: dict[str, int] = {}

        def walk(node: Any) -> None:
            number, props, children = node
            if "label" in props:
                found[props["label"][1]] = number
            for child in children:
                walk(child[1])

        walk(reply.body[1])
        return found

    def click(self, number: int) -> None:
        self.event(number, "clicked")

    def event(self, number: int, name: str) -> None:
        call = new_method_call(self.menu, "Event", "isvu", (number, name, ("i", 0), 0))
        self.connection.send_and_get_reply(call, timeout=5)

    def about_to_show(self, number: int = 0) -> bool:
        """The host is about to show the menu; whether the item says to read it again."""
        call = new_method_call(self.menu, "AboutToShow", "i", (number,))
        reply = self.connection.send_and_get_reply(call, timeout=5)
        assert reply.header.message_type == MessageType.method_return, reply.body
        return bool(reply.body[0])

    def changed_labels(self) -> list[str]:
        """The labels sent in ItemsPropertiesUpdated since the last call."""
        with contextlib.suppress(TimeoutError):
            self.connection.recv_messages(timeout=0.05)
        found = []
        while self.changes.queue:
            updated, _removed = self.changes.queue.popleft().body
            found += [props["label"][1] for _number, props in updated if "label" in props]
        return found

    def activate(self) -> None:
        call = new_method_call(self.item, "Activate", "ii", (0, 0))
        self.connection.send_and_get_reply(call, timeout=5)

    def layout_updated(self) -> bool:
        """A LayoutUpdated signal has come since the last call."""
        with contextlib.suppress(TimeoutError):
            self.connection.recv_messages(timeout=0.05)
        if self.updates.queue:
            self.updates.queue.clear()
            return True
        return False
