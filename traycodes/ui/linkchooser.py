"""A small window that asks which of several QR codes found (on the screen, in an image)
is the one to add."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from ..i18n import _
from . import theme
from .enrolform import link_name


def choose_link(parent: tk.Misc, links: list[str], picked: Callable[[str], None]) -> tk.Toplevel:
    """One button per link (named by its account); a click hands the link to ``picked``."""
    chooser = tk.Toplevel(parent, background=theme.BACKGROUND, padx=12, pady=10)
    chooser.title(_("traycodes: which QR code?"))
    found = _("{count} QR codes were found. Which one?").format(count=len(links))
    theme.label(chooser, found, 10).grid(row=0, column=0, sticky="w")
    for row, link in enumerate(links, start=1):

        def pick(link: str = link) -> None:
            picked(link)
            chooser.destroy()

        tk.Button(
            chooser,
            text=link_name(link),
            anchor="w",
            relief="flat",
            font=theme.font(10),
            command=pick,
            name=f"code{row}",
        ).grid(row=row, column=0, sticky="we", pady=2)
    return chooser
