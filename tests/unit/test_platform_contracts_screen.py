"""The Screenshot contract on Windows and macOS, reached through ``desktop.platform()`` with
the OS forced, over two fake monitors (tests/contract/screens_fake.py): Windows through
PIL's grab over a fake ``grabscreen_win32``, macOS over fakes of ``screencapture`` and
Quartz's display list. X11 passes the same suite on Xvfb (tests/desktop)."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from tests.contract.screens_fake import Colour, FakeScreens
from tests.contract.screenshot_contract import ScreenshotContract, ScreenshotRig
from traycodes import desktop
from traycodes.desktop import Screenshot


class ForcedRig:
    """The platform's screenshot part, made and called with ``sys.platform`` forced (PIL's
    grab too asks it at each call)."""

    def __init__(self, screens: FakeScreens, monkeypatch: pytest.MonkeyPatch, os: str) -> None:
        self.screens, self.monkeypatch, self.os = screens, monkeypatch, os

    def make(self) -> Screenshot:
        with self.monkeypatch.context() as forced:
            forced.setattr(sys, "platform", self.os)
            part = desktop.platform().screenshot
        assert not isinstance(part, desktop.Missing), part.reason
        grab = part

        def on_this_os() -> Any:
            with self.monkeypatch.context() as forced:
                forced.setattr(sys, "platform", self.os)
                return grab()

        return on_this_os

    def monitors(self) -> list[tuple[int, int]]:
        return [display.size for display in self.screens.displays]

    def show(self, colours: list[Colour]) -> None:
        self.screens.show(colours)


class MacosRig(ForcedRig):
    def __init__(self, screens: FakeScreens, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__(screens, monkeypatch, "darwin")
        quartz = types.ModuleType("Quartz")
        quartz.CGGetActiveDisplayList = screens.CGGetActiveDisplayList  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "Quartz", quartz)
        real_call = subprocess.call

        def call(argv: Any, *args: Any, **kwargs: Any) -> int:
            if isinstance(argv, list) and argv[:1] == ["screencapture"]:
                return screens.screencapture(argv)
            return real_call(argv, *args, **kwargs)

        monkeypatch.setattr(subprocess, "call", call)


@pytest.fixture
def screens(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeScreens]:
    from PIL import _imaging  # what PIL.Image calls ``core``: PIL's C functions

    fake = FakeScreens()
    monkeypatch.setattr(_imaging, "grabscreen_win32", fake.grabscreen_win32, raising=False)
    yield fake


class TestWindowsScreenshot(ScreenshotContract):
    @pytest.fixture
    def rig(self, screens: FakeScreens, monkeypatch: pytest.MonkeyPatch) -> ForcedRig:
        return ForcedRig(screens, monkeypatch, "win32")


class TestMacosScreenshot(ScreenshotContract):
    @pytest.fixture
    def rig(self, screens: FakeScreens, monkeypatch: pytest.MonkeyPatch) -> MacosRig:
        return MacosRig(screens, monkeypatch)


def test_the_rigs_are_what_the_contract_asks_for(
    screens: FakeScreens, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mypy checks these assignments: each rig satisfies the contract's Protocol."""
    rigs: list[ScreenshotRig] = [ForcedRig(screens, monkeypatch, "win32")]
    rigs.append(MacosRig(screens, monkeypatch))
    assert len(rigs) == 2
