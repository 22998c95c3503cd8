"""The tray icon, on the best pystray backend that works here.

Linux: appindicator, then gtk (both have menus; need PyGObject), then sni (a
StatusNotifierItem with its menu over D-Bus, through jeepney: app/sni.py) where a host is
there and PyGObject is not, then xorg (a click opens the quick-pick window, a right-click
traycodes' own menu): the platform's ``tray`` part says which to try here;
``TRAYCODES_TRAY_BACKEND`` forces one. pystray picks its backend when it is first
imported, so we import it with its dummy backend and load the real one ourselves,
catching whatever a half-installed GTK or a missing display raises, in this one place.
The fixes made to pystray's icons, which reach into its private members, are
``desktop.tray_icon_class``'s (desktop/_pystray.py).
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import TrayCodesError, describe
from ..i18n import N_, _

log = logging.getLogger(__name__)


class NoTray(TrayCodesError):
    """No tray backend could be loaded."""

    exit_code = 5


@dataclass(frozen=True)
class Backend:
    """A loaded pystray backend module and what it can do."""

    name: str
    module: Any
    has_menu: bool
    has_default: bool  # a left click runs the default item (appindicator opens the menu)
    has_notification: bool


NO_HOST = N_(
    "no tray on this desktop (no StatusNotifierItem host): press the pick shortcut for "
    "traycodes' window ('traycodes hotkeys' says how to bind it)"
)


def candidates() -> tuple[str, ...]:
    """Backends to try, best first. Linux on X11: appindicator (where a StatusNotifierItem
    host is there), gtk, xorg (the first that imports); without PyGObject and with a host:
    sni, xorg. On Wayland,
    where no XEmbed tray exists: appindicator, then sni (a StatusNotifierItem) when a host
    is there to show it (KDE, waybar, GNOME's AppIndicator extension), else ``none``: no
    icon, the app runs on, reached by its shortcuts."""
    forced = os.environ.get("TRAYCODES_TRAY_BACKEND", "").strip().lower()
    if forced:
        return (forced,)
    from .. import desktop

    return desktop.required(desktop.platform().tray).backends()


def _import(name: str) -> Any:
    if name in ("gtk", "appindicator"):
        import gi

        gi.require_version("Gtk", "3.0")
        from gi.repository import GLib

        GLib.set_prgname("traycodes")  # WM_CLASS of the embedded icon
    os.environ.setdefault("PYSTRAY_BACKEND", "dummy")  # importing pystray must not pick
    import importlib

    if name == "sni":
        return importlib.import_module(f"{__package__}.sni")

    return importlib.import_module(f"pystray._{'dummy' if name == 'none' else name}")


def load_backend() -> tuple[Backend, list[str]]:
    """The first backend that imports; and why the better ones did not."""
    problems = []
    for name in candidates():
        try:
            module = _import(name)
        except Exception as exc:  # ImportError, ValueError (typelib), Xlib display errors
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        icon = module.Icon
        has_default = name != "appindicator"
        if name == "none":
            problems.append(NO_HOST)
        return Backend(
            name,
            module,
            name != "none" and bool(getattr(icon, "HAS_MENU", True)),
            has_default,
            bool(getattr(icon, "HAS_NOTIFICATION", False)),
        ), problems
    raise NoTray(_("no tray backend works here: {problems}").format(problems="; ".join(problems)))


def tray_image(*, locked: bool) -> Any:
    """The icon's image: the app icon, or on macOS the mono one (a template image)."""
    import io

    from PIL import Image

    from ..resources import icon_bytes

    return Image.open(io.BytesIO(icon_bytes(icon_variant(), 64, locked=locked)))


@functools.cache
def icon_variant() -> str:
    """The platform's (asked once: on Wayland, platform() asks the portals)."""
    from .. import desktop

    return desktop.required(desktop.platform().tray).icon_variant


def starting_menu() -> Any:
    """The menu of an icon shown before the rest of the app has loaded (a blink)."""
    import pystray

    return pystray.Menu(pystray.MenuItem(_("traycodes is starting…"), None, enabled=False))


def early_tray(backend: Backend, *, child_ui: bool) -> Tray:
    """The locked icon, shown before the app's own modules load, so that it appears
    about as soon as a bare pystray icon would. Not on xorg with the windows in this
    process (Tk's root must be made before that backend docks: see ``App.start``), nor on
    macOS (the icon's loop takes the main thread later)."""
    from .. import desktop

    tray = Tray(backend, tray_image(locked=True), _("traycodes (locked)"), starting_menu())
    on_main = desktop.required(desktop.platform().tray).owns_main_thread
    if not on_main and (backend.name != "xorg" or child_ui):
        tray.start()
    return tray


def make_icon(backend: Backend, image: Any, title: str, menu: Any) -> Any:
    """A pystray Icon of ``backend``, with the fixes ``desktop.tray_icon_class`` makes
    (on xorg pystray's click bug, on GTK ones no death when no notification service
    answers, on macOS a template image)."""
    if backend.name == "none":
        return NoIcon(image, title, menu)
    from .. import desktop

    icon_class = desktop.tray_icon_class(backend.name, backend.module.Icon)
    return icon_class("traycodes", image, title, menu)


class NoIcon:
    """No tray here (Wayland without a StatusNotifierItem host): the app runs on without an
    icon, reached by its shortcuts and the command line."""

    def __init__(self, image: Any, title: str, menu: Any) -> None:
        self.icon, self.title, self.menu = image, title, menu
        self.visible = False
        self._stopped = threading.Event()

    def run(self, setup: Callable[[Any], None] | None = None) -> None:
        if setup is not None:
            setup(self)
        self._stopped.wait()

    def stop(self) -> None:
        self._stopped.set()


class Tray:
    """The icon, running its own loop in a thread.

    Changes to the icon go through one worker thread of their own: pystray's xorg backend
    makes the calling thread wait until its loop has applied them, and the app's Tk
    thread must never wait on the tray.
    """

    def __init__(self, backend: Backend, image: Any, title: str, menu: Any) -> None:
        self.backend = backend
        self.menu = menu
        self.icon = make_icon(backend, image, title, menu)
        self._thread: threading.Thread | None = None
        self._changes: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self.ready = threading.Event()

    def on_secondary_click(self, show_menu: Callable[[int, int], None]) -> None:
        """Where the icon has no menu of its own (plain X11), a right-click calls
        ``show_menu(x, y)`` (on the icon's thread) with the pointer's place."""
        if hasattr(self.icon, "on_secondary"):
            self.icon.on_secondary = show_menu

    def _setup(self, icon: Any) -> None:
        icon.visible = True
        self.ready.set()

    @property
    def started(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        """The icon's loop in a thread of its own (Linux, Windows); once."""
        if self.started:
            return
        self._thread = threading.Thread(
            target=self.icon.run, kwargs={"setup": self._setup}, name="tray", daemon=True
        )
        self._thread.start()
        self._start_worker()

    def _start_worker(self) -> None:
        self._worker = threading.Thread(
            target=self._apply_changes, name="tray-changes", daemon=True
        )
        self._worker.start()

    def run_here(self) -> None:  # pragma: no cover - macOS
        """macOS: the icon's loop (NSApplication) on this, the main thread, until it stops."""
        self._start_worker()
        self.icon.run(setup=self._setup)

    def _apply_changes(self) -> None:
        self.ready.wait(30)
        while (change := self._changes.get()) is not None:
            try:
                change()
            except Exception as exc:  # a backend hiccup must not end the worker
                log.info("the tray icon refused a change: %s", describe(exc))

    def set_menu(self, menu: Any) -> None:
        """Show ``menu`` (pystray rebuilds the native menu on its own loop)."""
        self.menu = menu
        self._changes.put(lambda: setattr(self.icon, "menu", menu))

    def set_image(self, image: Any, title: str) -> None:
        def change() -> None:
            self.icon.icon = image
            self.icon.title = title

        self._changes.put(change)

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the icon; a backend that hangs on stop is left behind (a daemon thread)."""
        if self._worker is None:
            return  # never started
        self._changes.put(None)
        self._worker.join(timeout)
        self._worker = None
        stopper = threading.Thread(target=self._stop_quietly, name="tray-stop", daemon=True)
        stopper.start()
        stopper.join(timeout)
        if self._thread is not None:
            self._thread.join(timeout)

    def _stop_quietly(self) -> None:
        try:
            self.icon.stop()
        except Exception as exc:  # gtk raises without a notification daemon
            log.info("the tray icon did not stop cleanly: %s", describe(exc))


def menu_item(
    text: str | Callable[[Any], str],
    action: Callable[[], None] | None = None,
    *,
    submenu: Any = None,
    **options: Any,
) -> Any:
    """A pystray MenuItem whose action takes no arguments (or that opens ``submenu``)."""
    import pystray

    if submenu is not None:
        return pystray.MenuItem(text, submenu, **options)  # pystray: a Menu as the action
    if action is None:
        return pystray.MenuItem(text, None, **options)
    return pystray.MenuItem(text, lambda icon, item: action(), **options)


def pystray_menu(
    entries: tuple[Any, ...],
    actions: dict[str, Callable[[], None]],
    copy: Callable[[str], None],
    toggled: Callable[[], bool] | None = None,
    now: Callable[[], float] | None = None,
) -> Any:
    """The menu model's entries (app/menu.py; submenus included) as pystray items.
    ``actions`` by the entries' action names, ``copy(record_id)`` for codes, ``toggled``
    for the check mark of a toggle entry. The callbacks run on the tray's thread. With
    ``now`` (the app's clock) a code's text is read at the time the backend reads it
    (``menu.shown_text``): a menu re-read as it opens says the seconds left."""
    import pystray

    from .menu import SEPARATOR, shown_text

    def build(level: tuple[Any, ...]) -> Any:
        items = []
        for entry in level:
            if entry is SEPARATOR:
                items.append(pystray.Menu.SEPARATOR)
                continue
            if entry.action == "copy":
                record_id = entry.record_id
                action: Callable[[], None] | None = lambda r=record_id: copy(r)  # noqa: E731
            elif entry.action:
                action = actions[entry.action]
            else:
                action = None
            checked = (lambda item: toggled()) if entry.toggle and toggled is not None else None
            text: Any = entry.text
            if entry.changes and now is not None:
                text = lambda item, e=entry: shown_text(e, now())  # noqa: E731
            items.append(
                menu_item(
                    text,
                    action,
                    default=entry.default,
                    enabled=entry.enabled,
                    submenu=build(entry.submenu) if entry.submenu else None,
                    checked=checked,
                )
            )
        return pystray.Menu(*items)

    return build(entries)
