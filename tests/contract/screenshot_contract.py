"""What every Screenshot part must do: one picture of the whole screen, every monitor in
it (a QR code on the second monitor must be found), taken afresh at each call. Run
against X11 on Xvfb with two monitors (Xinerama) for real (tests/desktop), and against
Windows' screen grab and macOS' ``screencapture`` over fakes of two monitors
(tests/unit)."""

from __future__ import annotations

from typing import Protocol

import pytest

from traycodes.desktop import Screenshot

Colour = tuple[int, int, int]
MARKS: list[Colour] = [(0xD0, 0x20, 0x30), (0x20, 0xB0, 0x40)]
AGAIN: list[Colour] = [(0x30, 0x40, 0xC0), (0xE0, 0xC0, 0x10)]


class ScreenshotRig(Protocol):
    def make(self) -> Screenshot: ...

    def monitors(self) -> list[tuple[int, int]]:
        """The size of each monitor, in pixels."""
        ...

    def show(self, colours: list[Colour]) -> None:
        """Fill a block (at least 100x100) of monitor ``i`` with ``colours[i]``."""
        ...


def holds(picture: object, colour: Colour) -> bool:
    """Whether ``picture`` has a block of ``colour`` (100x100 at least)."""
    from PIL import Image

    assert isinstance(picture, Image.Image)
    rgb = picture.convert("RGB")
    colours = rgb.getcolors(maxcolors=rgb.width * rgb.height) or []
    return any(count >= 100 * 100 and found == colour for count, found in colours)


class ScreenshotContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> ScreenshotRig:
        raise NotImplementedError

    def test_every_monitor_is_in_the_picture(self, rig: ScreenshotRig) -> None:
        monitors = rig.monitors()
        assert len(monitors) == 2  # what the rig sets up: the point of the test
        rig.show(MARKS)
        picture = rig.make()()
        assert [holds(picture, colour) for colour in MARKS] == [True, True]
        assert picture.width * picture.height >= sum(w * h for w, h in monitors)

    def test_each_call_takes_a_new_picture(self, rig: ScreenshotRig) -> None:
        screenshot = rig.make()
        rig.show(MARKS)
        assert holds(screenshot(), MARKS[0])
        rig.show(AGAIN)
        again = screenshot()
        assert holds(again, AGAIN[0]) and holds(again, AGAIN[1])
        assert not holds(again, MARKS[0])

    def test_the_picture_can_be_read_for_qr_codes(self, rig: ScreenshotRig) -> None:
        rig.show(MARKS)
        picture = rig.make()()
        assert picture.convert("L").getbbox() is not None  # what zxing-cpp is handed
