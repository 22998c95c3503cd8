"""Text that windows show, shaped to fit: plain functions, no Tk."""

from __future__ import annotations


def elide_path(path: str, limit: int = 52) -> str:
    """``path`` in at most ``limit`` characters where it can be: the home folder as ``~``,
    then whole folders dropped from the middle (``~/Sync/…/vault.tcv``), never a name cut
    in two. Tk wraps only at spaces, so a long path wrapped mid-word ("vault.tc / v")."""
    import os

    home = os.path.expanduser("~")
    if home not in ("", "/", "~") and (path == home or path.startswith(home + os.sep)):
        path = "~" + path[len(home) :]
    if len(path) <= limit:
        return path
    sep = os.sep
    parts = path.split(sep)
    if len(parts) <= 2:
        return path
    head, tail = parts[:1], parts[1:]
    # keep the first part (``~`` or the root) and as many of the last parts as fit
    kept: list[str] = [tail.pop()]
    while tail and len(sep.join([*head, "…", tail[-1], *kept])) <= limit:
        kept.insert(0, tail.pop())
    if not tail:
        return path
    return sep.join([*head, "…", *kept])
