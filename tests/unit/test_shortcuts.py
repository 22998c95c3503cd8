"""The GlobalShortcuts contract on Windows (RegisterHotKey) and macOS (Carbon's
RegisterEventHotKey), each over a fake of the OS calls that answers as the OS does; the
hotkeys start on every OS, whether or not the window in front can be read."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

import pytest

from tests.contract.shortcuts_contract import OTHER, PICK, TYPE, GlobalShortcutsContract
from traycodes.desktop import _darwin_keys, _win32_keys
from traycodes.keys import Hotkey

# The combinations as each OS numbers them, written out here rather than taken from the
# code under test: Ctrl+Alt (MOD_CONTROL | MOD_ALT; controlKey | optionKey) and the key.
WIN32_KEYS = {TYPE: (0x3, 0x4F), PICK: (0x3, 0x50), OTHER: (0x3, 0x4B)}
CARBON_KEYS = {TYPE: (0x1F, 0x1800), PICK: (0x23, 0x1800), OTHER: (0x28, 0x1800)}


class FakeWin32:
    """``user32``/``kernel32`` as Windows answers: one system-wide table of registered hot
    keys (another program's too), a message queue per thread; every call recorded."""

    ANOTHER_PROGRAM = -1

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, tuple[Any, ...]]] = []  # name, thread, arguments
        self.held: dict[tuple[int, int], tuple[int, int]] = {}  # (mods, vk) -> thread, id
        self.queues: dict[int, queue.SimpleQueue[tuple[int, int]]] = {}
        self.user32 = self.kernel32 = self
        self._error = threading.local()
        self._lock = threading.Lock()

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, threading.get_ident(), args))

    def GetCurrentThreadId(self) -> int:
        self._record("GetCurrentThreadId")
        self.queues.setdefault(threading.get_ident(), queue.SimpleQueue())
        return threading.get_ident()

    def RegisterHotKey(self, window: Any, number: int, modifiers: int, vk: int) -> int:
        self._record("RegisterHotKey", window, number, modifiers, vk)
        with self._lock:
            combination = (modifiers & ~_win32_keys.MOD_NOREPEAT, vk)
            if combination in self.held:
                self._error.code = _win32_keys.ERROR_HOTKEY_ALREADY_REGISTERED
                return 0
            self.held[combination] = (threading.get_ident(), number)
            return 1

    def UnregisterHotKey(self, window: Any, number: int) -> int:
        self._record("UnregisterHotKey", window, number)
        with self._lock:
            mine = [c for c, owner in self.held.items() if owner == (threading.get_ident(), number)]
            for combination in mine:
                del self.held[combination]
            return 1 if mine else 0

    def GetMessageW(self, message: Any, window: Any, low: int, high: int) -> int:
        self._record("GetMessageW", window, low, high)
        kind, parameter = self.queues[threading.get_ident()].get()
        message._obj.message, message._obj.wParam = kind, parameter
        return 0 if kind == _win32_keys.WM_QUIT else 1

    def PostThreadMessageW(self, thread: int, kind: int, w: int, l: int) -> int:  # noqa: E741
        self._record("PostThreadMessageW", thread, kind, w, l)
        self.queues[thread].put((kind, w))
        return 1

    def VkKeyScanW(self, char: str) -> int:
        self._record("VkKeyScanW", char)
        return {",": 0xBC, ".": 0xBE}.get(char, -1)

    def last_error(self) -> int:
        return int(getattr(self._error, "code", 0))

    # what a person and another program do
    def press(self, modifiers: int, vk: int) -> None:
        owner = self.held.get((modifiers, vk))
        if owner is not None and owner[0] != self.ANOTHER_PROGRAM:
            self.queues[owner[0]].put((_win32_keys.WM_HOTKEY, owner[1]))


class Win32Rig:
    def __init__(self) -> None:
        self.api = FakeWin32()

    def make(self, bindings: dict[str, Callable[[], None]]) -> Any:
        return _win32_keys.Win32Shortcuts(bindings, api=self.api)

    def press(self, hotkey: str) -> None:
        self.api.press(*WIN32_KEYS[hotkey])

    def take(self, hotkey: str) -> Callable[[], None]:
        combination = WIN32_KEYS[hotkey]
        self.api.held[combination] = (FakeWin32.ANOTHER_PROGRAM, 1)
        return lambda: self.api.held.pop(combination, None) and None


class TestWin32Shortcuts(GlobalShortcutsContract):
    @pytest.fixture
    def rig(self) -> Win32Rig:
        return Win32Rig()


def test_windows_registers_on_its_own_thread_and_unregisters_there() -> None:
    """Hot keys belong to the thread that registered them: each is registered without
    repeats (MOD_NOREPEAT) and unregistered by that same thread when stopped."""
    rig = Win32Rig()
    shortcuts = rig.make({TYPE: lambda: None, "<ctrl>+<shift>+.": lambda: None})
    assert shortcuts.start() == []
    shortcuts.stop()
    registered = [(t, a) for name, t, a in rig.api.calls if name == "RegisterHotKey"]
    assert [a[2:] for _, a in registered] == [(0x4003, 0x4F), (0x4006, 0xBE)]
    gone = [(t, a[1]) for name, t, a in rig.api.calls if name == "UnregisterHotKey"]
    assert sorted(gone) == sorted((t, a[1]) for t, a in registered)
    assert {t for t, _ in registered} != {threading.get_ident()}
    assert rig.api.held == {}


class FakeCarbon:
    """Carbon's hot keys as macOS answers: a combination registered anywhere (another
    app's too) refuses a second with eventHotKeyExistsErr; presses reach the handlers
    installed on the application's target."""

    def __init__(self) -> None:
        self.held: dict[tuple[int, int], tuple[int, int, object]] = {}
        self.handlers: list[Callable[[int, int], None]] = []
        self.calls: list[str] = []

    def register(self, key: int, modifiers: int, signature: int, number: int) -> tuple[int, Any]:
        self.calls.append("RegisterEventHotKey")
        if (key, modifiers) in self.held:
            return _darwin_keys.EVENT_HOT_KEY_EXISTS, None
        ref = object()
        self.held[(key, modifiers)] = (signature, number, ref)
        return 0, ref

    def unregister(self, ref: Any) -> None:
        self.calls.append("UnregisterEventHotKey")
        for combination, (_, _, held) in list(self.held.items()):
            if held is ref:
                del self.held[combination]

    def install_handler(self, pressed: Callable[[int, int], None]) -> Any:
        self.calls.append("InstallEventHandler")
        self.handlers.append(pressed)
        return pressed

    def remove_handler(self, handler: Any) -> None:
        self.calls.append("RemoveEventHandler")
        self.handlers.remove(handler)

    def press(self, key: int, modifiers: int) -> None:
        if (key, modifiers) in self.held:
            signature, number, _ = self.held[(key, modifiers)]
            for handler in list(self.handlers):
                handler(signature, number)


class CarbonRig:
    def __init__(self) -> None:
        self.carbon = FakeCarbon()

    def make(self, bindings: dict[str, Callable[[], None]]) -> Any:
        return _darwin_keys.CarbonShortcuts(bindings, carbon=self.carbon)

    def press(self, hotkey: str) -> None:
        self.carbon.press(*CARBON_KEYS[hotkey])

    def take(self, hotkey: str) -> Callable[[], None]:
        combination = CARBON_KEYS[hotkey]
        self.carbon.held[combination] = (int.from_bytes(b"othr", "big"), 1, object())
        return lambda: self.carbon.held.pop(combination, None) and None


class TestCarbonShortcuts(GlobalShortcutsContract):
    @pytest.fixture
    def rig(self) -> CarbonRig:
        return CarbonRig()


def test_macos_stop_removes_what_start_installed() -> None:
    rig = CarbonRig()
    shortcuts = rig.make({TYPE: lambda: None, PICK: lambda: None})
    assert shortcuts.start() == []
    shortcuts.stop()
    assert rig.carbon.held == {} and rig.carbon.handlers == []
    assert rig.carbon.calls.count("RegisterEventHotKey") == 2
    assert rig.carbon.calls.count("UnregisterEventHotKey") == 2


def test_hotkeys_are_read_and_named_as_people_write_them() -> None:
    assert Hotkey.parse("<ctrl>+<alt>+o").label == "Ctrl+Alt+O"
    assert Hotkey.parse("<shift>+<cmd>+<page_down>").label == "Shift+Super+Page Down"
    for wrong in ("o", "<ctrl>+<alt>", "<ctrl>+ab", "<ctrl>+<nonsense>+o", "<ctrl>+o+p"):
        with pytest.raises(ValueError):
            Hotkey.parse(wrong)


def test_an_x_connection_reset_while_it_is_set_up_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Xvfb resets a new connection now and then right after another client closed one
    (about 2 in 100 here): the hotkeys then started with no grab at all."""
    from Xlib import display, error

    from traycodes.desktop._x11_keys import connect

    opened = object()
    answers: list[Any] = [error.ConnectionClosedError("server"), opened]

    def flaky(name: str | None = None) -> Any:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(display, "Display", flaky)
    assert connect(":0") is opened
    answers[:] = [error.ConnectionClosedError("server")] * 3
    with pytest.raises(error.ConnectionClosedError):
        connect(":0")
