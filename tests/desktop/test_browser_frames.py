"""A code step inside a frame, in a real Chromium, at the sites' real https addresses
(tests/desktop/realsites.py): Apple's sign-in runs its code step in an idmsa.apple.com
frame inside appleid.apple.com. The frame's own address (as the browser gives it) decides
which account, with every rule the page's address has (https only, shared hosts), and the
code goes into that frame's field. A frame of another site inside a matching page gets
nothing; a matching frame inside an attacker's page is filled by its own address only
(docs/security.md says why that is acceptable)."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import NamedTuple

import pytest

from tests.desktop.apphelper import GITHUB_KEY, TrayApp, expected_codes
from tests.desktop.realsites import SAVED, RealSitesChromium, Sites
from tests.desktop.session import DesktopSession, require, wait_for

pytestmark = pytest.mark.desktop

OKTA_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
EVIL_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # evil.test's own account
APPLE_TOP = (SAVED / "frames" / "appleid.html").read_text(encoding="utf-8")
APPLE_FRAME = "https://idmsa.apple.com/appleauth/auth/authorize/signin"
CODE_FORM = (  # an attacker's (or a tenant's) code step
    "<form><label for=otp>Verification code</label><input id=otp name=otp"
    ' autocomplete="one-time-code" inputmode=numeric maxlength=6></form>'
)


def framing(src: str) -> str:
    """Apple's page around a frame at ``src`` instead of its own."""
    page = APPLE_TOP.replace(APPLE_TOP.split('<iframe src="')[1].split('"')[0], src)
    assert src in page
    return page


PAGES = {
    "appleid.apple.com/sign-in": APPLE_TOP,
    "idmsa.apple.com/appleauth/auth/authorize/signin": (SAVED / "apple.html").read_text(),
    # a frame of another site inside the matching page
    "appleid.apple.com/elsewhere": framing("https://evil.test/code"),
    "evil.test/code": CODE_FORM,
    # Apple's real frame inside an attacker's page (https, then http)
    "evil.test/framed": "<title>Apple Account</title><p>Sign in below</p>" + framing(APPLE_FRAME),
    "evil.test/plain": framing(APPLE_FRAME.replace("https:", "http:")),
    # an Okta tenant's page with another tenant's frame, and with its own
    "mycorp.okta.com/app": framing("https://attacker.okta.com/signin/verify"),
    "attacker.okta.com/signin/verify": CODE_FORM,
    "mycorp.okta.com/home": framing("https://mycorp.okta.com/signin/verify"),
    "mycorp.okta.com/signin/verify": CODE_FORM,
}
APPLE_FRAME_PAGE = "idmsa.apple.com/appleauth/"


class Setup(NamedTuple):
    app: TrayApp
    sites: Sites
    browser: RealSitesChromium


@pytest.fixture(scope="module")
def setup(desktop: DesktopSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    require("chromium")
    root = tmp_path_factory.mktemp("frames")
    app = TrayApp(desktop, root)
    app.init(
        f"otpauth://totp/Apple:me@icloud.test?secret={GITHUB_KEY}&issuer=Apple",
        f"otpauth://totp/Okta:me@mycorp?secret={OKTA_KEY}&issuer=Okta",
        f"otpauth://totp/Evil:me?secret={EVIL_KEY}&issuer=Evil",
    )
    app.cli("edit", "Apple", "--website", "https://apple.com")
    app.cli("edit", "Okta", "--website", "https://mycorp.okta.com")
    app.cli("edit", "Evil", "--website", "https://evil.test")
    app.cli("browser", "on")
    extension = app.cli("browser", "path").stdout.strip()
    sites = Sites(PAGES, root)
    browser = RealSitesChromium(app, extension, sites)
    try:
        yield Setup(app, sites, browser)
    finally:
        browser.close()
        sites.close()


def opened(setup: Setup, url: str, frame: str) -> None:
    """Open ``url`` and wait until it and its frame (host and path ``frame``) loaded."""
    setup.sites.forget()
    setup.browser.open(url)
    setup.sites.loaded(url.split("://", 1)[1], frame)
    wait_for(lambda: setup.browser.window() is not None, "the Chromium window")


def filled(setup: Setup, frame: str, first: dict[str, str]) -> str:
    """The six digits a frame's split boxes end up with (each box reports its change)."""
    value = first["value"]
    while len(value) < 6:
        value = setup.sites.next_report("change", frame)["value"]
    return value


def nothing_filled(setup: Setup) -> None:
    """No document reports a change (after its note was seen: the positive control that
    the press was answered)."""
    with pytest.raises(queue.Empty):
        setup.sites.next_report("change", "", timeout=3)


def test_the_code_step_in_apples_frame_is_filled(setup: Setup) -> None:
    opened(setup, "https://appleid.apple.com/sign-in", APPLE_FRAME_PAGE)
    first = setup.browser.press_until("change", APPLE_FRAME_PAGE, allow=True)
    assert filled(setup, APPLE_FRAME_PAGE, first) in expected_codes(GITHUB_KEY)


def test_another_sites_frame_in_a_matching_page_gets_its_own_sites_code_only(
    setup: Setup,
) -> None:
    """appleid.apple.com holds a frame of evil.test with a code field: the frame gets the
    code of its own address's account (evil.test's), never the page's (Apple's)."""
    opened(setup, "https://appleid.apple.com/elsewhere", "evil.test/code")
    found = setup.browser.press_until("change", "evil.test/code", allow=True)
    assert found["value"] in expected_codes(EVIL_KEY)
    assert found["value"] not in expected_codes(GITHUB_KEY)


def test_a_matching_frame_in_an_attackers_page_is_filled_by_its_own_address(
    setup: Setup,
) -> None:
    """Apple's real frame inside evil.test: the code goes into the frame (which the page
    around it cannot read), with a note naming both hosts; never into the page."""
    opened(setup, "https://evil.test/framed", APPLE_FRAME_PAGE)
    first = setup.browser.press_until("change", APPLE_FRAME_PAGE, allow=True)
    assert filled(setup, APPLE_FRAME_PAGE, first) in expected_codes(GITHUB_KEY)
    setup.sites.next_report("panel", APPLE_FRAME_PAGE)  # "a frame inside evil.test"


def test_an_http_frame_gets_no_code(setup: Setup) -> None:
    """The same frame over http (what a network attacker serves): https only, as for
    pages."""
    opened(setup, "http://evil.test/plain", APPLE_FRAME_PAGE)  # no http frame in https
    setup.browser.press_until("panel", "evil.test/plain", allow=True)
    nothing_filled(setup)


def test_another_tenants_frame_gets_no_code_and_the_tenants_own_frame_does(
    setup: Setup,
) -> None:
    """The record names mycorp.okta.com: attacker.okta.com's frame in mycorp's page gets
    nothing (a shared host matches exactly: the extension does not even ask to enter it,
    and the page says it has no code field); mycorp's own frame is filled."""
    opened(setup, "https://mycorp.okta.com/app", "attacker.okta.com/")
    setup.browser.press_until("panel", "mycorp.okta.com/app")
    # a second press would ask to enter the frame (and be allowed) if it were asked for
    setup.browser.press_until("panel", "mycorp.okta.com/app", allow=True)
    nothing_filled(setup)
    opened(setup, "https://mycorp.okta.com/home", "mycorp.okta.com/signin/")
    found = setup.browser.press_until("change", "mycorp.okta.com/signin/")
    assert found["value"] in expected_codes(OKTA_KEY)
