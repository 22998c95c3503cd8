"""The vault's files on disk: reading, crash-safe writing, the lock between writers, and
the encrypted backups kept beside the vault. Nothing here knows a key."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import DamagedData, StorageError, TrayCodesError
from .format import VaultFile, loads

DEFAULT_BACKUPS = 10
LOCK_TIMEOUT = 15.0  # seconds; a save holds the lock for milliseconds
BACKUP_SUFFIX = ".tcv"


class NoVault(TrayCodesError):
    """There is no vault file where one was expected."""

    exit_code = 2


def backups_folder(path: Path) -> Path:
    """Where the encrypted backups of the vault at ``path`` are kept."""
    return path.with_name(path.name + ".backups")


@dataclass(frozen=True, slots=True)
class Backup:
    """One encrypted backup: the vault file as it was before a save."""

    path: Path
    saved: datetime
    size: int


def read_file(path: Path) -> tuple[VaultFile, bytes]:
    """The parsed vault file at ``path`` and its bytes."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NoVault(
            f"no vault at {path}: create one with 'traycodes init', or point "
            "to yours with --vault or TRAYCODES_VAULT"
        ) from None
    except IsADirectoryError:
        raise StorageError(f"{path} is a folder, not a vault file") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return loads(data), data
    except DamagedData as exc:
        count = len(list_backups(path))
        hint = (
            f"; it was left as it is. {count} encrypted backup(s) in "
            f"{backups_folder(path)}: see 'traycodes backups' and 'traycodes restore'"
            if count
            else "; it was left as it is"
        )
        raise type(exc)(f"{exc} ({path}){hint}") from None


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; MoveFileEx is what it offers
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file, whole."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StorageError(f"cannot write in {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp makes it 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(path: Path) -> None:
    """Temporary files left by a writer that died (only ever written under the lock)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` (and parents) readable by the user alone."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror}") from None


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock on the vault at ``path`` between processes (and threads)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    if sys.platform != "win32":
        import fcntl

        # The lock is on the vault's folder: nothing to create, nothing left behind.
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StorageError(
                            "the vault is busy: another traycodes has held its lock for too long"
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing releases the lock
    else:  # Windows: a lock file, since folders cannot be locked there
        import msvcrt

        lock_path = path.with_name(f".{path.name}.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise StorageError(
                            "the vault is busy: another traycodes has held its lock for too long"
                        ) from None
                    time.sleep(0.005)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


def list_backups(path: Path) -> list[Backup]:
    """The vault's encrypted backups, newest first."""
    folder = backups_folder(path)
    try:
        entries = [
            p
            for p in folder.iterdir()
            if p.name.startswith(path.stem + "-") and p.name.endswith(BACKUP_SUFFIX)
        ]
    except OSError:
        return []
    backups = []
    for entry in entries:
        stamp = entry.name[len(path.stem) + 1 : -len(BACKUP_SUFFIX)]
        try:
            saved = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
            backups.append(Backup(entry, saved, entry.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(backups, key=lambda b: b.path.name, reverse=True)


def backup_before_save(path: Path, data: bytes, keep: int) -> None:
    if keep <= 0:
        return
    folder = backups_folder(path)
    make_private_folder(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    atomic_write(folder / f"{path.stem}-{stamp}{BACKUP_SUFFIX}", data)
    for old in list_backups(path)[keep:]:
        old.path.unlink(missing_ok=True)
