"""``platform()``: for the OS and session this runs in, every part of the platform layer
(:class:`._parts.Platform`). The one place that decides what each OS has, and with
:func:`os_kind` what the rest of traycodes learns of the OS it runs on."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ._parts import Platform


def os_kind() -> str:
    """``windows``, ``macos``, ``linux`` or ``other`` (a BSD)."""
    if sys.platform == "win32":
        return "windows"
    elif sys.platform == "darwin":
        return "macos"
    elif sys.platform.startswith("linux"):
        return "linux"
    else:
        return "other"


def display_server() -> str:
    """``x11``, ``wayland``, ``windows``, ``macos`` or ``none`` (no graphical session)."""
    system = os_kind()
    if system in ("windows", "macos"):
        return system
    elif os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    elif os.environ.get("DISPLAY"):
        return "x11"
    else:
        return "none"


def session_kind() -> str:
    """``x11``, ``windows``, ``macos``, ``none``, or on Wayland the compositor: ``sway``,
    ``hyprland``, ``kde``, ``gnome``, ``wlroots`` or ``unknown``."""
    server = display_server()
    if server != "wayland":
        return server
    return compositor()


def compositor(env: Mapping[str, str] | None = None) -> str:
    """``sway``, ``hyprland``, ``kde``, ``gnome``, ``wlroots`` (another wlroots compositor
    known by name) or ``unknown``: from the variables a session sets."""
    env = os.environ if env is None else env
    if env.get("SWAYSOCK"):
        return "sway"
    if env.get("HYPRLAND_INSTANCE_SIGNATURE"):
        return "hyprland"
    names = {
        part.strip().lower()
        for key in ("XDG_CURRENT_DESKTOP", "XDG_SESSION_DESKTOP", "DESKTOP_SESSION")
        for part in str(env.get(key, "")).split(":")
        if part.strip()
    }
    for name, known in (
        ("kde", {"kde", "plasma", "plasmawayland"}),
        ("gnome", {"gnome", "ubuntu", "gnome-classic", "pop"}),
        ("sway", {"sway"}),
        ("hyprland", {"hyprland"}),
        ("wlroots", {"river", "wayfire", "labwc", "niri", "hikari", "qtile", "dwl"}),
    ):
        if names & known:
            return name
    return "unknown"


def platform() -> Platform:
    """The parts for this OS and session."""
    system, kind = os_kind(), session_kind()
    if system == "windows":
        from ._win32_platform import windows_platform

        return windows_platform()
    if system == "macos":
        from ._darwin_platform import macos_platform

        return macos_platform()
    from ._unix_platform import unix_platform

    return unix_platform(kind, linux=system == "linux")
