"""docs/usage.md's settings table (linked from the README) against traycodes.settings:
every setting is there, with its default, and the table names no setting that does not
exist; a table missing a row fails the check."""

from __future__ import annotations

import dataclasses
import re
import tomllib

from tests.paths import SOURCE
from traycodes.settings import Settings

ROW = re.compile(r"^\| `(\w+)` \| `([^`]*)` \|")


def table(text: str) -> dict[str, object]:
    """Setting -> default, from the rows under "## Settings" (defaults written in TOML)."""
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = (ROW.match(line) for line in section.splitlines())
    return {m.group(1): tomllib.loads(f"v = {m.group(2)}")["v"] for m in rows if m}


def problems(documented: dict[str, object]) -> list[str]:
    defaults = {f.name: f.default for f in dataclasses.fields(Settings) if f.name != "problems"}
    found = [f"{name}: not in the table" for name in defaults if name not in documented]
    found += [f"{name}: no such setting" for name in documented if name not in defaults]
    found += [
        f"{name}: the table says {documented[name]!r}, the default is {value!r}"
        for name, value in defaults.items()
        if name in documented and documented[name] != value
    ]
    return found


def usage() -> str:
    return (SOURCE / "docs" / "usage.md").read_text(encoding="utf-8")


def test_the_table_lists_every_setting_with_its_default() -> None:
    documented = table(usage())
    assert problems(documented) == []
    for name in ("hide_codes", "clock_offset", "password_reminder_days"):  # issue 25's
        assert name in documented


def test_the_readme_points_to_the_table() -> None:
    assert "docs/usage.md#settings" in (SOURCE / "README.md").read_text(encoding="utf-8")


def test_a_table_missing_a_row_or_with_a_wrong_default_fails() -> None:
    text = usage()
    without = "\n".join(line for line in text.splitlines() if "`hide_codes` |" not in line)
    assert problems(table(without)) == ["hide_codes: not in the table"]
    wrong = text.replace("| `menu_size` | `15` |", "| `menu_size` | `20` |")
    assert problems(table(wrong)) == ["menu_size: the table says 20, the default is 15"]
