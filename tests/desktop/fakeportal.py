"""Fakes of the D-Bus services KDE Plasma and GNOME offer, on a real dbus-daemon: the XDG
desktop portal (``org.freedesktop.portal.Desktop``: RemoteDesktop, Screenshot,
GlobalShortcuts) and KWin's scripting (``org.kde.KWin``), answering as their documented
APIs do (flatpak.github.io/xdg-desktop-portal; KWin's scripting API). Nothing else here runs
them: KWin and the portals need a real Plasma or GNOME session.

Portal requests answer with a Request object path, then a ``Response(code, results)``
signal on that path. KWin runs a loaded script on ``run``: the fake reads the script, finds
its ``callDBus`` call back and makes it, with the window it pretends is active.

``forger``: a second connection on the same bus, another process of the user's, which
sends what it can see coming first: a ``Response`` on a request's path, a window report
with the nonce it read in the script's file, an ``Activated`` signal (``forge_shortcut``).
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    new_error,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import Proxy, open_dbus_connection

from tests.desktop.fakebus import FakeService

PORTAL = "/org/freedesktop/portal/desktop"
PREFIX = "org.freedesktop.portal."


class FakeDesktop(FakeService):
    def __init__(
        self,
        address: str,
        *,
        portals: dict[str, int],
        kwin: bool = False,
        watcher: bool = False,
        consent: bool = True,
        screenshot: Path | None = None,
        active: dict[str, Any] | None = None,
        forge_first: bool = False,
        forger: bool = False,
        forged_results: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.portals = portals  # e.g. {"RemoteDesktop": 2, "Screenshot": 2}
        self.consent = consent
        self.screenshot = screenshot
        self.active = active or {}
        self.windows: dict[str, dict[str, Any]] = {}
        self.forge_first = forge_first
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.keys: list[tuple[int, int]] = []
        self.scripts: dict[int, str] = {}
        self.script_files: dict[int, Path] = {}
        self.session = ""
        self.forged_results = forged_results or {}
        self.forged: list[str] = []  # what the forger sent, and how it was answered
        self.forger = open_dbus_connection(bus=address) if forger else None
        names = ["org.freedesktop.portal.Desktop"] + (["org.kde.KWin"] if kwin else [])
        names += ["org.kde.StatusNotifierWatcher"] if watcher else []
        super().__init__(address, names)

    def close(self) -> None:
        super().close()
        if self.forger is not None:
            self.forger.close()

    def _forge(self, message: Any) -> None:
        """The forger sends ``message`` and waits until the bus has passed it on (a round
        trip to the bus daemon after it): it arrives before what the fake sends next."""
        assert self.forger is not None
        self.forger.send(message)
        Proxy(message_bus, self.forger, timeout=5).GetId()

    def forge_shortcut(self, shortcut: str) -> None:
        """Another connection says the user pressed a bound shortcut."""
        self._forge(self._activated(shortcut))
        self.forged.append(f"Activated {shortcut}")

    # -- the loop

    def answer(self, message: Any) -> None:
        fields = message.header.fields
        key = (fields.get(HeaderFields.interface), fields.get(HeaderFields.member))
        self.calls.append((f"{key[0]}.{key[1]}", tuple(message.body)))
        self._answer(message, fields, key)

    def _answer(self, message: Any, fields: dict[Any, Any], key: tuple[Any, Any]) -> None:
        interface, member = key
        send = self.connection.send
        if interface == "org.freedesktop.DBus.Properties" and member == "Get":
            wanted, prop = message.body
            short = str(wanted).removeprefix(PREFIX)
            if fields[HeaderFields.path] == PORTAL and short in self.portals and prop == "version":
                send(new_method_return(message, "v", (("u", self.portals[short]),)))
            else:
                send(new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s", ("no",)))
            return
        if interface and interface.startswith(PREFIX):
            self._portal(message, fields, interface.removeprefix(PREFIX), member)
            return
        if interface == "org.kde.kwin.Scripting":
            if member == "loadScript":
                number = len(self.scripts) + 1
                self.scripts[number] = Path(message.body[0]).read_text()
                self.script_files[number] = Path(message.body[0])
                send(new_method_return(message, "i", (number,)))
            else:
                send(new_method_return(message, "b", (True,)))
            return
        if interface == "org.kde.kwin.Script" and member == "run":
            number = int(str(fields[HeaderFields.path]).removeprefix("/Scripting/Script"))
            send(new_method_return(message))
            if self.forger is not None:  # it read the script's file, nonce and all
                self._forge_report(self.script_files[number].read_text())
            self._run_script(self.scripts[number])
            return
        send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,)))

    # -- portals

    def _portal(self, message: Any, fields: dict[Any, Any], name: str, member: str) -> None:
        send = self.connection.send
        if name not in self.portals:
            send(new_error(message, "org.freedesktop.DBus.Error.UnknownInterface", "s", (name,)))
            return
        if member == "NotifyKeyboardKeysym":
            _, _, keysym, state = message.body
            self.keys.append((keysym, state))
            send(new_method_return(message))
            return
        options = message.body[-1]
        sender = str(fields[HeaderFields.sender]).lstrip(":").replace(".", "_")
        request = f"{PORTAL}/request/{sender}/{options['handle_token'][1]}"
        send(new_method_return(message, "o", (request,)))
        code, results = 0, dict[str, tuple[str, Any]]()
        if member == "CreateSession":
            token = options["session_handle_token"][1]
            self.session = f"{PORTAL}/session/{sender}/{token}"
            results = {"session_handle": ("s", self.session)}
        elif member == "Start":
            if self.consent:
                results = {"devices": ("u", 1), "restore_token": ("s", "restore-2")}
            else:
                code = 1
        elif member == "Screenshot":
            assert self.screenshot is not None
            results = {"uri": ("s", self.screenshot.as_uri())}
        address = DBusAddress(request, interface="org.freedesktop.portal.Request")
        if self.forger is not None:
            forged = (0, self.forged_results.get(member, {}))
            self._forge(new_signal(address, "Response", "ua{sv}", forged))
            self.forged.append(f"Response {member}")
        send(new_signal(address, "Response", "ua{sv}", (code, results)))

    def _activated(self, shortcut: str) -> Any:
        return new_signal(
            DBusAddress(PORTAL, interface=PREFIX + "GlobalShortcuts"),
            "Activated",
            "osta{sv}",
            (self.session, shortcut, 0, {}),
        )

    def activate_shortcut(self, shortcut: str) -> None:
        """The user pressed a bound global shortcut."""
        self.connection.send(self._activated(shortcut))

    # -- KWin

    def _forge_report(self, text: str) -> None:
        """The forger calls the reader back first, with the right nonce and its own window."""
        assert self.forger is not None
        me, path, interface, nonce = _callback(text)
        address = DBusAddress(path, bus_name=me, interface=interface)
        forged = (nonce, "Sign in to GitHub (forged)", "evil", 1, "{forged}")
        reply = self.forger.send_and_get_reply(
            new_method_call(address, "Report", "sssis", forged), timeout=5
        )
        self.forged.append(f"Report answered {reply.header.message_type.name}")

    def _run_script(self, text: str) -> None:
        me, path, interface, nonce = _callback(text)
        target = re.search(r'internalId\) === ("[^"]*")', text)
        if target is not None:
            wanted = target.group(1).strip('"')
            found = wanted in self.windows
            if found:
                self.active = self.windows[wanted]
            body: tuple[Any, ...] = (nonce, "yes" if found else "no", "", 0, "")
        else:
            w = self.active
            body = (nonce, w.get("caption", ""), w.get("resourceClass", ""), w.get("pid", 0),
                    w.get("internalId", ""))  # fmt: skip
        address = DBusAddress(path, bus_name=me, interface=interface)
        if self.forge_first:  # another process of the user's, without the nonce
            forged = ("0" * 32, "Sign in to GitHub (forged)", "evil", 1, "{forged}")
            self.connection.send(new_method_call(address, "Report", "sssis", forged))
        with contextlib.suppress(Exception):
            self.connection.send(new_method_call(address, "Report", "sssis", body))


def _callback(text: str) -> tuple[str, str, str, str]:
    """A KWin script's call back: (bus name, path, interface, nonce)."""
    strings = re.findall(r'callDBus\(("[^"]*"), ("[^"]*"), ("[^"]*"), "Report", ("[^"]*")', text)
    assert strings, text
    me, path, interface, nonce = (s.strip('"') for s in strings[0])
    return me, path, interface, nonce
