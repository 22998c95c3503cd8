"""The Screenshot contract against each Linux way of taking the screen, as
``_unix_platform.screenshot(kind)`` picks it: PIL's grab of an X server's root window
spanning two monitors, ``grim`` on a headless sway with two outputs, and the
Screenshot portal (over tests/desktop/fakeportal.py on a real D-Bus: the picture is the
one the fake desktop hands back, so this checks traycodes' side of the portal).

Not covered: an X server with separate screens (``:0.0`` and ``:0.1``, no Xinerama):
``imagegrab(all_screens=False)`` takes the default screen only, and so would fail there."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract.screenshot_contract import Colour, ScreenshotContract, ScreenshotRig
from tests.desktop.fakeportal import FakeDesktop
from tests.desktop.session import DesktopSession, desktop_session, require, wait_for
from tests.desktop.wayland import USER, WaylandSession, _user
from traycodes import desktop
from traycodes.desktop import Screenshot
from traycodes.desktop._unix_platform import screenshot

pytestmark = pytest.mark.desktop

# Windows without a frame, one per colour, each where it is asked for; a file says they are
# on the screen (each waited visible, then all drawn).
BLOCKS = """
import sys, tkinter as tk
root = tk.Tk()
root.withdraw()
windows = []
for spec in sys.argv[2:]:
    x, y, colour = spec.split(",")
    window = tk.Toplevel(root, background=colour)
    window.overrideredirect(True)
    window.geometry(f"300x300+{x}+{y}")
    windows.append(window)
    window.wait_visibility()  # one at a time: tkwait sees only what comes after it
root.update()
open(sys.argv[1], "w").close()
root.mainloop()
"""


def hex_colour(colour: Colour) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


# --- X11: one root window over two monitors ----------------------------------------------------
# Under Xinerama or RandR, two monitors are one X screen whose root window spans both, and
# that root is what PIL grabs. Xvfb cannot lay monitors out (with +xinerama it puts both
# screens at 0,0; RandR 1.6's setmonitor is refused with BadValue), so the desk is one
# 2560x800 root and its two monitors are its halves.


@pytest.fixture(scope="module")
def two_monitors() -> Iterator[DesktopSession]:
    with desktop_session(x=True, keyring=False, window_manager=False, screen="2560x800") as s:
        yield s


class X11ScreenRig:
    def __init__(self, session: DesktopSession, folder: Path) -> None:
        self.session, self.folder = session, folder
        self.blocks: Any = None
        self.shown = 0

    def make(self) -> Screenshot:
        made = screenshot("x11")
        assert not isinstance(made, desktop.Missing), made.reason
        return made

    def monitors(self) -> list[tuple[int, int]]:
        text = self.session.output(["xdpyinfo"])
        size = next(line.split()[1] for line in text.splitlines() if "dimensions:" in line)
        width, height = (int(n) for n in size.split("x"))
        return [(width // 2, height)] * 2

    def offsets(self) -> list[tuple[int, int]]:
        return [(0, 0), (self.monitors()[0][0], 0)]

    def show(self, colours: list[Colour]) -> None:
        import subprocess

        self.close()
        self.shown += 1
        ready = self.folder / f"shown-{self.shown}"
        specs = [f"{x + 100},{y + 100},{hex_colour(colour)}"
                 for (x, y), colour in zip(self.offsets(), colours, strict=True)]  # fmt: skip
        self.blocks = subprocess.Popen(
            [sys.executable, "-c", BLOCKS, str(ready), *specs], env=self.session.full_env()
        )
        wait_for(ready.exists, "the coloured blocks on each monitor")

    def close(self) -> None:
        if self.blocks is not None:
            self.blocks.kill()
            self.blocks.wait(10)
            self.blocks = None


class TestX11Screenshot(ScreenshotContract):
    @pytest.fixture
    def rig(
        self, two_monitors: DesktopSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[X11ScreenRig]:
        monkeypatch.setenv("DISPLAY", two_monitors.env["DISPLAY"])
        rig = X11ScreenRig(two_monitors, tmp_path)
        try:
            yield rig
        finally:
            rig.close()


# --- grim on sway with two outputs ------------------------------------------------------------

SWAY_CONFIG = (
    "output HEADLESS-1 resolution 1280x800 position 0 0\n"
    "output HEADLESS-2 resolution 1280x800 position 1280 0\n"
)


@pytest.fixture(scope="module")
def sway_two_outputs() -> Iterator[WaylandSession]:
    """sway alone with a second headless output made at once (``create_output``)."""
    require("sway", "swaymsg", "swaybg", "grim", "Xwayland")
    account = _user()
    root = Path(tempfile.mkdtemp(prefix="traycodes-sway-shot-"))
    runtime = root / "runtime"
    runtime.mkdir(mode=0o700)
    (root / "home").mkdir()
    session = WaylandSession(
        root,
        env={
            "HOME": str(root / "home"),
            "USER": USER if account else "",
            "XDG_RUNTIME_DIR": str(runtime),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        },
    )
    session.account = account
    for path in (root, root / "home", runtime):
        session.chown(path)
    try:
        session.start_sway(SWAY_CONFIG)
        session.swaymsg("create_output")
        wait_for(lambda: len(sway_outputs(session)) == 2, "sway's second output")
        yield session
    finally:
        session.stop()
        shutil.rmtree(root, ignore_errors=True)


def sway_outputs(session: WaylandSession) -> list[dict[str, Any]]:
    outputs: list[dict[str, Any]] = json.loads(session.swaymsg("-t", "get_outputs", "-r"))
    return [output for output in outputs if output.get("active")]


class SwayScreenRig:
    def __init__(self, sway: WaylandSession) -> None:
        self.sway = sway

    def make(self) -> Screenshot:
        platform = desktop.platform()
        assert platform.kind == "sway"
        made = platform.screenshot
        assert not isinstance(made, desktop.Missing), made.reason
        return made

    def monitors(self) -> list[tuple[int, int]]:
        return [(o["rect"]["width"], o["rect"]["height"]) for o in sway_outputs(self.sway)]

    def show(self, colours: list[Colour]) -> None:
        """Each output's background in its colour (sway runs swaybg), waited for through
        grim itself, one output at a time, not through traycodes."""
        names = sorted(output["name"] for output in sway_outputs(self.sway))
        for name, colour in zip(names, colours, strict=True):
            self.sway.swaymsg("output", name, "bg", hex_colour(colour), "solid_color")
        for name, colour in zip(names, colours, strict=True):
            wait_for(
                lambda n=name, c=colour: self.corner(n) == c, f"{name} in {hex_colour(colour)}"
            )

    def corner(self, name: str) -> Colour:
        """The colour at the middle of output ``name``, as grim takes it."""
        import io
        import subprocess

        from PIL import Image

        done = subprocess.run(
            ["grim", "-o", name, "-t", "png", "-"],
            env=self.sway.full_env(),
            capture_output=True,
            check=False,
            timeout=15,
            **self.sway.as_user(),
        )
        if done.returncode:
            return (-1, -1, -1)
        image = Image.open(io.BytesIO(done.stdout)).convert("RGB")
        found: Colour = image.getpixel((image.width // 2, image.height // 2))  # type: ignore[assignment]
        return found


@pytest.fixture
def in_sway_two(
    sway_two_outputs: WaylandSession, monkeypatch: pytest.MonkeyPatch
) -> WaylandSession:
    for name in ("WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "SWAYSOCK", "XDG_SESSION_TYPE",
                 "XDG_CURRENT_DESKTOP"):  # fmt: skip
        monkeypatch.setenv(name, sway_two_outputs.env[name])
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("HYPRLAND_INSTANCE_SIGNATURE", raising=False)
    return sway_two_outputs


class TestGrimScreenshot(ScreenshotContract):
    @pytest.fixture
    def rig(self, in_sway_two: WaylandSession) -> SwayScreenRig:
        return SwayScreenRig(in_sway_two)


# --- the Screenshot portal --------------------------------------------------------------------

SCREEN = (2560, 800)  # the fake desktop's: two monitors of 1280x800 side by side


@pytest.fixture(scope="module")
def bus() -> Iterator[DesktopSession]:
    with (
        desktop_session(x=False, keyring=False, window_manager=False) as session,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("DBUS_SESSION_BUS_ADDRESS", session.env["DBUS_SESSION_BUS_ADDRESS"])
        yield session


class PortalScreenRig:
    """The fake desktop hands back, at each Screenshot call, the file ``show`` last wrote
    (and traycodes deletes it once read, as it must)."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "Screenshot from today.png"

    def make(self) -> Screenshot:
        made = screenshot("gnome")
        assert not isinstance(made, desktop.Missing), made.reason
        return made

    def monitors(self) -> list[tuple[int, int]]:
        return [(SCREEN[0] // 2, SCREEN[1])] * 2

    def show(self, colours: list[Colour]) -> None:
        from PIL import Image

        picture = Image.new("RGB", SCREEN, (0, 0, 0))
        for number, colour in enumerate(colours):
            picture.paste(
                colour, (number * SCREEN[0] // 2 + 100, 100, number * SCREEN[0] // 2 + 400, 400)
            )
        picture.save(self.file)


class TestPortalScreenshot(ScreenshotContract):
    @pytest.fixture
    def rig(self, bus: DesktopSession, tmp_path: Path) -> Iterator[PortalScreenRig]:
        rig = PortalScreenRig(tmp_path)
        fake = FakeDesktop(
            bus.env["DBUS_SESSION_BUS_ADDRESS"], portals={"Screenshot": 2}, screenshot=rig.file
        )
        try:
            yield rig
        finally:
            fake.close()


def test_the_rigs_are_what_the_contract_asks_for(tmp_path: Path) -> None:
    """mypy checks these assignments: each rig satisfies the contract's Protocol."""
    rigs: list[type[ScreenshotRig]] = [X11ScreenRig, SwayScreenRig, PortalScreenRig]  # type: ignore[list-item]
    assert len(rigs) == 3
