"""Windows: the ``HKCU\\...\\Run`` value for start at login, and a clipboard that keeps
codes out of clipboard history and cloud sync. Uses ``winreg`` and ``ctypes``; tests hand
in fakes, since these cannot run on Linux."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, Protocol

from ..i18n import _
from ._base import DesktopError, wait_until_active

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..model import Window

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "traycodes"


class WinReg(Protocol):
    """The part of ``winreg`` traycodes uses (the module itself, or a test's fake: mypy
    checks the fake against this). A key handle is what ``CreateKey``/``OpenKey`` return,
    used in a ``with``; missing keys and values raise FileNotFoundError, as on Windows."""

    HKEY_CURRENT_USER: int
    KEY_SET_VALUE: int
    REG_SZ: int

    def CreateKey(self, key: Any, sub_key: str, /) -> Any: ...

    def OpenKey(self, key: Any, sub_key: str, reserved: int = 0, access: int = ..., /) -> Any: ...

    def SetValueEx(self, key: Any, name: str, reserved: int, kind: int, value: str, /) -> None: ...

    def QueryValueEx(self, key: Any, name: str, /) -> tuple[Any, int]: ...

    def DeleteValue(self, key: Any, name: str, /) -> None: ...

    def DeleteKey(self, key: Any, sub_key: str, /) -> None: ...


def winreg_module() -> WinReg:
    """``winreg`` (mypy --platform win32 checks that the module is a :class:`WinReg`)."""
    if sys.platform == "win32":
        import winreg

        return winreg
    else:
        raise DesktopError("the registry is Windows'")


class _UsesRegistry:
    """``winreg``, or a fake handed in by tests."""

    def __init__(self, registry: WinReg | None = None) -> None:
        self._registry = registry

    @property
    def registry(self) -> WinReg:
        if self._registry is None:
            self._registry = winreg_module()
        return self._registry


class RunKeyAutostart(_UsesRegistry):
    """``HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\traycodes``."""

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


class ProtocolHandler(_UsesRegistry):
    """``HKCU\\Software\\Classes\\otpauth``: clicked otpauth: links open traycodes."""

    KEY = r"Software\Classes\otpauth"

    def enable(self, command: list[str]) -> None:
        reg = self.registry
        line = subprocess.list2cmdline(command) + ' "%1"'
        try:
            with reg.CreateKey(reg.HKEY_CURRENT_USER, self.KEY) as key:
                reg.SetValueEx(key, "", 0, reg.REG_SZ, "URL:otpauth")
                reg.SetValueEx(key, "URL Protocol", 0, reg.REG_SZ, "")
            with reg.CreateKey(reg.HKEY_CURRENT_USER, self.KEY + r"\shell\open\command") as key:
                reg.SetValueEx(key, "", 0, reg.REG_SZ, line)
        except OSError as exc:
            raise DesktopError(f"cannot write HKCU\\{self.KEY}: {exc}") from None

    def disable(self) -> None:
        """Remove traycodes' handler; another program's, which took the links since, is
        left alone (it was removed with ours)."""
        if self.status() not in ("on", "off"):
            return
        reg = self.registry
        for path in (
            self.KEY + r"\shell\open\command",
            self.KEY + r"\shell\open",
            self.KEY + r"\shell",
            self.KEY,
        ):
            try:
                reg.DeleteKey(reg.HKEY_CURRENT_USER, path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise DesktopError(f"cannot remove HKCU\\{path}: {exc}") from None

    def status(self) -> str:
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, self.KEY + r"\shell\open\command") as key:
                value, _kind = reg.QueryValueEx(key, "")
        except OSError:
            return _("off")
        if "traycodes" in value:
            return _("on")
        return _("otpauth: links open with {program}").format(program=value)


CREATE_SHORTCUT = (
    "$s = (New-Object -ComObject WScript.Shell).CreateShortcut($env:TRAYCODES_LNK); "
    "$s.TargetPath = $env:TRAYCODES_TARGET; $s.Arguments = $env:TRAYCODES_ARGS; "
    "$s.IconLocation = $env:TRAYCODES_ICON; "
    "$s.Description = 'Two-factor codes from the system tray'; $s.Save()"
)


class StartMenuShortcut:
    """``%APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\traycodes.lnk``, made by the
    shell's own ``WScript.Shell`` through PowerShell (the values travel in environment
    variables, never inside the script), with its icon in ``%LOCALAPPDATA%\\traycodes``.
    ``run`` runs a command with extra environment and returns its exit code (tests fake it)."""

    def __init__(
        self, appdata: str | None = None, localappdata: str | None = None, run: Any = None
    ) -> None:
        import os
        from pathlib import Path

        self.lnk = Path(
            appdata or os.environ.get("APPDATA", ""),
            "Microsoft",
            "Windows",
            "Start Menu",
            "Programs",
            "traycodes.lnk",
        )
        self.icon = Path(
            localappdata or os.environ.get("LOCALAPPDATA", ""), "traycodes", "traycodes.ico"
        )
        self.run = run or _run_with_env

    @property
    def location(self) -> str:
        return str(self.lnk)

    def enable(self, command: list[str]) -> None:
        target, args = command[0], subprocess.list2cmdline(command[1:])
        if target.lower().endswith("python.exe"):  # no console window for the tray app
            target = target[: -len("python.exe")] + "pythonw.exe"
        icon = windows_icon()
        try:
            self.icon.parent.mkdir(parents=True, exist_ok=True)
            self.icon.write_bytes(icon)
        except OSError as exc:
            raise DesktopError(f"cannot write {self.icon}: {exc.strerror}") from None
        env = {
            "TRAYCODES_LNK": str(self.lnk),
            "TRAYCODES_TARGET": target,
            "TRAYCODES_ARGS": args,
            "TRAYCODES_ICON": str(self.icon),
        }
        argv = ["powershell", "-NoProfile", "-NonInteractive", "-Command", CREATE_SHORTCUT]
        if self.run(argv, env) != 0:
            raise DesktopError(f"PowerShell could not create {self.lnk}")

    def disable(self) -> None:
        for path in (self.lnk, self.icon):
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                raise DesktopError(f"cannot remove {path}: {exc.strerror}") from None

    def enabled(self) -> bool:
        return self.lnk.is_file()


def windows_icon() -> bytes:
    """The app icon as a Windows .ico holding every size up to 256."""
    import io

    from PIL import Image

    from ..resources import icon_bytes

    with Image.open(io.BytesIO(icon_bytes("app", 256))) as image:
        out = io.BytesIO()
        image.save(out, format="ICO", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    return out.getvalue()


def _run_with_env(argv: list[str], extra: dict[str, str]) -> int:  # pragma: no cover
    import os

    done = subprocess.run(
        argv, env={**os.environ, **extra}, capture_output=True, timeout=60, check=False
    )
    return done.returncode


# Clipboard formats that keep a copied code out of clipboard history and cloud sync:
# https://learn.microsoft.com/windows/win32/dataxchg/clipboard-formats#cloud-clipboard-and-clipboard-history-formats
EXCLUDE_FORMATS = (
    "ExcludeClipboardContentFromMonitorProcessing",
    "CanIncludeInClipboardHistory",
    "CanUploadToCloudClipboard",
)
CF_UNICODETEXT = 13
GMEM_MOVEABLE = 0x0002


class Win32Api:
    """``user32`` and ``kernel32`` with every function traycodes calls declared
    (:func:`._win32_api.prototypes`).
    ``load`` opens a DLL by name (``ctypes.WinDLL``; tests hand in a fake)."""

    def __init__(self, load: Any = None) -> None:
        if load is None:  # pragma: no cover - real Windows only
            import ctypes

            windll = getattr(ctypes, "WinDLL")  # noqa: B009 - absent from ctypes off Windows

            def load(name: str) -> Any:
                return windll(name, use_last_error=True)

        dlls = {name: load(name) for name in ("user32", "kernel32", "advapi32")}
        from ._win32_api import prototypes

        for (dll, function), (restype, argtypes) in prototypes().items():
            declared = getattr(dlls[dll], function)
            declared.restype = restype
            declared.argtypes = argtypes
        self.user32, self.kernel32 = dlls["user32"], dlls["kernel32"]
        self.advapi32 = dlls["advapi32"]

    def last_error(self) -> int:  # pragma: no cover - real Windows only
        """The calling thread's last Win32 error (the DLLs load with ``use_last_error``)."""
        import ctypes

        return int(getattr(ctypes, "get_last_error")())  # noqa: B009 - Windows only


class Win32Clipboard:
    """Text on the clipboard marked as sensitive. ``api`` has ``user32`` and ``kernel32``
    (:class:`Win32Api`, or a fake with the same functions)."""

    marks_sensitive = True  # EXCLUDE_FORMATS: no clipboard history, no cloud upload

    def __init__(self, api: Any = None) -> None:
        self._api = api

    @property
    def api(self) -> Any:
        if self._api is None:
            self._api = Win32Api()
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
        if not handle:
            raise DesktopError("out of memory for the clipboard")
        pointer = kernel32.GlobalLock(handle)
        if not pointer:
            kernel32.GlobalFree(handle)
            raise DesktopError("the clipboard's memory could not be locked")
        kernel32.RtlMoveMemory(pointer, data, len(data))
        kernel32.GlobalUnlock(handle)
        if not user32.SetClipboardData(fmt, handle):
            kernel32.GlobalFree(handle)  # still ours: the clipboard did not take it
            raise DesktopError("the clipboard refused the code")

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


VK_MODIFIERS = (0x10, 0x11, 0x12, 0x5B, 0x5C)  # Shift, Control, Alt (Menu), left/right Win
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000


class Win32Desktop:
    """The foreground window and the keyboard state. ``api`` has six small functions
    (see :class:`User32Api`, the real one over ctypes); tests hand in a fake."""

    def __init__(self, api: Any = None) -> None:
        self.api = api if api is not None else User32Api()

    def active_window(self) -> Window | None:
        from ..model import Window

        handle = self.api.foreground()
        if not handle:
            return None
        pid = self.api.window_pid(handle)
        image = self.api.process_image(pid)
        app = image.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
        return Window(id=str(int(handle)), title=self.api.window_text(handle), app=app, pid=pid)

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        self.api.set_foreground(int(window_id))
        return wait_until_active(self.active_window, window_id, timeout)

    def modifiers_down(self) -> bool:
        return any(self.api.key_down(vk) for vk in VK_MODIFIERS)

    def close(self) -> None:
        pass


class User32Api:  # pragma: no cover - real Windows only
    """GetForegroundWindow, GetWindowTextW, GetWindowThreadProcessId,
    QueryFullProcessImageNameW, SetForegroundWindow and GetAsyncKeyState over ctypes."""

    def __init__(self, api: Win32Api | None = None) -> None:
        import ctypes

        self.ctypes = ctypes
        api = api or Win32Api()
        self.user32, self.kernel32 = api.user32, api.kernel32

    def foreground(self) -> int:
        return int(self.user32.GetForegroundWindow() or 0)

    def window_text(self, handle: int) -> str:
        length = self.user32.GetWindowTextLengthW(handle)
        buffer = self.ctypes.create_unicode_buffer(length + 1)
        self.user32.GetWindowTextW(handle, buffer, length + 1)
        return str(buffer.value)

    def window_pid(self, handle: int) -> int:
        from ctypes import wintypes

        pid = wintypes.DWORD()
        self.user32.GetWindowThreadProcessId(handle, self.ctypes.byref(pid))
        return int(pid.value)

    def process_image(self, pid: int) -> str:
        process = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not process:
            return ""
        try:
            from ctypes import wintypes

            size = wintypes.DWORD(1024)
            buffer = self.ctypes.create_unicode_buffer(size.value)
            ok = self.kernel32.QueryFullProcessImageNameW(
                process, 0, buffer, self.ctypes.byref(size)
            )
            return str(buffer.value) if ok else ""
        finally:
            self.kernel32.CloseHandle(process)

    def set_foreground(self, handle: int) -> None:
        self.user32.SetForegroundWindow(handle)

    def key_down(self, vk: int) -> bool:
        return bool(self.user32.GetAsyncKeyState(vk) & 0x8000)
