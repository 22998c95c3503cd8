"""Windows' parts of the platform layer (each made over ``ctypes``/``winreg`` when first
used: importing this module touches no Windows API)."""

from __future__ import annotations

import sys

from ..i18n import _
from ._base import DesktopError, IpcTransport
from ._parts import Platform, Trays, imagegrab, tray_os_platform
from ._protocols import (
    Autostart,
    Bindings,
    Clipboard,
    GlobalShortcuts,
    HostRegistration,
    Keyboard,
    Labels,
    Launcher,
    LinkHandler,
    WindowReader,
)


def window_reader() -> WindowReader:
    from ._win32 import Win32Desktop

    return Win32Desktop()


def keyboard() -> Keyboard:
    from ._win32_input import SendInputKeyboard

    return SendInputKeyboard()


def clipboard() -> Clipboard:
    from ._win32 import Win32Clipboard

    return Win32Clipboard()


def shortcuts(bindings: Bindings, labels: Labels | None = None) -> GlobalShortcuts:
    from ._win32_keys import Win32Shortcuts

    return Win32Shortcuts(bindings)


def autostart() -> Autostart:
    from ._win32 import RunKeyAutostart

    return RunKeyAutostart()


def launcher() -> Launcher:
    from ._win32 import StartMenuShortcut

    return StartMenuShortcut()


def link_handler() -> LinkHandler:
    from ._win32 import ProtocolHandler

    return ProtocolHandler()


def host_registration() -> HostRegistration:
    from ._hosts import WindowsHosts

    return WindowsHosts()


def ipc_transport() -> IpcTransport:
    """A named pipe private to the user."""
    if sys.platform == "win32":
        from ._win32_pipe import PipeTransport, Win32Pipes

        return PipeTransport(Win32Pipes())
    raise DesktopError("named pipes are Windows'")  # never: the others have sockets


def windows_platform() -> Platform:
    return tray_os_platform(
        "windows",
        tray=Trays(lambda: ("win32",)),
        notifications=_("the tray icon's notifications"),
        screenshot=imagegrab(all_screens=True),
        window_reader=window_reader,
        keyboard=keyboard,
        clipboard=clipboard,
        global_shortcuts=shortcuts,
        autostart=autostart,
        launcher=launcher,
        link_handler=link_handler,
        host_registration=host_registration,
        ipc_transport=ipc_transport,
    )
