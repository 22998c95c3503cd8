"""macOS' parts of the platform layer (pyobjc and Carbon loaded when first used)."""

from __future__ import annotations

from ..i18n import N_, _
from ._parts import Missing, Platform, Trays, tray_os_platform
from ._protocols import (
    Autostart,
    Bindings,
    Clipboard,
    GlobalShortcuts,
    HostRegistration,
    Keyboard,
    Labels,
    WindowReader,
)
from ._unix_platform import ipc_transport  # a Unix socket, as on Linux

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

NO_BUNDLE = N_("traycodes has no app bundle yet")


def window_reader() -> WindowReader:
    from ._darwin import DarwinDesktop

    return DarwinDesktop()


def keyboard() -> Keyboard:
    from ._darwin_input import QuartzKeyboard

    return QuartzKeyboard()


def clipboard() -> Clipboard:
    from ._darwin import PasteboardClipboard

    return PasteboardClipboard()


def shortcuts(bindings: Bindings, labels: Labels | None = None) -> GlobalShortcuts:
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
    return tray_os_platform(
        "macos",
        # the menu bar tints a template image; its run loop (NSApplication) owns the
        # main thread, so the windows live in a child process
        tray=Trays(lambda: ("darwin",), icon_variant="mono", owns_main_thread=True),
        notifications=_("the menu-bar icon's notifications"),
        window_reader=window_reader,
        keyboard=keyboard,
        clipboard=clipboard,
        global_shortcuts=shortcuts,
        screenshot=screenshot,
        autostart=autostart,
        launcher=Missing(
            _("on macOS, apps are listed from an app bundle; {why}").format(why=_(NO_BUNDLE))
        ),
        link_handler=Missing(
            _(
                "on macOS, otpauth: links open the app bundle that declares them "
                "(CFBundleURLTypes); {why}"
            ).format(why=_(NO_BUNDLE))
        ),
        host_registration=host_registration,
        ipc_transport=ipc_transport,
    )
