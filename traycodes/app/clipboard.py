"""The clipboard, holding a copied code for as short a time as it can.

X11: Tk owns the CLIPBOARD selection and offers, beside the text, the
``x-kde-passwordManagerHint`` target with ``secret`` (KDE's Klipper and other clipboard
managers then keep it out of their history). Windows and macOS use their own adapters
(clipboard-history exclusion, the concealed pasteboard type). Clearing only happens while
the clipboard still holds what we put there.
"""

from __future__ import annotations

from typing import Any, Protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    import tkinter as tk

KDE_HINT = "x-kde-passwordManagerHint"


class Clipboard(Protocol):
    def copy(self, text: str) -> None:
        """Put ``text`` on the clipboard, marked as sensitive where the platform can."""
        ...

    def clear_if_holding(self, text: str) -> bool:
        """Clear the clipboard if it still holds ``text`` from us; True if cleared."""
        ...


class TkClipboard:
    """The X11 CLIPBOARD, owned by the app's Tk root (which must keep its loop running)."""

    def __init__(self, root: tk.Misc) -> None:
        self.root = root

    def copy(self, text: str) -> None:
        self.root.clipboard_clear()
        self.root.clipboard_append(text)
        self.root.clipboard_append("secret", type=KDE_HINT)

    def clear_if_holding(self, text: str) -> bool:
        import tkinter as tk

        try:
            held = self.root.clipboard_get()
        except tk.TclError:  # nobody owns the clipboard
            return False
        if held != text:
            return False  # someone copied something else since: leave it alone
        self.root.clipboard_clear()
        self.root.tk.call("selection", "clear", "-selection", "CLIPBOARD")
        return True


class TokenClipboard:
    """Windows and macOS: adapters that return a change token when they copy."""

    def __init__(self, adapter: Any) -> None:
        self.adapter = adapter
        self._held: tuple[str, int] | None = None

    def copy(self, text: str) -> None:
        self._held = (text, self.adapter.set_text(text))

    def clear_if_holding(self, text: str) -> bool:
        if self._held is None or self._held[0] != text:
            return False
        cleared = bool(self.adapter.clear_if_unchanged(self._held[1]))
        self._held = None
        return cleared


def system_clipboard(root: tk.Misc) -> Clipboard:
    """The clipboard for this platform."""
    from .. import desktop

    make = desktop.present(desktop.platform().clipboard)  # X11: Tk's root owns it
    return TokenClipboard(make()) if make is not None else TkClipboard(root)
