"""Starting the tray app: ``traycodes`` with no command (and ``enrol``, which starts it
when it is not running), and the command a login entry or a launcher runs. Kept apart
from the app itself so that the CLI's start-up commands import nothing of it."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from .. import desktop, ipc
from ..errors import TrayCodesError
from ..i18n import _
from ..keystore import KeyStore

log = logging.getLogger(__name__)


def ui_in_child() -> bool:
    """Whether the windows live in a child process: on macOS always (pystray and Tk both
    need the main thread there), elsewhere when ``TRAYCODES_UI_PROCESS=child``."""
    forced = os.environ.get("TRAYCODES_UI_PROCESS", "").strip().lower()
    owns = desktop.required(desktop.platform().tray).owns_main_thread
    return owns or forced == "child"


def _keystore() -> KeyStore | None:
    from ..keystore import system_store

    store, why = system_store()
    if store is None:
        log.info("%s", why)
    return store


def run(vault_path: Path, *, enrol: str | None = None) -> int:
    """``traycodes`` with no command: start the app, or show the one already running.
    ``enrol``: the link ``traycodes enrol`` handed over on stdin ('': none), for the
    enrolment dialog instead (once the vault is open)."""

    def to_running_app() -> dict[str, Any]:
        if enrol is None:
            return ipc.request("show", timeout=5)
        return ipc.request("enrol", link=enrol, timeout=5)

    try:
        reply = to_running_app()
    except (ipc.NotRunning, OSError, ValueError):
        pass
    else:
        if reply.get("ok"):
            return 0
    if desktop.display_server() == "none":
        raise TrayCodesError(
            _(
                "no graphical session (DISPLAY is not set): the tray app needs "
                "one; the command line works without"
            )
        )
    if desktop.display_server() == "wayland" and not os.environ.get("DISPLAY"):
        raise TrayCodesError(
            _(
                "traycodes' windows need XWayland, and DISPLAY is not set: install Xwayland "
                "(Debian, Ubuntu: xwayland) or turn it on in your compositor; the command "
                "line works without"
            )
        )
    from ..settings import load_settings
    from .tray import NO_HOST, early_tray, load_backend

    settings = load_settings()
    for problem in settings.problems:
        log.warning("%s", problem)
    backend, problems = load_backend()
    for problem in problems:
        log.log(logging.WARNING if problem == NO_HOST else logging.INFO, "tray: %s", problem)
    child_ui = ui_in_child()
    tray = early_tray(backend, child_ui=child_ui)  # the icon first, then the app's modules
    if tray.started:
        tray.ready.wait(2)
    try:
        from .main import App

        app = App(
            vault_path,
            keystore=_keystore,
            backend=backend,
            settings=settings,
            child_ui=child_ui,
            tray=tray,
        )
    except BaseException:
        tray.stop()
        raise
    try:
        app.start()
    except ipc.AlreadyRunning:  # another one started meanwhile: let it show itself
        app.shutdown()
        to_running_app()
        return 0
    except BaseException:
        app.shutdown()
        raise
    if backend.name == "none":
        app.notify(_("traycodes is running without a tray icon"), _(NO_HOST))
    if enrol is not None:
        from .commands import EXTERNAL_ORIGIN

        link = enrol
        app.loop.post(lambda: app.show_enrol(link, EXTERNAL_ORIGIN if link else ""))
    app.run()
    return 0
