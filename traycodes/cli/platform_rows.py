"""``doctor``'s rows for the platform's parts, computed from ``desktop.platform()`` itself: a
part that is :class:`desktop.Missing` is never reported OK unless something serves in its
place (and then the row says what)."""

from __future__ import annotations

from collections.abc import Callable

from .. import desktop
from ..i18n import N_, _

Row = tuple[str, bool, str, str]  # part, ok, what was found, the fix

# part of desktop.Platform -> doctor's row; the first five have rows of their own on
# Wayland (cli/wayland.py, which asks the compositor), the rest on every desktop
ROWS = {
    "window_reader": N_("window in front"),
    "keyboard": N_("typing"),
    "clipboard": N_("clipboard"),
    "screenshot": N_("screen (QR)"),
    "lock_watcher": N_("screen lock"),
    "notifier": N_("notifications"),
    "folder_watcher": N_("file changes"),
    "ipc_transport": N_("app's IPC"),
    "tray": N_("tray icon"),
}
INPUT_PARTS = ("window_reader", "keyboard", "clipboard", "screenshot")
NO_SESSION_PARTS = (*INPUT_PARTS, "tray")  # without a session: the display row says why
FIXES = {
    "window_reader": N_("the hotkey opens a chooser instead"),
    "keyboard": N_("codes are copied instead"),
    "lock_watcher": N_("lock traycodes from its menu when you leave"),
    "screenshot": N_("QR images from files still work"),
    "ipc_transport": N_("'traycodes type', the browser and the CLI cannot reach the app"),
    "tray": N_("press the pick shortcut for traycodes' window ('traycodes hotkeys')"),
}
PRESENT = {
    "window_reader": N_("read from {kind}"),
    "clipboard": N_("the OS clipboard; codes are marked for clipboard histories to skip"),
    "screenshot": N_("the whole screen can be read for a QR code"),
    "lock_watcher": N_("listens for the screen lock (logind, the screensaver) to lock too"),
    "notifier": N_("desktop notifications (org.freedesktop.Notifications)"),
    "folder_watcher": N_("a followed folder's changes are heard (inotify)"),
}
KIND_NAMES = {"x11": "X11", "windows": "Windows", "macos": "macOS"}


def platform_rows(platform: desktop.Platform) -> list[Row]:
    """A row per part: OK with what serves, or PROBLEM with why it is missing."""
    parts = platform.parts()
    wayland = platform.kind not in ("x11", "windows", "macos", "none")
    none = platform.kind == "none"
    rows = []
    for name, label in ROWS.items():
        if (name in INPUT_PARTS and wayland) or (name in NO_SESSION_PARTS and none):
            continue  # cli/wayland.py asks the compositor; no session: the display row
        part = parts[name]
        if isinstance(part, desktop.Missing):
            said = f"{part.instead} ({part.reason})" if part.instead else part.reason
            fix = _(FIXES[name]) if name in FIXES and not part.instead else ""
            rows.append((label, bool(part.instead), said, fix))
        else:
            rows.append(_present(name, label, platform))
    return rows


def _present(name: str, label: str, platform: desktop.Platform) -> Row:
    part, kind = platform.parts()[name], platform.kind
    if name == "tray" and not isinstance(platform.tray, desktop.Missing):
        return _tray_row(label, platform.tray)
    if name == "keyboard":
        assert callable(part)
        keyboard: desktop.Keyboard = part()
        return (label, True, _("types through {name}").format(name=keyboard.name), "")
    if name == "window_reader":
        assert callable(part)
        return _read_window(label, part, kind)
    if name == "ipc_transport":
        assert callable(part)
        return _ipc_row(label, part)
    return (label, True, _(PRESENT[name]).format(kind=KIND_NAMES.get(kind, kind)), "")


def _read_window(label: str, make: Callable[[], desktop.WindowReader], kind: str) -> Row:
    """The reader asked once: a part that exists but cannot answer is a problem too."""
    try:
        reader = make()
        try:
            reader.active_window()
        finally:
            reader.close()
    except Exception as exc:  # TrayCodesError, OSError, Xlib's display errors: reported
        fix = _("run doctor inside the desktop session")
        return (label, False, str(exc) or type(exc).__name__, fix)
    said = _(PRESENT["window_reader"]).format(kind=KIND_NAMES.get(kind, kind))
    return (label, True, said, "")


def _ipc_row(label: str, make: Callable[[], desktop.IpcTransport]) -> Row:
    """Where the app and its clients meet; a place that cannot be private is a problem."""
    try:
        where = make().where
    except Exception as exc:  # TrayCodesError: a folder open to other users
        return (label, False, str(exc) or type(exc).__name__, _(FIXES["ipc_transport"]))
    return (label, True, _("for this user alone: {where}").format(where=where), "")


def _tray_row(label: str, choice: desktop.TrayChoice) -> Row:
    """The backends the app tries, best first; none at all (Wayland without a
    StatusNotifierItem host) is a problem the shortcuts work around."""
    backends = choice.backends()
    if backends == ("none",):
        return (label, False, _("no StatusNotifierItem host shows one here"), _(FIXES["tray"]))
    tried = ", ".join(b for b in backends if b != "none")
    return (label, True, _("tries {backends}").format(backends=tried), "")
