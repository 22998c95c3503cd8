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
import re
import sys
from collections.abc import Callable, Sequence

from ..i18n import N_, _, ngettext, set_platform_languages

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

PROG = "traycodes"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``traycodes: ...`` and exit 2), in the user's language:
    its help is ours (argparse's own ``-h`` text is English only), and its error messages are
    read back against :data:`ARGPARSE_MESSAGES` and given in the user's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=N_("show this help message and exit"),
            )

    def error(self, message: str) -> NoReturn:
        line = f"{PROG}: " + _("{message} (see '{command} --help')").format(
            message=translated(message), command=self.prog
        )
        sys.stderr.write(line + "\n")
        raise SystemExit(2)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, in the user's language and as wide as the terminal. The texts the
    commands give argparse are marked with ``N_`` and translated here, when help is shown,
    so that a run that shows none never reads a catalogue. (argparse itself asks shutil for
    the width, whose import (with zlib, bz2 and lzma) cost every command 2 ms, a twentieth of
    a one-shot ``traycodes code``, for a width that only help uses.)"""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        if heading:
            # argparse puts the colon after a heading itself: a language that spaces it
            # (French: "options :") says so in the heading's pattern, and the colon is cut
            # off here for argparse to put back.
            shown = _("{heading}:").format(heading=_(heading))
            heading = shown.removesuffix(":")
        super().start_section(heading)

    def add_text(self, text: str | None) -> None:
        super().add_text(_(text) if text and text is not argparse.SUPPRESS else text)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _(action.help) if action.help else action.help


# argparse's own messages that reach users (its headings, and the errors :meth:`_Parser.error`
# is given, in the words of Python 3.11's argparse), translated like ours.
ARGPARSE_MESSAGES = (
    N_("positional arguments"),
    N_("options"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)
_ARGPARSE_PLURALS = (("expected %s argument", "expected %s arguments"),)


def _pattern(template: str) -> str:
    """A regular expression that reads ``template``'s values back out of a message."""
    parts = re.split(r"(%(?:\((\w+)\))?[sr])", template)
    pattern, values = "", 0
    for index, part in enumerate(parts):
        if index % 3 == 0:
            pattern += re.escape(part)
        elif index % 3 == 1:
            name = parts[index + 1] or f"_{values}"
            values += 1
            pattern += f"(?P<{name}>.+?)"
    return f"^{pattern}$"


def translated(message: str) -> str:
    """One of argparse's messages in the user's language (its values, which are names,
    flags or what the user typed, kept); any other message as it is."""
    for template in ARGPARSE_MESSAGES:
        found = re.match(_pattern(template), message, re.DOTALL)
        if found is None:
            continue
        values = found.groupdict()
        if "message" in values:  # "argument -x: <an inner message>"
            values["message"] = translated(values["message"])
        # the values were put in with %r already: put back as they are
        words = re.sub(r"(%(?:\(\w+\))?)r", r"\1s", _(template))
        if "%(" in template:
            return words % values
        if "%" in template:
            return words % tuple(values.values())
        return words
    for singular, plural in _ARGPARSE_PLURALS:
        for form in (singular, plural):
            found = re.match(_pattern(form), message)
            if found is not None:
                count = found.group("_0")
                return ngettext(singular, plural, int(count)) % count
    return message


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
    **dict.fromkeys(("autostart", "desktop", "type", "pick", "enrol", "handler"), "app"),
    "doctor": "doctor",
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
        description=N_(
            "Two-factor codes from an encrypted vault, in the tray and on the "
            "command line. With no command, starts the tray app (or shows the running one)."
        ),
        epilog=N_(
            "Exit codes: 0 success; 1 nothing matched; 2 bad input or usage; "
            "3 locked, wrong password or key unavailable; 4 damaged data; "
            "5 the system refused a read or write; 70 an unexpected error (a bug)."
        ),
    )
    from .. import __version__

    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__}",
        help=N_("show program's version number and exit"),
    )
    parser.add_argument(
        "--vault",
        metavar="PATH",
        help=N_("the vault file (default: $TRAYCODES_VAULT, else the user data folder)"),
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

    set_platform_languages(_platform_languages)
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
        sys.stderr.write(f"{PROG}: " + _("interrupted") + "\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``traycodes list | head``): nothing left to say to it.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except ImportError as exc:  # a broken install, or an optional part missing
        _debug_traceback()
        message = f"{PROG}: " + _(
            "a part of traycodes or of what it needs cannot be loaded "
            "(module {module}); reinstall traycodes (see the README)"
        )
        sys.stderr.write(message.format(module=exc.name or "?") + "\n")
        return 70
    except Exception as exc:  # a bug: one line for the user, the details on request
        _debug_traceback()
        message = f"{PROG}: " + _(
            "unexpected error ({error}); run again with TRAYCODES_LOG=debug for details"
        )
        sys.stderr.write(message.format(error=type(exc).__name__) + "\n")
        return 70


def _platform_languages() -> list[str]:
    """The user's UI languages as Windows and macOS keep them (asked only when a string is
    shown and the environment names no language)."""
    from ..desktop import ui_languages

    return ui_languages()


def _debug_traceback() -> None:
    """The traceback of the error being handled, only with ``TRAYCODES_LOG=debug``."""
    if os.environ.get("TRAYCODES_LOG", "").lower() == "debug":
        from ..errors import describe

        error = sys.exc_info()[1]
        if error is not None:  # its frames; the message only of our own errors (a secret)
            sys.stderr.write(describe(error, stack=True) + "\n")
