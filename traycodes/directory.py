"""The 2FA directory (2fa.directory, MIT; shipped as ``traycodes/data/2fa-directory.json``,
its notice beside it): which sites offer authenticator codes, their other methods, their
set-up and recovery pages, and their domains.

Two uses: ``traycodes sites QUERY`` ("does this site support OTPs?"), and websites for
records that have none: an issuer that *is* a directory name (compared without case and
punctuation: "Amazon Web Services", "GitHub") gives the record that site's domains for
matching, shown as "from the directory"; a website the user sets always wins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .model import Record
from .resources import data_bytes


@dataclass(frozen=True)
class Site:
    name: str
    domains: tuple[str, ...]
    methods: tuple[str, ...]  # "totp", "sms", "u2f", "email", "call", "custom-software"...
    documentation: str = ""
    recovery: str = ""
    notes: str = ""
    other: tuple[str, ...] = ()  # the custom software and hardware it uses

    @property
    def totp(self) -> bool:
        return "totp" in self.methods


_NOT_ALNUM = re.compile(r"[\W_]+")


def folded(name: str) -> str:
    """A name compared without case, spaces or punctuation ("Amazon Web Services" ->
    "amazonwebservices")."""
    return _NOT_ALNUM.sub("", name.casefold())


@cache
def _rows() -> list[list[Any]]:
    """The shipped directory's rows (read once, on first use): name, domains, methods,
    documentation, recovery, notes, other."""
    return json.loads(data_bytes("2fa-directory.json"))["sites"]  # type: ignore[no-any-return]


def _site(row: list[Any]) -> Site:
    name, domains, methods, documentation, recovery, notes, other = row
    return Site(name, tuple(domains), tuple(methods), documentation, recovery, notes, tuple(other))


@cache
def sites() -> tuple[Site, ...]:
    """Every site of the shipped directory."""
    return tuple(_site(row) for row in _rows())


@cache
def _by_name() -> dict[str, list[Any]]:
    return {folded(row[0]): row for row in _rows()}


@cache
def _names() -> dict[str, list[str]]:
    """Folded name -> domains: the small index a vault open needs (made with the full
    file by scripts/update-directory)."""
    return json.loads(data_bytes("2fa-directory-names.json"))  # type: ignore[no-any-return]


@cache
def _by_domain() -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for row in _rows():
        for domain in row[1]:
            found.setdefault(domain, row)
    return found


def by_name(issuer: str) -> Site | None:
    """The site whose name the issuer is (case and punctuation aside), or None."""
    row = _by_name().get(folded(issuer))
    return _site(row) if row is not None else None


def by_host(host: str) -> Site | None:
    """The site of a host name: ``gist.github.com`` -> GitHub (its domain or a parent of
    it). Without a public suffix list, a bare suffix such as ``co.uk`` is never a site's
    domain in the directory, so walking up the labels is safe."""
    labels = host.lower().strip(".").removeprefix("www.").split(".")
    table = _by_domain()
    for start in range(len(labels) - 1):
        row = table.get(".".join(labels[start:]))
        if row is not None:
            return _site(row)
    return None


def search(query: str, limit: int = 10) -> list[Site]:
    """Sites a query names: a domain or address first (``github.com``, ``https://…``),
    then the exact name, then names that start with it, then names that contain it."""
    from .matching import domain_of

    text = query.strip()
    if not text:
        return []
    found: list[Site] = []
    if "." in text:
        site = by_host(domain_of(text))
        if site is not None:
            found.append(site)
    key = folded(text)
    exact = _by_name().get(key)
    if exact is not None:
        found.append(_site(exact))
    if key:
        found += [s for s in sites() if folded(s.name).startswith(key)]
        found += [s for s in sites() if key in folded(s.name)]
    return list(dict.fromkeys(found))[:limit]


def websites_from_directory(records: Iterable[Record]) -> dict[str, tuple[str, ...]]:
    """For each live record with no website of its own whose issuer is a directory name:
    that site's domains (record id -> domains)."""
    table = _names()
    seen: dict[str, tuple[str, ...] | None] = {}  # issuer -> domains: vaults repeat issuers
    found: dict[str, tuple[str, ...]] = {}
    for record in records:
        if record.deleted or record.websites or not record.issuer:
            continue
        domains = seen.get(record.issuer, ())
        if domains == ():
            key = record.issuer.casefold()
            if not key.isalnum():
                key = _NOT_ALNUM.sub("", key)
            listed = table.get(key)
            domains = seen[record.issuer] = tuple(listed) if listed else None
        if domains:
            found[record.id] = domains
    return found
