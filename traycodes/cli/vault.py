"""The vault commands of the CLI: init (and --join), passwd, backups, restore, keyring.
Messages go to stderr. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import argparse

from ..i18n import N_, _, ngettext
from .common import (
    PasswordReader,
    keystore_for,
    open_vault,
    path_arg,
    say,
    tell_running_app,
    vault_options,
    vault_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from ..vault import Vault


# --- commands --------------------------------------------------------------------------------


def cmd_join(args: argparse.Namespace) -> int:
    """``init --join PATH``: use a vault another computer made (in a synced folder)."""
    from ..errors import KeyUnavailable
    from ..keystore import system_store
    from ..settings import config_path, load_settings, save_settings
    from ..vault import Vault

    path = path_arg(args.join).resolve()
    reader = PasswordReader(args)
    vault = Vault.open(path, keystore=None, password=reader.current)
    store, why = (None, "--no-keyring") if args.no_keyring else system_store()
    if store is not None:
        try:
            vault.add_keyring(store)
        except KeyUnavailable as exc:
            why = str(exc)
            store = None
    if store is None:
        say(asks_each_time(why))
    from dataclasses import replace

    save_settings(replace(load_settings(), vault=str(path)), config_path())
    count = len(vault.records)
    if store is not None:
        said = ngettext(
            "Joined the vault at {path} ({count} record); it opens through this computer's "
            "keyring from now on. Saved as 'vault' in {settings}.",
            "Joined the vault at {path} ({count} records); it opens through this computer's "
            "keyring from now on. Saved as 'vault' in {settings}.",
            count,
        )
    else:
        said = ngettext(
            "Joined the vault at {path} ({count} record); it asks for its password each "
            "time. Saved as 'vault' in {settings}.",
            "Joined the vault at {path} ({count} records); it asks for its password each "
            "time. Saved as 'vault' in {settings}.",
            count,
        )
    say(said.format(path=path, count=count, settings=config_path()))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from ..errors import KeyUnavailable
    from ..keystore import system_store
    from ..settings import load_settings
    from ..vault import Vault, kdf_from_environment

    if args.join:
        return cmd_join(args)
    path = vault_path(args)
    if path.exists():
        from ..errors import Conflict

        raise Conflict(_("a vault already exists at {path}; nothing was changed").format(path=path))
    password = PasswordReader(args).new(line=0, env="TRAYCODES_PASSWORD", what="Password")
    store = None
    if not args.no_keyring:
        store, why = system_store()
        if store is None:
            say(asks_each_time(why))
    kdf = kdf_from_environment()
    keep = load_settings().backups
    try:
        vault = Vault.create(path, password=password, keystore=store, kdf=kdf, keep_backups=keep)
    except KeyUnavailable as exc:
        say(asks_each_time(str(exc)))
        vault = Vault.create(path, password=password, keystore=None, kdf=kdf, keep_backups=keep)
        store = None
    if store is not None:
        said = _("Created the vault at {path} (password and keyring).")
    else:
        said = _("Created the vault at {path} (password only).")
    say(said.format(path=vault.path))
    return 0


def asks_each_time(why: str) -> str:
    return "traycodes: " + _("{reason}: the vault will ask for its password each time").format(
        reason=why
    )


def _names(paths: list[Path]) -> str:
    return ", ".join(f"'{p.name}'" for p in paths)


def old_copies(vault: Vault) -> str:
    """What copies of the vault in its folder an old password or key still opens."""
    from ..vault import backups_folder, vault_copies

    count = len(vault.backups())
    copies = vault_copies(vault.path, vault.vault_id)
    found = ngettext("{count} backup in {folder}", "{count} backups in {folder}", count)
    found = found.format(count=count, folder=backups_folder(vault.path))
    if copies:
        more = ngettext(
            "{found} and {count} other copy of the vault in its folder: {names}",
            "{found} and {count} other copies of the vault in its folder: {names}",
            len(copies),
        )
        found = more.format(found=found, count=len(copies), names=_names(copies))
    return _(
        "{found}, and any copy kept outside it (another computer's sync history, a backup)"
    ).format(found=found)


def cmd_passwd(args: argparse.Namespace) -> int:
    from ..vault import absorb_copies, kdf_from_environment

    reader = PasswordReader(args)
    vault = open_vault(args, reader)
    # With --password-stdin: line 1 opens the vault (unless the keyring did), the next is new.
    line = 1 if vault.unlocked_with == "password" else 0
    new = reader.new(line=line, env="TRAYCODES_NEW_PASSWORD")
    if not args.rekey:
        vault.change_password(new, kdf=kdf_from_environment())
        said = _(
            "Password changed. The vault's key is the same: the old password still opens "
            "{copies}; and with any of them, the key to this one. "
            "'traycodes passwd --rekey' changes the key too."
        )
        say(said.format(copies=old_copies(vault)))
        return 0
    copies = absorb_copies(vault)  # under the old key: merged, then removed
    resealed, deleted = vault.rekey(new, keystore=keystore_for(args), kdf=kdf_from_environment())
    tell_running_app("lock")  # it holds the old key: unlocking again gets the new one
    said = ngettext(
        "New password and a new key: the records and {count} backup are sealed again",
        "New password and a new key: the records and {count} backups are sealed again",
        resealed,
    ).format(count=resealed)
    if deleted:
        said += ngettext(
            ", {count} backup that could not be was deleted",
            ", {count} backups that could not be were deleted",
            deleted,
        ).format(count=deleted)
    if copies.merged:
        said += ngettext(
            "; {count} copy merged in and removed: {names}",
            "; {count} copies merged in and removed: {names}",
            len(copies.merged),
        ).format(count=len(copies.merged), names=_names(copies.merged))
    folder = vault.path.parent
    if copies.left:
        said += _(
            ". Left as they were, since the old key does not open them (an older password "
            "may; nothing was merged from them): {names}. "
            "Apart from those, the old password opens no file of this vault in {folder}"
        ).format(names=_names([p for p, _reason in copies.left]), folder=folder)
    else:
        said += _(". The old password opens no file of this vault in {folder} any more").format(
            folder=folder
        )
    say(
        said
        + _(
            " (a copy kept outside it, such as another computer's sync history, still "
            "opens with it); other computers that share the vault must join again "
            "('traycodes init --join')."
        )
    )
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from ..vault import list_backups

    path = vault_path(args)
    backups = list_backups(path)
    if not backups:
        say(_("No backups of {path} yet (one is kept at each save).").format(path=path))
        return 0
    for number, backup in enumerate(backups, start=1):
        when = backup.saved.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        size = ngettext("{size} byte", "{size} bytes", backup.size).format(size=f"{backup.size:,}")
        print(f"{number:>3}  {when}  {size:>15}  {backup.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ..errors import InvalidInput
    from ..vault import list_backups

    path = vault_path(args)
    chosen = path_arg(args.backup)
    if args.backup.isdigit():
        backups = list_backups(path)
        index = int(args.backup) - 1
        if not 0 <= index < len(backups):
            said = _("there is no backup number {number}: see 'traycodes backups'")
            raise InvalidInput(said.format(number=args.backup))
        chosen = backups[index].path
    vault = open_vault(args)
    count = vault.restore(chosen)
    said = ngettext(
        "Restored {count} record from {path}: the deliberate way back (a vault file "
        "copied back by hand is merged with this computer's last save instead). The state "
        "it replaced is the newest backup.",
        "Restored {count} records from {path}: the deliberate way back (a vault file "
        "copied back by hand is merged with this computer's last save instead). The state "
        "it replaced is the newest backup.",
        count,
    )
    say(said.format(count=count, path=chosen))
    return 0


def cmd_keyring(args: argparse.Namespace) -> int:
    from ..errors import KeyUnavailable
    from ..keystore import system_store
    from ..vault import SLOT_KEYRING, SLOT_PASSWORD

    store, why = system_store()
    if args.action == "status":
        from ..vault import read_file

        file, _data = read_file(vault_path(args))
        kinds = [s.type for s in file.slots]
        said = _("keyring slot: {keyring}; password slot: {password}; {reason}")
        print(
            said.format(
                keyring=_("yes") if SLOT_KEYRING in kinds else _("no"),
                password=_("yes") if SLOT_PASSWORD in kinds else _("no"),
                reason=why,
            )
        )
        return 0
    vault = open_vault(args)
    if args.action == "on":
        if store is None:
            raise KeyUnavailable(why)
        vault.add_keyring(store)
        say(_("The vault now opens through the keyring."))
    else:
        vault.remove_keyring(store)
        said = _(
            "The vault no longer opens through the keyring; it asks for its password. Its key "
            "is the same: a copy of the old keyring key (a keyring backup) still opens it, "
            "{copies}. 'traycodes passwd --rekey' changes the key."
        )
        say(said.format(copies=old_copies(vault)))
    return 0


# --- parser ----------------------------------------------------------------------------------


def add_commands(commands: Any) -> None:
    """Register the vault commands on the CLI's sub-command table."""
    init = commands.add_parser(
        "init",
        help=N_("create a vault"),
        description=N_(
            "Create an encrypted vault. The password is asked twice on a terminal, "
            "read from standard input with --password-stdin, or taken from "
            "$TRAYCODES_PASSWORD (for automation). A key is also kept in the OS "
            "keyring so that daily use needs no password, unless --no-keyring."
        ),
    )
    init.add_argument(
        "--no-keyring", action="store_true", help=N_("do not keep a key in the OS keyring")
    )
    init.add_argument(
        "--join",
        metavar="PATH",
        help=N_(
            "use the vault another computer made at PATH (a synced folder): open it with "
            "its password, keep this computer's own keyring key, and remember PATH"
        ),
    )
    vault_options(init)
    init.set_defaults(func=cmd_init)

    passwd = commands.add_parser(
        "passwd",
        help=N_("change (or set) the vault password"),
        description=N_(
            "Change the vault password: the master key is rewrapped, the records "
            "are not re-encrypted (so the old password still opens old copies of the vault); "
            "with --rekey, a new master key: the records and every backup are sealed again, "
            "other computers' keyring slots are dropped (they join again), and the old "
            "password opens nothing any more. The new password is asked twice on a terminal, "
            "taken from $TRAYCODES_NEW_PASSWORD, or with --password-stdin read from "
            "standard input (the current password first when the keyring does not "
            "open the vault, then the new one)."
        ),
    )
    passwd.add_argument(
        "--rekey",
        action="store_true",
        help=N_("also change the master key: old copies and the old password open nothing"),
    )
    vault_options(passwd)
    passwd.set_defaults(func=cmd_passwd)

    backups = commands.add_parser(
        "backups",
        help=N_("list the encrypted backups"),
        description=N_("List the encrypted backups, newest first."),
    )
    vault_options(backups, password=False)
    backups.set_defaults(func=cmd_backups)

    restore = commands.add_parser(
        "restore",
        help=N_("restore the records from a backup"),
        description=N_(
            "Restore the records from BACKUP (a number from 'traycodes backups' or a "
            "path). The current password and keyring keep working."
        ),
    )
    restore.add_argument("backup", metavar="BACKUP")
    vault_options(restore)
    restore.set_defaults(func=cmd_restore)

    keyring = commands.add_parser(
        "keyring",
        help=N_("open the vault through the OS keyring, or stop"),
        description=N_(
            "on: keep a key in the OS keyring so the vault opens without its "
            "password; off: forget it; status: say which keys open the vault."
        ),
    )
    keyring.add_argument("action", choices=["on", "off", "status"])
    vault_options(keyring)
    keyring.set_defaults(func=cmd_keyring)
