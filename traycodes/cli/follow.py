"""``traycodes follow``: merge a phone authenticator's automatic backups into the vault."""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import N_, _, ngettext
from .common import say

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..formats.follow import MergeReport


def _now() -> float:
    import time

    return time.time()


def _backup_password(args: argparse.Namespace) -> str | None:
    """The backup's password: --password-stdin, TRAYCODES_IMPORT_PASSWORD, or a prompt
    when the backup turns out to be encrypted (asked once)."""
    if args.backup_password_stdin:
        return sys.stdin.readline().rstrip("\r\n") or None
    return os.environ.get("TRAYCODES_IMPORT_PASSWORD") or None


def _tell(report: MergeReport | None) -> None:
    if report is None:
        return
    for warning in report.warnings:
        say("traycodes: " + _("warning: {message}").format(message=warning))
    if report.unchanged:
        if not report.warnings:
            say(_("{source}: no new backup.").format(source=report.source))
        return
    say(_("From {source}: {summary}.").format(source=report.source, summary=report.summary()))


def cmd_follow_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import InvalidInput, Locked
    from ..formats.phone import add_source
    from ..formats.phone_files import APPS
    from .common import open_vault

    path = Path(args.path).expanduser().absolute()
    if not path.exists():
        said = _("{path} does not exist (the folder the phone app backs up to)")
        raise InvalidInput(said.format(path=path))
    password = _backup_password(args)
    name = args.name or APPS.get(args.format, path.name if path.is_dir() else path.stem)
    if not name.strip() or not name.isprintable():
        raise InvalidInput(_("--name must be printable text"))
    vault = open_vault(args)
    try:
        report = add_source(vault, path, fmt=args.format, name=name, password=password, at=_now())
    except Locked:
        if password is not None or not sys.stdin.isatty():
            raise
        import getpass

        password = getpass.getpass(_("Password of the phone's backups: ")) or None
        report = add_source(vault, path, fmt=args.format, name=name, password=password, at=_now())
    say(_("Following {path} as '{name}'.").format(path=path, name=name))
    if report is None:
        say(_("No backup there yet: it will be merged when one arrives ('traycodes follow sync')."))
    _tell(report)
    return 0


def cmd_follow_sync(args: argparse.Namespace) -> int:
    from ..errors import TrayCodesError
    from ..formats.phone import followed, sync_source
    from .common import open_vault

    vault = open_vault(args)
    names = [args.name] if args.name else [s.state.name for s in followed(vault)]
    if not names:
        say(_("No source is followed ('traycodes follow add PATH')."))
        return 0
    worst = 0
    for name in names:
        try:
            report = sync_source(vault, name, at=_now(), accept_removals=args.accept_removals)
        except TrayCodesError as exc:
            if len(names) == 1:
                raise
            say("traycodes: " + _("{name}: {error}").format(name=name, error=exc))
            worst = worst or exc.exit_code
            continue
        _tell(report)
    return worst


def cmd_follow_list(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from ..formats.phone import followed
    from .common import open_vault

    vault = open_vault(args, writing=False)
    rows = [
        {
            "name": s.state.name,
            "path": s.state.path,
            "format": s.state.format,
            "file": s.state.file,
            "file_time": s.state.stamp or None,
            "read_at": s.state.read_at or None,
            "accounts": s.state.count,
            "removals_waiting": s.state.held,
            "problem": s.problem,
        }
        for s in followed(vault)
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0

    def when(value: object) -> str:
        if not isinstance(value, float):
            return "-"
        try:  # a planted time (year 10^290) must not crash the list
            return datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M")
        except (OverflowError, ValueError, OSError):
            return "?"

    if not rows:
        say(_("No source is followed ('traycodes follow add PATH')."))
    for row in rows:
        print(f"{row['name']}  ({row['format']})  {row['path']}")
        accounts = row["accounts"] if isinstance(row["accounts"], int) else 0
        said = ngettext(
            "last backup: {file} ({file_time}), read {read_at}; {count} account from it",
            "last backup: {file} ({file_time}), read {read_at}; {count} accounts from it",
            accounts,
        )
        print(
            "  "
            + said.format(
                file=row["file"] or "-",
                file_time=when(row["file_time"]),
                read_at=when(row["read_at"]),
                count=row["accounts"],
            )
        )
        if waiting := row["removals_waiting"]:
            said = ngettext(
                "{count} removal waits for --accept-removals",
                "{count} removals wait for --accept-removals",
                waiting if isinstance(waiting, int) else 0,
            )
            print("  " + said.format(count=waiting))
        if row["problem"]:
            print("  " + _("problem: {problem}").format(problem=row["problem"]))
    return 0


def cmd_follow_remove(args: argparse.Namespace) -> int:
    from ..errors import NoMatch
    from ..formats.follow import drop_state
    from ..formats.phone import forget_pass
    from .common import open_vault

    vault = open_vault(args)
    at = _now()
    if not vault.update(lambda records: drop_state(records, args.name, at)):
        raise NoMatch(_("no followed source is named '{name}'").format(name=args.name))
    forget_pass(args.name)
    said = _("No longer following '{name}'; its accounts stay in the vault.")
    say(said.format(name=args.name))
    return 0


def add_commands(commands: Any) -> None:
    from .common import vault_options

    follow = commands.add_parser(
        "follow",
        help=N_("merge a phone authenticator's automatic backups (Aegis, Stratum, 2FAS)"),
        description=N_(
            "Follow the folder a phone authenticator writes its automatic "
            "backups to (synced to this computer by Syncthing, Nextcloud or a cloud drive): "
            "each new backup is merged into the vault, account by account; the running app "
            "does it as backups arrive. Accounts only on this computer are never touched."
        ),
    )
    actions = follow.add_subparsers(dest="follow_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help=N_("follow a folder (or one file the phone overwrites) and merge its newest backup"),
        description=N_(
            "The backup's password (an encrypted backup) comes from "
            "--password-stdin, TRAYCODES_IMPORT_PASSWORD or a prompt, and is kept inside "
            "the vault (encrypted with it) so that following works unattended."
        ),
    )
    add.add_argument("path", metavar="PATH")
    add.add_argument(
        "--format",
        choices=["aegis", "stratum", "2fas", "auto"],
        default="auto",
        help=N_("the phone app (default: told by the backups' names, else their content)"),
    )
    add.add_argument("--name", help=N_("what to call it (default: the app's name)"))
    add.add_argument(
        "--password-stdin",
        dest="backup_password_stdin",
        action="store_true",
        help=N_("read the backups' password from the first line of standard input"),
    )
    vault_options(add, password=False)
    add.set_defaults(func=cmd_follow_add)
    sync = actions.add_parser(
        "sync", help=N_("merge the newest backup of each followed source (or one), if new")
    )
    sync.add_argument("name", nargs="?", metavar="NAME")
    sync.add_argument(
        "--accept-removals",
        action="store_true",
        help=N_("apply a backup that removes more than half of the source's accounts"),
    )
    vault_options(sync, password=False)
    sync.set_defaults(func=cmd_follow_sync)
    listing = actions.add_parser("list", help=N_("the followed sources and their last backup"))
    listing.add_argument("--json", action="store_true", help=N_("as JSON"))
    vault_options(listing, password=False)
    listing.set_defaults(func=cmd_follow_list)
    remove = actions.add_parser("remove", help=N_("stop following a source (its accounts stay)"))
    remove.add_argument("name", metavar="NAME")
    vault_options(remove, password=False)
    remove.set_defaults(func=cmd_follow_remove)
