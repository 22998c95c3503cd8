"""Windows: typing into the window in front through ``SendInput``. Each character goes as a
``KEYEVENTF_UNICODE`` key (whatever the keyboard layout: no character of a code can be
missing from it), Enter and pressed combinations as virtual keys. ``api`` is
:class:`._win32.Win32Api` (tests hand in a recording fake of the same calls)."""

from __future__ import annotations

import ctypes
import threading
from typing import Any

from ..errors import TrayCodesError
from ..i18n import _
from ._win32_keys import VIRTUAL_KEYS, virtual_key

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:
    from ..keys import Hotkey

INPUT_KEYBOARD = 1
KEYEVENTF_KEYUP, KEYEVENTF_UNICODE = 0x0002, 0x0004
VK_RETURN = 0x0D
PRESSED_MODIFIERS = {"ctrl": 0x11, "alt": 0x12, "shift": 0x10, "cmd": 0x5B}


class KEYBDINPUT(ctypes.Structure):
    _fields_ = [
        ("wVk", ctypes.c_ushort),
        ("wScan", ctypes.c_ushort),
        ("dwFlags", ctypes.c_ulong),
        ("time", ctypes.c_ulong),
        ("dwExtraInfo", ctypes.c_size_t),
    ]


class MOUSEINPUT(ctypes.Structure):  # the union's largest member: INPUT's true size
    _fields_ = [
        ("dx", ctypes.c_long),
        ("dy", ctypes.c_long),
        ("mouseData", ctypes.c_ulong),
        ("dwFlags", ctypes.c_ulong),
        ("time", ctypes.c_ulong),
        ("dwExtraInfo", ctypes.c_size_t),
    ]


class _INPUTUNION(ctypes.Union):
    _fields_ = [("ki", KEYBDINPUT), ("mi", MOUSEINPUT)]


class INPUT(ctypes.Structure):
    _fields_ = [("type", ctypes.c_ulong), ("u", _INPUTUNION)]


def key(vk: int = 0, scan: int = 0, *, up: bool = False, unicode: bool = False) -> INPUT:
    """One keyboard INPUT: a virtual key, or with ``unicode`` a UTF-16 unit."""
    flags = (KEYEVENTF_KEYUP if up else 0) | (KEYEVENTF_UNICODE if unicode else 0)
    event = INPUT(type=INPUT_KEYBOARD)
    event.u.ki = KEYBDINPUT(wVk=vk, wScan=scan, dwFlags=flags, time=0, dwExtraInfo=0)
    return event


class SendInputKeyboard:
    """``type(text, enter=)`` and ``press(names)`` through ``SendInput``: one call per
    code, so no key of the user's can land between its characters."""

    name = "SendInput"

    def __init__(self, api: Any = None) -> None:
        self._api = api
        self._lock = threading.Lock()

    @property
    def api(self) -> Any:
        if self._api is None:  # pragma: no cover - real Windows only
            from ._win32 import Win32Api

            self._api = Win32Api()
        return self._api

    def type(self, text: str, *, enter: bool = False) -> None:
        events: list[INPUT] = []
        units = text.encode("utf-16-le")
        for i in range(0, len(units), 2):  # a character outside the BMP: its two halves
            unit = int.from_bytes(units[i : i + 2], "little")
            events += [key(scan=unit, unicode=True), key(scan=unit, unicode=True, up=True)]
        if enter:
            events += [key(VK_RETURN), key(VK_RETURN, up=True)]
        self._send(events)

    def press(self, hotkey: Hotkey) -> None:
        vks = []
        for name in hotkey.names:
            vk = PRESSED_MODIFIERS.get(name) or (
                virtual_key(self.api, name) if len(name) == 1 or name in VIRTUAL_KEYS else 0
            )
            if not vk:
                raise TrayCodesError(
                    _("traycodes cannot press the key {key}").format(key=repr(name))
                )
            vks.append(vk)
        downs = [key(vk) for vk in vks]
        self._send(downs + [key(vk, up=True) for vk in reversed(vks)])

    def _send(self, events: list[INPUT]) -> None:
        if not events:
            return
        array = (INPUT * len(events))(*events)
        with self._lock:
            sent = int(self.api.user32.SendInput(len(events), array, ctypes.sizeof(INPUT)))
        if sent != len(events):  # blocked by UIPI: the window in front runs as admin
            raise TrayCodesError(
                "Windows did not let traycodes type into this window (it runs as "
                "administrator?): the code was not typed"
            )

    def close(self) -> None:
        pass
