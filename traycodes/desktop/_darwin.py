"""macOS: a LaunchAgent for start at login, and a pasteboard entry marked concealed
(``org.nspasteboard.ConcealedType``, honoured by clipboard managers). Tests run the
LaunchAgent against a temporary home and the pasteboard against a fake."""

from __future__ import annotations

import plistlib
from pathlib import Path
from typing import Any

from ._base import APP_ID, DesktopError, wait_until_active

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

    from ..model import Window

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

    marks_sensitive = True  # CONCEALED_TYPE

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


ACTIVATE_IGNORING_OTHER_APPS = 2  # NSApplicationActivateIgnoringOtherApps


class DarwinDesktop:
    """The frontmost application (NSWorkspace) and, where the user allowed screen
    recording, its front window's title (CGWindowListCopyWindowInfo). ``workspace`` and
    ``window_list`` are pyobjc's, or fakes; so is ``running_app`` (AppKit's
    ``NSRunningApplication.runningApplicationWithProcessIdentifier_``)."""

    def __init__(
        self,
        workspace: Any = None,
        window_list: Any = None,
        running_app: Any = None,
        quartz: Any = None,
    ) -> None:
        self._workspace = workspace
        self._window_list = window_list
        self._running_app = running_app
        self._quartz = quartz

    @property
    def quartz(self) -> Any:
        if self._quartz is None:  # pragma: no cover - real macOS only
            import Quartz  # type: ignore[import-not-found,unused-ignore]

            self._quartz = Quartz
        return self._quartz

    def active_window(self) -> Window | None:
        from ..model import Window

        if self._workspace is None:
            from AppKit import NSWorkspace  # type: ignore[import-not-found,unused-ignore]

            self._workspace = NSWorkspace.sharedWorkspace()
        app = self._workspace.frontmostApplication()
        if app is None:
            return None
        pid = int(app.processIdentifier())
        title = ""
        for info in self._windows():
            if int(info.get("kCGWindowOwnerPID", -1)) == pid and info.get("kCGWindowLayer") == 0:
                title = str(info.get("kCGWindowName") or "")  # empty without permission
                break
        name = str(app.localizedName() or "")
        return Window(id=str(pid), title=title or name, app=name.lower(), pid=pid)

    def _windows(self) -> list[dict[str, Any]]:
        if self._window_list is not None:
            return list(self._window_list())
        q = self.quartz
        return list(
            q.CGWindowListCopyWindowInfo(q.kCGWindowListOptionOnScreenOnly, q.kCGNullWindowID)
        )

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        """Bring the application ``window_id`` (its pid) back to front."""
        if self._running_app is None:  # pragma: no cover - real macOS only
            from AppKit import NSRunningApplication  # type: ignore[import-not-found,unused-ignore]

            self._running_app = NSRunningApplication.runningApplicationWithProcessIdentifier_
        app = self._running_app(int(window_id))
        if app is None:
            return False
        app.activateWithOptions_(ACTIVATE_IGNORING_OTHER_APPS)
        return wait_until_active(self.active_window, window_id, timeout)

    def modifiers_down(self) -> bool:
        Quartz = self.quartz

        flags = Quartz.CGEventSourceFlagsState(Quartz.kCGEventSourceStateHIDSystemState)
        mask = (
            Quartz.kCGEventFlagMaskShift
            | Quartz.kCGEventFlagMaskControl
            | Quartz.kCGEventFlagMaskAlternate
            | Quartz.kCGEventFlagMaskCommand
        )
        return bool(flags & mask)

    def close(self) -> None:
        pass


def screenshot_every_display() -> Image.Image:
    """Every display, side by side: ``screencapture`` writes one file per display, as
    many as it is given (PIL's ImageGrab gives it one: the main display alone, so a QR
    code on a second monitor was never found)."""
    import subprocess
    import tempfile

    import Quartz  # type: ignore[import-not-found,unused-ignore]
    from PIL import Image as PILImage

    error, _, count = Quartz.CGGetActiveDisplayList(32, None, None)
    count = max(int(count), 1) if not error else 1
    pictures: list[Image.Image] = []
    with tempfile.TemporaryDirectory(prefix="traycodes-screen-") as folder:
        files = [str(Path(folder, f"display-{number}.png")) for number in range(count)]
        if subprocess.call(["screencapture", "-x", "-t", "png", *files]):
            raise DesktopError("screencapture could not capture the screen")
        for name in files:
            if Path(name).is_file():
                with PILImage.open(name) as saved:
                    pictures.append(saved.convert("RGB"))
    if not pictures:
        raise DesktopError("screencapture captured nothing")
    whole = PILImage.new("RGB", (sum(p.width for p in pictures), max(p.height for p in pictures)))
    left = 0
    for picture in pictures:
        whole.paste(picture, (left, 0))
        left += picture.width
    return whole
