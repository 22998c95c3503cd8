"""The enrolment dialog's preview: what would be saved, as the user will see it. One
account: its face (brand icon or initial), its name and its live code with the time left,
to type into the site before saving. A Google export: a box per account, to choose which."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from ..faces import face_for
from ..i18n import _, ngettext
from ..model import Entry, OtpType
from ..otp import code, remaining
from ..otp import group_code as grouped
from . import theme
from .faceimages import FaceImages

FACE = 40  # px
BAR = 440  # px: the time-left bar's length


class Preview:
    """The preview box inside ``parent`` (packed by its owner: ``.frame``)."""

    def __init__(self, parent: tk.Misc) -> None:
        self.frame = tk.Frame(
            parent,
            background=theme.FIELD,
            padx=12,
            pady=8,
            highlightthickness=1,
            highlightbackground=theme.BORDER,
        )
        self.faces = FaceImages(self.frame)
        self.face = tk.Label(self.frame, background=theme.FIELD, name="face")
        self.face_shown: dict[str, str] = {}  # brand and colour, for snapshots
        text = tk.Frame(self.frame, background=theme.FIELD)
        text.pack(side="right", fill="x", expand=True)
        self.label, self.code = (
            tk.Label(
                text, text="", font=font, anchor="w", background=theme.FIELD, foreground=colour
            )
            for font, colour in (
                (theme.font(10, "bold"), theme.TEXT),
                (theme.mono(22, "bold"), theme.CODE),
            )
        )
        self.label.pack(fill="x")
        self.code.pack(fill="x")
        self.bar = tk.Canvas(
            text, height=4, width=BAR, background=theme.FIELD, highlightthickness=0
        )
        self.bar.pack(fill="x")
        self.accounts = tk.Frame(text, background=theme.FIELD)
        self.accounts.pack(fill="x")
        self.choices: list[tk.BooleanVar] = []

    def show(self, entries: list[Entry], website: str, on_choice: Callable[[], None]) -> None:
        """New entries to preview: one with its face; several with a box each."""
        for child in self.accounts.winfo_children():
            child.destroy()
        self.choices = []
        self._show_face(entries[0] if len(entries) == 1 else None, website)
        if len(entries) <= 1:
            return
        self.label.configure(
            text=ngettext(
                "{count} account in this export", "{count} accounts in this export", len(entries)
            ).format(count=len(entries))
        )
        self.code.configure(text="")
        for number, entry in enumerate(entries):
            chosen = tk.BooleanVar(value=True)
            chosen.trace_add("write", lambda *_: on_choice())
            tk.Checkbutton(
                self.accounts,
                text=entry.label,
                variable=chosen,
                background=theme.FIELD,
                anchor="w",
                font=theme.font(10),
                name=f"account{number}",
            ).pack(fill="x")
            self.choices.append(chosen)

    def _show_face(self, entry: Entry | None, website: str) -> None:
        if entry is None:
            self.face.pack_forget()
            self.face_shown = {}
            return
        websites = (website,) if website.strip() else entry.websites
        shown = face_for(entry.issuer or entry.account, entry.issuer, websites)
        self.face.configure(image=self.faces.get(shown, FACE))
        self.face.pack(side="left", padx=(0, 10), before=self.label.master)
        self.face_shown = {"brand": shown.brand, "colour": shown.colour}

    def draw_code(self, entries: list[Entry], now: float) -> None:
        """The one entry's code now, and its share of the period left."""
        self.bar.delete("all")
        if len(entries) != 1:
            if not entries:
                self.label.configure(text="")
                self.code.configure(text="")
            return
        entry = entries[0]
        self.label.configure(
            text=_("{account}: type this code into the site").format(account=entry.label)
        )
        self.code.configure(text=grouped(code(entry.otp, now)))
        if entry.otp.type is not OtpType.HOTP:
            share = remaining(entry.otp, now) / entry.otp.period
            self.bar.create_rectangle(0, 0, BAR * share, 4, fill=theme.ACCENT, outline="")

    def text(self) -> str:
        """The name and the code after three spaces, as in the menu (state() masks it)."""
        return "   ".join((self.label.cget("text"), self.code.cget("text"))).strip()
