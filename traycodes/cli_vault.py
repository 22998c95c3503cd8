"""The vault commands of the CLI: init, add, list, code QUERY, remove, edit, passwd, backups,
restore, keyring. Messages go to stderr; stdout carries only what was asked for (codes, the
list). Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from .model import OtpType
from .otp import code, remaining

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 4 ms per start
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .keystore import KeyStore
    from .model import Entry, Record
    from .vault import Vault

AddKeyOptions = Callable[[argparse.ArgumentParser], None]


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text).expanduser()


def say(message: str) -> None:
    """A message for the person at the terminal (stderr: stdout is for results)."""
    sys.stderr.write(f"{message}\n")


# --- opening the vault -----------------------------------------------------------------------


def vault_path(args: argparse.Namespace) -> Path:
    from pathlib import Path

    from .settings import default_vault_path

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
        from .errors import InvalidInput

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
    from .keystore import system_store

    store, _ = system_store()
    return store


def open_vault(
    args: argparse.Namespace, reader: PasswordReader | None = None, *, writing: bool = True
) -> Vault:
    """The vault, unlocked. Only a command that changes it (``writing``) merges and removes
    sync conflict copies; a read (list, a TOTP code, export) leaves every file as it is:
    it only says that copies wait. (The one write a read may cause: repairing a vault file
    that lost this computer's last save, see Vault.open.)"""
    from .settings import load_settings
    from .vault import Vault

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
        from .vault import conflict_copies

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
    from .errors import NoMatch
    from .matching import find

    found = find(vault.records, query)
    if not found:
        raise NoMatch(f"no record matches '{query}'")
    if len(found) > 1:
        names = "; ".join(f"{r.label} [{r.id[:8]}]" for r in found[:10])
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise NoMatch(f"'{query}' matches {len(found)} records equally: {names}{more}")
    return found[0]


def _clock(args: argparse.Namespace) -> float:
    from .cli import _now

    return _now(args)


# --- commands --------------------------------------------------------------------------------


def cmd_join(args: argparse.Namespace) -> int:
    """``init --join PATH``: use a vault another computer made (in a synced folder)."""
    from .errors import KeyUnavailable
    from .keystore import system_store
    from .settings import config_path, load_settings, save_settings
    from .vault import Vault

    path = _path(args.join).resolve()
    reader = PasswordReader(args)
    vault = Vault.open(path, keystore=None, password=reader.current)
    store, why = (None, "--no-keyring") if args.no_keyring else system_store()
    how = "asks for its password each time"
    if store is not None:
        try:
            vault.add_keyring(store)
            how = "opens through this computer's keyring from now on"
        except KeyUnavailable as exc:
            why = str(exc)
            store = None
    if store is None:
        say(f"traycodes: {why}: the vault will ask for its password each time")
    from dataclasses import replace

    save_settings(replace(load_settings(), vault=str(path)), config_path())
    say(
        f"Joined the vault at {path} ({len(vault.records)} records); it {how}. Saved as "
        f"'vault' in {config_path()}."
    )
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .errors import KeyUnavailable
    from .keystore import system_store
    from .settings import load_settings
    from .vault import Vault, kdf_from_environment

    if args.join:
        return cmd_join(args)
    path = vault_path(args)
    if path.exists():
        from .errors import Conflict

        raise Conflict(f"a vault already exists at {path}; nothing was changed")
    password = PasswordReader(args).new(line=0, env="TRAYCODES_PASSWORD", what="Password")
    store = None
    if not args.no_keyring:
        store, why = system_store()
        if store is None:
            say(f"traycodes: {why}: the vault will ask for its password each time")
    kdf = kdf_from_environment()
    keep = load_settings().backups
    try:
        vault = Vault.create(path, password=password, keystore=store, kdf=kdf, keep_backups=keep)
    except KeyUnavailable as exc:
        say(f"traycodes: {exc}: the vault will ask for its password each time")
        vault = Vault.create(path, password=password, keystore=None, kdf=kdf, keep_backups=keep)
        store = None
    how = "password and keyring" if store is not None else "password only"
    say(f"Created the vault at {vault.path} ({how}).")
    return 0


def _entries_from_args(args: argparse.Namespace) -> list[Entry]:
    from .cli import _entry_from_args, _link_from_args
    from .errors import InvalidInput
    from .uri import MigrationBatch, parse_link

    if args.link and args.key:
        raise InvalidInput("give a link or --key, not both")
    if args.link:
        if args.issuer or args.account:
            raise InvalidInput("--issuer and --account go with --key (a link names its own)")
        parsed = parse_link(_link_from_args(args, args.link))
        return list(parsed.entries) if isinstance(parsed, MigrationBatch) else [parsed]
    if not args.key:
        raise InvalidInput("give an otpauth:// link, or --key KEY with --issuer")
    if not args.issuer:
        raise InvalidInput("--key needs --issuer (the site or app it is for)")
    args.uri = None
    return [_entry_from_args(args)]


def cmd_add(args: argparse.Namespace) -> int:
    import uuid

    from .errors import Conflict, InvalidInput
    from .matching import AddAction, plan_add
    from .model import Record

    if args.replace and args.new:
        raise InvalidInput("--replace and --new exclude each other")
    entries = _entries_from_args(args)
    extra_websites = tuple(args.website or ())
    extra_tags = tuple(args.tag or ())
    vault = open_vault(args)
    now = _clock(args)
    messages: list[str] = []

    def add_all(records: dict[str, Record]) -> None:
        for entry in entries:
            plan = plan_add(records.values(), entry)
            target = plan.record
            if plan.action is AddAction.DUPLICATE and target is not None:
                messages.append(f"{target.label} already has this secret; nothing changed")
                continue
            if plan.action is AddAction.CONFLICT and target is not None and not args.new:
                if not args.replace:
                    raise Conflict(
                        f"{target.label} already has another secret: add --replace to "
                        "replace it (the old one stays in the backups) or --new to keep both"
                    )
                records[target.id] = target.edited(
                    now,
                    otp=entry.otp,
                    previous_otp=target.otp,
                    websites=target.websites + extra_websites,
                    tags=target.tags + extra_tags,
                )
                messages.append(
                    f"Replaced the secret of {target.label} (the old one is kept: "
                    "'traycodes edit QUERY --restore-previous-key' brings it back)."
                )
                continue
            if plan.action is AddAction.ATTACH and target is not None:
                records[target.id] = target.edited(
                    now,
                    otp=entry.otp,
                    account=target.account or entry.account,
                    websites=target.websites + entry.websites + extra_websites,
                    tags=target.tags + extra_tags,
                )
                messages.append(f"Added the OTP to {records[target.id].label}.")
                continue
            record = Record.from_entry(entry, id=uuid.uuid4().hex, now=now)
            if extra_websites or extra_tags:
                record = record.edited(
                    now, websites=record.websites + extra_websites, tags=record.tags + extra_tags
                )
            records[record.id] = record
            messages.append(f"Added {record.label}.")

    vault.update(add_all)
    for message in messages:
        say(message)
    return 0


def _group(code: str) -> str:
    """``492039`` -> ``492 039``: easier to read off a screen."""
    if not code.isdigit() or len(code) < 6:
        return code
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def _json_row(record: Record, now: float) -> dict[str, object]:
    """One record of ``list --json``: never the secret."""
    otp = record.otp
    if otp is None:
        kind = algorithm = digits = period = counter = shown = left = None
    else:
        timed = otp.type is not OtpType.HOTP
        # The enums are str subclasses: used as they are, without the slow .value lookup.
        kind, algorithm, digits = otp.type, otp.algorithm.upper(), otp.digits
        period = otp.period if timed else None
        counter = None if timed else otp.counter
        shown = code(otp, now)
        left = round(remaining(otp, now), 3) if timed else None
    return {
        "id": record.id,
        "issuer": record.issuer,
        "account": record.account,
        "type": kind,
        "algorithm": algorithm,
        "digits": digits,
        "period": period,
        "counter": counter,
        "code": shown,
        "remaining": left,
        "websites": list(record.websites),
        "tags": list(record.tags),
        "favorite": record.favorite,
    }


def cmd_list(args: argparse.Namespace) -> int:
    import gc

    # A one-shot listing builds many small objects and holds no cycles: the cyclic GC
    # would only walk them over and over (a third of the time at 10,000 records).
    gc.disable()
    vault = open_vault(args, writing=False)
    now = _clock(args)
    records = sorted(
        vault.records, key=lambda r: (not r.favorite, r.issuer.casefold(), r.account.casefold())
    )
    if args.json:
        import json

        rows = [_json_row(record, now) for record in records]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return 0
    if not records:
        say("The vault is empty: add a record with 'traycodes add'.")
        return 0
    width = min(48, max(len(r.label) for r in records))
    out = []
    for record in records:
        star = "*" if record.favorite else " "
        otp = record.otp
        if otp is None:
            shown, left = "(no OTP yet)", ""
        else:
            shown = _group(code(otp, now))
            left = "HOTP" if otp.type is OtpType.HOTP else f"{int(remaining(otp, now) + 0.999)}s"
        out.append(f"{star} {record.label[:width]:<{width}}  {shown:>12}  {left}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def cmd_code_query(args: argparse.Namespace) -> int:
    """``traycodes code QUERY``: HOTP counters advance and are saved before the code shows."""
    from .errors import NoMatch
    from .model import OtpType
    from .otp import code

    vault = open_vault(args, writing=False)  # an HOTP code still saves its counter
    record = find_one(vault, args.query)
    if record.otp is None:
        raise NoMatch(f"{record.label} has no OTP yet: add one with 'traycodes add'")
    if record.otp.type is not OtpType.HOTP:
        print(code(record.otp, _clock(args)))
        return 0
    now = _clock(args)

    def advance(records: dict[str, Record]) -> str:
        current = records.get(record.id)
        if current is None or current.deleted or current.otp is None:
            raise NoMatch(f"{record.label} was removed meanwhile")
        if current.otp.type is not OtpType.HOTP:
            raise NoMatch(f"{record.label} changed meanwhile; try again")
        records[current.id] = current.edited(now, otp=current.otp.advanced())
        return code(current.otp, now)

    print(vault.update(advance))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:

    vault = open_vault(args)
    record = find_one(vault, args.query)
    now = _clock(args)

    def remove(records: dict[str, Record]) -> None:
        if record.id in records:
            records[record.id] = records[record.id].tombstone(now)

    vault.update(remove)
    say(f"Removed {record.label} (it stays in the backups).")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from .errors import InvalidInput, NoMatch

    vault = open_vault(args)
    record = find_one(vault, args.query)
    now = _clock(args)
    if (
        not any(
            getattr(args, n) is not None
            for n in (
                "issuer",
                "account",
                "note",
                "website",
                "tag",
                "title_pattern",
                "app",
                "favorite",
                "clear_websites",
                "clear_tags",
                "hotkey_action",
            )
        )
        and not args.restore_previous_key
    ):
        raise InvalidInput("nothing to change: see 'traycodes edit --help'")

    def edit(records: dict[str, Record]) -> Record:
        current = records.get(record.id)
        if current is None or current.deleted:
            raise NoMatch(f"{record.label} was removed meanwhile")
        changes: dict[str, object] = {}
        for name in ("issuer", "account", "note", "favorite"):
            if getattr(args, name) is not None:
                changes[name] = getattr(args, name)
        if args.hotkey_action is not None:
            changes["hotkey_action"] = "" if args.hotkey_action == "default" else args.hotkey_action
        websites = () if args.clear_websites else current.websites
        tags = () if args.clear_tags else current.tags
        changes["websites"] = websites + tuple(args.website or ())
        changes["tags"] = tags + tuple(args.tag or ())
        changes["title_patterns"] = current.title_patterns + tuple(args.title_pattern or ())
        changes["apps"] = current.apps + tuple(args.app or ())
        if args.restore_previous_key:
            if current.previous_otp is None:
                raise InvalidInput(f"{current.label} has no previous key to bring back")
            # the two swap: restoring again undoes the restore
            changes["otp"], changes["previous_otp"] = current.previous_otp, current.otp
        edited = current.edited(now, **changes)
        records[record.id] = edited
        return edited

    edited = vault.update(edit)
    say(f"Saved {edited.label}.")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from .errors import Conflict
    from .vault import kdf_from_environment

    reader = PasswordReader(args)
    vault = open_vault(args, reader)
    # With --password-stdin: line 1 opens the vault (unless the keyring did), the next is new.
    line = 1 if vault.unlocked_with == "password" else 0
    new = reader.new(line=line, env="TRAYCODES_NEW_PASSWORD")
    if not args.rekey:
        vault.change_password(new, kdf=kdf_from_environment())
        count = len(vault.backups())
        say(
            "Password changed. The vault's key is the same: the old password still opens "
            f"older copies of the vault ({count} backup(s), a synced folder's history), and "
            "with them the key to this one. 'traycodes passwd --rekey' changes the key too."
        )
        return 0
    for copy, outcome in vault.absorb_conflicts():  # under the old key: merged, then gone
        if isinstance(outcome, str):
            raise Conflict(f"{copy} cannot be merged first ({outcome}); nothing was changed")
    resealed, deleted = vault.rekey(new, keystore=keystore_for(args), kdf=kdf_from_environment())
    _tell_running_app("lock")  # it holds the old key: unlocking again gets the new one
    say(
        f"New password and a new key: the records and {resealed} backup(s) are sealed again"
        + (f", {deleted} backup(s) that could not be were deleted" if deleted else "")
        + ". The old password opens no file of this vault any more; other computers that "
        "share it must join again ('traycodes init --join')."
    )
    return 0


def _tell_running_app(command: str) -> None:
    """Best effort: the running tray app, if any, does ``command``."""
    import contextlib

    from .app import ipc
    from .errors import TrayCodesError

    with contextlib.suppress(ipc.NotRunning, OSError, ValueError, TrayCodesError):
        ipc.request(command, timeout=3)


def cmd_backups(args: argparse.Namespace) -> int:
    from .vault import list_backups

    path = vault_path(args)
    backups = list_backups(path)
    if not backups:
        say(f"No backups of {path} yet (one is kept at each save).")
        return 0
    for number, backup in enumerate(backups, start=1):
        when = backup.saved.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"{number:>3}  {when}  {backup.size:>9,} bytes  {backup.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from .errors import InvalidInput
    from .vault import list_backups

    path = vault_path(args)
    chosen = _path(args.backup)
    if args.backup.isdigit():
        backups = list_backups(path)
        index = int(args.backup) - 1
        if not 0 <= index < len(backups):
            raise InvalidInput(f"there is no backup number {args.backup}: see 'traycodes backups'")
        chosen = backups[index].path
    vault = open_vault(args)
    count = vault.restore(chosen)
    say(
        f"Restored {count} record(s) from {chosen}: the deliberate way back (a vault file "
        "copied back by hand is merged with this computer's last save instead). The state "
        "it replaced is the newest backup."
    )
    return 0


def cmd_keyring(args: argparse.Namespace) -> int:
    from .errors import KeyUnavailable
    from .keystore import system_store
    from .vault import SLOT_KEYRING, SLOT_PASSWORD

    store, why = system_store()
    if args.action == "status":
        from .vault import read_file

        file, _ = read_file(vault_path(args))
        kinds = [s.type for s in file.slots]
        print(
            f"keyring slot: {'yes' if SLOT_KEYRING in kinds else 'no'}; "
            f"password slot: {'yes' if SLOT_PASSWORD in kinds else 'no'}; {why}"
        )
        return 0
    vault = open_vault(args)
    if args.action == "on":
        if store is None:
            raise KeyUnavailable(why)
        vault.add_keyring(store)
        say("The vault now opens through the keyring.")
    else:
        vault.remove_keyring(store)
        say(
            "The vault no longer opens through the keyring; it asks for its password. Its key "
            "is the same: a copy of the old keyring key (a keyring backup) still opens it. "
            "'traycodes passwd --rekey' changes the key."
        )
    return 0


# --- parser ----------------------------------------------------------------------------------


def _vault_options(parser: argparse.ArgumentParser, *, password: bool = True) -> None:
    parser.add_argument(
        "--vault",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the vault file (default: $TRAYCODES_VAULT, else the user data folder)",
    )
    if password:
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the vault password from the first line of standard input (otherwise "
            "the keyring, then $TRAYCODES_PASSWORD, then a terminal prompt)",
        )


def add_commands(
    commands: argparse._SubParsersAction[Any],
    add_key_options: AddKeyOptions,
    time_arg: Callable[[str], float],
) -> None:
    """Register the vault commands on the CLI's sub-command table."""
    init = commands.add_parser(
        "init",
        help="create a vault",
        description="Create an encrypted vault. The password is asked twice on a terminal, "
        "read from standard input with --password-stdin, or taken from "
        "$TRAYCODES_PASSWORD (for automation). A key is also kept in the OS "
        "keyring so that daily use needs no password, unless --no-keyring.",
    )
    init.add_argument(
        "--no-keyring", action="store_true", help="do not keep a key in the OS keyring"
    )
    init.add_argument(
        "--join",
        metavar="PATH",
        help="use the vault another computer made at PATH (a synced folder): open it with "
        "its password, keep this computer's own keyring key, and remember PATH",
    )
    _vault_options(init)
    init.set_defaults(func=cmd_init)

    add = commands.add_parser(
        "add",
        help="add an OTP from a link or a setup key",
        description="Add an OTP. The same secret again changes nothing; a record with the "
        "same issuer and account but another secret is replaced only with "
        "--replace, kept apart with --new; a record for the same site that waits "
        "for an OTP receives it. LINK may be '-' to read it from standard input.",
    )
    add.add_argument(
        "link", nargs="?", metavar="LINK", help="otpauth://, steam:// or otpauth-migration:// link"
    )
    add.add_argument("--key", metavar="KEY", help="a base32 setup key ('-': standard input)")
    add.add_argument("--issuer", metavar="I", help="the site or app (with --key)")
    add.add_argument("--account", metavar="A", help="the account name (with --key)")
    add.add_argument(
        "--website",
        action="append",
        metavar="URL",
        help="a website for matching the window in front (repeatable)",
    )
    add.add_argument("--tag", action="append", metavar="TAG", help="a tag (repeatable)")
    add.add_argument(
        "--replace",
        action="store_true",
        help="replace the secret of the record with the same issuer and account",
    )
    add.add_argument(
        "--new",
        action="store_true",
        help="keep a record with the same issuer and account and add another",
    )
    add_key_options(add)
    _vault_options(add)
    add.set_defaults(func=cmd_add)

    listing = commands.add_parser(
        "list",
        help="list records with their current codes",
        description="List the records with their current codes and seconds left. HOTP codes "
        "are shown at the stored counter, which is not advanced.",
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help="a JSON array (id, issuer, account, type, digits, period, code, "
        "remaining, ...); never the secret",
    )
    listing.add_argument(
        "--at", type=time_arg, metavar="UNIX_SECONDS", help="codes at this time instead of now"
    )
    _vault_options(listing)
    listing.set_defaults(func=cmd_list)

    remove = commands.add_parser(
        "remove",
        help="remove a record",
        description="Remove the record QUERY names (it stays in the backups).",
    )
    remove.add_argument("query", metavar="QUERY")
    _vault_options(remove)
    remove.set_defaults(func=cmd_remove)

    edit = commands.add_parser(
        "edit",
        help="change a record's names, websites, note, tags",
        description="Change the record QUERY names.",
    )
    edit.add_argument("query", metavar="QUERY")
    edit.add_argument("--issuer")
    edit.add_argument("--account")
    edit.add_argument("--note")
    edit.add_argument(
        "--website", action="append", metavar="URL", help="add a website (repeatable)"
    )
    edit.add_argument(
        "--clear-websites", action="store_true", default=None, help="remove the websites first"
    )
    edit.add_argument("--tag", action="append", help="add a tag (repeatable)")
    edit.add_argument(
        "--clear-tags", action="store_true", default=None, help="remove the tags first"
    )
    edit.add_argument(
        "--title-pattern",
        action="append",
        metavar="PATTERN",
        help="a window-title pattern, wildcard or /regex/ (repeatable)",
    )
    edit.add_argument("--app", action="append", help="an application name (repeatable)")
    edit.add_argument(
        "--favorite", action=argparse.BooleanOptionalAction, default=None, help="show it first"
    )
    edit.add_argument(
        "--hotkey-action",
        choices=["type", "copy", "both", "default"],
        help="what the hotkey does for this record (default: the setting)",
    )
    edit.add_argument(
        "--restore-previous-key",
        action="store_true",
        help="bring back the key a re-enrolment replaced (the two swap)",
    )
    _vault_options(edit)
    edit.set_defaults(func=cmd_edit)

    passwd = commands.add_parser(
        "passwd",
        help="change (or set) the vault password",
        description="Change the vault password: the master key is rewrapped, the records "
        "are not re-encrypted (so the old password still opens old copies of the vault); "
        "with --rekey, a new master key: the records and every backup are sealed again, "
        "other computers' keyring slots are dropped (they join again), and the old "
        "password opens nothing any more. The new password is asked twice on a terminal, "
        "taken from $TRAYCODES_NEW_PASSWORD, or with --password-stdin read from "
        "standard input (the current password first when the keyring does not "
        "open the vault, then the new one).",
    )
    passwd.add_argument(
        "--rekey",
        action="store_true",
        help="also change the master key: old copies and the old password open nothing",
    )
    _vault_options(passwd)
    passwd.set_defaults(func=cmd_passwd)

    backups = commands.add_parser(
        "backups",
        help="list the encrypted backups",
        description="List the encrypted backups, newest first.",
    )
    _vault_options(backups, password=False)
    backups.set_defaults(func=cmd_backups)

    restore = commands.add_parser(
        "restore",
        help="restore the records from a backup",
        description="Restore the records from BACKUP (a number from 'traycodes backups' or a "
        "path). The current password and keyring keep working.",
    )
    restore.add_argument("backup", metavar="BACKUP")
    _vault_options(restore)
    restore.set_defaults(func=cmd_restore)

    keyring = commands.add_parser(
        "keyring",
        help="open the vault through the OS keyring, or stop",
        description="on: keep a key in the OS keyring so the vault opens without its "
        "password; off: forget it; status: say which keys open the vault.",
    )
    keyring.add_argument("action", choices=["on", "off", "status"])
    _vault_options(keyring)
    keyring.set_defaults(func=cmd_keyring)
