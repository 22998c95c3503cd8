"""Every copy of the vault in its folder: sync tools' conflict copies under any name
(``vault (1).tcv``, ``vault-LAPTOP-7.tcv``) and their backups, Syncthing's ``.stversions/``,
saves kept aside (the folder's other subfolders are not searched: it may be a whole Dropbox).
A rekey merges each into the vault and removes it, so that the old password opens no copy;
what it cannot open is named, never deleted unread."""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TrayCodesError
from ..model import Record
from .files import BACKUP_SUFFIX, backups_folder, header_vault_id

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .store import Vault

VERSIONS_FOLDERS = (".stversions",)  # Syncthing's file versioning, inside the synced folder
MAX_COPIES_SCANNED = 10_000  # files looked at, so that a folder of junk costs bounded time


def vault_copies(path: Path, vault_id: str) -> list[Path]:
    """Files beside the vault at ``path`` (and in the sync tools' version folders) whose
    header names the vault ``vault_id``; never the vault itself, links or its backups."""
    candidates: list[Path] = []
    own = backups_folder(path)
    try:
        for entry in path.parent.iterdir():
            if entry.name.endswith(BACKUP_SUFFIX):
                candidates.append(entry)
            elif entry.name.endswith(".backups") and entry != own and _real_folder(entry):
                candidates.extend(entry.glob(f"*{BACKUP_SUFFIX}"))  # a copy's own backups
        for name in VERSIONS_FOLDERS:
            versions = path.parent / name
            if _real_folder(versions):
                candidates.extend(versions.rglob(f"*{BACKUP_SUFFIX}"))
    except OSError:
        pass
    found = []
    skip = {path.name}
    for candidate in candidates[:MAX_COPIES_SCANNED]:
        if candidate.name in skip and candidate.parent == path.parent:
            continue
        if own in candidate.parents:
            continue
        try:
            if not stat.S_ISREG(candidate.lstat().st_mode):
                continue
        except OSError:
            continue
        if header_vault_id(candidate) == vault_id:
            found.append(candidate)
    return sorted(found)


def _real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)  # a link to elsewhere is not followed
    except OSError:
        return False


@dataclass
class Copies:
    """What became of the vault's copies: merged (and removed), and not handled (why)."""

    merged: list[Path] = field(default_factory=list)
    left: list[tuple[Path, str]] = field(default_factory=list)


def absorb_copies(vault: Vault) -> Copies:
    """Merge every copy of ``vault`` in its folder into it, in one save (many saves would
    push the real history out of the backups), then remove the copies merged; a copy the
    vault's key does not open (an older key) or that cannot be read is left and named."""
    from .files import read_file
    from .merge import merge_records
    from .seal import open_records_at

    done = Copies()
    theirs: list[Record] = []
    for copy in vault_copies(vault.path, vault.vault_id):
        try:
            file, _ = read_file(copy)
            opened = open_records_at(copy, file, vault.master_key)
            theirs = list(merge_records(theirs, opened).values())
            done.merged.append(copy)
        except TrayCodesError as exc:
            done.left.append((copy, str(exc)))
    if not done.merged:
        return done

    def merge(records: dict[str, Record]) -> None:
        merged = merge_records(records.values(), theirs)
        records.clear()
        records.update(merged)

    vault.update(merge)
    for copy in done.merged:  # in the vault now, saved: the copies can go
        copy.unlink(missing_ok=True)
    return done
