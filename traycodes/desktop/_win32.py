"""Windows: the ``HKCU\\...\\Run`` value for start at login, and a clipboard that keeps
codes out of clipboard history and cloud sync. Uses ``winreg`` and ``ctypes``; tests hand
in fakes, since these cannot run on Linux."""

from __future__ import annotations

import subprocess
from typing import Any

from . import DesktopError

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "traycodes"


def _winreg() -> Any:
    import winreg  # type: ignore[import-not-found,unused-ignore]

    return winreg


class RunKeyAutostart:
    """``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\traycodes``."""

    def __init__(self, registry: Any = None) -> None:
        self._registry = registry

    @property
    def registry(self) -> Any:
        if self._registry is None:
            self._registry = _winreg()
        return self._registry

    @property
    def location(self) -> str:
        return f"HKCU\\{RUN_KEY}\\{VALUE_NAME}"

    def enable(self, command: list[str]) -> None:
        reg = self.registry
        try:
            with reg.CreateKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                reg.SetValueEx(key, VALUE_NAME, 0, reg.REG_SZ, subprocess.list2cmdline(command))
        except OSError as exc:
            raise DesktopError(f"cannot write {self.location}: {exc}") from None

    def disable(self) -> None:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, VALUE_NAME)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise DesktopError(f"cannot remove {self.location}: {exc}") from None

    def enabled(self) -> bool:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                reg.QueryValueEx(key, VALUE_NAME)
                return True
        except OSError:
            return False


# Clipboard formats that keep a copied code out of clipboard history and cloud sync:
# https://learn.microsoft.com/windows/win32/dataxchg/clipboard-formats#cloud-clipboard-and-clipboard-history-formats
EXCLUDE_FORMATS = (
    "ExcludeClipboardContentFromMonitorProcessing",
    "CanIncludeInClipboardHistory",
    "CanUploadToCloudClipboard",
)
CF_UNICODETEXT = 13
GMEM_MOVEABLE = 0x0002


class Win32Clipboard:
    """Text on the clipboard marked as sensitive. ``api`` is ctypes' user32/kernel32 pair
    (or a fake with the same functions)."""

    def __init__(self, api: Any = None) -> None:
        self._api = api

    @property
    def api(self) -> Any:
        if self._api is None:
            import ctypes

            self._api = ctypes.windll  # type: ignore[attr-defined,unused-ignore]
        return self._api

    def set_text(self, text: str) -> int:
        """Put ``text`` on the clipboard; returns a token for :meth:`clear_if_unchanged`."""
        user32, kernel32 = self.api.user32, self.api.kernel32
        if not user32.OpenClipboard(None):
            raise DesktopError("the clipboard is in use by another program")
        try:
            user32.EmptyClipboard()
            self._put(kernel32, user32, CF_UNICODETEXT, (text + "\0").encode("utf-16-le"))
            for name in EXCLUDE_FORMATS:
                fmt = user32.RegisterClipboardFormatW(name)
                # a DWORD 0 says "no" to history and cloud upload; the first needs any data
                self._put(kernel32, user32, fmt, b"\0\0\0\0")
        finally:
            user32.CloseClipboard()
        return int(user32.GetClipboardSequenceNumber())

    @staticmethod
    def _put(kernel32: Any, user32: Any, fmt: int, data: bytes) -> None:
        handle = kernel32.GlobalAlloc(GMEM_MOVEABLE, len(data))
        pointer = kernel32.GlobalLock(handle)
        kernel32.RtlMoveMemory(pointer, data, len(data))
        kernel32.GlobalUnlock(handle)
        user32.SetClipboardData(fmt, handle)

    def clear_if_unchanged(self, token: int) -> bool:
        """Empty the clipboard if nothing was copied since ``token``; True if emptied."""
        user32 = self.api.user32
        if int(user32.GetClipboardSequenceNumber()) != token:
            return False
        if not user32.OpenClipboard(None):
            return False
        try:
            user32.EmptyClipboard()
        finally:
            user32.CloseClipboard()
        return True
