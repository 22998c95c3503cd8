"""Merging two copies of one vault, record by record (sync across devices).

The newer modification wins; a deletion is a record too (a marker), so it wins or loses
by the same rule and is never undone by an older copy. Equal times are settled by the
content itself, so merging A into B gives what merging B into A gives.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path

from ..model import Record
from .format import canonical, record_to_json

# What sync tools call the copy they could not reconcile: Syncthing, Dropbox, Nextcloud
# and ownCloud, OneDrive and others ("*Conflict*").
CONFLICT_PATTERNS = (
    "{stem}.sync-conflict-*",
    "{stem} (*conflicted copy*)*",
    "{stem}*-conflict-*",
    "{stem}*[Cc]onflict*",
)


def _rank(record: Record) -> tuple[float, bool, bytes]:
    # Newer first; at the same time a deletion wins (the safer reading of "both changed"),
    # then the content decides, so the result never depends on the order of the copies.
    return record.modified, record.deleted, canonical(record_to_json(record))


def merge_records(ours: Iterable[Record], theirs: Iterable[Record]) -> dict[str, Record]:
    """Both copies' records, the winner of each id kept; ``used`` is the later of the two."""
    merged: dict[str, Record] = {r.id: r for r in ours}
    for record in theirs:
        mine = merged.get(record.id)
        if mine is None:
            merged[record.id] = record
            continue
        winner = max(mine, record, key=_rank)
        used = max(mine.used, record.used)
        if winner.used != used and not winner.deleted:
            from dataclasses import replace

            winner = replace(winner, used=used)
        merged[record.id] = winner
    return merged


def conflict_copies(path: Path) -> list[Path]:
    """Files beside the vault that a sync tool made from it."""
    try:
        names = [p for p in path.parent.iterdir() if p.is_file() and p != path]
    except OSError:
        return []
    found = []
    for candidate in names:
        if candidate.name.endswith(".tmp") or candidate.name.startswith("."):
            continue
        if any(
            fnmatch.fnmatchcase(candidate.name, pattern.format(stem=path.stem))
            for pattern in CONFLICT_PATTERNS
        ):
            found.append(candidate)
    return sorted(found)
