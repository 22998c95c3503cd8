"""What users install: the wheel and the sdist hold every module and data file, the tests
run against the installed package (not the checkout), a zipped install finds its icons,
and every command answers --help without a traceback, even from a broken install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import traycodes
from tests.paths import INSTALLED, SDIST, SOURCE, WHEEL
from traycodes.resources import SIZES, VARIANTS, icon

SCRIPT = Path(sys.executable).with_name("traycodes")


def needs_installed() -> None:
    """Only ``scripts/test`` (what CI runs) tests the installed wheel; ``--dev`` cannot."""
    if not INSTALLED:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the suite against the installed wheel (scripts/test)")
        pytest.skip("scripts/test --dev runs against the source tree")


def source_files() -> set[str]:
    """Every file of traycodes/ in the checkout, as paths inside the package."""
    package = SOURCE / "traycodes"
    return {
        path.relative_to(SOURCE).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_the_suite_runs_against_the_installed_package() -> None:
    needs_installed()
    installed = Path(traycodes.__file__).resolve()
    assert (SOURCE / "traycodes").resolve() not in installed.parents, installed
    assert "site-packages" in installed.parts
    # and so do the processes the tests start
    done = subprocess.run(
        [sys.executable, "-c", "import traycodes; print(traycodes.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=SOURCE,
        timeout=60,
    )
    assert Path(done.stdout.strip()).resolve() == installed


def test_the_wheel_holds_every_module_and_data_file() -> None:
    needs_installed()
    names = set(zipfile.ZipFile(WHEEL).namelist())
    missing = source_files() - names
    assert not missing, f"the wheel lacks {sorted(missing)}"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(WHEEL).read(entry_points).decode()
    assert "traycodes = traycodes.cli:main" in text


def test_the_sdist_holds_the_package_tests_and_docs() -> None:
    needs_installed()
    with tarfile.open(SDIST) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    missing = source_files() - names
    assert not missing, f"the sdist lacks {sorted(missing)}"
    for needed in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "tests/unit/test_packaging.py",
        "docs/reference_decrypt.py",
        "scripts/test",
        ".ci/run",
    ):
        assert needed in names


def test_every_icon_is_shipped_and_is_a_png() -> None:
    for variant in VARIANTS:
        for size in SIZES:
            for locked in (False, True):
                resource = icon(variant, size, locked=locked)
                assert resource.is_file(), resource
                assert resource.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


ZIPPED = """
import io, sys
import traycodes
from PIL import Image
from traycodes.resources import icon_bytes, icon_file
assert traycodes.__file__.startswith(sys.argv[1]), traycodes.__file__
with Image.open(io.BytesIO(icon_bytes("app", 64, locked=True))) as image:
    print(image.size)
with icon_file("mono", 22) as path:
    print(path.is_file(), Image.open(path).size)
"""


def run_zipped(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run with traycodes imported from one zip (the wheel, a zip that zipimport
    reads; else the checkout's package zipped), the archive's path as its argument."""
    archive = tmp_path / "traycodes.zip"
    if WHEEL:
        shutil.copy(WHEEL, archive)
    else:
        with zipfile.ZipFile(archive, "w") as out:
            for name in source_files():
                out.write(SOURCE / name, name)
    return subprocess.run(
        [sys.executable, "-c", script, str(archive)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(archive)},
        timeout=60,
        check=False,
        cwd=tmp_path,
    )


def test_a_zipped_install_finds_its_icons(tmp_path: Path) -> None:
    done = run_zipped(tmp_path, ZIPPED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["(64, 64)", "True (22, 22)"]


def test_version_and_every_commands_help() -> None:
    from traycodes.cli import build_parser

    assert SCRIPT.is_file(), "the traycodes command is not installed beside this Python"
    version = subprocess.run(
        [SCRIPT, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert version.returncode == 0
    assert version.stdout.strip() == f"traycodes {traycodes.__version__}"
    parser = build_parser([], all_commands=True)
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands and len(commands) >= 18
    for name in [None, *commands]:
        argv = [SCRIPT, "--help"] if name is None else [SCRIPT, name, "--help"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, (name, done.stderr)
        assert "usage: traycodes" in done.stdout, name
        assert "Traceback" not in done.stderr


def test_a_broken_install_says_so_in_one_line(tmp_path: Path) -> None:
    """The failure users met: a package without traycodes.formats. Every way in gives one
    line and exit 70, never a traceback."""
    broken = tmp_path / "site"
    shutil.copytree(Path(traycodes.__file__).parent, broken / "traycodes")
    shutil.rmtree(broken / "traycodes" / "formats")
    env = {**os.environ, "PYTHONPATH": str(broken)}
    env.pop("TRAYCODES_LOG", None)
    for argv in (["--help"], ["import", "x.json"], ["export", "--help"], []):
        done = subprocess.run(
            [sys.executable, "-m", "traycodes", *argv],
            capture_output=True,
            text=True,
            env={**env, "DISPLAY": ""},
            timeout=60,
            check=False,
            cwd=tmp_path,
        )
        assert "Traceback" not in done.stderr, (argv, done.stderr)
        if done.returncode:
            assert done.returncode in (2, 70), (argv, done.returncode)
            assert len(done.stderr.strip().splitlines()) == 1, (argv, done.stderr)
            assert done.stderr.startswith("traycodes: "), done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "traycodes", "import", "x.json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 70
    assert "traycodes.formats" in done.stderr and "reinstall" in done.stderr
