"""The settings window: each setting with its own kind of field, checked before saving."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from ..i18n import _
from ..settings import CHOICES, DESCRIPTIONS, FLAGS, HOTKEYS, PATHS, RANGES, Settings
from . import theme


class SettingsWindow:
    """``on_save(values)`` returns problems (shown, nothing saved) or [] (saved, closed)."""

    def __init__(
        self, root: tk.Misc, settings: Settings, on_save: Callable[[dict[str, object]], list[str]]
    ) -> None:
        self.on_save = on_save
        self.window = tk.Toplevel(root, background=theme.BACKGROUND, padx=18, pady=16)
        self.window.title(_("traycodes: settings"))
        self.window.resizable(False, False)
        self.texts: dict[str, tk.StringVar] = {}
        self.flags: dict[str, tk.BooleanVar] = {}
        self.first: tk.Entry | tk.Spinbox | None = None
        grid = tk.Frame(self.window, background=theme.BACKGROUND)
        grid.pack(fill="x")
        for row, (name, description) in enumerate(DESCRIPTIONS.items()):
            tk.Label(
                grid,
                text=_(description),
                font=theme.font(10),
                anchor="w",
                background=theme.BACKGROUND,
                foreground=theme.TEXT,
            ).grid(row=row, column=0, sticky="w", pady=3)
            self._field(grid, row, name, getattr(settings, name))
        self.message = tk.Label(
            self.window,
            text="",
            font=theme.font(9),
            anchor="w",
            justify="left",
            wraplength=520,
            background=theme.BACKGROUND,
            foreground=theme.ERROR,
        )
        self.message.pack(fill="x", pady=(8, 0))
        buttons = tk.Frame(self.window, background=theme.BACKGROUND)
        buttons.pack(fill="x", pady=(8, 0))
        theme.accent_button(buttons, _("Save"), self.save, padx=14).pack(side="right")
        tk.Button(
            buttons, text=_("Cancel"), command=self.close, relief="flat", font=theme.font(10)
        ).pack(side="right", padx=(0, 8))
        self.window.bind("<Escape>", lambda e: self.close())
        self.window.bind("<Return>", lambda e: self.save())
        self.window.after(50, self.focus)

    def _field(self, grid: tk.Frame, row: int, name: str, value: object) -> None:
        def place(widget: tk.Widget) -> None:
            widget.grid(row=row, column=1, sticky="e", padx=(12, 0))

        if name in FLAGS:
            flag = tk.BooleanVar(value=bool(value))
            place(tk.Checkbutton(grid, variable=flag, background=theme.BACKGROUND, name=name))
            self.flags[name] = flag
            return
        text = tk.StringVar(value=str(value))
        self.texts[name] = text
        if name in CHOICES:
            place(tk.OptionMenu(grid, text, *CHOICES[name]))
            return
        if name in RANGES:
            low, high = RANGES[name]
            widget: tk.Entry | tk.Spinbox = tk.Spinbox(
                grid,
                from_=low,
                to=high,
                textvariable=text,
                width=7,
                font=theme.font(10),
                relief="flat",
                name=name,
            )
        else:
            widget = tk.Entry(
                grid, textvariable=text, width=18, font=theme.font(10), relief="flat", name=name
            )
        place(widget)
        if self.first is None:
            self.first = widget

    def focus(self) -> None:
        """Focus on the first field with its text selected, so typing replaces it."""
        self.window.lift()
        self.window.focus_force()
        if self.first is not None:
            self.first.focus_set()
            self.first.selection_range(0, tk.END)  # type: ignore[arg-type]
            self.first.icursor(tk.END)

    def values(self) -> tuple[dict[str, object], list[str]]:
        """What was entered, and the number fields that are not whole numbers."""
        values: dict[str, object] = {name: flag.get() for name, flag in self.flags.items()}
        problems = []
        for name, variable in self.texts.items():
            text = variable.get().strip()
            if name in RANGES:
                try:
                    values[name] = int(text)
                except ValueError:
                    problems.append(
                        _("{setting}: '{text}' is not a whole number").format(
                            setting=_(DESCRIPTIONS[name]), text=text
                        )
                    )
            elif name in HOTKEYS or name in CHOICES or name in PATHS:
                values[name] = text
        return values, problems

    def save(self) -> None:
        values, problems = self.values()
        if not problems:
            problems = self.on_save(values)
        if problems:
            self.message.configure(text="\n".join(problems))
            return
        self.close()

    def close(self) -> None:
        if self.window.winfo_exists():
            self.window.destroy()
