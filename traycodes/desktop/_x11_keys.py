"""X11: global hotkeys that take their keys, and typing that every window accepts.

The hotkeys are grabbed on the root window (``XGrabKey``), once for each combination of
the lock modifiers (Caps Lock, Num Lock, Scroll Lock), so the window in front never
receives them and they work whatever locks are on. A combination another program grabbed
first answers BadAccess: one clear problem, not a silent failure.

Keys are typed through XTEST, as xdotool does: the X server takes them as if from the
keyboard. ``XSendEvent`` (pynput's way for characters) marks events as synthetic, and
xterm with its default resources (``allowSendEvents: false``) drops them.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from typing import Any

from ..errors import TrayCodesError, quietly
from ..i18n import _
from ._keys import (
    NAMED_KEYS,
    Bindings,
    Hotkey,
    no_key,
    not_understood,
    taken,
)

log = logging.getLogger(__name__)

# The X keysym names of the modifier and lock keys, and of the keys traycodes presses by name.
MODIFIER_KEYSYMS = {
    "ctrl": "Control_L",
    "alt": "Alt_L",
    "alt_gr": "ISO_Level3_Shift",
    "shift": "Shift_L",
    "cmd": "Super_L",
}
PRESSED_NAMES = {
    **NAMED_KEYS,
    **MODIFIER_KEYSYMS,
    "ctrl_r": "Control_R",
    "alt_r": "Alt_R",
    "shift_r": "Shift_R",
    "cmd_r": "Super_R",
    "super": "Super_L",
}


def char_keysym(char: str) -> int:
    """The keysym of one character: Latin-1 keysyms are the code point, the rest
    0x1000000 plus it."""
    point = ord(char)
    return point if 0x20 <= point <= 0x7E or 0xA0 <= point <= 0xFF else 0x1000000 + point


def _keysym(name: str) -> int:
    from Xlib import XK

    return int(XK.string_to_keysym(name))


def connect(display_name: str | None, attempts: int = 3) -> Any:
    """A connection of our own to the X server. A connection reset while it is set up is
    tried again: Xvfb resets one now and then when another client has just closed."""
    from Xlib import display, error

    for attempt in range(1, attempts + 1):
        try:
            return display.Display(display_name)
        except error.ConnectionClosedError:
            if attempt == attempts:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def modifier_masks(display: Any) -> dict[str, int]:
    """Which modifier bit (``Mod1``...) each modifier and lock key sets on this server:
    ``ctrl``, ``shift``, ``alt``, ``cmd``, ``alt_gr``, ``num``, ``caps``, ``scroll``."""
    from Xlib import X

    masks = {"ctrl": X.ControlMask, "shift": X.ShiftMask, "caps": X.LockMask}
    bits = (X.Mod1Mask, X.Mod2Mask, X.Mod3Mask, X.Mod4Mask, X.Mod5Mask)
    wanted = {
        "alt": ("Alt_L", "Alt_R", "Meta_L"),
        "cmd": ("Super_L", "Super_R"),
        "alt_gr": ("ISO_Level3_Shift", "Mode_switch"),
        "num": ("Num_Lock",),
        "scroll": ("Scroll_Lock",),
    }
    mapping = display.get_modifier_mapping()
    for role, names in wanted.items():
        codes = {display.keysym_to_keycode(_keysym(name)) for name in names} - {0}
        for bit, keycodes in zip(bits, list(mapping)[3:], strict=False):
            if codes & set(keycodes):
                masks[role] = bit
                break
    masks.setdefault("alt", X.Mod1Mask)
    masks.setdefault("cmd", X.Mod4Mask)
    masks.setdefault("alt_gr", X.Mod5Mask)
    return masks


def lock_variants(masks: dict[str, int]) -> list[int]:
    """Every combination of the locks this server has (0 first)."""
    variants = [0]
    for lock in ("caps", "num", "scroll"):
        if lock in masks:
            variants += [v | masks[lock] for v in variants]
    return sorted(set(variants))


class X11Shortcuts:
    """Global hotkeys grabbed on the root window; ``start() -> problems``, ``stop()``.
    The actions run on a thread of this part's own (they only post to the app)."""

    def __init__(self, bindings: Bindings, display_name: str | None = None) -> None:
        self.bindings = {text: action for text, action in bindings.items() if text}
        self.display_name = display_name
        self._display: Any = None
        self._grabbed: dict[tuple[int, int], Any] = {}  # (keycode, modifiers) -> action
        self._variants: list[int] = [0]
        self._relevant = 0xFF
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None

    def start(self) -> list[str]:
        from Xlib import error

        try:
            self._display = connect(self.display_name)
        except Exception as exc:  # no X server to talk to
            return [f"global hotkeys are not available here ({type(exc).__name__})"]
        masks = modifier_masks(self._display)
        self._variants = lock_variants(masks)
        self._relevant = 0xFF & ~(masks["caps"] | masks.get("num", 0) | masks.get("scroll", 0))
        problems: list[str] = []
        for text, action in self.bindings.items():
            try:
                hotkey = Hotkey.parse(text)
            except ValueError:
                problems.append(not_understood(text))
                continue
            keycode = self._display.keysym_to_keycode(self._key_keysym(hotkey))
            if not keycode:
                problems.append(no_key(hotkey))
                continue
            modifiers = 0
            for name in hotkey.modifiers:
                modifiers |= masks[name]
            caught = error.CatchError(error.BadAccess)
            self._grab(keycode, modifiers, caught)
            if caught.get_error() is not None:
                self._ungrab(keycode, modifiers)
                problems.append(taken(hotkey))
                continue
            self._grabbed[(keycode, modifiers)] = action
        if self._grabbed:
            self._wake = os.pipe()
            self._thread = threading.Thread(target=self._listen, name="x11-hotkeys", daemon=True)
            self._thread.start()
        return problems

    @staticmethod
    def _key_keysym(hotkey: Hotkey) -> int:
        if len(hotkey.key) == 1:
            return char_keysym(hotkey.key)
        return _keysym(hotkey.keysym)

    def _grab(self, keycode: int, modifiers: int, caught: Any) -> None:
        from Xlib import X

        root = self._display.screen().root
        for lock in self._variants:
            root.grab_key(
                keycode, modifiers | lock, False, X.GrabModeAsync, X.GrabModeAsync, onerror=caught
            )
        self._display.sync()  # BadAccess arrives here

    def _ungrab(self, keycode: int, modifiers: int) -> None:
        root = self._display.screen().root
        for lock in self._variants:
            root.ungrab_key(keycode, modifiers | lock)
        self._display.sync()

    def _listen(self) -> None:
        from Xlib import X

        assert self._wake is not None
        released: tuple[int, int] = (0, -1)  # keycode, time: a release, then a press at the
        # same time, is the key repeating while held (one press is one request)
        while True:
            ready, _, _ = select.select([self._display.fileno(), self._wake[0]], [], [])
            if self._wake[0] in ready:
                return
            while self._display.pending_events():
                event = self._display.next_event()
                if event.type == X.KeyRelease:
                    released = (event.detail, event.time)
                elif event.type == X.KeyPress and released != (event.detail, event.time):
                    action = self._grabbed.get((event.detail, event.state & self._relevant))
                    if action is not None:
                        action()

    def stop(self) -> None:
        """Let go of every grab and close the connection (also when the hotkeys change)."""
        if self._thread is not None and self._wake is not None:
            os.write(self._wake[1], b"x")
            self._thread.join(2)
            for fd in self._wake:
                os.close(fd)
            self._thread, self._wake = None, None
        if self._display is not None:
            with quietly(log, "releasing the hotkeys' grabs"):
                for keycode, modifiers in self._grabbed:
                    self._ungrab(keycode, modifiers)
                self._display.close()
            self._display = None
        self._grabbed = {}


class XTestKeyboard:
    """Typing and pressing keys through the XTEST extension (``type(text, enter=)``,
    ``press(names)``). Every key is looked up before the first one goes out: a character
    this keyboard layout lacks types nothing at all."""

    name = "XTest"

    def __init__(self, display_name: str | None = None) -> None:
        self.display_name = display_name
        self._display: Any = None
        self._lock = threading.Lock()

    def _open(self) -> Any:
        if self._display is None:
            self._display = connect(self.display_name)
            if not self._display.has_extension("XTEST"):
                raise TrayCodesError("the X server has no XTEST extension: cannot type")
        return self._display

    def _stroke(self, keysym: int) -> tuple[int, bool] | None:
        """(keycode, needs Shift) for ``keysym``, or None when no key makes it."""
        codes = list(self._display.keysym_to_keycodes(keysym))
        for keycode, index in codes:
            if index == 0:
                return keycode, False
        for keycode, index in codes:
            if index == 1:
                return keycode, True
        return None

    def type(self, text: str, *, enter: bool = False) -> None:
        with self._lock:
            display = self._open()
            strokes = [self._stroke(char_keysym(char)) for char in text]
            if enter:
                strokes.append(self._stroke(_keysym("Return")))
            if any(stroke is None for stroke in strokes):
                raise TrayCodesError(
                    "Nothing typed: this keyboard layout has no key for a character of the code"
                )
            shift = display.keysym_to_keycode(_keysym("Shift_L"))
            for stroke in strokes:
                assert stroke is not None
                keycode, shifted = stroke
                keys = [shift, keycode] if shifted else [keycode]
                self._send(keys)
            display.sync()

    def press(self, hotkey: Hotkey) -> None:
        """Press a combination (``Ctrl+Shift+.``) and let it go."""
        names = hotkey.names
        with self._lock:
            display = self._open()
            keycodes = []
            for name in names:
                named = _keysym(PRESSED_NAMES.get(name, "")) if len(name) > 1 else 0
                keysym = char_keysym(name) if len(name) == 1 else named
                keycode = display.keysym_to_keycode(keysym) if keysym else 0
                if not keycode:
                    raise TrayCodesError(
                        _("traycodes cannot press the key {key}").format(key=repr(name))
                    )
                keycodes.append(keycode)
            self._send(keycodes)
            display.sync()

    def _send(self, keycodes: list[int]) -> None:
        from Xlib import X
        from Xlib.ext import xtest

        for keycode in keycodes:
            xtest.fake_input(self._display, X.KeyPress, keycode)
        for keycode in reversed(keycodes):
            xtest.fake_input(self._display, X.KeyRelease, keycode)

    def close(self) -> None:
        with self._lock, quietly(log, "closing the X connection"):
            if self._display is not None:
                self._display.close()
            self._display = None
