"""Colours and fonts shared by the windows: one calm look, readable codes."""

from __future__ import annotations

BACKGROUND = "#f6f7f9"
FIELD = "#ffffff"
TEXT = "#1d1f23"
MUTED = "#6b7079"
BORDER = "#d5d8de"
SELECTED = "#dcecf0"
ACCENT = "#126e82"
ACCENT_DARK = "#0d5566"
CODE = "#0d3f4a"
WARN = "#c2410c"
ERROR = "#b91c1c"


def font(size: int, weight: str = "normal") -> tuple[str, int, str]:
    return ("DejaVu Sans", size, weight)


def mono(size: int, weight: str = "normal") -> tuple[str, int, str]:
    return ("DejaVu Sans Mono", size, weight)
