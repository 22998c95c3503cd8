"""Linux's and the BSDs' parts of the platform layer: X11, and on Wayland what each
compositor offers (sway, Hyprland, KDE Plasma, GNOME, other wlroots compositors)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..i18n import _
from ._parts import LOOKS_AT_EACH_REFRESH, NO_FOLDER_NOTICE, NO_LOCK, Missing, Platform, imagegrab
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
    from . import _wayland

    if kind == "sway":
        return _wayland.SwayDesktop
    if kind == "hyprland":
        return _wayland.HyprlandDesktop
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
    from . import _wayland

    if kind in WLROOTS and _wayland.have("wtype"):
        return _wayland.WtypeKeyboard
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
    from . import _wayland

    if kind in WAYLAND and _wayland.have("wl-copy") and _wayland.have("wl-paste"):
        return _wayland.WlClipboard
    return Missing(
        _("wl-clipboard (wl-copy, wl-paste) is not installed: XWayland's clipboard only")
    )


def screenshot(kind: str) -> Screenshot | Missing:
    if kind not in WAYLAND:
        return imagegrab(all_screens=False)
    import shutil

    from . import _wayland

    if kind in WLROOTS and shutil.which("grim"):
        return _wayland.grim_screenshot
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


def x11_shortcuts(bindings: Bindings) -> GlobalShortcuts:
    from ._x11_keys import X11Shortcuts

    return X11Shortcuts(bindings)


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
    shortcuts: Callable[[Bindings], GlobalShortcuts] | Missing = x11_shortcuts
    if kind in WAYLAND:
        shortcuts = Missing(
            _("Wayland lets no app take global keys"),
            instead=_(
                "the GlobalShortcuts portal, or a desktop shortcut that runs "
                "'traycodes type' ('traycodes hotkeys')"
            ),
        )
    elif kind != "x11":
        shortcuts = Missing(_("no graphical session"))
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
        global_shortcuts=shortcuts,
        screenshot=screenshot(kind),
        autostart=autostart,
        launcher=launcher,
        link_handler=link_handler,
        host_registration=host_registration,
    )
