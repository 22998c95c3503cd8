"""A code step inside a frame, in a real Chromium, at the sites' real https addresses
(tests/desktop/realsites.py): Apple's sign-in runs its code step in an idmsa.apple.com
frame inside appleid.apple.com. The frame's own address (as the browser gives it) decides
which account, with every rule the page's address has (https only, shared hosts), and the
code goes into that frame's field. A frame of another site inside a matching page gets
nothing; a matching frame inside an attacker's page is filled by its own address only
(docs/security.md says why that is acceptable). The same sites' top-level pages: a shared
host (an Okta tenant, sites.google.com) matches only exactly; the chooser and the notes
name the exact host; the app's hotkey handed to the extension types nothing into a search
box; the field's context menu fills the field chosen and says for which host."""

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
GOOGLE_KEY = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"
TWICE_KEYS = ("KRUGS4ZANFZSAYJAORSXG5BAONSWG4TF", "NVWHIZLBMRSWS43FMZ2XEYTVORSSA2LT")
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
    # top-level pages: a tenant's, another tenant's, Google's sign-in and a Sites page
    "attacker.okta.com/signin/top": CODE_FORM,
    "mycorp.okta.com/signin/top": CODE_FORM,
    "sites.google.com/view/code": CODE_FORM,
    "accounts.google.com/signin/challenge": CODE_FORM,
    "login.twice.net/mfa": CODE_FORM,  # two accounts: the chooser
    "mycorp.okta.com/search": "<title>Search</title><form role=search>"
    "<input type=search name=q placeholder=Search autofocus></form>",
    "mycorp.okta.com/profile": "<title>Profile</title><form><label for=nick>Nickname</label>"
    "<input id=nick name=nickname style='position:fixed;top:120px;left:40px;width:500px;"
    "height:160px;font-size:40px'></form>",
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
        f"otpauth://totp/Google:me@gmail.test?secret={GOOGLE_KEY}&issuer=Google",
        f"otpauth://totp/Twice:first?secret={TWICE_KEYS[0]}&issuer=Twice",
        f"otpauth://totp/Twice:second?secret={TWICE_KEYS[1]}&issuer=Twice",
    )
    app.cli("edit", "Apple", "--website", "https://apple.com")
    app.cli("edit", "Okta", "--website", "https://mycorp.okta.com")
    app.cli("edit", "Evil", "--website", "https://evil.test")
    app.cli("edit", "Google", "--website", "https://google.com")
    for name in ("first", "second"):
        app.cli("edit", name, "--website", "https://twice.net")
    app.cli("browser", "on")
    extension = app.cli("browser", "path").stdout.strip()
    sites = Sites(PAGES, root)
    browser = RealSitesChromium(app, extension, sites)
    try:
        yield Setup(app, sites, browser)
    finally:
        browser.close()
        sites.close()


def opened(setup: Setup, url: str, *frames: str) -> None:
    """Open ``url`` and wait until it and its frames (host and path each) loaded."""
    setup.sites.forget()
    setup.browser.open(url)
    setup.sites.loaded(url.split("://", 1)[1], *frames)
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


def shows(setup: Setup, words: str) -> None:
    """The page shows ``words``, in the extension's note or chooser (its shadow root is
    closed to the page, not to the user's selection): a click on the page's empty part,
    select all and copy, as a user would."""
    app, window = setup.app, setup.browser.window()
    assert window is not None
    app.run("xdotool", "mousemove", "--window", window, "60", "640", "click", "1")
    app.run("xdotool", "key", "--clearmodifiers", "ctrl+a", "ctrl+c")
    texts = [""]

    def copied() -> bool:
        texts.append(
            " ".join(app.run("xclip", "-selection", "clipboard", "-o", check=False).split())
        )
        return words in texts[-1]

    try:
        wait_for(copied, f"{words!r} on the page", timeout=5)
    except TimeoutError as error:
        raise AssertionError(f"the page shows {texts[-1]!r}, not {words!r}") from error


def test_a_tenants_top_level_page_gets_its_code_and_another_tenants_none(
    setup: Setup,
) -> None:
    """The record names mycorp.okta.com: attacker.okta.com's own page (not a frame) gets a
    note naming its host and no code; mycorp's page gets the code."""
    opened(setup, "https://attacker.okta.com/signin/top")
    setup.browser.press_until("panel", "attacker.okta.com/")
    shows(setup, "no account for attacker.okta.com")
    nothing_filled(setup)
    opened(setup, "https://mycorp.okta.com/signin/top")
    found = setup.browser.press_until("change", "mycorp.okta.com/signin/top")
    assert found["value"] in expected_codes(OKTA_KEY)


def test_a_google_record_fills_googles_sign_in_but_not_a_google_sites_page(
    setup: Setup,
) -> None:
    """A record for https://google.com: sites.google.com (anyone's pages) gets a note and no
    code, accounts.google.com gets the code."""
    opened(setup, "https://sites.google.com/view/code")
    setup.browser.press_until("panel", "sites.google.com/")
    shows(setup, "no account for sites.google.com")
    nothing_filled(setup)
    opened(setup, "https://accounts.google.com/signin/challenge")
    found = setup.browser.press_until("change", "accounts.google.com/")
    assert found["value"] in expected_codes(GOOGLE_KEY)


def test_the_chooser_names_the_exact_host_of_the_page(setup: Setup) -> None:
    """Two accounts for twice.net, the page at login.twice.net: the chooser asks which
    account for login.twice.net (the host the code goes to), not for twice.net."""
    opened(setup, "https://login.twice.net/mfa")
    setup.browser.press_until("panel", "login.twice.net/")
    shows(setup, "which account for login.twice.net?")
    setup.browser.press_until("panel", "login.twice.net/")  # the chooser again, focused
    setup.app.run("xdotool", "key", "Return")  # the first account
    found = setup.sites.next_report("change", "login.twice.net/")
    assert found["value"] in expected_codes(TWICE_KEYS[0])  # "first" sorts before "second"


def test_the_global_hotkey_into_a_search_box_fills_nothing(setup: Setup) -> None:
    """The app's type hotkey with Chromium in front, the focus in the site's search box:
    the extension takes the fill over, finds no code field, says so, and types nothing."""
    app, sites, browser = setup
    app.start()
    try:
        opened(setup, "https://attacker.okta.com/signin/top")
        browser.press_until("panel", "attacker.okta.com/")  # ready, and said hello
        opened(setup, "https://mycorp.okta.com/search")
        window = browser.window()
        assert window is not None
        app.run("xdotool", "windowactivate", "--sync", window, check=False)
        app.run("xdotool", "key", "ctrl+alt+o")  # the app's type hotkey
        sites.next_report("panel", "mycorp.okta.com/search")
        app.run("xdotool", "key", "Tab")  # a field typed into reports its change on leaving
        nothing_filled(setup)
        assert not app.state()["chooser"]
    finally:
        assert app.stop() == 0


def right_click(app: TrayApp, window: str) -> None:
    """A right-click on the page's field; returns once its menu (a window of its own, with
    no name) shows."""
    before = set(app.search("--onlyvisible", "--name", ""))
    app.run("xdotool", "mousemove", "--window", window, "250", "300", "click", "3")
    wait_for(lambda: bool(set(app.search("--onlyvisible", "--name", "")) - before), "the menu")


def test_the_context_menu_fills_the_field_chosen_and_names_the_host(setup: Setup) -> None:
    """A right-click on a field that is no code field, then the menu's "Fill the code here"
    (chosen by keyboard): the user's choice, so the field gets the code of the page's own
    host, and the note says for which host."""
    app, sites, browser = setup
    opened(setup, "https://mycorp.okta.com/profile")
    window = browser.window()
    assert window is not None
    for _ in range(4):  # a menu opened before the extension added its item lacks it
        app.run("xdotool", "windowactivate", "--sync", window, check=False)
        right_click(app, window)
        app.run("xdotool", "key", "Up", "Up", "Return")  # above "Inspect", the last item
        try:
            found = sites.next_report("change", "mycorp.okta.com/profile", timeout=5)
            break
        except queue.Empty:
            app.run("xdotool", "key", "Escape")
    else:
        raise AssertionError("the context menu filled nothing")
    assert found["value"] in expected_codes(OKTA_KEY)
    sites.next_report("panel", "mycorp.okta.com/profile")
    shows(setup, "filled the code for mycorp.okta.com into the field you chose")
