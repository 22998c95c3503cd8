"""A window showing QR codes one at a time (an export to scan with a phone)."""

from __future__ import annotations

import base64
import tkinter as tk
from typing import Any

from . import theme


def show_codes(codes: list[tuple[str, bytes]]) -> None:
    """Show ``(name, png)`` pairs: Next/Previous (or the arrow keys), Esc to close.
    Blocks until the window is closed; the images never touch the disk."""
    if not codes:
        return
    root = tk.Tk(className="traycodes")
    root.title("traycodes: QR export")
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
        counter.configure(text=f"{index + 1} of {len(codes)}: scan it, then Next")

    buttons = tk.Frame(root, background=theme.BACKGROUND)
    buttons.pack(fill="x", pady=(10, 0))
    tk.Button(buttons, text="Previous", command=lambda: show(shown["index"] - 1)).pack(side="left")
    tk.Button(buttons, text="Next", command=lambda: show(shown["index"] + 1)).pack(side="right")
    root.bind("<Right>", lambda e: show(shown["index"] + 1))
    root.bind("<Left>", lambda e: show(shown["index"] - 1))
    root.bind("<Escape>", lambda e: root.destroy())
    show(0)
    root.mainloop()
