"""What a page gets: the accounts whose website is the page's site (by its exact host:
``site`` in the answer), labels first; a code only where there is one account, or once the
user has chosen one (``one_code``). The same answer from the running app (over IPC) and
from the host opening the vault itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import OtpType, Record
from ..otp import code, remaining
from ..sitematch import local_host, records_for_page

MAX_URL = 4096


def page_accounts(
    records: Iterable[Record], url: str, now: float, *, every_code: bool = False
) -> dict[str, Any]:
    """``{"ok": True, "site", "accounts": [{"id", "label", "code", "remaining"}]}``. Codes
    only where one account matches (or ``every_code``: the extension's own popup); else
    None, as for an HOTP account (asking for it moves its counter on)."""
    site, found = records_for_page(records, url)
    if not site:
        return {"ok": False, "error": "traycodes fills codes into web pages (https) only"}
    if not found and url.strip().lower().startswith("http:") and not local_host(site):
        return {"ok": False, "error": f"traycodes fills codes into https pages only: {site} "
                "is http (a record whose website is written http://HOST opts in)"}  # fmt: skip
    accounts = []
    for record in sorted(found, key=lambda r: (not r.favorite, r.label.casefold())):
        otp = record.otp
        assert otp is not None
        timed = otp.type is not OtpType.HOTP and (every_code or len(found) == 1)
        accounts.append(
            {
                "id": record.id,
                "label": record.label,
                "code": code(otp, now) if timed else None,
                "remaining": round(remaining(otp, now), 1) if timed else None,
            }
        )
    return {"ok": True, "site": site, "accounts": accounts}


def wait_before(answer: dict[str, Any], min_seconds_left: float) -> float:
    """Seconds to wait so that no code in ``answer`` is about to expire (0: none is)."""
    waits = [
        float(a["remaining"]) + 0.05
        for a in answer.get("accounts", [])
        if a.get("remaining") is not None and float(a["remaining"]) < min_seconds_left
    ]
    return max(waits, default=0.0)


def belongs(records: Iterable[Record], url: str, record_id: str) -> Record | None:
    """The record ``record_id`` if it belongs to the page at ``url`` (else None: a page
    never gets another site's code, whatever id it names)."""
    _, found = records_for_page(records, url)
    return next((r for r in found if r.id == record_id), None)
