"""The one "codes for a page" answer (browser/pagecodes.py), which the running app and the
browser host (opening the vault itself) both give."""

from __future__ import annotations

from typing import Any

from tests.unit.test_browser_host import record
from traycodes.browser.pagecodes import codes_for_page, page_reply
from traycodes.otp import code


def test_a_code_about_to_expire_is_waited_for_and_looked_up_again() -> None:
    github = record("GitHub", "github.com")
    start = 1_700_000_009.5  # 0.5 s left of the 30 s period
    clock = [start]
    slept: list[float] = []

    def look() -> dict[str, Any]:
        page = {"type": "codes", "url": "https://github.com/"}
        return page_reply([github], page, clock[0], lambda _id: "")

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    request = {"type": "code", "url": "https://github.com/", "id": github.id}
    answer = codes_for_page(request, look, 3.0, sleep)
    assert slept and slept[0] < 1
    assert answer == {"ok": True, "code": code(github.otp, clock[0])}  # type: ignore[arg-type]
    assert answer["code"] != code(github.otp, start)  # type: ignore[arg-type]


def test_an_hotp_code_moves_its_counter_once_and_only_for_its_site() -> None:
    bank = record("Bank", "bank.example", hotp=True)
    advanced: list[str] = []

    def advance(record_id: str) -> str:
        advanced.append(record_id)
        return "123456"

    def answer(url: str) -> dict[str, Any]:
        request = {"type": "code", "url": url, "id": bank.id}
        look = lambda: page_reply([bank], request, 0.0, advance)  # noqa: E731
        return codes_for_page(request, look, 3.0, lambda _s: None)

    refused = answer("https://evil.example/")
    assert refused == {"ok": False, "error": "that account is not for this site"}
    assert advanced == []
    assert answer("https://bank.example/") == {"ok": True, "code": "123456"}
    assert advanced == [bank.id]
