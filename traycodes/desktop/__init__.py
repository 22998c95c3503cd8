"""The platform layer: every part of the OS the app uses, behind a typed Protocol
(``_protocols``), chosen once per OS and session by :func:`platform` (``_platform`` and
the ``_*_platform`` modules); a part a platform lacks is :class:`Missing` with its reason.
One private module per implementation (``_x11``, ``_wayland``, ``_win32``, ``_darwin``...);
each is testable with fakes. Nothing outside this package tests which OS it runs on.

The factories below are the app's short ways to one part: each returns the part, or
None where this platform lacks it (``platform()`` says why).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ._base import APP_ID, DesktopError, IpcListener, IpcTransport, process_name
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
    Launcher,
    LinkHandler,
    LockWatcher,
    Notifier,
    Screenshot,
    WindowReader,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

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
    "Launcher",
    "LinkHandler",
    "LockWatcher",
    "Missing",
    "Notifier",
    "Platform",
    "Screenshot",
    "WindowReader",
    "display_server",
    "os_kind",
    "platform",
    "process_name",
    "session_kind",
]  # and the factories below

P = TypeVar("P")


def _required(part: P | Missing) -> P:
    """The part, or DesktopError with the reason it is missing (a command that needs it)."""
    if isinstance(part, Missing):
        raise DesktopError(part.reason)
    return part


def autostart() -> Autostart:
    """Start at login, for this platform."""
    return _required(platform().autostart)()


def launcher() -> Launcher:
    """The app menu (Linux) or Start menu (Windows) entry; DesktopError on macOS."""
    return _required(platform().launcher)()


def link_handler() -> LinkHandler:
    """The ``otpauth:`` link handler; DesktopError on macOS (needs an app bundle)."""
    return _required(platform().link_handler)()


def host_registration() -> HostRegistration:
    """Where browsers find the native-messaging host (files; Windows: the registry)."""
    return _required(platform().host_registration)()


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


# --- services of the running app, one factory each: callers never pick a platform module ----


def notifier(icon: str) -> Notifier | None:
    """Desktop notifications, or None where the tray's own notifications serve (Windows,
    macOS)."""
    part = platform().notifier
    return None if isinstance(part, Missing) else part(icon)


def lock_watcher(on_lock: Callable[[str], None]) -> LockWatcher | None:
    """Calls ``on_lock`` (in a thread of its own) when the screen locks; started. None where
    traycodes cannot hear it yet."""
    part = platform().lock_watcher
    if isinstance(part, Missing):
        return None
    watcher = part(on_lock)
    watcher.start()
    return watcher


def folder_watcher(folder: Path, on_change: Callable[[set[str]], None]) -> FolderWatcher | None:
    """Calls ``on_change(names)`` (in a thread) when files in ``folder`` change; started.
    None where there is no such notice (the app then looks at each refresh)."""
    part = platform().folder_watcher
    if isinstance(part, Missing):
        return None
    watcher = part(folder, on_change)
    return watcher if watcher.start() else None


def window_reader() -> WindowReader | None:
    """The window in front and the keyboard state where they can be read: X11, Windows,
    macOS, and on Wayland sway (and i3-compatible compositors), Hyprland and KDE Plasma.
    None elsewhere (GNOME: :func:`unreadable_why`)."""
    part = platform().window_reader
    return None if isinstance(part, Missing) else part()


def unreadable_why() -> str:
    """Why the window in front cannot be read here ('' where it can)."""
    part = platform().window_reader
    return part.reason if isinstance(part, Missing) else ""


def keyboard() -> Keyboard | None:
    """How codes are typed: XTEST on X11, SendInput on Windows, Quartz events on macOS,
    and on Wayland wtype, ydotool or the RemoteDesktop portal; None where nothing can type
    (codes are copied)."""
    part = platform().keyboard
    return None if isinstance(part, Missing) else part()


def hotkeys(bindings: Bindings) -> GlobalShortcuts | None:
    """The hotkeys for this platform: grabs on the X root window, ``RegisterHotKey`` on
    Windows, Carbon's ``RegisterEventHotKey`` on macOS. None on Wayland (the compositor's
    binding or the portal: :func:`global_shortcuts`) and without a display."""
    part = platform().global_shortcuts
    return None if isinstance(part, Missing) else part(bindings)


def global_shortcuts(
    bindings: dict[str, tuple[str, str, Callable[[], None]]],
) -> GlobalShortcuts | None:
    """Global shortcuts through the GlobalShortcuts portal, or None where the desktop has
    no such portal. ``bindings``: id to (description, preferred trigger, action)."""
    if not portal_offers("shortcuts"):
        return None
    from ._portal import PortalShortcuts

    return PortalShortcuts(bindings)


def clipboard_adapter() -> Clipboard | None:
    """The OS clipboard with a change token (Windows, macOS, Wayland through wl-clipboard),
    or None where the app's Tk root owns the clipboard (X11)."""
    part = platform().clipboard
    return None if isinstance(part, Missing) else part()


def screenshot() -> Image.Image:
    """The whole screen (every monitor) as a PIL image: ``grim`` on wlroots compositors,
    the Screenshot portal elsewhere on Wayland, PIL's ImageGrab on X11, Windows and macOS;
    DesktopError where nothing can."""
    return _required(platform().screenshot)()


def status_notifier_host() -> bool:
    """A StatusNotifierItem host is there to show an icon (KDE, waybar, GNOME with the
    AppIndicator extension): ``org.kde.StatusNotifierWatcher`` has an owner."""
    if os_kind() in ("windows", "macos"):
        return False
    from ._xdg import name_has_owner

    return name_has_owner("org.kde.StatusNotifierWatcher")


def has_pygobject() -> bool:
    """Whether PyGObject is installed (pystray's gtk and appindicator backends need it)."""
    import importlib.util

    return importlib.util.find_spec("gi") is not None


def tray_backends() -> tuple[str, ...]:
    """The tray backends to try here, best first: pystray's (``win32``, ``darwin``,
    ``appindicator``, ``gtk``, ``xorg``), ``sni`` (a StatusNotifierItem served over D-Bus)
    or ``none`` (no tray: the app runs on, reached by its shortcuts).

    X11: appindicator, gtk, xorg; without PyGObject and with a StatusNotifierItem host:
    sni, xorg. Wayland, where no XEmbed tray exists: appindicator, then sni when a host is
    there to show it (KDE, waybar, GNOME's AppIndicator extension), else none."""
    if sys.platform == "win32":
        return ("win32",)
    elif sys.platform == "darwin":
        return ("darwin",)
    else:
        return _linux_tray_backends()


def _linux_tray_backends() -> tuple[str, ...]:
    if display_server() != "wayland":
        # X11: the XEmbed tray is there to fall back on. AppIndicator only where a host
        # shows it: without one it falls back to a GtkStatusIcon and renames it once shown
        # (gtk_status_icon_set_name re-maps the icon's window), and GDK prints a
        # Gdk-CRITICAL at every start; the gtk backend makes the same XEmbed icon cleanly.
        # Without PyGObject the host's own menu (sni) beats traycodes' popup.
        host = status_notifier_host()
        if not has_pygobject():
            return ("sni", "xorg") if host else ("appindicator", "gtk", "xorg")
        return ("appindicator", "gtk", "xorg") if host else ("gtk", "xorg")
    return ("appindicator", "sni", "none") if status_notifier_host() else ("none",)


def tray_icon_variant() -> str:
    """Which of traycodes' icons the tray shows: ``mono`` on macOS (a template image the
    menu bar tints), ``app`` elsewhere."""
    return "mono" if sys.platform == "darwin" else "app"


def tray_loop_on_main_thread() -> bool:
    """Whether the tray icon's loop must own the main thread (macOS: NSApplication)."""
    return sys.platform == "darwin"


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


def ipc_transport() -> IpcTransport:
    """Where the app and its clients meet: a Windows named pipe private to the user, else
    a Unix socket in a private folder."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        from ._win32_pipe import PipeTransport, Win32Pipes

        return PipeTransport(Win32Pipes())
    else:
        from ._unix_socket import SocketTransport

        return SocketTransport()


def clock_synchronised() -> tuple[bool | None, str]:
    """Whether the OS keeps the clock right (an NTP service synchronised it), with what was
    found; None: cannot tell here."""
    from ._timesync import synchronised

    return synchronised()


def tray_owns_main_thread() -> bool:
    """Whether the tray icon's loop must run on the main thread (macOS: the menu bar's
    run loop), so that the windows live in a child process."""
    return os_kind() == "macos"


def tk_watches_files() -> bool:
    """Whether Tk can watch a file descriptor (``createfilehandler``): not on Windows,
    where the app's loop polls its queue instead."""
    return os_kind() != "windows"


def ui_languages() -> list[str]:
    """The user's UI languages on Windows and macOS, most wanted first (``de_DE``); empty
    elsewhere, where the environment names them (traycodes.i18n reads it)."""
    from ._languages import ui_languages as read

    return read()
