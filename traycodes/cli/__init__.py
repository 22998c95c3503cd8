"""The ``traycodes`` command: the front door for scripts and terminals.

This package (and the app) alone prints or exits. This module builds the parser and runs
a command; one module per command group adds its commands (:data:`COMMANDS` says which),
each importing only :mod:`.common` and the layers below. A run imports the module of its
own command only, and everything beyond argparse inside the command that needs it, so a
one-shot ``traycodes code`` stays fast (CONTRIBUTING.md, "Start-up time").
Errors are one line on stderr, ``traycodes: ...``, with the exit codes listed in
:mod:`traycodes.errors`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

PROG = "traycodes"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``traycodes: ...`` and exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{PROG}: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, as wide as the terminal. argparse itself asks shutil, whose import
    (with zlib, bz2 and lzma) cost every command 2 ms, a twentieth of a one-shot
    ``traycodes code``, for a width that only help uses."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    """The width ``shutil.get_terminal_size()`` gives: $COLUMNS, else the terminal's, else
    80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    if sys.__stdout__ is None:
        return 80
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (ValueError, OSError):  # not a terminal, or closed
        return 80


# --- parser ---------------------------------------------------------------------------------

# Which module adds each command, in the order ``--help`` lists them. A run imports only the
# module of the command it runs (building every command's options, and importing every
# module for them, cost a one-shot ``traycodes code`` a quarter of its start-up time);
# tests/unit/test_cli_startup.py checks this table against what the modules add.
COMMANDS = {
    "code": "code",
    **dict.fromkeys(("init", "passwd", "backups", "restore", "keyring"), "vault"),
    **dict.fromkeys(("add", "list", "remove", "edit"), "records"),
    **dict.fromkeys(("autostart", "desktop", "type", "pick", "enrol", "handler", "doctor"), "app"),
    "hotkeys": "wayland",
    **dict.fromkeys(("import", "export"), "transfer"),
    "follow": "follow",
    "sites": "sites",
    **dict.fromkeys(("browser", "browser-host"), "browser"),
    "clock": "clock",
}


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The sub-command named in ``argv``: "" when there is none (the tray app), None when
    every command is wanted (top-level help, or an option this cannot tell apart)."""
    args = list(sys.argv[1:] if argv is None else argv)
    while args:
        first = args.pop(0)
        if first == "--vault":
            args = args[1:]
        elif first.startswith("--vault="):
            continue
        elif not first.startswith("-"):
            return first
        else:
            return None  # --help, --version, or a mistake: the full table answers it
    return ""


def build_parser(
    argv: Sequence[str] | None = None, *, all_commands: bool = False
) -> argparse.ArgumentParser:
    """The command line, for ``--help`` and for dispatch: only the command ``argv`` (by
    default ``sys.argv``) names is built in full, unless ``all_commands``."""
    parser = _Parser(
        prog=PROG,
        description="Two-factor codes from an encrypted vault, in the tray and on the "
        "command line. With no command, starts the tray app (or shows the running one).",
        epilog="Exit codes: 0 success; 1 nothing matched; 2 bad input or usage; "
        "3 locked, wrong password or key unavailable; 4 damaged data; "
        "5 the system refused a read or write; 70 an unexpected error (a bug).",
    )
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--vault",
        metavar="PATH",
        help="the vault file (default: $TRAYCODES_VAULT, else the user data folder)",
    )
    table = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = None if all_commands else _command_in(argv)
    if wanted == "":  # no command: the tray app, which needs no command's module
        return parser
    # only the module of the command run (it adds its few commands), else every module: for
    # the help, or for the list of commands when the name given is none of them
    modules = [COMMANDS[wanted]] if wanted in COMMANDS else dict.fromkeys(COMMANDS.values())
    from importlib import import_module

    for module in modules:
        import_module(f"{__name__}.{module}").add_commands(table)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from ..errors import TrayCodesError

    try:
        # Building the parser imports the command modules: inside the error handling, so
        # that an install missing a part gives one line, not a traceback.
        given = list(sys.argv[1:] if argv is None else argv)
        if not given:
            # ``traycodes`` alone (how a login entry starts the app): no parser to build
            args = argparse.Namespace(command=None, vault=None)
        elif given in (["type"], ["pick"]):
            # what a desktop shortcut runs (Wayland): straight to the running app
            from .app import cmd_ipc

            args = argparse.Namespace(command=given[0], vault=None, func=cmd_ipc)
        else:
            args = build_parser(argv).parse_args(argv)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            from .app import cmd_app

            func = cmd_app
        return func(args)
    except TrayCodesError as exc:
        sys.stderr.write(f"{PROG}: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``traycodes list | head``): nothing left to say to it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except ImportError as exc:  # a broken install, or an optional part missing
        _debug_traceback()
        sys.stderr.write(
            f"{PROG}: a part of traycodes or of what it needs cannot be loaded "
            f"(module {exc.name or '?'}); reinstall traycodes (see the README)\n"
        )
        return 70
    except Exception as exc:  # a bug: one line for the user, the details on request
        _debug_traceback()
        sys.stderr.write(
            f"{PROG}: unexpected error ({type(exc).__name__}); run again with "
            "TRAYCODES_LOG=debug for details\n"
        )
        return 70


def _debug_traceback() -> None:
    """The traceback of the error being handled, only with ``TRAYCODES_LOG=debug``."""
    if os.environ.get("TRAYCODES_LOG", "").lower() == "debug":
        from ..errors import describe

        error = sys.exc_info()[1]
        if error is not None:  # its frames; the message only of our own errors (a secret)
            sys.stderr.write(describe(error, stack=True) + "\n")
