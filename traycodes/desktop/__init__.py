"""Per-OS adapters behind small interfaces: start at login, notifications, session lock,
the display server. One private module per platform (``_xdg``, ``_win32``, ``_darwin``),
chosen once by :func:`autostart` and friends; each is testable with fakes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, Protocol

from ._base import APP_ID, DesktopError, IpcListener, IpcTransport

__all__ = ["APP_ID", "DesktopError", "IpcListener", "IpcTransport"]  # and the factories below


class Autostart(Protocol):
    """Start traycodes when the user logs in."""

    @property
    def location(self) -> str:
        """Where the entry lives (a file, a registry value), for messages."""
        ...

    def enable(self, command: list[str]) -> None:
        """Start ``command`` at login (replacing an older entry)."""
        ...

    def disable(self) -> None:
        """Stop starting at login; quiet when it was not on."""
        ...

    def enabled(self) -> bool:
        """True when an entry exists."""
        ...


def autostart() -> Autostart:
    """The adapter for this platform."""
    if sys.platform == "win32":
        from ._win32 import RunKeyAutostart

        return RunKeyAutostart()
    elif sys.platform == "darwin":
        from ._darwin import LaunchAgentAutostart

        return LaunchAgentAutostart()
    else:
        from ._xdg import XdgAutostart

        return XdgAutostart()


class Launcher(Protocol):
    """traycodes in the desktop's app menu (Linux) or Start menu (Windows)."""

    @property
    def location(self) -> str:
        """Where the entry lives, for messages."""
        ...

    def enable(self, command: list[str]) -> None:
        """Add the entry (and its icons), starting ``command``; replaces an older one."""
        ...

    def disable(self) -> None:
        """Remove exactly what :meth:`enable` wrote; quiet when it was not there."""
        ...

    def enabled(self) -> bool: ...


def launcher() -> Launcher:
    """The adapter for this platform (macOS: an app bundle, not done yet)."""
    if sys.platform == "win32":
        from ._win32 import StartMenuShortcut

        return StartMenuShortcut()
    elif sys.platform == "darwin":
        raise DesktopError("on macOS, apps are listed from an app bundle; traycodes has none yet")
    else:
        from ._xdg import XdgLauncher

        return XdgLauncher()


class LinkHandler(Protocol):
    """Open clicked ``otpauth:`` links with traycodes."""

    def enable(self, command: list[str]) -> None: ...

    def disable(self) -> None: ...

    def status(self) -> str: ...


def link_handler() -> LinkHandler:
    """The adapter for this platform (macOS: an app bundle's Info.plist, not done here)."""
    if sys.platform == "win32":
        from ._win32 import ProtocolHandler

        return ProtocolHandler()
    elif sys.platform == "darwin":
        raise DesktopError(
            "on macOS, otpauth: links open the app bundle that declares "
            "them (CFBundleURLTypes); traycodes has no bundle yet"
        )
    else:
        from ._xdg import XdgLinkHandler

        return XdgLinkHandler()


def display_server() -> str:
    """``x11``, ``wayland``, ``windows``, ``macos`` or ``none`` (no graphical session)."""
    if sys.platform == "win32":
        return "windows"
    elif sys.platform == "darwin":
        return "macos"
    elif os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    elif os.environ.get("DISPLAY"):
        return "x11"
    else:
        return "none"


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
    name = "traycodes.exe" if sys.platform == "win32" else "traycodes"
    on_path = shutil.which("traycodes")
    if on_path and Path(os.path.realpath(on_path)).parent == here:
        return [os.path.abspath(on_path)]
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return [str(beside)]
    return [sys.executable, "-m", "traycodes"]


# --- services of the running app, one factory each: callers never pick a platform module ----


def notifier(icon: str) -> Any:
    """Desktop notifications (``notify(title, body)``, ``close()``), or None where the
    tray's own notifications serve (Windows, macOS)."""
    if sys.platform.startswith("linux"):
        from ._xdg import Notifier

        return Notifier(icon)
    else:
        return None


def lock_watcher(on_lock: Callable[[str], None]) -> Any:
    """Calls ``on_lock(reason)`` (in a thread of its own) when the screen locks, the reason
    naming the signal heard; started. None where traycodes cannot hear it yet."""
    if sys.platform.startswith("linux"):
        from ._xdg import SessionLockWatcher

        watcher = SessionLockWatcher(on_lock)
        watcher.start()
        return watcher
    else:
        return None


def folder_watcher(folder: Any, on_change: Callable[[set[str]], None]) -> Any:
    """Calls ``on_change(names)`` (in a thread) when files in ``folder`` change; started.
    None where there is no such notice (the app then looks at each refresh)."""
    if sys.platform.startswith("linux"):
        from ._inotify import FolderWatcher

        watcher = FolderWatcher(folder, on_change)
        return watcher if watcher.start() else None
    else:
        return None


def window_reader() -> Any:
    """The window in front and the keyboard state (``active_window``, ``activate``,
    ``modifiers_down``, ``close``) where they can be read: X11, and on Wayland sway (and
    i3-compatible compositors), Hyprland and KDE Plasma. None elsewhere (GNOME)."""
    server = display_server()
    if server == "x11":
        from ._x11 import X11Desktop

        return X11Desktop()
    if server != "wayland":
        return None
    from . import _wayland

    kind = _wayland.compositor()
    if kind == "sway":
        return _wayland.SwayDesktop()
    elif kind == "hyprland":
        return _wayland.HyprlandDesktop()
    elif kind == "kde":
        from ._kwin import KWinDesktop

        return KWinDesktop()
    return None


def session_kind() -> str:
    """``x11``, ``windows``, ``macos``, ``none``, or on Wayland the compositor: ``sway``,
    ``hyprland``, ``kde``, ``gnome``, ``wlroots`` or ``unknown``."""
    server = display_server()
    if server != "wayland":
        return server
    from . import _wayland

    return _wayland.compositor()


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


class GlobalShortcuts(Protocol):
    """Hotkeys that take their keys: the window in front never receives them. Made with
    ``{hotkey: action}`` (pynput's form, ``<ctrl>+<alt>+o``); actions run on a thread of
    the part's own and must not block."""

    def start(self) -> list[str]:
        """Take the hotkeys; returns problems a person can act on (one per hotkey that is
        not understood or that another program holds); the others work."""
        ...

    def stop(self) -> None:
        """Let go of every hotkey (quit, or new hotkeys in the settings); quiet when
        never started or already stopped."""
        ...


def hotkeys(bindings: dict[str, Callable[[], None]]) -> GlobalShortcuts | None:
    """The hotkeys for this platform: grabs on the X root window, ``RegisterHotKey`` on
    Windows, Carbon's ``RegisterEventHotKey`` on macOS. None on Wayland (the compositor's
    binding or the portal: :func:`global_shortcuts`) and without a display."""
    if sys.platform == "win32":
        from ._win32_keys import Win32Shortcuts

        return Win32Shortcuts(bindings)
    elif sys.platform == "darwin":
        from ._darwin_keys import CarbonShortcuts

        return CarbonShortcuts(bindings)
    else:
        from ._x11_keys import X11Shortcuts

        return X11Shortcuts(bindings) if display_server() == "x11" else None


def global_shortcuts(bindings: dict[str, tuple[str, str, Callable[[], None]]]) -> Any:
    """Global shortcuts through the GlobalShortcuts portal (``start() -> problems``,
    ``stop()``), or None where the desktop has no such portal. ``bindings``: id to
    (description, preferred trigger, action)."""
    if not portal_offers("shortcuts"):
        return None
    from ._portal import PortalShortcuts

    return PortalShortcuts(bindings)


def unreadable_why() -> str:
    """Why the window in front cannot be read here ('' where it can)."""
    if display_server() != "wayland":
        return ""
    from . import _wayland

    kind = _wayland.compositor()
    if kind == "gnome":
        return "GNOME does not let apps see which window is in front."
    if kind in ("sway", "hyprland", "kde"):
        return ""
    return "This Wayland desktop does not tell apps which window is in front."


def keyboard() -> Any:
    """How codes are typed (``type(text, enter=)``, ``press(keys)``, ``name``) on X11 and
    Wayland: XTEST on X11 (keys as if from the keyboard, which xterm accepts); the virtual
    keyboard (``wtype``) on wlroots compositors, ``ydotool`` where its daemon runs, the
    RemoteDesktop portal on KDE and GNOME; None where nothing can type (codes are copied).
    Not for Windows and macOS: pynput types there."""
    if display_server() == "x11":
        from ._x11_keys import XTestKeyboard

        return XTestKeyboard()
    from . import _wayland

    kind = _wayland.compositor()
    if kind in ("sway", "hyprland", "wlroots", "unknown") and _wayland.have("wtype"):
        return _wayland.WtypeKeyboard()
    socket_path = _wayland.ydotool_socket()
    if _wayland.have("ydotool") and socket_path is not None:
        return _wayland.YdotoolKeyboard(socket_path)
    if kind in ("kde", "gnome"):
        from ._portal import PortalKeyboard, portal_has

        if portal_has("org.freedesktop.portal.RemoteDesktop"):
            return PortalKeyboard()
    return None


def clipboard_adapter() -> Any:
    """The OS clipboard with a change token (Windows, macOS, Wayland through wl-clipboard),
    or None where the app's Tk root owns the clipboard (X11)."""
    if sys.platform == "win32":
        from ._win32 import Win32Clipboard

        return Win32Clipboard()
    elif sys.platform == "darwin":
        from ._darwin import PasteboardClipboard

        return PasteboardClipboard()
    else:
        from . import _wayland

        wl = display_server() == "wayland" and _wayland.have("wl-copy")
        return _wayland.WlClipboard() if wl and _wayland.have("wl-paste") else None


def screenshot() -> Any:
    """The whole screen as a PIL image on Wayland: ``grim`` on wlroots compositors, the
    Screenshot portal elsewhere. None where PIL's ImageGrab can take it (X11, Windows,
    macOS)."""
    if display_server() != "wayland":
        return None
    from . import _wayland

    kind = _wayland.compositor()
    if kind in ("sway", "hyprland", "wlroots", "unknown") and _wayland.have("grim"):
        return _wayland.grim_screenshot()
    from ._portal import portal_screenshot

    return portal_screenshot()


def status_notifier_host() -> bool:
    """A StatusNotifierItem host is there to show an icon (KDE, waybar, GNOME with the
    AppIndicator extension): ``org.kde.StatusNotifierWatcher`` has an owner."""
    if sys.platform == "win32" or sys.platform == "darwin":
        return False
    else:
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


def tray_icon_class(backend: str, base: Any) -> Any:
    """pystray's ``Icon`` class of ``backend`` (``base``, loaded by the app) with the
    fixes traycodes makes to it (:mod:`._pystray`, the one module that touches pystray's
    private members)."""
    from ._pystray import icon_class

    return icon_class(backend, base)


def status_notifier_item(
    title: str,
    image: Any,
    menu: list[Any],
    *,
    on_activate: Callable[[], None],
    on_context_menu: Callable[[int, int], None] | None = None,
) -> Any:
    """A tray icon served over D-Bus with its menu (:class:`._sni.StatusNotifierItem`;
    ``menu``: :func:`menu_node` entries), for a StatusNotifierItem host without GTK."""
    from ._sni import StatusNotifierItem

    return StatusNotifierItem(
        title, image, menu, on_activate=on_activate, on_context_menu=on_context_menu
    )


def menu_node(text: str = "", run: Callable[[], None] | None = None, **fields: Any) -> Any:
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
