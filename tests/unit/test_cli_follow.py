"""``traycodes follow`` as a user runs it: exit codes, one line on errors, the password
from stdin kept in the vault, never printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit import phone_backups as pb
from tests.unit.test_cli_vault import PASSWORD, Cli
from tests.unit.test_follow import LOW_N, PW, accounts


def doctor_row(cli: Cli, part: str) -> str:
    """The row of ``traycodes doctor`` about ``part`` (doctor exits 1 here: no desktop)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cli.root),
        "TRAYCODES_VAULT": str(cli.vault),
        "TRAYCODES_CONFIG": str(cli.root / "s.toml"),
        "TRAYCODES_KEYRING": "off",
    }
    done = subprocess.run(
        [sys.executable, "-m", "traycodes", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr
    return next(r for r in done.stdout.splitlines() if part in r)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    tool = Cli(tmp_path)
    tool.ok("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
    tool.ok("add", "--key", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--issuer", "Desktop")
    return tool


def test_add_sync_list_remove(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "Sync" / "Aegis"
    folder.mkdir(parents=True)
    phone = accounts()
    (folder / "aegis-backup-20260101-100000.json").write_bytes(pb.aegis(phone, PW, n=LOW_N))
    done = cli.ok(
        "follow", "add", str(folder), "--name", "Aegis (Pixel)", "--password-stdin", stdin=PW + "\n"
    )
    assert "From Aegis (Pixel): 3 added." in done.stderr
    assert PW not in done.stderr + done.stdout
    assert sorted(r["issuer"] for r in cli.records()) == ["Deno", "Desktop", "GitHub", "SPDX"]
    phone[0].name = "hubot"
    del phone[2]
    (folder / "aegis-backup-20260102-100000.json").write_bytes(pb.aegis(phone, PW, n=LOW_N))
    done = cli.ok("follow", "sync")  # the password kept in the vault: no prompt
    assert "From Aegis (Pixel): 1 updated, 1 removed." in done.stderr
    assert "no new backup" in cli.ok("follow", "sync", "Aegis (Pixel)").stderr
    listed = json.loads(cli.ok("follow", "list", "--json").stdout)
    assert [(s["name"], s["file"], s["accounts"], s["problem"]) for s in listed] == [
        ("Aegis (Pixel)", "aegis-backup-20260102-100000.json", 2, "")
    ]
    assert PW not in json.dumps(listed) and PW not in cli.ok("follow", "list").stdout
    assert PW.encode() not in (cli.vault.read_bytes())  # sealed with the records
    row = doctor_row(cli, "follow Aegis (Pixel)")
    assert row.startswith("OK") and "aegis-backup-20260102-100000.json, 2 accounts" in row
    cli.ok("follow", "remove", "Aegis (Pixel)")
    assert json.loads(cli.ok("follow", "list", "--json").stdout) == []
    assert len(cli.records()) == 3  # its accounts stay
    assert cli("follow", "remove", "Aegis (Pixel)").returncode == 1


@pytest.mark.parametrize(
    ("content", "code", "says"),
    [
        (lambda phone: pb.aegis(phone, "not the password", n=LOW_N), 3, "wrong password"),
        (lambda phone: pb.aegis(phone, PW, n=LOW_N)[:200], 4, "damaged or truncated"),
        (lambda phone: b"", 4, "empty"),
        (lambda phone: json.dumps({"items": []}).encode(), 2, "not Aegis backup"),
    ],
    ids=["wrong-password", "truncated", "empty", "another-format"],
)
def test_a_bad_backup_changes_nothing(
    cli: Cli, tmp_path: Path, content: object, code: int, says: str
) -> None:
    folder = tmp_path / "Aegis"
    folder.mkdir()
    phone = accounts()
    (folder / "aegis-backup-20260101-100000.json").write_bytes(pb.aegis(phone, PW, n=LOW_N))
    cli.ok("follow", "add", str(folder), "--password-stdin", stdin=PW + "\n")
    before = cli.vault.read_bytes()
    bad = folder / "aegis-backup-20260102-100000.json"
    bad.write_bytes(content(phone[:1]))  # type: ignore[operator]
    done = cli("follow", "sync", "Aegis")
    assert done.returncode == code and says in done.stderr
    assert cli.vault.read_bytes() == before
    assert says in json.loads(cli.ok("follow", "list", "--json").stdout)[0]["problem"]
    row = doctor_row(cli, "follow Aegis")
    assert row.startswith("PROBLEM") and says in row
    bad.write_bytes(pb.aegis(phone[:2], PW, n=LOW_N))  # the next good backup is taken
    assert "1 removed" in cli.ok("follow", "sync", "Aegis").stderr


def test_add_refuses_a_wrong_password_and_keeps_nothing(cli: Cli, tmp_path: Path) -> None:
    backup = tmp_path / "backup.authpro"
    backup.write_bytes(pb.stratum(accounts()[:1], PW))
    done = cli("follow", "add", str(backup), "--password-stdin", stdin="wrong\n")
    assert done.returncode == 3
    assert json.loads(cli.ok("follow", "list", "--json").stdout) == []
    assert cli("follow", "add", str(tmp_path / "nowhere")).returncode == 2
    assert cli("follow", "add", str(backup), "--format", "keepass").returncode == 2


def test_export_only_desktop(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    folder.mkdir()
    (folder / "aegis-backup-20260101-100000.json").write_bytes(pb.aegis(accounts()))
    cli.ok("follow", "add", str(folder))
    out = tmp_path / "to-phone.json"
    cli.ok(
        "export",
        "--format",
        "aegis",
        "--encrypt",
        "-o",
        str(out),
        "--only-desktop",
        TRAYCODES_EXPORT_PASSWORD="export-pw",
    )
    from traycodes.formats import read

    batch = read(out.read_bytes(), "aegis", password=lambda: "export-pw")
    assert [i.entry.issuer for i in batch.items if i.entry] == ["Desktop"]
    cli.ok("export", "--format", "aegis", "-o", str(out))  # positive control: all of them
    assert len(read(out.read_bytes(), "aegis").items) == 4


def test_list_survives_a_planted_time_in_the_vault(cli: Cli, tmp_path: Path) -> None:
    from traycodes.formats.follow import put_state, sources_in
    from traycodes.vault import Vault

    folder = tmp_path / "TwoFAS"
    folder.mkdir()
    data = json.loads(pb.twofas(accounts(), None, updated_ms=1_760_000_000_000))
    data["updatedAt"] = 1e300  # review-sync F3
    (folder / "x.2fas").write_text(json.dumps(data))
    cli.ok("follow", "add", str(folder), "--name", "TwoFAS")
    vault = Vault.open(cli.vault, keystore=None, password=lambda: PASSWORD)
    state = sources_in(vault.all_records())["TwoFAS"]
    assert state.stamp == 0.0  # not believed, not stored
    state.stamp = 1e297  # as 0.6.0 stored it: every computer's list crashed (exit 70)
    vault.update(lambda records: put_state(records, state, state.read_at + 1))
    listed = cli.ok("follow", "list")
    assert "x.2fas (?)" in listed.stdout
