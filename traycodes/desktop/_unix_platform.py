"""Linux's and the BSDs' parts of the platform layer: X11, and on Wayland what each
compositor offers (sway, Hyprland, KDE Plasma, GNOME, other wlroots compositors)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from ..i18n import _
from ._base import DesktopError, IpcTransport
from ._parts import (
    LOOKS_AT_EACH_REFRESH,
    NO_FOLDER_NOTICE,
    NO_LOCK,
    Missing,
    Platform,
    Trays,
    imagegrab,
)
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
    WindowReader,
)

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:
    from PIL import Image

WLROOTS = ("sway", "hyprland", "wlroots", "unknown")
WAYLAND = (*WLROOTS, "kde", "gnome")


def unreadable_why(kind: str) -> str:
    """Why the window in front cannot be read in session ``kind`` ('' where it can)."""
    if kind == "gnome":
        return _("GNOME does not let apps see which window is in front.")
    if kind in ("x11", "sway", "hyprland", "kde"):
        return ""
    if kind == "none":
        return _("no graphical session (DISPLAY or WAYLAND_DISPLAY)")
    return _("This Wayland desktop does not tell apps which window is in front.")


def window_reader(kind: str) -> Callable[[], WindowReader] | Missing:
    if kind == "x11":

        def x11() -> WindowReader:
            from ._x11 import X11Desktop

            return X11Desktop()

        return x11
    if kind == "sway":

        def sway() -> WindowReader:
            from ._wayland import SwayDesktop

            return SwayDesktop()

        return sway
    if kind == "hyprland":

        def hyprland() -> WindowReader:
            from ._wayland import HyprlandDesktop

            return HyprlandDesktop()

        return hyprland
    if kind == "kde":

        def kwin() -> WindowReader:
            from ._kwin import KWinDesktop

            return KWinDesktop()

        return kwin
    return Missing(unreadable_why(kind), instead=_("the chooser"))


def keyboard(kind: str) -> Callable[[], Keyboard] | Missing:
    """XTEST on X11 (keys as if from the keyboard, which xterm accepts); the virtual
    keyboard (``wtype``) on wlroots compositors, ``ydotool`` where its daemon runs, the
    RemoteDesktop portal on KDE and GNOME."""
    if kind == "x11":

        def xtest() -> Keyboard:
            from ._x11_keys import XTestKeyboard

            return XTestKeyboard()

        return xtest
    if kind not in WAYLAND:
        return Missing(_("no graphical session"), instead=_("codes are copied"))
    if kind in WLROOTS and shutil.which("wtype"):

        def wtype() -> Keyboard:
            from ._wayland import WtypeKeyboard

            return WtypeKeyboard()

        return wtype
    from . import _wayland

    socket_path = _wayland.ydotool_socket()  # checked: never a link or someone else's
    if _wayland.have("ydotool") and socket_path is not None:
        checked = socket_path

        def ydotool() -> Keyboard:
            return _wayland.YdotoolKeyboard(checked)

        return ydotool
    if kind in ("kde", "gnome"):
        from ._portal import REMOTE, PortalKeyboard, portal_has

        if portal_has(REMOTE):
            return PortalKeyboard
    better = {
        "gnome": _("the RemoteDesktop portal is not there"),
        "kde": _("install xdg-desktop-portal-kde, or run ydotoold"),
    }.get(kind, _("install wtype (wlroots compositors) or run ydotoold"))
    return Missing(
        _("nothing can type here: {better}").format(better=better), instead=_("codes are copied")
    )


def clipboard(kind: str) -> Callable[[], Clipboard] | Missing:
    if kind == "x11":
        return Missing(
            _("X11's clipboard"), instead=_("the clipboard of traycodes' own window (Tk)")
        )
    if kind in WAYLAND and shutil.which("wl-copy") and shutil.which("wl-paste"):

        def wl_clipboard() -> Clipboard:
            from ._wayland import WlClipboard

            return WlClipboard()

        return wl_clipboard
    return Missing(
        _("wl-clipboard (wl-copy, wl-paste) is not installed: XWayland's clipboard only")
    )


def screenshot(kind: str) -> Screenshot | Missing:
    if kind not in WAYLAND:
        return imagegrab(all_screens=False)
    if kind in WLROOTS and shutil.which("grim"):

        def grim() -> Image.Image:
            from ._wayland import grim_screenshot

            return grim_screenshot()

        return grim
    from ._portal import SCREENSHOT, portal_has, portal_screenshot

    if portal_has(SCREENSHOT):
        return portal_screenshot
    return Missing(
        _("nothing can capture the screen: install grim (wlroots) or xdg-desktop-portal")
    )


def notifier(icon: str) -> Notifier:
    from ._xdg import Notifier as XdgNotifier

    return XdgNotifier(icon)


def lock_watcher(on_lock: Callable[[str], None]) -> LockWatcher:
    from ._xdg import SessionLockWatcher

    return SessionLockWatcher(on_lock)


def folder_watcher(folder: Path, on_change: Callable[[set[str]], None]) -> FolderWatcher:
    from ._inotify import FolderWatcher as Inotify

    return Inotify(folder, on_change)


def x11_shortcuts(bindings: Bindings, labels: Labels | None = None) -> GlobalShortcuts:
    from ._x11_keys import X11Shortcuts

    return X11Shortcuts(bindings)


def global_shortcuts(kind: str) -> ShortcutsMaker | Missing:
    """Grabs on the X root window; on Wayland, which lets no app take global keys, the
    GlobalShortcuts portal where the desktop has it (KDE Plasma, Hyprland, GNOME 48+)."""
    if kind == "x11":
        return x11_shortcuts
    if kind not in WAYLAND:
        return Missing(_("no graphical session"))
    if kind not in ("sway", "wlroots"):  # their portals (wlr) have no GlobalShortcuts
        from ._portal import SHORTCUTS, portal_has, portal_shortcuts

        if portal_has(SHORTCUTS):
            return portal_shortcuts
    return Missing(
        _("Wayland lets no app take global keys, and this desktop has no GlobalShortcuts portal"),
        instead=_("a desktop shortcut that runs 'traycodes type' ('traycodes hotkeys')"),
    )


def ipc_transport() -> IpcTransport:
    """A Unix socket in a folder private to the user."""
    if sys.platform != "win32":
        from ._unix_socket import SocketTransport

        return SocketTransport()
    raise DesktopError("no Unix sockets on Windows")  # never: Windows has its own platform


def status_notifier_host() -> bool:
    """A StatusNotifierItem host is there to show an icon (KDE, waybar, GNOME with the
    AppIndicator extension): ``org.kde.StatusNotifierWatcher`` has an owner."""
    from ._xdg import name_has_owner

    return name_has_owner("org.kde.StatusNotifierWatcher")


def has_pygobject() -> bool:
    """Whether PyGObject is installed (pystray's gtk and appindicator backends need it)."""
    import importlib.util

    return importlib.util.find_spec("gi") is not None


def tray(kind: str) -> Trays:
    """X11: appindicator, gtk, xorg; without PyGObject and with a StatusNotifierItem host:
    sni, xorg. Wayland, where no XEmbed tray exists: appindicator, then sni when a host is
    there to show it (KDE, waybar, GNOME's AppIndicator extension), else none."""
    if kind in WAYLAND:
        return Trays(
            lambda: ("appindicator", "sni", "none") if status_notifier_host() else ("none",)
        )
    return Trays(x11_trays)


def x11_trays() -> tuple[str, ...]:
    # The XEmbed tray is there to fall back on. AppIndicator only where a host shows it:
    # without one it falls back to a GtkStatusIcon and renames it once shown
    # (gtk_status_icon_set_name re-maps the icon's window), and GDK prints a Gdk-CRITICAL
    # at every start; the gtk backend makes the same XEmbed icon cleanly. Without
    # PyGObject the host's own menu (sni) beats traycodes' popup.
    host = status_notifier_host()
    if not has_pygobject():
        return ("sni", "xorg") if host else ("appindicator", "gtk", "xorg")
    return ("appindicator", "gtk", "xorg") if host else ("gtk", "xorg")


def autostart() -> Autostart:
    from ._xdg import XdgAutostart

    return XdgAutostart()


def launcher() -> Launcher:
    from ._xdg import XdgLauncher

    return XdgLauncher()


def link_handler() -> LinkHandler:
    from ._xdg import XdgLinkHandler

    return XdgLinkHandler()


def host_registration() -> HostRegistration:
    from ._hosts import LinuxHosts

    return LinuxHosts()


def unix_platform(kind: str, *, linux: bool) -> Platform:
    return Platform(
        kind=kind,
        window_reader=window_reader(kind),
        keyboard=keyboard(kind),
        clipboard=clipboard(kind),
        notifier=notifier if linux else Missing(_("no notifications here")),
        lock_watcher=lock_watcher if linux else Missing(_(NO_LOCK)),
        folder_watcher=folder_watcher
        if linux
        else Missing(_(NO_FOLDER_NOTICE), instead=_(LOOKS_AT_EACH_REFRESH)),
        global_shortcuts=global_shortcuts(kind),
        screenshot=screenshot(kind),
        autostart=autostart,
        launcher=launcher,
        link_handler=link_handler,
        host_registration=host_registration,
        ipc_transport=ipc_transport,
        tray=tray(kind),
    )
