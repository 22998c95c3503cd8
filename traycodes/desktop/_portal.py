"""XDG desktop portals (``org.freedesktop.portal.*`` on the session bus, through jeepney):
typing through RemoteDesktop (keyboard only), the screen through Screenshot, and global
shortcuts through GlobalShortcuts, for desktops that give apps no other way (GNOME, KDE).

Every portal call is a request: the method returns a Request object's path, and the answer
comes later as that object's ``Response(code, results)`` signal; code 0 is success, 1 the
user said no, 2 anything else. The signal is subscribed before the call (its path is known
in advance from our bus name and a ``handle_token``), so no answer can be missed.

Any connection on the session bus can send a signal with any path and interface; only the
sender field, which the bus daemon fills in, cannot be forged. So an answer
(``Response``) or a pressed shortcut (``Activated``) is taken only from the connection
that answered our calls to ``org.freedesktop.portal.Desktop``: the portal itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import describe, quietly
from ..i18n import _
from ._base import DesktopError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

    from ..keys import Hotkey
    from ._protocols import Bindings, Labels

log = logging.getLogger(__name__)

BUS = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
REMOTE = "org.freedesktop.portal.RemoteDesktop"
SCREENSHOT = "org.freedesktop.portal.Screenshot"
SHORTCUTS = "org.freedesktop.portal.GlobalShortcuts"
KEYBOARD = 1  # RemoteDesktop device types: 1 keyboard, 2 pointer, 4 touchscreen
PERSIST_UNTIL_REVOKED = 2
ANSWER_TIMEOUT = 120.0  # the user may take a while to read a consent dialog

KEYSYMS = {"enter": 0xFF0D, "ctrl": 0xFFE3, "shift": 0xFFE1, "alt": 0xFFE9, "cmd": 0xFFEB}
KEYSYMS["super"] = KEYSYMS["cmd"]


def _connect() -> Any:
    from jeepney.io.blocking import open_dbus_connection

    try:
        return open_dbus_connection(bus="SESSION")
    except Exception as exc:  # no session bus
        raise DesktopError(f"no D-Bus session bus ({type(exc).__name__})") from None


def portal_version(interface: str, connection: Any = None) -> int:
    """The version of a portal interface the desktop offers; 0 when it has none."""
    from jeepney import DBusAddress, Properties

    own = connection is None
    try:
        connection = connection or _connect()
    except DesktopError as exc:
        log.debug("no portal %s: %s", interface, describe(exc))
        return 0
    try:
        address = DBusAddress(PATH, bus_name=BUS, interface=interface)
        reply = connection.send_and_get_reply(Properties(address).get("version"), timeout=3)
        if reply.header.message_type.name == "error":
            return 0
        return int(reply.body[0][1])
    except Exception as exc:  # no portal service at all, or no such interface
        log.debug("no portal %s: %s", interface, describe(exc))
        return 0
    finally:
        if own:
            with quietly(log, "closing the portal's D-Bus connection"):
                connection.close()


def portal_has(interface: str) -> bool:
    return portal_version(interface) > 0


class Portal:
    """One session-bus connection, for requests and their answers."""

    def __init__(self, connection: Any = None) -> None:
        self.connection = connection or _connect()
        self._lock = threading.Lock()
        self.owner = ""  # the portal's unique bus name (``:1.42``), from its first reply

    def from_portal(self, message: Any) -> bool:
        """Whether ``message`` was sent by the portal (not by another connection that
        knows the path and the names)."""
        from jeepney import HeaderFields

        sender = message.header.fields.get(HeaderFields.sender)
        if self.owner and sender == self.owner:
            return True
        log.warning("a portal signal from %s, not the portal, was ignored", sender)
        return False

    def close(self) -> None:
        with quietly(log, "closing the portal's D-Bus connection"):
            self.connection.close()

    def _request_path(self, token: str) -> str:
        sender = self.connection.unique_name.lstrip(":").replace(".", "_")
        return f"{PATH}/request/{sender}/{token}"

    def call(self, interface: str, method: str, signature: str, args: tuple[Any, ...]) -> Any:
        """A plain method call; its reply's body."""
        from jeepney import DBusAddress, new_method_call

        message = new_method_call(
            DBusAddress(PATH, bus_name=BUS, interface=interface), method, signature, args
        )
        with self._lock:
            reply = self.connection.send_and_get_reply(message, timeout=10)
        if reply.header.message_type.name == "error":
            said = reply.body[0] if reply.body else ""
            raise DesktopError(
                _("the desktop portal refused {method}: {said}").format(method=method, said=said)
            )
        self._note_owner(reply)
        return reply.body

    def _note_owner(self, reply: Any) -> None:
        from jeepney import HeaderFields

        if not self.owner:
            self.owner = str(reply.header.fields.get(HeaderFields.sender, ""))

    def request(
        self,
        interface: str,
        method: str,
        signature: str,
        args: tuple[Any, ...],
        options: dict[str, tuple[str, Any]],
    ) -> dict[str, Any]:
        """A portal request (``options`` last among the arguments); its results, unwrapped.
        Raises when the user refuses or the portal fails."""
        from jeepney import MatchRule, message_bus
        from jeepney.io.blocking import Proxy

        token = "traycodes_" + secrets.token_hex(8)
        path = self._request_path(token)
        rule = MatchRule(
            type="signal", interface="org.freedesktop.portal.Request", member="Response", path=path
        )
        with self._lock:
            Proxy(message_bus, self.connection).AddMatch(rule)
        options = {**options, "handle_token": ("s", token)}
        with self.connection.filter(rule, bufsize=8) as answers:
            self.call(interface, method, signature + "a{sv}", (*args, options))
            deadline = time.monotonic() + ANSWER_TIMEOUT
            while True:
                try:
                    signal = self.connection.recv_until_filtered(
                        answers, timeout=max(0.0, deadline - time.monotonic())
                    )
                except TimeoutError:
                    raise DesktopError(
                        _("the desktop did not answer {method} in time").format(method=method)
                    ) from None
                if self.from_portal(signal):
                    break
        code, results = signal.body
        if code == 1:
            raise DesktopError(
                _("{method} was refused in the desktop's dialog").format(method=method)
            )
        if code != 0:
            raise DesktopError(_("the desktop portal could not {method}").format(method=method))
        return {name: value for name, (_signature, value) in results.items()}

    def new_session(self, interface: str) -> str:
        session_token = "traycodes_" + secrets.token_hex(8)
        results = self.request(
            interface, "CreateSession", "", (), {"session_handle_token": ("s", session_token)}
        )
        return str(results["session_handle"])


def _token_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("traycodes", appauthor=False)) / "remote-desktop.token"


def _save_token(path: Path, token: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token)
    tmp.replace(path)


class PortalKeyboard:
    """Typing through the RemoteDesktop portal, keyboard only. The first use asks the user
    (the desktop's own dialog); the restore token it gives back is kept (private to the
    user) so that later sessions start without asking again."""

    name = "RemoteDesktop portal"

    def __init__(self, token_file: Path | None = None, connection: Any = None) -> None:
        self.token_file = token_file or _token_file()
        self._connection = connection
        self._portal: Portal | None = None
        self._session = ""

    def _start(self) -> tuple[Portal, str]:
        if self._portal is not None and self._session:
            return self._portal, self._session
        portal = Portal(self._connection)
        try:
            session = portal.new_session(REMOTE)
            options: dict[str, tuple[str, Any]] = {
                "types": ("u", KEYBOARD),
                "persist_mode": ("u", PERSIST_UNTIL_REVOKED),
            }
            with contextlib.suppress(OSError):
                saved = self.token_file.read_text(encoding="utf-8").strip()
                if saved:
                    options["restore_token"] = ("s", saved)
            portal.request(REMOTE, "SelectDevices", "o", (session,), options)
            started = portal.request(REMOTE, "Start", "os", (session, ""), {})
        except BaseException:
            portal.close()
            raise
        if not int(started.get("devices", 0)) & KEYBOARD:
            portal.close()
            raise DesktopError(_("the desktop did not allow traycodes to type"))
        token = started.get("restore_token")
        if token:
            with contextlib.suppress(OSError):
                _save_token(self.token_file, str(token))
        self._portal, self._session = portal, session
        return portal, session

    def prepare(self) -> None:
        """Start the portal's session now (the desktop may ask the user), so that the
        window in front is checked after any dialog of the desktop's has gone."""
        self._start()

    def _key(self, keysym: int, pressed: bool) -> None:
        portal, session = self._start()
        portal.call(REMOTE, "NotifyKeyboardKeysym", "oa{sv}iu", (session, {}, keysym, int(pressed)))

    def _tap(self, keysym: int) -> None:
        self._key(keysym, True)
        self._key(keysym, False)

    def type(self, text: str, *, enter: bool = False) -> None:
        for char in text:
            if not (" " <= char <= "~"):
                raise DesktopError(_("only plain ASCII can be typed through the portal"))
            self._tap(ord(char))  # printable ASCII keysyms are the characters' codes
        if enter:
            self._tap(KEYSYMS["enter"])

    def press(self, hotkey: Hotkey) -> None:
        syms = [KEYSYMS.get(name, ord(name) if len(name) == 1 else 0) for name in hotkey.names]
        if 0 in syms:  # keysym 0 is no key: it was sent, with Shift held (issue 27)
            raise DesktopError(
                _("the portal cannot press the key {key}").format(
                    key=repr(hotkey.names[syms.index(0)])
                )
            )
        for sym in syms:
            self._key(sym, True)
        for sym in reversed(syms):
            self._key(sym, False)

    def close(self) -> None:
        if self._portal is not None:
            self._portal.close()
        self._portal, self._session = None, ""


def portal_screenshot(connection: Any = None) -> Image.Image:
    """The screen through the Screenshot portal, as a PIL image. The file the portal
    writes is deleted once read: a screen with a QR code on it holds a secret."""
    from urllib.parse import unquote, urlparse

    from PIL import Image as PILImage

    portal = Portal(connection)
    try:
        results = portal.request(
            SCREENSHOT, "Screenshot", "s", ("",), {"interactive": ("b", False)}
        )
    finally:
        if connection is None:
            portal.close()
    uri = urlparse(str(results.get("uri", "")))
    if uri.scheme != "file":
        raise DesktopError(_("the desktop's screenshot came back in a form traycodes cannot read"))
    path = Path(unquote(uri.path))
    try:
        with PILImage.open(path) as image:
            image.load()
            return image.copy()
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def portal_shortcuts(bindings: Bindings, labels: Labels | None = None) -> PortalShortcuts:
    """The GlobalShortcuts part for ``{hotkey: action}``: each bound under its label's id
    and description (else the hotkey's own text), the hotkey as the preferred trigger."""
    from ..keys import Hotkey

    made: dict[str, tuple[str, str, Callable[[], None]]] = {}
    for hotkey, action in bindings.items():
        try:
            parsed = Hotkey.parse(hotkey)
            trigger, label = parsed.xdg, parsed.label
        except ValueError:  # settings never hold one; the portal is left to refuse it
            trigger = label = hotkey
        key, description = (labels or {}).get(hotkey, (hotkey, label))
        made[key] = (description, trigger, action)
    return PortalShortcuts(made)


class PortalShortcuts:
    """Global shortcuts through the GlobalShortcuts portal (KDE Plasma 5.27+, Hyprland,
    GNOME 48+): bound once (the desktop asks the user, who may change the keys), heard as
    ``Activated`` signals in a thread of its own."""

    def __init__(self, bindings: dict[str, tuple[str, str, Callable[[], None]]]) -> None:
        self.bindings = bindings  # id: (description, preferred trigger, action)
        self._portal: Portal | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    def start(self, connection: Any = None) -> list[str]:
        """Bind and listen; returns problems (none when it listens)."""
        from jeepney import MatchRule, message_bus
        from jeepney.io.blocking import Proxy

        try:
            portal = Portal(connection)
            session = portal.new_session(SHORTCUTS)
            shortcuts = [
                (key, {"description": ("s", text), "preferred_trigger": ("s", trigger)})
                for key, (text, trigger, _) in self.bindings.items()
            ]
            rule = MatchRule(type="signal", interface=SHORTCUTS, member="Activated", path=PATH)
            Proxy(message_bus, portal.connection).AddMatch(rule)
            queue = portal.connection.filter(rule, bufsize=16).queue  # kept while it listens
            portal.request(SHORTCUTS, "BindShortcuts", "oa(sa{sv})s", (session, shortcuts, ""), {})
        except DesktopError as exc:
            return [str(exc)]
        self._portal = portal
        self._thread = threading.Thread(
            target=self._listen, args=(portal, queue, session), name="shortcuts", daemon=True
        )
        self._thread.start()
        return []

    def _listen(self, portal: Portal, queue: Any, session: str) -> None:
        try:
            while not self._stopping:
                signal = portal.connection.recv_until_filtered(queue)
                handle, key = signal.body[0], signal.body[1]
                if handle == session and key in self.bindings and portal.from_portal(signal):
                    self.bindings[key][2]()
        except Exception as exc:  # the connection was closed: stopping, or the bus went away
            if not self._stopping:
                log.info("global shortcuts ended: %s", describe(exc))

    def stop(self) -> None:
        import socket

        self._stopping = True
        if self._portal is not None:
            with quietly(log, "shutting the portal's socket"):
                self._portal.connection.sock.shutdown(socket.SHUT_RDWR)
            self._portal.close()
        if self._thread is not None:
            self._thread.join(2)
