"""The ``traycodes`` command: the front door for scripts and terminals.

Only this module (and the app) prints or exits. Everything it needs beyond argparse is
imported inside the command that needs it, so a one-shot ``traycodes code`` stays fast.
Errors are one line on stderr, ``traycodes: ...``, with the exit codes listed in
:mod:`traycodes.errors`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 4 ms per start
if TYPE_CHECKING:
    from typing import Any, NoReturn

    from .model import Entry

PROG = "traycodes"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``traycodes: ...`` and exit 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{PROG}: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)


def _read_stdin_line(what: str) -> str:
    from .errors import InvalidInput

    line = sys.stdin.readline()
    if not line.strip():
        raise InvalidInput(f"expected {what} on standard input, got nothing")
    return line.strip()


def _time_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("--at takes Unix seconds, such as 1700000000") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("--at takes Unix seconds at or after 1970")
    return value


def _now(args: argparse.Namespace) -> float:
    """The one clock: ``--at`` when given, else the system time."""
    if getattr(args, "at", None) is not None:
        return float(args.at)
    import time

    return time.time()


# --- commands -------------------------------------------------------------------------------


def cmd_code(args: argparse.Namespace) -> int:
    """Print the code for a link, a setup key, or (with a vault) a record."""
    from .errors import InvalidInput

    given = [name for name in ("query", "uri", "key") if getattr(args, name, None)]
    if len(given) != 1:
        raise InvalidInput("give exactly one of QUERY, --uri URI or --key KEY")
    if args.query:
        from . import cli_vault

        return cli_vault.cmd_code_query(args)
    from .otp import code

    entry = _entry_from_args(args)
    print(code(entry.otp, _now(args)))
    return 0


def _link_from_args(args: argparse.Namespace, given: str) -> str:
    """The link given (``-``: read from stdin), refusing setup-key options beside it."""
    from .errors import InvalidInput

    options = [
        f"--{n}"
        for n in ("digits", "period", "algorithm", "counter")
        if getattr(args, n, None) is not None
    ]
    if options or args.steam or args.hotp:
        raise InvalidInput(
            f"{', '.join(options) or 'that option'} goes with --key, not with "
            "a link (a link carries its own)"
        )
    return _read_stdin_line("a link") if given == "-" else given


def _entry_from_args(args: argparse.Namespace) -> Entry:
    """An entry from ``--uri`` or from ``--key`` and its options (``-`` reads stdin)."""
    from .model import Algorithm, Entry, OtpParams, OtpType
    from .uri import decode_secret, parse_uri

    if args.uri:
        return parse_uri(_link_from_args(args, args.uri))
    key = _read_stdin_line("a setup key") if args.key == "-" else args.key
    otp_type = OtpType.TOTP
    if args.steam:
        otp_type = OtpType.STEAM
    elif args.hotp or args.counter is not None:
        otp_type = OtpType.HOTP
    algorithm = Algorithm.parse(args.algorithm) if args.algorithm else Algorithm.SHA1
    digits = args.digits if args.digits is not None else (5 if args.steam else 6)
    otp = OtpParams(
        decode_secret(key),
        otp_type,
        algorithm,
        digits,
        args.period if args.period is not None else 30,
        args.counter or 0,
    )
    return Entry(
        otp=otp,
        issuer=getattr(args, "issuer", None) or "",
        account=getattr(args, "account", None) or "",
    )


# --- parser ---------------------------------------------------------------------------------


def _add_key_options(parser: argparse.ArgumentParser) -> None:
    """Options describing a setup key given with --key."""
    group = parser.add_argument_group("setup key options (with --key)")
    group.add_argument("--digits", type=int, metavar="N", help="code length, 1-10 (default 6)")
    group.add_argument("--period", type=int, metavar="S", help="seconds per code (default 30)")
    group.add_argument("--algorithm", metavar="A", help="SHA1 (default), SHA256 or SHA512")
    group.add_argument("--hotp", action="store_true", help="counter-based (HOTP) codes")
    group.add_argument(
        "--counter", type=int, metavar="N", help="HOTP counter (implies --hotp; default 0)"
    )
    group.add_argument("--steam", action="store_true", help="Steam Guard codes")


class _Skipped:
    """Stands in for a sub-command's parser that this run does not need: it takes the
    same calls and keeps nothing (building every command's options costs start-up time)."""

    def __getattr__(self, name: str) -> Callable[..., _Skipped]:
        return lambda *args, **kwargs: self


class _OnlyWanted:
    """The sub-command table, building in full only the command being run; the others are
    listed (for --help and error messages) without their options."""

    def __init__(self, commands: argparse._SubParsersAction[_Parser], wanted: str | None):
        self.commands = commands
        self.wanted = wanted

    def add_parser(self, name: str, **kwargs: object) -> argparse.ArgumentParser:
        if self.wanted is None or name == self.wanted:
            return self.commands.add_parser(name, **kwargs)  # type: ignore[arg-type]
        self.commands.add_parser(name, help=kwargs.get("help"))  # type: ignore[arg-type]
        return _Skipped()  # type: ignore[return-value]


def _command_in(argv: Sequence[str] | None) -> str | None:
    """The sub-command named in ``argv`` (None: build them all, e.g. for top-level help)."""
    args = list(sys.argv[1:] if argv is None else argv)
    while args:
        first = args.pop(0)
        if first == "--vault":
            args = args[1:]
        elif not first.startswith("-"):
            return first
        elif first in ("-h", "--help"):
            return None
    return None


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
    from . import __version__

    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--vault",
        metavar="PATH",
        help="the vault file (default: $TRAYCODES_VAULT, else the user data folder)",
    )
    table = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands: Any = _OnlyWanted(table, None if all_commands else _command_in(argv))

    code = commands.add_parser(
        "code",
        help="print a code",
        description="Print the current code, alone, on standard output. Give an "
        "otpauth:// link with --uri, or a setup key with --key. "
        "Use '-' to read the link or key from standard input, which keeps it out "
        "of the process list.",
    )
    code.add_argument(
        "query", nargs="?", metavar="QUERY", help="issuer, account or website of a vault record"
    )
    code.add_argument("--uri", metavar="URI", help="an otpauth:// or steam:// link")
    code.add_argument("--key", metavar="KEY", help="a base32 setup key")
    code.add_argument(
        "--at", type=_time_arg, metavar="UNIX_SECONDS", help="the code at this time instead of now"
    )
    _add_key_options(code)
    code.add_argument(
        "--vault", metavar="PATH", default=argparse.SUPPRESS, help="the vault file (with QUERY)"
    )
    code.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the vault password from standard input (with QUERY)",
    )
    code.set_defaults(func=cmd_code)

    from . import cli_vault

    cli_vault.add_commands(commands, _add_key_options, _time_arg)
    from . import cli_app, cli_transfer

    cli_app.add_commands(commands)
    cli_transfer.add_commands(commands)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from .errors import TrayCodesError

    try:
        # Building the parser imports the command modules: inside the error handling, so
        # that an install missing a part gives one line, not a traceback.
        args = build_parser(argv).parse_args(argv)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            from .cli_app import cmd_app

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
        import traceback

        traceback.print_exc()
