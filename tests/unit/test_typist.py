"""The hotkey's worker with a fake app and a fake desktop: what it types, when, and where
it refuses (a page whose title changed, a browser page it cannot verify)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from traycodes.app.hotkey import Typist
from traycodes.keys import Hotkey
from traycodes.model import OtpParams, Record, Window
from traycodes.settings import Settings

GITHUB = Record(id=uuid.uuid4().hex, issuer="GitHub", otp=OtpParams(b"12345678901234567890"))
APP_WINDOW = Window("7", "GitHub Desktop", "github-desktop")
BROWSER_WINDOW = Window("8", "Sign in to GitHub · GitHub — Mozilla Firefox", "firefox")


class Clock:
    def now(self) -> float:
        return 1_000_000_015.0  # 15 s into a period: no waiting


# GITHUB's code at Clock().now() (RFC 6238's SHA-1 key; pyotp agrees: TOTP(...).at(...)).
CODE_NOW = "864010"


class FakeApp:
    def __init__(self, **settings: Any) -> None:
        self.settings = Settings(**settings)
        self.clock = Clock()
        self.vault = object()
        self.events: list[tuple[str, Any]] = []

    # the app's loop, session and code actions: this fake plays each
    @property
    def loop(self) -> FakeApp:
        return self

    @property
    def session(self) -> FakeApp:
        return self

    @property
    def actions(self) -> FakeApp:
        return self

    def call(self, action: Callable[[], Any], timeout: float = 10) -> Any:
        return action()

    def post(self, action: Callable[[], None]) -> None:
        action()

    def records(self) -> list[Record]:
        return [GITHUB]

    def record(self, record_id: str) -> Record | None:
        return GITHUB if record_id == GITHUB.id else None

    def copy_code(self, record: Record, shown: str, *, notify: bool) -> None:
        self.events.append(("copy", shown))

    def mark_used(self, record_id: str) -> None:
        self.events.append(("used", record_id))

    def notify(self, title: str, body: str) -> None:
        self.events.append(("notify", f"{title} {body}"))

    def show_chooser(self, window: Window | None, candidates: list[Any], **kw: Any) -> None:
        self.events.append(("chooser", kw))

    def show_password(self) -> None:
        self.events.append(("password", None))


class FakeDesktop:
    def __init__(self, *windows: Window) -> None:
        self.windows = list(windows)  # what active_window() answers, in turn (last repeats)

    def active_window(self) -> Window | None:
        return self.windows.pop(0) if len(self.windows) > 1 else self.windows[0]

    def modifiers_down(self) -> bool:
        return False

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        return True


class FakeKeyboard:
    """A keyboard as the platform's ``keyboard`` part makes one (the typist's public ``keyboard``):
    what it types and presses goes into the app's events, in order with the rest."""

    name = "fake"

    def __init__(self, app: FakeApp) -> None:
        self.app = app

    def type(self, text: str, *, enter: bool = False) -> None:
        self.app.events.append(("type", (text, enter)))

    def press(self, hotkey: Hotkey) -> None:
        self.app.events.append(("press", hotkey.names))


def typist_for(app: FakeApp, desktop: FakeDesktop) -> Typist:
    return Typist(app, desktop, keyboard=FakeKeyboard(app))  # type: ignore[arg-type]


def kinds(app: FakeApp) -> list[str]:
    return [kind for kind, _ in app.events]


def test_an_application_window_gets_the_code_and_enter() -> None:
    app = FakeApp(press_enter=True)
    typist_for(app, FakeDesktop(APP_WINDOW)).for_window_in_front()
    assert app.events == [
        ("type", (CODE_NOW, True)),
        ("used", GITHUB.id),
        ("notify", "Typed the code for GitHub into “GitHub Desktop” "),
    ]


def test_a_browser_page_opens_the_chooser_and_types_nothing() -> None:
    app = FakeApp(press_enter=True)
    typist_for(app, FakeDesktop(BROWSER_WINDOW)).for_window_in_front()
    assert kinds(app) == ["chooser"]
    options = app.events[0][1]
    assert options["verified"] is False and "could not be verified" in options["note"]


def test_a_chosen_unverified_page_gets_the_code_but_never_enter() -> None:
    app = FakeApp(press_enter=True)
    typist = typist_for(app, FakeDesktop(BROWSER_WINDOW))
    typist.deliver(GITHUB.id, BROWSER_WINDOW, chosen=True, verified=False)
    typed = [value for kind, value in app.events if kind == "type"]
    assert typed == [(CODE_NOW, False)]


@pytest.mark.parametrize(
    "later",
    [
        Window("7", "Sign in to GitHub — evil page", "github-desktop"),  # same id, new title
        Window("9", "GitHub Desktop", "github-desktop"),  # another window
    ],
)
def test_nothing_is_typed_when_the_window_changed_just_before(later: Window) -> None:
    app = FakeApp()
    # looked up, ready to type (same window), then just before typing: changed
    typist = typist_for(app, FakeDesktop(APP_WINDOW, APP_WINDOW, later))
    typist.for_window_in_front()
    assert "type" not in kinds(app) and "copy" not in kinds(app)
    assert any("window changed" in str(value) for kind, value in app.events if kind == "notify")


def test_both_types_before_it_copies() -> None:
    app = FakeApp(hotkey_action="both")
    typist_for(app, FakeDesktop(APP_WINDOW)).for_window_in_front()
    assert app.events[:2] == [("type", (CODE_NOW, False)), ("copy", CODE_NOW)]


def test_a_browser_with_the_extension_is_handed_over_to_it() -> None:
    """The extension said hello from Firefox with its shortcut: the hotkey presses that
    shortcut in the Firefox window (the extension fills by the page's address) and types
    nothing, opens no chooser; a browser it has not heard from still gets the chooser."""
    from traycodes.browser import seen

    seen.note("firefox", "Alt+Shift+O")
    app = FakeApp(press_enter=True)
    typist_for(app, FakeDesktop(BROWSER_WINDOW)).for_window_in_front()
    assert app.events == [("press", ["alt", "shift", "o"])]
    app.events.clear()
    chromium = Window("9", "Sign in to GitHub - Chromium", "chromium")
    typist_for(app, FakeDesktop(chromium)).for_window_in_front()
    assert kinds(app) == ["chooser"]


def test_what_the_extension_said_is_kept_checked_and_forgotten() -> None:
    from traycodes.browser import seen

    assert seen.shortcut_for("chromium") is None
    seen.note("chromium", "Ctrl+Shift+Y", now=1000.0)
    assert seen.shortcut_for("chromium", now=2000.0) == "Ctrl+Shift+Y"
    assert seen.shortcut_for("Chromium", now=2000.0) == "Ctrl+Shift+Y"
    assert seen.shortcut_for("chromium", now=1000.0 + seen.MAX_AGE + 1) is None  # long unheard
    seen.note("chromium", "", now=3000.0)  # the user removed the shortcut
    assert seen.shortcut_for("chromium", now=3000.0) is None
    seen.note("chromium", "Alt+$(rm -rf)", now=3000.0)  # not a shortcut: not noted
    assert seen.shortcut_for("chromium", now=3000.0) is None
    seen.note("", "Alt+Shift+O")  # a browser that cannot be told: nothing noted
    assert seen.keys("Ctrl+Shift+Y").names == ["ctrl", "shift", "y"]
    assert seen.keys("Command+Shift+O").names == ["shift", "cmd", "o"]  # one order
    seen.forget()
    assert seen.shortcut_for("chromium") is None


class FakeKeymap:
    """A display's keysym-to-keycode table: ``levels`` maps a keysym to (keycode, level)
    pairs as python-xlib's ``keysym_to_keycodes`` yields them (level 1: with Shift)."""

    def __init__(self, levels: dict[int, list[tuple[int, int]]]) -> None:
        self.levels = levels

    def keysym_to_keycodes(self, keysym: int) -> list[tuple[int, int]]:
        return self.levels.get(keysym, [])

    def keysym_to_keycode(self, keysym: int) -> int:
        return self.levels.get(keysym, [(0, 0)])[0][0]

    def sync(self) -> None:
        pass


def xtest_keyboard(levels: dict[int, list[tuple[int, int]]], monkeypatch: Any) -> Any:
    from Xlib.ext import xtest

    from traycodes.desktop._x11_keys import XTestKeyboard

    keyboard = XTestKeyboard()
    keyboard._display = FakeKeymap(levels)
    keyboard.sent = []  # type: ignore[attr-defined]
    monkeypatch.setattr(
        xtest, "fake_input", lambda _d, kind, code: keyboard.sent.append((kind, code))
    )
    return keyboard


DIGITS = {0x30 + n: [(10 + n, 0)] for n in range(10)}  # keycodes 10-19
SHIFT_L, RETURN = 0xFFE1, 0xFF0D


def test_xtest_types_each_digit_and_enter_as_key_presses(monkeypatch: Any) -> None:
    from Xlib import X

    levels = {**DIGITS, SHIFT_L: [(50, 0)], RETURN: [(36, 0)]}
    keyboard = xtest_keyboard(levels, monkeypatch)
    keyboard.type("907", enter=True)
    press, release = X.KeyPress, X.KeyRelease
    assert keyboard.sent == [(kind, code) for code in (19, 10, 17, 36) for kind in (press, release)]


def test_xtest_holds_shift_where_the_layout_puts_a_digit_on_the_shift_level(
    monkeypatch: Any,
) -> None:
    """AZERTY: the digits are on the Shift level of the top row."""
    from Xlib import X

    levels = {0x30 + n: [(10 + n, 1)] for n in range(10)} | {SHIFT_L: [(50, 0)]}
    keyboard = xtest_keyboard(levels, monkeypatch)
    keyboard.type("1")
    assert keyboard.sent == [
        (X.KeyPress, 50),
        (X.KeyPress, 11),
        (X.KeyRelease, 11),
        (X.KeyRelease, 50),
    ]


def test_a_character_the_layout_lacks_types_nothing_and_says_so_without_the_code(
    monkeypatch: Any,
) -> None:
    from traycodes.errors import TrayCodesError
    from traycodes.otp import code

    assert GITHUB.otp is not None
    shown = code(GITHUB.otp, Clock().now())
    missing = ord(shown[-1])  # the layout lacks the code's last digit
    levels = {k: v for k, v in DIGITS.items() if k != missing} | {SHIFT_L: [(50, 0)]}
    keyboard = xtest_keyboard(levels, monkeypatch)
    with pytest.raises(TrayCodesError) as raised:
        keyboard.type(shown)
    assert keyboard.sent == []  # not the first five and then a stop
    assert not any(char.isdigit() for char in str(raised.value))  # no digit of the code
    app = FakeApp()
    typist = Typist(app, FakeDesktop(APP_WINDOW), keyboard=keyboard)  # type: ignore[arg-type]
    typist.request(typist.for_window_in_front)
    typist.start()
    typist.stop()
    said = [value for kind, value in app.events if kind == "notify"]
    assert any("Nothing typed" in line for line in said), said
    assert not any(line.startswith("Typed") for line in said), said


class HeldKeys(FakeDesktop):
    def __init__(self, held: int) -> None:
        super().__init__(APP_WINDOW)
        self.held = held  # how many more looks see a key down

    def modifiers_down(self) -> bool:
        self.held -= 1
        return self.held >= 0


def test_the_typist_says_when_it_waits_for_the_keys(caplog: pytest.LogCaptureFixture) -> None:
    """The desktop test of a hotkey key let go last waits for this line, not a time."""
    caplog.set_level("DEBUG", logger="traycodes.app.hotkey")
    assert typist_for(FakeApp(), HeldKeys(2))._ready_to_type(APP_WINDOW, chosen=False, label="x")
    assert "waiting for the hotkey's keys to be let go" in caplog.text
    caplog.clear()
    assert typist_for(FakeApp(), HeldKeys(0))._ready_to_type(APP_WINDOW, chosen=False, label="x")
    assert "waiting" not in caplog.text
