"""Windows' parts of the platform layer (each made over ``ctypes``/``winreg`` when first
used: importing this module touches no Windows API)."""

from __future__ import annotations

from ..i18n import _
from ._parts import LOOKS_AT_EACH_REFRESH, NO_FOLDER_NOTICE, NO_LOCK, Missing, Platform, imagegrab
from ._protocols import (
    Autostart,
    Bindings,
    Clipboard,
    GlobalShortcuts,
    HostRegistration,
    Keyboard,
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


def shortcuts(bindings: Bindings) -> GlobalShortcuts:
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


def windows_platform() -> Platform:
    return Platform(
        kind="windows",
        window_reader=window_reader,
        keyboard=keyboard,
        clipboard=clipboard,
        notifier=Missing(_("no notifier of its own"), instead=_("the tray icon's notifications")),
        lock_watcher=Missing(_(NO_LOCK)),
        folder_watcher=Missing(_(NO_FOLDER_NOTICE), instead=_(LOOKS_AT_EACH_REFRESH)),
        global_shortcuts=shortcuts,
        screenshot=imagegrab(all_screens=True),
        autostart=autostart,
        launcher=launcher,
        link_handler=link_handler,
        host_registration=host_registration,
    )
