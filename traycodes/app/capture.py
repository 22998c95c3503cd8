"""QR codes for the enrolment dialog: from the screen (with a region to pick when the
whole screen shows none), from the clipboard's image, or from an image file.

Scans run off the Tk thread and answer on it (through ``post``) with the texts found, or
with why there are none. The last screenshot is kept only for "Pick a region…" and is
dropped after it, and when the app locks (:meth:`QrCapture.forget`).
"""

from __future__ import annotations

import threading
import time
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TrayCodesError
from ..formats import qr_texts
from ..i18n import _

Answer = Callable[[list[str] | str], None]


class QrCapture:
    def __init__(self, root: tk.Misc, post: Callable[[Callable[[], None]], None]) -> None:
        self.root = root
        self.post = post
        self._screen: Any = None  # the last screenshot a scan found nothing in
        self.region_picker: Any = None

    def _later(self, work: Callable[[], list[str] | str], answer: Answer) -> None:
        """Run a scan off the Tk thread; its answer comes back on the Tk thread."""

        def run() -> None:
            try:
                result = work()
            except TrayCodesError as exc:  # grim or the portal refused: says why
                result = _("The screen could not be read: {problem}.").format(problem=exc)
            except Exception as exc:  # an unreadable image, no screen access...
                result = _("The QR code could not be read ({problem}).").format(
                    problem=type(exc).__name__
                )
            self.post(lambda: answer(result))

        threading.Thread(target=run, name="qr-scan", daemon=True).start()

    def scan_screen(self, dialog: tk.Toplevel | None, answer: Answer) -> None:
        """Every monitor, with our own dialog out of the way for the moment of capture."""
        # where the dialog is, to put it back there: mapped again, the window manager
        # placed it anew (it jumped across the screen after a scan)
        place = dialog.geometry().partition("+")[2] if dialog is not None else ""
        if dialog is not None:
            dialog.withdraw()
        captured: list[Any] = []

        def grab() -> list[str] | str:
            from .. import desktop

            time.sleep(0.25)  # let the window manager take the dialog away
            # ImageGrab; Wayland: grim or the portal; DesktopError where nothing can
            picture = desktop.required(desktop.platform().screenshot)()
            texts = qr_texts(picture)
            if not texts:
                captured.append(picture)  # handed to the Tk thread with the answer
            return texts or _(
                "No QR code was found on the screen: pick the region it is "
                "in, or show it larger and scan again."
            )

        def back(result: list[str] | str) -> None:
            # Kept for "Pick a region…" (and dropped after it), set here on the Tk thread.
            self._screen = captured[0] if captured else None
            if dialog is not None and dialog.winfo_exists():
                if place:
                    dialog.geometry(f"+{place}")
                dialog.deiconify()
                dialog.lift()
            answer(result)

        self._later(grab, back)

    def pick_region(self, answer: Answer) -> None:
        """Drag over the QR code on the frozen screen; that part is read at twice the size."""
        from ..ui.region import RegionPicker

        picture, self._screen = self._screen, None
        if picture is None:
            answer(_("Scan the screen first."))
            return

        def picked(box: tuple[int, int, int, int] | None) -> None:
            self.region_picker = None
            if box is None:
                answer(_("No region was picked."))
                return
            part = picture.crop(box)
            part = part.resize((part.width * 2, part.height * 2))
            self._later(lambda: qr_texts(part) or _("No QR code in that region."), answer)

        self.region_picker = RegionPicker(self.root, picture, picked)

    def paste_image(self, answer: Answer) -> None:
        def grab() -> list[str] | str:
            from PIL import Image, ImageGrab

            picture = ImageGrab.grabclipboard()
            if not isinstance(picture, Image.Image):
                return _("There is no image on the clipboard.")
            return qr_texts(picture) or _("The image on the clipboard holds no QR code.")

        self._later(grab, answer)

    def open_image(self, path: str, answer: Answer) -> None:
        def read() -> list[str] | str:
            from PIL import Image

            with Image.open(path) as picture:
                picture.load()
                return qr_texts(picture) or _("{file} holds no QR code.").format(
                    file=Path(path).name
                )

        self._later(read, answer)

    def forget(self) -> None:
        """Drop the screenshot and close the region picker (the app locked)."""
        if self.region_picker is not None:
            import contextlib

            with contextlib.suppress(tk.TclError):
                self.region_picker.window.destroy()
            self.region_picker = None
        self._screen = None
