"""``traycodes import`` and ``traycodes export``: moving accounts in and out."""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import N_, _, ngettext
from .common import say

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..formats import Batch
    from ..model import Entry


def _read_sources(args: argparse.Namespace) -> Batch:
    """Every SOURCE read into one batch: files, '-', links, or QR images."""
    from pathlib import Path

    from ..errors import InvalidInput, StorageError
    from ..formats import Batch, is_image
    from ..formats.bounded import read_bounded as read  # each file in a bounded child

    reader = _ImportPassword(args)
    blobs: list[bytes] = []
    for source in args.sources:
        if source == "-":
            blobs.append(sys.stdin.buffer.read())
        elif "://" in source and not Path(source).exists():
            blobs.append(source.encode())
        else:
            try:
                blobs.append(Path(source).expanduser().read_bytes())
            except OSError as exc:
                said = _("cannot read {path}: {reason}")
                raise StorageError(said.format(path=source, reason=exc.strerror)) from None
    fmt = args.format
    if len(blobs) > 1:
        all_images = all(is_image(blob) for blob in blobs) if fmt == "auto" else fmt == "image"
        if all_images:
            return read(blobs[0], "image", images=blobs[1:])
        items: list[Any] = []
        notes: list[str] = []
        for blob in blobs:
            batch = read(blob, fmt, password=reader)
            items += batch.items
            notes += batch.notes
        return Batch("several", items, tuple(notes))
    if not blobs:
        raise InvalidInput(_("give a file, '-', a link or QR images to import"))
    return read(blobs[0], fmt, password=reader)


class _ImportPassword:
    """The export's password: --password-stdin, TRAYCODES_IMPORT_PASSWORD, or a prompt."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.from_stdin = args.import_password_stdin
        self._given: str | None = None

    def __call__(self) -> str | None:
        if self._given is not None:
            return self._given
        if self.from_stdin:
            self._given = sys.stdin.readline().rstrip("\r\n") or None
        elif os.environ.get("TRAYCODES_IMPORT_PASSWORD"):
            self._given = os.environ["TRAYCODES_IMPORT_PASSWORD"]
        elif sys.stdin.isatty():
            import getpass

            self._given = getpass.getpass(_("Password of the export: ")) or None
        return self._given


def cmd_import(args: argparse.Namespace) -> int:
    """All or nothing: one save at the end, only if every account could be read (or
    --skip-invalid); the same secret already in the vault is skipped."""
    from ..adding import add_entries
    from ..errors import InvalidInput
    from .common import open_vault, vault_path

    if args.import_password_stdin and "-" in args.sources:
        raise InvalidInput(
            _(
                "--password-stdin and '-' both want standard input: pass the "
                "file by name, or the password in TRAYCODES_IMPORT_PASSWORD"
            )
        )
    batch = _read_sources(args)
    # Kinds of code traycodes does not make (mOTP, Yandex) are left out with a word, as
    # Aegis and Stratum do; a damaged entry keeps the import all or nothing.
    unsupported = [item for item in batch.items if item.entry is None and item.unsupported]
    bad = [item for item in batch.items if item.entry is None and not item.unsupported]
    for note in batch.notes:
        say("traycodes: " + _("note: {note}").format(note=note))
    if bad and not args.skip_invalid:
        listed = "; ".join(f"{i.where}: {i.problem}" for i in bad[:3])
        if len(bad) > 3:
            listed = ngettext(
                "{listed} (and {count} more)", "{listed} (and {count} more)", len(bad) - 3
            ).format(listed=listed, count=len(bad) - 3)
        said = ngettext(
            "{count} account cannot be read, so nothing was imported: "
            "{listed}; --skip-invalid imports the others",
            "{count} accounts cannot be read, so nothing was imported: "
            "{listed}; --skip-invalid imports the others",
            len(bad),
        )
        raise InvalidInput(said.format(count=len(bad), listed=listed))
    good = [(item.where, item.entry) for item in batch.items if item.entry is not None]
    entries = [entry for _line, entry in good]
    if args.dry_run:
        vault = open_vault(args, writing=False) if vault_path(args).exists() else None
        records = {r.id: r for r in vault.records} if vault is not None else {}
        plan = add_entries(records, entries, _now())  # on a copy: nothing is saved
        shown = {
            "skip": _("skip (already there)"),
            "merge": _("merge (given twice)"),
            "fill": _("add (to a waiting record)"),
            "add": _("add"),
            "beside": _("add (beside an account with another secret)"),
        }
        for action, label, detail in plan.results:
            if action in ("skip", "merge"):
                about = _("same key as {record}").format(record=detail)
            else:
                about = detail
            print(f"{shown[action]}  {label}" + (f"  ({about})" if about else ""))
        for i in unsupported:
            print(_("leave out (not supported)") + f"  {i.where}: {i.problem}")
        for i in bad:
            print(_("skip (cannot be read)") + f"  {i.where}: {i.problem}")
        added = len(entries) - plan.count("skip") - plan.count("merge")
        print(_("(dry run: nothing was changed; {count} would be added)").format(count=added))
        return 0
    vault = open_vault(args)
    at = _now()
    report = vault.update(lambda records: add_entries(records, entries, at))
    added = report.count("add") + report.count("beside")
    summary = ngettext(
        "Imported {count} account from {format}", "Imported {count} accounts from {format}", added
    ).format(count=added, format=batch.format)
    if count := report.count("fill"):
        summary += ngettext(
            ", {count} into a record that waited for one",
            ", {count} into records that waited for one",
            count,
        ).format(count=count)
    summary += _("; skipped {count} already in the vault").format(count=report.count("skip"))
    if count := report.count("merge"):
        summary += ngettext(
            "; merged {count} exact duplicate (the same secret and OTP parameters given twice)",
            "; merged {count} exact duplicates (the same secret and OTP parameters given twice)",
            count,
        ).format(count=count)
    if count := report.count("beside"):
        summary += ngettext(
            "; {count} had the name of an account with another secret and was added beside it",
            "; {count} had the name of an account with another secret and were added beside it",
            count,
        ).format(count=count)
    if unsupported:
        summary += _("; left out {count} of a kind traycodes does not support: {listed}").format(
            count=len(unsupported),
            listed="; ".join(f"{i.where}: {i.problem}" for i in unsupported[:5]),
        )
    if bad:
        summary += _("; left out {count} that cannot be read: {listed}").format(
            count=len(bad), listed="; ".join(f"{i.where}: {i.problem}" for i in bad[:5])
        )
    say(summary + ".")
    return 0


def _now() -> float:
    import time

    return time.time()


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import InvalidInput
    from ..formats import writers
    from .common import PasswordReader, open_vault

    reader = PasswordReader(args)
    vault = open_vault(args, reader, writing=False)
    # With --password-stdin: the vault's password first (unless the keyring opened it).
    line = 1 if vault.unlocked_with == "password" else 0
    records = vault.records
    if args.only_desktop:
        from ..formats.follow import desktop_only

        records = desktop_only(records, vault.all_records())
    entries = writers.entries_of(records)
    fmt = args.format
    clear_warning = "traycodes: " + _(
        "warning: this export holds your secrets in clear: keep it private and delete it once used"
    )
    if fmt in ("qr", "google-qr"):
        return _export_qr(args, entries, "each" if fmt == "qr" else "google")
    if fmt == "otpauth":
        data = writers.write_otpauth(entries)
        say(clear_warning)
    elif fmt == "aegis":
        password = None
        if args.encrypt:
            password = reader.new(
                line=line, env="TRAYCODES_EXPORT_PASSWORD", what="Export password"
            )
        data = writers.write_aegis(entries, password)
        if password is None:
            say(clear_warning)
    elif fmt == "bitwarden":
        data = writers.write_bitwarden(entries)
        say(clear_warning)
    elif fmt == "2fas":
        data = writers.write_2fas(entries, int(_now() * 1000))
        say(clear_warning)
    elif fmt == "traycodes":
        password = reader.new(line=line, env="TRAYCODES_EXPORT_PASSWORD", what="Export password")
        data = writers.write_traycodes(records, password)
    else:  # pragma: no cover - argparse's choices
        raise InvalidInput(_("unknown export format {format}").format(format=fmt))
    if args.output in (None, "-"):
        if fmt == "traycodes":
            raise InvalidInput(_("the traycodes backup is binary: give -o PATH"))
        sys.stdout.buffer.write(data)
        return 0
    out = Path(args.output).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    writers.write_private(out, data)
    said = ngettext(
        "Exported {count} account to {path} (readable by you alone).",
        "Exported {count} accounts to {path} (readable by you alone).",
        len(entries),
    )
    say(said.format(count=len(entries), path=out))
    return 0


def _export_qr(args: argparse.Namespace, entries: list[Entry], mode: str) -> int:
    from pathlib import Path

    from ..errors import InvalidInput
    from ..formats import writers

    links, left_out = writers.qr_links(entries, mode)
    for label in left_out:
        said = "traycodes: " + _("{record} cannot be exported to Google Authenticator: left out")
        say(said.format(record=label))
    if args.show:
        return _show_qr(args, links)
    if not args.output:
        raise InvalidInput(
            _("QR codes are written as PNG files into -o FOLDER, or shown with --show")
        )
    folder = Path(args.output).expanduser()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for number, (name, link) in enumerate(links, start=1):
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:60]
        writers.write_private(folder / f"{number:03d}-{safe}.png", writers.qr_png(link))
    said = ngettext(
        "Wrote {count} QR code to {folder}: it holds your secrets; delete it once scanned.",
        "Wrote {count} QR codes to {folder}: they hold your secrets; delete them once scanned.",
        len(links),
    )
    say(said.format(count=len(links), folder=folder))
    return 0


def _show_qr(args: argparse.Namespace, links: list[tuple[str, str]]) -> int:
    from ..errors import InvalidInput

    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput(
                _("showing QR codes puts your secrets on screen: confirm with --yes")
            )
        asked = ngettext(
            "Show {count} QR code with your secrets on screen? [y/N] ",
            "Show {count} QR codes with your secrets on screen? [y/N] ",
            len(links),
        )
        answer = input(asked.format(count=len(links)))
        if answer.strip().lower() not in ("y", "yes", _("y"), _("yes")):
            say(_("Nothing shown."))
            return 0
    import threading

    from ..formats.writers import qr_png
    from ..ui.qrviewer import show_codes

    locked = threading.Event()
    from .. import desktop

    # the screen locking closes the window
    make = desktop.present(desktop.platform().lock_watcher)
    watcher = make(lambda _why: locked.set()) if make is not None else None
    if watcher is not None:
        watcher.start()
    try:
        why = show_codes([(name, qr_png(link)) for name, link in links], should_close=locked.is_set)
    finally:
        if watcher is not None:
            watcher.stop()
    if why != "closed":
        if why == "locked":
            say(_("The QR codes were taken off the screen: the screen locked."))
        else:
            say(_("The QR codes were taken off the screen: nobody used the window for a while."))
    return 0


class _FormatNames:
    """The import formats, looked up only when argparse checks or lists them (importing
    the formats package at every start would slow down one-shot commands)."""

    def __iter__(self) -> Any:
        from ..formats import FORMATS

        return iter(FORMATS)

    def __contains__(self, name: object) -> bool:
        from ..formats import FORMATS

        return name in FORMATS


def add_commands(commands: Any) -> None:
    from .common import vault_options

    imp = commands.add_parser(
        "import",
        help=N_("import accounts from another authenticator"),
        description=N_(
            "Import from Google Authenticator (otpauth-migration:// links or QR "
            "images), Aegis, 2FAS, andOTP, Stratum (plain or encrypted), Bitwarden "
            "(JSON, password-protected JSON, or CSV), Proton Authenticator and Ente Auth "
            "(plain or encrypted), Authy (its Android token files), "
            "LastPass Authenticator, 1Password (CSV or .1pux), KeePass/KeePassXC "
            "(.kdbx), FreeOTP+, a text file of otpauth links, or a traycodes "
            "backup. SOURCE is a file, '-' for standard input, a link, or QR "
            "images (several for a multi-part Google export). All or nothing: one "
            "unreadable account imports nothing (exit 2) unless --skip-invalid; "
            "accounts of a kind traycodes does not make (mOTP, Yandex) are left out "
            "and listed. Accounts already in the vault are skipped, and one given "
            "twice (same secret and parameters) is merged. An encrypted export's "
            "password comes from --password-stdin, TRAYCODES_IMPORT_PASSWORD or a "
            "terminal prompt; the vault's from the keyring, TRAYCODES_PASSWORD or a "
            "prompt."
        ),
    )
    imp.add_argument("sources", nargs="+", metavar="SOURCE")
    imp.add_argument(
        "--format",
        choices=_FormatNames(),
        default="auto",
        help=N_("the export's format (default: detected)"),
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help=N_("show what would be added and skipped, and why; change nothing"),
    )
    imp.add_argument(
        "--skip-invalid",
        action="store_true",
        help=N_("import the accounts that can be read, list the others"),
    )
    imp.add_argument(
        "--password-stdin",
        dest="import_password_stdin",
        action="store_true",
        help=N_("read the export's password from the first line of standard input"),
    )
    imp.add_argument(
        "--vault", metavar="PATH", default=argparse.SUPPRESS, help=N_("the vault file")
    )
    imp.set_defaults(func=cmd_import)

    exp = commands.add_parser(
        "export",
        help=N_("export accounts (backup, Aegis, Bitwarden, 2FAS, otpauth links, QR codes)"),
        description=N_(
            "traycodes: an encrypted backup that 'traycodes import' restores; "
            "aegis: Aegis JSON (--encrypt for an encrypted one); bitwarden: Bitwarden "
            "JSON (logins with their codes, for a password manager); 2fas: a plain .2fas "
            "backup; otpauth: a text "
            "list of links; qr: one QR code per account; google-qr: Google "
            "Authenticator export QR codes. Plain exports hold your secrets in clear "
            "and are written readable by you alone. A new password for the export "
            "is asked twice, or taken from TRAYCODES_EXPORT_PASSWORD."
        ),
    )
    exp.add_argument(
        "--format",
        required=True,
        choices=["traycodes", "aegis", "bitwarden", "2fas", "otpauth", "qr", "google-qr"],
    )
    exp.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help=N_("the file (a folder for QR codes); default: standard output"),
    )
    exp.add_argument("--encrypt", action="store_true", help=N_("encrypt the Aegis export"))
    exp.add_argument(
        "--only-desktop",
        action="store_true",
        help=N_("only the accounts that did not come from a followed phone ('traycodes follow')"),
    )
    exp.add_argument(
        "--show",
        action="store_true",
        help=N_("QR codes: show them in a window instead of writing files"),
    )
    exp.add_argument(
        "--yes",
        action="store_true",
        help=N_("with --show: do not ask before showing secrets on screen"),
    )
    vault_options(exp)
    exp.set_defaults(func=cmd_export)
