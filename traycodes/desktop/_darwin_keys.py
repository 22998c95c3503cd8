"""macOS: global hotkeys through Carbon's ``RegisterEventHotKey`` (still how menu-bar apps
take a hotkey, and unlike an event tap it needs no accessibility permission and consumes
the keys). ``kEventHotKeyPressed`` events come to one handler on the application's event
target, which the menu bar's run loop dispatches; the hot key's id tells which binding.
``carbon`` is :class:`CarbonApi` (tests hand in a fake of the same calls)."""

from __future__ import annotations

import itertools
import threading
from typing import Any

from ._keys import Bindings, Hotkey, no_key, not_understood, refused, taken

CMD_KEY, SHIFT_KEY, OPTION_KEY, CONTROL_KEY = 0x100, 0x200, 0x800, 0x1000
MODIFIERS = {
    "cmd": CMD_KEY,
    "shift": SHIFT_KEY,
    "alt": OPTION_KEY,
    "alt_gr": OPTION_KEY,
    "ctrl": CONTROL_KEY,
}
EVENT_HOT_KEY_EXISTS = -9878  # eventHotKeyExistsErr: someone holds the combination
SIGNATURE = int.from_bytes(b"tcds", "big")  # our hot keys' OSType
NUMBERS = itertools.count(1)  # hot key ids, never reused: every handler hears every press
# Virtual key codes (kVK_ANSI_*: the key's place on an ANSI keyboard) and named keys.
KEY_CODES = {
    **dict(zip("asdfhgzxcv", (0, 1, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)),
    **dict(zip("bqweryt123465=97-8", range(0x0B, 0x1D), strict=True)),
    **dict(zip("0]ou[ip", range(0x1D, 0x24), strict=True)),
    **dict(zip("lj'k;\\,/nm.", range(0x25, 0x30), strict=True)),
    "`": 0x32,
    "enter": 0x24,
    "tab": 0x30,
    "space": 0x31,
    "backspace": 0x33,
    "esc": 0x35,
    "home": 0x73,
    "page_up": 0x74,
    "delete": 0x75,
    "end": 0x77,
    "page_down": 0x79,
    "left": 0x7B,
    "right": 0x7C,
    "down": 0x7D,
    "up": 0x7E,
    **dict(
        zip(
            (f"f{n}" for n in range(1, 13)),
            (0x7A, 0x78, 0x63, 0x76, 0x60, 0x61, 0x62, 0x64, 0x65, 0x6D, 0x67, 0x6F),
            strict=True,
        )
    ),
}


class CarbonShortcuts:
    """One ``RegisterEventHotKey`` per binding and one handler for them all."""

    def __init__(self, bindings: Bindings, carbon: Any = None) -> None:
        self.bindings = {text: action for text, action in bindings.items() if text}
        self._carbon = carbon
        self._lock = threading.Lock()
        self._refs: list[Any] = []
        self._actions: dict[int, Any] = {}
        self._handler: Any = None

    @property
    def carbon(self) -> Any:
        if self._carbon is None:  # pragma: no cover - real macOS only
            self._carbon = CarbonApi()
        return self._carbon

    def start(self) -> list[str]:
        problems: list[str] = []
        for text, action in self.bindings.items():
            try:
                hotkey = Hotkey.parse(text)
            except ValueError:
                problems.append(not_understood(text))
                continue
            key_code = KEY_CODES.get(hotkey.key)
            if key_code is None:
                problems.append(no_key(hotkey))
                continue
            modifiers = 0
            for name in hotkey.modifiers:
                modifiers |= MODIFIERS[name]
            number = next(NUMBERS)
            status, ref = self.carbon.register(key_code, modifiers, SIGNATURE, number)
            if status == EVENT_HOT_KEY_EXISTS:
                problems.append(taken(hotkey))
            elif status != 0:
                problems.append(refused(hotkey))
            else:
                self._refs.append(ref)
                self._actions[number] = action
        if self._refs:
            self._handler = self.carbon.install_handler(self._pressed)
        return problems

    def _pressed(self, signature: int, number: int) -> None:
        with self._lock:
            action = self._actions.get(number) if signature == SIGNATURE else None
        if action is not None:
            action()

    def stop(self) -> None:
        with self._lock:
            refs, self._refs, self._actions = self._refs, [], {}
            handler, self._handler = self._handler, None
        for ref in refs:
            self.carbon.unregister(ref)
        if handler is not None:
            self.carbon.remove_handler(handler)


class CarbonApi:  # pragma: no cover - real macOS only
    """The Carbon calls, through ctypes: ``register(key, modifiers, signature, id) ->
    (status, ref)``, ``unregister(ref)``, ``install_handler(pressed) -> handler``,
    ``remove_handler(handler)``; ``pressed(signature, id)`` runs on the main run loop."""

    EVENT_CLASS_KEYBOARD = int.from_bytes(b"keyb", "big")
    EVENT_HOT_KEY_PRESSED = 5
    PARAM_DIRECT_OBJECT = int.from_bytes(b"----", "big")
    TYPE_HOT_KEY_ID = int.from_bytes(b"hkid", "big")

    def __init__(self) -> None:
        import ctypes

        class HotKeyId(ctypes.Structure):
            _fields_ = [("signature", ctypes.c_uint32), ("id", ctypes.c_uint32)]

        class EventTypeSpec(ctypes.Structure):
            _fields_ = [("eventClass", ctypes.c_uint32), ("eventKind", ctypes.c_uint32)]

        self.ctypes, self.HotKeyId, self.EventTypeSpec = ctypes, HotKeyId, EventTypeSpec
        lib = ctypes.CDLL("/System/Library/Frameworks/Carbon.framework/Carbon")
        p, u32, i32 = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int32
        self.handler_type = ctypes.CFUNCTYPE(i32, p, p, p)
        declared = {
            "GetApplicationEventTarget": (p, []),
            "RegisterEventHotKey": (i32, [u32, u32, HotKeyId, p, u32, ctypes.POINTER(p)]),
            "UnregisterEventHotKey": (i32, [p]),
            "InstallEventHandler": (
                i32,
                [
                    p,
                    self.handler_type,
                    ctypes.c_size_t,
                    ctypes.POINTER(EventTypeSpec),
                    p,
                    ctypes.POINTER(p),
                ],
            ),
            "RemoveEventHandler": (i32, [p]),
            "GetEventParameter": (
                i32,
                [p, u32, u32, p, ctypes.c_size_t, p, ctypes.POINTER(HotKeyId)],
            ),
        }
        for name, (restype, argtypes) in declared.items():
            function = getattr(lib, name)
            function.restype, function.argtypes = restype, argtypes
        self.lib = lib
        self._callbacks: list[Any] = []  # kept alive while installed

    def register(self, key: int, modifiers: int, signature: int, number: int) -> tuple[int, Any]:
        ref = self.ctypes.c_void_p()
        target = self.lib.GetApplicationEventTarget()
        status = self.lib.RegisterEventHotKey(
            key, modifiers, self.HotKeyId(signature, number), target, 0, self.ctypes.byref(ref)
        )
        return int(status), ref

    def unregister(self, ref: Any) -> None:
        self.lib.UnregisterEventHotKey(ref)

    def install_handler(self, pressed: Any) -> Any:
        def handle(_call: Any, event: Any, _data: Any) -> int:
            hot_key = self.HotKeyId()
            self.lib.GetEventParameter(
                event,
                self.PARAM_DIRECT_OBJECT,
                self.TYPE_HOT_KEY_ID,
                None,
                self.ctypes.sizeof(hot_key),
                None,
                self.ctypes.byref(hot_key),
            )
            pressed(int(hot_key.signature), int(hot_key.id))
            return 0

        callback = self.handler_type(handle)
        self._callbacks.append(callback)
        spec = self.EventTypeSpec(self.EVENT_CLASS_KEYBOARD, self.EVENT_HOT_KEY_PRESSED)
        handler = self.ctypes.c_void_p()
        target = self.lib.GetApplicationEventTarget()
        self.lib.InstallEventHandler(
            target, callback, 1, self.ctypes.byref(spec), None, self.ctypes.byref(handler)
        )
        return handler

    def remove_handler(self, handler: Any) -> None:
        self.lib.RemoveEventHandler(handler)
