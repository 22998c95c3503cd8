"""The tray icon, on the best pystray backend that works here.

Linux: appindicator, then gtk (both have menus; need PyGObject), then sni (a
StatusNotifierItem with its menu over D-Bus, through jeepney: app/sni.py) where a host is
there and PyGObject is not, then xorg (a click opens the quick-pick window, a right-click
traycodes' own menu). ``TRAYCODES_TRAY_BACKEND`` forces one. pystray picks
its backend when it is first imported, so we import it with its dummy backend and load
the real one ourselves, catching whatever a half-installed GTK or a missing display
raises, in this one place.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import TrayCodesError

log = logging.getLogger(__name__)

LINUX_BACKENDS = ("appindicator", "gtk", "xorg")


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


NO_HOST = (
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
    if sys.platform == "win32":
        return ("win32",)
    elif sys.platform == "darwin":
        return ("darwin",)
    else:
        from .. import desktop

        if desktop.display_server() != "wayland":
            # X11: the XEmbed tray is there to fall back on. AppIndicator only where a host
            # shows it: without one it falls back to a GtkStatusIcon and renames it once
            # shown (gtk_status_icon_set_name re-maps the icon's window), and GDK prints a
            # Gdk-CRITICAL at every start; the gtk backend makes the same XEmbed icon
            # cleanly. Without PyGObject the host's own menu (sni) beats traycodes' popup.
            host = desktop.status_notifier_host()
            if not _has_gi():
                return ("sni", "xorg") if host else LINUX_BACKENDS
            return LINUX_BACKENDS if host else LINUX_BACKENDS[1:]
        return ("appindicator", "sni", "none") if desktop.status_notifier_host() else ("none",)


def _has_gi() -> bool:
    import importlib.util

    return importlib.util.find_spec("gi") is not None


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
    raise NoTray("no tray backend works here: " + "; ".join(problems))


def tray_image(*, locked: bool) -> Any:
    """The icon's image: the app icon, or on macOS the mono one (a template image)."""
    import io

    from PIL import Image

    from ..resources import icon_bytes

    variant = "mono" if sys.platform == "darwin" else "app"
    return Image.open(io.BytesIO(icon_bytes(variant, 64, locked=locked)))


def starting_menu() -> Any:
    """The menu of an icon shown before the rest of the app has loaded (a blink)."""
    import pystray

    return pystray.Menu(pystray.MenuItem("traycodes is starting…", None, enabled=False))


def early_tray(backend: Backend, *, child_ui: bool) -> Tray:
    """The locked icon, shown before the app's own modules load, so that it appears
    about as soon as a bare pystray icon would. Not on xorg with the windows in this
    process (Tk's root must be made before that backend docks: see ``App.start``), nor on
    macOS (the icon's loop takes the main thread later)."""
    tray = Tray(backend, tray_image(locked=True), "traycodes (locked)", starting_menu())
    if sys.platform != "darwin" and (backend.name != "xorg" or child_ui):
        tray.start()
    return tray


def make_icon(backend: Backend, image: Any, title: str, menu: Any) -> Any:
    """A pystray Icon of ``backend``; on xorg with pystray's click bug fixed, on GTK ones
    without dying when no notification service answers."""
    base = backend.module.Icon
    if backend.name == "none":
        return NoIcon(image, title, menu)
    if backend.name == "darwin":  # pragma: no cover - macOS
        return _template_icon(base)("traycodes", image, title, menu)
    if backend.name in ("gtk", "appindicator"):
        return _quiet_gtk_icon(base)("traycodes", image, title, menu)
    if backend.name != "xorg":
        return base("traycodes", image, title, menu)
    return _xorg_icon(base)("traycodes", image, title, menu)


def _xorg_icon(base: Any) -> Any:
    """pystray's xorg icon, fixed three times.

    - Its window asks for button presses (pystray issue #151).
    - It asks the tray to dock it once, not again with every new image (each request made
      trayer unmap, re-embed and map the icon: a flicker on every lock and unlock). When
      it is hidden, or the tray goes away, it asks again.
    - Calls from other threads (show, a new image, stop) reach the icon's loop without
      touching the loop's X connection. pystray sends the loop a message over that
      connection from the calling thread. python-xlib is not safe for that: now and then
      the loop is left waiting forever for the reply to its ``get_geometry``, and the icon
      sits in the tray unpainted. Here the call waits in a queue, and the wake-up goes over
      an X connection of the callers' own.
    """
    import Xlib.display
    import Xlib.protocol.event
    import Xlib.X

    class XorgIcon(base):  # type: ignore[misc]
        # (x, y) of a right-click, on the icon's thread: pystray's xorg icon has no menu,
        # so the app shows its own (a Tk popup of the same menu model)
        on_secondary: Callable[[int, int], None] | None = None

        def _on_button_press(self, event: Any) -> None:
            if event.detail == 3 and self.on_secondary is not None:
                self.on_secondary(event.root_x, event.root_y)
                return
            super()._on_button_press(event)

        def _create_window(self) -> Any:
            window = super()._create_window()
            window.change_attributes(
                event_mask=Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask
            )
            return window

        def _assert_docked(self) -> None:
            if self._systray_manager is None:
                super()._assert_docked()

        def _rewrite_implementation(self, *methods: Any) -> None:
            self._calls: queue.SimpleQueue[tuple[Any, threading.Event, list[Any]]]
            self._calls = queue.SimpleQueue()
            self._waker = Xlib.display.Display(self._display.get_display_name())
            self._waker_lock = threading.Lock()
            self._wake_atom = self._display.intern_atom("_TRAYCODES_TRAY_CALL")
            for method in methods:
                setattr(self, method.__name__, self._on_loop(method))
            self._message_handlers[Xlib.X.ClientMessage] = self._run_calls

        def _on_loop(self, method: Callable[[], None]) -> Callable[[], None]:
            def call() -> None:
                if threading.current_thread() is getattr(self, "_thread", None):
                    method()
                    return
                done, failed = threading.Event(), list[Exception]()
                self._calls.put((method, done, failed))
                with self._waker_lock:
                    wake = Xlib.protocol.event.ClientMessage(
                        window=self._window, client_type=self._wake_atom, data=(32, [0] * 5)
                    )
                    self._waker.send_event(self._window, wake)
                    self._waker.flush()
                if not done.wait(10):
                    raise TrayCodesError("the tray icon's loop did not answer")
                if failed:
                    raise failed[0]

            return call

        def _run_calls(self, event: Any) -> None:
            if event.client_type != self._wake_atom:
                return
            while True:
                try:
                    method, done, failed = self._calls.get_nowait()
                except queue.Empty:
                    return
                try:
                    method()
                except Exception as exc:  # handed back to the caller
                    failed.append(exc)
                finally:
                    done.set()

        def _run(self) -> None:
            self._thread = threading.current_thread()  # before setup may call in
            try:
                super()._run()
            finally:
                with self._waker_lock:
                    self._waker.close()

    return XorgIcon


def _quiet_gtk_icon(base: Any) -> Any:
    """pystray's GTK backends connect to the desktop's notification service as their loop
    starts, and a failure there (none installed, or one that D-Bus activation cannot
    start, as on a bare sway) ends the icon's thread: the icon never shows. traycodes sends
    its notifications itself (desktop.notifier), so the icon goes on without."""

    class QuietGtkIcon(base):  # type: ignore[misc]
        def _initialize(self) -> None:
            try:
                super()._initialize()
            except Exception as exc:  # GLib.GError from Gio.DBusProxy
                log.info("the tray's own notifications are off: %s", type(exc).__name__)
                self._notifier = _NoNotifier()
                self._mark_ready()

    return QuietGtkIcon


class _NoNotifier:
    def notify(self, *args: Any) -> None:
        pass

    def hide(self) -> None:
        pass


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


def _template_icon(base: Any) -> Any:  # pragma: no cover - macOS
    """The menu bar wants a template image (black and alpha; macOS tints it for light and
    dark menu bars); pystray makes a plain NSImage, so mark the one it made."""

    class TemplateIcon(base):  # type: ignore[misc]
        def _assert_image(self) -> None:
            super()._assert_image()
            image = getattr(self, "_icon_image", None)
            if image is not None and not image.isTemplate():
                image.setTemplate_(True)
                self._status_item.button().setImage_(image)

    return TemplateIcon


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
                log.info("the tray icon refused a change: %s", type(exc).__name__)

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
            log.info("the tray icon did not stop cleanly: %s", type(exc).__name__)


def menu_item(
    text: str, action: Callable[[], None] | None = None, *, submenu: Any = None, **options: Any
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
) -> Any:
    """The menu model's entries (app/menu.py; submenus included) as pystray items.
    ``actions`` by the entries' action names, ``copy(record_id)`` for codes, ``toggled``
    for the check mark of a toggle entry. The callbacks run on the tray's thread."""
    import pystray

    from .menu import SEPARATOR

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
            items.append(
                menu_item(
                    entry.text,
                    action,
                    default=entry.default,
                    enabled=entry.enabled,
                    submenu=build(entry.submenu) if entry.submenu else None,
                    checked=checked,
                )
            )
        return pystray.Menu(*items)

    return build(entries)
