"""The WindowReader contract on Hyprland, reached through ``desktop.platform()`` as the
app reaches it (a Hyprland session's variables: its signature names the socket, which the
reader checks before use), over a fake of its request socket (tests/contract/
hyprland_fake.py). Hyprland types through wtype, which the contract runs on sway."""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.contract.hyprland_fake import FakeHyprland
from tests.contract.window_reader_contract import ReaderRig, WindowReaderContract
from traycodes import desktop
from traycodes.desktop import WindowReader

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Wayland")
SIGNATURE = "v0.41.2_1733587312_1234"


class HyprlandRig:
    def __init__(self, runtime: Path) -> None:
        folder = runtime / "hypr" / SIGNATURE
        folder.mkdir(parents=True)
        self.hyprland = FakeHyprland(folder / ".socket.sock")

    def make(self) -> WindowReader:
        platform = desktop.platform()
        assert platform.kind == "hyprland"
        factory = platform.window_reader
        assert not isinstance(factory, desktop.Missing), factory.reason
        return factory()

    def open_window(self, title: str) -> str:
        app = f"contract{len(self.hyprland.clients)}"
        self.hyprland.open_window(title, app)
        return app

    def hold_shift(self) -> Callable[[], None] | str:
        return "Wayland lets no app see the keyboard's state"


@pytest.fixture
def hyprland_session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    runtime = Path(tempfile.mkdtemp(prefix="hypr-"))  # short: a socket's path is at most
    # 107 bytes, and pytest's folders are longer
    for name, value in {
        "XDG_RUNTIME_DIR": str(runtime),
        "WAYLAND_DISPLAY": "wayland-1",
        "XDG_CURRENT_DESKTOP": "Hyprland",
        "XDG_SESSION_TYPE": "wayland",
        "HYPRLAND_INSTANCE_SIGNATURE": SIGNATURE,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DISPLAY", raising=False)
    try:
        yield runtime
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


class TestHyprlandWindowReader(WindowReaderContract):
    @pytest.fixture
    def rig(self, hyprland_session: Path) -> Iterator[HyprlandRig]:
        rig = HyprlandRig(hyprland_session)
        try:
            yield rig
        finally:
            rig.hyprland.close()


def test_a_window_that_is_gone_is_not_brought_back(hyprland_session: Path) -> None:
    """Hyprland says it found no such window: activate is False, not a wait on nothing
    passing for success."""
    rig = HyprlandRig(hyprland_session)
    try:
        rig.open_window("Contract – still here")
        reader = rig.make()
        assert not reader.activate("0xdead", timeout=0.2)
        assert "dispatch focuswindow address:0xdead" in rig.hyprland.requests
    finally:
        rig.hyprland.close()


def test_the_rig_is_what_the_contract_asks_for(hyprland_session: Path) -> None:
    """mypy checks this assignment: the rig satisfies the contract's Protocol."""
    rig: ReaderRig = HyprlandRig(hyprland_session)
    assert isinstance(rig, HyprlandRig)
    rig.hyprland.close()
