"""Following a phone authenticator's backups (traycodes.formats.follow and .phone): the
writers checked against real backups, then the merge rules on backups in each app's real
format, and two computers following one folder."""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.paths import SOURCE
from tests.unit import phone_backups as pb
from tests.unit.test_sync import computer
from traycodes.errors import DamagedData, InvalidInput, WrongPassword
from traycodes.formats import read
from traycodes.formats.follow import desktop_only, sources_in
from traycodes.formats.phone import add_source, followed, sync_source
from traycodes.formats.phone_files import newest_backup
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, Vault

EXPORTS = SOURCE.parent / "shared" / "data" / "exports"
PW = "phone-pw"
LOW_N = 2**10  # the unit tests' Aegis scrypt cost (the bench uses Aegis' own, 2^15)


def accounts() -> list[pb.Account]:
    return [
        pb.Account("GitHub", "octocat", "JBSWY3DPEHPK3PXP"),
        pb.Account("Deno", "Mason", "4SJHB4GSD43FZBAI7C2HLRJGPQ"),
        pb.Account("SPDX", "James", "5OM4WOOGPLQEF6UGN3CPEOOLWU"),
    ]


# --- the writers, against the apps' real files ----------------------------------------------

needs_exports = pytest.mark.skipif(not EXPORTS.is_dir(), reason="no real export files here")


@needs_exports
def test_aegis_writer_matches_a_real_encrypted_backup() -> None:
    real = json.loads((EXPORTS / "aegis" / "proton-aegis-json-encrypted-test.json").read_bytes())
    phone = accounts()
    ours = json.loads(pb.aegis(phone, PW, n=LOW_N))
    assert set(ours) == set(real)
    assert set(ours["header"]) == set(real["header"])
    real_slot = next(s for s in real["header"]["slots"] if s["type"] == 1)
    assert set(ours["header"]["slots"][0]) >= set(real_slot) - {"repaired", "is_backup"}
    assert len(read(json.dumps(real).encode(), "auto", password=lambda: "test").items) == 3
    batch = read(json.dumps(ours).encode(), "auto", password=lambda: PW)
    assert [i.entry.label for i in batch.items if i.entry] == [
        f"{a.issuer} ({a.name})" for a in phone
    ]
    assert [i.ref for i in batch.items] == [a.uuid for a in phone]  # Aegis' own entry ids


@needs_exports
def test_stratum_writer_matches_a_real_encrypted_backup() -> None:
    real = (EXPORTS / "authenticator-pro" / "stratum-backup.strong.authpro").read_bytes()
    ours = pb.stratum(accounts(), PW)
    assert ours[:16] == real[:16] == b"AUTHENTICATORPRO"
    assert len(read(real, "auto", password=lambda: "test").items) == 7
    batch = read(ours, "auto", password=lambda: PW)
    assert batch.format == "stratum"
    assert [i.entry.account for i in batch.items if i.entry] == ["octocat", "Mason", "James"]


@needs_exports
def test_2fas_writer_matches_a_real_encrypted_backup() -> None:
    real_bytes = (EXPORTS / "2fas" / "proton-encrypted.2fas").read_bytes()
    real = json.loads(real_bytes)
    ours = json.loads(pb.twofas(accounts(), PW, updated_ms=1_700_000_000_000))
    assert set(ours) >= {"servicesEncrypted", "reference", "schemaVersion", "updatedAt"}
    assert set(real) >= {"servicesEncrypted", "reference"}
    for blob in (real["servicesEncrypted"], ours["servicesEncrypted"], ours["reference"]):
        assert len(blob.split(":")) == 3
    assert [len(p) for p in ours["reference"].split(":")[1:]] == [
        len(p) for p in real["reference"].split(":")[1:]
    ]  # a 256-byte salt, a 12-byte IV
    assert len(read(real_bytes, "auto", password=lambda: "test").items) == 2
    batch = read(json.dumps(ours).encode(), "auto", password=lambda: PW)
    assert [i.entry.issuer for i in batch.items if i.entry] == ["GitHub", "Deno", "SPDX"]


# --- the merge ------------------------------------------------------------------------------


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    made = Vault.create(tmp_path / "vault.tcv", password="pw", keystore=None, kdf=KDF_MINIMUM)
    desktop = Record(
        id="d" * 32, issuer="Desktop", otp=OtpParams(b"desktop-only-key"), created=1, modified=1
    )
    made.update(lambda records: records.update({desktop.id: desktop}))
    return made


def aegis_file(folder: Path, stamp: str, phone: list[pb.Account]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"aegis-backup-{stamp}.json"
    path.write_bytes(pb.aegis(phone, PW, n=LOW_N))
    return path


def labels(vault: Vault) -> list[str]:
    return sorted(r.label for r in vault.records)


def test_add_rename_and_delete_on_the_phone(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    report = add_source(vault, folder, fmt="auto", name="Pixel", password=PW, at=1000)
    assert report is not None and len(report.added) == 3
    assert labels(vault) == ["Deno (Mason)", "Desktop", "GitHub (octocat)", "SPDX (James)"]
    assert all("Pixel" in r.tags for r in vault.records if r.issuer != "Desktop")
    phone[0].issuer, phone[0].digits = "GitHub Inc", 8  # renamed on the phone
    del phone[1]  # deleted on the phone
    aegis_file(folder, "20260102-100000", phone)
    report = sync_source(vault, "Pixel", at=2000)
    assert (report.updated, report.removed, report.added) == (
        ["GitHub Inc (octocat)"],
        ["Deno (Mason)"],
        [],
    )
    assert labels(vault) == ["Desktop", "GitHub Inc (octocat)", "SPDX (James)"]
    github = next(r for r in vault.records if r.issuer == "GitHub Inc")
    assert github.otp is not None and github.otp.digits == 8
    desktop = next(r for r in vault.records if r.issuer == "Desktop")
    assert desktop.modified == 1 and desktop.tags == ()  # desktop-only: untouched
    assert sync_source(vault, "Pixel", at=3000).unchanged  # the same backup: nothing
    assert [r.issuer for r in desktop_only(vault.records, vault.all_records())] == ["Desktop"]
    source = followed(vault)[0]
    assert (source.state.count, source.state.file) == (2, "aegis-backup-20260102-100000.json")


def test_deleted_on_the_phone_but_edited_here_stays(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    spdx = next(r for r in vault.records if r.issuer == "SPDX")
    vault.update(lambda records: records.update({spdx.id: spdx.edited(1500, note="mine")}))
    aegis_file(folder, "20260102-100000", phone[:2])
    report = sync_source(vault, "Pixel", at=2000)
    assert report.kept == ["SPDX (James)"] and not report.removed
    assert "edited here" in report.warnings[0]
    assert "SPDX (James)" in labels(vault)


def test_an_older_backup_is_not_applied(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260102-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    (folder / "aegis-backup-20260102-100000.json").unlink()
    aegis_file(folder, "20260101-100000", phone[:1])  # a rolled-back folder
    before = vault.path.read_bytes()
    report = sync_source(vault, "Pixel", at=2000)
    assert report.unchanged and "older" in report.warnings[0]
    assert vault.path.read_bytes() == before
    assert len(labels(vault)) == 4
    assert "older" in followed(vault)[0].problem
    aegis_file(folder, "20260103-100000", phone[:2])  # positive control: a newer one is
    assert sync_source(vault, "Pixel", at=3000).removed == ["SPDX (James)"]


def test_removing_more_than_half_waits_for_confirmation(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    added = pb.Account("New", "one", "7ELGJSGXNCCTV3O6LKJWYFV2RA")
    aegis_file(folder, "20260102-100000", [added])  # a reset phone, and one new account
    report = sync_source(vault, "Pixel", at=2000)
    assert report.held == 3 and report.added == ["New (one)"] and not report.removed
    assert len(labels(vault)) == 5
    assert sync_source(vault, "Pixel", at=2500).unchanged  # still waiting
    report = sync_source(vault, "Pixel", at=3000, accept_removals=True)
    assert len(report.removed) == 3
    assert labels(vault) == ["Desktop", "New (one)"]


def test_an_account_imported_by_hand_is_adopted_not_doubled(vault: Vault, tmp_path: Path) -> None:
    import base64

    phone = accounts()
    secret = base64.b32decode(phone[0].secret)
    mine = Record(id="e" * 32, issuer="GitHub", account="me", otp=OtpParams(secret), modified=5)
    vault.update(lambda records: records.update({mine.id: mine}))
    aegis_file(tmp_path / "Aegis", "20260101-100000", phone)
    report = add_source(vault, tmp_path / "Aegis", fmt="aegis", name="Pixel", password=PW, at=10)
    assert report is not None and len(report.added) == 2
    assert sum(1 for r in vault.records if r.otp and r.otp.secret == secret) == 1
    assert "Pixel" in next(r for r in vault.records if r.id == mine.id).tags


def test_wrong_password_damaged_and_other_format_leave_the_vault(
    vault: Vault, tmp_path: Path
) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    before = vault.path.read_bytes()
    wrong = folder / "aegis-backup-20260102-100000.json"
    wrong.write_bytes(pb.aegis(phone[:1], "another", n=LOW_N))
    with pytest.raises(WrongPassword):
        sync_source(vault, "Pixel", at=2000)
    assert "wrong password" in followed(vault)[0].problem
    wrong.write_bytes(pb.aegis(phone[:1], PW, n=LOW_N)[:300])  # truncated
    with pytest.raises(DamagedData):
        sync_source(vault, "Pixel", at=2000)
    wrong.write_bytes(json.dumps({"items": []}).encode())  # a Bitwarden export
    with pytest.raises(InvalidInput):
        sync_source(vault, "Pixel", at=2000)
    crafted = json.loads(pb.aegis(phone[:1], PW, n=LOW_N))
    crafted["header"]["slots"] *= 5000
    wrong.write_text(json.dumps(crafted))
    with pytest.raises(DamagedData, match="key slots"):
        sync_source(vault, "Pixel", at=2000)
    assert vault.path.read_bytes() == before
    wrong.write_bytes(pb.aegis(phone[:2], PW, n=LOW_N))  # the next good one is taken
    assert sync_source(vault, "Pixel", at=3000).removed == ["SPDX (James)"]
    assert followed(vault)[0].problem == ""


def test_stratum_encrypted_with_its_own_kdf(vault: Vault, tmp_path: Path) -> None:
    phone = accounts()
    backup = tmp_path / "Stratum" / "backup.authpro"  # one file the app overwrites
    backup.parent.mkdir()
    backup.write_bytes(pb.stratum(phone, PW))
    add_source(vault, backup, fmt="auto", name="Stratum", password=PW, at=1000)
    phone[2].name = "Jim"  # renamed: the same secret, so the same account
    backup.write_bytes(pb.stratum(phone[1:], PW))
    report = sync_source(vault, "Stratum", at=2000)
    assert (report.updated, report.removed) == (["SPDX (Jim)"], ["GitHub (octocat)"])
    assert followed(vault)[0].state.format == "stratum"


def test_2fas_uses_its_own_timestamp(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "2FAS"
    folder.mkdir()
    phone = accounts()
    (folder / "2fas-backup.2fas").write_bytes(pb.twofas(phone, PW, updated_ms=1_760_000_000_000))
    add_source(vault, folder, fmt="2fas", name="2FAS", password=PW, at=1000)
    (folder / "2fas-backup.2fas").write_bytes(
        pb.twofas(phone[:2], PW, updated_ms=1_750_000_000_000)
    )
    report = sync_source(vault, "2FAS", at=2000)
    assert report.unchanged and "older" in report.warnings[0]
    phone[0].issuer = "GitHub Enterprise"
    (folder / "2fas-backup.2fas").write_bytes(
        pb.twofas(phone[:2], PW, updated_ms=1_770_000_000_000)
    )
    report = sync_source(vault, "2FAS", at=3000)
    assert (report.updated, report.removed) == (["GitHub Enterprise (octocat)"], ["SPDX (James)"])


def test_the_newest_backup_by_name(tmp_path: Path) -> None:
    for stamp in ("20260101-100000", "20251231-235959", "20260101-095959"):
        (tmp_path / f"aegis-backup-{stamp}.json").write_text("{}")
    (tmp_path / ".aegis-backup-20270101-000000.json.tmp").write_text("{}")
    (tmp_path / "notes.txt").write_text("")
    found = newest_backup(tmp_path, "auto")
    assert found is not None and found.name == "aegis-backup-20260101-100000.json"


def test_two_computers_following_one_folder_converge(tmp_path: Path) -> None:
    """Each computer merges the same backups into its own copy of the vault (a sync tool
    carries the folder); merged either way round, the copies agree."""
    with computer("A", tmp_path):
        origin = Vault.create(tmp_path / "vault.tcv", password="pw", keystore=None, kdf=KDF_MINIMUM)
        folder = tmp_path / "Aegis"
        phone = accounts()
        aegis_file(folder, "20260101-100000", phone)
        add_source(origin, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    copies = {}
    for name in ("A", "B"):
        copies[name] = tmp_path / name / "vault.tcv"
        copies[name].parent.mkdir()
        shutil.copy(origin.path, copies[name])
    phone[0].issuer = "GitHub Inc"
    del phone[1]
    phone.append(pb.Account("New", "one", "7ELGJSGXNCCTV3O6LKJWYFV2RA"))
    aegis_file(folder, "20260102-100000", phone)
    for name, at in (("A", 2000), ("B", 2100)):
        with computer(name, tmp_path):
            own = Vault.open(copies[name], keystore=None, password=lambda: "pw")
            report = sync_source(own, "Pixel", at=at)
            assert report.summary() == "1 added, 1 updated, 1 removed"
    results = []
    for name, other in (("A", "B"), ("B", "A")):
        shutil.copy(copies[other], copies[name].with_name("vault.sync-conflict-1.tcv"))
        with computer(name, tmp_path):
            own = Vault.open(copies[name], keystore=None, password=lambda: "pw")
            own.absorb_conflicts()
            assert sync_source(own, "Pixel", at=3000).unchanged  # no fight afterwards
            results.append({r.id: r for r in own.all_records()})
    assert results[0] == results[1]
    live = sorted(r.label for r in results[0].values() if not r.deleted)
    assert live == ["GitHub Inc (octocat)", "New (one)", "SPDX (James)"]  # none doubled
    assert list(sources_in(results[0].values())) == ["Pixel"]


def test_deleted_here_stays_deleted_and_following_again_doubles_nothing(
    vault: Vault, tmp_path: Path
) -> None:
    from traycodes.formats.follow import drop_state

    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    deno = next(r for r in vault.records if r.issuer == "Deno")
    vault.update(lambda records: records.update({deno.id: deno.tombstone(1500)}))
    phone[1].name = "Mason Jr"  # changed on the phone after it was deleted here
    aegis_file(folder, "20260102-100000", phone)
    assert sync_source(vault, "Pixel", at=2000).summary() == "no change"
    assert "Deno (Mason Jr)" not in labels(vault) and "Deno (Mason)" not in labels(vault)
    vault.update(lambda records: drop_state(records, "Pixel", 2500))
    assert followed(vault) == [] and len(labels(vault)) == 3  # its accounts stay
    report = add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=3000)
    assert report is not None and report.added == ["Deno (Mason Jr)"]  # back, not doubled
    assert labels(vault) == ["Deno (Mason Jr)", "Desktop", "GitHub (octocat)", "SPDX (James)"]


def test_a_huge_file_is_refused_before_it_is_read(vault: Vault, tmp_path: Path) -> None:
    from traycodes.formats import MAX_FILE_BYTES

    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    with (folder / "aegis-backup-20260102-100000.json").open("wb") as huge:
        huge.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written
    before = vault.path.read_bytes()
    with pytest.raises(InvalidInput, match="larger than any phone backup"):
        sync_source(vault, "Pixel", at=2000)
    assert vault.path.read_bytes() == before


def test_2fas_damage_is_told_apart_from_a_wrong_password(vault: Vault, tmp_path: Path) -> None:
    import base64

    folder = tmp_path / "2FAS"
    folder.mkdir()
    phone = accounts()
    backup = folder / "2fas-backup.2fas"
    backup.write_bytes(pb.twofas(phone, PW, updated_ms=1_000_000))
    add_source(vault, folder, fmt="2fas", name="2FAS", password=PW, at=1000)
    damaged = json.loads(pb.twofas(phone[:2], PW, updated_ms=2_000_000))
    sealed, salt, iv = damaged["servicesEncrypted"].split(":")
    flipped = bytearray(base64.b64decode(sealed))
    flipped[0] ^= 1
    damaged["servicesEncrypted"] = ":".join((base64.b64encode(flipped).decode(), salt, iv))
    backup.write_text(json.dumps(damaged))
    with pytest.raises(DamagedData, match="damaged"):
        sync_source(vault, "2FAS", at=2000)
    backup.write_bytes(pb.twofas(phone[:2], "another password", updated_ms=2_000_000))
    with pytest.raises(WrongPassword):
        sync_source(vault, "2FAS", at=2000)


# --- an attacker who writes the followed folder (review-sync F1, F2, F3, F6) -------------------


def secret_of(vault: Vault, issuer: str) -> bytes:
    record = next(r for r in vault.records if r.issuer == issuer)
    assert record.otp is not None
    return record.otp.secret


def test_an_old_backup_replayed_under_a_future_name_rolls_nothing_back(
    vault: Vault, tmp_path: Path
) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    old = aegis_file(folder, "20260101-100000", phone).read_bytes()
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    old_secret = secret_of(vault, "GitHub")
    phone[0].secret = "NBSWY3DPO5XXE3DE"  # re-keyed on the phone (same entry id)
    phone.append(pb.Account("Bank", "b", "KRUGS4ZANFZSA5DI"))
    aegis_file(folder, "20260102-100000", phone)
    report = sync_source(vault, "Pixel", at=2000)
    assert (report.added, report.updated) == (["Bank (b)"], ["GitHub (octocat)"])
    github = next(r for r in vault.records if r.issuer == "GitHub")
    assert github.previous_otp is not None and github.previous_otp.secret == old_secret
    new_secret = secret_of(vault, "GitHub")
    (folder / "aegis-backup-20991231-235959.json").write_bytes(old)  # the attack
    before = vault.path.read_bytes()
    assert sync_source(vault, "Pixel", at=3000).unchanged
    assert vault.path.read_bytes() == before
    (folder / "aegis-backup-20991231-235959.json").unlink()
    phone.append(pb.Account("Mail", "m", "ONSWG4TFOQONSWG4"))
    aegis_file(folder, "20260103-100000", phone)  # a real newer backup is still followed
    assert sync_source(vault, "Pixel", at=4000).added == ["Mail (m)"]
    assert secret_of(vault, "GitHub") == new_secret and "Bank (b)" in labels(vault)
    assert followed(vault)[0].state.stamp < 4_102_444_800  # no 2099 date was stored


def test_an_old_backup_put_back_in_place_is_not_applied_again(vault: Vault, tmp_path: Path) -> None:
    single = tmp_path / "Single" / "aegis-auto.json"  # no date in its name
    single.parent.mkdir()
    phone = accounts()
    single.write_bytes(pb.aegis(phone, PW, n=LOW_N))
    old = single.read_bytes()
    add_source(vault, single, fmt="auto", name="Pixel", password=PW, at=1000)
    phone[1].secret = "NBSWY3DPO5XXE3DE"
    phone.append(pb.Account("Bank", "b", "KRUGS4ZANFZSA5DI"))
    single.write_bytes(pb.aegis(phone, PW, n=LOW_N))
    assert sync_source(vault, "Pixel", at=2000).added == ["Bank (b)"]
    before = vault.path.read_bytes()
    single.write_bytes(old)  # the attack: the old file put back
    report = sync_source(vault, "Pixel", at=3000)
    assert report.unchanged and "already read" in report.warnings[0]
    assert vault.path.read_bytes() == before
    assert "already read" in followed(vault)[0].problem
    assert secret_of(vault, "Deno") == base64.b32decode("NBSWY3DPO5XXE3DE")  # not rolled back
    assert "Bank (b)" in labels(vault)


def test_a_planted_far_future_stamp_does_not_freeze_the_source(
    vault: Vault, tmp_path: Path
) -> None:
    from traycodes.formats.follow import put_state

    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    state = sources_in(vault.all_records())["Pixel"]
    state.stamp = 4_102_444_799.0  # 2099-12-31, stored by 0.6.0 from a planted name
    vault.update(lambda records: put_state(records, state, 1500))
    aegis_file(folder, "20260102-100000", phone[:2])
    assert sync_source(vault, "Pixel", at=2000).removed == ["SPDX (James)"]


def test_a_planted_2fas_time_is_not_believed(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "2FAS"
    folder.mkdir()
    data = json.loads(pb.twofas(accounts(), None, updated_ms=1_760_000_000_000))
    data["updatedAt"] = 1e300
    (folder / "x.2fas").write_text(json.dumps(data))
    add_source(vault, folder, fmt="2fas", name="2FAS", password=None, at=1000)
    assert followed(vault)[0].state.stamp == 0.0
    data["updatedAt"] = 4_102_444_799_000  # 2099: not believed either
    data["services"] = data["services"][:2]
    (folder / "x.2fas").write_text(json.dumps(data))
    sync_source(vault, "2FAS", at=2000)
    assert followed(vault)[0].state.stamp == 0.0


def test_one_junk_file_does_not_stop_following(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    phone = accounts()
    aegis_file(folder, "20260101-100000", phone)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    (folder / "aegis-backup-20991231-235959.json").write_text("junk")  # future: not believed
    (folder / "aegis-backup-20260105-100000.json").write_text("junk")  # the newest plausible
    phone.append(pb.Account("New", "n", "MZXW6YTBOI2DEMZQ"))
    aegis_file(folder, "20260102-100000", phone)
    report = sync_source(vault, "Pixel", at=2000)
    assert report.added == ["New (n)"]
    assert "20260105" in report.warnings[0] and "was taken instead" in report.warnings[0]
    assert "20260105" in followed(vault)[0].problem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="links and FIFOs: POSIX")
def test_links_and_special_files_in_the_folder_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_bytes(pb.aegis(accounts(), None, n=LOW_N))
    folder = tmp_path / "L"
    folder.mkdir()
    (folder / "aegis-backup-20260102-120000.json").symlink_to(outside)
    os.mkfifo(folder / "aegis-backup-20260103-120000.json")
    assert newest_backup(folder, "auto") is None
    aegis_file(folder, "20260101-100000", accounts())
    found = newest_backup(folder, "auto")
    assert found is not None and found.name == "aegis-backup-20260101-100000.json"
