"""The app's input start-up on Windows and macOS, with the OS forced and its API faked at the
bottom (ctypes' WinDLL functions; pyobjc's AppKit and Quartz modules and Carbon's hot
keys): every part that the README's platform table claims starts, and the type hotkey
puts the code into the window in front. On 0.6.0 the Windows test failed: no window
reader, so no typist, silently (issue 27)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tests.contract import darwin_fake, win32_fake
from tests.contract.shortcuts_contract import TYPE, wait_for
from traycodes import desktop
from traycodes.app.hotkey import Typist, start_input
from traycodes.model import OtpParams, Record, Window
from traycodes.otp import code
from traycodes.settings import Settings

T = TypeVar("T")
NOW = 1_000_000_015.0  # 15 s into a period: no waiting for the next code
SECRET = OtpParams(b"12345678901234567890")
EXAMPLE = Record(id=uuid.uuid4().hex, issuer="Example", otp=SECRET)


class Clock:
    def now(self) -> float:
        return NOW


class Host:
    """What the typist needs of the app (hotkey.TypistHost), with one record."""

    def __init__(self) -> None:
        self.settings = Settings()
        self.clock = Clock()
        self.vault: object = object()
        self.notes: list[str] = []

    # the app's loop, session and code actions: this fake plays each
    @property
    def loop(self) -> Host:
        return self

    @property
    def session(self) -> Host:
        return self

    @property
    def actions(self) -> Host:
        return self

    def call(self, action: Callable[[], T], timeout: float = 10.0) -> T:
        return action()

    def post(self, action: Callable[[], None]) -> None:
        action()

    def notify(self, title: str, body: str) -> None:
        self.notes.append(f"{title} {body}".strip())

    def records(self) -> list[Record]:
        return [EXAMPLE]

    def record(self, record_id: str) -> Record | None:
        return EXAMPLE if record_id == EXAMPLE.id else None

    def show_password(self) -> None:
        raise AssertionError("the vault is open")

    def show_chooser(
        self,
        window: Window | None,
        candidates: list[Any],
        *,
        note: str = "",
        verified: bool = False,
    ) -> None:
        raise AssertionError(f"one record matches the window: no chooser ({note})")

    def remember_window(self, record_id: str, pattern: str) -> None: ...

    def copy_code(self, record: Record, shown: str, *, notify: bool = True) -> None:
        raise AssertionError("the hotkey types")

    def mark_used(self, record_id: str) -> None: ...

    def advance_hotp(self, record_id: str) -> str:
        raise AssertionError("TOTP")


def claimed_parts(column: str) -> set[str]:
    """The platform parts that the README's table claims for ``column`` (``Windows``...)."""
    from tests.unit.test_platform_table import claims

    return claims(column)


def start_and_type(press: Callable[[], None], typed: Callable[[], str]) -> None:
    """The app's start-up (App._start_hotkeys): start_input, then a typist over the reader
    with the platform's keyboard; the type hotkey, pressed, types the code into the window."""
    host = Host()
    typist: list[Typist] = []
    reader, shortcuts, problems = start_input(
        {TYPE: lambda: typist[0].request(typist[0].for_window_in_front)}
    )
    try:
        assert problems == []
        assert reader is not None, "no window reader: the type hotkey has no typist"
        assert shortcuts is not None, "the hotkeys were not started"
        keyboard = desktop.present(desktop.platform().keyboard)
        assert keyboard is not None, "nothing types the code"
        typist.append(Typist(host, reader, keyboard()))  # mypy: Host is a TypistHost
        typist[0].start()
        press()
        wait_for(lambda: typed() == code(SECRET, NOW), "the code typed into the window")
        assert host.notes == ["Typed the code for Example into “Example – sign in”"]
    finally:
        if shortcuts is not None:
            shortcuts.stop()
        if typist:
            typist[0].stop()


def test_windows_starts_every_part_and_the_hotkey_types_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = win32_fake.FakeWindows()
    win32_fake.install(system, monkeypatch.setattr)
    monkeypatch.setattr(sys, "platform", "win32")
    handle = system.open_window("Example – sign in", r"C:\Program Files\Example\Example.exe", 4242)
    start_and_type(
        lambda: system.press_hotkey(0x3, 0x4F),  # Ctrl+Alt+O, as Windows numbers it
        lambda: system.windows[handle].text,
    )
    assert system.called("RegisterHotKey") and system.called("SendInput")
    assert claimed_parts("Windows") <= present_parts()


def test_macos_starts_every_part_and_the_hotkey_types_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    system = darwin_fake.FakeMac()
    darwin_fake.install(system, monkeypatch.setattr, monkeypatch.setitem)
    monkeypatch.setattr(sys, "platform", "darwin")
    app = system.open_app("Example", 4242, "Example – sign in")
    start_and_type(
        lambda: system.carbon.press(0x1F, 0x1800),  # kVK_ANSI_O with controlKey | optionKey
        lambda: app.text,
    )
    assert claimed_parts("macOS") <= present_parts()


def present_parts() -> set[str]:
    return {
        name
        for name, part in desktop.platform().parts().items()
        if not isinstance(part, desktop.Missing)
    }
