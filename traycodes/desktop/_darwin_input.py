"""macOS: typing into the window in front through Quartz events. Each character is a key
event carrying that character (``CGEventKeyboardSetUnicodeString``: whatever the keyboard
layout), Enter and pressed combinations are virtual key codes with their modifier flags.
Posting needs the Accessibility permission (System Settings > Privacy & Security).
``quartz`` is pyobjc's ``Quartz`` module (tests hand in a recording fake of the calls)."""

from __future__ import annotations

import threading
from typing import Any

from ..errors import TrayCodesError
from ..i18n import _
from ._darwin_keys import KEY_CODES

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:
    from ..keys import Hotkey

RETURN_KEY = 0x24
MODIFIER_KEYS = {"cmd": 0x37, "shift": 0x38, "alt": 0x3A, "ctrl": 0x3B}
FLAG_NAMES = {
    "cmd": "kCGEventFlagMaskCommand",
    "shift": "kCGEventFlagMaskShift",
    "alt": "kCGEventFlagMaskAlternate",
    "ctrl": "kCGEventFlagMaskControl",
}


class QuartzKeyboard:
    """``type(text, enter=)`` and ``press(names)`` as Quartz keyboard events."""

    name = "Quartz events"

    def __init__(self, quartz: Any = None) -> None:
        self._quartz = quartz
        self._lock = threading.Lock()

    @property
    def quartz(self) -> Any:
        if self._quartz is None:  # pragma: no cover - real macOS only
            import Quartz  # type: ignore[import-not-found,unused-ignore]

            self._quartz = Quartz
        return self._quartz

    def _post(self, key_code: int, down: bool, *, text: str = "", flags: int = 0) -> None:
        q = self.quartz
        event = q.CGEventCreateKeyboardEvent(None, key_code, down)
        if text:
            q.CGEventKeyboardSetUnicodeString(event, len(text.encode("utf-16-le")) // 2, text)
        q.CGEventSetFlags(event, flags)
        q.CGEventPost(q.kCGHIDEventTap, event)

    def type(self, text: str, *, enter: bool = False) -> None:
        with self._lock:
            for char in text:
                self._post(0, True, text=char)
                self._post(0, False, text=char)
            if enter:
                self._post(RETURN_KEY, True)
                self._post(RETURN_KEY, False)

    def press(self, hotkey: Hotkey) -> None:
        names = hotkey.names
        modifiers = [name for name in names if name in MODIFIER_KEYS]
        keys = [name for name in names if name not in MODIFIER_KEYS]
        codes = [KEY_CODES.get(name) for name in keys]
        if any(code is None for code in codes) or len(keys) > 1:
            wrong = [name for name, code in zip(keys, codes, strict=True) if code is None]
            raise TrayCodesError(
                _("traycodes cannot press the key {key}").format(key=repr((wrong or keys)[0]))
            )
        flags = 0
        for name in modifiers:
            flags |= int(getattr(self.quartz, FLAG_NAMES[name]))
        with self._lock:
            for name in modifiers:
                self._post(MODIFIER_KEYS[name], True, flags=flags)
            for code in codes:
                assert code is not None
                self._post(code, True, flags=flags)
                self._post(code, False, flags=flags)
            for name in reversed(modifiers):
                self._post(MODIFIER_KEYS[name], False)

    def close(self) -> None:
        pass
