"""``traycodes sites QUERY``: does a site offer authenticator codes? From the 2FA
directory shipped with traycodes (2fa.directory, MIT), read offline."""

from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

METHOD_NAMES = {
    "totp": "authenticator codes",
    "sms": "text messages",
    "call": "phone calls",
    "email": "email",
    "u2f": "security keys",
}
CUSTOM = ("custom-software", "custom-hardware")


def cmd_sites(args: argparse.Namespace) -> int:
    from ..directory import search
    from ..errors import NoMatch

    found = search(args.query, limit=args.limit)
    if not found:
        raise NoMatch(f"'{args.query}' is not in the 2FA directory")
    if args.json:
        import json

        rows = [
            {
                "name": s.name,
                "domains": list(s.domains),
                "totp": s.totp,
                "methods": list(s.methods),
                "documentation": s.documentation,
                "recovery": s.recovery,
                "notes": s.notes,
                "other": list(s.other),
            }
            for s in found
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return 0
    out = []
    for site in found:
        verdict = "supports authenticator codes" if site.totp else "no authenticator codes"
        out.append(f"{site.name} ({', '.join(site.domains)}): {verdict}")
        others = [METHOD_NAMES.get(m, m) for m in site.methods if m != "totp" and m not in CUSTOM]
        if any(m in CUSTOM for m in site.methods) or site.other:
            named = f" ({', '.join(site.other)})" if site.other else ""
            others.append(f"its own app or device{named}")
        if others:
            out.append(f"  also: {', '.join(others)}")
        if site.documentation:
            out.append(f"  set it up: {site.documentation}")
        if site.recovery:
            out.append(f"  recovery: {site.recovery}")
        if site.notes:
            out.append(f"  note: {site.notes}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def add_commands(commands: Any) -> None:
    sites = commands.add_parser(
        "sites",
        help="does a site offer authenticator codes? (the 2FA directory)",
        description="Look a site up by name or domain in the 2FA directory shipped with "
        "traycodes (2fa.directory, MIT licence): whether it offers authenticator "
        "(TOTP) codes, its other methods, and its set-up and recovery pages. Exit 1 "
        "when the directory does not know it.",
    )
    sites.add_argument("query", metavar="QUERY", help="a name (GitHub) or domain (github.com)")
    sites.add_argument("--json", action="store_true", help="machine-readable output")
    sites.add_argument("--limit", type=int, default=5, help="at most this many (default 5)")
    sites.set_defaults(func=cmd_sites)
