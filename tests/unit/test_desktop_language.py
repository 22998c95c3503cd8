"""What the platform layer tells the user, in the user's language: the reason each missing
part gives and what serves instead (doctor prints them), the hotkey problems (doctor and a
notification) and what was found about the clock (doctor and the clock warning)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.pseudo import escaped, pseudo
from traycodes.desktop import _keys, _timesync
from traycodes.desktop._darwin_platform import macos_platform
from traycodes.desktop._parts import Missing, Platform
from traycodes.desktop._unix_platform import unix_platform
from traycodes.desktop._win32_platform import windows_platform
from traycodes.keys import Hotkey

# names of programs, packages and services: the same in every language
NAMES = ["traycodes", "ydotoold", "wtype", "wlroots", "grim", "xdg-desktop-portal-kde"]
NAMES += ["xdg-desktop-portal", "wl-clipboard", "wl-copy", "wl-paste", "XWayland", "Tk"]
NAMES += ["GlobalShortcuts", "RemoteDesktop", "CFBundleURLTypes", "macOS", "otpauth:"]
NAMES += ["systemd-timedated", "timedatectl", "w32tm /query /status", "systemsetup"]
NAMES += ["time.windows.com", "Ctrl+Alt+O", "<ctrl>+<alt>+ö", "X11", "GNOME", "Wayland"]
NAMES += ["DISPLAY", "WAYLAND_DISPLAY", "Windows Time", "'traycodes type'", "'traycodes hotkeys'"]


def missing_texts(platform: Platform) -> list[str]:
    found = []
    for field in dataclasses.fields(platform):
        part = getattr(platform, field.name)
        if isinstance(part, Missing):
            found += [part.reason, part.instead]
    return [text for text in found if text]


@pytest.mark.parametrize("kind", ["x11", "sway", "gnome", "kde", "wlroots", "none"])
def test_the_missing_parts_say_why_in_the_language(kind: str) -> None:
    with pseudo():
        texts = missing_texts(unix_platform(kind, linux=kind != "none"))
        texts += missing_texts(windows_platform()) + missing_texts(macos_platform())
    assert texts
    assert escaped(texts, NAMES) == []


def test_the_hotkey_problems_and_the_clock_in_the_language() -> None:
    hotkey = Hotkey.parse("<ctrl>+<alt>+o")
    with pseudo():
        texts = [
            _keys.not_understood("<ctrl>+<alt>+ö"),
            _keys.taken(hotkey),
            _keys.no_key(hotkey),
            _keys.refused(hotkey),
            _timesync.from_timedatectl("no\n")[1],
            _timesync.from_timedatectl(None)[1],
            _timesync.from_timedatectl("maybe")[1],
            _timesync.from_systemsetup("Network Time: On")[1],
            _timesync.from_systemsetup(None)[1],
            _timesync.from_w32tm(None)[1],
            _timesync.from_w32tm("Source: time.windows.com\n")[1],
            _timesync.from_w32tm("Source: Local CMOS Clock\n")[1],
        ]
    assert escaped(texts, [*NAMES, "Local CMOS Clock"]) == []
    assert texts[1] == f"⟦{hotkey.label} is taken by another program: choose another in Settings⟧"
