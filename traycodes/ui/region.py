"""Pick a region of a screenshot: the screen, frozen, with a rectangle to drag over the QR
code when a whole-screen scan found none (too small, or among other patterns)."""

from __future__ import annotations

import contextlib
import tkinter as tk
from collections.abc import Callable
from typing import Any

from ..i18n import _
from . import theme


class RegionPicker:
    """Full-screen; drag a rectangle and ``on_done((left, top, right, bottom))``; Esc calls
    ``on_done(None)``."""

    def __init__(
        self,
        root: tk.Misc,
        screenshot: Any,
        on_done: Callable[[tuple[int, int, int, int] | None], None],
    ) -> None:
        from PIL import ImageEnhance, ImageTk

        self.on_done = on_done
        self.window = tk.Toplevel(root, cursor="crosshair")
        self.window.title(_("traycodes: pick the QR code"))
        width, height = screenshot.size
        self.window.geometry(f"{width}x{height}+0+0")
        self.window.overrideredirect(True)
        self.image = ImageTk.PhotoImage(
            ImageEnhance.Brightness(screenshot).enhance(0.6), master=self.window
        )
        self.canvas = tk.Canvas(self.window, width=width, height=height, highlightthickness=0)
        self.canvas.pack()
        self.canvas.create_image(0, 0, image=self.image, anchor="nw")
        self.canvas.create_text(
            width // 2,
            30,
            text=_("Drag over the QR code (Esc: cancel)"),
            fill="white",
            font=theme.font(14, "bold"),
        )
        self.start: tuple[int, int] | None = None
        self.box = self.canvas.create_rectangle(0, 0, 0, 0, outline=theme.ACCENT, width=3)
        self.canvas.bind("<ButtonPress-1>", self._press)
        self.canvas.bind("<B1-Motion>", self._drag)
        self.canvas.bind("<ButtonRelease-1>", self._release)
        self.window.bind("<Escape>", lambda e: self._finish(None))
        self.window.after(50, self._grab)

    def _grab(self) -> None:
        self.window.focus_force()
        with contextlib.suppress(tk.TclError):  # another grab: the mouse still works here
            self.window.grab_set()

    def _press(self, event: tk.Event[tk.Canvas]) -> None:
        self.start = (event.x, event.y)

    def _drag(self, event: tk.Event[tk.Canvas]) -> None:
        if self.start is not None:
            self.canvas.coords(self.box, *self.start, event.x, event.y)

    def _release(self, event: tk.Event[tk.Canvas]) -> None:
        if self.start is None:
            return
        (x0, y0), (x1, y1) = self.start, (event.x, event.y)
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        if box[2] - box[0] < 8 or box[3] - box[1] < 8:
            self.start = None
            return  # a click, not a drag
        self._finish(box)

    def _finish(self, box: tuple[int, int, int, int] | None) -> None:
        if self.window.winfo_exists():
            self.window.destroy()
        self.on_done(box)
