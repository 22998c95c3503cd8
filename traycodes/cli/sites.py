"""``traycodes sites QUERY``: does a site offer authenticator codes? From the 2FA
directory shipped with traycodes (2fa.directory, MIT), read offline."""

from __future__ import annotations

import argparse
import sys

from ..i18n import N_, _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

METHOD_NAMES = {
    "totp": N_("authenticator codes"),
    "sms": N_("text messages"),
    "call": N_("phone calls"),
    "email": N_("email"),
    "u2f": N_("security keys"),
}
CUSTOM = ("custom-software", "custom-hardware")


def cmd_sites(args: argparse.Namespace) -> int:
    from ..directory import search
    from ..errors import NoMatch

    found = search(args.query, limit=args.limit)
    if not found:
        raise NoMatch(_("'{query}' is not in the 2FA directory").format(query=args.query))
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
        verdict = _("supports authenticator codes") if site.totp else _("no authenticator codes")
        out.append(f"{site.name} ({', '.join(site.domains)}): {verdict}")
        others = [
            _(METHOD_NAMES[m]) if m in METHOD_NAMES else m
            for m in site.methods
            if m != "totp" and m not in CUSTOM
        ]
        if site.other:
            others.append(_("its own app or device ({names})").format(names=", ".join(site.other)))
        elif any(m in CUSTOM for m in site.methods):
            others.append(_("its own app or device"))
        if others:
            out.append("  " + _("also: {methods}").format(methods=", ".join(others)))
        if site.documentation:
            out.append("  " + _("set it up: {address}").format(address=site.documentation))
        if site.recovery:
            out.append("  " + _("recovery: {address}").format(address=site.recovery))
        if site.notes:
            out.append("  " + _("note: {note}").format(note=site.notes))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def add_commands(commands: Any) -> None:
    sites = commands.add_parser(
        "sites",
        help=N_("does a site offer authenticator codes? (the 2FA directory)"),
        description=N_(
            "Look a site up by name or domain in the 2FA directory shipped with "
            "traycodes (2fa.directory, MIT licence): whether it offers authenticator "
            "(TOTP) codes, its other methods, and its set-up and recovery pages. Exit 1 "
            "when the directory does not know it."
        ),
    )
    sites.add_argument("query", metavar="QUERY", help=N_("a name (GitHub) or domain (github.com)"))
    sites.add_argument("--json", action="store_true", help=N_("machine-readable output"))
    sites.add_argument("--limit", type=int, default=5, help=N_("at most this many (default 5)"))
    sites.set_defaults(func=cmd_sites)
