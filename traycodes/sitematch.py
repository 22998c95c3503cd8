"""Which records belong to a web page, by the page's verified address (the browser
extension's fill, never a title): the records whose website has the same registrable
domain as the page (``accounts.github.com`` and ``github.com`` do; ``github.com.evil.test``
does not), by the public suffix list that ``publicsuffixlist`` ships (read offline).
IP addresses and single-label hosts (``localhost``) match only exactly. A record without
a website of its own uses the 2FA directory's domains for its issuer.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from .model import Record


@cache
def _suffixes() -> Any:
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def page_host(url: str) -> str | None:
    """The host of an http(s) page address, lower-case; None for any other address
    (``file:``, ``chrome:``, ``about:``, ``data:``...), which never gets a code."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return host.rstrip(".").lower()


def site_of(host: str) -> str:
    """The registrable domain of a host (``login.example.co.uk`` -> ``example.co.uk``);
    an IP address or a single-label host is its own site."""
    host = host.strip().rstrip(".").lower().removeprefix("www.")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    if "." not in host:
        return host
    private = _suffixes().privatesuffix(host)
    return str(private) if private else host


def _website_site(website: str) -> str | None:
    text = website.strip()
    if not text:
        return None
    host = page_host(text if "://" in text else f"https://{text}")
    return site_of(host) if host else None


def records_for_page(
    records: Iterable[Record], url: str, directory: dict[str, tuple[str, ...]] | None = None
) -> tuple[str, list[Record]]:
    """(the page's site, the live records with an OTP that belong to it). ``directory``:
    websites from the 2FA directory for records without their own (record id -> domains);
    looked up here when not given."""
    host = page_host(url)
    if host is None:
        return "", []
    site = site_of(host)
    live = [r for r in records if not r.deleted and r.otp is not None]
    if directory is None:
        from .directory import websites_from_directory

        directory = websites_from_directory(live)
    found = []
    for record in live:
        websites = record.websites or directory.get(record.id, ())
        if any(_website_site(w) == site for w in websites):
            found.append(record)
    return site, found
