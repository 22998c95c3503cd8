"""The vault commands, run as a user would: a real process, stdin, exit codes, stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "pw-for-tests"
GITHUB = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


class Cli:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.vault = root / "data" / "vault.tcv"

    def __call__(
        self, *args: str, stdin: str | None = None, password: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.root),
            "TRAYCODES_VAULT": str(self.vault),
            "TRAYCODES_CONFIG": str(self.root / "s.toml"),
            "TRAYCODES_KEYRING": "off",
            "TRAYCODES_KDF_COST": "minimum",
        }
        if password:
            environment["TRAYCODES_PASSWORD"] = PASSWORD
        environment.update(env)
        done = subprocess.run(
            [sys.executable, "-m", "traycodes", *args],
            input=stdin or "",
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        if done.returncode:
            assert done.stderr.startswith("traycodes: "), done.stderr
            assert done.stderr.count("\n") == 1, done.stderr
        return done

    def ok(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        done = self(*args, **kwargs)  # type: ignore[arg-type]
        assert done.returncode == 0, done.stderr
        return done

    def records(self) -> list[dict[str, object]]:
        return json.loads(self.ok("list", "--json").stdout)  # type: ignore[no-any-return]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    tool = Cli(tmp_path)
    done = tool("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
    assert done.returncode == 0, done.stderr
    assert "TRAYCODES_KEYRING=off" in done.stderr
    return tool


def test_init_refuses_an_existing_vault(cli: Cli) -> None:
    before = cli.vault.read_bytes()
    done = cli("init")
    assert done.returncode == 1
    assert cli.vault.read_bytes() == before


def test_init_without_any_password(tmp_path: Path) -> None:
    done = Cli(tmp_path)("init", password=False)
    assert done.returncode == 2
    assert "--password-stdin" in done.stderr


def test_add_list_code(cli: Cli) -> None:
    assert "Added GitHub (octocat)" in cli.ok("add", GITHUB).stderr
    records = cli.records()
    assert len(records) == 1
    row = records[0]
    assert {"id", "issuer", "account", "type", "digits", "period", "code", "remaining"} <= set(row)
    assert (row["issuer"], row["account"], row["type"], row["digits"], row["period"]) == (
        "GitHub",
        "octocat",
        "totp",
        6,
        30,
    )
    assert "secret" not in json.dumps(records).lower()
    assert "JBSWY3DP" not in json.dumps(records)
    code = cli.ok("code", "github", "--at", "59").stdout
    assert code == cli.ok("code", "--uri", GITHUB, "--at", "59").stdout
    listed = cli.ok("list", "--at", "59").stdout
    assert "GitHub (octocat)" in listed
    assert f"{code.strip()[:3]} {code.strip()[3:]}" in listed
    assert "1s" in listed


def test_add_with_key(cli: Cli) -> None:
    cli.ok(
        "add",
        "--key",
        RFC_KEY,
        "--issuer",
        "ACME",
        "--account",
        "me",
        "--digits",
        "8",
        "--website",
        "https://acme.example/login",
    )
    row = cli.records()[0]
    assert (row["issuer"], row["account"], row["digits"], row["websites"]) == (
        "ACME",
        "me",
        8,
        ["https://acme.example/login"],
    )
    assert cli.ok("code", "acme.example", "--at", "59").stdout == "94287082\n"


def test_add_key_from_stdin(cli: Cli) -> None:
    cli.ok("add", "--key", "-", "--issuer", "ACME", stdin=RFC_KEY + "\n")
    assert cli.ok("code", "ACME", "--at", "59").stdout == "287082\n"


def test_same_secret_again_changes_nothing(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    before = cli.vault.read_bytes()
    done = cli.ok("add", GITHUB.replace("GitHub:octocat", "Other:name"))
    assert "already has this secret; nothing changed" in done.stderr
    assert cli.vault.read_bytes() == before


def test_reenrolment_needs_replace_or_new(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    other = GITHUB.replace("JBSWY3DPEHPK3PXP", RFC_KEY)
    done = cli("add", other)
    assert done.returncode == 1
    assert "GitHub (octocat)" in done.stderr
    assert "--replace" in done.stderr
    cli.ok("add", other, "--replace")
    assert len(cli.records()) == 1
    assert cli.ok("code", "GitHub", "--at", "59").stdout == "287082\n"
    cli.ok("add", GITHUB, "--new")
    assert len(cli.records()) == 2
    assert cli("code", "GitHub").returncode == 1  # two equal matches now


def test_record_waiting_for_an_otp_receives_it(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    cli.ok("edit", "octocat", "--issuer", "GitHub")
    # Make a record without an OTP through the Python API, then add the OTP from the CLI.
    import uuid

    from traycodes.model import Record
    from traycodes.vault import Vault

    vault = Vault.open(cli.vault, keystore=None, password=lambda: PASSWORD)
    waiting = Record(id=uuid.uuid4().hex, issuer="Mail", websites=("mail.example",))
    vault.update(lambda records: records.__setitem__(waiting.id, waiting))
    done = cli.ok("add", "otpauth://totp/Mail:me@mail.example?secret=" + RFC_KEY + "&issuer=Mail")
    assert "Added the OTP to Mail (me@mail.example)" in done.stderr
    rows = {r["issuer"]: r for r in cli.records()}
    assert rows["Mail"]["id"] == waiting.id
    assert rows["Mail"]["websites"] == ["mail.example"]


def test_code_query_ranking_and_ambiguity(cli: Cli) -> None:
    cli.ok("add", "--key", RFC_KEY, "--issuer", "Git")
    cli.ok("add", "--key", "JBSWY3DPEHPK3PXP", "--issuer", "GitHub")
    cli.ok("add", "--key", "MFRGGZDFMZTWQ2LK", "--issuer", "GitLab")
    assert cli.ok("code", "git", "--at", "59").stdout == "287082\n"  # exact beats prefix
    done = cli("code", "gith")
    assert done.returncode == 0
    done = cli("code", "it")  # substring of all three: several equal matches
    assert done.returncode == 1
    assert "Git" in done.stderr
    assert "GitHub" in done.stderr
    assert "GitLab" in done.stderr
    assert cli("code", "nothing-like-it").returncode == 1


def test_hotp_counter_advances_and_is_saved_first(cli: Cli) -> None:
    cli.ok("add", "--key", RFC_KEY, "--issuer", "Bank", "--hotp")
    codes = [cli.ok("code", "bank").stdout.strip() for _ in range(3)]
    assert codes == ["755224", "287082", "359152"]
    row = cli.records()[0]
    assert (row["counter"], row["code"]) == (3, "969429")  # list shows, never advances
    assert cli.records()[0]["counter"] == 3


def test_remove_and_edit(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    cli.ok(
        "edit",
        "github",
        "--account",
        "mona",
        "--website",
        "github.com",
        "--tag",
        "work",
        "--note",
        "backup codes in the safe",
        "--favorite",
    )
    row = cli.records()[0]
    assert (row["account"], row["websites"], row["tags"], row["favorite"]) == (
        "mona",
        ["github.com"],
        ["work"],
        True,
    )
    cli.ok("edit", "github", "--hotkey-action", "copy", "--title-pattern", "*GitHub*")
    assert cli("edit", "github", "--hotkey-action", "paste").returncode == 2
    assert cli("edit", "github").returncode == 2
    assert "Removed GitHub (mona)" in cli.ok("remove", "github").stderr
    assert cli.records() == []
    assert cli("remove", "github").returncode == 1


def test_wrong_and_missing_password(cli: Cli) -> None:
    done = cli("list", TRAYCODES_PASSWORD="nope")
    assert done.returncode == 3
    assert "wrong password" in done.stderr
    done = cli("list", password=False)
    assert done.returncode == 3
    assert "--password-stdin" in done.stderr
    assert cli.ok("list", "--password-stdin", stdin=PASSWORD + "\n", password=False)


def test_passwd(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    cli.ok("passwd", "--password-stdin", stdin=f"{PASSWORD}\nnew-password\n", password=False)
    assert cli("list").returncode == 3
    assert cli.ok("list", TRAYCODES_PASSWORD="new-password")
    cli.ok("passwd", TRAYCODES_PASSWORD="new-password", TRAYCODES_NEW_PASSWORD=PASSWORD)
    assert len(cli.records()) == 1


def test_passwd_says_what_old_copies_still_open(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    done = cli.ok("passwd", TRAYCODES_NEW_PASSWORD="new-password")
    assert "old password still opens" in done.stderr and "--rekey" in done.stderr
    old_backup = cli.ok("backups").stdout.split()[-1]
    opened = cli("list", TRAYCODES_VAULT=old_backup)  # an old copy: the old password
    assert opened.returncode == 0, opened.stderr


@pytest.mark.parametrize("how", ["environment", "stdin"])
def test_passwd_rekey(cli: Cli, how: str) -> None:
    cli.ok("add", GITHUB)
    cli.ok("add", "--key", RFC_KEY, "--issuer", "RFC")
    codes = {q: cli.ok("code", q, "--at", "59").stdout for q in ("github", "rfc")}
    if how == "environment":
        done = cli.ok("passwd", "--rekey", TRAYCODES_NEW_PASSWORD="new-password")
    else:
        done = cli.ok(
            "passwd",
            "--rekey",
            "--password-stdin",
            stdin=f"{PASSWORD}\nnew-password\n",
            password=False,
        )
    assert "new key" in done.stderr and done.stdout == ""
    files = [cli.vault, *cli.vault.parent.glob("*.backups/*.tcv")]
    assert len(files) >= 3
    for file in files:  # the old password opens nothing, the new one everything
        assert cli("list", TRAYCODES_VAULT=str(file)).returncode == 3, file
        assert cli("list", TRAYCODES_VAULT=str(file), TRAYCODES_PASSWORD="new-password")
    after = {
        q: cli.ok("code", q, "--at", "59", TRAYCODES_PASSWORD="new-password").stdout
        for q in ("github", "rfc")
    }
    assert after == codes


def test_backups_and_restore(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    cli.ok("remove", "github")
    listed = cli.ok("backups").stdout.splitlines()
    assert len(listed) == 2
    assert listed[0].lstrip().startswith("1 ")
    done = cli.ok("restore", "1")
    assert "Restored 1 record" in done.stderr
    assert [r["issuer"] for r in cli.records()] == ["GitHub"]
    assert cli("restore", "99").returncode == 2


def test_damaged_vault_exit_4_and_untouched(cli: Cli) -> None:
    cli.ok("add", GITHUB)
    data = bytearray(cli.vault.read_bytes())
    data[len(data) // 2] ^= 0x04
    cli.vault.write_bytes(bytes(data))
    for args in (("list",), ("add", GITHUB.replace("GitHub", "Other")), ("code", "github")):
        done = cli(*args)
        assert done.returncode == 4
        assert "traycodes backups" in done.stderr
        assert cli.vault.read_bytes() == bytes(data)


def test_no_vault(tmp_path: Path) -> None:
    done = Cli(tmp_path)("list")
    assert done.returncode == 2
    assert "traycodes init" in done.stderr


def test_vault_option_overrides_environment(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "v.tcv"
    cli.ok("init", "--vault", str(other))
    cli.ok("add", GITHUB, "--vault", str(other))
    assert cli.records() == []
    assert len(json.loads(cli.ok("--vault", str(other), "list", "--json").stdout)) == 1


def test_secrets_never_reach_the_output(cli: Cli) -> None:
    outputs = [
        cli.ok("add", GITHUB),
        cli.ok("list"),
        cli.ok("list", "--json"),
        cli("add", GITHUB.replace("JBSWY3DPEHPK3PXP", RFC_KEY)),
        cli.ok("backups"),
    ]
    for done in outputs:
        for secret in ("JBSWY3DPEHPK3PXP", RFC_KEY, PASSWORD):
            assert secret not in done.stdout
            assert secret not in done.stderr


def test_bad_settings_file_does_not_stop_anything(cli: Cli) -> None:
    (cli.root / "s.toml").write_text("backups = 'many'\n")
    done = cli.ok("add", GITHUB)
    assert "'backups' must be a whole number" in done.stderr


def test_reads_do_not_write(cli: Cli) -> None:
    """list, a TOTP code and export leave the vault, its backups and a sync conflict copy
    as they are; the next change merges the copy."""
    cli.ok("add", GITHUB)
    cli.ok("add", "--key", RFC_KEY, "--issuer", "Later")
    older = sorted(cli.vault.parent.glob("*.backups/*.tcv"))[-1]  # the state before "Later"
    copy = cli.vault.with_name("vault.sync-conflict-20261128-101010-B.tcv")
    copy.write_bytes(older.read_bytes())
    folder = cli.vault.parent

    def snapshot() -> dict[str, tuple[bytes, int]]:
        return {
            str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    listed = cli.ok("list")
    assert "conflict copy" in listed.stderr and "next change" in listed.stderr
    cli.ok("code", "github")
    cli.ok("export", "--format", "otpauth", "-o", str(cli.root / "out.txt"), "--yes")
    assert snapshot() == before
    cli.ok("edit", "github", "--note", "a change")
    assert not copy.exists()  # merged and removed by the write
