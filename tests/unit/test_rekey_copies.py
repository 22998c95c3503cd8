"""`passwd --rekey` leaves no copy in the synced folder that the old password opens: sync
tools' copies under any name and Syncthing's versions are merged and removed; junk named
like a conflict copy does not stop it; what it cannot handle is named."""

from __future__ import annotations

import shutil

from tests.unit.test_cli_vault import GITHUB, PASSWORD, Cli, cli  # noqa: F401 (a fixture)

RFC = "otpauth://totp/RFC:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=RFC"
NEW = "new-password"


def test_rekey_merges_and_removes_every_copy_the_old_password_opens(cli: Cli) -> None:  # noqa: F811
    cli.ok("add", GITHUB)
    folder = cli.vault.parent
    drive, onedrive = folder / "vault (1).tcv", folder / "vault-LAPTOP-7.tcv"
    versions = folder / ".stversions" / "vault~20261207-101010.tcv"
    versions.parent.mkdir()
    for copy in (drive, onedrive, versions):
        shutil.copy(cli.vault, copy)
    cli.ok("add", RFC, TRAYCODES_VAULT=str(onedrive))  # a change only that copy holds
    junk = folder / "vault.sync-conflict-20261207-101010-JUNK.tcv"
    junk.write_bytes(b"traycodes-vault 3\nnot a vault at all\n")
    history = folder / "vault.tcv.backups"
    kept_before = len(list(history.glob("*.tcv")))
    done = cli.ok("passwd", "--rekey", TRAYCODES_NEW_PASSWORD=NEW)
    # One save merged every copy (one save each would push real history out of the backups).
    assert len(list(history.glob("*.tcv"))) == kept_before + 1
    for name in (drive.name, onedrive.name, versions.name):
        assert name in done.stderr
    assert "opens no file of this vault" in done.stderr
    assert not drive.exists() and not onedrive.exists() and not versions.exists()
    assert junk.exists()  # not a copy of this vault: left alone, and no refusal
    opened = cli.ok("list", "--json", TRAYCODES_PASSWORD=NEW).stdout
    assert "GitHub" in opened and "RFC" in opened  # the copy's change was merged first
    for file in [*folder.glob("*.tcv"), *folder.glob("*.backups/*.tcv")]:
        if file != junk:
            assert cli("list", TRAYCODES_VAULT=str(file)).returncode == 3, file


def test_rekey_names_a_copy_it_cannot_open(cli: Cli, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    cli.ok("add", GITHUB)
    kept_outside = tmp_path / "outside.tcv"
    shutil.copy(cli.vault, kept_outside)
    cli.ok("passwd", "--rekey", TRAYCODES_NEW_PASSWORD=NEW)
    stale = cli.vault.parent / "vault (2).tcv"
    shutil.copy(kept_outside, stale)  # under the key before the first rekey
    done = cli.ok(
        "passwd", "--rekey", TRAYCODES_PASSWORD=NEW, TRAYCODES_NEW_PASSWORD="third-password"
    )
    assert "Left as they were" in done.stderr and stale.name in done.stderr
    assert stale.exists()  # never deleted unread
    assert cli("list", TRAYCODES_VAULT=str(stale)).returncode == 0  # what it still opens: said


def test_passwd_and_keyring_off_name_the_copies_the_old_password_opens(cli: Cli) -> None:  # noqa: F811
    cli.ok("add", GITHUB)
    copy = cli.vault.parent / "vault (1).tcv"
    shutil.copy(cli.vault, copy)
    done = cli.ok("passwd", TRAYCODES_NEW_PASSWORD=NEW)
    assert "old password still opens" in done.stderr
    assert " backups in " in done.stderr or " backup in " in done.stderr
    assert copy.name in done.stderr
    assert cli("list", TRAYCODES_VAULT=str(copy)).returncode == 0  # true: it does
    assert PASSWORD not in done.stderr and NEW not in done.stderr
    off = cli.ok("keyring", "off", TRAYCODES_PASSWORD=NEW)
    assert "old keyring key" in off.stderr and copy.name in off.stderr
