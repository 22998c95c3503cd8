"""The settings window: each setting with its range, checked before anything is saved."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from ..settings import DESCRIPTIONS, RANGES, Settings
from . import theme


class SettingsWindow:
    """``on_save(values)`` returns problems (shown, nothing saved) or [] (saved, closed)."""

    def __init__(
        self, root: tk.Misc, settings: Settings, on_save: Callable[[dict[str, int]], list[str]]
    ) -> None:
        self.on_save = on_save
        self.window = tk.Toplevel(root, background=theme.BACKGROUND, padx=18, pady=16)
        self.window.title("traycodes: settings")
        self.window.resizable(False, False)
        self.fields: dict[str, tk.StringVar] = {}
        self.boxes: list[tk.Spinbox] = []
        grid = tk.Frame(self.window, background=theme.BACKGROUND)
        grid.pack(fill="x")
        for row, (name, (low, high)) in enumerate(RANGES.items()):
            tk.Label(
                grid,
                text=DESCRIPTIONS[name],
                font=theme.font(10),
                anchor="w",
                background=theme.BACKGROUND,
                foreground=theme.TEXT,
            ).grid(row=row, column=0, sticky="w", pady=3)
            value = tk.StringVar(value=str(getattr(settings, name)))
            box = tk.Spinbox(
                grid,
                from_=low,
                to=high,
                textvariable=value,
                width=7,
                font=theme.font(10),
                relief="flat",
                name=name,
            )
            box.grid(row=row, column=1, sticky="e", padx=(12, 0))
            self.boxes.append(box)
            self.fields[name] = value
        self.message = tk.Label(
            self.window,
            text="",
            font=theme.font(9),
            anchor="w",
            justify="left",
            wraplength=420,
            background=theme.BACKGROUND,
            foreground=theme.ERROR,
        )
        self.message.pack(fill="x", pady=(8, 0))
        buttons = tk.Frame(self.window, background=theme.BACKGROUND)
        buttons.pack(fill="x", pady=(8, 0))
        tk.Button(
            buttons,
            text="Save",
            command=self.save,
            relief="flat",
            background=theme.ACCENT,
            foreground="white",
            font=theme.font(10),
            activebackground=theme.ACCENT_DARK,
            activeforeground="white",
            padx=14,
        ).pack(side="right")
        tk.Button(
            buttons, text="Cancel", command=self.close, relief="flat", font=theme.font(10)
        ).pack(side="right", padx=(0, 8))
        self.window.bind("<Escape>", lambda e: self.close())
        self.window.bind("<Return>", lambda e: self.save())
        self.window.after(50, self.focus)

    def focus(self) -> None:
        """Focus on the first field with its text selected, so typing replaces it."""
        self.window.lift()
        self.window.focus_force()
        first = self.boxes[0]
        first.focus_set()
        first.selection_range(0, tk.END)  # type: ignore[arg-type]
        first.icursor("end")  # type: ignore[no-untyped-call]

    def values(self) -> tuple[dict[str, int], list[str]]:
        """What was typed, and the fields that are not whole numbers in range."""
        values, problems = {}, []
        for name, variable in self.fields.items():
            low, high = RANGES[name]
            text = variable.get().strip()
            try:
                number = int(text)
            except ValueError:
                problems.append(f"{DESCRIPTIONS[name]}: '{text}' is not a whole number")
                continue
            if not low <= number <= high:
                problems.append(f"{DESCRIPTIONS[name]}: must be from {low} to {high}")
                continue
            values[name] = number
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
