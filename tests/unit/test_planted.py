"""What someone who writes the synced folder can plant there: a symbolic link in place of
the vault, junk named like backups. Neither rolls the vault back nor deletes a backup."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from traycodes.errors import DamagedData, StorageError
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, Vault, backups_folder, list_backups

PASSWORD = "pw"


def add(vault: Vault, issuer: str) -> Record:
    made = Record(id=uuid.uuid4().hex, issuer=issuer, otp=OtpParams(os.urandom(20)), modified=1.0)
    vault.update(lambda records: records.__setitem__(made.id, made))
    return made


def issuers(vault: Vault) -> set[str]:
    return {r.issuer for r in vault.records}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "Sync" / "vault.tcv"


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges there")
def test_a_symlink_to_an_older_copy_is_refused(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    github = add(vault, "GitHub")
    older = path.with_name("vault-old.tcv")
    shutil.copy(path, older)
    vault.update(lambda records: records.__setitem__(github.id, github.tombstone(2.0)))
    add(vault, "GitLab")
    current = path.read_bytes()
    path.unlink()
    path.symlink_to(older.name)  # the vault now "is" the older copy
    before = older.read_bytes()
    with pytest.raises(StorageError, match="symbolic link"):
        Vault.open(path, keystore=None, password=lambda: PASSWORD)
    with pytest.raises(StorageError, match="symbolic link"):
        vault.update(lambda records: None)
    assert path.is_symlink() and older.read_bytes() == before  # nothing written anywhere
    # Positive control: the file itself in its place opens, the deletion kept.
    path.unlink()
    path.write_bytes(current)
    assert issuers(Vault.open(path, keystore=None, password=lambda: PASSWORD)) == {"GitLab"}


def test_junk_named_like_backups_is_neither_listed_nor_prunes_real_ones(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM, keep_backups=5)
    for n in range(5):
        add(vault, f"Site {n}")
    folder = backups_folder(path)
    real = sorted(p.name for p in folder.iterdir())
    assert len(real) == 5
    junk = [f"vault-2099010{n}T000000000000Z.tcv" for n in range(1, 5)]
    for name in junk:
        (folder / name).write_bytes(b"not a vault")
    stranger = Vault.create(path.parent / "else" / "vault.tcv", password="x", keystore=None)
    (folder / "vault-20990105T000000000000Z.tcv").write_bytes(stranger.path.read_bytes())
    listed = [b.path.name for b in list_backups(path)]
    assert listed == sorted(real, reverse=True)  # the junk and the other vault left out
    add(vault, "one more save")
    kept = [b.path.name for b in vault.backups()]
    assert len(kept) == 5 and kept[1:] == sorted(real, reverse=True)[:4]
    assert all((folder / name).exists() for name in junk)  # not ours: not deleted either


def test_a_backup_stamped_in_the_future_is_not_believed(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM, keep_backups=3)
    for n in range(3):
        add(vault, f"Site {n}")
    folder = backups_folder(path)
    oldest = sorted(folder.iterdir())[0]
    future = folder / "vault-20990101T000000000000Z.tcv"
    oldest.rename(future)  # a real backup of this vault, under a name from the future
    listed = [b.path for b in list_backups(path)]
    assert listed[-1] == future and len(listed) == 3  # listed, but last
    add(vault, "one more save")
    names = {b.path.name for b in vault.backups()}
    assert future.name not in names and len(names) == 3  # pruned first, not the real ones


def _must_not_hang(fifo: Path, call: Callable[[], object]) -> BaseException | None:
    """Run ``call``; if it blocks on ``fifo`` (the bug), unblock it and fail."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            raised.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # open a writer and close it: the blocked reader sees the end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5)
        pytest.fail(f"blocked on the FIFO {fifo.name}")
    return raised[0] if raised else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs: POSIX")
def test_a_fifo_in_the_vaults_place_is_refused_not_waited_on(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    add(vault, "GitHub")
    real = path.read_bytes()
    path.unlink()
    os.mkfifo(path)
    raised = _must_not_hang(
        path, lambda: Vault.open(path, keystore=None, password=lambda: PASSWORD)
    )
    assert isinstance(raised, StorageError) and "not a regular file" in str(raised)
    raised = _must_not_hang(path, lambda: vault.update(lambda records: None))
    assert isinstance(raised, StorageError)
    assert stat.S_ISFIFO(os.lstat(path).st_mode)  # left as it is
    path.unlink()
    path.write_bytes(real)  # positive control
    assert issuers(Vault.open(path, keystore=None, password=lambda: PASSWORD)) == {"GitHub"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs: POSIX")
def test_a_fifo_among_the_backups_is_skipped_and_never_deleted(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM, keep_backups=2)
    add(vault, "GitHub")
    fifo = backups_folder(path) / "vault-20261207T000000000000Z.tcv"
    os.mkfifo(fifo)
    assert _must_not_hang(fifo, lambda: list_backups(path)) is None
    assert _must_not_hang(fifo, lambda: [add(vault, f"Site {n}") for n in range(3)]) is None
    assert fifo.name not in {b.path.name for b in vault.backups()}
    assert len(vault.backups()) == 2 and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_huge_sparse_vault_is_refused_before_it_is_read(path: Path) -> None:
    vault = Vault.create(path, password=PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    add(vault, "GitHub")
    os.truncate(path, 80 << 20)  # sparse: no disk used; far above any real vault
    with pytest.raises(DamagedData, match="far larger than any vault"):
        Vault.open(path, keystore=None, password=lambda: PASSWORD)
    assert path.stat().st_size == 80 << 20  # left as it is
