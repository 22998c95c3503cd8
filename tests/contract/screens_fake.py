"""Two monitors side by side, and fakes of what Windows and macOS give a program that
grabs them: Windows' ``grabscreen_win32`` (under PIL's ImageGrab: the primary monitor, or
with ``all_screens`` the whole virtual screen), macOS' ``screencapture`` (``-x FILE...``:
one file per display, the main one first; given one file, the main display alone) and
``CGGetActiveDisplayList`` (the main display first)."""

from __future__ import annotations

from typing import Any

from PIL import Image

Colour = tuple[int, int, int]


class FakeScreens:
    def __init__(self, sizes: tuple[tuple[int, int], ...] = ((640, 400), (480, 360))) -> None:
        self.displays = [Image.new("RGB", size, (40, 40, 40)) for size in sizes]
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def show(self, colours: list[Colour]) -> None:
        for display, colour in zip(self.displays, colours, strict=True):
            display.paste((40, 40, 40), (0, 0, *display.size))
            display.paste(colour, (20, 20, 220, 220))

    def virtual_screen(self) -> Image.Image:
        """Every display side by side, as Windows lays out its virtual screen."""
        width = sum(d.width for d in self.displays)
        height = max(d.height for d in self.displays)
        whole = Image.new("RGB", (width, height))
        left = 0
        for display in self.displays:
            whole.paste(display, (left, 0))
            left += display.width
        return whole

    # -- Windows: PIL's Image.core.grabscreen_win32

    def grabscreen_win32(
        self, include_layered: bool, all_screens: int, window: int
    ) -> tuple[tuple[int, int], tuple[int, int], bytes]:
        self.calls.append(("grabscreen_win32", (include_layered, all_screens, window)))
        picture = self.virtual_screen() if all_screens == 1 else self.displays[0]
        # BGR rows, bottom row first, each padded to 4 bytes
        stride = (picture.width * 3 + 3) & -4
        raw = picture.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes("raw", "BGR", stride)
        return (0, 0), picture.size, raw

    # -- macOS: screencapture and Quartz

    def screencapture(self, argv: list[str]) -> int:
        self.calls.append(("screencapture", tuple(argv)))
        assert argv[0] == "screencapture" and "-x" in argv  # no sound
        files = [a for a in argv[1:] if not a.startswith("-") and a != "png"]
        for display, name in zip(self.displays, files, strict=False):
            display.save(name, "PNG")
        return 0

    def CGGetActiveDisplayList(
        self, most: int, displays: Any, count: Any
    ) -> tuple[int, tuple[int, ...], int]:
        found = tuple(range(1, len(self.displays) + 1))[:most]
        return 0, found, len(found)
