"""A tray icon over D-Bus without GTK: a StatusNotifierItem (``org.kde.StatusNotifierItem``)
with its menu served as ``com.canonical.dbusmenu``, both through ``jeepney``, registered
with ``org.kde.StatusNotifierWatcher``. This is what KDE, waybar and GNOME's AppIndicator
extension show; libappindicator does the same through GTK.

The item runs its own connection on the thread that calls :meth:`StatusNotifierItem.run`;
other threads change it (image, title, menu) and stop it. The menu is plain data
(:class:`MenuNode`); a click runs the node's ``run`` on the item's thread. While the host
shows the menu (from its ``AboutToShow`` or ``opened`` event to ``closed``), labels that
change with time (a node's ``label``) are read again each second and the changed ones
sent (``ItemsPropertiesUpdated``); while it is closed the item sleeps until a call comes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import describe

log = logging.getLogger(__name__)

ITEM_PATH = "/StatusNotifierItem"
MENU_PATH = "/MenuBar"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"
WATCHER = "org.kde.StatusNotifierWatcher"
PROPERTIES = "org.freedesktop.DBus.Properties"
LAYOUT = "(ia{sv}av)"
OPEN_LIMIT = 120.0  # a menu shown this long with no call from the host is taken as closed

INTROSPECTION = f"""<node>
 <interface name="{ITEM}">
  <method name="Activate"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="SecondaryActivate"><arg type="i" direction="in"/><arg type="i" direction="in"/>
  </method>
  <method name="ContextMenu"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>
  <method name="Scroll"><arg type="i" direction="in"/><arg type="s" direction="in"/></method>
  <property name="Category" type="s" access="read"/>
  <property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconName" type="s" access="read"/>
  <property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/>
  <property name="Menu" type="o" access="read"/>
  <signal name="NewIcon"/><signal name="NewTitle"/><signal name="NewToolTip"/>
 </interface>
 <interface name="{MENU}">
  <method name="GetLayout"><arg type="i" direction="in"/><arg type="i" direction="in"/>
   <arg type="as" direction="in"/><arg type="u" direction="out"/>
   <arg type="{LAYOUT}" direction="out"/></method>
  <method name="GetGroupProperties"><arg type="ai" direction="in"/>
   <arg type="as" direction="in"/><arg type="a(ia{{sv}})" direction="out"/></method>
  <method name="GetProperty"><arg type="i" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="out"/></method>
  <method name="Event"><arg type="i" direction="in"/><arg type="s" direction="in"/>
   <arg type="v" direction="in"/><arg type="u" direction="in"/></method>
  <method name="EventGroup"><arg type="a(isvu)" direction="in"/>
   <arg type="ai" direction="out"/></method>
  <method name="AboutToShow"><arg type="i" direction="in"/><arg type="b" direction="out"/>
  </method>
  <method name="AboutToShowGroup"><arg type="ai" direction="in"/>
   <arg type="ai" direction="out"/><arg type="ai" direction="out"/></method>
  <property name="Version" type="u" access="read"/>
  <property name="TextDirection" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconThemePath" type="as" access="read"/>
  <signal name="LayoutUpdated"><arg type="u"/><arg type="i"/></signal>
  <signal name="ItemsPropertiesUpdated"><arg type="a(ia{{sv}})"/><arg type="a(ias)"/></signal>
 </interface>
</node>
"""


@dataclass
class MenuNode:
    """One menu entry as plain data. ``run``: what a click does (None: a label);
    ``label``: the text read again as the menu opens and each second while it is open."""

    text: str = ""
    run: Callable[[], None] | None = None
    enabled: bool = True
    checked: bool | None = None  # a check mark's state; None: no check mark
    separator: bool = False
    children: list[MenuNode] = field(default_factory=list)
    label: Callable[[], str] | None = None


def pixmaps(image: Any) -> list[tuple[int, int, bytes]]:
    """A PIL image as IconPixmap entries: ARGB32 in network byte order, a few sizes."""
    from PIL import Image

    rgba = image.convert("RGBA")
    found = []
    for size in sorted({rgba.width, 32, 22}, reverse=True):
        scaled = rgba if size == rgba.width else rgba.resize((size, size), Image.Resampling.LANCZOS)
        red, green, blue, alpha = scaled.split()
        argb = Image.merge("RGBA", (alpha, red, green, blue)).tobytes()
        found.append((scaled.width, scaled.height, argb))
    return found


def _label(text: str) -> str:
    return text.replace("_", "__")  # dbusmenu labels take "_" as a mnemonic


class StatusNotifierItem:
    """The icon and its menu on the session bus."""

    def __init__(
        self,
        title: str,
        image: Any,
        menu: list[MenuNode],
        *,
        on_activate: Callable[[], None],
        on_context_menu: Callable[[int, int], None] | None = None,
    ) -> None:
        self.title = title
        self._pixmaps = pixmaps(image)
        self.on_activate = on_activate
        self.on_context_menu = on_context_menu
        self._nodes: dict[int, MenuNode] = {}
        self._root = MenuNode(children=menu)
        self._revision = 1
        self._number()
        self._lock = threading.Lock()  # one sender at a time on the connection
        self._connection: Any = None
        self._stopping = threading.Event()
        self._open_until = 0.0  # (monotonic) while the host shows the menu; 0: closed
        self.relabels = 0  # label changes sent while the menu was open (diagnostics)
        self.name = f"org.kde.StatusNotifierItem-{os.getpid()}-{id(self) % 1000}"

    # -- changes from any thread

    def set_image(self, image: Any, title: str) -> None:
        self._pixmaps = pixmaps(image)
        self.title = title
        for signal in ("NewIcon", "NewTitle", "NewToolTip"):
            self._signal(ITEM_PATH, ITEM, signal)

    def set_menu(self, menu: list[MenuNode]) -> None:
        with self._lock:
            self._root = MenuNode(children=menu)
            self._revision += 1
            self._number()
            revision = self._revision
        self._signal(MENU_PATH, MENU, "LayoutUpdated", "ui", (revision, 0))

    def stop(self) -> None:
        from jeepney import DBusAddress, new_method_call

        self._stopping.set()
        with self._lock:
            unique = None if self._connection is None else self._connection.unique_name
        if unique:  # wake the loop, asleep while the menu is closed
            ping = DBusAddress(ITEM_PATH, bus_name=unique, interface="org.freedesktop.DBus.Peer")
            self._send(new_method_call(ping, "Ping"))

    # -- the loop

    def run(self, ready: Callable[[], None] | None = None) -> None:
        """Take a name, register with the watcher, answer until :meth:`stop`."""
        from jeepney import DBusAddress, MatchRule, message_bus, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        connection = open_dbus_connection(bus="SESSION")
        self._connection = connection
        try:
            self._send(new_method_call(message_bus, "RequestName", "su", (self.name, 4)))
            watching = MatchRule(
                type="signal",
                sender=message_bus.bus_name,
                interface=message_bus.interface,
                member="NameOwnerChanged",
                path=message_bus.object_path,
            )
            watching.add_arg_condition(0, WATCHER)
            self._send(new_method_call(message_bus, "AddMatch", "s", (watching.serialise(),)))
            watcher = DBusAddress("/StatusNotifierWatcher", bus_name=WATCHER, interface=WATCHER)
            register = new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.name,))
            self._send(register)
            if ready is not None:
                ready()
            while not self._stopping.is_set():
                try:
                    message = connection.receive(timeout=self._next_tick())
                except TimeoutError:
                    self._relabel()
                    continue
                if watching.matches(message) and message.body[2]:
                    self._send(
                        new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.name,))
                    )
                    continue
                self._dispatch(message)
        finally:
            with self._lock:
                self._connection = None
            connection.close()

    def _send(self, message: Any) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.send(message)

    def _signal(
        self,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: tuple[Any, ...] = (),
    ) -> None:
        from jeepney import DBusAddress, new_signal

        self._send(
            new_signal(DBusAddress(path, interface=interface), member, signature or None, body)
        )

    def _dispatch(self, message: Any) -> None:
        from jeepney import HeaderFields, MessageType, new_error

        header = message.header
        if header.message_type == MessageType.error:
            log.info("the tray host refused a call: %s", message.body[:1])
            return
        if header.message_type != MessageType.method_call:
            return
        fields = header.fields
        path = fields.get(HeaderFields.path)
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        try:
            reply = self._answer(message, path, interface, member)
        except Exception as exc:  # a bad request (an unknown id): the caller hears of it
            log.info("tray host request %s.%s failed: %s", interface, member, describe(exc))
            reply = new_error(
                message, "org.freedesktop.DBus.Error.Failed", "s", (type(exc).__name__,)
            )
        if reply is not None:
            self._send(reply)

    def _answer(self, message: Any, path: str, interface: str | None, member: str) -> Any:
        from jeepney import new_error, new_method_return

        body = message.body
        if interface == "org.freedesktop.DBus.Introspectable" or member == "Introspect":
            return new_method_return(message, "s", (INTROSPECTION,))
        if interface == PROPERTIES:
            props = self._item_properties() if path == ITEM_PATH else self._menu_properties()
            if member == "GetAll":
                return new_method_return(message, "a{sv}", (props,))
            if member == "Get" and body[1] in props:
                return new_method_return(message, "v", (props[body[1]],))
            return new_error(
                message, "org.freedesktop.DBus.Error.InvalidArgs", "s", ("no such property",)
            )
        if path == ITEM_PATH:
            if member == "Activate":
                self.on_activate()
            elif member == "ContextMenu" and self.on_context_menu is not None:
                self.on_context_menu(int(body[0]), int(body[1]))
            return new_method_return(message)
        if path != MENU_PATH:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownObject", "s", (path,))
        if member == "GetLayout":
            parent, depth, names = body
            with self._lock:
                layout = self._layout(self._nodes[parent], parent, depth, names)
                return new_method_return(message, f"u{LAYOUT}", (self._revision, layout))
        if member == "GetGroupProperties":
            ids, names = body
            with self._lock:
                found = [
                    (i, self._properties(self._nodes[i], names)) for i in ids if i in self._nodes
                ]
            return new_method_return(message, "a(ia{sv})", (found,))
        if member == "GetProperty":
            with self._lock:
                props = self._properties(self._nodes[body[0]], [body[1]])
            return new_method_return(message, "v", (props[body[1]],))
        if member == "Event":
            self._event(body[0], body[1])
            return new_method_return(message)
        if member == "EventGroup":
            for number, event, _data, _time in body[0]:
                self._event(number, event)
            return new_method_return(message, "ai", ([],))
        if member == "AboutToShow":
            return new_method_return(message, "b", (bool(self._opened()),))
        if member == "AboutToShowGroup":
            changed = self._opened()
            return new_method_return(message, "aiai", ([i for i in body[0] if changed], []))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,))

    # -- the item

    def _item_properties(self) -> dict[str, tuple[str, Any]]:
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", "traycodes"),
            "Title": ("s", self.title),
            "Status": ("s", "Active"),
            "WindowId": ("i", 0),
            "IconName": ("s", ""),
            "IconThemePath": ("s", ""),
            "IconPixmap": ("a(iiay)", self._pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", []),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], self.title, "")),
            "ItemIsMenu": ("b", False),
            "Menu": ("o", MENU_PATH),
        }

    # -- the menu

    def _menu_properties(self) -> dict[str, tuple[str, Any]]:
        return {
            "Version": ("u", 3),
            "TextDirection": ("s", "ltr"),
            "Status": ("s", "normal"),
            "IconThemePath": ("as", []),
        }

    def _number(self) -> None:
        """Ids for the nodes: 0 the root, then depth first."""
        self._nodes = {}

        def visit(node: MenuNode) -> None:
            self._nodes[len(self._nodes)] = node
            for child in node.children:
                visit(child)

        visit(self._root)

    def _id(self, node: MenuNode) -> int:
        return next(i for i, n in self._nodes.items() if n is node)

    def _properties(self, node: MenuNode, names: list[str]) -> dict[str, tuple[str, Any]]:
        if node is self._root:
            props: dict[str, tuple[str, Any]] = {"children-display": ("s", "submenu")}
        elif node.separator:
            props = {"type": ("s", "separator")}
        else:
            props = {"label": ("s", _label(node.text)), "enabled": ("b", node.enabled)}
            if node.checked is not None:
                props["toggle-type"] = ("s", "checkmark")
                props["toggle-state"] = ("i", 1 if node.checked else 0)
            if node.children:
                props["children-display"] = ("s", "submenu")
        return {k: v for k, v in props.items() if not names or k in names}

    def _layout(self, node: MenuNode, number: int, depth: int, names: list[str]) -> tuple[Any, ...]:
        children = []
        if depth != 0:
            for child in node.children:
                layout = self._layout(child, self._id(child), depth - 1, names)
                children.append((LAYOUT, layout))
        return (number, self._properties(node, names), children)

    def _event(self, number: int, event: str) -> None:
        if event == "opened":
            self._opened()
        elif event == "closed" and number == 0:
            self._open_until = 0.0
        if event != "clicked":
            return
        with self._lock:
            node = self._nodes.get(number)
        if node is not None and node.enabled and node.run is not None:
            node.run()

    # -- labels that change with time, while the menu is open

    def _opened(self) -> bool:
        """The host shows the menu (or is about to): labels read now; whether any changed."""
        self._open_until = time.monotonic() + OPEN_LIMIT
        return self._relabel()

    def _next_tick(self) -> float | None:
        """Seconds until the labels are read again: at the next whole second while the
        menu is open, never while it is closed (the loop sleeps until a call comes)."""
        if not self._open_until:
            return None
        if time.monotonic() > self._open_until:
            self._open_until = 0.0
            return None
        return 1.0 - time.time() % 1.0 + 0.01  # labels count whole seconds of the clock

    def _relabel(self) -> bool:
        """Read the labels that change with time; send the changed ones."""
        if not self._open_until:
            return False
        changed = []
        with self._lock:
            for number, node in self._nodes.items():
                if node.label is None:
                    continue
                text = node.label()
                if text != node.text:
                    node.text = text
                    changed.append((number, {"label": ("s", _label(text))}))
        if changed:
            self.relabels += len(changed)
            body: tuple[Any, ...] = (changed, [])
            self._signal(MENU_PATH, MENU, "ItemsPropertiesUpdated", "a(ia{sv})a(ias)", body)
        return bool(changed)
