"""One focused test per cause of the real export files that did not import (issue 28): each
builds the smallest file with the oddity the real one has (../shared/data/exports/README.md).
Lenient base32 is in test_uri.py (test_decode_secret_leniently); the encrypted readers are in
test_import_encrypted.py."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.unit.app_exports import authy_encrypt, authy_xml
from tests.unit.test_cli_transfer import cli, write  # noqa: F401 - the fixture
from tests.unit.test_cli_vault import Cli
from traycodes.adding import add_entries
from traycodes.formats import read
from traycodes.model import Algorithm, Entry, OtpParams, Record
from traycodes.uri import decode_secret

SHARED = decode_secret("JBSWY3DPEHPK3PXP")


def test_the_same_secret_with_other_parameters_is_another_account() -> None:
    """Proton's samples: `mylabeldefault` SHA1/6/30 and `mylabel815256` SHA256/8/15 share a
    secret; they give other codes and both are kept. The exact duplicate merges."""
    default = Entry(otp=OtpParams(SHARED), issuer="myissuer", account="mylabeldefault")
    other = Entry(
        otp=OtpParams(SHARED, algorithm=Algorithm.SHA256, digits=8, period=15),
        issuer="myissuer",
        account="mylabel815256",
    )
    records: dict[str, Record] = {}
    report = add_entries(records, [default, other, default], 1.0)
    assert [action for action, _, _ in report.results] == ["add", "add", "merge"]
    assert sorted((r.account, r.otp.digits) for r in records.values() if r.otp) == [
        ("mylabel815256", 8),
        ("mylabeldefault", 6),
    ]
    again = add_entries(records, [other], 2.0)  # already in the vault: a skip, not a merge
    assert again.results[0][0] == "skip" and len(records) == 2


def test_import_summary_says_how_many_merged(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    links = [
        "otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP",  # the same key twice
        "otpauth://totp/A:me?secret=JBSWY3DPEHPK3PXP&digits=8",  # other codes
    ]
    source = write(tmp_path, "links.txt", "\n".join(links).encode())
    done = cli.ok("import", source)
    assert "Imported 2 accounts" in done.stderr
    assert "merged 1 exact duplicate " in done.stderr
    assert len(cli.records()) == 2


def test_plain_authy_tokens_need_no_password() -> None:
    """cotp's authy.xml: `decryptedSecret` beside `encryptedSecret` and `salt`."""
    token: dict[str, object] = {"name": "Test", "digits": 6, "decryptedSecret": "JBSWY3DPEHPK3PXP"}
    token.update(authy_encrypt("JBSWY3DPEHPK3PXP", "pw"))

    def no_password() -> str | None:
        raise AssertionError("a password was asked for")

    batch = read(authy_xml([token]), password=no_password)
    (found,) = batch.items
    assert found.entry is not None and found.entry.otp.secret == SHARED
    assert found.entry.issuer == "Test"


def test_bitwarden_csv_rows_with_more_fields_than_the_header() -> None:
    """Proton's hand-edited CSV: 9 fields a row under a 6-column header, type `1`."""
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["folder", "favorite", "type", "name", "login_uri", "login_totp"])
    link = "otpauth://totp/ISSUER%3Ame?secret=JBSWY3DPEHPK3PXP&digits=8&period=15"
    rows.writerow(["", "", "1", "ISSUER", "", link, "ISSUER", "15", "8"])
    rows.writerow(["", "", "1", "SteamName", "", "steam://STEAMKEY", "SteamName", "30", "6"])
    batch = read(out.getvalue().encode())
    assert batch.format == "bitwarden-csv"
    found = [i.entry for i in batch.items]
    assert [(e.issuer, e.otp.digits) for e in found if e] == [("ISSUER", 8), ("SteamName", 5)]
    short = out.getvalue() + ",,1,Cut\n"  # a row with fewer fields is still damaged
    with pytest.raises(Exception, match=r"row 4 .* 4 fields where its header has 6"):
        read(short.encode())


@pytest.mark.parametrize(
    "link",
    [
        "otpauth://totp/:account?secret=JBSWY3DPEHPK3PXP",  # Ente: empty issuer prefix
        "otpauth://totp/title%20no%20issuer?secret=JBSWY3DPEHPK3PXP",  # not a CSV header
        "otpauth://totp/?secret=JBSWY3DPEHPK3PXP",  # Bitwarden CSV: empty label
    ],
)
def test_entries_without_an_issuer_are_kept(link: str) -> None:
    (found,) = read(link.encode()).items
    assert found.entry is not None and found.entry.issuer == ""


def aegis_with_motp() -> bytes:
    entries = [
        {"type": "totp", "name": "me", "issuer": "A", "info": {"secret": "JBSWY3DPEHPK3PXP"}},
        {"type": "motp", "name": "M", "issuer": "Motp", "info": {"secret": "abc", "pin": "1"}},
        {"type": "yandex", "name": "Y", "issuer": "Yandex", "info": {"secret": "JBSWY3DP"}},
    ]
    db = {"version": 2, "entries": entries}
    return json.dumps({"version": 1, "header": {"slots": None, "params": None}, "db": db}).encode()


def test_motp_and_yandex_are_left_out_with_a_word(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    """Aegis and Stratum list them; the rest imports (no --skip-invalid needed) and the
    summary says what was left out and why. A damaged entry still stops the import."""
    batch = read(aegis_with_motp())
    assert [i.unsupported for i in batch.items] == [False, True, True]
    unknown = json.loads(aegis_with_motp())
    unknown["db"]["entries"][1]["type"] = "qwerty"  # no app's kind: damaged, not unsupported
    assert not read(json.dumps(unknown).encode()).items[1].unsupported
    source = write(tmp_path, "aegis.json", aegis_with_motp())
    done = cli.ok("import", source)
    assert "Imported 1 account " in done.stderr
    assert "left out 2 of a kind traycodes does not support" in done.stderr
    assert "motp codes are not supported" in done.stderr
    assert "yandex codes are not supported" in done.stderr
    damaged = json.loads(aegis_with_motp())
    damaged["db"]["entries"][0]["info"]["secret"] = "NOT*BASE32"
    refused = cli("import", write(tmp_path, "bad.json", json.dumps(damaged).encode()))
    assert refused.returncode == 2 and "nothing was imported" in refused.stderr


@pytest.mark.parametrize("rounds", [0, 1, 2, 65_536, 65_537, 100_003])
def test_aes_kdf_in_c_is_pykeepass_own_loop(rounds: int) -> None:
    """Not a cause of a refusal but of a four-minute wait: the real KDBX 3.1 file of
    KeePassXC's defaults (43 million AES-KDF rounds) took 251 s in pykeepass' loop."""
    import os

    from pykeepass.kdbx_parsing.common import aes_kdf as loop  # type: ignore[import-untyped]

    from traycodes.formats.aeskdf import aes_kdf

    key, composite = os.urandom(32), os.urandom(32)
    assert aes_kdf(key, rounds, composite) == loop(key, rounds, composite)
