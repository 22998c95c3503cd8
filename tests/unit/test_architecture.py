"""The layers of ../shared/design/ARCHITECTURE.md: imports only run downwards.

Also: importing the package starts nothing, and the one-shot CLI imports no GUI module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SOURCE

PACKAGE = SOURCE / "traycodes"

# module (or package) -> layer; a module may import traycodes modules of lower layers only,
# and modules of its own layer where listed in SAME_LAYER_OK.
LAYERS = {
    "errors": 0,
    "model": 0,
    "protobuf": 0,
    "otp": 1,
    "uri": 1,
    "matching": 1,
    "adding": 1,
    "keys": 1,
    "vault": 2,
    "keystore": 2,
    "formats": 2,
    "settings": 2,
    "directory": 2,
    "sitematch": 2,
    "faces": 2,
    "browser": 5,
    "desktop": 3,
    "ipc": 3,
    "ui": 4,
    "app": 5,
    "cli": 5,
    "__main__": 5,
    "__init__": 0,
    "resources": 0,
    "i18n": 0,
}
SAME_LAYER_OK = {
    ("errors", "model"),
    ("model", "errors"),
    ("vault", "keystore"),
    ("formats", "vault"),  # through the package's public API only: see below
    ("sitematch", "directory"),
    ("ipc", "desktop"),  # the client asks the platform for its transport
    ("faces", "directory"),
    ("errors", "i18n"),  # messages in the user's language
    ("model", "i18n"),
    ("resources", "i18n"),
}
PUBLIC_API_PACKAGES = ("vault",)  # imported as a package, never a module inside it
THIRD_PARTY = {  # third-party imports allowed from each layer
    0: set(),
    1: set(),
    2: {
        "cryptography",
        "keyring",
        "zxingcpp",
        "segno",
        "platformdirs",
        "PIL",
        "tomli_w",
        "pykeepass",
        "publicsuffixlist",
        "nacl",
        "defusedxml",
    },
    3: {"Xlib", "AppKit", "Foundation", "Quartz", "PIL", "platformdirs", "jeepney", "winreg", "gi"},
    4: {"PIL", "tkinter"},
    5: {"pystray", "pynput", "PIL", "tkinter", "platformdirs", "keyring", "gi"},
}
STDLIB = set(sys.stdlib_module_names)


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def top_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imported(path: Path, text: str | None = None) -> set[tuple[str, bool]]:
    """(module, is_traycodes) pairs for every import in the file (or in ``text``, as if it
    were that file), resolved to top names."""
    tree = ast.parse(path.read_text() if text is None else text)
    depth = len(path.relative_to(PACKAGE).parts) - 1  # 0 for traycodes/x.py
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name.split(".")
                found.add(
                    (name[1], True)
                    if name[0] == "traycodes" and len(name) > 1
                    else (name[0], False)
                )
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                name = (node.module or "").split(".")
                if name[0] == "traycodes":
                    found.update(
                        (n, True)
                        for n in ([name[1]] if len(name) > 1 else [a.name for a in node.names])
                    )
                else:
                    found.add((name[0], False))
            elif node.level - 1 < depth:  # relative import inside a subpackage
                continue
            elif node.module:
                found.add((node.module.split(".")[0], True))
            else:
                found.update((a.name, True) for a in node.names)
    return found


# Layers that import fewer layers than all those below them (docs/architecture.md).
LOWER_LAYERS_OK = {3: {0}, 4: {0, 1, 2}}
# The ways up that a layer-3 module may take: the IPC transport keeps its socket folder
# and the pipe's name in the state folder, with vault's private-folder and atomic-write
# helpers (names, not modules: ``from ..vault import Vault`` in desktop/ still fails).
# The platform's hotkeys take the one parsed hotkey value of the pure layer-1 ``keys``.
NAMES_OK = {
    ("desktop", "vault"): {"atomic_write", "make_private_folder", "state_folder"},
    ("desktop", "keys"): {"Hotkey", "NAMED_KEYS", "keysym_name"},
}


def names_from(path: Path, text: str | None, module: str) -> set[str]:
    """The names the file imports from traycodes' ``module`` (``from ..module import a, b``)."""
    tree = ast.parse(path.read_text() if text is None else text)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            if node.module.split(".")[0] == module:
                names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom | ast.Import) and not getattr(node, "level", 0):
            for alias in node.names:
                full = (getattr(node, "module", None) or alias.name).split(".")
                if full[:2] == ["traycodes", module]:
                    names.add("*")  # an absolute import: not one of the names allowed
    return names


def layer_violations(path: Path, text: str | None = None) -> list[str]:
    """Imports of the file (or of ``text`` in its place) that run upwards or sideways, or
    reach a third-party package its layer may not use."""
    own = top_name(path)
    if own not in LAYERS:
        return [f"{own} has no layer: add it to docs/architecture.md and this test"]
    layer = LAYERS[own]
    lower = LOWER_LAYERS_OK.get(layer, set(range(layer)))
    wrong = []
    for name, ours in imported(path, text):
        if ours:
            if name in (own, "__version__"):
                continue
            if name not in LAYERS:
                wrong.append(f"{path.name} imports unknown traycodes.{name}")
            elif not (
                LAYERS[name] in lower
                or (own, name) in SAME_LAYER_OK
                or (LAYERS[name] == layer and layer == 5)
                or (
                    names_from(path, text, name) <= NAMES_OK.get((own, name), set()) - {""}
                    and (own, name) in NAMES_OK
                )
            ):
                wrong.append(f"{own} (layer {layer}) imports {name} (layer {LAYERS[name]})")
        elif name not in STDLIB and name != "__future__":
            allowed = set().union(*(THIRD_PARTY[n] for n in range(layer + 1)))
            if name not in allowed:
                wrong.append(f"{own} (layer {layer}) imports third-party {name}")
    return wrong


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downwards(path: Path) -> None:
    assert layer_violations(path) == []


def heavy_in_one_shot_cli(planted: str = "") -> str:
    """The heavy modules loaded by a one-shot ``traycodes code`` (after ``planted``)."""
    code = (
        f"import sys; {planted}from traycodes.cli import main; "
        "main(['code', '--key', 'JBSWY3DPEHPK3PXP', '--at', '0']); "
        "heavy = [m for m in ('tkinter', 'pystray', 'pynput', 'PIL', 'cryptography', 'keyring',"
        " 'Xlib', 'gi', 'zxingcpp', 'segno') if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.splitlines()[-1]


def test_one_shot_cli_imports_nothing_heavy() -> None:
    assert heavy_in_one_shot_cli() == "[]"


def windows_in_the_tray_process(planted: str = "") -> str:
    """Tk and the window modules the tray process loads (after ``planted``)."""
    code = (
        f"import sys; {planted}"
        "import traycodes.app.main, traycodes.app.uiproc, traycodes.app.start; "
        "print([m for m in sys.modules if m == 'tkinter' or m.startswith('traycodes.ui.') "
        "and m not in ('traycodes.ui.rows', 'traycodes.ui.enrolform')])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.splitlines()[-1]


def test_the_tray_process_loads_no_toolkit_of_the_windows() -> None:
    """With the windows in a child process (macOS), the tray process must not load Tk:
    the app's parts and the child-process host import no tkinter (nor any window)."""
    assert windows_in_the_tray_process() == "[]"


def test_importing_the_package_starts_nothing() -> None:
    code = (
        "import sys, threading, traycodes; "
        "print(threading.active_count(), 'traycodes.cli' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["1", "False"]


def module_imports(path: Path, text: str | None = None) -> set[str]:
    """The dotted traycodes modules the file at ``path`` imports (relative imports
    resolved); ``text``: its source, when not the file's own."""
    tree = ast.parse(path.read_text() if text is None else text)
    package = list(path.relative_to(PACKAGE).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif (node.module or "").startswith("traycodes."):
                target = (node.module or "").split(".")[1:]
            else:
                continue
            found.add(".".join(target))
        elif isinstance(node, ast.Import):
            found.update(
                ".".join(a.name.split(".")[1:])
                for a in node.names
                if a.name.startswith("traycodes.")
            )
    return found


def public_api_violations(path: Path, text: str | None = None) -> list[str]:
    own = path.relative_to(PACKAGE).parts[0]
    return [
        module
        for module in module_imports(path, text)
        if module.partition(".")[0] in PUBLIC_API_PACKAGES
        and module.partition(".")[0] != own
        and module.partition(".")[2]
    ]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_packages_are_used_through_their_public_api(path: Path) -> None:
    """Outside vault/, nothing imports vault.store, vault.format, ...: only traycodes.vault."""
    assert public_api_violations(path) == []


def test_the_public_api_rule_catches_a_planted_violation() -> None:
    readers = PACKAGE / "formats" / "readers.py"
    planted = readers.read_text() + "\nfrom ..vault.store import Vault\n"
    assert public_api_violations(readers, planted) == ["vault.store"]


# --- the module graph: no cycles, no private names or private modules across boundaries -------


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in modules()}


def edges(path: Path, text: str | None = None) -> list[tuple[str, str]]:
    """(module imported, name taken from it) for every traycodes import in the file, at any
    depth (an import inside a function still ties the modules together)."""
    tree = ast.parse(path.read_text() if text is None else text)
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    package = parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            elif (node.module or "").startswith("traycodes"):
                target = ".".join((node.module or "").split(".")[1:])
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                found.append((sub, "") if sub in MODULES else (target, alias.name))
        elif isinstance(node, ast.Import):
            found += [
                (".".join(a.name.split(".")[1:]), "")
                for a in node.names
                if a.name.startswith("traycodes.")
            ]
    return found


def graph(overrides: dict[str, str] | None = None) -> dict[str, set[str]]:
    result = {}
    for name, path in MODULES.items():
        text = (overrides or {}).get(name)
        result[name] = {m for m, _ in edges(path, text) if m in MODULES and m != name}
    return result


def cycles(links: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in links[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in links:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_a_planted_cycle_is_found() -> None:
    planted = MODULES["model"].read_text() + "\nfrom .otp import hotp\n"  # otp imports model
    assert ["model", "otp"] in cycles(graph({"model": planted}))


def private_crossings(name: str, text: str | None = None) -> list[str]:
    """Private names taken from another module, and private modules (``desktop._xdg``)
    imported from outside their own package."""
    own_package = name.split(".", maxsplit=1)[0]
    wrong = []
    for module, taken in edges(MODULES[name], text):
        # ``_`` is gettext's name for "in the user's language" (i18n), not a private one
        if taken.startswith("_") and taken != "_" and not taken.startswith("__") and module != name:
            wrong.append(f"{module}.{taken}")
        private_module = any(part.startswith("_") for part in module.split(".")[1:])
        if private_module and module.split(".")[0] != own_package:
            wrong.append(module)
    return wrong


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_names_across_modules(name: str) -> None:
    assert private_crossings(name) == []


def test_a_planted_private_import_is_found() -> None:
    planted = MODULES["app.main"].read_text() + "\nfrom ..desktop._xdg import Notifier\n"
    assert "desktop._xdg" in private_crossings("app.main", planted)
    planted = MODULES["cli.code"].read_text() + "\nfrom .common import _hidden\n"
    assert "cli.common._hidden" in private_crossings("cli.code", planted)
