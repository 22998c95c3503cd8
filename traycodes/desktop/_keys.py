"""What the global-shortcut parts of every platform share: the one parsed hotkey
(:class:`traycodes.keys.Hotkey`, read from the settings' ``<ctrl>+<alt>+o``) and the
messages a hotkey that cannot be had gives."""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import _
from ..keys import NAMED_KEYS, Hotkey

__all__ = ["NAMED_KEYS", "Bindings", "Hotkey", "SettingsProblem"]

Bindings = dict[str, Callable[[], None]]


class SettingsProblem(str):
    """A hotkey problem the user mends by choosing another hotkey in Settings (doctor then
    has no other fix to offer), as opposed to a missing display or tool. Told by its type,
    never by its words, which are in the user's language."""

    __slots__ = ()


def not_understood(text: str) -> SettingsProblem:
    return SettingsProblem(
        _("the hotkey '{hotkey}' is not understood; change it in Settings").format(hotkey=text)
    )


def taken(hotkey: Hotkey) -> SettingsProblem:
    """The one problem a combination another program holds gives (doctor, notification)."""
    return SettingsProblem(
        _("{hotkey} is taken by another program: choose another in Settings").format(
            hotkey=hotkey.label
        )
    )


def no_key(hotkey: Hotkey) -> SettingsProblem:
    return SettingsProblem(
        _("this keyboard has no key for {hotkey}; choose another in Settings").format(
            hotkey=hotkey.label
        )
    )


def refused(hotkey: Hotkey) -> SettingsProblem:
    """The system refused the hotkey for a reason other than another program's."""
    return SettingsProblem(
        _("{hotkey} could not be registered; choose another in Settings").format(
            hotkey=hotkey.label
        )
    )
