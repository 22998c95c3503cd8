"""A window showing QR codes one at a time (an export to scan with a phone)."""

from __future__ import annotations

import base64
import time
import tkinter as tk
from collections.abc import Callable
from typing import Any

from ..i18n import _
from . import theme

IDLE_SECONDS = 300  # the window closes after this long without a key or a click


def show_codes(
    codes: list[tuple[str, bytes]],
    *,
    should_close: Callable[[], bool] = lambda: False,
    idle_seconds: float = IDLE_SECONDS,
) -> str:
    """Show ``(name, png)`` pairs: Next/Previous (or the arrow keys), Esc to close.
    Blocks until the window is closed; the images never touch the disk. It also closes
    when ``should_close()`` (asked from the Tk loop; e.g. the screen locked) and after
    ``idle_seconds`` untouched. Returns why it closed: ``closed``, ``locked`` or ``idle``."""
    if not codes:
        return "closed"
    root = tk.Tk(className="traycodes")
    root.title(_("traycodes: QR export"))
    root.configure(background=theme.BACKGROUND, padx=16, pady=16)
    caption = tk.Label(
        root, font=theme.font(11, "bold"), background=theme.BACKGROUND, foreground=theme.TEXT
    )
    caption.pack()
    picture = tk.Label(root, background="white")
    picture.pack(pady=10)
    counter = tk.Label(
        root, font=theme.font(9), background=theme.BACKGROUND, foreground=theme.MUTED
    )
    counter.pack()
    shown: dict[str, Any] = {"index": 0, "image": None}

    def show(index: int) -> None:
        index %= len(codes)
        shown["index"] = index
        name, png = codes[index]
        image = tk.PhotoImage(master=root, data=base64.b64encode(png))
        shown["image"] = image  # Tk drops images nobody references
        picture.configure(image=image)
        caption.configure(text=name)
        counter.configure(
            text=_("{number} of {count}: scan it, then Next").format(
                number=index + 1, count=len(codes)
            )
        )

    buttons = tk.Frame(root, background=theme.BACKGROUND)
    buttons.pack(fill="x", pady=(10, 0))
    tk.Button(buttons, text=_("Previous"), command=lambda: show(shown["index"] - 1)).pack(
        side="left"
    )
    tk.Button(buttons, text=_("Next"), command=lambda: show(shown["index"] + 1)).pack(side="right")
    root.bind("<Right>", lambda e: show(shown["index"] + 1))
    root.bind("<Left>", lambda e: show(shown["index"] - 1))
    root.bind("<Escape>", lambda e: root.destroy())
    why = {"closed": "closed"}
    touched = [time.monotonic()]
    root.bind_all("<Key>", lambda e: touched.__setitem__(0, time.monotonic()), add="+")
    root.bind_all("<Button>", lambda e: touched.__setitem__(0, time.monotonic()), add="+")

    def watch() -> None:
        if should_close():
            why["closed"] = "locked"
        elif time.monotonic() - touched[0] > idle_seconds:
            why["closed"] = "idle"
        else:
            root.after(250, watch)
            return
        root.destroy()

    show(0)
    root.after(250, watch)
    root.mainloop()
    return why["closed"]
