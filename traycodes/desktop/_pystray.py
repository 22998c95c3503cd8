"""pystray's private parts, in this one module: the fixes traycodes makes to its icons
reach into members pystray does not promise to keep. Each is named in
:data:`PRIVATE_MEMBERS`; pyproject.toml pins pystray below its next minor release, and
tests/unit/test_pystray_members.py checks that the installed pystray still defines every
one, so that a release that drops one fails in the tests, not at a user's start.

pystray itself is not imported here: the app loads the backend and hands its ``Icon``
class in (:func:`icon_class`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import describe
from ._base import DesktopError

log = logging.getLogger(__name__)

# backend -> the private members of its Icon (or of the classes it is made from) used here
PRIVATE_MEMBERS: dict[str, tuple[str, ...]] = {
    "xorg": (
        "_on_button_press",
        "_create_window",
        "_assert_docked",
        "_systray_manager",
        "_rewrite_implementation",
        "_display",
        "_window",
        "_message_handlers",
        "_run",
        "_thread",
    ),
    "gtk": (
        "_initialize",
        "_finalize",
        "_notifier",
        "_mark_ready",
        "_create_menu",
        "_create_menu_item",
    ),
    "appindicator": (
        "_initialize",
        "_finalize",
        "_notifier",
        "_mark_ready",
        "_create_menu",
        "_create_menu_item",
    ),
    "darwin": ("_assert_image", "_icon_image", "_status_item"),
    "win32": ("_on_notify", "_update_menu", "_menu_handle"),
}
# private members the subclasses below add themselves (not pystray's)
OWN_MEMBERS = frozenset(
    {"_calls", "_waker", "_waker_lock", "_wake_atom", "_on_loop", "_run_calls"}
    | {"_live", "_open_until", "_ticking", "_host_call", "_menu_shown", "_relabel", "_tick"}
    | {"_host_bus", "_host_filter"}
)
OPEN_LIMIT = 120.0  # a menu shown this long with no word from the host is taken as closed


def icon_class(backend: str, base: type) -> type:
    """pystray's ``Icon`` class of ``backend`` (``base``), with traycodes' fixes: on xorg
    its click bug and thread safety, on the GTK ones no death without a notification
    service, on Windows labels read as the menu opens, on macOS a template image."""
    if backend == "win32":
        return _fresh_win32_icon(base)
    if backend == "xorg":
        return _xorg_icon(base)
    if backend in ("gtk", "appindicator"):
        return _quiet_gtk_icon(base, watch_host=backend == "appindicator")
    if backend == "darwin":  # pragma: no cover - macOS
        return _template_icon(base)
    return base


def _xorg_icon(base: Any) -> type:
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
                    raise DesktopError("the tray icon's loop did not answer")
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


def _quiet_gtk_icon(base: Any, *, watch_host: bool) -> type:
    """pystray's GTK icons, fixed twice.

    - They connect to the desktop's notification service as their loop starts, and a
      failure there (none installed, or one that D-Bus activation cannot start, as on a
      bare sway) ends the icon's thread: the icon never shows. traycodes sends its
      notifications itself (the platform's notifier), so the icon goes on without.
    - Their menu's labels are read once, when the menu is set. Labels that change with
      time (a code's seconds left) are read again as the menu opens and each second while
      it is open: GTK's own popup says so with its show and hide signals; appindicator's
      menu is drawn by the tray host, which calls ``AboutToShow`` and sends ``opened`` and
      ``closed`` events to the menu over D-Bus (``watch_host``: those calls are seen on the
      session bus connection, and libdbusmenu sends the new labels to the host). While the
      menu is closed nothing wakes.
    """
    from gi.repository import GLib

    class QuietGtkIcon(base):  # type: ignore[misc]
        _live: list[list[Any]]  # [GtkMenuItem, pystray MenuItem, the label shown]
        _open_until = 0.0  # (monotonic) while the menu is shown; 0: closed
        _ticking = False
        relabels = 0  # labels changed while the menu was open (diagnostics)
        shown: tuple[str, ...] = ()  # the labels GTK has for its items (diagnostics)

        _host_bus: Any = None
        _host_filter = 0

        def _initialize(self) -> None:
            self._live = []
            if watch_host:
                from gi.repository import Gio

                self._host_bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
                self._host_filter = self._host_bus.add_filter(self._host_call)
            try:
                super()._initialize()
            except Exception as exc:  # GLib.GError from Gio.DBusProxy
                log.info("the tray's own notifications are off: %s", describe(exc))
                self._notifier = _NoNotifier()
                self._mark_ready()

        def _finalize(self) -> None:
            # the filter off the bus connection before the icon (and maybe Python) goes: it
            # is called from GDBus's own thread, which a quit does not stop
            if self._host_filter:
                self._host_bus.remove_filter(self._host_filter)
                self._host_filter = 0
            super()._finalize()

        def _create_menu(self, descriptors: Any) -> Any:
            if descriptors is self.menu:
                self._live = []
            menu = super()._create_menu(descriptors)
            if menu is not None and descriptors is self.menu:
                menu.connect("show", lambda _menu: self._menu_shown(True))
                menu.connect("hide", lambda _menu: self._menu_shown(False))
                self.shown = tuple(live[0].get_label() for live in self._live)
            return menu

        def _create_menu_item(self, descriptor: Any) -> Any:
            item = super()._create_menu_item(descriptor)
            if descriptor.text:  # not a separator
                self._live.append([item, descriptor, descriptor.text])
            return item

        def _host_call(self, _bus: Any, message: Any, incoming: bool) -> Any:
            """A message on the session bus connection (GDBus's thread): the host's calls
            on the menu say when it is shown."""
            from gi.repository import Gio

            if (
                incoming
                and message.get_message_type() == Gio.DBusMessageType.METHOD_CALL
                and message.get_interface() == "com.canonical.dbusmenu"
            ):
                shown = _menu_shown_by(message.get_member(), message.get_body())
                if shown is not None:
                    GLib.idle_add(self._menu_shown, shown)
            return message

        def _menu_shown(self, shown: bool) -> bool:
            self._open_until = time.monotonic() + OPEN_LIMIT if shown else 0.0
            if shown:
                self._relabel()
                if not self._ticking:
                    self._ticking = True
                    GLib.timeout_add(_next_second_ms(), self._tick)
            return False

        def _tick(self) -> bool:
            if not self._open_until or time.monotonic() > self._open_until:
                self._open_until, self._ticking = 0.0, False
                return False
            self._relabel()
            GLib.timeout_add(_next_second_ms(), self._tick)
            return False

        def _relabel(self) -> None:
            for live in self._live:
                text = live[1].text
                if text != live[2]:
                    live[0].set_label(text)
                    live[2] = text
                    self.relabels += 1
            self.shown = tuple(live[0].get_label() for live in self._live)

    return QuietGtkIcon


def _menu_shown_by(member: str, body: Any) -> bool | None:
    """Whether a host's call on a DBusMenu says the menu is shown (True), closed (False),
    or neither (None)."""
    if member in ("AboutToShow", "AboutToShowGroup"):
        return True
    if member not in ("Event", "EventGroup") or body is None:
        return None
    args: tuple[Any, ...] = body.unpack()
    events: list[tuple[Any, ...]] = [args] if member == "Event" else list(args[0])
    for number, name, *_rest in events:
        if name == "opened":
            return True
        if name == "closed" and number == 0:
            return False
    return None


def _next_second_ms() -> int:
    """Milliseconds to just after the clock's next whole second (when seconds left change)."""
    return int((1.0 - time.time() % 1.0) * 1000) + 10


class _NoNotifier:
    def notify(self, *args: Any) -> None:
        pass

    def hide(self) -> None:
        pass


WM_RBUTTONUP = 0x0205  # the notification of a right click on the icon (opens the menu)


def _fresh_win32_icon(base: Any) -> type:
    """pystray's Windows icon reads its menu's labels when the menu is set; a right click
    shows that menu as it was. Here the menu is made again from its items as it opens,
    so labels that change with time (a code's seconds left) are read then. The menu is
    modal while open (TrackPopupMenuEx): nothing runs, or wakes, until it closes."""

    class FreshWin32Icon(base):  # type: ignore[misc]
        def _on_notify(self, wparam: Any, lparam: Any) -> Any:
            if lparam == WM_RBUTTONUP and self._menu_handle:
                self._update_menu()
            return super()._on_notify(wparam, lparam)

    return FreshWin32Icon


def _template_icon(base: Any) -> type:  # pragma: no cover - macOS
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
