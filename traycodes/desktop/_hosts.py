"""Where browsers look for a native-messaging host, per OS: a manifest file in each
browser's folder (Linux, macOS), or a registry value under ``HKCU`` naming the manifest
(Windows); and what shows that a browser is installed. ``registry`` is ``winreg`` (tests
hand in a fake)."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from ._base import DesktopError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ._win32 import WinReg

LINUX_FOLDERS = {
    "chromium": ".config/chromium/NativeMessagingHosts",
    "chrome": ".config/google-chrome/NativeMessagingHosts",
    "brave": ".config/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "edge": ".config/microsoft-edge/NativeMessagingHosts",
    "vivaldi": ".config/vivaldi/NativeMessagingHosts",
    "firefox": ".mozilla/native-messaging-hosts",
}
MACOS_FOLDERS = {
    "chromium": "Library/Application Support/Chromium/NativeMessagingHosts",
    "chrome": "Library/Application Support/Google/Chrome/NativeMessagingHosts",
    "brave": "Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts",
    "edge": "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
    "vivaldi": "Library/Application Support/Vivaldi/NativeMessagingHosts",
    "firefox": "Library/Application Support/Mozilla/NativeMessagingHosts",
}
WINDOWS_KEYS = {
    "chromium": r"Software\Chromium\NativeMessagingHosts",
    "chrome": r"Software\Google\Chrome\NativeMessagingHosts",
    "brave": r"Software\BraveSoftware\Brave-Browser\NativeMessagingHosts",
    "edge": r"Software\Microsoft\Edge\NativeMessagingHosts",
    "vivaldi": r"Software\Vivaldi\NativeMessagingHosts",
    "firefox": r"Software\Mozilla\NativeMessagingHosts",
}
# What shows that a browser is installed: a program on PATH (Linux), an app bundle
# (macOS), or its profile folder (every OS: the parent of the manifest folder on Linux and
# macOS, the user data under %LOCALAPPDATA% / %APPDATA% on Windows).
LINUX_PROGRAMS = {
    "chromium": ("chromium", "chromium-browser"),
    "chrome": ("google-chrome", "google-chrome-stable", "google-chrome-beta"),
    "brave": ("brave-browser", "brave"),
    "edge": ("microsoft-edge", "microsoft-edge-stable"),
    "vivaldi": ("vivaldi", "vivaldi-stable"),
    "firefox": ("firefox", "firefox-esr"),
}
MACOS_APPS = {
    "chromium": "Chromium.app",
    "chrome": "Google Chrome.app",
    "brave": "Brave Browser.app",
    "edge": "Microsoft Edge.app",
    "vivaldi": "Vivaldi.app",
    "firefox": "Firefox.app",
}
WINDOWS_PROFILES = {
    "chromium": ("LOCALAPPDATA", r"Chromium\User Data"),
    "chrome": ("LOCALAPPDATA", r"Google\Chrome\User Data"),
    "brave": ("LOCALAPPDATA", r"BraveSoftware\Brave-Browser\User Data"),
    "edge": ("LOCALAPPDATA", r"Microsoft\Edge\User Data"),
    "vivaldi": ("LOCALAPPDATA", r"Vivaldi\User Data"),
    "firefox": ("APPDATA", r"Mozilla\Firefox"),
}


class _Script:
    """The host launcher as a POSIX shell script."""

    launcher_file = "browser-host"

    def launcher_text(self, command: list[str]) -> str:
        import shlex

        return f'#!/bin/sh\nexec {shlex.join(command)} "$@"\n'

    def register(self, browser: str, host: str, manifest: Path) -> None:
        """Nothing beyond the manifest file, which is where the browser looks."""

    def unregister(self, browser: str, host: str) -> None:
        """Nothing beyond the manifest file."""


class LinuxHosts(_Script):
    """``~/.config/<browser>/NativeMessagingHosts/<host>.json`` (Firefox: ``~/.mozilla``)."""

    def manifest_path(self, browser: str, host: str, data_dir: Path) -> Path:
        return Path.home() / LINUX_FOLDERS[browser] / f"{host}.json"

    def installed(self, browser: str, host: str) -> bool:
        return self.manifest_path(browser, host, Path()).parent.parent.is_dir() or any(
            shutil.which(program) for program in LINUX_PROGRAMS[browser]
        )


class MacosHosts(_Script):
    """``~/Library/Application Support/<browser>/NativeMessagingHosts/<host>.json``."""

    def manifest_path(self, browser: str, host: str, data_dir: Path) -> Path:
        return Path.home() / MACOS_FOLDERS[browser] / f"{host}.json"

    def installed(self, browser: str, host: str) -> bool:
        app = MACOS_APPS[browser]
        places = (Path("/Applications"), Path.home() / "Applications")
        return self.manifest_path(browser, host, Path()).parent.parent.is_dir() or any(
            (folder / app).is_dir() for folder in places
        )


class WindowsHosts:
    """The manifest beside traycodes' data, named by ``HKCU\\<browser's key>\\<host>``."""

    launcher_file = "browser-host.cmd"

    def __init__(self, registry: WinReg | None = None) -> None:
        self._registry = registry

    @property
    def registry(self) -> WinReg:
        if self._registry is None:  # pragma: no cover - real Windows only
            from ._win32 import winreg_module

            self._registry = winreg_module()
        return self._registry

    def launcher_text(self, command: list[str]) -> str:
        """A batch file: cmd.exe expands ``%`` in it (a vault path with ``50%`` in it
        lost its percent sign), and the program splits its line by CommandLineToArgvW's
        rules (a quote inside an argument needs its backslash)."""
        quoted = " ".join(_cmd_quote(part) for part in command)
        return f"@echo off\r\n{quoted} %*\r\n"

    def manifest_path(self, browser: str, host: str, data_dir: Path) -> Path:
        return data_dir / "native-messaging" / browser / f"{host}.json"

    def installed(self, browser: str, host: str) -> bool:
        variable, folder = WINDOWS_PROFILES[browser]
        base = os.environ.get(variable, "")
        return base != "" and (Path(base) / folder).is_dir()

    def register(self, browser: str, host: str, manifest: Path) -> None:
        reg = self.registry
        where = WINDOWS_KEYS[browser] + "\\" + host
        try:
            with reg.CreateKey(reg.HKEY_CURRENT_USER, where) as key:
                reg.SetValueEx(key, "", 0, reg.REG_SZ, str(manifest))
        except OSError as exc:
            raise DesktopError(f"cannot write HKCU\\{where}: {exc}") from None

    def unregister(self, browser: str, host: str) -> None:
        reg = self.registry
        with contextlib.suppress(FileNotFoundError):
            reg.DeleteKey(reg.HKEY_CURRENT_USER, WINDOWS_KEYS[browser] + "\\" + host)


def _cmd_quote(arg: str) -> str:
    """``arg`` quoted for a batch file's command line: always in quotes (so that ``&``,
    ``(`` or ``^`` in a path stay in it), quotes and the backslashes before them escaped
    for CommandLineToArgvW, and ``%`` doubled for cmd.exe."""
    out, backslashes = ['"'], 0
    for char in arg:
        if char == "\\":
            backslashes += 1
            continue
        if char == '"':
            out.append("\\" * (2 * backslashes + 1) + '"')
        else:
            out.append("\\" * backslashes + char)
        backslashes = 0
    out.append("\\" * (2 * backslashes) + '"')
    return "".join(out).replace("%", "%%")
