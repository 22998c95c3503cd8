"""The WindowReader contract on KDE Plasma (KWin's scripting) and the Keyboard contract on
the RemoteDesktop portal (KDE and GNOME), reached through ``desktop.platform()`` as the app
reaches them, over fakes of those services on a real session bus
(tests/desktop/fakeportal.py). The portal's keys land in a text field the fake keeps: keysyms
as the desktop's keyboard would turn them into characters."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.contract.keyboard_contract import KeyboardContract, KeyboardRig
from tests.contract.window_reader_contract import ReaderRig, WindowReaderContract
from tests.desktop.fakeportal import FakeDesktop
from tests.desktop.session import DesktopSession, desktop_session
from traycodes import desktop
from traycodes.desktop import Keyboard, WindowReader

pytestmark = pytest.mark.desktop
IDS = itertools.count(1)
SHIFT, RETURN = 0xFFE1, 0xFF0D


@pytest.fixture(scope="module")
def bus() -> Iterator[DesktopSession]:
    with desktop_session(x=False, keyring=False, window_manager=False) as session:
        yield session


def wayland_session(patch: pytest.MonkeyPatch, bus: DesktopSession, desktop_name: str) -> None:
    for name, value in {
        "DBUS_SESSION_BUS_ADDRESS": bus.env["DBUS_SESSION_BUS_ADDRESS"],
        "WAYLAND_DISPLAY": "wayland-0",
        "XDG_SESSION_TYPE": "wayland",
        "XDG_CURRENT_DESKTOP": desktop_name,
        "PATH": "/nonexistent",  # no wtype, no ydotool: the portal is what types
    }.items():
        patch.setenv(name, value)
    patch.delenv("DISPLAY", raising=False)


def made(part: object) -> object:
    assert not isinstance(part, desktop.Missing), part.reason
    assert callable(part)
    return part()


class KWinRig:
    def __init__(self, fake: FakeDesktop) -> None:
        self.fake = fake

    def make(self) -> WindowReader:
        platform = desktop.platform()
        assert platform.kind == "kde"
        reader: WindowReader = made(platform.window_reader)  # type: ignore[assignment]
        return reader

    def open_window(self, title: str) -> str:
        number = next(IDS)
        window: dict[str, Any] = {
            "caption": title,
            "resourceClass": f"org.kde.contract{number}",
            "pid": 0,
            "internalId": f"{{5e1f-{number}}}",
        }
        self.fake.windows[window["internalId"]] = window
        self.fake.active = window
        return f"org.kde.contract{number}"

    def hold_shift(self) -> Callable[[], None] | str:
        return "Wayland lets no app see the keyboard's state"


class PortalKeyboardRig:
    """The text field in front: characters from the keysyms pressed (printable ASCII
    keysyms are their characters), upper case while Shift is held; Return counted."""

    def __init__(self, fake: FakeDesktop) -> None:
        self.fake = fake
        self.start = 0

    def make(self) -> Keyboard:
        platform = desktop.platform()
        assert platform.kind == "gnome"
        keyboard: Keyboard = made(platform.keyboard)  # type: ignore[assignment]
        return keyboard

    def open_window(self, title: str) -> object:
        self.start = len(self.fake.keys)
        return title

    def _field(self) -> tuple[str, int]:
        text, enters, shift = [], 0, False
        for keysym, pressed in self.fake.keys[self.start :]:
            if keysym == SHIFT:
                shift = bool(pressed)
            elif pressed and keysym == RETURN:
                enters += 1
            elif pressed and 0x20 <= keysym <= 0x7E:
                text.append(chr(keysym).upper() if shift else chr(keysym))
            elif pressed:
                text.append("\ufffd")  # a key the field does not know
        return "".join(text), enters

    def typed(self) -> str:
        return self._field()[0]

    def enters(self) -> int:
        return self._field()[1]


@pytest.fixture
def fake(bus: DesktopSession) -> Iterator[FakeDesktop]:
    portals = {"RemoteDesktop": 2, "Screenshot": 2}
    fake = FakeDesktop(bus.env["DBUS_SESSION_BUS_ADDRESS"], portals=portals, kwin=True)
    try:
        yield fake
    finally:
        fake.close()


class TestKWinWindowReader(WindowReaderContract):
    @pytest.fixture
    def rig(
        self, bus: DesktopSession, fake: FakeDesktop, monkeypatch: pytest.MonkeyPatch
    ) -> KWinRig:
        wayland_session(monkeypatch, bus, "KDE")
        return KWinRig(fake)


class TestPortalKeyboard(KeyboardContract):
    @pytest.fixture
    def rig(
        self, bus: DesktopSession, fake: FakeDesktop, monkeypatch: pytest.MonkeyPatch
    ) -> PortalKeyboardRig:
        wayland_session(monkeypatch, bus, "GNOME")
        return PortalKeyboardRig(fake)


def test_the_rigs_are_what_the_contracts_ask_for(fake: FakeDesktop) -> None:
    """mypy checks these assignments: each rig satisfies its contract's Protocol."""
    readers: list[ReaderRig] = [KWinRig(fake)]
    keyboards: list[KeyboardRig] = [PortalKeyboardRig(fake)]
    assert len(readers) + len(keyboards) == 2
