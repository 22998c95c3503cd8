"""Sync through a shared folder: record-by-record merges that lose nothing and never bring
a deletion back, conflict copies absorbed, a second computer joining."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from traycodes.keystore import MemoryStore
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, Vault
from traycodes.vault.merge import conflict_copies, merge_records

IDS = [uuid.UUID(int=n).hex for n in range(1, 7)]


def base_records() -> dict[str, Record]:
    return {
        i: Record(
            id=i,
            issuer=f"Site {n}",
            otp=OtpParams(bytes([n + 1]) * 10),
            created=100.0,
            modified=100.0,
        )
        for n, i in enumerate(IDS[:4])
    }


# An edit on one device: (kind, which record, when).
edits = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "delete"]), st.sampled_from(IDS), st.integers(101, 200)
    ),
    max_size=8,
)


def apply(
    records: dict[str, Record], changes: list[tuple[str, str, int]], device: str
) -> dict[str, Record]:
    out = dict(records)
    for kind, record_id, when in changes:
        current = out.get(record_id)
        if kind == "add" and current is None:
            out[record_id] = Record(
                id=record_id,
                issuer=f"new on {device}",
                otp=OtpParams(b"x" * 10),
                created=when,
                modified=when,
            )
        elif kind == "edit" and current is not None and not current.deleted:
            out[record_id] = current.edited(when, note=f"{device} at {when}")
        elif kind == "delete" and current is not None and not current.deleted:
            out[record_id] = current.tombstone(when)
    return out


@given(edits, edits)
def test_merge_is_the_same_either_way_round(a_edits: list, b_edits: list) -> None:  # type: ignore[type-arg]
    base = base_records()
    a, b = apply(base, a_edits, "A"), apply(base, b_edits, "B")
    ab = merge_records(a.values(), b.values())
    ba = merge_records(b.values(), a.values())
    assert ab == ba
    for record_id in a.keys() | b.keys():
        candidates = [r for r in (a.get(record_id), b.get(record_id)) if r is not None]
        newest = max(r.modified for r in candidates)
        assert ab[record_id].modified == newest  # the newer change wins, nothing is lost
        if any(r.deleted and r.modified == newest for r in candidates):
            assert ab[record_id].deleted  # a deletion is never undone by an older copy


@given(edits)
def test_merging_a_copy_with_itself_changes_nothing(changes: list) -> None:  # type: ignore[type-arg]
    a = apply(base_records(), changes, "A")
    assert merge_records(a.values(), a.values()) == a


def test_deleted_records_stay_deleted() -> None:
    base = base_records()
    record = base[IDS[0]]
    deleted = {**base, IDS[0]: record.tombstone(150.0)}
    older_copy = {**base, IDS[0]: record.edited(120.0, note="edited before the deletion")}
    merged = merge_records(older_copy.values(), deleted.values())
    assert merged[IDS[0]].deleted


def test_conflict_copy_names(tmp_path: Path) -> None:
    vault = tmp_path / "vault.tcv"
    names = [
        "vault.sync-conflict-20261128-101010-ABCDEFG.tcv",  # Syncthing
        "vault (Ana's conflicted copy 2026-11-28).tcv",  # Dropbox
        "vault-conflict-20261128.tcv",  # Nextcloud and others
        "vault Conflict 1.tcv",  # OneDrive and others
    ]
    others = ["vault.tcv.backups", "other.tcv", ".vault.tcv.x.tmp", "notes.txt"]
    vault.write_bytes(b"v")
    for name in names + others[1:]:
        (tmp_path / name).write_bytes(b"c")
    (tmp_path / others[0]).mkdir()
    assert [p.name for p in conflict_copies(vault)] == sorted(names)


@contextlib.contextmanager
def computer(name: str, root: Path) -> Iterator[None]:
    """Act as another computer: a state folder (computer id, last saves) of its own."""
    saved = os.environ.get("TRAYCODES_STATE")
    os.environ["TRAYCODES_STATE"] = str(root / f"state-{name}")
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TRAYCODES_STATE", None)
        else:
            os.environ["TRAYCODES_STATE"] = saved


@pytest.fixture
def shared(tmp_path: Path) -> tuple[Path, Vault]:
    path = tmp_path / "Sync" / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    vault.update(lambda records: records.update(base_records()))
    return path, vault


def test_a_conflict_copy_is_absorbed_and_removed(shared: tuple[Path, Vault]) -> None:
    path, vault = shared
    # Device B edits its copy, the sync tool cannot reconcile it with A's: a conflict copy.
    copy = path.with_name("vault.sync-conflict-20261128-101010-B.tcv")
    with computer("B", path.parent.parent):
        other = Vault.open(path, keystore=None, password=lambda: "pw")
        other.update(
            lambda records: records.__setitem__(
                IDS[1], records[IDS[1]].edited(300.0, note="from B")
            )
        )
    shutil.copy(path, copy)
    shutil.copy(
        path.with_name("vault.tcv.backups")
        / sorted(p.name for p in path.with_name("vault.tcv.backups").iterdir())[-1],
        path,
    )
    vault.reload()
    vault.update(lambda records: records.__setitem__(IDS[2], records[IDS[2]].tombstone(300.0)))
    results = vault.absorb_conflicts()
    assert [(p.name, changed) for p, changed in results] == [(copy.name, 1)]
    assert not copy.exists()
    again = Vault.open(path, keystore=None, password=lambda: "pw")
    by_id = {r.id: r for r in again.all_records()}
    assert by_id[IDS[1]].note == "from B"
    assert by_id[IDS[2]].deleted


def test_a_copy_of_another_vault_is_left_alone(shared: tuple[Path, Vault], tmp_path: Path) -> None:
    path, vault = shared
    stranger = Vault.create(
        tmp_path / "else" / "vault.tcv", password="pw", keystore=None, kdf=KDF_MINIMUM
    )
    copy = path.with_name("vault (conflicted copy).tcv")
    shutil.copy(stranger.path, copy)
    results = vault.absorb_conflicts()
    assert "not a copy of this vault" in str(results[0][1])
    assert copy.exists()


def test_each_computer_keeps_its_own_keyring_slot(shared: tuple[Path, Vault]) -> None:
    path, _ = shared
    laptop, desktop = MemoryStore(), MemoryStore()
    Vault.open(path, keystore=None, password=lambda: "pw").add_keyring(laptop)
    Vault.open(path, keystore=None, password=lambda: "pw").add_keyring(desktop)
    assert Vault.open(path, keystore=laptop, password=lambda: None).unlocked_with == "keyring"
    assert Vault.open(path, keystore=desktop, password=lambda: None).unlocked_with == "keyring"
    # Turning the keyring on again on the laptop replaces the laptop's slot only.
    Vault.open(path, keystore=laptop, password=lambda: None).add_keyring(laptop)
    assert Vault.open(path, keystore=desktop, password=lambda: None).unlocked_with == "keyring"
    assert (
        sum(
            s.type == "keyring"
            for s in Vault.open(path, keystore=None, password=lambda: "pw").slots
        )
        == 2
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a_edits=edits, b_edits=edits)
def test_two_devices_through_vault_files(
    tmp_path_factory: pytest.TempPathFactory, a_edits: list, b_edits: list
) -> None:  # type: ignore[type-arg]
    """The same edits made to two copies of the vault file, merged either way round."""
    root = tmp_path_factory.mktemp("devices")
    path = root / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    vault.update(lambda records: records.update(base_records()))
    copy_a, copy_b = root / "a" / "vault.tcv", root / "b" / "vault.tcv"
    for copy, changes, device in ((copy_a, a_edits, "A"), (copy_b, b_edits, "B")):
        copy.parent.mkdir()
        shutil.copy(path, copy)
        with computer(device, root):
            on_device = Vault.open(copy, keystore=None, password=lambda: "pw")
            on_device.update(
                lambda records, c=changes, d=device: _replace_all(records, apply(records, c, d))
            )
    results = []
    for target, other, device in ((copy_a, copy_b, "A"), (copy_b, copy_a, "B")):
        merged_copy = target.with_name("vault.sync-conflict-1.tcv")
        shutil.copy(other, merged_copy)
        with computer(device, root):
            opened = Vault.open(target, keystore=None, password=lambda: "pw")
            opened.absorb_conflicts()
        results.append({r.id: r for r in opened.all_records()})
    assert results[0] == results[1]


def _replace_all(records: dict[str, Record], new: dict[str, Record]) -> None:
    records.clear()
    records.update(new)
