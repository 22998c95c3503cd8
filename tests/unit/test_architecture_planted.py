"""Each rule of tests/unit/test_architecture.py fails on a planted violation, and
docs/architecture.md says what that test enforces: its layer table, the third-party
packages each layer may use, the app's parts and the tests that use tests/unit/fakes.py
are checked against the code.
"""

from __future__ import annotations

import re

from tests.paths import SOURCE
from tests.unit.test_architecture import (
    LAYERS,
    PACKAGE,
    THIRD_PARTY,
    heavy_in_one_shot_cli,
    layer_violations,
    windows_in_the_tray_process,
)

DOC = SOURCE / "docs" / "architecture.md"


def violations(relative: str, line: str) -> list[str]:
    path = PACKAGE / relative
    return layer_violations(path, path.read_text() + f"\n{line}\n")


# --- the layer rule -----------------------------------------------------------------------


def test_the_files_planted_in_are_clean() -> None:
    for relative in ("otp.py", "desktop/_xdg.py", "ui/rows.py", "model.py", "vault/store.py"):
        assert layer_violations(PACKAGE / relative) == [], relative


def test_a_planted_upward_import_is_found() -> None:
    assert violations("otp.py", "from .app.main import App") == [
        "otp (layer 1) imports app (layer 5)"
    ]
    assert violations("vault/store.py", "from ..ui.rows import Row") == [
        "vault (layer 2) imports ui (layer 4)"
    ]
    assert violations("ui/rows.py", "from traycodes.cli import main") == [
        "ui (layer 4) imports cli (layer 5)"
    ]


def test_a_planted_import_of_a_layer_that_may_not_be_reached_is_found() -> None:
    """desktop/ may import layer 0 only, ui/ layers 0-2: below them, yet refused."""
    assert violations("desktop/_xdg.py", "from ..vault import Vault") == [
        "desktop (layer 3) imports vault (layer 2)"
    ]
    assert violations("ui/rows.py", "from ..desktop import notifier") == [
        "ui (layer 4) imports desktop (layer 3)"
    ]


def test_a_planted_sideways_import_is_found() -> None:
    assert violations("otp.py", "from .uri import parse_uri") == [
        "otp (layer 1) imports uri (layer 1)"
    ]


def test_a_planted_third_party_import_is_found() -> None:
    assert violations("model.py", "import pystray") == [
        "model (layer 0) imports third-party pystray"
    ]
    assert violations("vault/store.py", "from PIL import Image") == []  # layer 2 may
    assert violations("desktop/_xdg.py", "import tkinter") == []  # stdlib: not this rule
    assert violations("ui/rows.py", "import pynput") == ["ui (layer 4) imports third-party pynput"]


def test_a_planted_module_of_no_layer_is_found() -> None:
    assert violations("otp.py", "from .nowhere import thing") == [
        "otp.py imports unknown traycodes.nowhere"
    ]


# --- the rules checked in a fresh process -------------------------------------------------


def test_a_planted_heavy_import_in_the_one_shot_cli_is_found() -> None:
    assert heavy_in_one_shot_cli("import PIL.Image; ") == "['PIL']"


def test_a_planted_window_toolkit_in_the_tray_process_is_found() -> None:
    assert windows_in_the_tray_process("import tkinter; ") == "['tkinter']"


# --- docs/architecture.md says what the code does ------------------------------------------


def table(text: str, heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first table under ``heading``."""
    section = text.split(f"\n{heading}\n", 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # past the header and its rule


def names_in(cell: str) -> list[str]:
    """The names in backticks, up to their first dot, slash or space."""
    return [re.split(r"[./ ]", name)[0] for name in re.findall(r"`([^`]+)`", cell)]


def doc_layers(text: str) -> dict[str, int]:
    found = {}
    for row in table(text, "## Layers"):
        for name in names_in(row[1]):
            found.setdefault(name, int(row[0]))
    return found


def doc_third_party(text: str) -> dict[int, set[str]]:
    return {int(row[0]): set(names_in(row[3])) for row in table(text, "## Layers")}


def test_the_layer_table_is_the_tests() -> None:
    assert doc_layers(DOC.read_text()) == LAYERS


def test_the_third_party_column_is_the_tests() -> None:
    assert doc_third_party(DOC.read_text()) == THIRD_PARTY


def test_a_layer_table_without_a_module_differs() -> None:
    text = DOC.read_text().replace("`protobuf`, ", "")
    assert doc_layers(text) != LAYERS


def test_the_apps_parts_are_its_modules() -> None:
    parts = table(DOC.read_text(), "## The running app (`app/`)")
    named = {name for row in parts for name in names_in(row[1])}
    modules = {p.stem for p in (PACKAGE / "app").glob("*.py")} - {"__init__"}
    assert named == modules


def test_the_tests_said_to_use_the_fakes_do() -> None:
    """The paragraph on tests/unit/fakes.py names exactly the tests that import it."""
    text = DOC.read_text()
    paragraph = text[text.index("(`tests/unit/fakes.py`") :].split("\n\n", 1)[0]
    named = {name for name in re.findall(r"`(test_\w+)\.py`", paragraph)}
    users = {
        path.stem
        for path in (SOURCE / "tests").rglob("test_*.py")
        if re.search(r"^from tests\.unit\.fakes import", path.read_text(), re.M)
    }
    assert named == users
