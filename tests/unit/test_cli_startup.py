"""What keeps a one-shot ``traycodes code`` fast, checked by what it imports, not by a clock:
only the module of the command run (cli.COMMANDS says which), no ``typing`` (modules write
``TYPE_CHECKING = False``: CONTRIBUTING.md), no GUI, no other command's modules.
``scripts/bench startup`` has the figures.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import subprocess
import sys

from tests.paths import SOURCE
from traycodes.cli import COMMANDS, build_parser

URI = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"

# Each of these cost a one-shot `traycodes code --uri` start-up time once (or would).
NOT_FOR_A_CODE = (
    *(f"traycodes.cli.{module}" for module in set(COMMANDS.values()) - {"code"}),
    "traycodes.vault",
    "traycodes.settings",
    "typing",
    "importlib.util",
    "socket",
    "json",
    "pathlib",
    "shutil",
    "PIL",
    "pystray",
    "pynput",
    "tkinter",
    "cryptography",
    "keyring",
)


def imported_by_code(*argv: str) -> tuple[str, list[str]]:
    """(stdout, modules of NOT_FOR_A_CODE loaded) of ``traycodes code ...`` in a fresh
    Python, run the way the installed command runs it (``main()`` reads ``sys.argv``)."""
    program = (
        "import sys\n"
        "from traycodes.cli import main\n"
        "code = main()\n"
        f"loaded = [m for m in {NOT_FOR_A_CODE!r} if m in sys.modules]\n"
        "print(code, loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "code", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    *output, last = done.stdout.splitlines()
    status, _, loaded = last.partition(" ")
    assert status == "0", done.stderr
    return "\n".join(output), ast.literal_eval(loaded)


def test_a_code_from_a_link_imports_only_what_it_needs() -> None:
    printed, loaded = imported_by_code("--uri", URI, "--at", "59")
    assert printed == "287082"  # RFC 6238's SHA-1 vector at 59 s, as 6 digits
    assert loaded == []


def test_a_code_from_a_setup_key_imports_only_what_it_needs() -> None:
    printed, loaded = imported_by_code("--key", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--at", "59")
    assert printed == "287082"
    assert loaded == []


def test_the_parser_for_a_command_holds_only_its_modules_commands() -> None:
    parser = build_parser(["code", "--uri", URI])
    table = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(table.choices) == ["code"]
    parser = build_parser(["--vault", "v.tcv", "list"])
    table = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(table.choices) == [n for n, m in COMMANDS.items() if m == "records"]


def test_an_unknown_command_is_told_among_all_the_commands() -> None:
    parser = build_parser(["cod"])
    table = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(table.choices) == list(COMMANDS)


def test_the_command_table_is_what_the_modules_add() -> None:
    """cli.COMMANDS names each command's module, in the order --help lists them: a command
    added to a module and not to the table (or to the wrong module) fails here."""
    added: dict[str, str] = {}

    class Table:
        def __init__(self, module: str) -> None:
            self.module = module

        def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser:
            added[name] = self.module
            return argparse.ArgumentParser()

    for module in dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"traycodes.cli.{module}").add_commands(Table(module))
    assert added == COMMANDS
    assert list(added) == list(COMMANDS)
    modules = {p.stem for p in (SOURCE / "traycodes" / "cli").glob("*.py")}
    assert modules - {"__init__", "common", "platform_rows"} == set(COMMANDS.values())  # helpers


# --- one way to import for the type checker only ------------------------------------------


def names(targets: list[ast.expr]) -> set[str]:
    return {target.id for target in targets if isinstance(target, ast.Name)}


def type_checking_violations(text: str) -> list[str]:
    """Lines that take TYPE_CHECKING from typing, or define it other than as the one
    module-level ``TYPE_CHECKING = False``."""
    tree = ast.parse(text)
    top_level = {id(node) for node in tree.body}
    wrong = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "typing":
            if any(alias.name == "TYPE_CHECKING" for alias in node.names):
                wrong.append(f"{node.lineno}: from typing import TYPE_CHECKING")
        elif isinstance(node, ast.Attribute) and node.attr == "TYPE_CHECKING":
            wrong.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Assign) and "TYPE_CHECKING" in names(node.targets):
            the_one_form = id(node) in top_level and ast.unparse(node) == "TYPE_CHECKING = False"
            wrong += [] if the_one_form else [f"{node.lineno}: {ast.unparse(node)}"]
    return wrong


def test_every_module_guards_type_only_imports_the_same_way() -> None:
    wrong = {
        str(path.relative_to(SOURCE)): found
        for path in sorted((SOURCE / "traycodes").rglob("*.py"))
        if (found := type_checking_violations(path.read_text()))
    }
    assert wrong == {}


def test_the_type_checking_rule_catches_a_planted_violation() -> None:
    planted = "from __future__ import annotations\nfrom typing import TYPE_CHECKING, Any\n"
    assert type_checking_violations(planted) == ["2: from typing import TYPE_CHECKING"]
    planted = "import typing\nif typing.TYPE_CHECKING:\n    pass\n"
    assert type_checking_violations(planted) == ["2: typing.TYPE_CHECKING"]
    planted = "def f():\n    TYPE_CHECKING = False\n"
    assert type_checking_violations(planted) == ["2: TYPE_CHECKING = False"]
    assert type_checking_violations("TYPE_CHECKING = False\nif TYPE_CHECKING:\n    pass\n") == []


def test_help_is_as_wide_as_the_terminal_says() -> None:
    """The help's width comes from $COLUMNS (else the terminal, else 80), as argparse's own
    measure (shutil) gave it."""
    widths = []
    for columns in ("50", "120"):
        done = subprocess.run(
            [sys.executable, "-m", "traycodes", "code", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={**os.environ, "COLUMNS": columns},
        )
        widths.append(max(len(line) for line in done.stdout.splitlines()))
    assert 40 < widths[0] <= 50 < widths[1] <= 120
