"""The password window: unlock the vault, or create one on first start.

``on_submit(password)`` is called with what was typed; the app answers later with
:meth:`PasswordWindow.failed` (the window stays, field cleared) or closes it.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from ..i18n import _, ngettext
from . import theme
from .text import elide_path


class PasswordWindow:
    """Unlock (one field) or create (two fields that must agree)."""

    def __init__(
        self,
        root: tk.Misc,
        *,
        create: bool,
        vault: str,
        on_submit: Callable[[str], None],
        on_cancel: Callable[[], None],
        reminder: int = 0,
    ) -> None:
        """``reminder``: the keyring opened the vault, but the password was last typed this
        many days ago: ask for it, with "Remind me later" for Cancel."""
        self.create = create
        self.on_submit = on_submit
        self.on_cancel = on_cancel
        self.window = tk.Toplevel(root, background=theme.BACKGROUND, padx=18, pady=16)
        self.window.title(_("traycodes: create your vault") if create else _("traycodes: unlock"))
        self.window.resizable(False, False)
        self.window.protocol("WM_DELETE_WINDOW", self.cancel)
        heading = (
            _("Do you still know the vault password?")
            if reminder
            else _("Create your vault")
            if create
            else _("Unlock traycodes")
        )
        tk.Label(
            self.window,
            text=heading,
            font=theme.font(13, "bold"),
            anchor="w",
            background=theme.BACKGROUND,
            foreground=theme.TEXT,
        ).pack(fill="x")
        detail = (
            _(
                "Choose a password for the vault that keeps your codes. It cannot be "
                "recovered: keep it somewhere safe."
            )
            if create
            else ngettext(
                "You last typed it {days} day ago. You need it on a new computer; a "
                "wrong answer is not a lock-out (the keyring opens the vault).",
                "You last typed it {days} days ago. You need it on a new computer; a "
                "wrong answer is not a lock-out (the keyring opens the vault).",
                reminder,
            ).format(days=reminder)
            if reminder
            else elide_path(vault)
        )
        tk.Label(
            self.window,
            text=detail,
            font=theme.font(9),
            anchor="w",
            justify="left",
            wraplength=340,
            background=theme.BACKGROUND,
            foreground=theme.MUTED,
        ).pack(fill="x", pady=(2, 10))
        self.password = self._field(_("Password"))
        self.again = self._field(_("Password again")) if create else None
        self.message = tk.Label(
            self.window,
            text="",
            font=theme.font(9),
            anchor="w",
            background=theme.BACKGROUND,
            foreground=theme.ERROR,
        )
        self.message.pack(fill="x", pady=(6, 0))
        buttons = tk.Frame(self.window, background=theme.BACKGROUND)
        buttons.pack(fill="x", pady=(10, 0))
        self.button = theme.accent_button(
            buttons, _("Create") if create else _("Unlock"), self.submit, padx=14
        )
        self.button.pack(side="right")
        tk.Button(
            buttons,
            text=_("Remind me later") if reminder else _("Cancel"),
            command=self.cancel,
            relief="flat",
            font=theme.font(10),
        ).pack(side="right", padx=(0, 8))
        self.window.bind("<Return>", lambda e: self.submit())
        self.window.bind("<KP_Enter>", lambda e: self.submit())
        self.window.bind("<Escape>", lambda e: self.cancel())
        self.window.update_idletasks()
        x = (self.window.winfo_screenwidth() - self.window.winfo_reqwidth()) // 2
        y = (self.window.winfo_screenheight() - self.window.winfo_reqheight()) // 3
        self.window.geometry(f"+{x}+{y}")
        self.window.after(50, self.focus)

    def _field(self, label: str) -> tk.Entry:
        tk.Label(
            self.window,
            text=label,
            font=theme.font(9),
            anchor="w",
            background=theme.BACKGROUND,
            foreground=theme.TEXT,
        ).pack(fill="x")
        entry = theme.field(self.window, show="•", width=36, font=theme.font(11))
        entry.pack(fill="x", ipady=4, pady=(0, 6))
        return entry

    def focus(self) -> None:
        self.window.deiconify()
        self.window.lift()
        self.window.focus_force()
        self.password.focus_set()

    def submit(self) -> None:
        if str(self.button.cget("state")) == "disabled":
            return
        password = self.password.get()
        if not password:
            self.failed(_("Type the password."))
            return
        if self.again is not None and self.again.get() != password:
            self.failed(_("The two passwords differ."))
            return
        self.button.configure(state="disabled")
        self.message.configure(
            text=_("Creating…") if self.create else _("Unlocking…"), foreground=theme.MUTED
        )
        self.on_submit(password)

    def failed(self, message: str) -> None:
        """Show why, clear the fields, and let the user try again."""
        self.message.configure(text=message, foreground=theme.ERROR)
        self.button.configure(state="normal")
        for entry in (self.password, self.again):
            if entry is not None:
                entry.delete(0, "end")
        self.password.focus_set()

    def close(self) -> None:
        if self.window.winfo_exists():
            self.window.destroy()

    def cancel(self) -> None:
        self.close()
        self.on_cancel()
