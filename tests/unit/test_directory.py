"""The shipped 2FA directory: the data is in the installed package with its notice, names
match without case or punctuation, hosts by their domain, records without a website get
the site's domains; ``traycodes sites`` and ``list --json`` show them."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

from tests.unit.test_cli_vault import PASSWORD, Cli
from traycodes import directory
from traycodes.model import OtpParams, Record


def test_the_whole_directory_ships_with_its_notice() -> None:
    sites = directory.sites()
    assert len(sites) == 2566 and sum(s.totp for s in sites) == 1281
    notice = files("traycodes").joinpath("data", "2fa-directory-LICENSE.md").read_text()
    assert "MIT" in notice and "2factorauth" in notice


@pytest.mark.parametrize(
    ("issuer", "name"),
    [
        ("GitHub", "GitHub"),
        ("github", "GitHub"),
        ("Amazon Web Services", "Amazon Web Services"),
        ("amazon-web-services", "Amazon Web Services"),
        ("  1Password ", "1Password"),
    ],
)
def test_names_match_without_case_or_punctuation(issuer: str, name: str) -> None:
    site = directory.by_name(issuer)
    assert site is not None and site.name == name


def test_a_name_is_not_matched_inside_another() -> None:
    assert directory.by_name("Git") is None
    assert directory.by_name("") is None and directory.by_name("!!!") is None


def test_hosts_by_their_domain_or_a_parent() -> None:
    assert directory.by_host("gist.github.com").name == "GitHub"  # type: ignore[union-attr]
    assert directory.by_host("www.github.com").name == "GitHub"  # type: ignore[union-attr]
    assert directory.by_host("github.com.evil.example") is None
    assert directory.by_host("co.uk") is None and directory.by_host("com") is None


def test_search_by_domain_then_name() -> None:
    assert [s.name for s in directory.search("https://github.com/login", 1)] == ["GitHub"]
    assert directory.search("GitHub")[0].name == "GitHub"
    assert all("bank" in directory.folded(s.name) for s in directory.search("bank", 20))
    assert directory.search("   ") == []


def record(issuer: str, websites: tuple[str, ...] = (), *, deleted: bool = False) -> Record:
    import uuid

    return Record(
        id=uuid.uuid4().hex,
        issuer=issuer,
        otp=OtpParams(b"12345678901234567890"),
        websites=websites,
        deleted=deleted,
    )


def test_records_without_websites_get_the_sites_domains() -> None:
    mine = record("GitHub", ("https://github.example.org",))
    plain = record("GitHub")
    aws = record("Amazon Web Services")
    unknown = record("My Homelab")
    gone = record("GitLab", deleted=True)
    found = directory.websites_from_directory([mine, plain, aws, unknown, gone])
    assert found == {plain.id: ("github.com",), aws.id: ("aws.amazon.com",)}


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    tool = Cli(tmp_path)
    tool.ok("init", "--password-stdin", stdin=PASSWORD + "\n", password=False)
    return tool


def test_sites_command(cli: Cli) -> None:
    done = cli.ok("sites", "github.com")
    assert done.stdout.startswith("GitHub (github.com): supports authenticator codes\n")
    assert "set it up: https://" in done.stdout
    rows = json.loads(cli.ok("sites", "GitHub", "--json", "--limit", "1").stdout)
    assert rows[0]["name"] == "GitHub" and rows[0]["totp"] is True
    missing = cli("sites", "no such site anywhere")
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr == "traycodes: 'no such site anywhere' is not in the 2FA directory\n"


def test_list_json_shows_websites_from_the_directory(cli: Cli) -> None:
    key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    cli.ok("add", "--issuer", "GitHub", "--key", key)
    cli.ok("add", "--issuer", "GitLab", "--key", key[::-1], "--website", "https://git.example.org")
    rows = {r["issuer"]: r for r in cli.records()}
    assert rows["GitHub"]["directory_websites"] == ["github.com"]
    assert rows["GitLab"]["directory_websites"] == []  # its own website wins


def test_the_small_name_index_agrees_with_the_full_directory() -> None:
    """A vault open reads only the name index; it must say what the full file says."""
    from traycodes.resources import data_bytes

    index = json.loads(data_bytes("2fa-directory-names.json"))
    assert index == {directory.folded(s.name): list(s.domains) for s in directory.sites()}
