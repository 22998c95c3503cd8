"""macOS' parts of the platform layer (pyobjc and Carbon loaded when first used)."""

from __future__ import annotations

from ..i18n import N_, _
from ._parts import LOOKS_AT_EACH_REFRESH, NO_FOLDER_NOTICE, NO_LOCK, Missing, Platform, imagegrab
from ._protocols import (
    Autostart,
    Bindings,
    Clipboard,
    GlobalShortcuts,
    HostRegistration,
    Keyboard,
    WindowReader,
)

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


def shortcuts(bindings: Bindings) -> GlobalShortcuts:
    from ._darwin_keys import CarbonShortcuts

    return CarbonShortcuts(bindings)


def autostart() -> Autostart:
    from ._darwin import LaunchAgentAutostart

    return LaunchAgentAutostart()


def host_registration() -> HostRegistration:
    from ._hosts import MacosHosts

    return MacosHosts()


def macos_platform() -> Platform:
    return Platform(
        kind="macos",
        window_reader=window_reader,
        keyboard=keyboard,
        clipboard=clipboard,
        notifier=Missing(
            _("no notifier of its own"), instead=_("the menu-bar icon's notifications")
        ),
        lock_watcher=Missing(_(NO_LOCK)),
        folder_watcher=Missing(_(NO_FOLDER_NOTICE), instead=_(LOOKS_AT_EACH_REFRESH)),
        global_shortcuts=shortcuts,
        screenshot=imagegrab(all_screens=False),
        autostart=autostart,
        launcher=Missing(
            _("on macOS, apps are listed from an app bundle; {why}").format(why=_(NO_BUNDLE)),
        ),
        link_handler=Missing(
            _(
                "on macOS, otpauth: links open the app bundle that declares them "
                "(CFBundleURLTypes); {why}"
            ).format(why=_(NO_BUNDLE))
        ),
        host_registration=host_registration,
    )
