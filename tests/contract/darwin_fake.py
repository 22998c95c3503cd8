"""A recording fake of the macOS calls traycodes makes: pyobjc's ``AppKit`` (NSWorkspace's
frontmost application, NSRunningApplication) and ``Quartz`` (the window list, the
keyboard's flags, keyboard events posted to the application in front) as modules, and
Carbon's hot keys (``_darwin_keys.CarbonApi``'s four calls), answering as macOS does for
a desktop with applications in it."""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from traycodes.desktop import _darwin_keys

SHIFT, CONTROL, ALTERNATE, COMMAND = 0x20000, 0x40000, 0x80000, 0x100000
FLAGS = {"shift": SHIFT, "ctrl": CONTROL, "alt": ALTERNATE, "cmd": COMMAND}
MODIFIER_CODES = {0x37, 0x38, 0x3A, 0x3B}
CHARACTERS = {code: name for name, code in _darwin_keys.KEY_CODES.items() if len(name) == 1}


@dataclass
class FakeApplication:
    """A running application with one front window."""

    system: FakeMac
    name: str
    pid: int
    title: str
    text: str = ""  # what was typed into it
    combinations: list[frozenset[str]] = field(default_factory=list)

    def processIdentifier(self) -> int:
        return self.pid

    def localizedName(self) -> str:
        return self.name

    def activateWithOptions_(self, options: int) -> bool:
        self.system.calls.append(("activateWithOptions_", (self.pid, options)))
        self.system.front = self.pid
        return True


@dataclass
class KeyEvent:
    code: int
    down: bool
    text: str = ""
    flags: int = 0


class FakeMac:
    """The desktop; ``appkit`` and ``quartz`` go into ``sys.modules`` as ``AppKit`` and
    ``Quartz``; ``carbon`` stands in for ``_darwin_keys.CarbonApi``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.apps: dict[int, FakeApplication] = {}
        self.front = 0
        self.flags_held = 0  # modifier keys the person holds
        self.screen_recording = True  # else window titles come back empty
        self.appkit = self._appkit()
        self.quartz = self._quartz()
        self.carbon = FakeCarbon()

    def open_app(self, name: str, pid: int, title: str) -> FakeApplication:
        app = FakeApplication(self, name, pid, title)
        self.apps[pid] = app
        self.front = pid
        return app

    def in_front(self) -> FakeApplication:
        return self.apps[self.front]

    def _record(self, name: str, *args: Any) -> None:
        self.calls.append((name, args))

    def _appkit(self) -> types.ModuleType:
        system = self

        class Workspace:
            def frontmostApplication(self) -> FakeApplication | None:
                system._record("frontmostApplication")
                return system.apps.get(system.front)

        class NSWorkspace:
            @staticmethod
            def sharedWorkspace() -> Workspace:
                return Workspace()

        class NSRunningApplication:
            @staticmethod
            def runningApplicationWithProcessIdentifier_(pid: int) -> Any:
                system._record("runningApplicationWithProcessIdentifier_", pid)
                return system.apps.get(pid)

        module = types.ModuleType("AppKit")
        module.NSWorkspace = NSWorkspace  # type: ignore[attr-defined]
        module.NSRunningApplication = NSRunningApplication  # type: ignore[attr-defined]
        return module

    def _quartz(self) -> types.ModuleType:
        module = types.ModuleType("Quartz")
        constants = {
            "kCGWindowListOptionOnScreenOnly": 1,
            "kCGNullWindowID": 0,
            "kCGEventSourceStateHIDSystemState": 1,
            "kCGHIDEventTap": 0,
            "kCGEventFlagMaskShift": SHIFT,
            "kCGEventFlagMaskControl": CONTROL,
            "kCGEventFlagMaskAlternate": ALTERNATE,
            "kCGEventFlagMaskCommand": COMMAND,
        }
        for name, value in constants.items():
            setattr(module, name, value)
        for name in (
            "CGWindowListCopyWindowInfo",
            "CGEventSourceFlagsState",
            "CGEventCreateKeyboardEvent",
            "CGEventKeyboardSetUnicodeString",
            "CGEventSetFlags",
            "CGEventPost",
        ):
            setattr(module, name, getattr(self, name))
        return module

    # -- Quartz ---------------------------------------------------------------------------

    def CGWindowListCopyWindowInfo(self, option: int, relative: int) -> list[dict[str, Any]]:
        self._record("CGWindowListCopyWindowInfo", option, relative)
        order = [self.front, *(pid for pid in self.apps if pid != self.front)]
        return [
            {
                "kCGWindowOwnerPID": pid,
                "kCGWindowLayer": 0,
                "kCGWindowName": self.apps[pid].title if self.screen_recording else None,
            }
            for pid in order
            if pid in self.apps
        ]

    def CGEventSourceFlagsState(self, state: int) -> int:
        return self.flags_held

    def CGEventCreateKeyboardEvent(self, source: Any, code: int, down: bool) -> KeyEvent:
        return KeyEvent(code, down)

    def CGEventKeyboardSetUnicodeString(self, event: KeyEvent, length: int, text: str) -> None:
        assert length == len(text.encode("utf-16-le")) // 2
        event.text = text

    def CGEventSetFlags(self, event: KeyEvent, flags: int) -> None:
        event.flags = flags

    def CGEventPost(self, tap: int, event: KeyEvent) -> None:
        self._record("CGEventPost", event.code, event.down, event.text, event.flags)
        app = self.in_front()
        if not event.down or event.code in MODIFIER_CODES:
            return
        held = {name for name, flag in FLAGS.items() if (event.flags | self.flags_held) & flag}
        if event.text:
            app.text += event.text
            return
        char = "\n" if event.code == 0x24 else CHARACTERS[event.code]
        if held & {"ctrl", "alt", "cmd"}:
            app.combinations.append(frozenset(held | {char}))
        else:
            app.text += char.upper() if "shift" in held else char


class FakePasteboard:
    """NSPasteboard.generalPasteboard(): typed strings and a change count."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.count = 0
        self.declared: list[str] = []

    def clearContents(self) -> int:
        self.strings, self.declared = {}, []
        self.count += 1
        return self.count

    def declareTypes_owner_(self, types: list[str], owner: Any) -> int:
        self.declared = list(types)
        self.count += 1
        return self.count

    def setString_forType_(self, text: str, kind: str) -> bool:
        if kind not in self.declared:
            return False
        self.strings[kind] = text
        return True

    def changeCount(self) -> int:
        return self.count

    def another_program_copies(self, text: str) -> None:
        self.clearContents()
        self.declareTypes_owner_(["public.utf8-plain-text"], None)
        self.setString_forType_(text, "public.utf8-plain-text")

    def text(self) -> str:
        return self.strings.get("public.utf8-plain-text", "")


class FakeCarbon:
    """Carbon's hot keys: a combination held anywhere refuses a second; presses reach the
    handlers installed on the application's target."""

    def __init__(self) -> None:
        self.held: dict[tuple[int, int], tuple[int, int, object]] = {}
        self.handlers: list[Callable[[int, int], None]] = []
        self._lock = threading.Lock()

    def register(self, key: int, modifiers: int, signature: int, number: int) -> tuple[int, Any]:
        with self._lock:
            if (key, modifiers) in self.held:
                return _darwin_keys.EVENT_HOT_KEY_EXISTS, None
            ref = object()
            self.held[(key, modifiers)] = (signature, number, ref)
            return 0, ref

    def unregister(self, ref: Any) -> None:
        with self._lock:
            for combination, (_, _, held) in list(self.held.items()):
                if held is ref:
                    del self.held[combination]

    def install_handler(self, pressed: Callable[[int, int], None]) -> Any:
        self.handlers.append(pressed)
        return pressed

    def remove_handler(self, handler: Any) -> None:
        self.handlers.remove(handler)

    def press(self, key: int, modifiers: int) -> None:
        found = self.held.get((key, modifiers))
        if found is not None:
            for handler in list(self.handlers):
                handler(found[0], found[1])


def install(system: FakeMac, patch: Callable[..., None], setitem: Callable[..., None]) -> None:
    """``AppKit`` and ``Quartz`` in ``sys.modules``, and ``CarbonApi`` (``patch``:
    ``monkeypatch.setattr``, ``setitem``: ``monkeypatch.setitem``)."""
    import sys

    setitem(sys.modules, "AppKit", system.appkit)
    setitem(sys.modules, "Quartz", system.quartz)
    patch(_darwin_keys, "CarbonApi", lambda: system.carbon)
