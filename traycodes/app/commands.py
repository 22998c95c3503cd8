"""What the running app answers over IPC (``traycodes show``, ``type``, ``lock``, ``enrol``,
``state``...). Requests arrive on the IPC server's thread; each action runs on the app's
loop. ``state`` tells what the app shows, for diagnostics and the tests: never a secret,
and no code either (each shown as dots) unless the app was started with
``TRAYCODES_DIAGNOSTICS=codes`` in its own environment (the test suite does)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol

from ..settings import load_settings
from .menu import mask_code

EXTERNAL_ORIGIN = "another program (a clicked otpauth: link, or 'traycodes enrol')"


NO_WINDOWS: dict[str, Any] = {
    "quickpick": False,
    "chooser": False,
    "chooser_heading": "",
    "enrol": None,
    "password_window": False,
}


class CommandHost(Protocol):
    """The app, as the IPC commands see it."""

    def call(self, action: Callable[[], Any], timeout: float = 10.0) -> Any: ...

    def show_quickpick(self) -> None: ...

    def type_request(self) -> None: ...

    def lock(self) -> None: ...

    def quit(self) -> None: ...

    def show_settings(self) -> None: ...

    def import_file(self) -> None: ...

    def show_enrol(self, link: str = "", origin: str = "") -> None: ...

    def apply_settings(self, settings: Any) -> None: ...

    def app_state(self) -> dict[str, Any]:
        """What the tray shows (locked, backend, menu lines with codes)."""
        ...

    def window_state(self) -> dict[str, Any]:
        """What the windows show (asked of the window host; codes not yet masked)."""
        ...


class Commands:
    def __init__(self, app: CommandHost) -> None:
        self.app = app
        self.diagnostic_codes = os.environ.get("TRAYCODES_DIAGNOSTICS") == "codes"

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        """One request -> one answer (on the IPC thread)."""
        command = request["command"]
        if command == "ping":
            return {"ok": True}
        app = self.app
        link = str(request.get("link") or "")
        actions: dict[str, Callable[[], Any]] = {
            "show": app.show_quickpick,
            "pick": app.show_quickpick,
            "type": app.type_request,
            "lock": app.lock,
            "quit": app.quit,
            "settings": app.show_settings,
            "import": app.import_file,
            "enrol": lambda: app.show_enrol(link, EXTERNAL_ORIGIN if link else ""),
            "reload-settings": lambda: app.apply_settings(load_settings()),
        }
        try:
            if command == "state":
                return {"ok": True, **self.state()}
            action = actions.get(command)
            if action is None:
                return {"ok": False, "error": f"unknown command {command!r}"}
            app.call(action)
        except Exception as exc:
            return {"ok": False, "error": type(exc).__name__}
        return {"ok": True}

    def state(self) -> dict[str, Any]:
        """The tray's part from the app's loop, the windows' part from the window host
        (which, in a child process, answers on its own)."""
        state = dict(self.app.call(self.app.app_state))
        windows = {**NO_WINDOWS, **self.app.window_state()}
        if not self.diagnostic_codes:
            state["menu"] = [mask_code(line) for line in state["menu"]]
            enrol = windows.get("enrol")
            if isinstance(enrol, dict):
                enrol["preview"] = mask_code(str(enrol.get("preview", "")))
        return {**state, **windows}
