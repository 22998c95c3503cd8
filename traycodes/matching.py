"""Pure matching: which records a query names (``find``, ``rank``: the CLI's ``code
QUERY``, the quick-pick search), the menu's order, and which record the window in front is
for (``plan_hotkey``). Where a new OTP goes is :mod:`traycodes.adding`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Record, Window

EXACT, PREFIX, SUBSTRING = 3, 2, 1
_ID = 4


def domain_of(website: str) -> str:
    """``https://www.GitHub.com/login`` -> ``github.com``; a bare domain stays itself."""
    text = website.strip().lower()
    _, sep, rest = text.partition("://")
    host = rest if sep else text
    for stop in "/?#":
        host = host.split(stop, 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0]
    return host.removeprefix("www.").rstrip(".")


def _names(record: Record, with_tags: bool) -> Iterable[str]:
    yield record.issuer
    yield record.account
    if with_tags:
        yield from record.tags
    if record.issuer and record.account:
        yield f"{record.issuer}:{record.account}"
        yield record.label
    for website in record.websites:
        yield website
        yield domain_of(website)


def score(record: Record, query: str, *, with_tags: bool = False) -> int:
    """How well ``query`` (already case-folded) names ``record``: 0 when not at all."""
    if record.id == query:
        return _ID
    best = 0
    for name in _names(record, with_tags):
        folded = name.casefold()
        if not folded:
            continue
        if folded == query:
            return EXACT
        if folded.startswith(query):
            best = PREFIX
        elif best < SUBSTRING and query in folded:
            best = SUBSTRING
    return best


def find(records: Iterable[Record], query: str) -> list[Record]:
    """The live records ``query`` names best (exact > prefix > substring); [] for none."""
    wanted = query.strip().casefold()
    if not wanted:
        return []
    best, found = 0, []
    for record in records:
        if record.deleted:
            continue
        tier = score(record, wanted)
        if tier > best:
            best, found = tier, [record]
        elif tier and tier == best:
            found.append(record)
    return found


def rank(records: Iterable[Record], query: str) -> list[Record]:
    """Every live record ``query`` names, best first (records in order within a tier).

    An empty query names them all.
    """
    live = [r for r in records if not r.deleted]
    wanted = query.strip().casefold()
    if not wanted:
        return live
    scored = [(score(r, wanted, with_tags=True), n, r) for n, r in enumerate(live)]
    return [r for tier, _, r in sorted((s for s in scored if s[0]), key=lambda s: (-s[0], s[1]))]


def menu_order(records: Iterable[Record]) -> list[Record]:
    """Favourites first, then the most recently used, then by name."""
    live = [r for r in records if not r.deleted]
    return sorted(
        live, key=lambda r: (not r.favorite, -r.used, r.issuer.casefold(), r.account.casefold())
    )


# --- the window in front -> the record for it ------------------------------------------------

# Browsers put their own name last in the title: " — Mozilla Firefox", " - Microsoft​ Edge"
# (Edge with a zero-width space). It is not the page, so it must not match a record: a
# "Microsoft" record has no business firing on some other site's page in Edge.
BROWSERS = (
    "Mozilla Firefox",
    "Firefox",
    "Firefox Developer Edition",
    "Firefox Nightly",
    "Google Chrome",
    "Chromium",
    "Microsoft Edge",
    "Brave",
    "Opera",
    "Vivaldi",
    "Safari",
    "Tor Browser",
    "LibreWolf",
    "Waterfox",
    "Floorp",
    "Epiphany",
    "Web",
    "qutebrowser",
)
_DASHES = (" — ", " – ", " - ", " | ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

# Browsers by what the desktop says of the window (process name, WM_CLASS, app id), not by
# the title, which the page sets. Lower-case.
BROWSER_APPS = frozenset(
    {
        # Firefox and its relatives (WM_CLASS "Navigator" / "firefox"; Flatpak app ids)
        "firefox",
        "firefox-esr",
        "firefox-bin",
        "firefox-developer-edition",
        "firefox-nightly",
        "navigator",
        "org.mozilla.firefox",
        "librewolf",
        "io.gitlab.librewolf-community",
        "waterfox",
        "floorp",
        "one.ablaze.floorp",
        "zen",
        "zen-browser",
        "tor-browser",
        "torbrowser",
        "mullvad-browser",
        "icecat",
        "seamonkey",
        # Chromium and its relatives
        "chromium",
        "chromium-browser",
        "org.chromium.chromium",
        "chrome",
        "google-chrome",
        "google-chrome-stable",
        "google-chrome-beta",
        "google-chrome-unstable",
        "com.google.chrome",
        "msedge",
        "microsoft-edge",
        "microsoft-edge-stable",
        "microsoft-edge-beta",
        "microsoft-edge-dev",
        "com.microsoft.edge",
        "brave",
        "brave-browser",
        "brave-browser-stable",
        "com.brave.browser",
        "opera",
        "opera-beta",
        "vivaldi",
        "vivaldi-stable",
        "vivaldi-bin",
        "com.vivaldi.vivaldi",
        "thorium",
        "thorium-browser",
        "yandex-browser",
        "yandex_browser",
        "ungoogled-chromium",
        "io.github.ungoogled_software.ungoogled_chromium",
        "arc",
        "company.thebrowser.browser",
        # others
        "safari",
        "com.apple.safari",
        "epiphany",
        "org.gnome.epiphany",
        "qutebrowser",
        "org.qutebrowser.qutebrowser",
        "falkon",
        "org.kde.falkon",
        "konqueror",
        "midori",
        "iexplore",
        "nyxt",
        "min",
        "ladybird",
        "orion",
    }
)

PATTERN, DOMAIN, ISSUER = 300, 200, 100
APP_BONUS = 50


def page_title(title: str) -> tuple[str, str]:
    """``("Sign in to GitHub · GitHub", "Mozilla Firefox")`` from a browser's title; a
    title with no browser name stays whole, with ``""`` as the browser."""
    clean = title.translate(_INVISIBLE).strip()
    for dash in _DASHES:
        head, sep, tail = clean.rpartition(dash)
        if sep and tail.strip() in BROWSERS:
            return head.strip(), tail.strip()
    return clean, ""


def _wildcard(pattern: str, text: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(text.casefold(), pattern.casefold())


def pattern_matches(pattern: str, title: str) -> bool:
    """A title pattern: ``/regex/`` (searched, case-insensitive) or a wildcard (``*``,
    ``?``, ``[...]``; the whole title). A bad regex matches nothing."""
    import re

    if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
        try:
            return re.search(pattern[1:-1], title, re.IGNORECASE) is not None
        except re.error:
            return False
    return _wildcard(pattern, title)


def _bounded(needle: str, text: str, folded: str, before: str, after: str) -> bool:
    """``needle`` in ``text`` with no character of ``before``/``after`` class beside it.

    ``folded`` is ``text.casefold()``. A plain substring test first: a regex is only
    compiled for the rare record whose name is in the title at all (10,000 records would
    otherwise overflow re's cache and compile 10,000 patterns a lookup)."""
    import re

    if needle.casefold() not in folded:
        return False
    pattern = rf"(?<![{before}]){re.escape(needle)}(?![{after}])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _contains_word(needle: str, text: str, folded: str) -> bool:
    return bool(needle.strip()) and _bounded(needle, text, folded, r"\w", r"\w")


def _contains_domain(domain: str, text: str, folded: str) -> bool:
    return "." in domain and _bounded(domain, text, folded, r"\w.-", r"\w-")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A record that fits the window, how well, and why (for the chooser)."""

    record: Record
    score: int
    reason: str


def window_candidates(records: Iterable[Record], window: Window) -> list[Candidate]:
    """Records that fit ``window``, best first: an explicit title pattern beats a website
    domain in the title, which beats the issuer as a whole word in the (page) title.
    Records naming applications fit only windows of one of them."""
    page, _ = page_title(window.title)
    folded = page.casefold()
    app = window.app.casefold()
    found = []
    for record in records:
        if record.deleted or record.otp is None:
            continue
        bonus = 0
        if record.apps:
            if not any(_wildcard(a, app) or a.casefold() == app for a in record.apps):
                continue
            bonus = APP_BONUS
        if any(
            pattern_matches(p, window.title) or pattern_matches(p, page)
            for p in record.title_patterns
        ):
            score, reason = PATTERN, "a title pattern"
        elif any(_contains_domain(domain_of(w), page, folded) for w in record.websites):
            score, reason = DOMAIN, "its website in the title"
        elif _contains_word(record.issuer, page, folded):
            score, reason = ISSUER, "its name in the title"
        elif bonus:
            score, reason = 0, "its application"
        else:
            continue
        found.append(Candidate(record, score + bonus, reason))
    found.sort(key=lambda c: -c.score)
    return found


def clear_winner(candidates: list[Candidate]) -> Record | None:
    """The one record to act on, or None when there is none or no clear best."""
    if not candidates:
        return None
    if len(candidates) > 1 and candidates[1].score == candidates[0].score:
        return None
    return candidates[0].record


def is_browser(window: Window) -> bool:
    """A web browser's window, whose title the page in it chooses: known by its process,
    WM_CLASS or app id (``BROWSER_APPS``), or by a browser's name ending its title."""
    names = {window.app.casefold(), *(c.casefold() for c in window.classes)}
    names |= {name.removesuffix(".exe") for name in names}
    return bool(names & BROWSER_APPS) or bool(page_title(window.title)[1])


UNVERIFIED = (
    "This page could not be verified: a web page chooses its own title, so the title alone "
    "does not decide. Check the address bar, then press Enter to type the code of {label}."
)


@dataclass(frozen=True, slots=True)
class HotkeyPlan:
    """What the type hotkey does in ``window``: type the code of ``record`` straight away,
    or (``record`` None) open the chooser with ``candidates``, best first, and ``note``.
    ``verified``: the window is known to be what the match says (never a browser page
    matched by its title); Enter is only pressed after a code typed into such a window."""

    record: Record | None
    candidates: list[Candidate]
    verified: bool
    note: str = ""


def plan_hotkey(records: Iterable[Record], window: Window) -> HotkeyPlan:
    """In a browser a match rests on the page's title, which any page can copy: the chooser
    opens with the best match first and says so, whatever the title (a remembered title
    pattern included). Elsewhere one clear winner is typed, as before."""
    candidates = window_candidates(records, window)
    if is_browser(window):
        note = UNVERIFIED.format(label=candidates[0].record.label) if candidates else ""
        return HotkeyPlan(None, candidates, verified=False, note=note)
    return HotkeyPlan(clear_winner(candidates), candidates, verified=True)


def remembered_pattern(window: Window) -> str:
    """The title pattern that "always use this record here" stores: the page title, with
    wildcard characters escaped so that it matches exactly that title."""
    import glob

    page, _ = page_title(window.title)
    pattern = glob.escape(page or window.title)
    return "[/]" + pattern[1:] if pattern.startswith("/") else pattern  # not a /regex/
