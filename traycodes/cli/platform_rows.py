"""``doctor``'s rows for the platform's parts, computed from ``desktop.platform()`` itself: a
part that is :class:`desktop.Missing` is never reported OK unless something serves in its
place (and then the row says what)."""

from __future__ import annotations

from collections.abc import Callable

from .. import desktop

Row = tuple[str, bool, str, str]  # part, ok, what was found, the fix

# part of desktop.Platform -> doctor's row; the first five have rows of their own on
# Wayland (cli/wayland.py, which asks the compositor), the rest on every desktop
ROWS = {
    "window_reader": "window in front",
    "keyboard": "typing",
    "clipboard": "clipboard",
    "screenshot": "screen (QR)",
    "lock_watcher": "screen lock",
    "notifier": "notifications",
    "folder_watcher": "file changes",
    "ipc_transport": "app's IPC",
    "tray": "tray icon",
}
INPUT_PARTS = ("window_reader", "keyboard", "clipboard", "screenshot")
NO_SESSION_PARTS = (*INPUT_PARTS, "tray")  # without a session: the display row says why
FIXES = {
    "window_reader": "the hotkey opens a chooser instead",
    "keyboard": "codes are copied instead",
    "lock_watcher": "lock traycodes from its menu when you leave",
    "screenshot": "QR images from files still work",
    "ipc_transport": "'traycodes type', the browser and the CLI cannot reach the app",
    "tray": "press the pick shortcut for traycodes' window ('traycodes hotkeys')",
}
PRESENT = {
    "window_reader": "read from {kind}",
    "clipboard": "the OS clipboard; codes are marked for clipboard histories to skip",
    "screenshot": "the whole screen can be read for a QR code",
    "lock_watcher": "listens for the screen lock (logind, the screensaver) to lock too",
    "notifier": "desktop notifications (org.freedesktop.Notifications)",
    "folder_watcher": "a followed folder's changes are heard (inotify)",
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
            fix = "" if part.instead else FIXES.get(name, "")
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
        return (label, True, f"types through {keyboard.name}", "")
    if name == "window_reader":
        assert callable(part)
        return _read_window(label, part, kind)
    if name == "ipc_transport":
        assert callable(part)
        return _ipc_row(label, part)
    return (label, True, PRESENT[name].format(kind=KIND_NAMES.get(kind, kind)), "")


def _read_window(label: str, make: Callable[[], desktop.WindowReader], kind: str) -> Row:
    """The reader asked once: a part that exists but cannot answer is a problem too."""
    try:
        reader = make()
        try:
            reader.active_window()
        finally:
            reader.close()
    except Exception as exc:  # TrayCodesError, OSError, Xlib's display errors: reported
        fix = "run doctor inside the desktop session"
        return (label, False, str(exc) or type(exc).__name__, fix)
    return (label, True, PRESENT["window_reader"].format(kind=KIND_NAMES.get(kind, kind)), "")


def _ipc_row(label: str, make: Callable[[], desktop.IpcTransport]) -> Row:
    """Where the app and its clients meet; a place that cannot be private is a problem."""
    try:
        where = make().where
    except Exception as exc:  # TrayCodesError: a folder open to other users
        return (label, False, str(exc) or type(exc).__name__, FIXES["ipc_transport"])
    return (label, True, f"for this user alone: {where}", "")


def _tray_row(label: str, choice: desktop.TrayChoice) -> Row:
    """The backends the app tries, best first; none at all (Wayland without a
    StatusNotifierItem host) is a problem the shortcuts work around."""
    backends = choice.backends()
    if backends == ("none",):
        return (label, False, "no StatusNotifierItem host shows one here", FIXES["tray"])
    return (label, True, "tries " + ", ".join(b for b in backends if b != "none"), "")
