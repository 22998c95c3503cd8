"""``traycodes import``, ``export`` and ``init --join`` as a user runs them."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from tests.unit.test_cli_vault import PASSWORD, Cli
from tests.unit.test_formats import aegis_db, aegis_encrypted, expected, twofas_services
from traycodes.formats import writers
from traycodes.uri import format_uri


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    tool = Cli(tmp_path)
    tool.ok("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
    return tool


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_everything_once(cli: Cli, tmp_path: Path) -> None:
    aegis = write(
        tmp_path,
        "aegis.json",
        json.dumps(
            {"version": 1, "header": {"slots": None, "params": None}, "db": aegis_db()}
        ).encode(),
    )
    done = cli.ok("import", aegis)
    assert "Imported 7 accounts from aegis" in done.stderr
    assert len(cli.records()) == 7
    again = cli.ok("import", aegis)  # re-importing adds no duplicates
    assert "Imported 0 accounts" in again.stderr
    assert "skipped 7 already in the vault" in again.stderr
    assert len(cli.records()) == 7


def test_all_or_nothing(cli: Cli, tmp_path: Path) -> None:
    services = twofas_services()
    services[3]["secret"] = "NOT*BASE32"
    source = write(
        tmp_path, "b.2fas", json.dumps({"services": services, "schemaVersion": 4}).encode()
    )
    before = cli.vault.read_bytes()
    done = cli("import", source)
    assert done.returncode == 2
    assert "entry 4 (Issuu)" in done.stderr
    assert "nothing was imported" in done.stderr
    assert cli.vault.read_bytes() == before
    skipped = cli.ok("import", source, "--skip-invalid")
    assert "Imported 6" in skipped.stderr
    assert "left out 1 that cannot be read: entry 4 (Issuu)" in skipped.stderr


def test_truncated_file_imports_nothing(cli: Cli, tmp_path: Path) -> None:
    data = json.dumps({"services": twofas_services(), "schemaVersion": 4}).encode()
    source = write(tmp_path, "cut.2fas", data[: len(data) // 2])
    done = cli("import", source)
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr
    assert cli.records() == []


def test_dry_run_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", format_uri(expected()[0]))
    listing = write(tmp_path, "links.txt", writers.write_otpauth(expected()[:3]))
    before = cli.vault.read_bytes()
    done = cli.ok("import", listing, "--dry-run")
    lines = done.stdout.splitlines()
    assert lines[0].startswith("skip (already there)  Deno (Mason)")
    assert lines[1] == "add  SPDX (James)"
    assert "2 would be added" in lines[-1]
    assert cli.vault.read_bytes() == before


def test_encrypted_import_with_password_stdin(cli: Cli, tmp_path: Path) -> None:
    source = write(tmp_path, "aegis-enc.json", aegis_encrypted("export pw", aegis_db()))
    assert cli("import", source, stdin="").returncode == 3  # no password: locked
    wrong = cli("import", source, "--password-stdin", stdin="nope\n")
    assert wrong.returncode == 3
    cli.ok("import", source, "--password-stdin", stdin="export pw\n")
    assert len(cli.records()) == 7


def test_import_a_link_and_qr_images(cli: Cli, tmp_path: Path) -> None:
    cli.ok("import", format_uri(expected()[0]))
    links, _ = writers.qr_links(expected()[1:3], "each")
    images = [
        write(tmp_path, f"{n}.png", writers.qr_png(link)) for n, (_, link) in enumerate(links)
    ]
    cli.ok("import", *images)
    assert sorted(r["issuer"] for r in cli.records()) == ["Airbnb", "Deno", "SPDX"]


def test_export_formats_round_trip_through_import(cli: Cli, tmp_path: Path) -> None:
    cli.ok("import", write(tmp_path, "links.txt", writers.write_otpauth(expected())))
    exports = tmp_path / "out"
    plain = cli.ok("export", "--format", "aegis", "-o", str(exports / "aegis.json"))
    assert "in clear" in plain.stderr
    assert stat.S_IMODE((exports / "aegis.json").stat().st_mode) == 0o600
    cli.ok(
        "export",
        "--format",
        "aegis",
        "--encrypt",
        "-o",
        str(exports / "aegis-enc.json"),
        TRAYCODES_EXPORT_PASSWORD="e",
    )
    cli.ok(
        "export",
        "--format",
        "traycodes",
        "-o",
        str(exports / "backup.tcv"),
        TRAYCODES_EXPORT_PASSWORD="b",
    )
    listing = cli.ok("export", "--format", "otpauth").stdout
    assert listing.count("otpauth://") == 7
    cli.ok("export", "--format", "qr", "-o", str(exports / "qr"))
    assert len(list((exports / "qr").glob("*.png"))) == 7
    google = cli.ok("export", "--format", "google-qr", "-o", str(exports / "gqr"))
    assert "left out" in google.stderr
    for name, password in (("aegis.json", ""), ("aegis-enc.json", "e"), ("backup.tcv", "b")):
        fresh = Cli(tmp_path / f"fresh-{name}")
        fresh.ok("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
        fresh.ok("import", str(exports / name), TRAYCODES_IMPORT_PASSWORD=password or "x")
        assert sorted(r["issuer"] for r in fresh.records()) == sorted(
            e.issuer for e in expected()
        ), name
    qr = Cli(tmp_path / "fresh-qr")
    qr.ok("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
    qr.ok("import", *sorted(str(p) for p in (exports / "qr").glob("*.png")))
    assert len(qr.records()) == 7
    assert (
        cli("export", "--format", "traycodes", TRAYCODES_EXPORT_PASSWORD="b").returncode == 2
    )  # binary: -o is needed


def test_join_from_a_synced_folder(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", format_uri(expected()[0]))
    synced = tmp_path / "Sync" / "vault.tcv"
    synced.parent.mkdir()
    shutil.copy(cli.vault, synced)
    second = Cli(tmp_path / "laptop")  # another computer: no vault of its own
    environment = {"TRAYCODES_VAULT": ""}  # the path comes from the settings after joining
    done = second.ok("init", "--join", str(synced), **environment)
    assert f"Joined the vault at {synced}" in done.stderr
    assert f'vault = "{synced}"' in (second.root / "s.toml").read_text()
    listed = json.loads(second.ok("list", "--json", **environment).stdout)
    assert [r["issuer"] for r in listed] == ["Deno"]
    # A conflict copy left by the sync tool waits through reads, and the next change merges
    # it and removes it.
    conflict = synced.with_name("vault.sync-conflict-20261128-1.tcv")
    shutil.copy(synced, conflict)
    assert "next change" in second.ok("list", **environment).stderr
    assert conflict.exists()
    merged = second.ok("edit", "deno", "--note", "joined", **environment)
    assert "Merged the sync conflict copy" in merged.stderr
    assert not conflict.exists()


def new_format_samples(tmp_path: Path) -> dict[str, tuple[bytes, str, int]]:
    """(file, its password or "", accounts) for the formats added in 0.4.0."""
    from tests.unit import app_exports as more

    return {
        "proton": (more.proton_export(), "", 3),
        "stratum": (more.stratum_encrypted("pw"), "pw", 7),
        "authy": (more.authy_xml(more.authy_tokens("pw")), "pw", 2),
        "lastpass": (more.lastpass_export(), "", 3),
        "bitwarden-csv": (
            more.bitwarden_csv(
                [["", "", "login", "G", "", "", "", "me", "", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"]]
            ),
            "",
            1,
        ),
        "1password": (more.onepassword_csv(), "", 3),
        "1pux": (
            more.onepux([more.onepux_item("GitHub", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]),
            "",
            1,
        ),
        "keepass": (more.kdbx(tmp_path), "pw", 5),
    }


@pytest.mark.parametrize(
    "fmt",
    ["proton", "stratum", "authy", "lastpass", "bitwarden-csv", "1password", "1pux", "keepass"],
)
def test_new_formats_import_once_and_damaged_files_import_nothing(
    cli: Cli, tmp_path: Path, fmt: str
) -> None:
    data, password, count = new_format_samples(tmp_path)[fmt]
    source = write(tmp_path, f"export-{fmt}", data)
    done = cli.ok("import", source, TRAYCODES_IMPORT_PASSWORD=password or "unused")
    assert f"Imported {count} account" in done.stderr, done.stderr
    again = cli.ok("import", source, TRAYCODES_IMPORT_PASSWORD=password or "unused")
    assert "Imported 0 accounts" in again.stderr
    assert len(cli.records()) == count

    before = cli.vault.read_bytes()
    damaged = write(tmp_path, f"damaged-{fmt}", data[: len(data) * 2 // 3])
    broken = cli("import", damaged, "--format", fmt, TRAYCODES_IMPORT_PASSWORD=password or "x")
    assert broken.returncode in (2, 3), broken.stderr  # 3: the damage hit the ciphertext
    assert broken.stderr.count("\n") <= 2 and "Traceback" not in broken.stderr
    assert "JBSWY3DPEHPK3PXP" not in broken.stderr
    assert cli.vault.read_bytes() == before


def test_export_to_bitwarden_and_2fas_reads_back(cli: Cli, tmp_path: Path) -> None:
    cli.ok("import", write(tmp_path, "links.txt", writers.write_otpauth(expected())))
    for fmt, name in (("bitwarden", "bw.json"), ("2fas", "backup.2fas")):
        out = tmp_path / "out" / name
        done = cli.ok("export", "--format", fmt, "-o", str(out))
        assert "in clear" in done.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        fresh = Cli(tmp_path / f"fresh-{fmt}")
        fresh.ok("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
        fresh.ok("import", str(out))
        assert sorted((r["issuer"], r["account"]) for r in fresh.records()) == sorted(
            (e.issuer, e.account) for e in expected()
        ), fmt
