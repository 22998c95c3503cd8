"""The sites the user lets the extension fill on its own (per-site, opt-in, off by default):
the page is filled as soon as its code field appears, and, where the user said so, its
form submitted. A site is allowed from the extension's popup, which asks the browser for
the optional host permission of that one site at that moment; the host keeps the list
here so that ``traycodes browser status`` shows it and ``--revoke SITE`` takes one back
(the extension then gives the browser's permission back at its next auto-fill request).

A site is a page's scheme and exact host (``https://github.com``): what a permission for
``https://github.com/*`` covers. Kept in this computer's state folder, private (0600); it
holds site addresses, never a code or a secret."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import TrayCodesError

# scheme://host, the host as browsers give it (lowercase, punycode; an IPv6 literal bracketed)
SITE = re.compile(r"https?://(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*)")
MAX_SITES = 1000


def _path() -> Path:
    from ..vault import state_folder

    return state_folder() / "browser-autofill.json"


def site_of_url(url: str) -> str | None:
    """The site of a page address (``https://github.com/login`` -> ``https://github.com``),
    or None for what is not an http(s) page."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    site = f"{parts.scheme}://{f'[{host}]' if ':' in host else host}"
    return site if SITE.fullmatch(site) else None


def sites() -> dict[str, dict[str, bool]]:
    """``{site: {"submit": bool}}``: the sites allowed to be filled on their own."""
    try:
        found = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        site: {"submit": entry.get("submit") is True}
        for site, entry in found.items()
        if isinstance(site, str) and SITE.fullmatch(site) and isinstance(entry, dict)
    }


def _write(known: dict[str, dict[str, bool]]) -> None:
    from ..vault import atomic_write

    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(known, indent=1, sort_keys=True).encode("utf-8"))  # 0600


def allow(site: str, *, submit: bool) -> None:
    """Let ``site`` be filled on its own (and its form submitted after, with ``submit``)."""
    if not SITE.fullmatch(site):
        raise TrayCodesError(f"not a site address: {site!r} (scheme://host)")
    known = sites()
    if site not in known and len(known) >= MAX_SITES:
        raise TrayCodesError(f"already {MAX_SITES} sites filled on their own")
    known[site] = {"submit": submit}
    _write(known)


def revoke(site: str) -> list[str]:
    """Stop filling on its own where ``site`` names a site (``https://github.com``) or a
    host (``github.com``: its http and https sites); the sites taken back."""
    known = sites()
    gone = [s for s in known if s == site or s.partition("://")[2] == site.lower()]
    for s in gone:
        del known[s]
    if gone:
        _write(known)
    return gone


def entry_for(url: str) -> dict[str, Any] | None:
    """The page's entry (``{"site", "submit"}``) if its site is filled on its own."""
    site = site_of_url(url)
    entry = sites().get(site) if site else None
    return {"site": site, **entry} if entry is not None else None
