"""A recording fake of the Win32 DLL functions traycodes calls (``ctypes.WinDLL`` stands in
for ``user32``, ``kernel32``, ``advapi32``), answering as Windows does for a desktop with
windows in it: the foreground window, window titles and their processes, the keyboard's
state, ``SendInput`` typing into the window in front, ``RegisterHotKey`` with a message
queue per thread. The code under test runs its real ctypes declarations and buffers."""

from __future__ import annotations

import ctypes
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from traycodes.desktop import _win32_keys

VK_SHIFT, VK_CONTROL, VK_MENU, VK_LWIN = 0x10, 0x11, 0x12, 0x5B
MODIFIER_VKS = {VK_SHIFT: "shift", VK_CONTROL: "ctrl", VK_MENU: "alt", VK_LWIN: "cmd"}
ANOTHER_PROGRAM = -1


@dataclass
class FakeWindow:
    title: str
    image: str  # the process's executable, as QueryFullProcessImageNameW gives it
    pid: int
    text: str = ""  # what was typed into it
    combinations: list[frozenset[str]] = field(default_factory=list)  # pressed with Ctrl/Alt


class FakeFunction:
    """One DLL export: ``restype``/``argtypes`` may be declared; calls are recorded."""

    def __init__(self, system: FakeWindows, dll: str, name: str) -> None:
        self.system, self.dll, self.name = system, dll, name
        self.restype: Any = None
        self.argtypes: Any = None

    def __call__(self, *args: Any) -> Any:
        self.system.calls.append((self.name, args))
        answer = getattr(self.system, self.name, None)
        if answer is None:
            raise AssertionError(f"{self.dll}.{self.name} was called: the fake has no answer")
        return answer(*args)


class FakeDll:
    def __init__(self, system: FakeWindows, name: str) -> None:
        self._system, self._name = system, name
        self._functions: dict[str, FakeFunction] = {}

    def __getattr__(self, name: str) -> FakeFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._functions.setdefault(name, FakeFunction(self._system, self._name, name))


class FakeWindows:
    """The desktop and the Win32 calls over it; ``load`` stands in for ``ctypes.WinDLL``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.windows: dict[int, FakeWindow] = {}
        self.foreground = 0
        self.keys_held: set[int] = set()  # what the person holds (GetAsyncKeyState)
        self.hotkeys: dict[tuple[int, int], tuple[int, int]] = {}  # (mods, vk) -> thread, id
        self.queues: dict[int, queue.SimpleQueue[tuple[int, int]]] = {}
        self.dlls = {name: FakeDll(self, name) for name in ("user32", "kernel32", "advapi32")}
        self.blocked = False  # the window in front runs elevated: SendInput is refused
        self._error = threading.local()
        self._lock = threading.Lock()
        self._down: set[int] = set()  # keys that SendInput holds down
        self._units: list[int] = []  # UTF-16 units typed, waiting for a surrogate's pair
        self._handles = iter(range(0x10010, 0x7FFFFFFF, 0x10))
        self.clipboard: dict[int, bytes] = {}  # format -> the data
        self.clipboard_sequence = 1
        self.clipboard_formats: dict[str, int] = {}
        self.memory: dict[int, bytes] = {}  # GlobalAlloc'd blocks (a handle is its pointer)
        self._clipboard_open = False

    def load(self, name: str, use_last_error: bool = False) -> FakeDll:
        return self.dlls[name]

    def last_error(self) -> int:
        return int(getattr(self._error, "code", 0))

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [args for called, args in self.calls if called == name]

    # -- what a person does ---------------------------------------------------------------

    def open_window(self, title: str, image: str, pid: int) -> int:
        """A window comes to front; its handle."""
        handle = next(self._handles)
        self.windows[handle] = FakeWindow(title, image, pid)
        self.foreground = handle
        return handle

    def press_hotkey(self, modifiers: int, vk: int) -> None:
        owner = self.hotkeys.get((modifiers, vk))
        if owner is not None and owner[0] != ANOTHER_PROGRAM:
            self.queues[owner[0]].put((_win32_keys.WM_HOTKEY, owner[1]))

    def in_front(self) -> FakeWindow:
        return self.windows[self.foreground]

    # -- user32: windows and keys ---------------------------------------------------------

    def GetForegroundWindow(self) -> int:
        return self.foreground

    def GetWindowTextLengthW(self, handle: int) -> int:
        return len(self.windows[handle].title) if handle in self.windows else 0

    def GetWindowTextW(self, handle: int, buffer: Any, size: int) -> int:
        title = self.windows[handle].title[: size - 1] if handle in self.windows else ""
        buffer.value = title
        return len(title)

    def GetWindowThreadProcessId(self, handle: int, pid: Any) -> int:
        pid._obj.value = self.windows[handle].pid if handle in self.windows else 0
        return 1

    def SetForegroundWindow(self, handle: int) -> int:
        if handle not in self.windows:
            return 0
        self.foreground = handle
        return 1

    def GetAsyncKeyState(self, vk: int) -> int:
        return -0x8000 if vk in self.keys_held else 0  # the high bit: a SHORT's sign

    def VkKeyScanW(self, char: str) -> int:
        return {",": 0xBC, ".": 0xBE}.get(char, -1)

    def SendInput(self, count: int, inputs: Any, size: int) -> int:
        from traycodes.desktop import _win32_input

        assert size == ctypes.sizeof(_win32_input.INPUT)
        if self.blocked:
            return 0
        for event in list(inputs)[:count]:
            assert event.type == _win32_input.INPUT_KEYBOARD
            self._key(event.u.ki)
        return count

    def _key(self, ki: Any) -> None:
        from traycodes.desktop import _win32_input

        up = bool(ki.dwFlags & _win32_input.KEYEVENTF_KEYUP)
        if ki.dwFlags & _win32_input.KEYEVENTF_UNICODE:
            if not up:
                self._units.append(ki.wScan)
                raw = b"".join(unit.to_bytes(2, "little") for unit in self._units)
                try:
                    text = raw.decode("utf-16-le")
                except UnicodeDecodeError:
                    return  # the first half of a pair: wait for the second
                self._units.clear()
                self.in_front().text += text
            return
        if up:
            self._down.discard(ki.wVk)
            return
        self._down.add(ki.wVk)
        if ki.wVk in MODIFIER_VKS:
            return
        held = {MODIFIER_VKS[vk] for vk in self._down | self.keys_held if vk in MODIFIER_VKS}
        char = "\n" if ki.wVk == 0x0D else chr(ki.wVk).lower()
        if held & {"ctrl", "alt", "cmd"}:
            self.in_front().combinations.append(frozenset(held | {char}))
        else:
            self.in_front().text += char.upper() if "shift" in held else char

    # -- user32: hot keys and their messages ----------------------------------------------

    def RegisterHotKey(self, window: Any, number: int, modifiers: int, vk: int) -> int:
        with self._lock:
            combination = (modifiers & ~_win32_keys.MOD_NOREPEAT, vk)
            if combination in self.hotkeys:
                self._error.code = _win32_keys.ERROR_HOTKEY_ALREADY_REGISTERED
                return 0
            self.hotkeys[combination] = (threading.get_ident(), number)
            return 1

    def UnregisterHotKey(self, window: Any, number: int) -> int:
        with self._lock:
            me = (threading.get_ident(), number)
            mine = [c for c, owner in self.hotkeys.items() if owner == me]
            for combination in mine:
                del self.hotkeys[combination]
            return 1 if mine else 0

    def GetMessageW(self, message: Any, window: Any, low: int, high: int) -> int:
        kind, parameter = self.queues[threading.get_ident()].get()
        message._obj.message, message._obj.wParam = kind, parameter
        return 0 if kind == _win32_keys.WM_QUIT else 1

    def PostThreadMessageW(self, thread: int, kind: int, w: int, lparam: int) -> int:
        self.queues[thread].put((kind, w))
        return 1

    # -- user32: the clipboard -----------------------------------------------------------

    def another_program_copies(self, text: str) -> None:
        self.clipboard = {13: (text + "\0").encode("utf-16-le")}
        self.clipboard_sequence += 1

    def clipboard_text(self) -> str:
        return self.clipboard.get(13, b"").decode("utf-16-le").rstrip("\0")

    def OpenClipboard(self, owner: Any) -> int:
        if self._clipboard_open:
            return 0
        self._clipboard_open = True
        return 1

    def CloseClipboard(self) -> int:
        self._clipboard_open = False
        return 1

    def EmptyClipboard(self) -> int:
        assert self._clipboard_open
        self.clipboard = {}
        self.clipboard_sequence += 1
        return 1

    def SetClipboardData(self, kind: int, handle: int) -> int:
        assert self._clipboard_open
        self.clipboard[kind] = self.memory.pop(handle)  # the clipboard owns it now
        self.clipboard_sequence += 1
        return handle

    def RegisterClipboardFormatW(self, name: str) -> int:
        return self.clipboard_formats.setdefault(name, 0xC000 + len(self.clipboard_formats))

    def GetClipboardSequenceNumber(self) -> int:
        return self.clipboard_sequence

    # -- kernel32 -------------------------------------------------------------------------

    def GlobalAlloc(self, flags: int, size: int) -> int:
        handle = next(self._handles)
        self.memory[handle] = bytes(size)
        return handle

    def GlobalLock(self, handle: int) -> int:
        return handle

    def GlobalUnlock(self, handle: int) -> int:
        return 1

    def GlobalFree(self, handle: int) -> int:
        self.memory.pop(handle)
        return 0

    def RtlMoveMemory(self, destination: int, source: bytes, size: int) -> None:
        assert len(self.memory[destination]) == size
        self.memory[destination] = bytes(source[:size])

    def GetCurrentThreadId(self) -> int:
        self.queues.setdefault(threading.get_ident(), queue.SimpleQueue())
        return threading.get_ident()

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        return pid if any(w.pid == pid for w in self.windows.values()) else 0

    def QueryFullProcessImageNameW(self, process: int, flags: int, buffer: Any, size: Any) -> int:
        image = next(w.image for w in self.windows.values() if w.pid == process)
        buffer.value = image
        size._obj.value = len(image)
        return 1

    def CloseHandle(self, handle: int) -> int:
        return 1


def install(system: FakeWindows, patch: Callable[..., None]) -> None:
    """Make ``ctypes.WinDLL`` and ``ctypes.get_last_error`` those of ``system``
    (``patch``: ``monkeypatch.setattr``)."""
    import ctypes

    patch(ctypes, "WinDLL", system.load, raising=False)
    patch(ctypes, "get_last_error", system.last_error, raising=False)
