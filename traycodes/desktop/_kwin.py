"""KDE Plasma (KWin on Wayland): the window in front through KWin's scripting API.

KWin tells no outside app which window is active, but it runs scripts handed to it over
D-Bus (``org.kde.KWin /Scripting loadScript``, then the script object's ``run``). Each
lookup loads a three-line script that calls back to us (``callDBus``) with the active
window's caption, resource class, pid and id, then unloads it. The callback is only taken
from KWin itself: its sender must be the connection that owns ``org.kde.KWin`` (the one
that answered ``loadScript``), which the bus daemon fills in and no one can forge. Another
process of the user's that calls our method cannot pass off a window of its choosing,
even one that has read the script's file. A fresh nonce in each script tells its answer
from a late one of an earlier script. Plasma 6 names it ``workspace.activeWindow``,
Plasma 5 ``workspace.activeClient``; the script asks for both.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import quietly
from ..model import Window
from ._base import DesktopError, wait_until_active
from ._wayland import make_window

log = logging.getLogger(__name__)

KWIN = "org.kde.KWin"
SCRIPTING = ("/Scripting", "org.kde.kwin.Scripting")
CALLBACK_PATH = "/io/github/traycodes/KWin"
CALLBACK_INTERFACE = "io.github.traycodes.KWin"
ANSWER_TIMEOUT = 2.0

REPORT = """\
var w = workspace.activeWindow || workspace.activeClient;
callDBus({me}, {path}, {iface}, "Report", {nonce},
    w ? String(w.caption) : "", w ? String(w.resourceClass) : "",
    w ? Number(w.pid) : 0, w ? String(w.internalId) : "");
"""

ACTIVATE = """\
var all = workspace.windowList ? workspace.windowList() : workspace.clientList();
var done = false;
for (var i = 0; i < all.length; i++) {{
    if (String(all[i].internalId) === {target}) {{
        if (workspace.activeWindow !== undefined) workspace.activeWindow = all[i];
        else workspace.activeClient = all[i];
        done = true;
    }}
}}
callDBus({me}, {path}, {iface}, "Report", {nonce}, done ? "yes" : "no", "", 0, "");
"""


class KWinDesktop:
    """The window in front on KDE Plasma, through KWin scripts."""

    name = "kde"

    def __init__(self, connection: Any = None) -> None:
        from jeepney.io.blocking import open_dbus_connection

        try:
            self.connection = connection or open_dbus_connection(bus="SESSION")
        except Exception as exc:
            raise DesktopError(f"no D-Bus session bus ({type(exc).__name__})") from None
        self._lock = threading.Lock()
        self._folder = Path(tempfile.mkdtemp(prefix="traycodes-kwin-"))  # 0700

    def close(self) -> None:
        with quietly(log, "closing the D-Bus connection"):
            self.connection.close()
        with contextlib.suppress(OSError):
            for path in self._folder.iterdir():
                path.unlink()
            self._folder.rmdir()

    def modifiers_down(self) -> bool:
        return False  # not readable on Wayland

    def _call(
        self, path: str, interface: str, method: str, signature: str, args: tuple[Any, ...]
    ) -> Any:
        return self._reply(path, interface, method, signature, args).body

    def _reply(
        self, path: str, interface: str, method: str, signature: str, args: tuple[Any, ...]
    ) -> Any:
        from jeepney import DBusAddress, new_method_call

        message = new_method_call(
            DBusAddress(path, bus_name=KWIN, interface=interface), method, signature, args
        )
        reply = self.connection.send_and_get_reply(message, timeout=ANSWER_TIMEOUT)
        if reply.header.message_type.name == "error":
            raise DesktopError(f"KWin refused {method}")
        return reply

    def _run_script(self, template: str, **values: str) -> tuple[Any, ...]:
        """Load, run and unload one script; the body of its ``Report`` call back."""
        from jeepney import HeaderFields, MatchRule, new_error, new_method_return

        nonce = secrets.token_hex(16)
        quoted = {key: json.dumps(value) for key, value in values.items()}
        text = template.format(
            me=json.dumps(self.connection.unique_name),
            path=json.dumps(CALLBACK_PATH),
            iface=json.dumps(CALLBACK_INTERFACE),
            nonce=json.dumps(nonce),
            **quoted,
        )
        plugin = f"traycodes-{nonce[:8]}"
        script = self._folder / f"{plugin}.js"
        script.write_text(text, encoding="utf-8")
        rule = MatchRule(type="method_call", path=CALLBACK_PATH, member="Report")
        try:
            with self._lock, self.connection.filter(rule, bufsize=8) as calls:
                loaded = self._reply(*SCRIPTING, "loadScript", "ss", (str(script), plugin))
                (number,), kwin = loaded.body, loaded.header.fields.get(HeaderFields.sender)
                try:
                    for path in (f"/Scripting/Script{number}", f"/{number}"):  # Plasma 6, 5
                        with contextlib.suppress(DesktopError):
                            self._call(path, "org.kde.kwin.Script", "run", "", ())
                            break
                    deadline = time.monotonic() + ANSWER_TIMEOUT
                    while True:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            raise DesktopError("KWin did not run traycodes' script")
                        call = self.connection.recv_until_filtered(calls, timeout=left)
                        sender = call.header.fields.get(HeaderFields.sender)
                        if not kwin or sender != kwin:
                            log.warning("a window report from %s, not KWin, was ignored", sender)
                            denied = "org.freedesktop.DBus.Error.AccessDenied"
                            self.connection.send(new_error(call, denied, "s", ("not KWin",)))
                            continue
                        self.connection.send(new_method_return(call))
                        if call.body and call.body[0] == nonce:
                            return tuple(call.body[1:])
                finally:
                    with quietly(log, "unloading the KWin script"):
                        self._call(*SCRIPTING, "unloadScript", "s", (plugin,))
        except TimeoutError:
            raise DesktopError("KWin did not run traycodes' script") from None
        finally:
            script.unlink(missing_ok=True)

    def active_window(self) -> Window | None:
        caption, resource_class, pid, window_id = self._run_script(REPORT)
        if not window_id:
            return None
        return make_window(str(window_id), str(caption), int(pid), (str(resource_class),))

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        (done, *_) = self._run_script(ACTIVATE, target=window_id)
        return done == "yes" and wait_until_active(self.active_window, window_id, timeout)
