"""Which record the window in front is for: patterns, domains, whole words, browsers."""

from __future__ import annotations

import uuid

import pytest

from traycodes.matching import (
    Window,
    clear_winner,
    is_browser,
    page_title,
    pattern_matches,
    plan_hotkey,
    remembered_pattern,
    window_candidates,
)
from traycodes.model import OtpParams, Record


def record(issuer: str, **fields: object) -> Record:
    return Record(id=uuid.uuid4().hex, issuer=issuer, otp=OtpParams(b"k" * 10), **fields)  # type: ignore[arg-type]


GITHUB = record("GitHub", websites=("https://github.com/login",))
MICROSOFT = record("Microsoft", websites=("login.microsoftonline.com",))
GOOGLE = record("Google", websites=("accounts.google.com",))
GITLAB = record("GitLab")
BANK = record("Bank", title_patterns=("*Online Banking*",))
STEAM = record("Steam", apps=("steam",))
ALL = [GITHUB, MICROSOFT, GOOGLE, GITLAB, BANK, STEAM]


def winner(title: str, app: str = "firefox") -> Record | None:
    return clear_winner(window_candidates(ALL, Window("1", title, app)))


@pytest.mark.parametrize(
    ("title", "page", "browser"),
    [
        (
            "Sign in to GitHub · GitHub — Mozilla Firefox",
            "Sign in to GitHub · GitHub",
            "Mozilla Firefox",
        ),
        ("Inbox - Google Chrome", "Inbox", "Google Chrome"),
        ("Sign in - Personal - Microsoft\u200b Edge", "Sign in - Personal", "Microsoft Edge"),
        ("Terminal - Emacs", "Terminal - Emacs", ""),
        ("Microsoft Edge", "Microsoft Edge", ""),
    ],
)
def test_page_title(title: str, page: str, browser: str) -> None:
    assert page_title(title) == (page, browser)


def test_issuer_as_a_whole_word() -> None:
    assert winner("Sign in to GitHub · GitHub — Mozilla Firefox") is GITHUB
    assert winner("GitHubbers unite — Mozilla Firefox") is None  # not a whole word


def test_microsoft_does_not_fire_on_edge_itself() -> None:
    assert winner("Sign in - Google Accounts - Microsoft\u200b Edge", "msedge") is GOOGLE
    assert winner("New tab - Microsoft Edge", "msedge") is None


def test_domain_beats_issuer_word() -> None:
    title = "Sign in to your account — login.microsoftonline.com — GitHub discussion — Firefox"
    candidates = window_candidates(ALL, Window("1", title))
    assert [c.record for c in candidates[:2]] == [MICROSOFT, GITHUB]
    assert clear_winner(candidates) is MICROSOFT


def test_pattern_beats_everything() -> None:
    assert winner("GitHub Online Banking — Mozilla Firefox") is BANK


def test_two_equal_matches_have_no_winner() -> None:
    candidates = window_candidates(ALL, Window("1", "GitHub vs GitLab — Mozilla Firefox"))
    assert {c.record.issuer for c in candidates} == {"GitHub", "GitLab"}
    assert clear_winner(candidates) is None


def test_applications_narrow_the_field() -> None:
    assert winner("Steam Guard", app="steam") is STEAM
    assert winner("Steam Guard — Mozilla Firefox", app="firefox") is None


def test_records_without_otp_or_deleted_are_left_out() -> None:
    waiting = Record(id=uuid.uuid4().hex, issuer="Waiting")
    gone = record("Gone").tombstone(1.0)
    assert window_candidates([waiting, gone], Window("1", "Waiting Gone")) == []


@pytest.mark.parametrize(
    ("pattern", "title", "matches"),
    [
        ("*GitHub*", "Sign in to GitHub", True),
        ("*github*", "Sign in to GitHub", True),
        ("Sign in?", "Sign in!", True),
        ("Sign in", "Sign in to GitHub", False),
        ("/sign.in/", "Please SIGN IN now", True),
        ("/(unclosed/", "anything", False),
    ],
)
def test_patterns(pattern: str, title: str, matches: bool) -> None:
    assert pattern_matches(pattern, title) is matches


@pytest.mark.parametrize(
    "title",
    [
        "Pay [now] * 2? — Mozilla Firefox",
        "/home/me/ — Mozilla Firefox",
        "Plain title",
    ],
)
def test_remembered_pattern_matches_exactly_that_title(title: str) -> None:
    window = Window("1", title)
    pattern = remembered_pattern(window)
    chosen = record("Chosen", title_patterns=(pattern,))
    assert clear_winner(window_candidates([chosen], window)) is chosen
    assert not pattern_matches(pattern, "Something else")


# --- a web page chooses its own title: in browsers the title alone never types ---------------

PHISHING = [
    # a copy of GitHub's sign-in page on another domain, with GitHub's exact title
    Window("1", "Sign in to GitHub · GitHub — Mozilla Firefox", "firefox-esr"),
    # a page on another domain whose title names GitHub's domain
    Window("2", "github.com/login - verify", "chromium", classes=("chromium", "chromium")),
    # a question that mentions GitHub
    Window("3", "How do I sign in to GitHub? - Stack Overflow - Google Chrome", "chrome"),
    Window("4", "Google Search", "python3", classes=("navigator", "firefox")),
    # known by its WM_CLASS only: no browser name in the title
    Window("5", "Sign in to GitHub", "python3", classes=("chromium", "chromium")),
    # known by its title only (a browser traycodes does not list by process)
    Window("6", "Sign in to GitHub · GitHub — Mozilla Firefox", "somebrowser"),
]


@pytest.mark.parametrize("window", PHISHING, ids=lambda w: w.title)
def test_a_title_in_a_browser_never_types_directly(window: Window) -> None:
    """Each of these typed GitHub's code with no question asked before."""
    assert is_browser(window)
    plan = plan_hotkey(ALL, window)
    assert plan.record is None and not plan.verified
    if plan.candidates:
        assert "could not be verified" in plan.note
        assert plan.candidates[0].record.label in plan.note  # the one Enter will type


def test_in_a_browser_the_best_match_comes_first_in_the_chooser() -> None:
    plan = plan_hotkey(ALL, PHISHING[0])
    assert plan.candidates[0].record is GITHUB


def test_a_remembered_title_does_not_bypass_the_question_in_a_browser() -> None:
    window = Window("1", "Sign in to GitHub · GitHub — Mozilla Firefox", "firefox")
    remembered = record("GitHub", title_patterns=(remembered_pattern(window),))
    plan = plan_hotkey([remembered, GITLAB], window)
    assert plan.record is None and not plan.verified
    assert plan.candidates[0].record is remembered


def test_outside_browsers_a_clear_match_types_as_before() -> None:
    for window in (
        Window("1", "Steam Guard", "steam"),
        Window("2", "GitHub Desktop", "github-desktop", classes=("github desktop",)),
        Window("3", "Online Banking - Bank", "bankapp"),
    ):
        assert not is_browser(window)
        plan = plan_hotkey(ALL, window)
        assert plan.record is not None and plan.verified, window


@pytest.mark.parametrize(
    "app", ["firefox", "navigator", "chromium", "msedge.exe", "brave", "vivaldi-bin", "safari"]
)
def test_browsers_are_known_by_process_class_or_app_id(app: str) -> None:
    assert is_browser(Window("1", "Anything", app))
    assert is_browser(Window("1", "Anything", "python3", classes=(app,)))
