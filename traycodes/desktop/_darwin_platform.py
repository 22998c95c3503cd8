"""macOS' parts of the platform layer (pyobjc and Carbon loaded when first used)."""

from __future__ import annotations

from ._parts import NO_FOLDER_NOTICE, NO_LOCK, Missing, Platform
from ._protocols import (
    Autostart,
    Bindings,
    Clipboard,
    GlobalShortcuts,
    HostRegistration,
    Keyboard,
    WindowReader,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

NO_BUNDLE = "traycodes has no app bundle yet"


def window_reader() -> WindowReader:
    from ._darwin import DarwinDesktop

    return DarwinDesktop()


def keyboard() -> Keyboard:
    from ._darwin_input import QuartzKeyboard

    return QuartzKeyboard()


def clipboard() -> Clipboard:
    from ._darwin import PasteboardClipboard

    return PasteboardClipboard()


def shortcuts(bindings: Bindings) -> GlobalShortcuts:
    from ._darwin_keys import CarbonShortcuts

    return CarbonShortcuts(bindings)


def autostart() -> Autostart:
    from ._darwin import LaunchAgentAutostart

    return LaunchAgentAutostart()


def screenshot() -> Image.Image:
    from ._darwin import screenshot_every_display

    return screenshot_every_display()


def host_registration() -> HostRegistration:
    from ._hosts import MacosHosts

    return MacosHosts()


def macos_platform() -> Platform:
    return Platform(
        kind="macos",
        window_reader=window_reader,
        keyboard=keyboard,
        clipboard=clipboard,
        notifier=Missing("no notifier of its own", instead="the menu-bar icon's notifications"),
        lock_watcher=Missing(NO_LOCK),
        folder_watcher=Missing(NO_FOLDER_NOTICE, instead="the app looks at each refresh"),
        global_shortcuts=shortcuts,
        screenshot=screenshot,
        autostart=autostart,
        launcher=Missing(
            f"on macOS, apps are listed from an app bundle; {NO_BUNDLE}",
        ),
        link_handler=Missing(
            "on macOS, otpauth: links open the app bundle that declares them "
            f"(CFBundleURLTypes); {NO_BUNDLE}"
        ),
        host_registration=host_registration,
    )
