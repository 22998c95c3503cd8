"""The files of a followed phone authenticator: finding its newest backup in a folder,
reading it (its own timestamp, its accounts by the phone's identity), and one pass over a
followed source: read, merge (:func:`.follow.merge_backup`), save. The CLI's ``follow``
and the tray app both go through :func:`sync_source`.

Errors say what went wrong in one line: a wrong password is :class:`WrongPassword`
(exit 3), a damaged or truncated backup :class:`DamagedData` (exit 4), a file of another
format or a missing folder :class:`InvalidInput` (exit 2); the vault is then unchanged,
and the problem is remembered on this computer (not in the vault) for ``follow list``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import (
    DamagedData,
    InvalidInput,
    Locked,
    StorageError,
    TrayCodesError,
    WrongPassword,
)
from ..i18n import _
from ..model import Record
from .follow import (
    MergeReport,
    PhoneBackup,
    SourceState,
    identity_of,
    merge_backup,
    put_state,
    sources_in,
)
from .phone_files import APPS, PATTERNS, backups_at, name_time, newest_backup, plausible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..vault import Vault

log = logging.getLogger(__name__)

MAX_AEGIS_SLOTS = 16  # Aegis writes one password slot (and biometric ones): far fewer
MAX_TRIES = 5  # backups tried, newest first, when the newest cannot be read


def format_of(file: Path, data: bytes, fmt: str) -> str:
    """The format a backup is in: ``fmt``, or (auto) its name's, else its content's."""
    if fmt != "auto":
        return fmt
    for name, patterns in PATTERNS.items():
        if any(file.match(p) for p in patterns):
            return name
    from . import detect

    found = detect(data)
    if found not in APPS:
        raise InvalidInput(
            _("{name} is not an Aegis, Stratum or 2FAS backup").format(name=file.name)
        )
    return found


def _own_time(data: bytes, fmt: str, name: str) -> float:
    if fmt == "2fas":  # 2FAS writes the time of the backup in it (milliseconds)
        try:
            value = json.loads(data.decode("utf-8-sig")).get("updatedAt")
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and plausible(float(value) / 1000)
            ):
                return float(value) / 1000
        except (ValueError, AttributeError, RecursionError, OverflowError):
            pass
    when = name_time(name)
    return when if when is not None and plausible(when) else 0.0


def _check_aegis_header(data: bytes) -> None:
    """Refuse an Aegis backup claiming more password slots than Aegis writes, before any
    key is derived (each slot's own cost is checked by the reader)."""
    try:
        header = json.loads(data.decode("utf-8-sig")).get("header") or {}
        slots = header.get("slots") or []
    except (ValueError, AttributeError, RecursionError):
        return  # the reader says what is wrong
    if isinstance(slots, list) and len(slots) > MAX_AEGIS_SLOTS:
        raise DamagedData(
            _(
                "the Aegis backup claims {count} key slots (Aegis writes a few): "
                "it is damaged or was crafted; nothing was decrypted"
            ).format(count=len(slots))
        )


def _read_bounded(file: Path) -> bytes:
    """The file's bytes; one larger than any real backup is refused before it is read."""
    from .base import MAX_FILE_BYTES

    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        if file.is_symlink():  # also where O_NOFOLLOW does not exist (Windows)
            raise InvalidInput(
                _("{name} is a symbolic link; traycodes does not follow it").format(name=file.name)
            )
        fd = os.open(file, flags)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InvalidInput(
                    _("{name} is not a regular file; not read").format(name=file.name)
                )
            if info.st_size > MAX_FILE_BYTES:
                raise InvalidInput(
                    _("{name} is far larger than any phone backup; not read").format(name=file.name)
                )
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInput(
                _("{name} is far larger than any phone backup; not read").format(name=file.name)
            )
        return data
    except OSError as exc:
        raise StorageError(
            _("cannot read {file}: {strerror}").format(file=file, strerror=exc.strerror)
        ) from None


def _2fas_password_right(data: bytes, password: str) -> bool:
    """Whether ``password`` opens the backup's ``reference`` (2FAS' password check): a
    wrong password is then told apart from damaged accounts."""
    import base64
    import binascii

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    from ..vault import unseal

    try:
        reference = json.loads(data.decode("utf-8-sig"))["reference"]
        sealed, salt, iv = (base64.b64decode(part) for part in reference.split(":"))
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        return False
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 10_000).derive(password.encode("utf-8"))
    return unseal(key, iv, sealed, b"") is not None


def read_backup(file: Path, fmt: str, password: str | None) -> PhoneBackup:
    """A backup's accounts by the phone's identity. Wrong password: exit 3; damaged or
    truncated: exit 4; another format: exit 2."""
    from . import detect, read

    data = _read_bounded(file)
    if not data.strip():
        raise DamagedData(_("{name} is empty (truncated?)").format(name=file.name))
    fmt = format_of(file, data, fmt)
    try:
        found = detect(data)
    except InvalidInput:
        found = "json"
    if found != fmt:
        if found == "json" or (fmt == "stratum" and found == "andotp"):
            raise DamagedData(
                _("{name} is a damaged or truncated {app} backup").format(
                    name=file.name, app=APPS[fmt]
                )
            )
        raise InvalidInput(
            _("{name} is not {app} backup (it looks like {found})").format(
                name=file.name, app=APPS[fmt], found=found
            )
        )
    if fmt == "aegis":
        _check_aegis_header(data)
    try:
        batch = read(data, fmt, password=lambda: password)
    except WrongPassword:
        if fmt == "2fas" and password and _2fas_password_right(data, password):
            raise DamagedData(
                _("{name}: the 2FAS backup's accounts are damaged").format(name=file.name)
            ) from None
        raise
    except Locked:
        raise
    except InvalidInput as exc:
        raise DamagedData(_("{name}: {exc}").format(name=file.name, exc=exc)) from None
    accounts = {}
    unusable = set()
    problems = []
    for item in batch.items:
        identity = identity_of(item.ref, item.entry)
        if item.entry is None:
            problems.append(f"{item.where}: {item.problem}")
            if identity:
                unusable.add(identity)
            continue
        base, n = identity, 1
        while identity in accounts:  # the same secret twice on the phone
            n += 1
            identity = f"{base}#{n}"
        accounts[identity] = item.entry
    return PhoneBackup(
        file=file.name,
        stamp=_own_time(data, fmt, file.name),
        digest=hashlib.sha256(data).hexdigest(),
        accounts=accounts,
        unusable=frozenset(unusable),
        problems=tuple(problems),
    )


# --- each source's last pass, kept on this computer (no secrets: for list and doctor) ------


def _status_file() -> Path:
    from ..vault import state_folder

    return state_folder() / "follow-status.json"


def last_passes() -> dict[str, dict[str, object]]:
    """Each source's last pass on this computer: ``{name: {"path", "file", "count",
    "problem", "at"}}`` (``problem`` empty when it went well)."""
    try:
        data = json.loads(_status_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _note_pass(
    name: str, at: float, *, problem: str = "", state: SourceState | None = None
) -> None:
    from ..vault import atomic_write, make_private_folder

    passes = last_passes()
    entry = dict(passes.get(name) or {})
    entry.update(problem=problem, at=at)
    if state is not None:
        entry.update(path=state.path, file=state.file, count=state.count)
    passes[name] = entry
    try:
        make_private_folder(_status_file().parent)
        atomic_write(_status_file(), json.dumps(passes, sort_keys=True).encode("utf-8"))
    except (TrayCodesError, OSError) as exc:
        log.warning("cannot keep the state of followed sources: %s", exc)


def forget_pass(name: str) -> None:
    """Drop a source no longer followed from this computer's list."""
    from ..vault import atomic_write

    passes = last_passes()
    if passes.pop(name, None) is not None:
        try:
            atomic_write(_status_file(), json.dumps(passes, sort_keys=True).encode("utf-8"))
        except (TrayCodesError, OSError) as exc:
            log.warning("cannot keep the state of followed sources: %s", exc)


# --- a pass over a source --------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A followed source as ``follow list`` shows it."""

    state: SourceState
    problem: str


def followed(vault: Vault) -> list[Source]:
    """The sources the vault follows, with this computer's last problem of each."""
    passes = last_passes()
    return [
        Source(state, str((passes.get(name) or {}).get("problem") or ""))
        for name, state in sorted(sources_in(vault.all_records()).items())
    ]


def sync_source(
    vault: Vault, name: str, *, at: float, accept_removals: bool = False
) -> MergeReport:
    """One pass over the source ``name``: its newest backup, if it changed since the last
    pass, merged into the vault. A backup older than the last one read is not applied (a
    warning in the report)."""
    state = sources_in(vault.all_records()).get(name)
    if state is None:
        raise InvalidInput(
            _("no followed source is named '{name}' (see 'traycodes follow list')").format(
                name=name
            )
        )
    try:
        report = _sync(vault, state, at=at, accept_removals=accept_removals)
    except TrayCodesError as exc:
        _note_pass(name, at, problem=str(exc), state=state)
        raise
    state = sources_in(vault.all_records()).get(name, state)
    _note_pass(name, at, problem=report.warnings[0] if report.warnings else "", state=state)
    return report


def _sync(vault: Vault, state: SourceState, *, at: float, accept_removals: bool) -> MergeReport:
    fetched = fetch_backup(state, accept_removals=accept_removals)
    if isinstance(fetched, MergeReport):
        return fetched
    return apply_backup(vault, state.name, fetched, at=at, accept_removals=accept_removals)


def fetch_backup(state: SourceState, *, accept_removals: bool = False) -> PhoneBackup | MergeReport:
    """The source's newest backup that can be read, decrypted (no vault needed: the app
    does this off its loop's thread); or a report saying there is nothing to merge (the
    same backup as last time, one already read before, or an older one: with a warning).
    A newer file that cannot be read does not stop an older new backup from being taken
    (its error is then the backup's first problem); when nothing new can be read, the
    newest file's error is raised."""
    files = backups_at(Path(state.path), state.format)
    if not files:
        raise InvalidInput(
            _("no {get} backup in {path} yet").format(
                get=APPS.get(state.format, "phone"), path=state.path
            )
        )
    failed: TrayCodesError | None = None
    for file in files[:MAX_TRIES]:
        try:
            found = _fetch_one(state, file, accept_removals=accept_removals)
        except TrayCodesError as exc:
            if isinstance(exc, Locked) and not isinstance(exc, WrongPassword):
                raise  # no password to read it with: the same for every file
            failed = failed or exc
            continue
        if failed is not None:
            if isinstance(found, MergeReport):
                raise failed  # nothing newer could be read: that is the pass's problem
            problem = _("{error} (the newest readable backup, {file}, was taken instead)").format(
                error=failed, file=file.name
            )
            found = replace(found, problems=(problem, *found.problems))
        return found
    assert failed is not None
    raise failed


def _trusted_stamp(state: SourceState) -> float:
    """The stored time of the backup last read, unless it is not believable (planted by an
    older traycodes or by hand: it must not freeze the source)."""
    return state.stamp if plausible(state.stamp) else 0.0


def _fetch_one(
    state: SourceState, file: Path, *, accept_removals: bool
) -> PhoneBackup | MergeReport:
    digest = hashlib.sha256(_read_bounded(file)).hexdigest()
    if digest == state.digest and not (state.held and accept_removals):
        return MergeReport(state.name, unchanged=True)
    if digest in state.digests and digest != state.digest:
        report = MergeReport(state.name, unchanged=True)
        report.warnings.append(
            _(
                "{name}: {file} is a backup already read before (an old one put "
                "back?); it was not applied again"
            ).format(name=state.name, file=file.name)
        )
        return report
    backup = read_backup(file, state.format, state.password)
    last = _trusted_stamp(state)
    if backup.stamp and last and backup.stamp < last:
        report = MergeReport(state.name, unchanged=True)
        report.warnings.append(
            _(
                "{name}: {file} is older than the backup last read ({last}); it was not applied"
            ).format(name=state.name, file=file.name, last=state.file)
        )
        return report
    return backup


def apply_backup(
    vault: Vault, name: str, backup: PhoneBackup, *, at: float, accept_removals: bool = False
) -> MergeReport:
    """Merge a backup read by :func:`fetch_backup` into the vault (one save)."""
    report = vault.update(
        lambda records: merge_backup(records, name, backup, at=at, accept_removals=accept_removals)
    )
    report.warnings[:0] = [f"{name}: {p}" for p in backup.problems]
    return report


def note_pass(name: str, at: float, *, problem: str, vault: Vault | None = None) -> None:
    """Remember how a pass over ``name`` went on this computer (for list and doctor)."""
    state = sources_in(vault.all_records()).get(name) if vault is not None else None
    _note_pass(name, at, problem=problem, state=state)


def add_source(
    vault: Vault, path: Path, *, fmt: str, name: str, password: str | None, at: float
) -> MergeReport | None:
    """Follow ``path`` as ``name`` (or change where and how an existing source is read,
    keeping what it brought), and merge its newest backup at once (None: none there yet).
    Nothing is saved when that backup cannot be read."""
    file = newest_backup(path, fmt)
    backup = None
    if file is not None:
        data_fmt = format_of(file, _read_bounded(file), fmt) if fmt == "auto" else fmt
        backup = read_backup(file, data_fmt, password)
        if fmt == "auto" and path.is_file():
            fmt = data_fmt
    old = sources_in(vault.all_records()).get(name)
    state = SourceState(name=name, path=str(path), format=fmt, password=password)
    if old is not None:
        state.seen, state.count, state.digests = old.seen, old.count, old.digests
        state.stamp = _trusted_stamp(old)

    def change(records: dict[str, Record]) -> MergeReport | None:
        put_state(records, state, at)
        if backup is None:
            return None
        return merge_backup(records, name, backup, at=at)

    report = vault.update(change)
    _note_pass(name, at, state=sources_in(vault.all_records()).get(name, state))
    if report is not None and backup is not None:
        report.warnings[:0] = [f"{name}: {p}" for p in backup.problems]
    return report
