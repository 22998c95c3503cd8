"""Per-OS adapters behind small interfaces: start at login, notifications, session lock,
the display server. One private module per platform (``_xdg``, ``_win32``, ``_darwin``),
chosen once by :func:`autostart` and friends; each is testable with fakes.
"""

from __future__ import annotations

import os
import sys
from typing import Protocol

from ..errors import TrayCodesError

APP_ID = "io.github.traycodes"


class DesktopError(TrayCodesError):
    """The desktop refused (a registry, a D-Bus call, a file in the user's config)."""

    exit_code = 5


class Autostart(Protocol):
    """Start traycodes when the user logs in."""

    @property
    def location(self) -> str:
        """Where the entry lives (a file, a registry value), for messages."""
        ...

    def enable(self, command: list[str]) -> None:
        """Start ``command`` at login (replacing an older entry)."""
        ...

    def disable(self) -> None:
        """Stop starting at login; quiet when it was not on."""
        ...

    def enabled(self) -> bool:
        """True when an entry exists."""
        ...


def autostart() -> Autostart:
    """The adapter for this platform."""
    if sys.platform == "win32":
        from ._win32 import RunKeyAutostart

        return RunKeyAutostart()
    if sys.platform == "darwin":
        from ._darwin import LaunchAgentAutostart

        return LaunchAgentAutostart()
    from ._xdg import XdgAutostart

    return XdgAutostart()


class LinkHandler(Protocol):
    """Open clicked ``otpauth:`` links with traycodes."""

    def enable(self, command: list[str]) -> None: ...

    def disable(self) -> None: ...

    def status(self) -> str: ...


def link_handler() -> LinkHandler:
    """The adapter for this platform (macOS: an app bundle's Info.plist, not done here)."""
    if sys.platform == "win32":
        from ._win32 import ProtocolHandler

        return ProtocolHandler()
    if sys.platform == "darwin":
        raise DesktopError(
            "on macOS, otpauth: links open the app bundle that declares "
            "them (CFBundleURLTypes); traycodes has no bundle yet"
        )
    from ._xdg import XdgLinkHandler

    return XdgLinkHandler()


def display_server() -> str:
    """``x11``, ``wayland``, ``windows``, ``macos`` or ``none`` (no graphical session)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    if os.environ.get("DISPLAY"):
        return "x11"
    return "none"


def launch_command() -> list[str]:
    """How to start this traycodes again: its own Python running the package."""
    return [sys.executable, "-m", "traycodes"]
