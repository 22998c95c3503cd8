"""The platform layer's rule (docs/architecture.md): only ``traycodes/desktop/`` asks which
OS it runs on or talks to an OS library. Elsewhere no ``sys.platform``, ``os.name`` or
``platform.system()`` test, no import of Xlib, winreg, AppKit, Quartz, objc (nor
``ctypes.windll``/``WinDLL``); code below desktop's layer detects features instead
(``hasattr(os, ...)``, a module that imports or not). And ``desktop``'s public functions
return no ``Any``."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

from tests.paths import SOURCE

PACKAGE = SOURCE / "traycodes"
# Modules outside desktop/ that may still test the OS: none (kept, so that a module that
# must, one day, is named here and its test below says when it no longer does).
ALLOWED: set[str] = set()
OS_MODULES = {"Xlib", "winreg", "_winreg", "AppKit", "Quartz", "objc", "Foundation", "Cocoa"}
OS_ATTRIBUTES = {
    ("sys", "platform"),
    ("sys", "getwindowsversion"),
    ("os", "name"),
    ("os", "uname"),
    ("platform", "system"),
    ("platform", "platform"),
    ("platform", "win32_ver"),
    ("platform", "mac_ver"),
    ("ctypes", "windll"),
    ("ctypes", "WinDLL"),
    ("ctypes", "oledll"),
}


def os_tests(text: str) -> list[str]:
    """Each place in ``text`` (Python source) that tests the OS or imports an OS library."""
    found = []
    for node in ast.walk(ast.parse(text)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in OS_ATTRIBUTES:
                found.append(f"{line}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
            found += [f"{line}: import {n}" for n in names if _os_module(n) or n == "platform"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            module = node.module or ""
            if _os_module(module) or module == "platform":
                found.append(f"{line}: from {module} import")
            elif module == "sys" and any(a.name == "platform" for a in node.names):
                found.append(f"{line}: from sys import platform")
        elif isinstance(node, ast.Call) and node.args:  # importlib.import_module("winreg")
            first = node.args[0]
            called = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            constant = isinstance(first, ast.Constant) and _os_module(str(first.value))
            if called == "import_module" and constant:
                found.append(f"{line}: import_module({ast.unparse(first)})")
    return found


def _os_module(name: str) -> bool:
    return name.split(".", maxsplit=1)[0] in OS_MODULES


def outside_desktop() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "desktop")


@pytest.mark.parametrize("path", outside_desktop(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_desktop_asks_which_os_it_runs_on(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    found = os_tests(path.read_text(encoding="utf-8"))
    if where in ALLOWED:
        assert found, f"{where} no longer tests the OS: take it off ALLOWED"
    else:
        assert found == [], f"{where} tests the OS (desktop.platform() knows): {found}"


@pytest.mark.parametrize(
    "planted",
    [
        'if sys.platform == "win32":\n    pass\n',
        'if sys.platform.startswith("linux"):\n    pass\n',
        'WINDOWS = os.name == "nt"\n',
        "import platform\nplatform.system()\n",
        "import winreg\n",
        "from Xlib import display\n",
        "from AppKit import NSWorkspace\n",
        "import Quartz\n",
        "import objc\n",
        "user32 = ctypes.windll.user32\n",
        "user32 = ctypes.WinDLL('user32')\n",
        "import importlib\nreg = importlib.import_module('winreg')\n",
        "from sys import platform\n",
    ],
)
def test_a_planted_os_test_is_found(planted: str) -> None:
    """Each kind, planted into a real module outside desktop/, fails the rule."""
    vault = PACKAGE / "vault" / "files.py"
    assert os_tests(vault.read_text(encoding="utf-8")) == []
    assert os_tests(vault.read_text(encoding="utf-8") + "\n" + planted) != []


def test_feature_detection_is_not_an_os_test() -> None:
    detected = (
        "import importlib\nfcntl = importlib.import_module('fcntl')\n"
        "NOFOLLOW = getattr(os, 'O_NOFOLLOW', None)\nif hasattr(signal, 'SIGHUP'):\n    pass\n"
        "from .. import desktop\ndesktop.platform()\n"
    )
    assert os_tests(detected) == []


# --- desktop's public functions are typed: no Any comes out of them --------------------------


def public_functions() -> list[str]:
    from traycodes import desktop

    return sorted(
        name
        for name, value in vars(desktop).items()
        if inspect.isfunction(value)
        and not name.startswith("_")
        and value.__module__.startswith("traycodes.desktop")
    )


def returns_any(function: object) -> bool:
    from traycodes import desktop

    hints = typing.get_type_hints(function, globalns=vars(desktop) | _type_names())
    answer = hints.get("return", typing.Any)
    return answer is typing.Any or typing.Any in typing.get_args(answer)


def _type_names() -> dict[str, object]:
    from PIL import Image

    from traycodes.desktop import _sni, _win32_pipe

    return {
        "typing": typing,
        "Image": Image,
        "MenuNode": _sni.MenuNode,
        "StatusNotifierItem": _sni.StatusNotifierItem,
        "Win32Pipes": _win32_pipe.Win32Pipes,
    }


@pytest.mark.parametrize("name", public_functions())
def test_desktop_public_functions_return_no_any(name: str) -> None:
    from traycodes import desktop

    assert not returns_any(getattr(desktop, name)), f"desktop.{name} returns Any"


def test_a_function_returning_any_is_found() -> None:
    def planted() -> typing.Any: ...

    def unannotated():  # type: ignore[no-untyped-def]
        ...

    def typed() -> int | None: ...

    assert returns_any(planted) and returns_any(unannotated) and not returns_any(typed)
    assert len(public_functions()) > 10  # the list above was really read
