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
}
INPUT_PARTS = ("window_reader", "keyboard", "clipboard", "screenshot")
FIXES = {
    "window_reader": N_("the hotkey opens a chooser instead"),
    "keyboard": N_("codes are copied instead"),
    "lock_watcher": N_("lock traycodes from its menu when you leave"),
    "screenshot": N_("QR images from files still work"),
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
    rows = []
    for name, label in ROWS.items():
        if name in INPUT_PARTS and (wayland or platform.kind == "none"):
            continue  # cli/wayland.py asks the compositor; no session: the display row
        part = parts[name]
        if isinstance(part, desktop.Missing):
            said = f"{part.instead} ({part.reason})" if part.instead else part.reason
            fix = _(FIXES[name]) if name in FIXES and not part.instead else ""
            rows.append((label, bool(part.instead), said, fix))
        else:
            rows.append(_present(name, label, part, platform.kind))
    return rows


def _present(name: str, label: str, part: object, kind: str) -> Row:
    if name == "keyboard":
        assert callable(part)
        keyboard: desktop.Keyboard = part()
        return (label, True, _("types through {name}").format(name=keyboard.name), "")
    if name == "window_reader":
        assert callable(part)
        return _read_window(label, part, kind)
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
