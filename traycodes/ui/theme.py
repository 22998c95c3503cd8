"""Colours and fonts shared by the windows: one calm look, readable codes."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

BACKGROUND = "#f6f7f9"
FIELD = "#ffffff"
TEXT = "#1d1f23"
MUTED = "#6b7079"
BORDER = "#d5d8de"
SELECTED = "#dcecf0"
ACCENT = "#126e82"
ACCENT_DARK = "#0d5566"
CODE = "#0d3f4a"
WARN = "#c2410c"
ERROR = "#b91c1c"


def font(size: int, weight: str = "normal") -> tuple[str, int, str]:
    return ("DejaVu Sans", size, weight)


def mono(size: int, weight: str = "normal") -> tuple[str, int, str]:
    return ("DejaVu Sans Mono", size, weight)


def label(
    parent: tk.Misc,
    text: str,
    size: int = 9,
    *,
    weight: str = "normal",
    colour: str = TEXT,
    wrap: int = 0,
    **options: Any,
) -> tk.Label:
    """A left-aligned text in the windows' style (``wrap``: pixels before it wraps)."""
    style: dict[str, Any] = {"anchor": "w", "background": BACKGROUND, "justify": "left"}
    if wrap:
        style["wraplength"] = wrap
    return tk.Label(
        parent, text=text, font=font(size, weight), foreground=colour, **{**style, **options}
    )


def field(parent: tk.Misc, **options: Any) -> tk.Entry:
    """A text field in the windows' style."""
    style: dict[str, Any] = {
        "relief": "flat",
        "background": FIELD,
        "foreground": TEXT,
        "insertbackground": TEXT,
        "highlightthickness": 1,
        "highlightcolor": ACCENT,
        "highlightbackground": BORDER,
        "font": font(10),
    }
    return tk.Entry(parent, **{**style, **options})


def accent_button(
    parent: tk.Misc, text: str, command: Callable[[], object], **options: Any
) -> tk.Button:
    """The window's main button (Save, Unlock, ...)."""
    style: dict[str, Any] = {
        "relief": "flat",
        "background": ACCENT,
        "foreground": "white",
        "activebackground": ACCENT_DARK,
        "activeforeground": "white",
        "font": font(10),
    }
    return tk.Button(parent, text=text, command=command, **{**style, **options})


def widget_boxes(window: tk.Misc) -> dict[str, list[int]]:
    """Where a window's named widgets are on screen (x, y, width, height), for diagnostics
    and the desktop tests (which click them)."""
    found: dict[str, list[int]] = {}
    pending: list[tk.Misc] = [window]
    while pending:
        widget = pending.pop()
        pending.extend(widget.winfo_children())
        name = widget.winfo_name()
        if widget.winfo_ismapped() and not name.startswith("!"):
            found[name] = [
                widget.winfo_rootx(),
                widget.winfo_rooty(),
                widget.winfo_width(),
                widget.winfo_height(),
            ]
    return found


def editing_keys(root: tk.Misc) -> None:
    """The editing keys people expect in every text field, whatever Tk's defaults: Ctrl+A
    selects all (Tk on X11 moves to the line start, as Emacs does), Ctrl+Backspace deletes
    the word before the cursor. Once per Tk root: the bindings are the Entry class's."""
    if root.tk.call("tk", "windowingsystem") != "aqua":  # macOS: Cmd+A already selects all
        root.event_delete("<<LineStart>>", "<Control-a>")
        root.event_add("<<SelectAll>>", "<Control-a>")
    root.bind_class("Entry", "<Control-BackSpace>", _delete_word_before)


def _delete_word_before(event: tk.Event[tk.Misc]) -> str:
    entry = event.widget
    if not isinstance(entry, tk.Entry):
        return ""
    if entry.selection_present():
        entry.delete("sel.first", "sel.last")
        return "break"
    cursor = entry.index("insert")
    text = entry.get()[:cursor]
    start = len(text.rstrip())
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    entry.delete(start, cursor)
    return "break"
