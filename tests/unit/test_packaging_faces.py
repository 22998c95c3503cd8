"""The faces ship in the wheel (one sprite, its index, its licence), a zipped install draws
them, and the tool that rendered them (cairosvg) is no dependency of the package."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.paths import WHEEL
from tests.unit.test_packaging import needs_installed, run_zipped

FACES = ("traycodes/data/faces.png", "traycodes/data/faces.json", "traycodes/data/faces-LICENSE.md")


def test_the_wheel_holds_the_faces_and_their_licence_and_needs_no_renderer() -> None:
    needs_installed()
    with zipfile.ZipFile(WHEEL) as wheel:
        names = set(wheel.namelist())
        assert set(FACES) <= names
        assert "CC0 1.0 Universal" in wheel.read("traycodes/data/faces-LICENSE.md").decode()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [
            line
            for line in wheel.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
    assert requires and not any("cairosvg" in line.lower() for line in requires)
    assert len([n for n in names if "/data/faces" in n]) == len(FACES)  # one file, not many


DRAW = """
import sys
import traycodes
from traycodes.faces import face_for, image
assert traycodes.__file__.startswith(sys.argv[1]), traycodes.__file__
picture = image(face_for("GitHub", "GitHub"), 32)
print(picture.size, picture.getpixel((16, 2)))
"""


def test_a_zipped_install_draws_a_face(tmp_path: Path) -> None:
    done = run_zipped(tmp_path, DRAW)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(32, 32) (24, 23, 23, 255)"  # GitHub's #181717 tile
