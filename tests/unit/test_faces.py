"""Faces for accounts (issue 25): which face a record gets (a brand through the 2FA
directory, else its initial on a colour from its name), the shipped set's consistency, and
the drawn images; the windows' side is in tests/desktop/test_faces.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SOURCE
from traycodes import directory
from traycodes.faces import PALETTE, Face, brand_for, face, face_for, image, initial, initial_colour
from traycodes.resources import data_bytes, data_file

GITHUB = Face("G", "#181717", "github")  # simple-icons' GitHub colour


@pytest.mark.parametrize(
    ("issuer", "websites", "brand"),
    [
        ("GitHub", (), "github"),  # the issuer is a directory name
        ("github", (), "github"),  # case and punctuation aside
        ("github.com", (), "github"),  # an issuer that is a domain
        ("", ("https://gist.github.com/me",), "github"),  # a website's registrable domain
        ("Work", ("github.com",), "github"),  # the website wins over an unknown issuer
        ("GitLab", ("https://github.com",), "github"),  # and over a known one
        ("Google", (), "google"),  # a brand behind several listed sites (google.com)
        ("", ("https://accounts.google.com",), "google"),
        ("", ("https://mail.google.com",), "gmail"),  # the directory's own site first
        ("Gmail", (), "gmail"),
    ],
)
def test_a_records_brand_is_found_through_the_directory(
    issuer: str, websites: tuple[str, ...], brand: str
) -> None:
    assert brand_for(issuer, websites) == brand


@pytest.mark.parametrize(
    ("issuer", "websites"),
    [
        ("Zyxcorp", ()),  # nobody knows it
        ("", ()),
        ("", ("https://example.co.uk",)),  # a public suffix is no brand
        ("KIT", ()),  # kit.edu alone: a university, not the brand "Kit"
        ("Republic", ()),  # on fig.co, which is not the brand "Fig"
        ("github.com.evil.test", ()),
    ],
)
def test_an_unknown_site_gets_its_initial(issuer: str, websites: tuple[str, ...]) -> None:
    assert brand_for(issuer, websites) == ""
    shown = face_for(issuer or "me@example.com", issuer, websites)
    assert shown.brand == ""
    assert shown.letter == initial(issuer or "me@example.com")
    assert shown.colour == initial_colour(issuer or "me@example.com")


def test_a_face_carries_the_brand_colour_or_the_initial() -> None:
    assert face_for("GitHub", "GitHub") == GITHUB
    assert face("octocat", "github") == Face("O", "#181717", "github")
    assert face("Zyxcorp", "no-such-brand") == Face("Z", initial_colour("Zyxcorp"))
    assert [initial(n) for n in ("zyx", " éclair", "123", "—", "")] == ["Z", "É", "1", "?", "?"]


def test_the_initials_colour_is_the_same_for_the_same_name_everywhere() -> None:
    assert initial_colour("Zyxcorp") == initial_colour("zyxcorp") == initial_colour("Zyx-Corp")
    assert initial_colour("Zyxcorp") == "#15803d"  # fixed: a colour is no hash of the session
    code = "from traycodes.faces import initial_colour; print(initial_colour('Zyxcorp'))"
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=60,
        )
        assert done.stdout.strip() == "#15803d"
    colours = {initial_colour(f"site {n}") for n in range(200)}
    assert colours == set(PALETTE)  # every colour used: neighbours in a list differ


def test_the_shipped_set_matches_the_directory_and_its_sprite() -> None:
    index = json.loads(data_bytes("faces.json"))
    names = {directory.folded(site.name) for site in directory.sites()}
    stale = set(index["sites"]) - names
    assert not stale, f"not in the 2FA directory (run scripts/make-faces): {sorted(stale)[:5]}"
    assert len(index["sites"]) > 500  # GitHub, Dropbox, PayPal...
    slugs = {*index["sites"].values(), *index["brands"].values()}
    assert slugs == set(index["icons"])  # no icon shipped that no site uses
    cells = sorted(cell for cell, _, _ in index["icons"].values())
    assert cells == list(range(len(cells)))
    from PIL import Image

    with data_file("faces.png").open("rb") as stream, Image.open(stream) as sprite:
        columns, cell = index["columns"], index["cell"]
        assert sprite.mode == "L" and sprite.width == columns * cell
        assert sprite.height == -(-len(cells) // columns) * cell
    assert len(data_bytes("faces.png")) + len(data_bytes("faces.json")) < 1_000_000


def test_the_licence_and_the_trademark_caveat_are_beside_the_faces() -> None:
    notice = data_bytes("faces-LICENSE.md").decode()
    assert "simple-icons" in notice and "CC0 1.0 Universal" in notice
    assert json.loads(data_bytes("faces.json"))["simple-icons"] in notice  # its version
    assert "Trademarks" in notice and "not the marks" in notice
    readme = (SOURCE / "README.md").read_text(encoding="utf-8")
    assert "simple-icons" in readme and "trademark" in readme.lower()


def close(pixel: tuple[int, ...], colour: str, slack: int = 24) -> bool:
    want = bytes.fromhex(colour.lstrip("#"))
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], want, strict=True))


@pytest.mark.parametrize("size", [24, 32, 40])
def test_faces_are_drawn_as_tiles_of_their_colour(size: int) -> None:
    for shown in (GITHUB, face("Zyxcorp")):
        picture = image(shown, size)
        assert picture.size == (size, size) and picture.mode == "RGBA"
        pixels = [picture.getpixel((x, y)) for x in range(size) for y in range(size)]
        tile = [p for p in pixels if close(p, shown.colour)]  # type: ignore[arg-type]
        ink = [p for p in pixels if close(p, "#ffffff", 40)]  # type: ignore[arg-type]
        assert len(tile) > len(pixels) // 3, shown
        assert len(ink) > len(pixels) // 40, shown  # the glyph or the letter on it
    light = image(face("Snapchat", "snapchat"), 32)  # yellow: its glyph is dark
    dark = [p for x in range(32) for y in range(32) if sum((p := light.getpixel((x, y)))[:3]) < 200]  # type: ignore[index, misc]
    assert len(dark) > 20


def test_rows_carry_their_face_to_the_window_process(tmp_path: Path) -> None:
    from tests.unit.fakes import FakeClock, FakeLoop, record, vault_with
    from tests.unit.test_app_parts import Host, session_for
    from traycodes.app.accounts import Accounts
    from traycodes.ui.rows import Row

    loop = FakeLoop()
    session = session_for(tmp_path / "v.tcv", loop, Host())
    session.unlock_with(
        vault_with(
            tmp_path / "v.tcv",
            record("GitHub"),
            record("Zyxcorp"),
            record("Work", websites=("https://gist.github.com",)),
        )
    )
    rows = {row.title: row for row in Accounts(session, FakeClock(1_700_000_000.0)).rows("")}
    faces = [rows[title].face for title in ("GitHub", "Zyxcorp", "Work")]
    assert faces == ["github", "", "github"]
    assert Row.from_json(rows["GitHub"].to_json()).face == "github"
    assert Row.from_json({**rows["GitHub"].to_json(), "face": None}).face == ""
    site = next(r for r in Accounts(session, FakeClock(0.0)).rows("dropbox") if r.is_site)
    assert site.title == "Dropbox"
    assert site.face == "dropbox"  # a directory site the search found shows its brand too


def test_looking_up_a_face_loads_no_image_library() -> None:
    """The tray process (and one-shot commands) look faces up; only a window draws them."""
    code = (
        "import sys; from traycodes.faces import face_for; "
        "assert face_for('GitHub', 'GitHub').brand == 'github'; "
        "print('PIL' in sys.modules, 'tkinter' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
        timeout=60,
    )
    assert done.stdout.split() == ["False", "False"]
