"""Faces for accounts (issue 25) on a real desktop: the quick-pick's rows and the enrolment
dialog show the account's brand icon or its initial, judged by the pixels on screen where
the window says the face is (a row without its face shows the window's background there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.apphelper import GITHUB_KEY, GOOGLE_KEY, TrayApp
from tests.desktop.session import DesktopSession, wait_for
from traycodes.faces import initial_colour

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]

GITHUB_COLOUR = "#181717"  # simple-icons' GitHub
UNKNOWN = "Zyxcorp"  # no site of the 2FA directory, no brand: its initial
ENROL = "traycodes: add account"


@pytest.fixture
def app(desktop: DesktopSession, tmp_path: Path) -> Iterator[TrayApp]:
    made = TrayApp(desktop, tmp_path, backend="xorg")
    made.init(
        f"otpauth://totp/GitHub:octocat?secret={GITHUB_KEY}&issuer=GitHub",
        f"otpauth://totp/{UNKNOWN}:me?secret={GOOGLE_KEY}&issuer={UNKNOWN}",
    )
    yield made
    made.kill()
    (Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock").unlink(missing_ok=True)


def share_of(app: TrayApp, box: list[int], colour: str, name: str) -> float:
    """How much of a box on screen is ``colour`` (within a little)."""
    from PIL import Image

    x, y, width, height = box
    want = bytes.fromhex(colour.lstrip("#"))
    with Image.open(app.screenshot(name)) as shot:
        region = shot.convert("RGB").crop((x, y, x + width, y + height))
        pixels = [region.getpixel((i, j)) for i in range(width) for j in range(height)]
    near = [p for p in pixels if all(abs(a - b) <= 24 for a, b in zip(p, want, strict=True))]  # type: ignore[arg-type]
    return len(near) / len(pixels)


def shows(app: TrayApp, box: list[int], colour: str, name: str) -> bool:
    return share_of(app, box, colour, name) > 0.4  # the tile, less its glyph and corners


def test_quick_pick_rows_carry_their_face(app: TrayApp) -> None:
    """GitHub's row shows GitHub's icon on its brand colour; an unknown site's row its
    initial on the colour its name gives."""
    app.start()
    app.request("show")
    wait_for(lambda: len(app.state()["quickpick_faces"]) == 2, "two rows with faces")
    faces = {face["brand"] or "initial": face for face in app.state()["quickpick_faces"]}
    assert set(faces) == {"github", "initial"}
    assert faces["github"]["colour"] == GITHUB_COLOUR
    assert faces["initial"]["colour"] == initial_colour(UNKNOWN)
    github, initial = faces["github"]["box"], faces["initial"]["box"]
    wait_for(lambda: shows(app, github, GITHUB_COLOUR, "faces-quickpick.png"), "GitHub's face")
    assert shows(app, initial, initial_colour(UNKNOWN), "faces-quickpick.png")
    # the positive control for the colours: neither face is the other's colour
    assert share_of(app, github, initial_colour(UNKNOWN), "faces-quickpick.png") < 0.05
    assert share_of(app, initial, GITHUB_COLOUR, "faces-quickpick.png") < 0.05
    assert app.stop() == 0


def dialog(app: TrayApp) -> dict[str, Any]:
    state = app.state()["enrol"]
    assert state is not None, "the enrolment dialog is not open"
    return state  # type: ignore[no-any-return]


def test_the_enrolment_dialog_shows_the_new_accounts_face(app: TrayApp) -> None:
    """The link's site's face beside its live code."""
    app.start()
    app.request("enrol", link=f"otpauth://totp/GitHub:new?secret={GITHUB_KEY}&issuer=GitHub")
    wait_for(lambda: app.window_named(ENROL) is not None, "the enrolment dialog")
    wait_for(lambda: dialog(app)["face"].get("brand") == "github", "GitHub's face")
    wait_for(
        lambda: shows(app, dialog(app)["widgets"]["face"], GITHUB_COLOUR, "faces-enrol.png"),
        "GitHub's face on screen",
    )
    assert app.stop() == 0
