"""The tray menu as a Tk popup: what the plain X11 icon (pystray's xorg backend, which has
no menus of its own) opens on a right-click, so that a ``pipx install`` without PyGObject
still has Quit, Lock, Settings and the codes. Built from plain data (app/menu.py's
:func:`popup_items`), so it can be shown in the app's process or the window process."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any, Literal

from . import theme


class PopupMenu:
    """One popup at a time; ``chosen(key)`` is called with the picked item's key."""

    def __init__(self, root: tk.Misc, chosen: Callable[[str], None]) -> None:
        self.root = root
        self.chosen = chosen
        self.menu: tk.Menu | None = None
        self.items: list[dict[str, Any]] = []
        self._checks: list[tk.BooleanVar] = []  # a check item's state lives while it shows

    def show(self, items: list[dict[str, Any]], x: int, y: int) -> None:
        self.close()
        self.items = items
        self._checks = []
        self.menu = self._build(self.root, items)
        # Tk posts it with a grab: a click elsewhere closes it. The keys (Up, Down, Enter,
        # Esc) need the focus too: the app has no window in front that would pass them on.
        self.menu.tk_popup(x, y)
        self.menu.focus_force()

    def _build(self, parent: tk.Misc, items: list[dict[str, Any]]) -> tk.Menu:
        menu = tk.Menu(
            parent,
            tearoff=False,
            font=theme.font(10),
            background=theme.BACKGROUND,
            foreground=theme.TEXT,
            activebackground=theme.ACCENT,
            activeforeground="#ffffff",
        )
        for item in items:
            if item.get("separator"):
                menu.add_separator()
                continue
            state: Literal["normal", "disabled"] = (
                "normal" if item.get("enabled", True) else "disabled"
            )
            text = str(item["text"])
            if item.get("submenu"):
                menu.add_cascade(label=text, menu=self._build(menu, item["submenu"]), state=state)
            elif item.get("checked") is not None:
                variable = tk.BooleanVar(menu, value=bool(item["checked"]))
                self._checks.append(variable)
                menu.add_checkbutton(
                    label=text, variable=variable, state=state, command=self._picked(item)
                )
            else:
                menu.add_command(label=text, state=state, command=self._picked(item))
        return menu

    def _picked(self, item: dict[str, Any]) -> Callable[[], None]:
        key = str(item.get("key") or "")
        return lambda: self.chosen(key) if key else None

    def is_open(self) -> bool:
        if self.menu is None:
            return False
        try:
            return bool(self.menu.winfo_ismapped())
        except tk.TclError:
            return False

    def labels(self) -> list[str]:
        """The top level's texts while it is open (for the app's state over IPC)."""
        if not self.is_open():
            return []
        return [str(item["text"]) for item in self.items if not item.get("separator")]

    def close(self) -> None:
        if self.menu is not None:
            try:
                self.menu.unpost()
                self.menu.destroy()
            except tk.TclError:
                pass
            self.menu = None
            self.items = []
