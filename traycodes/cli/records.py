"""The record commands: add, list, code QUERY, remove, edit. Messages go to stderr; stdout
carries only what was asked for (codes, the list)."""

from __future__ import annotations

import argparse
import sys

from ..i18n import N_, _
from ..model import OtpType
from ..otp import code, remaining
from .common import (
    add_key_options,
    clock,
    find_one,
    open_vault,
    say,
    time_arg,
    vault_options,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..model import Entry, Record


def _entries_from_args(args: argparse.Namespace) -> list[Entry]:
    from ..errors import InvalidInput
    from ..uri import MigrationBatch, parse_link
    from .common import entry_from_args, link_from_args

    if args.link and args.key:
        raise InvalidInput(_("give a link or --key, not both"))
    if args.link:
        if args.issuer or args.account:
            raise InvalidInput(_("--issuer and --account go with --key (a link names its own)"))
        parsed = parse_link(link_from_args(args, args.link))
        return list(parsed.entries) if isinstance(parsed, MigrationBatch) else [parsed]
    if not args.key:
        raise InvalidInput(_("give an otpauth:// link, or --key KEY with --issuer"))
    if not args.issuer:
        raise InvalidInput(_("--key needs --issuer (the site or app it is for)"))
    args.uri = None
    return [entry_from_args(args)]


def cmd_add(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ..adding import AddReport, place
    from ..errors import InvalidInput

    if args.replace and args.new:
        raise InvalidInput(_("--replace and --new exclude each other"))
    extra_websites = tuple(args.website or ())
    extra_tags = tuple(args.tag or ())
    entries = [
        replace(e, websites=e.websites + extra_websites, tags=e.tags + extra_tags)
        for e in _entries_from_args(args)
    ]
    vault = open_vault(args)
    now = clock(args)
    on_conflict = "replace" if args.replace else "beside" if args.new else "refuse"

    def add_all(records: dict[str, Record]) -> AddReport:
        report = AddReport()  # the one rule (adding.place) for add, import and the dialog
        for entry in entries:
            report.results.append(place(records, entry, now, on_conflict=on_conflict))
        return report

    report = vault.update(add_all)
    for (action, _record, detail), sentence in zip(report.results, report.sentences(), strict=True):
        # the command's own words for an add that changes nothing
        unchanged = _("{record} already has this secret; nothing changed")
        say(unchanged.format(record=detail) if action == "skip" else sentence)
    return 0


def _group(code: str) -> str:
    """``492039`` -> ``492 039``: easier to read off a screen."""
    if not code.isdigit() or len(code) < 6:
        return code
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def _json_row(
    record: Record, now: float, directory: dict[str, tuple[str, ...]]
) -> dict[str, object]:
    """One record of ``list --json``: never the secret. ``directory``: websites from the
    2FA directory, for records without their own."""
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
        "directory_websites": list(directory.get(record.id, ())),
        "tags": list(record.tags),
        "favorite": record.favorite,
    }


def cmd_list(args: argparse.Namespace) -> int:
    import gc

    # A one-shot listing builds many small objects and holds no cycles: the cyclic GC
    # would only walk them over and over (a third of the time at 10,000 records).
    gc.disable()
    vault = open_vault(args, writing=False)
    now = clock(args)
    records = sorted(
        vault.records, key=lambda r: (not r.favorite, r.issuer.casefold(), r.account.casefold())
    )
    if args.json:
        import json

        from ..directory import websites_from_directory

        directory = websites_from_directory(records)
        rows = [_json_row(record, now, directory) for record in records]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return 0
    if not records:
        say(_("The vault is empty: add a record with 'traycodes add'."))
        return 0
    width = min(48, max(len(r.label) for r in records))
    out = []
    for record in records:
        star = "*" if record.favorite else " "
        otp = record.otp
        if otp is None:
            shown, left = _("(no OTP yet)"), ""
        else:
            shown = _group(code(otp, now))
            left = "HOTP" if otp.type is OtpType.HOTP else f"{int(remaining(otp, now) + 0.999)}s"
        out.append(f"{star} {record.label[:width]:<{width}}  {shown:>12}  {left}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def cmd_code_query(args: argparse.Namespace) -> int:
    """``traycodes code QUERY``: HOTP counters advance and are saved before the code shows."""
    from ..errors import NoMatch
    from ..model import OtpType
    from ..otp import code

    vault = open_vault(args, writing=False)  # an HOTP code still saves its counter
    record = find_one(vault, args.query)
    if record.otp is None:
        said = _("{record} has no OTP yet: add one with 'traycodes add'")
        raise NoMatch(said.format(record=record.label))
    if record.otp.type is not OtpType.HOTP:
        print(code(record.otp, clock(args)))
        return 0
    print(vault.advance_hotp(record.id, clock(args)))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:

    vault = open_vault(args)
    record = find_one(vault, args.query)
    now = clock(args)

    def remove(records: dict[str, Record]) -> None:
        if record.id in records:
            records[record.id] = records[record.id].tombstone(now)

    vault.update(remove)
    say(_("Removed {record} (it stays in the backups).").format(record=record.label))
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from ..errors import InvalidInput, NoMatch

    vault = open_vault(args)
    record = find_one(vault, args.query)
    now = clock(args)
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
        raise InvalidInput(_("nothing to change: see 'traycodes edit --help'"))

    def edit(records: dict[str, Record]) -> Record:
        current = records.get(record.id)
        if current is None or current.deleted:
            raise NoMatch(_("{record} was removed meanwhile").format(record=record.label))
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
                said = _("{record} has no previous key to bring back")
                raise InvalidInput(said.format(record=current.label))
            # the two swap: restoring again undoes the restore
            changes["otp"], changes["previous_otp"] = current.previous_otp, current.otp
        edited = current.edited(now, **changes)
        records[record.id] = edited
        return edited

    edited = vault.update(edit)
    say(_("Saved {record}.").format(record=edited.label))
    return 0


def add_commands(commands: Any) -> None:
    """Register the record commands on the CLI's sub-command table."""
    add = commands.add_parser(
        "add",
        help=N_("add an OTP from a link or a setup key"),
        description=N_(
            "Add an OTP. The same secret again changes nothing; a record with the "
            "same issuer and account but another secret is replaced only with "
            "--replace, kept apart with --new; a record for the same site that waits "
            "for an OTP receives it. LINK may be '-' to read it from standard input."
        ),
    )
    add.add_argument(
        "link",
        nargs="?",
        metavar="LINK",
        help=N_("otpauth://, steam:// or otpauth-migration:// link"),
    )
    add.add_argument("--key", metavar="KEY", help=N_("a base32 setup key ('-': standard input)"))
    add.add_argument("--issuer", metavar="I", help=N_("the site or app (with --key)"))
    add.add_argument("--account", metavar="A", help=N_("the account name (with --key)"))
    add.add_argument(
        "--website",
        action="append",
        metavar="URL",
        help=N_("a website for matching the window in front (repeatable)"),
    )
    add.add_argument("--tag", action="append", metavar="TAG", help=N_("a tag (repeatable)"))
    add.add_argument(
        "--replace",
        action="store_true",
        help=N_("replace the secret of the record with the same issuer and account"),
    )
    add.add_argument(
        "--new",
        action="store_true",
        help=N_("keep a record with the same issuer and account and add another"),
    )
    add_key_options(add)
    vault_options(add)
    add.set_defaults(func=cmd_add)

    listing = commands.add_parser(
        "list",
        help=N_("list records with their current codes"),
        description=N_(
            "List the records with their current codes and seconds left. HOTP codes "
            "are shown at the stored counter, which is not advanced."
        ),
    )
    listing.add_argument(
        "--json",
        action="store_true",
        help=N_(
            "a JSON array (id, issuer, account, type, digits, period, code, "
            "remaining, ...); never the secret"
        ),
    )
    listing.add_argument(
        "--at", type=time_arg, metavar="UNIX_SECONDS", help=N_("codes at this time instead of now")
    )
    vault_options(listing)
    listing.set_defaults(func=cmd_list)

    remove = commands.add_parser(
        "remove",
        help=N_("remove a record"),
        description=N_("Remove the record QUERY names (it stays in the backups)."),
    )
    remove.add_argument("query", metavar="QUERY")
    vault_options(remove)
    remove.set_defaults(func=cmd_remove)

    edit = commands.add_parser(
        "edit",
        help=N_("change a record's names, websites, note, tags"),
        description=N_("Change the record QUERY names."),
    )
    edit.add_argument("query", metavar="QUERY")
    edit.add_argument("--issuer")
    edit.add_argument("--account")
    edit.add_argument("--note")
    edit.add_argument(
        "--website", action="append", metavar="URL", help=N_("add a website (repeatable)")
    )
    edit.add_argument(
        "--clear-websites", action="store_true", default=None, help=N_("remove the websites first")
    )
    edit.add_argument("--tag", action="append", help=N_("add a tag (repeatable)"))
    edit.add_argument(
        "--clear-tags", action="store_true", default=None, help=N_("remove the tags first")
    )
    edit.add_argument(
        "--title-pattern",
        action="append",
        metavar="PATTERN",
        help=N_("a window-title pattern, wildcard or /regex/ (repeatable)"),
    )
    edit.add_argument("--app", action="append", help=N_("an application name (repeatable)"))
    edit.add_argument(
        "--favorite", action=argparse.BooleanOptionalAction, default=None, help=N_("show it first")
    )
    edit.add_argument(
        "--hotkey-action",
        choices=["type", "copy", "both", "default"],
        help=N_("what the hotkey does for this record (default: the setting)"),
    )
    edit.add_argument(
        "--restore-previous-key",
        action="store_true",
        help=N_("bring back the key a re-enrolment replaced (the two swap)"),
    )
    vault_options(edit)
    edit.set_defaults(func=cmd_edit)
