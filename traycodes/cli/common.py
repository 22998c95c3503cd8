"""What the CLI's command modules share: messages, where the vault is and how it opens,
passwords, times and setup-key options. Every command module imports this and the layers
below it, nothing of the others. Heavy modules are imported inside the functions, so a
one-shot command stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import N_, _, ngettext

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from ..keystore import KeyStore
    from ..model import Entry, Record
    from ..vault import Vault


def read_stdin_line(what: str) -> str:
    """A line of standard input; ``what`` is the message (marked with ``N_``) if none."""
    from ..errors import InvalidInput

    line = sys.stdin.readline()
    if not line.strip():
        raise InvalidInput(_(what))
    return line.strip()


def time_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("--at takes Unix seconds, such as 1700000000")) from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(_("--at takes Unix seconds at or after 1970"))
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
        message = _("{options} goes with --key, not with a link (a link carries its own)")
        raise InvalidInput(message.format(options=", ".join(options) or "--steam/--hotp"))
    if given == "-":
        return read_stdin_line(N_("expected a link on standard input, got nothing"))
    return given


def entry_from_args(args: argparse.Namespace) -> Entry:
    """An entry from ``--uri`` or from ``--key`` and its options (``-`` reads stdin)."""
    from ..model import Algorithm, Entry, OtpParams, OtpType
    from ..uri import decode_secret, parse_uri

    if args.uri:
        return parse_uri(link_from_args(args, args.uri))
    key = args.key
    if key == "-":
        key = read_stdin_line(N_("expected a setup key on standard input, got nothing"))
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


def warning(message: str) -> str:
    """``traycodes: warning: ...`` in the user's language."""
    return "traycodes: " + _("warning: {message}").format(message=message)


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

            return getpass.getpass(_("Vault password: ")) or None
        return None

    def new(self, *, line: int, env: str, what: str = "New password") -> str:
        """A new password: a stdin line, an environment variable, or asked twice."""
        from ..errors import InvalidInput

        prompt, again, missing_line, missing = _PASSWORD_WORDS[what]
        if self.from_stdin:
            given = self._stdin_line(line)
            if given is None:
                raise InvalidInput(_(missing_line).format(line=line + 1))
            return given
        if os.environ.get(env):
            return os.environ[env]
        if not sys.stdin.isatty():
            raise InvalidInput(_(missing).format(variable=env))
        import getpass

        first = getpass.getpass(_(prompt))
        if not first:
            raise InvalidInput(_("the password is empty"))
        if getpass.getpass(_(again)) != first:
            raise InvalidInput(_("the two passwords differ; nothing was changed"))
        return first


# PasswordReader.new's ``what``: its prompt, the prompt to repeat it, and the two messages
# when it is not there (whole sentences, so each language words them its own way)
_PASSWORD_WORDS = {
    "Password": (
        N_("Password: "),
        N_("Password again: "),
        N_("expected the password on line {line} of standard input"),
        N_("no password: use --password-stdin or {variable}, or run in a terminal"),
    ),
    "New password": (
        N_("New password: "),
        N_("New password again: "),
        N_("expected the new password on line {line} of standard input"),
        N_("no new password: use --password-stdin or {variable}, or run in a terminal"),
    ),
    "Export password": (
        N_("Export password: "),
        N_("Export password again: "),
        N_("expected the export password on line {line} of standard input"),
        N_("no export password: use --password-stdin or {variable}, or run in a terminal"),
    ),
}


def keystore_for(args: argparse.Namespace) -> KeyStore | None:
    from ..keystore import system_store

    store, _why = system_store()
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
        say(warning(problem))
    vault = Vault.open(
        vault_path(args),
        keystore=keystore_for(args),
        password=reader.current,
        keep_backups=settings.backups,
    )
    for found in vault.warnings:
        say(warning(found))
    if not writing:
        from ..vault import conflict_copies

        waiting = conflict_copies(vault.path)
        if waiting:
            said = ngettext(
                "note: {count} sync conflict copy beside the vault will be merged "
                "at the next change (or by the running app)",
                "note: {count} sync conflict copies beside the vault will be merged "
                "at the next change (or by the running app)",
                len(waiting),
            )
            say("traycodes: " + said.format(count=len(waiting)))
        return vault
    for copy, outcome in vault.absorb_conflicts():
        if isinstance(outcome, int):
            said = ngettext(
                "Merged the sync conflict copy {name} ({count} record changed) and removed it.",
                "Merged the sync conflict copy {name} ({count} records changed) and removed it.",
                outcome,
            )
            say(said.format(name=copy.name, count=outcome))
        else:
            said = _("the sync conflict copy {name} was left as it is: {reason}")
            say(warning(said.format(name=copy.name, reason=outcome)))
    return vault


def find_one(vault: Vault, query: str) -> Record:
    """The one record ``query`` names; NoMatch (exit 1) listing them when not exactly one."""
    from ..errors import NoMatch
    from ..matching import find

    found = find(vault.records, query)
    if not found:
        raise NoMatch(_("no record matches '{query}'").format(query=query))
    if len(found) > 1:
        names = "; ".join(f"{r.label} [{r.id[:8]}]" for r in found[:10])
        if len(found) > 10:
            more = len(found) - 10
            names = ngettext("{names} and {more} more", "{names} and {more} more", more).format(
                names=names, more=more
            )
        said = _("'{query}' matches {count} records equally: {names}")
        raise NoMatch(said.format(query=query, count=len(found), names=names))
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


def on_at(location: object) -> str:
    """A part that is on, and where (doctor, autostart, desktop, handler)."""
    return _("on: {location}").format(location=location)
