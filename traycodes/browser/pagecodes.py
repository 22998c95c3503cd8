"""What a page gets: the accounts whose website is the page's site (by its exact host:
``site`` in the answer), labels first; a code only where there is one account, or once the
user has chosen one (``one_code``). The same answer from the running app (over IPC) and
from the host opening the vault itself: :func:`codes_for_page` is that answer, given where
the records come from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def page_reply(
    records: Iterable[Record],
    request: dict[str, str],
    now: float,
    advance_hotp: Callable[[str], str],
) -> dict[str, Any]:
    """One look at the records for a checked request (``type`` ``codes``, with ``every``
    "1" for every code; or ``code`` with the record's ``id``). An HOTP account's code is
    ``advance_hotp(id)`` (its counter saved first)."""
    url = request["url"]
    if request["type"] != "code":
        return page_accounts(records, url, now, every_code=request.get("every") == "1")
    record = belongs(records, url, request.get("id", ""))
    if record is None or record.otp is None:
        return {"ok": False, "error": "that account is not for this site"}
    if record.otp.type is OtpType.HOTP:
        return {"ok": True, "code": advance_hotp(record.id)}
    return page_accounts([record], url, now)


def codes_for_page(
    request: dict[str, str],
    look: Callable[[], dict[str, Any]],
    min_seconds_left: float,
    sleep: Callable[[float], None],
) -> dict[str, Any]:
    """The answer to a checked request: ``look()`` (a :func:`page_reply` where the records
    are), looked at again after a code about to expire has expired (``min_seconds_left``);
    for ``code``, that one code."""
    reply = look()
    pause = wait_before(reply, min_seconds_left)
    if pause:
        sleep(pause)
        reply = look()
    if request["type"] == "code" and "accounts" in reply:
        return {"ok": True, "code": reply["accounts"][0]["code"]}
    return reply
