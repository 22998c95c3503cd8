"""Linux and other freedesktop.org desktops: XDG autostart, D-Bus notifications and
screen-lock signals (through ``jeepney``, which needs no GTK)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import describe, quietly
from ..i18n import _
from ._base import APP_ID, DesktopError

log = logging.getLogger(__name__)

DESKTOP_FILE = f"{APP_ID}.desktop"


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _exec_line(command: list[str]) -> str:
    """An Exec= value. Two levels, as the Desktop Entry spec has them: each argument quoted
    (inside quotes, backslash escapes ``"`` `` ` `` ``$`` and itself; ``%`` doubles), then
    the whole value escaped as a string (a backslash doubles again)."""

    def quote(arg: str) -> str:
        if arg and all(c.isalnum() or c in "-_./=:@+," for c in arg):
            return arg
        escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
        return f'"{escaped}"'

    quoted = " ".join(quote(arg) for arg in command).replace("%", "%%")
    return quoted.replace("\\", "\\\\")


_STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _unescape_string(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append(_STRING_ESCAPES.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def desktop_entry(
    command: list[str], *, autostart: bool, handler: bool = False, launcher: bool = False
) -> str:
    """The text of traycodes' .desktop file: the login entry (``autostart``), the
    ``otpauth:`` link handler (``handler``: its command gets the clicked link as ``%u``), or
    the app-menu launcher (``launcher``, with an "Add account" action)."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=traycodes",
        "GenericName=Two-factor authenticator",
        "Comment=Two-factor codes from the system tray",
        f"Exec={_exec_line(command)}{' %u' if handler else ''}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=System;Security;",
        "Keywords=2FA;TOTP;OTP;authenticator;two-factor;",
        "StartupNotify=false",
    ]
    if autostart:
        lines.append("X-GNOME-Autostart-enabled=true")
    if handler:
        lines += ["MimeType=x-scheme-handler/otpauth;", "NoDisplay=true"]
        lines[2] = "Name=traycodes (add account)"
    if launcher:
        lines += [
            "Actions=add-account;",
            "",
            "[Desktop Action add-account]",
            "Name=Add account",
            f"Exec={_exec_line([*command, 'enrol'])}",
        ]
    return "\n".join(lines) + "\n"


def _split_exec(value: str) -> list[str]:
    """Arguments of an (unescaped) Exec value: spaces separate, double quotes group, and
    inside them a backslash escapes ``"`` `` ` `` ``$`` and ``\\``; ``%%`` is ``%``."""
    args: list[str] = []
    current: list[str] = []
    started = quoted = escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted:
            if char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            else:
                current.append(char)
        elif char == " ":
            if started:
                args.append("".join(current))
            current, started = [], False
        else:
            started = True
            if char == '"':
                quoted = True
            else:
                current.append(char)
    if quoted:
        raise DesktopError("the desktop entry's Exec line has an unclosed quote")
    if started:
        args.append("".join(current))
    return [arg.replace("%%", "%") for arg in args]


def parse_exec(text: str) -> list[str]:
    """The command of a .desktop file's Exec= line (what a session would run)."""
    for line in text.splitlines():
        if line.startswith("Exec="):
            return _split_exec(_unescape_string(line[len("Exec=") :]))
    raise DesktopError("the desktop entry has no Exec line")


class XdgAutostart:
    """``$XDG_CONFIG_HOME/autostart/io.github.traycodes.desktop``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or config_home() / "autostart"

    @property
    def path(self) -> Path:
        return self.folder / DESKTOP_FILE

    @property
    def location(self) -> str:
        return str(self.path)

    def enable(self, command: list[str]) -> None:
        _write_atomically(self.path, desktop_entry(command, autostart=True).encode())

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise DesktopError(f"cannot remove {self.path}: {exc.strerror}") from None

    def enabled(self) -> bool:
        return self.path.is_file()


class XdgLauncher:
    """traycodes in the app menu: ``$XDG_DATA_HOME/applications/io.github.traycodes.desktop``
    and its icon at each size in the hicolor theme
    (``$XDG_DATA_HOME/icons/hicolor/<size>x<size>/apps/io.github.traycodes.png``).
    ``disable`` removes exactly the files ``enable`` writes."""

    def __init__(self, data: Path | None = None) -> None:
        self.data = data or data_home()

    @property
    def path(self) -> Path:
        return self.data / "applications" / DESKTOP_FILE

    @property
    def location(self) -> str:
        return str(self.path)

    def icon_paths(self) -> dict[int, Path]:
        from ..resources import SIZES

        hicolor = self.data / "icons" / "hicolor"
        return {size: hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in SIZES}

    def files(self) -> list[Path]:
        return [self.path, *self.icon_paths().values()]

    def enable(self, command: list[str]) -> None:
        from ..resources import icon_bytes

        writes = {path: icon_bytes("app", size) for size, path in self.icon_paths().items()}
        writes[self.path] = desktop_entry(command, autostart=False, launcher=True).encode()
        for path, data in writes.items():  # the launcher last: it names the icons
            _write_atomically(path, data)

    def disable(self) -> None:
        for path in self.files():
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise DesktopError(f"cannot remove {path}: {exc.strerror}") from None

    def enabled(self) -> bool:
        return self.path.is_file()


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise DesktopError(f"cannot write {path}: {exc.strerror}") from None


# --- D-Bus ----------------------------------------------------------------------------------


def name_has_owner(name: str) -> bool:
    """Whether a D-Bus name has an owner on the session bus (False without a bus)."""
    from jeepney import message_bus
    from jeepney.io.blocking import Proxy, open_dbus_connection

    try:
        with open_dbus_connection(bus="SESSION") as connection:
            (owned,) = Proxy(message_bus, connection, timeout=2).NameHasOwner(name)
    except Exception as exc:  # no session bus
        log.info("no session bus: %s", describe(exc))
        return False
    return bool(owned)


_NOTIFY = (
    "/org/freedesktop/Notifications",
    "org.freedesktop.Notifications",
    "org.freedesktop.Notifications",
)


class Notifier:
    """Desktop notifications over the session bus; one connection, opened on first use."""

    def __init__(self, icon: str = "") -> None:
        self.icon = icon
        self._connection: Any = None
        self._lock = threading.Lock()

    def notify(self, title: str, body: str, *, timeout_ms: int = 5000, replaces: int = 0) -> int:
        """Show a notification; returns its id (0 when no notification service answers)."""
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        address = DBusAddress(_NOTIFY[0], bus_name=_NOTIFY[1], interface=_NOTIFY[2])
        message = new_method_call(
            address,
            "Notify",
            "susssasa{sv}i",
            ("traycodes", replaces, self.icon, title, body, [], {}, timeout_ms),
        )
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = open_dbus_connection(bus="SESSION")
                reply = self._connection.send_and_get_reply(message, timeout=2)
            except Exception as exc:  # no session bus or no notification daemon
                log.info("notification not shown: %s", describe(exc))
                self._close()
                return 0
        if reply.header.message_type.name == "error":  # no daemon, or one that failed
            log.info("notification not shown: %s", reply.header.fields.get(4, "an error"))
            return 0
        body_values = reply.body
        return int(body_values[0]) if body_values else 0

    def _close(self) -> None:
        if self._connection is not None:
            with quietly(log, "closing the notifications' D-Bus connection"):
                self._connection.close()
            self._connection = None

    def close(self) -> None:
        with self._lock:
            self._close()


class SessionLockWatcher:
    """Calls ``on_lock`` when the screen locks (ScreenSaver ActiveChanged(true) on the
    session bus; systemd-logind's Lock on the system bus). Blocks on the buses in a
    thread of its own: no polling."""

    SIGNALS = (
        ("SESSION", "org.freedesktop.ScreenSaver", "ActiveChanged"),
        ("SESSION", "org.gnome.ScreenSaver", "ActiveChanged"),
        ("SYSTEM", "org.freedesktop.login1.Session", "Lock"),
    )

    def __init__(self, on_lock: Callable[[str], None]) -> None:
        self.on_lock = on_lock
        self._connections: list[Any] = []
        self._threads: list[threading.Thread] = []
        self._stopping = False

    def start(self) -> list[str]:
        """Start listening; returns the buses it could listen on."""
        from jeepney import MatchRule, message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        listening = []
        for bus in ("SESSION", "SYSTEM"):
            try:
                connection = open_dbus_connection(bus=bus)
            except Exception as exc:  # no such bus (containers, tests)
                log.info("no %s bus for lock signals: %s", bus.lower(), describe(exc))
                continue
            rules = [
                MatchRule(type="signal", interface=interface, member=member)
                for b, interface, member in self.SIGNALS
                if b == bus
            ]
            try:
                for rule in rules:
                    Proxy(message_bus, connection).AddMatch(rule)
            except Exception as exc:
                log.info("cannot watch the %s bus: %s", bus.lower(), describe(exc))
                connection.close()
                continue
            self._connections.append(connection)
            thread = threading.Thread(
                target=self._listen,
                args=(connection, rules),
                name=f"lock-watch-{bus.lower()}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
            listening.append(bus.lower())
        return listening

    def _listen(self, connection: Any, rules: list[Any]) -> None:
        from collections import deque

        from jeepney import HeaderFields

        queue: deque[object] = deque()
        filters = [connection.filter(rule, queue=queue, bufsize=16) for rule in rules]
        try:
            while not self._stopping:
                message = connection.recv_until_filtered(queue)
                fields = message.header.fields
                member = fields.get(HeaderFields.member)
                body = message.body
                if member == "Lock" or (body and body[0] is True):
                    where = fields.get(HeaderFields.path)
                    sender = fields.get(HeaderFields.sender)
                    interface = fields.get(HeaderFields.interface)
                    self.on_lock(
                        f"the screen locked ({interface}.{member} from {sender} at {where})"
                    )
        except Exception as exc:  # the connection was shut down, or the bus went away
            if not self._stopping:
                log.info("lock watch ended: %s", describe(exc))
        finally:
            for entry in filters:
                with quietly(log, "closing a lock watch"):
                    entry.close()

    def stop(self) -> None:
        import socket

        self._stopping = True
        for connection in self._connections:  # wakes each listener, which then ends
            with quietly(log, "shutting a lock watch's socket"):
                connection.sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(2)
        for connection in self._connections:  # after the join: closed while its listener
            # waited in select(), the listener was never woken (stop took 2 s a bus, and
            # left the thread blocked for good)
            with quietly(log, "closing a lock watch's connection"):
                connection.close()
        self._connections.clear()
        self._threads.clear()


HANDLER_FILE = f"{APP_ID}.handler.desktop"
SCHEME = "x-scheme-handler/otpauth"


class XdgLinkHandler:
    """Opens ``otpauth:`` links with traycodes: a .desktop file with the scheme's MIME
    type in ``$XDG_DATA_HOME/applications``, made the default with ``xdg-mime``."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or data_home() / "applications"

    @property
    def path(self) -> Path:
        return self.folder / HANDLER_FILE

    def enable(self, command: list[str]) -> None:
        import subprocess

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.path.write_text(
                desktop_entry(command, autostart=False, handler=True), encoding="utf-8"
            )
        except OSError as exc:
            raise DesktopError(f"cannot write {self.path}: {exc.strerror}") from None
        for argv in (
            ["update-desktop-database", str(self.folder)],
            ["xdg-mime", "default", HANDLER_FILE, SCHEME],
        ):
            try:
                subprocess.run(argv, capture_output=True, timeout=20, check=False)
            except FileNotFoundError:
                if argv[0] == "xdg-mime":
                    raise DesktopError(
                        "xdg-mime is missing (xdg-utils): the handler file "
                        "was written but not made the default"
                    ) from None

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)
        mimeapps = config_home() / "mimeapps.list"
        try:
            lines = mimeapps.read_text(encoding="utf-8").splitlines()
        except OSError:
            return
        kept = [
            line for line in lines if not (line.startswith(SCHEME + "=") and HANDLER_FILE in line)
        ]
        if kept != lines:
            mimeapps.write_text("\n".join(kept) + "\n", encoding="utf-8")

    def status(self) -> str:
        import subprocess

        if not self.path.is_file():
            return _("off")
        try:
            default = subprocess.run(
                ["xdg-mime", "query", "default", SCHEME],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout.strip()
        except FileNotFoundError:
            return _("on (xdg-mime is missing: cannot tell whether it is the default)")
        if default == HANDLER_FILE:
            return _("on")
        if not default:
            return _("installed, but otpauth: links open with nothing")
        return _("installed, but otpauth: links open with {program}").format(program=default)
