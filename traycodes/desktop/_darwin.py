"""macOS: a LaunchAgent for start at login, and a pasteboard entry marked concealed
(``org.nspasteboard.ConcealedType``, honoured by clipboard managers). Tests run the
LaunchAgent against a temporary home and the pasteboard against a fake."""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

from . import APP_ID, DesktopError

CONCEALED_TYPE = "org.nspasteboard.ConcealedType"
STRING_TYPE = "public.utf8-plain-text"


class LaunchAgentAutostart:
    """``~/Library/LaunchAgents/io.github.traycodes.plist`` with RunAtLoad."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = home or Path.home()

    @property
    def path(self) -> Path:
        return self.home / "Library" / "LaunchAgents" / f"{APP_ID}.plist"

    @property
    def location(self) -> str:
        return str(self.path)

    def enable(self, command: list[str]) -> None:
        agent = {
            "Label": APP_ID,
            "ProgramArguments": command,
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(plistlib.dumps(agent))
        except OSError as exc:
            raise DesktopError(f"cannot write {self.path}: {exc.strerror}") from None

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise DesktopError(f"cannot remove {self.path}: {exc.strerror}") from None

    def enabled(self) -> bool:
        return self.path.is_file()


class PasteboardClipboard:
    """The general pasteboard through AppKit (pyobjc), or a fake with the same methods."""

    def __init__(self, pasteboard: Any = None) -> None:
        self._pasteboard = pasteboard

    @property
    def pasteboard(self) -> Any:
        if self._pasteboard is None:
            from AppKit import NSPasteboard  # type: ignore[import-not-found,unused-ignore]

            self._pasteboard = NSPasteboard.generalPasteboard()
        return self._pasteboard

    def set_text(self, text: str) -> int:
        """Put ``text`` on the pasteboard; returns a token for :meth:`clear_if_unchanged`."""
        board = self.pasteboard
        board.clearContents()
        board.declareTypes_owner_([STRING_TYPE, CONCEALED_TYPE], None)
        board.setString_forType_(text, STRING_TYPE)
        board.setString_forType_(text, CONCEALED_TYPE)
        return int(board.changeCount())

    def clear_if_unchanged(self, token: int) -> bool:
        """Clear the pasteboard if nothing was copied since ``token``; True if cleared."""
        board = self.pasteboard
        if int(board.changeCount()) != token:
            return False
        board.clearContents()
        return True
