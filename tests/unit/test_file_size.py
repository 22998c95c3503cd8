"""No source file over 500 lines (issue 27's rule for a codebase a maintainer can hold in
their head): the Python and the shell scripts of the package, its tests and the scripts, and
the JavaScript: the extension's (its background is three scripts: background.js loads the
other two with importScripts in Chromium, Firefox's build lists them) and the tests'."""

from __future__ import annotations

from pathlib import Path

from tests.paths import SOURCE

LIMIT = 500
FOLDERS = ("traycodes", "tests", "scripts")
SUFFIXES = (".py", ".js", ".cjs", ".mjs", "")


def too_long(root: Path) -> list[str]:
    found = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in SUFFIXES or not path.is_file() or "node_modules" in path.parts:
                continue
            if path.suffix == "" and not path.read_bytes().startswith(b"#!"):
                continue
            lines = path.read_bytes().count(b"\n")
            if lines > LIMIT:
                found.append(f"{path.relative_to(root)}: {lines} lines")
    return found


def test_no_file_over_500_lines() -> None:
    assert too_long(SOURCE) == []


def test_a_long_file_is_found(tmp_path: Path) -> None:
    (tmp_path / "traycodes").mkdir()
    (tmp_path / "traycodes" / "long.py").write_text("x = 1\n" * (LIMIT + 1))
    (tmp_path / "traycodes" / "short.py").write_text("x = 1\n" * LIMIT)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "long.test.js").write_text("x();\n" * (LIMIT + 1))
    assert too_long(tmp_path) == [
        f"traycodes/long.py: {LIMIT + 1} lines",
        f"tests/long.test.js: {LIMIT + 1} lines",
    ]
