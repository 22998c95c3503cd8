"""Faces (traycodes.faces) as Tk images: made when a window first draws one, then kept
for as long as the window lives (Tk forgets an image whose Python object is collected)."""

from __future__ import annotations

import tkinter as tk

from ..faces import Face, image

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import ImageTk


class FaceImages:
    """One window's face images, by face and size."""

    def __init__(self, master: tk.Misc) -> None:
        self.master = master
        self._made: dict[tuple[Face, int], ImageTk.PhotoImage] = {}

    def get(self, face: Face, size: int) -> ImageTk.PhotoImage:
        made = self._made.get((face, size))
        if made is None:
            from PIL import ImageTk

            made = self._made[face, size] = ImageTk.PhotoImage(
                image(face, size), master=self.master
            )
        return made
