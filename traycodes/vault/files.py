"""The vault's files on disk: reading, crash-safe writing, the lock between writers, and
the encrypted backups kept beside the vault. Nothing here knows a key."""

from __future__ import annotations

import errno
import importlib
import json
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from ..errors import DamagedData, StorageError, TrayCodesError
from ..i18n import _, ngettext
from .format import VaultFile, loads

DEFAULT_BACKUPS = 10
LOCK_TIMEOUT = 15.0  # seconds; a save holds the lock for milliseconds
BACKUP_SUFFIX = ".tcv"
# Far above any real vault (20,000 records are a few MiB): a larger file is refused before
# it is read, not taken whole into memory.
MAX_VAULT_BYTES = 65 << 20


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


class NotRegular(OSError):
    """A FIFO, device or socket where a file was expected: never opened for reading."""


# Features of the OS, detected (never its name tested): POSIX open() flags, and the module
# that locks files (fcntl on POSIX, msvcrt on Windows).
def _posix_flag(name: str) -> int:
    """``os.<name>``, or 0 where this OS has no such flag."""
    return int(getattr(os, name, 0))


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_NOFOLLOW: int | None = getattr(os, "O_NOFOLLOW", None)


def _read_no_link(path: Path) -> bytes:
    """The bytes of ``path``, refusing a symbolic link in its place: in a synced folder a
    link can point the vault at an older copy (a rollback the last save would not see).
    Anything but a regular file (a FIFO would block) is refused, and so is a file far
    larger than any vault (:class:`DamagedData`), before it is read."""
    if _NOFOLLOW is None:  # no such flag (Windows): a link is refused by a look first
        if path.is_symlink():
            raise OSError(errno.ELOOP, "symbolic link")
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file")
        _check_size(info.st_size)
        with path.open("rb") as f:
            data = f.read(MAX_VAULT_BYTES + 1)
    else:
        flags = os.O_RDONLY | _NOFOLLOW | _posix_flag("O_CLOEXEC") | _posix_flag("O_NONBLOCK")
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, "is a folder")
            if not stat.S_ISREG(info.st_mode):
                raise NotRegular(errno.EINVAL, "not a regular file")
            _check_size(info.st_size)
            data = f.read(MAX_VAULT_BYTES + 1)
    _check_size(len(data))
    return data


def read_no_link(path: Path) -> bytes:
    """A vault file's bytes as the vault itself is read: no link, no FIFO, no huge file."""
    return _read_no_link(path)


def _check_size(size: int) -> None:
    if size > MAX_VAULT_BYTES:
        raise DamagedData(
            _(
                "the vault file is {size} MiB, far larger than any vault: it is "
                "damaged or was planted; it was not read"
            ).format(size=size >> 20)
        )


def read_file(path: Path) -> tuple[VaultFile, bytes]:
    """The parsed vault file at ``path`` and its bytes (a symbolic link is refused)."""
    try:
        data = _read_no_link(path)
        parsed = loads(data)
    except FileNotFoundError:
        raise NoVault(
            _(
                "no vault at {path}: create one with 'traycodes init', or point "
                "to yours with --vault or TRAYCODES_VAULT"
            ).format(path=path)
        ) from None
    except IsADirectoryError:
        raise StorageError(_("{path} is a folder, not a vault file").format(path=path)) from None
    except NotRegular:
        raise StorageError(
            _(
                "{path} is not a regular file (a pipe or device in the vault's "
                "place?); it was not read and was left as it is"
            ).format(path=path)
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StorageError(
                _(
                    "{path} is a symbolic link, not a vault file: traycodes does not "
                    "follow links there (one can point the vault at an older copy); "
                    "it was left as it is. Put the vault file itself at that path, "
                    "or give its real path with --vault"
                ).format(path=path)
            ) from None
        raise StorageError(
            _("cannot read {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
    except DamagedData as exc:
        count = len(list_backups(path))
        hint = (
            ngettext(
                "; it was left as it is. {count} encrypted backup in {folder}: see "
                "'traycodes backups' and 'traycodes restore'",
                "; it was left as it is. {count} encrypted backups in {folder}: see "
                "'traycodes backups' and 'traycodes restore'",
                count,
            ).format(count=count, folder=backups_folder(path))
            if count
            else _("; it was left as it is")
        )
        raise type(exc)(f"{exc} ({path}){hint}") from None
    return parsed, data


def _fsync_folder(folder: Path) -> None:
    if not _posix_flag("O_DIRECTORY"):
        return  # Windows cannot open a folder for fsync; MoveFileEx is what it offers
    fd = os.open(folder, os.O_RDONLY | _posix_flag("O_DIRECTORY"))
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
        raise StorageError(
            _("cannot write in {parent}: {strerror}").format(
                parent=path.parent, strerror=exc.strerror
            )
        ) from None
    try:
        with os.fdopen(fd, "wb") as out:  # mkstemp makes it 0600
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StorageError(
            _("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
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
        raise StorageError(
            _("cannot create {folder}: {strerror}").format(folder=folder, strerror=exc.strerror)
        ) from None


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock on the vault at ``path`` between processes (and threads)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    fcntl = _module("fcntl")
    if fcntl is not None:
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
                            _("the vault is busy: another traycodes has held its lock for too long")
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing releases the lock
    else:  # Windows: a lock file, since folders cannot be locked there
        msvcrt = importlib.import_module("msvcrt")
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
                            _("the vault is busy: another traycodes has held its lock for too long")
                        ) from None
                    time.sleep(0.005)
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


# A backup named as made more than this far in the future is not believed: it is listed
# last and pruned first (a planted name must not push real backups out).
FUTURE_SLACK = 24 * 3600.0
MAX_HEADER = 1 << 20  # bytes read to find a backup's vault id


def header_vault_id(path: Path) -> str | None:
    """The vault id in the header of the file at ``path`` (no key, no checksum: only
    "does this file say it is that vault"); None for anything else, or a link."""
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None  # a FIFO would block, a device never ends
            head = os.read(fd, 8192)
            while head.count(b"\n") < 2 and len(head) < MAX_HEADER:
                more = os.read(fd, 65536)
                if not more:
                    break
                head += more
        finally:
            os.close(fd)
    except OSError:
        return None
    first, _unused, rest = head.partition(b"\n")
    body, newline, _unused = rest.partition(b"\n")
    if not first.startswith(b"traycodes-vault ") or not newline:
        return None
    try:
        found = json.loads(body)
    except (ValueError, RecursionError):
        return None
    vault_id = found.get("vault_id") if isinstance(found, dict) else None
    return vault_id if isinstance(vault_id, str) and vault_id else None


# Backups are written once: their header's id, remembered by (path, inode, mtime, size), is
# not read again at every save of a running app.
_BACKUP_IDS: dict[tuple[str, int, int, int], str | None] = {}


def _backup_vault_id(entry: Path, info: os.stat_result) -> str | None:
    key = (str(entry), info.st_ino, info.st_mtime_ns, info.st_size)
    if key not in _BACKUP_IDS:
        if len(_BACKUP_IDS) > 4096:
            _BACKUP_IDS.clear()
        _BACKUP_IDS[key] = header_vault_id(entry)
    return _BACKUP_IDS[key]


def list_backups(path: Path, vault_id: str | None = None) -> list[Backup]:
    """The encrypted backups of the vault at ``path`` (of ``vault_id``: by default the id
    its header names), newest first. Only files whose header names that vault count (junk
    named like a backup is neither listed nor pruned); one whose name says it was made in
    the future comes last."""
    folder = backups_folder(path)
    if vault_id is None:
        vault_id = header_vault_id(path)  # None when the vault is unreadable: any vault's
    try:
        entries = [
            p
            for p in folder.iterdir()
            if p.name.startswith(path.stem + "-") and p.name.endswith(BACKUP_SUFFIX)
        ]
    except OSError:
        return []
    horizon = time.time() + FUTURE_SLACK
    backups = []
    for entry in entries:
        stamp = entry.name[len(path.stem) + 1 : -len(BACKUP_SUFFIX)]
        try:
            saved = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue  # a link, FIFO or device named like a backup: not listed, not pruned
        found = _backup_vault_id(entry, info)
        if found is None or (vault_id is not None and found != vault_id):
            continue
        backups.append(Backup(entry, saved, info.st_size))
    return sorted(
        backups, key=lambda b: (b.saved.timestamp() <= horizon, b.path.name), reverse=True
    )


def backup_before_save(path: Path, data: bytes, keep: int, vault_id: str) -> None:
    if keep <= 0:
        return
    folder = backups_folder(path)
    make_private_folder(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    atomic_write(folder / f"{path.stem}-{stamp}{BACKUP_SUFFIX}", data)
    for old in list_backups(path, vault_id)[keep:]:
        old.path.unlink(missing_ok=True)
