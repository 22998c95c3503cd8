"""What the global-shortcut parts of every platform share: the one parsed hotkey
(:class:`traycodes.keys.Hotkey`, read from the settings' ``<ctrl>+<alt>+o``) and the
messages a hotkey that cannot be had gives."""

from __future__ import annotations

from collections.abc import Callable

from ..keys import NAMED_KEYS, Hotkey

__all__ = ["NAMED_KEYS", "Bindings", "Hotkey"]

Bindings = dict[str, Callable[[], None]]


def not_understood(text: str) -> str:
    return f"the hotkey '{text}' is not understood; change it in Settings"


def taken(hotkey: Hotkey) -> str:
    """The one problem a combination another program holds gives (doctor, notification)."""
    return f"{hotkey.label} is taken by another program: choose another in Settings"


def no_key(hotkey: Hotkey) -> str:
    return f"this keyboard has no key for {hotkey.label}; choose another in Settings"


def refused(hotkey: Hotkey) -> str:
    """The system refused the hotkey for a reason other than another program's."""
    return f"{hotkey.label} could not be registered; choose another in Settings"
