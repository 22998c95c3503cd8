"""Codes' seconds left in menus whose labels the backend reads once: the menu's items read
the time when they are read (app/tray.py's ``pystray_menu`` with the app's clock), and
pystray's Windows icon (a fake of its members here: it runs on Windows only) makes its
menu again from them on the right click that opens it."""

from __future__ import annotations

import os
import uuid
from typing import Any

from traycodes.app.menu import menu_model
from traycodes.desktop._pystray import PRIVATE_MEMBERS, WM_RBUTTONUP, icon_class
from traycodes.model import OtpParams, Record
from traycodes.otp import totp

KEY = b"12345678901234567890"
CODE = totp(KEY, 60)  # the code from 60 to 90
WM_LBUTTONUP = 0x0202


class FakeWin32Icon:
    """pystray's Windows icon as far as the fix uses it: the menu made into a native one
    (here the labels read) when set, and shown from that on a right click."""

    def __init__(self, menu: Any) -> None:
        self.menu = menu
        self._menu_handle: tuple[list[str], None] | None = None
        self.shown: list[list[str]] = []
        self._update_menu()

    def _update_menu(self) -> None:
        self._menu_handle = ([str(item.text) for item in self.menu], None)

    def _on_notify(self, wparam: Any, lparam: Any) -> None:
        if self._menu_handle and lparam == WM_RBUTTONUP:
            self.shown.append(self._menu_handle[0])


def app_menu(clock: list[float]) -> Any:
    os.environ.setdefault("PYSTRAY_BACKEND", "dummy")
    from traycodes.app.tray import pystray_menu

    github = Record(id=uuid.uuid4().hex, issuer="GitHub", otp=OtpParams(KEY))
    entries = menu_model([github], clock[0], 15)
    actions: dict[str, Any] = dict.fromkeys(
        ("search", "add", "import", "lock", "autostart", "settings", "quit"), lambda: None
    )
    return pystray_menu(entries, actions, lambda record_id: None, None, lambda: clock[0])


def test_the_menus_items_read_the_time_when_they_are_read() -> None:
    clock = [60.0]
    menu = app_menu(clock)
    assert not str(menu.items[0].text).endswith("s)")  # 30 s left
    clock[0] = 82.5
    assert str(menu.items[0].text).endswith("  (8 s)")


def test_the_windows_menu_is_read_again_as_a_right_click_opens_it() -> None:
    assert set(PRIVATE_MEMBERS["win32"]) == {"_on_notify", "_update_menu", "_menu_handle"}
    clock = [60.0]
    for fixed, expected in ((False, ""), (True, "  (8 s)")):  # pystray's own: the control
        base = icon_class("win32", FakeWin32Icon) if fixed else FakeWin32Icon
        icon = base(app_menu(clock))
        clock[0] = 82.5  # the menu was set at 60 (a period boundary); opened 22.5 s later
        icon._on_notify(0, WM_LBUTTONUP)  # a left click opens no menu: nothing read
        icon._on_notify(0, WM_RBUTTONUP)
        (shown,) = icon.shown
        assert shown[0] == f"GitHub   {CODE[:3]} {CODE[3:]}{expected}"
        clock[0] = 60.0
