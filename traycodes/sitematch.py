"""Which records belong to a web page, by the page's verified address (the browser
extension's fill, never a title): the records whose website has the same registrable
domain as the page (``accounts.github.com`` and ``github.com`` do; ``github.com.evil.test``
does not), by the public suffix list that ``publicsuffixlist`` ships (read offline).
IP addresses and single-label hosts (``localhost``) match only exactly. A record without
a website of its own uses the 2FA directory's domains for its issuer.

Hosts where others publish under a first-party domain (``sites.google.com``, an Okta
tenant's ``mycorp.okta.com``, a ``*.tumblr.com`` blog: ``data/shared-hosts.json``, with its
sources) never get the parent domain's codes, and a record whose website names such a host
matches that exact host only. Pages are filled over https only, except local and private
IP addresses (never a public one) and ``localhost``, and a record whose website is written
``http://HOST`` (its explicit opt-in), which matches on that exact host.
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


@cache
def _shared() -> tuple[frozenset[str], tuple[str, ...]]:
    import json

    from .resources import data_bytes

    data = json.loads(data_bytes("shared-hosts.json"))
    return frozenset(data["hosts"]), tuple(data["domains"])


def _bare(host: str) -> str:
    host = host.strip().rstrip(".").lower().removeprefix("www.")
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def shared_host(host: str) -> bool:
    """Whether others publish on ``host`` under a first-party domain (a tenant, a user's
    site, a form): ``mycorp.okta.com``, ``sites.google.com``; not ``okta.com`` itself."""
    host = _bare(host)
    hosts, domains = _shared()
    return host in hosts or any(host.endswith("." + domain) for domain in domains)


def local_host(host: str) -> bool:
    """``localhost`` or an IP address of this computer or its network (filled over http
    too); a public IP address over http is anyone's on the way, as any http host is."""
    host = _bare(host)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


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
    host = _bare(host)
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


def _website(website: str) -> tuple[str, bool] | None:
    """(the host a record's website names, whether it is written ``http://``)."""
    text = website.strip()
    if not text:
        return None
    host = page_host(text if "://" in text else f"https://{text}")
    return (host, text.lower().startswith("http://")) if host else None


def _matches(website: str, host: str, https: bool) -> bool:
    """Whether a record's website belongs to the page on ``host`` (``https``: its scheme)."""
    named = _website(website)
    if named is None:
        return False
    their_host, http_opt_in = named
    exact = _bare(their_host) == _bare(host)
    if not https and not local_host(host):
        return http_opt_in and exact  # http: only the host a record names with http://
    if shared_host(host) or shared_host(their_host):
        return exact
    return site_of(their_host) == site_of(host)


def records_for_page(
    records: Iterable[Record], url: str, directory: dict[str, tuple[str, ...]] | None = None
) -> tuple[str, list[Record]]:
    """(the page's exact host, the live records with an OTP that belong to it).
    ``directory``: websites from the 2FA directory for records without their own (record id
    -> domains); looked up here when not given."""
    host = page_host(url)
    if host is None:
        return "", []
    https = urlsplit(url.strip()).scheme == "https"
    live = [r for r in records if not r.deleted and r.otp is not None]
    if directory is None:
        from .directory import websites_from_directory

        directory = websites_from_directory(live)
    found = []
    for record in live:
        websites = record.websites or directory.get(record.id, ())
        if any(_matches(w, host, https) for w in websites):
            found.append(record)
    return host, found
