"""The platform layer: every part of the OS the app uses, behind a typed Protocol
(``_protocols``), chosen once per OS and session by :func:`platform` (``_platform`` and
the ``_*_platform`` modules); a part a platform lacks is :class:`Missing` with its reason.
One private module per implementation (``_x11``, ``_wayland``, ``_win32``, ``_darwin``...);
each is testable with fakes. Nothing outside this package tests which OS it runs on.

Callers ask ``platform()`` for a part (:func:`present`, :func:`required`); the functions
below are the OS's other facts and helpers (the tray icon's class, the clock's sync).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from ._base import APP_ID, DesktopError, IpcListener, IpcTransport, process_name
from ._keys import SettingsProblem
from ._parts import PART_NAMES, Missing, Platform
from ._platform import display_server, os_kind, platform, session_kind
from ._protocols import (
    Autostart,
    Bindings,
    Clipboard,
    FolderWatcher,
    GlobalShortcuts,
    HostRegistration,
    Keyboard,
    Labels,
    Launcher,
    LinkHandler,
    LockWatcher,
    Notifier,
    Screenshot,
    ShortcutsMaker,
    TrayChoice,
    WindowReader,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._sni import MenuNode, StatusNotifierItem

__all__ = [
    "APP_ID",
    "PART_NAMES",
    "Autostart",
    "Bindings",
    "Clipboard",
    "DesktopError",
    "FolderWatcher",
    "GlobalShortcuts",
    "HostRegistration",
    "IpcListener",
    "IpcTransport",
    "Keyboard",
    "Labels",
    "Launcher",
    "LinkHandler",
    "LockWatcher",
    "Missing",
    "Notifier",
    "Platform",
    "Screenshot",
    "SettingsProblem",
    "ShortcutsMaker",
    "TrayChoice",
    "WindowReader",
    "display_server",
    "os_kind",
    "platform",
    "present",
    "process_name",
    "required",
    "session_kind",
]  # and the helpers below

P = TypeVar("P")


def required(part: P | Missing) -> P:
    """The part, or DesktopError with the reason it is missing (a command that needs it):
    ``required(platform().autostart)()``."""
    if isinstance(part, Missing):
        raise DesktopError(part.reason)
    return part


def present(part: P | Missing) -> P | None:
    """The part, or None where this platform lacks it (``platform()`` says why)."""
    return None if isinstance(part, Missing) else part


def launch_command() -> list[str]:
    """How a login entry, a launcher or a link handler starts this traycodes again.

    The ``traycodes`` command on ``PATH`` when it runs this same installation, by the path
    a reinstall keeps (pipx's ``~/.local/bin/traycodes`` link survives ``pipx upgrade`` and
    ``pipx reinstall``); else the command beside this Python (a virtual environment); else
    this Python running the package (a checkout).
    """
    import shutil
    from pathlib import Path

    here = Path(os.path.realpath(Path(sys.executable).parent))
    name = "traycodes.exe" if os_kind() == "windows" else "traycodes"
    on_path = shutil.which("traycodes")
    if on_path and Path(os.path.realpath(on_path)).parent == here:
        return [os.path.abspath(on_path)]
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-m", "traycodes"]


def portal_offers(what: str) -> bool:
    """Whether the desktop's portal offers ``what``: ``shortcuts`` (GlobalShortcuts),
    ``typing`` (RemoteDesktop) or ``screenshot``."""
    from . import _portal

    names = {"shortcuts": _portal.SHORTCUTS, "typing": _portal.REMOTE}
    return _portal.portal_has(names.get(what, _portal.SCREENSHOT))


def screen_capture() -> str:
    """How the screen is captured on Wayland (``grim``, ``the Screenshot portal``), or ''
    where nothing can."""
    import shutil

    if session_kind() in ("sway", "hyprland", "wlroots", "unknown") and shutil.which("grim"):
        return "grim"
    return "the Screenshot portal" if portal_offers("screenshot") else ""


def tray_icon_class(backend: str, base: type) -> type:
    """pystray's ``Icon`` class of ``backend`` (``base``, loaded by the app) with the
    fixes traycodes makes to it (:mod:`._pystray`, the one module that touches pystray's
    private members)."""
    from ._pystray import icon_class

    return icon_class(backend, base)


def status_notifier_item(
    title: str,
    image: Any,
    menu: list[MenuNode],
    *,
    on_activate: Callable[[], None],
    on_context_menu: Callable[[int, int], None] | None = None,
) -> StatusNotifierItem:
    """A tray icon served over D-Bus with its menu (:class:`._sni.StatusNotifierItem`;
    ``menu``: :func:`menu_node` entries), for a StatusNotifierItem host without GTK."""
    from ._sni import StatusNotifierItem

    return StatusNotifierItem(
        title, image, menu, on_activate=on_activate, on_context_menu=on_context_menu
    )


def menu_node(text: str = "", run: Callable[[], None] | None = None, **fields: Any) -> MenuNode:
    """One entry of :func:`status_notifier_item`'s menu (``enabled``, ``checked``,
    ``separator``, ``children``)."""
    from ._sni import MenuNode

    return MenuNode(text, run, **fields)


def clock_synchronised() -> tuple[bool | None, str]:
    """Whether the OS keeps the clock right (an NTP service synchronised it), with what was
    found; None: cannot tell here."""
    from ._timesync import synchronised

    return synchronised()


def tk_watches_files() -> bool:
    """Whether Tk can watch a file descriptor (``createfilehandler``): not on Windows,
    where the app's loop polls its queue instead."""
    return os_kind() != "windows"


def ui_languages() -> list[str]:
    """The user's UI languages on Windows and macOS, most wanted first (``de_DE``); empty
    elsewhere, where the environment names them (traycodes.i18n reads it)."""
    from ._languages import ui_languages as read

    return read()
