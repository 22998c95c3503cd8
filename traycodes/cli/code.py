"""``traycodes code``: the code of a link, a setup key, or (with a vault) a record."""

from __future__ import annotations

import argparse

from ..i18n import N_, _
from .common import add_key_options, clock, entry_from_args, time_arg

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def cmd_code(args: argparse.Namespace) -> int:
    """Print the code for a link, a setup key, or (with a vault) a record."""
    from ..errors import InvalidInput

    given = [name for name in ("query", "uri", "key") if getattr(args, name, None)]
    if len(given) != 1:
        raise InvalidInput(_("give exactly one of QUERY, --uri URI or --key KEY"))
    if args.query:
        from .records import cmd_code_query

        return cmd_code_query(args)
    from ..otp import code

    entry = entry_from_args(args)
    print(code(entry.otp, clock(args)))
    return 0


def add_commands(commands: Any) -> None:
    code = commands.add_parser(
        "code",
        help=N_("print a code"),
        description=N_(
            "Print the current code, alone, on standard output. Give an "
            "otpauth:// link with --uri, or a setup key with --key. "
            "Use '-' to read the link or key from standard input, which keeps it out "
            "of the process list."
        ),
    )
    code.add_argument(
        "query", nargs="?", metavar="QUERY", help=N_("issuer, account or website of a vault record")
    )
    code.add_argument("--uri", metavar="URI", help=N_("an otpauth:// or steam:// link"))
    code.add_argument("--key", metavar="KEY", help=N_("a base32 setup key"))
    code.add_argument(
        "--at",
        type=time_arg,
        metavar="UNIX_SECONDS",
        help=N_("the code at this time instead of now"),
    )
    add_key_options(code)
    code.add_argument(
        "--vault", metavar="PATH", default=argparse.SUPPRESS, help=N_("the vault file (with QUERY)")
    )
    code.add_argument(
        "--password-stdin",
        action="store_true",
        help=N_("read the vault password from standard input (with QUERY)"),
    )
    code.set_defaults(func=cmd_code)
