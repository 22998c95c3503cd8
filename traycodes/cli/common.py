"""What the CLI's command modules share: messages, where the vault is and how it opens,
passwords, times and setup-key options. Every command module imports this and the layers
below it, nothing of the others. Heavy modules are imported inside the functions, so a
one-shot command stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import N_

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from ..keystore import KeyStore
    from ..model import Entry, Record
    from ..vault import Vault


def read_stdin_line(what: str) -> str:
    from ..errors import InvalidInput

    line = sys.stdin.readline()
    if not line.strip():
        raise InvalidInput(f"expected {what} on standard input, got nothing")
    return line.strip()


def time_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("--at takes Unix seconds, such as 1700000000") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("--at takes Unix seconds at or after 1970")
    return value


def clock(args: argparse.Namespace) -> float:
    """The one clock: ``--at`` when given, else the system time."""
    if getattr(args, "at", None) is not None:
        return float(args.at)
    import time

    return time.time()


def link_from_args(args: argparse.Namespace, given: str) -> str:
    """The link given (``-``: read from stdin), refusing setup-key options beside it."""
    from ..errors import InvalidInput

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
    return read_stdin_line("a link") if given == "-" else given


def entry_from_args(args: argparse.Namespace) -> Entry:
    """An entry from ``--uri`` or from ``--key`` and its options (``-`` reads stdin)."""
    from ..model import Algorithm, Entry, OtpParams, OtpType
    from ..uri import decode_secret, parse_uri

    if args.uri:
        return parse_uri(link_from_args(args, args.uri))
    key = read_stdin_line("a setup key") if args.key == "-" else args.key
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


def add_key_options(parser: argparse.ArgumentParser) -> None:
    """Options describing a setup key given with --key."""
    group = parser.add_argument_group(N_("setup key options (with --key)"))
    group.add_argument("--digits", type=int, metavar="N", help=N_("code length, 1-10 (default 6)"))
    group.add_argument("--period", type=int, metavar="S", help=N_("seconds per code (default 30)"))
    group.add_argument("--algorithm", metavar="A", help=N_("SHA1 (default), SHA256 or SHA512"))
    group.add_argument("--hotp", action="store_true", help=N_("counter-based (HOTP) codes"))
    group.add_argument(
        "--counter", type=int, metavar="N", help=N_("HOTP counter (implies --hotp; default 0)")
    )
    group.add_argument("--steam", action="store_true", help=N_("Steam Guard codes"))


def path_arg(text: str) -> Path:
    from pathlib import Path

    return Path(text).expanduser()


def say(message: str) -> None:
    """A message for the person at the terminal (stderr: stdout is for results)."""
    sys.stderr.write(f"{message}\n")


def vault_path(args: argparse.Namespace) -> Path:
    from pathlib import Path

    from ..settings import default_vault_path

    given = getattr(args, "vault", None)
    return Path(given).expanduser() if given else default_vault_path()


class PasswordReader:
    """Where a password comes from: --password-stdin, TRAYCODES_PASSWORD, or a prompt.

    Lines read from stdin are remembered in order, so ``passwd`` can take the current
    password and the new one as two lines.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.from_stdin = bool(getattr(args, "password_stdin", False))
        self._lines: list[str] | None = None

    def _stdin_line(self, index: int) -> str | None:
        if self._lines is None:
            self._lines = [line.rstrip("\r\n") for line in sys.stdin.readlines()]
        if index < len(self._lines) and self._lines[index]:
            return self._lines[index]
        return None

    def current(self) -> str | None:
        """The password that opens the vault, or None when there is no way to ask."""
        if self.from_stdin:
            return self._stdin_line(0)
        env = os.environ.get("TRAYCODES_PASSWORD")
        if env:
            return env
        if sys.stdin.isatty():
            import getpass

            return getpass.getpass("Vault password: ") or None
        return None

    def new(self, *, line: int, env: str, what: str = "New password") -> str:
        """A new password: a stdin line, an environment variable, or asked twice."""
        from ..errors import InvalidInput

        if self.from_stdin:
            given = self._stdin_line(line)
            if given is None:
                raise InvalidInput(
                    f"expected the {what.lower()} on line {line + 1} of standard input"
                )
            return given
        if os.environ.get(env):
            return os.environ[env]
        if not sys.stdin.isatty():
            raise InvalidInput(
                f"no {what.lower()}: use --password-stdin or {env}, or run in a terminal"
            )
        import getpass

        first = getpass.getpass(f"{what}: ")
        if not first:
            raise InvalidInput("the password is empty")
        if getpass.getpass(f"{what} again: ") != first:
            raise InvalidInput("the two passwords differ; nothing was changed")
        return first


def keystore_for(args: argparse.Namespace) -> KeyStore | None:
    from ..keystore import system_store

    store, _ = system_store()
    return store


def open_vault(
    args: argparse.Namespace, reader: PasswordReader | None = None, *, writing: bool = True
) -> Vault:
    """The vault, unlocked. Only a command that changes it (``writing``) merges and removes
    sync conflict copies; a read (list, a TOTP code, export) leaves every file as it is:
    it only says that copies wait. (The one write a read may cause: repairing a vault file
    that lost this computer's last save, see Vault.open.)"""
    from ..settings import load_settings
    from ..vault import Vault

    reader = reader or PasswordReader(args)
    settings = load_settings()
    for problem in settings.problems:
        say(f"traycodes: warning: {problem}")
    vault = Vault.open(
        vault_path(args),
        keystore=keystore_for(args),
        password=reader.current,
        keep_backups=settings.backups,
    )
    for warning in vault.warnings:
        say(f"traycodes: warning: {warning}")
    if not writing:
        from ..vault import conflict_copies

        waiting = conflict_copies(vault.path)
        if waiting:
            say(
                f"traycodes: note: {len(waiting)} sync conflict copy(ies) beside the vault "
                "will be merged at the next change (or by the running app)"
            )
        return vault
    for copy, outcome in vault.absorb_conflicts():
        if isinstance(outcome, int):
            say(
                f"Merged the sync conflict copy {copy.name} ({outcome} record(s) changed) and "
                "removed it."
            )
        else:
            say(
                f"traycodes: warning: the sync conflict copy {copy.name} was left as it is: "
                f"{outcome}"
            )
    return vault


def find_one(vault: Vault, query: str) -> Record:
    """The one record ``query`` names; NoMatch (exit 1) listing them when not exactly one."""
    from ..errors import NoMatch
    from ..matching import find

    found = find(vault.records, query)
    if not found:
        raise NoMatch(f"no record matches '{query}'")
    if len(found) > 1:
        names = "; ".join(f"{r.label} [{r.id[:8]}]" for r in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise NoMatch(f"'{query}' matches {len(found)} records equally: {names}{more}")
    return found[0]


def tell_running_app(command: str) -> None:
    """Best effort: the running tray app, if any, does ``command``."""
    import contextlib

    from .. import ipc
    from ..errors import TrayCodesError

    with contextlib.suppress(ipc.NotRunning, OSError, ValueError, TrayCodesError):
        ipc.request(command, timeout=3)


def vault_options(parser: argparse.ArgumentParser, *, password: bool = True) -> None:
    parser.add_argument(
        "--vault",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=N_("the vault file (default: $TRAYCODES_VAULT, else the user data folder)"),
    )
    if password:
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help=N_(
                "read the vault password from the first line of standard input (otherwise "
                "the keyring, then $TRAYCODES_PASSWORD, then a terminal prompt)"
            ),
        )
