"""The values of the platform layer: :class:`Platform` (every part, each a factory typed by
its Protocol, or :class:`Missing` with the reason doctor prints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from ..i18n import N_, _
from ._base import IpcTransport
from ._protocols import (
    Autostart,
    Clipboard,
    FolderWatcher,
    HostRegistration,
    Keyboard,
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
    global_shortcuts: ShortcutsMaker | Missing
    screenshot: Screenshot | Missing
    autostart: Callable[[], Autostart] | Missing
    launcher: Callable[[], Launcher] | Missing
    link_handler: Callable[[], LinkHandler] | Missing
    host_registration: Callable[[], HostRegistration] | Missing
    ipc_transport: Callable[[], IpcTransport] | Missing
    tray: TrayChoice | Missing

    def parts(self) -> dict[str, object]:
        """Each part by name (``window_reader``...): its factory, or :class:`Missing`."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kind"}


PART_NAMES = tuple(f.name for f in fields(Platform) if f.name != "kind")


@dataclass(frozen=True)
class Trays:
    """A :class:`TrayChoice`: ``choose`` gives the backends (asked when the app starts:
    it may ask D-Bus for a StatusNotifierItem host)."""

    choose: Callable[[], tuple[str, ...]]
    icon_variant: str = "app"
    owns_main_thread: bool = False

    def backends(self) -> tuple[str, ...]:
        return self.choose()


def imagegrab(all_screens: bool) -> Screenshot:
    """PIL's ImageGrab (X11, Windows, macOS); ``all_screens``: every monitor (Windows)."""

    def grab() -> Image.Image:
        from PIL import ImageGrab

        return ImageGrab.grab(all_screens=True) if all_screens else ImageGrab.grab()

    return grab


NO_LOCK = N_("traycodes cannot hear the screen lock here yet: lock it from the menu")
NO_FOLDER_NOTICE = N_("no notice of changed files here")
LOOKS_AT_EACH_REFRESH = N_("the app looks at each refresh")


def tray_os_platform(
    kind: str,
    *,
    tray: Trays,
    notifications: str,
    screenshot: Screenshot,
    window_reader: Callable[[], WindowReader],
    keyboard: Callable[[], Keyboard],
    clipboard: Callable[[], Clipboard],
    global_shortcuts: ShortcutsMaker,
    autostart: Callable[[], Autostart],
    launcher: Callable[[], Launcher] | Missing,
    link_handler: Callable[[], LinkHandler] | Missing,
    host_registration: Callable[[], HostRegistration],
    ipc_transport: Callable[[], IpcTransport],
) -> Platform:
    """Windows and macOS: their own parts, and what both share or both lack. No notifier of
    their own (``notifications``: what serves instead, the icon's), no screen lock or
    file-change notices heard yet; ``screenshot``: every monitor (PIL's ImageGrab on
    Windows, Quartz on macOS)."""
    return Platform(
        kind=kind,
        window_reader=window_reader,
        keyboard=keyboard,
        clipboard=clipboard,
        notifier=Missing(_("no notifier of its own"), instead=notifications),
        lock_watcher=Missing(_(NO_LOCK)),
        folder_watcher=Missing(_(NO_FOLDER_NOTICE), instead=_(LOOKS_AT_EACH_REFRESH)),
        global_shortcuts=global_shortcuts,
        screenshot=screenshot,
        autostart=autostart,
        launcher=launcher,
        link_handler=link_handler,
        host_registration=host_registration,
        ipc_transport=ipc_transport,
        tray=tray,
    )
