"""pystray's private members, which traycodes' fixes to its icons reach into, are named in
one module (desktop/_pystray.py) and used nowhere else; every one is still defined by the
installed pystray's backend classes (read from their source: the Windows and macOS ones
cannot be imported here); and pystray is pinned below its next minor release. A pystray
that drops one fails here, not at a user's start."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

from tests.paths import SOURCE
from traycodes.desktop._pystray import OWN_MEMBERS, PRIVATE_MEMBERS

PACKAGE = SOURCE / "traycodes"
CONFINED = PACKAGE / "desktop" / "_pystray.py"
# Each backend's Icon and the classes it is made from, by file in the pystray package.
CLASS_FILES = {
    "xorg": ("_xorg.py", "_base.py"),
    "gtk": ("_gtk.py", "_util/gtk.py", "_base.py"),
    "appindicator": ("_appindicator.py", "_util/gtk.py", "_base.py"),
    "darwin": ("_darwin.py", "_base.py"),
    "win32": ("_win32.py", "_base.py"),
}


def pystray_folder() -> Path:
    spec = importlib.util.find_spec("pystray")
    assert spec is not None and spec.origin is not None, "pystray is not installed"
    return Path(spec.origin).parent


def defined_members(source: str) -> set[str]:
    """The names a file's classes define: methods, class attributes, and what their methods
    set on ``self``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
        ):
            names.add(node.attr)
    return names


def missing(backend: str, members: tuple[str, ...], folder: Path) -> list[str]:
    defined: set[str] = set()
    for name in CLASS_FILES[backend]:
        defined |= defined_members((folder / name).read_text(encoding="utf-8"))
    return [member for member in members if member not in defined]


@pytest.mark.parametrize("backend", sorted(PRIVATE_MEMBERS))
def test_every_private_member_used_is_defined_by_the_installed_pystray(backend: str) -> None:
    assert missing(backend, PRIVATE_MEMBERS[backend], pystray_folder()) == []


def test_a_pystray_that_dropped_a_member_fails(tmp_path: Path) -> None:
    """The check on a copy of pystray whose xorg icon lost ``_assert_docked``."""
    folder = pystray_folder()
    for name in ("_xorg.py", "_base.py"):
        text = (folder / name).read_text(encoding="utf-8")
        if name == "_xorg.py":
            text = text.replace("def _assert_docked(", "def _assert_docked_renamed(")
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert missing("xorg", PRIVATE_MEMBERS["xorg"], tmp_path) == ["_assert_docked"]


def used_on_icons(path: Path) -> set[str]:
    """Private names the file reaches through ``self`` or ``super()``."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute) or not node.attr.startswith("_"):
            continue
        through = node.value
        if (isinstance(through, ast.Name) and through.id == "self") or (
            isinstance(through, ast.Call)
            and isinstance(through.func, ast.Name)
            and through.func.id == "super"
        ):
            used.add(node.attr)
        if isinstance(node.value, ast.Name) and node.attr.startswith("__"):
            used.discard(node.attr)
    return used


def test_the_table_names_every_private_member_the_module_uses() -> None:
    named = set().union(*PRIVATE_MEMBERS.values())
    assert used_on_icons(CONFINED) - named - OWN_MEMBERS == set()


PYSTRAY_ONLY = sorted(
    set().union(*PRIVATE_MEMBERS.values())
    - {"_run", "_thread", "_display", "_window", "_initialize", "_notifier"}  # common names
)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_other_module_touches_pystrays_private_members(path: Path) -> None:
    if path == CONFINED:
        return
    text = path.read_text(encoding="utf-8")
    assert [m for m in PYSTRAY_ONLY if re.search(rf"\.{m}\b", text)] == []
    assert "pystray._" not in text or path.name == "tray.py"  # tray.py loads the backend


def test_pystray_is_pinned_below_its_next_minor_release() -> None:
    import tomllib
    from importlib.metadata import version

    project = tomllib.loads((SOURCE / "pyproject.toml").read_text(encoding="utf-8"))
    (pin,) = [d for d in project["project"]["dependencies"] if d.startswith("pystray")]
    bound = re.search(r"<\s*(\d+)\.(\d+)", pin)
    assert bound is not None, f"{pin!r} has no upper bound"
    major, minor = (int(n) for n in version("pystray").split(".")[:2])
    assert (int(bound[1]), int(bound[2])) == (major, minor + 1), pin
