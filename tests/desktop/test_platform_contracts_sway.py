"""The WindowReader and Keyboard contracts on a real headless sway (run, as sway insists,
by an unprivileged user: tests/desktop/wayland.py): SwayDesktop reads the window in front
over sway's IPC and WtypeKeyboard types through the virtual keyboard (as on Hyprland and
other wlroots compositors), both reached through ``desktop.platform()`` as the app reaches
them. The windows are foot terminals whose raw input goes to a file."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.contract.keyboard_contract import KeyboardContract, KeyboardRig
from tests.contract.window_reader_contract import ReaderRig, WindowReaderContract
from tests.desktop.session import require
from tests.desktop.wayland import USER, WaylandSession, _user
from traycodes import desktop
from traycodes.desktop import Keyboard, WindowReader

pytestmark = pytest.mark.desktop
NAMES = itertools.count()
CONFIG = (
    "output HEADLESS-1 resolution 1280x800\nxwayland enable\nfocus_on_window_activation focus\n"
)


@pytest.fixture(scope="module")
def sway() -> Iterator[WaylandSession]:
    """sway alone (no app, no tray): what the reader and the keyboard talk to."""
    require("sway", "swaymsg", "wtype", "foot", "Xwayland")
    account = _user()
    root = Path(tempfile.mkdtemp(prefix="traycodes-sway-"))
    runtime = root / "runtime"
    runtime.mkdir(mode=0o700)
    (root / "home").mkdir()
    session = WaylandSession(
        root,
        env={
            "HOME": str(root / "home"),
            "USER": USER if account else os.environ.get("USER", ""),
            "XDG_RUNTIME_DIR": str(runtime),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        },
    )
    session.account = account
    for path in (root, root / "home", runtime):
        session.chown(path)  # the test user's, who runs sway
    try:
        session.start_sway(CONFIG)
        yield session
    finally:
        session.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def in_sway(sway: WaylandSession, monkeypatch: pytest.MonkeyPatch) -> WaylandSession:
    """This process as one of the session's: its Wayland display, sway's socket."""
    for name in ("WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "SWAYSOCK", "XDG_SESSION_TYPE",
                 "XDG_CURRENT_DESKTOP"):  # fmt: skip
        monkeypatch.setenv(name, sway.env[name])
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("HYPRLAND_INSTANCE_SIGNATURE", raising=False)
    return sway


class SwayDesk:
    def __init__(self, sway: WaylandSession) -> None:
        self.sway = sway
        self.out = sway.root / "none"
        self.opened = 0

    def open_window(self, title: str) -> str:
        self.out = self.sway.foot(title, f"contract{next(NAMES)}")
        self.opened += 1
        return "foot"  # the program, by its process's name

    def close(self) -> None:
        for _ in range(self.opened):
            with contextlib.suppress(AssertionError):
                self.sway.close_focused()


class SwayReaderRig(SwayDesk):
    def make(self) -> WindowReader:
        platform = desktop.platform()
        assert platform.kind == "sway"
        factory = platform.window_reader
        assert not isinstance(factory, desktop.Missing), factory.reason
        return factory()

    def hold_shift(self) -> Callable[[], None] | str:
        return "Wayland lets no app see the keyboard's state"


class WtypeRig(SwayDesk):
    def make(self) -> Keyboard:
        platform = desktop.platform()
        assert platform.kind == "sway"
        factory = platform.keyboard
        assert not isinstance(factory, desktop.Missing), factory.reason
        return factory()

    def typed(self) -> str:
        return self.out.read_text().replace("\n", "").replace("\r", "")

    def __repr__(self) -> str:  # what a failing test shows
        return f"<the window in front holds {self.out.read_text()!r}>"

    def enters(self) -> int:
        text = self.out.read_text()
        return text.count("\n") + text.count("\r")


class TestSwayWindowReader(WindowReaderContract):
    @pytest.fixture
    def rig(self, in_sway: WaylandSession) -> Iterator[SwayReaderRig]:
        rig = SwayReaderRig(in_sway)
        try:
            yield rig
        finally:
            rig.close()


class TestWtypeKeyboard(KeyboardContract):
    @pytest.fixture
    def rig(self, in_sway: WaylandSession) -> Iterator[WtypeRig]:
        rig = WtypeRig(in_sway)
        try:
            yield rig
        finally:
            rig.close()

    @pytest.mark.xfail(
        strict=True,
        reason="open: Shift held by wtype does not reach the window (foot gets 'a' for "
        "'wtype -M shift -k A -m shift', and for -k a, -P a, text 'a'); sway's own bindings "
        "do see wtype's Ctrl+Alt",
    )
    def test_press_holds_the_modifiers_for_the_key(self, rig: KeyboardRig) -> None:
        super().test_press_holds_the_modifiers_for_the_key(rig)


def test_the_rigs_are_what_the_contracts_ask_for(in_sway: WaylandSession) -> None:
    """mypy checks these assignments: each rig satisfies its contract's Protocol."""
    readers: list[ReaderRig] = [SwayReaderRig(in_sway)]
    keyboards: list[KeyboardRig] = [WtypeRig(in_sway)]
    assert len(readers) + len(keyboards) == 2
