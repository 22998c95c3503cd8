"""A hotkey read once into a :class:`Hotkey` value, and every way the desktops write it.

The settings' form is pynput's: modifiers and one key joined by ``+`` (``<ctrl>+<alt>+o``),
at least one modifier so that typing never sets it off. A browser writes its shortcuts
otherwise (``Alt+Shift+O``): :meth:`Hotkey.from_browser`. Pure: no imports from traycodes.
"""

from __future__ import annotations

from dataclasses import dataclass

# pynput's modifier names -> the one name a Hotkey keeps.
MODIFIER_NAMES = {
    "ctrl": "ctrl", "ctrl_l": "ctrl", "ctrl_r": "ctrl",
    "alt": "alt", "alt_l": "alt", "alt_r": "alt", "alt_gr": "alt_gr",
    "shift": "shift", "shift_l": "shift", "shift_r": "shift",
    "cmd": "cmd", "cmd_l": "cmd", "cmd_r": "cmd", "super": "cmd",
}  # fmt: skip
ORDER = ("ctrl", "alt", "alt_gr", "shift", "cmd")
SHOWN = {"ctrl": "Ctrl", "alt": "Alt", "alt_gr": "AltGr", "shift": "Shift", "cmd": "Super"}

# Named keys (pynput's names) as X keysym names; the other platforms map the same names.
NAMED_KEYS = {
    "space": "space", "tab": "Tab", "enter": "Return", "esc": "Escape",
    "backspace": "BackSpace", "delete": "Delete", "insert": "Insert", "home": "Home",
    "end": "End", "page_up": "Prior", "page_down": "Next", "up": "Up", "down": "Down",
    "left": "Left", "right": "Right", "pause": "Pause", "print_screen": "Print",
    "menu": "Menu", **{f"f{n}": f"F{n}" for n in range(1, 21)},
}  # fmt: skip

# Printable ASCII that is not a letter or digit, as X (and XKB, so sway) names the keysym.
PUNCTUATION_KEYSYMS = {
    "!": "exclam", '"': "quotedbl", "#": "numbersign", "$": "dollar", "%": "percent",
    "&": "ampersand", "'": "apostrophe", "(": "parenleft", ")": "parenright",
    "*": "asterisk", ",": "comma", "-": "minus", ".": "period", "/": "slash",
    ":": "colon", ";": "semicolon", "<": "less", "=": "equal", ">": "greater",
    "?": "question", "@": "at", "[": "bracketleft", "\\": "backslash",
    "]": "bracketright", "^": "asciicircum", "_": "underscore", "`": "grave",
    "{": "braceleft", "|": "bar", "}": "braceright", "~": "asciitilde",
}  # fmt: skip

# The browsers' names for keys (chrome.commands) that pynput spells otherwise; the rest
# (letters, digits, F1-F12, Home, End, Insert, Delete, Space, the arrows) it spells alike.
BROWSER_NAMES = {
    "command": "cmd", "macctrl": "ctrl", "comma": ",", "period": ".",
    "pageup": "page_up", "pagedown": "page_down",
}  # fmt: skip


@dataclass(frozen=True)
class Hotkey:
    """``modifiers`` (``ctrl``, ``alt``, ``alt_gr``, ``shift``, ``cmd``) and ``key``: one
    character (lower case) or a named key (``f5``, ``space``, ``page_down``)."""

    modifiers: frozenset[str]
    key: str

    @classmethod
    def parse(cls, text: str) -> Hotkey:
        """``<ctrl>+<alt>+o`` as a Hotkey; ValueError with one line saying what is wrong."""
        parts = text.lower().split("+")
        held = [
            p for p in parts if p.startswith("<") and p.endswith(">") and p[1:-1] in MODIFIER_NAMES
        ]
        others = [p for p in parts if p not in held]
        if not held:
            raise ValueError("needs a modifier such as <ctrl> or <alt>")
        if len(others) != 1:
            raise ValueError("needs exactly one key besides the modifiers")
        key = others[0]
        if len(key) == 1 and key.isprintable() and key != " ":
            name = key
        elif key.startswith("<") and key.endswith(">") and key[1:-1] in NAMED_KEYS:
            name = key[1:-1]
        else:
            raise ValueError(
                f"'{key}' is not a key (use one character, or a name such as <f5> or <space>)"
            )
        return cls(frozenset(MODIFIER_NAMES[p[1:-1]] for p in held), name)

    @classmethod
    def of_names(cls, names: list[str]) -> Hotkey:
        """pynput's names, modifiers and one key (``["ctrl", "shift", "o"]``), as a keyboard
        presses them: the key is not checked (a keyboard that has not got it says so), and
        no modifier is needed. ValueError unless exactly one name is not a modifier."""
        held = [name for name in names if name in MODIFIER_NAMES]
        others = [name for name in names if name not in MODIFIER_NAMES]
        if len(others) != 1:
            raise ValueError("needs exactly one key besides the modifiers")
        return cls(frozenset(MODIFIER_NAMES[name] for name in held), others[0])

    @classmethod
    def from_browser(cls, shortcut: str) -> Hotkey:
        """A browser's shortcut text (``Alt+Shift+O``, ``Ctrl+Shift+Comma``); ValueError when
        it is not one."""
        names = browser_names(shortcut)
        return cls.parse("+".join(f"<{n}>" if len(n) > 1 else n for n in names))

    def _held(self) -> list[str]:
        return [m for m in ORDER if m in self.modifiers]

    @property
    def text(self) -> str:
        """The settings' (pynput's) form: ``<ctrl>+<alt>+o``."""
        key = self.key if len(self.key) == 1 else f"<{self.key}>"
        return "+".join([*(f"<{m}>" for m in self._held()), key])

    @property
    def names(self) -> list[str]:
        """pynput's key names, modifiers first (``["ctrl", "alt", "o"]``): what a keyboard's
        ``press`` takes."""
        return [*self._held(), self.key]

    @property
    def label(self) -> str:
        """As people write it: ``Ctrl+Alt+O``."""
        key = self.key.upper() if len(self.key) == 1 else self.key.replace("_", " ").title()
        return "+".join([*(SHOWN[m] for m in self._held()), key])

    @property
    def keysym(self) -> str:
        """The key's X (XKB) keysym name: ``o``, ``comma``, ``F5``, ``Next``."""
        return keysym_name(self.key)

    @property
    def sway(self) -> str:
        """A sway ``bindsym`` combination: ``Ctrl+Alt+comma``."""
        mods = {"ctrl": "Ctrl", "alt": "Alt", "alt_gr": "Mod5", "shift": "Shift", "cmd": "Mod4"}
        return "+".join([*(mods[m] for m in self._held()), self.keysym])

    @property
    def xdg(self) -> str:
        """The preferred trigger the GlobalShortcuts portal takes (the XDG shortcuts spec:
        xkbcommon's modifier and keysym names): ``CTRL+ALT+o``, ``CTRL+ALT+comma``."""
        mods = {"ctrl": "CTRL", "alt": "ALT", "alt_gr": "ALT_GR", "shift": "SHIFT", "cmd": "LOGO"}
        return "+".join([*(mods[m] for m in self._held()), self.keysym])

    @property
    def hyprland(self) -> tuple[str, str]:
        """Hyprland's ``bind = MODS, KEY``: (``CTRL ALT``, ``O``)."""
        mods = {"ctrl": "CTRL", "alt": "ALT", "alt_gr": "ALT_GR", "shift": "SHIFT", "cmd": "SUPER"}
        return " ".join(mods[m] for m in self._held()), self.key.upper()

    @property
    def gnome(self) -> str:
        """A GNOME (GTK accelerator) binding: ``<Control><Alt>o``."""
        mods = {
            "ctrl": "<Control>", "alt": "<Alt>", "alt_gr": "alt_gr",
            "shift": "<Shift>", "cmd": "<Super>",
        }  # fmt: skip
        return "".join(mods[m] for m in self._held()) + self.key

    @property
    def kde(self) -> str:
        """KDE's shortcut text: ``Ctrl+Alt+O``."""
        mods = {"ctrl": "Ctrl", "alt": "Alt", "alt_gr": "alt_gr", "shift": "Shift", "cmd": "Meta"}
        return "+".join([*(mods[m] for m in self._held()), self.key.upper()])


def pressed(shortcut: str) -> Hotkey:
    """A browser's shortcut text as the combination a keyboard presses (``Ctrl+Shift+Comma``
    -> Ctrl+Shift+,): a key no keyboard has stays, for the keyboard to name. ValueError
    when it is not modifiers and one key."""
    return Hotkey.of_names(browser_names(shortcut))


def browser_names(shortcut: str) -> list[str]:
    """A browser's shortcut text as pynput key names, as written (``Ctrl+Shift+Comma`` ->
    ``["ctrl", "shift", ","]``): a key no keyboard has stays, for the keyboard to name."""
    parts = [part.strip().lower() for part in shortcut.split("+")]
    return [BROWSER_NAMES.get(part, part) for part in parts if part]


def keysym_name(key: str) -> str:
    """A key's X (XKB) keysym name from pynput's (``","`` -> ``comma``, ``page_down`` ->
    ``Next``); KeyError for a name no key has."""
    if len(key) > 1:
        return NAMED_KEYS[key]
    if key in PUNCTUATION_KEYSYMS:
        return PUNCTUATION_KEYSYMS[key]
    return key if key.isascii() else f"U{ord(key):04X}"
