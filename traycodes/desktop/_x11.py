"""X11: the window in front, bringing a window back to front, and which keys are down.

Through python-xlib, on one connection of our own (a lookup takes a few milliseconds).
Titles come from ``_NET_WM_NAME`` as UTF-8 (``WM_NAME`` garbles non-Latin-1 titles);
without a window manager's ``_NET_ACTIVE_WINDOW``, the input focus is walked up to the
first window with a title.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from ..errors import quietly
from ..model import Window
from ._base import process_name, wait_until_active

log = logging.getLogger(__name__)


class X11Desktop:
    """The foreground window and the keyboard state on the X display."""

    def __init__(self, display_name: str | None = None) -> None:
        from Xlib import display

        self._lock = threading.Lock()
        self.display: Any = display.Display(display_name)
        self.root = self.display.screen().root
        atom = self.display.intern_atom
        self.net_active = atom("_NET_ACTIVE_WINDOW")
        self.net_name = atom("_NET_WM_NAME")
        self.net_pid = atom("_NET_WM_PID")
        self.utf8 = atom("UTF8_STRING")

    def close(self) -> None:
        with self._lock, quietly(log, "closing the X connection"):
            self.display.close()

    def _title(self, window: Any) -> str:
        prop = window.get_full_property(self.net_name, self.utf8)
        if prop is not None and prop.value:
            value = prop.value
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        name = window.get_wm_name()
        if isinstance(name, bytes):
            return name.decode("latin-1")
        return name or ""

    def _active(self) -> Any:
        from Xlib import X

        prop = self.root.get_full_property(self.net_active, X.AnyPropertyType)
        if prop is not None and prop.value is not None and len(prop.value) and prop.value[0]:
            return self.display.create_resource_object("window", int(prop.value[0]))
        window = self.display.get_input_focus().focus
        for _ in range(16):  # up to the first ancestor with a title
            if not hasattr(window, "id") or window == self.root:
                return None
            if self._title(window):
                return window
            window = window.query_tree().parent
        return None

    def active_window(self) -> Window | None:
        """The window in front (title, application, pid), or None."""
        from Xlib import X, error

        with self._lock:
            try:
                window = self._active()
                if window is None:
                    return None
                title = self._title(window)
                wm_class = window.get_wm_class() or ("", "")
                pid_prop = window.get_full_property(self.net_pid, X.AnyPropertyType)
                pid = int(pid_prop.value[0]) if pid_prop is not None and len(pid_prop.value) else 0
            except error.XError:
                return None  # the window went away meanwhile
        app = process_name(pid) or (wm_class[1] or wm_class[0])
        if "traycodes" in (wm_class[0].lower(), wm_class[1].lower()):
            app = "traycodes"  # our own windows, whatever runs us (python3)
        classes = tuple(name.lower() for name in wm_class if name)
        return Window(id=str(window.id), title=title, app=app.lower(), pid=pid, classes=classes)

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        """Ask the window manager to bring ``window_id`` to front; True once it is."""
        from Xlib import X, protocol

        with self._lock:
            target = self.display.create_resource_object("window", int(window_id))
            event = protocol.event.ClientMessage(
                window=target, client_type=self.net_active, data=(32, [2, X.CurrentTime, 0, 0, 0])
            )  # 2: a pager-like request
            self.root.send_event(
                event, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask
            )
            self.display.flush()
        return wait_until_active(self.active_window, window_id, timeout)

    def modifiers_down(self) -> bool:
        """True while any key is held (XQueryKeymap): a modifier would change the typed
        keys, and while the hotkey's own key is down its grab holds the keyboard, so that
        typed keys would reach traycodes instead of the window."""
        with self._lock:
            keymap = self.display.query_keymap()
        return any(keymap)
