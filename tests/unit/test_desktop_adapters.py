"""Per-OS adapters that cannot run here (Windows, macOS), against fakes; and the XDG
pieces that need no desktop."""

from __future__ import annotations

import plistlib
import shlex
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from traycodes.app.clipboard import TokenClipboard
from traycodes.desktop import DesktopError
from traycodes.desktop._darwin import CONCEALED_TYPE, LaunchAgentAutostart, PasteboardClipboard
from traycodes.desktop._win32 import EXCLUDE_FORMATS, RUN_KEY, RunKeyAutostart, Win32Clipboard
from traycodes.desktop._xdg import XdgAutostart, desktop_entry, parse_exec

COMMAND = ["/opt/my apps/python3", "-m", "traycodes", "--vault", "/home/me/Sync/vault 1.tcv"]


# --- Windows registry ------------------------------------------------------------------------


class FakeKey:
    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __enter__(self) -> FakeKey:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class FakeRegistry:
    """The parts of ``winreg`` that RunKeyAutostart uses, over a dict."""

    HKEY_CURRENT_USER = "HKCU"
    KEY_SET_VALUE = 2
    REG_SZ = 1

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], dict[str, Any]] = {}

    def CreateKey(self, root: str, path: str) -> FakeKey:
        return FakeKey(self.keys.setdefault((root, path), {}))

    def OpenKey(self, root: str, path: str, reserved: int = 0, access: int = 0) -> FakeKey:
        if (root, path) not in self.keys:
            raise FileNotFoundError(path)
        return FakeKey(self.keys[(root, path)])

    def SetValueEx(self, key: FakeKey, name: str, reserved: int, kind: int, value: str) -> None:
        key.values[name] = (kind, value)

    def QueryValueEx(self, key: FakeKey, name: str) -> tuple[str, int]:
        if name not in key.values:
            raise FileNotFoundError(name)
        kind, value = key.values[name]
        return value, kind

    def DeleteValue(self, key: FakeKey, name: str) -> None:
        if name not in key.values:
            raise FileNotFoundError(name)
        del key.values[name]


def test_windows_run_key() -> None:
    registry = FakeRegistry()
    autostart = RunKeyAutostart(registry)
    assert not autostart.enabled()
    autostart.disable()  # quiet when off
    autostart.enable(COMMAND)
    assert autostart.enabled()
    kind, value = registry.keys[("HKCU", RUN_KEY)]["traycodes"]
    assert kind == registry.REG_SZ
    assert value == '"/opt/my apps/python3" -m traycodes --vault "/home/me/Sync/vault 1.tcv"'
    autostart.disable()
    assert not autostart.enabled()
    assert autostart.location.endswith(r"CurrentVersion\Run\traycodes")


def test_windows_registry_errors_are_ours() -> None:
    class Refusing(FakeRegistry):
        def CreateKey(self, root: str, path: str) -> FakeKey:
            raise PermissionError("access denied")

    with pytest.raises(DesktopError, match="cannot write"):
        RunKeyAutostart(Refusing()).enable(COMMAND)


# --- Windows clipboard -----------------------------------------------------------------------


class FakeUser32:
    def __init__(self) -> None:
        self.data: dict[int, bytes] = {}
        self.sequence = 100
        self.open = False
        self.formats: dict[str, int] = {}
        self.refuse = False

    def OpenClipboard(self, owner: object) -> bool:
        self.open = True
        return True

    def CloseClipboard(self) -> None:
        self.open = False

    def EmptyClipboard(self) -> None:
        assert self.open
        self.data.clear()
        self.sequence += 1

    def RegisterClipboardFormatW(self, name: str) -> int:
        return self.formats.setdefault(name, 0xC000 + len(self.formats))

    def SetClipboardData(self, fmt: int, handle: bytearray) -> bytearray | None:
        assert self.open
        if self.refuse:
            return None
        self.data[fmt] = bytes(handle)
        self.sequence += 1
        return handle

    def GetClipboardSequenceNumber(self) -> int:
        return self.sequence


class FakeKernel32:
    def GlobalAlloc(self, flags: int, size: int) -> bytearray:
        return bytearray(size)

    def GlobalLock(self, handle: bytearray) -> bytearray:
        return handle

    def GlobalUnlock(self, handle: bytearray) -> None:
        pass

    def RtlMoveMemory(self, pointer: bytearray, data: bytes, size: int) -> None:
        pointer[:size] = data

    def GlobalFree(self, handle: bytearray) -> None:
        self.freed.append(handle)

    def __init__(self) -> None:
        self.freed: list[bytearray] = []


class FakeWindll:
    def __init__(self) -> None:
        self.user32, self.kernel32 = FakeUser32(), FakeKernel32()


def test_a_refused_clipboard_frees_its_memory_and_says_so() -> None:
    api = FakeWindll()
    api.user32.refuse = True
    with pytest.raises(DesktopError, match="refused"):
        Win32Clipboard(api).set_text("492039")
    assert len(api.kernel32.freed) == 1
    assert not api.user32.open


class RecordingDll:
    """Stands in for ctypes.WinDLL: each function remembers what was declared on it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.functions: dict[str, SimpleNamespace] = {}

    def __getattr__(self, function: str) -> SimpleNamespace:
        return self.functions.setdefault(function, SimpleNamespace())


def test_every_win32_call_has_its_types_declared() -> None:
    """ctypes' default (int) cuts 64-bit handles and pointers: each function traycodes calls
    is declared, and each call in the module's source is one of those."""
    import ctypes
    import inspect
    import re

    from traycodes.desktop import _win32

    api = _win32.Win32Api(load=RecordingDll)
    from traycodes.desktop._win32_api import prototypes

    declared = prototypes()
    for (dll, function), (restype, argtypes) in declared.items():
        seen = getattr(api, dll).functions[function]
        assert seen.restype is restype and seen.argtypes == argtypes, function
    from traycodes.desktop import _win32_keys, _win32_pipe

    modules = (_win32, _win32_pipe, _win32_keys)
    source = "".join(inspect.getsource(module) for module in modules)
    called = set(re.findall(r"\b(user32|kernel32|advapi32)\.([A-Z]\w+)\(", source))
    assert called, "the scan found no calls"
    assert called <= set(declared), called - set(declared)
    pointer = ctypes.sizeof(ctypes.c_void_p)
    for restype, argtypes in declared.values():
        for kind in [restype, *argtypes]:
            if kind is not None and kind.__name__ in ("HWND", "HANDLE", "HGLOBAL", "c_void_p"):
                assert ctypes.sizeof(kind) == pointer


def test_windows_clipboard_is_kept_out_of_history() -> None:
    api = FakeWindll()
    clipboard = TokenClipboard(Win32Clipboard(api))
    clipboard.copy("492039")
    user32 = api.user32
    assert user32.data[13] == "492039\0".encode("utf-16-le")
    for name in EXCLUDE_FORMATS:
        assert user32.data[user32.formats[name]] == b"\0\0\0\0"
    assert clipboard.clear_if_holding("492039")
    assert user32.data == {}


def test_windows_clipboard_left_alone_when_changed() -> None:
    api = FakeWindll()
    clipboard = TokenClipboard(Win32Clipboard(api))
    clipboard.copy("492039")
    api.user32.sequence += 1  # someone else copied something
    assert not clipboard.clear_if_holding("492039")
    assert api.user32.data


# --- macOS -----------------------------------------------------------------------------------


class FakePasteboard:
    def __init__(self) -> None:
        self.items: dict[str, str] = {}
        self.count = 0

    def clearContents(self) -> None:
        self.items.clear()
        self.count += 1

    def declareTypes_owner_(self, types: list[str], owner: object) -> None:
        self.count += 1

    def setString_forType_(self, value: str, kind: str) -> None:
        self.items[kind] = value

    def changeCount(self) -> int:
        return self.count


def test_macos_pasteboard_is_concealed_and_cleared() -> None:
    board = FakePasteboard()
    clipboard = TokenClipboard(PasteboardClipboard(board))
    clipboard.copy("492039")
    assert board.items[CONCEALED_TYPE] == "492039"
    assert clipboard.clear_if_holding("492039")
    assert board.items == {}
    clipboard.copy("111111")
    board.count += 5  # another app copied since
    assert not clipboard.clear_if_holding("111111")
    assert not clipboard.clear_if_holding("999999")  # not what we hold


def test_macos_launch_agent(tmp_path: Path) -> None:
    autostart = LaunchAgentAutostart(tmp_path)
    assert not autostart.enabled()
    autostart.enable(COMMAND)
    agent = plistlib.loads(autostart.path.read_bytes())
    assert agent["ProgramArguments"] == COMMAND
    assert agent["RunAtLoad"] is True
    assert agent["Label"] == "io.github.traycodes"
    assert autostart.path == tmp_path / "Library/LaunchAgents/io.github.traycodes.plist"
    autostart.disable()
    assert not autostart.enabled()


# --- XDG -------------------------------------------------------------------------------------


def test_desktop_entry_quotes_its_command() -> None:
    command = [*COMMAND, "100%", 'quote"d', "$HOME", "back\\slash"]
    entry = desktop_entry(command, autostart=True)
    assert parse_exec(entry) == command
    assert "X-GNOME-Autostart-enabled=true" in entry


def test_xdg_autostart(tmp_path: Path) -> None:
    autostart = XdgAutostart(tmp_path / "autostart")
    autostart.enable(COMMAND)
    assert autostart.enabled()
    assert shlex.split(autostart.path.read_text().split("Exec=")[1].splitlines()[0]) == COMMAND
    autostart.disable()
    autostart.disable()
    assert not autostart.enabled()


# --- the window in front on Windows and macOS ------------------------------------------------


class FakeUser32Api:
    """The six functions Win32Desktop needs, over plain values."""

    def __init__(self) -> None:
        self.front = 0x1234
        self.held: set[int] = set()

    def foreground(self) -> int:
        return self.front

    def window_text(self, handle: int) -> str:
        return {0x1234: "Sign in to GitHub · GitHub — Mozilla Firefox"}.get(handle, "")

    def window_pid(self, handle: int) -> int:
        return 4242

    def process_image(self, pid: int) -> str:
        return r"C:\Program Files\Mozilla Firefox\firefox.exe" if pid == 4242 else ""

    def set_foreground(self, handle: int) -> None:
        self.front = handle

    def key_down(self, vk: int) -> bool:
        return vk in self.held


def test_windows_foreground_window() -> None:
    from traycodes.desktop._win32 import Win32Desktop
    from traycodes.model import Window

    api = FakeUser32Api()
    adapter = Win32Desktop(api)
    assert adapter.active_window() == Window(
        "4660", "Sign in to GitHub · GitHub — Mozilla Firefox", "firefox", 4242
    )
    assert not adapter.modifiers_down()
    api.held.add(0x11)
    assert adapter.modifiers_down()
    assert adapter.activate("4660")
    api.front = 0
    assert adapter.active_window() is None


class FakeApp:
    def processIdentifier(self) -> int:
        return 77

    def localizedName(self) -> str:
        return "Safari"


class FakeWorkspace:
    def frontmostApplication(self) -> FakeApp:
        return FakeApp()


def test_macos_frontmost_application() -> None:
    from traycodes.desktop._darwin import DarwinDesktop

    windows = [
        {"kCGWindowOwnerPID": 12, "kCGWindowLayer": 0, "kCGWindowName": "Other"},
        {"kCGWindowOwnerPID": 77, "kCGWindowLayer": 0, "kCGWindowName": "GitHub"},
    ]
    window = DarwinDesktop(FakeWorkspace(), lambda: windows).active_window()
    assert (window.title, window.app, window.pid) == ("GitHub", "safari", 77)
    # Without the screen-recording permission there is no title: the application's name.
    untitled = [{"kCGWindowOwnerPID": 77, "kCGWindowLayer": 0}]
    assert DarwinDesktop(FakeWorkspace(), lambda: untitled).active_window().title == "Safari"


# --- otpauth: link handlers ------------------------------------------------------------------


def test_windows_protocol_handler() -> None:
    from traycodes.desktop._win32 import ProtocolHandler

    class Registry(FakeRegistry):
        def DeleteKey(self, root: str, path: str) -> None:
            if (root, path) not in self.keys:
                raise FileNotFoundError(path)
            del self.keys[(root, path)]

    registry = Registry()
    handler = ProtocolHandler(registry)
    assert handler.status() == "off"
    handler.enable(["C:\\Python\\python.exe", "-m", "traycodes", "enrol"])
    base = registry.keys[("HKCU", r"Software\Classes\otpauth")]
    assert base[""] == (registry.REG_SZ, "URL:otpauth")
    assert "URL Protocol" in base
    command = registry.keys[("HKCU", r"Software\Classes\otpauth\shell\open\command")]
    assert command[""][1] == r'C:\Python\python.exe -m traycodes enrol "%1"'
    assert handler.status() == "on"
    handler.disable()
    assert handler.status() == "off"
    handler.disable()  # quiet when off


def test_xdg_handler_entry(tmp_path: Path) -> None:
    from traycodes.desktop._xdg import XdgLinkHandler

    handler = XdgLinkHandler(tmp_path / "applications")
    assert handler.status() == "off"
    text = desktop_entry([*COMMAND, "enrol"], autostart=False, handler=True)
    assert "MimeType=x-scheme-handler/otpauth;" in text
    assert text.splitlines()[5].endswith(" enrol %u")  # the link, as the session passes it
    assert parse_exec(text)[-2:] == ["enrol", "%u"]
