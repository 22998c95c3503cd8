"""The README's "Where it works today" table against ``desktop.platform()``: for X11,
Windows and macOS, a cell that says "yes" or "written" means the parts of its row exist
on that platform, and a cell that says "no" means they are :class:`desktop.Missing`."""

from __future__ import annotations

import sys

import pytest

from tests.paths import SOURCE
from traycodes import desktop

# The parts each row of the table stands for (rows not listed here are not the platform
# layer's: the command line).
ROWS = {
    "tray icon and menu": {"tray"},
    "global hotkey types the code": {"global_shortcuts", "window_reader", "keyboard"},
    "start at login": {"autostart"},
    "app menu, `otpauth:` links": {"launcher", "link_handler"},
    "browser extension": {"host_registration"},
}
COLUMNS = {"X11": "linux", "Windows": "win32", "macOS": "darwin"}


def table() -> dict[str, dict[str, str]]:
    """Row name -> column name -> cell, from README.md."""
    lines = (SOURCE / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("## Where it works today")
    rows = [line for line in lines[start:] if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    names = [name.split(" (")[0] for name in header]
    found = {}
    for line in rows[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        found[cells[0]] = dict(zip(names[1:], cells[1:], strict=True))
    return found


def row_parts(row: str) -> set[str]:
    for name, parts in ROWS.items():
        if row.startswith(name):
            return parts
    return set()


def says(cell: str) -> bool | None:
    """True: "yes ..." or "... written ..."; False: "no ..."; None: neither."""
    if cell.startswith("no"):
        return False
    return True if cell.startswith("yes") or "written" in cell else None


def claims(column: str) -> set[str]:
    """The parts that ``column`` says are there."""
    return {p for row, cells in table().items() if says(cells[column]) for p in row_parts(row)}


def denials(column: str) -> set[str]:
    """The parts that ``column`` says are not there."""
    found = table().items()
    return {p for row, cells in found if says(cells[column]) is False for p in row_parts(row)}


def force(monkeypatch: pytest.MonkeyPatch, platform: str) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.setenv("DISPLAY", ":99")


def test_the_table_has_the_rows_and_columns_this_test_reads() -> None:
    found = table()
    for row in ROWS:
        assert any(name.startswith(row) for name in found), row
    assert all(set(COLUMNS) <= set(cells) for cells in found.values())


@pytest.mark.parametrize("column", COLUMNS)
def test_what_the_table_claims_is_there_and_what_it_denies_is_missing(
    column: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    force(monkeypatch, COLUMNS[column])
    parts = desktop.platform().parts()
    claimed, denied = claims(column), denials(column)
    assert claimed, f"the {column} column claims nothing: the table was not read"
    for name in claimed:
        assert not isinstance(parts[name], desktop.Missing), f"{column}: {name} {parts[name]}"
    for name in denied:
        assert isinstance(parts[name], desktop.Missing), f"{column} says no, but {name} exists"


def test_a_claim_of_a_missing_part_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above bites: macOS' app menu is missing, and a table claiming it fails."""
    force(monkeypatch, "darwin")
    parts = desktop.platform().parts()
    assert isinstance(parts["launcher"], desktop.Missing)
    assert "app bundle" in parts["launcher"].reason
    assert "launcher" in denials("macOS") and "launcher" not in claims("macOS")
