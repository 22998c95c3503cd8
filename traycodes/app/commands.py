"""What the running app answers over IPC (``traycodes show``, ``type``, ``lock``, ``enrol``,
``state``...). Requests arrive on the IPC server's thread; each action runs on the app's
loop. ``state`` tells what the app shows, for diagnostics and the tests: never a secret,
and no code either (each shown as dots) unless the app was started with
``TRAYCODES_DIAGNOSTICS=codes`` in its own environment (the test suite does)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, Protocol

from ..errors import TrayCodesError, describe
from ..i18n import N_, _
from ..model import Record
from ..settings import load_settings
from .menu import CODE_GAP, mask_code

log = logging.getLogger(__name__)
EXTERNAL_ORIGIN = N_("another program (a clicked otpauth: link, or 'traycodes enrol')")


NO_WINDOWS: dict[str, Any] = {
    "quickpick": False,
    "chooser": False,
    "chooser_heading": "",
    "quickpick_codes": [],
    "quickpick_ready": False,
    "enrol": None,
    "password_window": False,
}


class CommandLoop(Protocol):
    def call(self, action: Callable[[], Any], timeout: float = 10.0) -> Any: ...


class CommandSession(Protocol):
    def lock(self, reason: str) -> None: ...

    def records(self) -> list[Record]: ...


class CommandActions(Protocol):
    def advance_hotp(self, record_id: str) -> str: ...


class CommandHost(Protocol):
    """The app, as the IPC commands see it: its parts (the loop, the session, the code
    actions) and what it opens."""

    @property
    def loop(self) -> CommandLoop: ...

    @property
    def session(self) -> CommandSession: ...

    @property
    def actions(self) -> CommandActions: ...

    def show_quickpick(self) -> None: ...

    def type_request(self) -> None: ...

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

    # for the browser extension's host
    settings: Any

    @property
    def clock(self) -> Any:
        """The app's clock (``now()``: the ``clock_offset`` setting applied)."""
        ...

    def show_password(self) -> None: ...


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
            "lock": lambda: app.session.lock("'traycodes lock' asked"),
            "quit": app.quit,
            "settings": app.show_settings,
            "import": app.import_file,
            "enrol": lambda: app.show_enrol(link, _(EXTERNAL_ORIGIN) if link else ""),
            "reload-settings": lambda: app.apply_settings(load_settings()),
        }
        try:
            if command == "state":
                return {"ok": True, **self.state()}
            if command in ("browser-codes", "browser-code"):
                url, every = str(request.get("url") or ""), request.get("every") == "1"
                return self.browser(command, url, request.get("id"), every_code=every)
            action = actions.get(command)
            if action is None:
                return {"ok": False, "error": f"unknown command {command!r}"}
            app.loop.call(action)
        except TrayCodesError as exc:  # one line for whoever asked (never a secret: errors.py)
            log.debug("the command %r failed: %s", command[:40], describe(exc))
            return {"ok": False, "error": str(exc)}
        except Exception as exc:  # a bug: its type for whoever asked, where it was in the log
            log.warning("the command %r failed: %s", command[:40], describe(exc))
            return {"ok": False, "error": f"traycodes failed ({type(exc).__name__})"}
        return {"ok": True}

    def browser(
        self, command: str, url: str, record_id: object, *, every_code: bool = False
    ) -> dict[str, Any]:
        """The browser extension's host asks (browser/host.py): the accounts of a page's
        site (labels first; ``every_code``: the extension's popup, codes too), or one fresh
        code; the same answer as the host's own (browser/pagecodes.py). Locked: the unlock
        window shows. A code about to expire is waited for here, on the IPC thread, not the
        app's loop."""
        import time

        from ..browser.pagecodes import codes_for_page, page_reply

        app = self.app
        kind = "codes" if command == "browser-codes" else "code"
        request = {"type": kind, "url": url, "id": str(record_id), "every": "1" * every_code}

        def on_loop() -> dict[str, Any]:
            if app.app_state()["locked"]:
                log.info("browser: a page asked while locked: the unlock window shows")
                app.show_password()
                return {"ok": False, "error": "traycodes is locked", "locked": True}
            found = page_reply(
                app.session.records(), request, app.clock.now(), app.actions.advance_hotp
            )
            if kind == "codes":
                log.info("browser: %d account(s) for %s", len(found.get("accounts", [])),
                         found.get("site") or "a page that is not on the web")  # fmt: skip
            return found

        look = lambda: dict(app.loop.call(on_loop))  # noqa: E731
        return codes_for_page(request, look, app.settings.min_seconds_left, time.sleep)

    def state(self) -> dict[str, Any]:
        """The tray's part from the app's loop, the windows' part from the window host
        (which, in a child process, answers on its own)."""
        state = dict(self.app.loop.call(self.app.app_state))
        windows = {**NO_WINDOWS, **self.app.window_state()}
        if not self.diagnostic_codes:
            state["menu"] = [mask_code(line) for line in state["menu"]]
            state["menu_shown"] = [mask_code(line) for line in state["menu_shown"]]
            windows["quickpick_codes"] = [
                mask_code(CODE_GAP + str(c)).removeprefix(CODE_GAP)
                for c in windows.get("quickpick_codes") or []
            ]
            enrol = windows.get("enrol")
            if isinstance(enrol, dict):
                enrol["preview"] = mask_code(str(enrol.get("preview", "")))
        return {**state, **windows}
