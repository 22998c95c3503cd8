"""What the global-shortcut parts of every platform share: the one parsed hotkey
(:class:`traycodes.keys.Hotkey`, read from the settings' ``<ctrl>+<alt>+o``) and the
messages a hotkey that cannot be had gives."""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import _
from ..keys import NAMED_KEYS, Hotkey

__all__ = ["NAMED_KEYS", "Bindings", "Hotkey"]

Bindings = dict[str, Callable[[], None]]


def not_understood(text: str) -> str:
    return _("the hotkey '{hotkey}' is not understood; change it in Settings").format(hotkey=text)


def taken(hotkey: Hotkey) -> str:
    """The one problem a combination another program holds gives (doctor, notification)."""
    return _("{hotkey} is taken by another program: choose another in Settings").format(
        hotkey=hotkey.label
    )


def no_key(hotkey: Hotkey) -> str:
    return _("this keyboard has no key for {hotkey}; choose another in Settings").format(
        hotkey=hotkey.label
    )


def refused(hotkey: Hotkey) -> str:
    """The system refused the hotkey for a reason other than another program's."""
    return _("{hotkey} could not be registered; choose another in Settings").format(
        hotkey=hotkey.label
    )
