"""What the global-shortcut parts of every platform share: a hotkey in the settings' form
(pynput's ``<ctrl>+<alt>+o``) read into modifiers and one key, the name people read
("Ctrl+Alt+O"), and the messages a hotkey that cannot be had gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Bindings = dict[str, Callable[[], None]]

MODIFIER_NAMES = {
    "ctrl": "ctrl",
    "ctrl_l": "ctrl",
    "ctrl_r": "ctrl",
    "alt": "alt",
    "alt_l": "alt",
    "alt_r": "alt",
    "alt_gr": "alt_gr",
    "shift": "shift",
    "shift_l": "shift",
    "shift_r": "shift",
    "cmd": "cmd",
    "cmd_l": "cmd",
    "cmd_r": "cmd",
    "super": "cmd",
}
SHOWN = {"ctrl": "Ctrl", "alt": "Alt", "alt_gr": "AltGr", "shift": "Shift", "cmd": "Super"}
ORDER = ("ctrl", "alt", "alt_gr", "shift", "cmd")


@dataclass(frozen=True)
class Hotkey:
    """``modifiers`` (``ctrl``, ``alt``, ``alt_gr``, ``shift``, ``cmd``) and ``key``: one
    character (lower case) or a named key (``f5``, ``space``, ``page_down``)."""

    modifiers: frozenset[str]
    key: str

    @property
    def label(self) -> str:
        """As people write it: ``Ctrl+Alt+O``."""
        mods = [SHOWN[m] for m in ORDER if m in self.modifiers]
        key = self.key.upper() if len(self.key) == 1 else self.key.replace("_", " ").title()
        return "+".join([*mods, key])


def parse_hotkey(text: str) -> Hotkey:
    """``<ctrl>+<alt>+o`` as a :class:`Hotkey`; ValueError when it is not one."""
    modifiers: set[str] = set()
    keys: list[str] = []
    for part in text.lower().split("+"):
        name = part[1:-1] if part.startswith("<") and part.endswith(">") else part
        if part.startswith("<") and name in MODIFIER_NAMES:
            modifiers.add(MODIFIER_NAMES[name])
        elif len(part) == 1 or (part.startswith("<") and name in NAMED_KEYS):
            keys.append(name)
        else:
            raise ValueError(f"{part!r} is not a key")
    if len(keys) != 1 or not modifiers:
        raise ValueError("a hotkey is modifiers and one key")
    return Hotkey(frozenset(modifiers), keys[0])


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


# Named keys (pynput's names) as X keysym names; the other platforms map the same names.
NAMED_KEYS = {
    "space": "space",
    "tab": "Tab",
    "enter": "Return",
    "esc": "Escape",
    "backspace": "BackSpace",
    "delete": "Delete",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "page_up": "Prior",
    "page_down": "Next",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "pause": "Pause",
    "print_screen": "Print",
    "menu": "Menu",
    **{f"f{n}": f"F{n}" for n in range(1, 21)},
}
