"""Windows: global hotkeys through ``RegisterHotKey``, which also keeps the keys from the
window in front. A combination another program registered first fails with
ERROR_HOTKEY_ALREADY_REGISTERED: one clear problem.

Hotkeys registered without a window belong to the thread that registered them, and
``WM_HOTKEY`` arrives in that thread's message queue: one thread registers, waits in
``GetMessageW`` and unregisters; ``stop`` posts it ``WM_QUIT``. ``api`` is
:class:`._win32.Win32Api` (tests hand in a recording fake of the same calls)."""

from __future__ import annotations

import threading
from typing import Any

from ._keys import Bindings, Hotkey, no_key, not_understood, refused, taken

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
MODIFIERS = {
    "ctrl": MOD_CONTROL,
    "alt": MOD_ALT,
    "shift": MOD_SHIFT,
    "cmd": MOD_WIN,
    "alt_gr": MOD_CONTROL | MOD_ALT,
}
WM_HOTKEY, WM_QUIT = 0x0312, 0x0012
Wanted = tuple[Hotkey, int, int, Any]  # the hotkey, its MOD_ flags, its virtual key, the action
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
VIRTUAL_KEYS = {
    "space": 0x20,
    "tab": 0x09,
    "enter": 0x0D,
    "esc": 0x1B,
    "backspace": 0x08,
    "delete": 0x2E,
    "insert": 0x2D,
    "home": 0x24,
    "end": 0x23,
    "page_up": 0x21,
    "page_down": 0x22,
    "left": 0x25,
    "up": 0x26,
    "right": 0x27,
    "down": 0x28,
    "pause": 0x13,
    "print_screen": 0x2C,
    "menu": 0x5D,
    **{f"f{n}": 0x6F + n for n in range(1, 21)},
}


def virtual_key(api: Any, key: str) -> int:
    """The virtual-key code of ``key`` (0: none on this keyboard layout)."""
    if key in VIRTUAL_KEYS:
        return VIRTUAL_KEYS[key]
    if key.isascii() and key.isalnum():
        return ord(key.upper())  # VK_0..VK_9 and VK_A..VK_Z are their characters
    found = int(api.user32.VkKeyScanW(key))  # low byte: the key; -1 when there is none
    return 0 if found == -1 or found & 0xFF == 0xFF else found & 0xFF


class Win32Shortcuts:
    """``RegisterHotKey`` for each binding on a thread of its own; ``start() -> problems``."""

    def __init__(self, bindings: Bindings, api: Any = None) -> None:
        self.bindings = {text: action for text, action in bindings.items() if text}
        self._api = api
        self._thread: threading.Thread | None = None
        self._thread_id = 0

    @property
    def api(self) -> Any:
        if self._api is None:  # pragma: no cover - real Windows only
            from ._win32 import Win32Api

            self._api = Win32Api()
        return self._api

    def start(self) -> list[str]:
        problems: list[str] = []
        wanted: list[Wanted] = []
        for text, action in self.bindings.items():
            try:
                hotkey = Hotkey.parse(text)
            except ValueError:
                problems.append(not_understood(text))
                continue
            vk = virtual_key(self.api, hotkey.key)
            if not vk:
                problems.append(no_key(hotkey))
                continue
            modifiers = MOD_NOREPEAT
            for name in hotkey.modifiers:
                modifiers |= MODIFIERS[name]
            wanted.append((hotkey, modifiers, vk, action))
        if not wanted:
            return problems
        registered = threading.Event()
        refusals: list[str] = []
        self._thread = threading.Thread(
            target=self._run, args=(wanted, refusals, registered), name="hotkeys", daemon=True
        )
        self._thread.start()
        registered.wait(5)
        return problems + refusals

    def _run(self, wanted: list[Wanted], refusals: list[str], done: threading.Event) -> None:
        import ctypes
        from ctypes import wintypes

        user32 = self.api.user32
        self._thread_id = int(self.api.kernel32.GetCurrentThreadId())
        actions: dict[int, Any] = {}
        for number, (hotkey, modifiers, vk, action) in enumerate(wanted, start=1):
            if user32.RegisterHotKey(None, number, modifiers, vk):
                actions[number] = action
            elif self.api.last_error() == ERROR_HOTKEY_ALREADY_REGISTERED:
                refusals.append(taken(hotkey))
            else:
                refusals.append(refused(hotkey))
        done.set()
        message = wintypes.MSG()
        try:
            while user32.GetMessageW(ctypes.byref(message), None, 0, 0) > 0:
                if message.message == WM_HOTKEY and message.wParam in actions:
                    actions[message.wParam]()
        finally:
            for number in actions:
                user32.UnregisterHotKey(None, number)

    def stop(self) -> None:
        """``WM_QUIT`` to the hotkeys' thread, which unregisters them as it ends."""
        if self._thread is None:
            return
        self.api.user32.PostThreadMessageW(self._thread_id, WM_QUIT, 0, 0)
        self._thread.join(2)
        self._thread = None
