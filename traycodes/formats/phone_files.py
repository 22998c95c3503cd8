"""Where a followed phone authenticator's backups are: the newest one in a folder, by the
time its name gives (else the file's), believed only from 2000 to a day from now."""

from __future__ import annotations

import logging
import re
import stat
import time
from datetime import UTC, datetime
from pathlib import Path

from ..errors import InvalidInput, StorageError
from ..i18n import _

log = logging.getLogger(__name__)

APPS = {"aegis": "Aegis", "stratum": "Stratum", "2fas": "2FAS"}
FOLLOW_FORMATS = ("auto", *APPS)
# Aegis: aegis-backup-YYYYMMDD-HHMMSS.json (automatic), aegis-export-*.json (by hand).
PATTERNS = {"aegis": ("aegis-*.json",), "stratum": ("*.authpro",), "2fas": ("*.2fas",)}
_NAME_TIME = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})[-_T ]?(\d{2})[-:.]?(\d{2})[-:.]?(\d{2})")
# A backup's time (its name's, or the one in it) is believed only from 2000 to a day from
# now, as for the vault's own backups: a planted future date must not hide the real newest
# backup, nor freeze the source (a later real one would look "older").
EARLIEST = 946_684_800.0  # 2000-01-01 UTC
FUTURE_SLACK = 24 * 3600.0


def plausible(when: float | None) -> bool:
    """Whether ``when`` (Unix seconds) can be a backup's real time."""
    return when is not None and EARLIEST <= when <= time.time() + FUTURE_SLACK


def _wanted(path: Path, fmt: str) -> bool:
    name = path.name
    if name.startswith(".") or name.endswith((".tmp", "~", ".part")):
        return False
    formats = APPS if fmt == "auto" else (fmt,)
    return any(path.match(p) for f in formats for p in PATTERNS[f])


def name_time(name: str) -> float | None:
    """The time a backup's file name gives (``aegis-backup-20250102-030405.json``), UTC."""
    found = _NAME_TIME.search(name)
    if found is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g) for g in found.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp()
    except ValueError:
        return None


def backups_at(path: Path, fmt: str) -> list[Path]:
    """The backups at ``path``, newest first: the file itself, or the wanted regular files
    in the folder (links and special files are skipped; one dated more than a day in the
    future is not believed and left out)."""
    if path.is_file():
        return [path]
    if not path.exists():
        raise InvalidInput(
            _("{path} is not there (a sync folder not mounted or moved?)").format(path=path)
        )
    if not path.is_dir():
        raise InvalidInput(_("{path} is neither a folder nor a file").format(path=path))
    found: list[tuple[float, str, Path]] = []
    try:
        for child in path.iterdir():
            if not _wanted(child, fmt):
                continue
            info = child.lstat()
            if not stat.S_ISREG(info.st_mode):
                continue
            when = name_time(child.name)
            if when is None:
                when = info.st_mtime
            if not plausible(when):
                log.info("%s: its date is not believable; skipped", child.name)
                continue
            found.append((when, child.name, child))
    except OSError as exc:
        raise StorageError(
            _("cannot read the folder {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
    return [p for _when, _name, p in sorted(found, reverse=True)]


def newest_backup(path: Path, fmt: str) -> Path | None:
    """The newest backup at ``path``: the file itself, or the newest wanted file in it."""
    found = backups_at(path, fmt)
    return found[0] if found else None
