"""The first-run window: shown once, after the vault is created, to say what to do next
(app/welcome.py decides when; app/menu.py's :func:`first_steps` is the text)."""

from __future__ import annotations

import tkinter as tk

from ..i18n import N_, _
from . import theme

TITLE = N_("Welcome to traycodes")


class WelcomeWindow:
    """The steps as a short list and a button that closes it (so do Escape and Enter)."""

    def __init__(self, root: tk.Misc, lines: list[str]) -> None:
        self.window = tk.Toplevel(root, background=theme.BACKGROUND, padx=18, pady=14)
        self.window.title(_(TITLE))
        self.window.resizable(False, False)
        theme.label(self.window, _("Your vault is ready. Next:"), 11, weight="bold").pack(
            fill="x", pady=(0, 8)
        )
        for line in lines:
            theme.label(self.window, f"•  {line}", 10, wrap=460).pack(fill="x", pady=1)
        button = theme.accent_button(self.window, _("Got it"), self.close, padx=14)
        button.pack(anchor="e", pady=(12, 0))
        for key in ("<Escape>", "<Return>", "<KP_Enter>"):
            self.window.bind(key, lambda event: self.close())
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        self.window.after_idle(self.focus)

    def focus(self) -> None:
        self.window.deiconify()
        self.window.lift()
        self.window.focus_force()

    def close(self) -> None:
        self.window.destroy()
