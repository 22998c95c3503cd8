"""The values of the platform layer: :class:`Platform` (every part, each a factory typed by
its Protocol, or :class:`Missing` with the reason doctor prints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from ..i18n import N_
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


@dataclass(frozen=True)
class Missing:
    """A part this platform lacks: ``reason`` (a sentence, for doctor), and ``instead``:
    what serves in its place ('' when nothing does, and doctor reports a problem)."""

    reason: str
    instead: str = ""


@dataclass(frozen=True)
class Platform:
    """The parts for one OS and session (``kind``: ``x11``, ``sway``, ``windows``...)."""

    kind: str
    window_reader: Callable[[], WindowReader] | Missing
    keyboard: Callable[[], Keyboard] | Missing
    clipboard: Callable[[], Clipboard] | Missing
    notifier: Callable[[str], Notifier] | Missing
    lock_watcher: Callable[[Callable[[str], None]], LockWatcher] | Missing
    folder_watcher: Callable[[Path, Callable[[set[str]], None]], FolderWatcher] | Missing
    global_shortcuts: Callable[[Bindings], GlobalShortcuts] | Missing
    screenshot: Screenshot | Missing
    autostart: Callable[[], Autostart] | Missing
    launcher: Callable[[], Launcher] | Missing
    link_handler: Callable[[], LinkHandler] | Missing
    host_registration: Callable[[], HostRegistration] | Missing

    def parts(self) -> dict[str, object]:
        """Each part by name (``window_reader``...): its factory, or :class:`Missing`."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kind"}


PART_NAMES = tuple(f.name for f in fields(Platform) if f.name != "kind")


def imagegrab(all_screens: bool) -> Screenshot:
    """PIL's ImageGrab (X11, Windows, macOS); ``all_screens``: every monitor (Windows)."""

    def grab() -> Image.Image:
        from PIL import ImageGrab

        return ImageGrab.grab(all_screens=True) if all_screens else ImageGrab.grab()

    return grab


NO_LOCK = N_("traycodes cannot hear the screen lock here yet: lock it from the menu")
NO_FOLDER_NOTICE = N_("no notice of changed files here")
LOOKS_AT_EACH_REFRESH = N_("the app looks at each refresh")
