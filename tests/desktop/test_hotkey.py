"""The global hotkey on a real X desktop: the right code, into the right window, never a
stale one, never garbled by held modifiers."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import GITHUB_KEY, GOOGLE_KEY, TrayApp, expected_codes
from tests.desktop.session import DesktopSession, require, wait_for

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]
TARGET = Path(__file__).with_name("target_window.py")
MICROSOFT_KEY = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


class Target:
    """A window with a focused text field, in its own process: an application's, or a
    browser's when its title ends with a browser's name or its class is a browser's."""

    made = 0

    def __init__(self, app: TrayApp, title: str, wm_class: str = "") -> None:
        Target.made += 1
        self.app = app
        self.title = title
        self.wm_class = wm_class or f"target{Target.made}"
        self.out = app.root / f"field-{Target.made}.txt"
        self.keys = app.root / f"keys-{Target.made}.txt"
        self.process = subprocess.Popen(
            [sys.executable, str(TARGET), title, str(self.out), self.wm_class, str(self.keys)],
            env=app.env,
        )
        self.id = ""
        wait_for(lambda: self.out.exists() and self.window() is not None, f"the window {title!r}")
        self.activate()

    def window(self) -> str | None:
        """The window's id (kept: activating it again walks no tree)."""
        found = self.app.search("--onlyvisible", "--classname", f"^{self.wm_class}$")
        if found:
            self.id = found[-1]
        return found[-1] if found else None

    def activate(self) -> None:
        """Bring the window to the front and wait until its field has the keys."""
        assert self.id, "the window was never found"
        self.app.run("xdotool", "windowactivate", "--sync", self.id)
        focus = self.out.with_name(self.out.name + ".focus")
        wait_for(lambda: focus.exists() and focus.read_text() == "1", f"{self.title!r}'s field")

    def field(self) -> str:
        return self.out.read_text()

    def close(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def hotkey_app(desktop: DesktopSession, tmp_path: Path) -> Iterator[object]:
    apps: list[TrayApp] = []
    targets: list[Target] = []

    def make(settings: str = "") -> tuple[TrayApp, object]:
        app = TrayApp(desktop, tmp_path, backend="xorg", settings=settings)
        app.init(
            f"otpauth://totp/GitHub:octocat?secret={GITHUB_KEY}&issuer=GitHub",
            f"otpauth://totp/Google:me@gmail.com?secret={GOOGLE_KEY}&issuer=Google",
            f"otpauth://totp/Microsoft:me@outlook.com?secret={MICROSOFT_KEY}&issuer=Microsoft",
        )
        app.start()
        apps.append(app)

        def target(title: str, wm_class: str = "") -> Target:
            made = Target(app, title, wm_class)
            targets.append(made)
            return made

        return app, target

    yield make
    # A test that failed while it held the hotkey down (``xdotool keydown``) must not leave
    # the keys down for the next tests of this desktop: their presses would never arrive.
    subprocess.run(
        ["xdotool", "keyup", "ctrl", "alt", "shift", "o", "p"],
        env=desktop.env,
        check=False,
        timeout=10,
    )
    for target in targets:
        target.close()
    for app in apps:
        app.kill()
    (Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock").unlink(missing_ok=True)


WAITING = "waiting for the hotkey's keys to be let go"  # the typist's debug line
CHANGED = "The window changed before the code"  # its notification when it gives up


def press_hotkey(app: TrayApp) -> None:
    app.run("xdotool", "key", "ctrl+alt+o")


GITHUB_APP = "GitHub Desktop — sign in"  # an application's window, not a browser's


def test_types_the_code_for_the_app_in_front(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    github = target(GITHUB_APP)
    press_hotkey(app)
    wait_for(lambda: len(github.field()) == 6, "the code in the field")
    assert github.field() in expected_codes(GITHUB_KEY)
    app.screenshot("hotkey-github.png")
    google = target("Google Drive — sign in")
    press_hotkey(app)
    wait_for(lambda: len(google.field()) == 6, "Google's code in its field")
    assert google.field() in expected_codes(GOOGLE_KEY)
    assert github.field() in expected_codes(GITHUB_KEY)  # untouched
    assert app.stop() == 0


def test_a_browser_page_asks_first_and_never_presses_enter(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    """A copy of GitHub's sign-in page has GitHub's title: in a browser the title alone
    types nothing; the chooser offers GitHub first and says the page is unverified."""
    app, target = hotkey_app("press_enter = true\n")
    page = target("Sign in to GitHub · GitHub — Mozilla Firefox")
    press_hotkey(app)
    wait_for(lambda: app.state()["chooser"], "the chooser")
    assert "could not be verified" in app.state()["chooser_heading"]
    assert page.field() == ""  # nothing typed without the user's word (the chooser instead)
    wait_for(lambda: app.window_named("traycodes: choose") is not None, "it on screen")
    app.wait_focused("traycodes: choose")
    app.screenshot("hotkey-unverified.png")
    app.type_keys("Return")  # GitHub is first: Enter types it
    wait_for(lambda: len(page.field()) == 6, "the code after Enter")
    assert page.field() in expected_codes(GITHUB_KEY)
    code = page.field()
    app.type_keys("x")  # a marker after the code: an Enter typed with it came before the x
    wait_for(lambda: page.field() == code + "x", "the marker after the code")
    assert "Return" not in page.keys.read_text().split()  # press_enter held back
    assert app.stop() == 0


def test_a_browser_is_known_by_its_class_not_only_its_title(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    page = target("Sign in to GitHub", wm_class="chromium")
    press_hotkey(app)
    wait_for(lambda: app.state()["chooser"], "the chooser")
    assert page.field() == ""
    app.wait_focused("traycodes: choose")
    app.type_keys("Escape")
    wait_for(lambda: not app.state()["chooser"], "the chooser to close")
    page.activate()
    app.type_keys("x")  # the field was live all along: the marker, and nothing before it
    wait_for(lambda: page.field() != "", "the marker in the field")
    assert page.field() == "x"
    assert app.stop() == 0


def test_outside_browsers_press_enter_follows_the_code(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app("press_enter = true\n")
    github = target(GITHUB_APP)
    press_hotkey(app)
    wait_for(lambda: "Return" in github.keys.read_text().split(), "Enter after the code")
    assert github.field() in expected_codes(GITHUB_KEY)
    assert app.stop() == 0


def test_two_matches_open_the_chooser_and_remember(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    both = target("GitHub sign-in with Google")
    press_hotkey(app)
    wait_for(lambda: app.state()["chooser"], "the chooser")
    wait_for(lambda: app.window_named("traycodes: choose") is not None, "it on screen")
    app.wait_focused("traycodes: choose")
    app.screenshot("hotkey-chooser.png")
    app.type_keys("Tab", "space", "shift+Tab")  # tick "always use this account here"
    app.type_text("goo")
    app.type_keys("Return")
    wait_for(lambda: len(both.field()) == 6, "the chosen code in the field")
    assert both.field() in expected_codes(GOOGLE_KEY)
    # Remembered: outside a browser the next press types straight away, no chooser.
    app.run("xdotool", "key", "ctrl+slash", "BackSpace")  # Tk: select all, delete
    wait_for(lambda: both.field() == "", "the field emptied")
    press_hotkey(app)
    wait_for(lambda: len(both.field()) == 6, "the remembered record's code")
    assert both.field() in expected_codes(GOOGLE_KEY)
    assert not app.state()["chooser"]
    assert app.stop() == 0


def test_microsoft_does_not_fire_on_an_edge_title_bar(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    edge = target("New tab - Microsoft\u200b Edge")
    press_hotkey(app)
    wait_for(lambda: app.state()["chooser"], "the chooser (no clear record)")
    assert edge.field() == ""
    app.wait_focused("traycodes: choose")
    app.type_keys("Escape")
    wait_for(lambda: not app.state()["chooser"], "the chooser to close")
    edge.activate()
    app.type_keys("x")  # the field was live all along: the marker, and nothing before it
    wait_for(lambda: edge.field() != "", "the marker in the field")
    assert edge.field() == "x"
    assert app.stop() == 0


def test_focus_moved_away_types_nothing(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    require("dunstctl")
    app, target = hotkey_app()
    other = target("Notes — Text Editor")
    github = target(GITHUB_APP)
    said = app.notifications().count(CHANGED)
    app.run("xdotool", "keydown", "ctrl+alt+o")  # the app waits for the keys to be let go
    wait_for(lambda: WAITING in app.output(), "the app waiting for the keys")
    other.activate()  # while the hotkey's keys are held (their grab) too
    app.run("xdotool", "keyup", "o", "alt", "ctrl")
    wait_for(lambda: app.notifications().count(CHANGED) > said, "the app to give up")
    assert github.field() == ""
    assert other.field() == ""
    app.type_keys("x")  # both fields were live: the marker arrives, and nothing else did
    wait_for(lambda: other.field() != "", "the marker in the other window")
    assert (other.field(), github.field()) == ("x", "")
    assert app.stop() == 0


def test_held_modifiers_do_not_garble_the_code(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    github = target(GITHUB_APP)
    app.run("xdotool", "keydown", "ctrl+alt+o")
    wait_for(lambda: WAITING in app.output(), "the app waiting for the keys")
    assert github.field() == ""  # nothing typed while Ctrl and Alt are down
    app.run("xdotool", "keyup", "o", "alt", "ctrl")
    wait_for(lambda: len(github.field()) == 6, "the code after the keys were let go")
    assert github.field() in expected_codes(GITHUB_KEY)
    assert app.stop() == 0


def test_the_hotkeys_own_key_let_go_last_delays_the_code(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    """While the hotkey's key is down its grab holds the keyboard: keys typed then would
    reach traycodes, not the window. The code waits for every key to be let go."""
    app, target = hotkey_app()
    github = target(GITHUB_APP)
    app.run("xdotool", "keydown", "ctrl+alt+o")
    app.run("xdotool", "keyup", "alt", "ctrl")  # the O still held
    wait_for(lambda: WAITING in app.output(), "the app waiting for the keys")
    assert github.field() == ""
    app.run("xdotool", "keyup", "o")
    wait_for(lambda: len(github.field()) == 6, "the code after the O was let go")
    assert github.field() in expected_codes(GITHUB_KEY)
    assert app.stop() == 0


TERMINAL = Path(__file__).with_name("terminal_reader.py")


def test_a_terminal_and_a_key_logging_window_get_exactly_the_code(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    """The hotkey's keys are taken (a terminal would read Ctrl+Alt+O as the byte 0x8f), and
    the code is typed through XTEST: xterm with its default resources drops synthetic
    (XSendEvent) keys. A key pressed afterwards shows that nothing else came meanwhile."""
    app, target = hotkey_app()
    logged = target(GITHUB_APP)
    press_hotkey(app)
    wait_for(lambda: len(logged.field()) == 6, "the code in the Tk window")
    code = logged.field()
    assert code in expected_codes(GITHUB_KEY)
    app.run("xdotool", "key", "x")
    wait_for(lambda: logged.field() == code + "x", "the key pressed after the code")
    events = [line.split()[0] for line in logged.keys.read_text().splitlines()]
    assert not {"o", "O", "-o", "-O"} & set(events), events  # nothing of the O
    pressed = [key for key in events if not key.startswith("-")]
    assert [key for key in pressed if key not in ("Control_L", "Alt_L")] == [*code, "x"]

    received = app.root / "terminal.bin"
    terminal = subprocess.Popen(
        ["xterm", "-T", "GitHub two-factor", "-e", sys.executable, str(TERMINAL), str(received)],
        env=app.env,
    )
    try:
        wait_for(received.exists, "the terminal's reader")
        window = app.wait_window("GitHub two-factor")
        app.run("xdotool", "windowactivate", "--sync", window)
        press_hotkey(app)
        wait_for(lambda: len(received.read_bytes()) >= 6, "the code in the terminal")
        app.run("xdotool", "key", "x")
        wait_for(lambda: received.read_bytes().endswith(b"x"), "the key pressed after it")
        typed = received.read_bytes()
        assert typed[:6].decode() in expected_codes(GITHUB_KEY)
        assert typed == typed[:6] + b"x"  # no 0x8f, no Enter, nothing else
    finally:
        terminal.kill()
        terminal.wait(10)
    assert app.stop() == 0


GRAB = """
import sys
from Xlib import X, XK, display
d = display.Display()
key = d.keysym_to_keycode(XK.string_to_keysym("o"))
d.screen().root.grab_key(key, X.ControlMask | X.Mod1Mask, False, X.GrabModeAsync, X.GrabModeAsync)
d.sync()
print("grabbed", flush=True)
sys.stdin.read()
"""
TAKEN = "Ctrl+Alt+O is taken by another program: choose another in Settings"


def test_a_hotkey_another_program_holds_is_reported(hotkey_app, desktop) -> None:  # type: ignore[no-untyped-def]
    """Another program grabbed Ctrl+Alt+O first: traycodes says so (a notification, the
    doctor's hotkeys row), and its other hotkey works."""
    other = subprocess.Popen(
        [sys.executable, "-c", GRAB],
        env=desktop.full_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "grabbed"
        app, target = hotkey_app()
        assert app.state()["hotkey_problems"] == [TAKEN]
        wait_for(lambda: TAKEN in app.run("dunstctl", "history"), "the notification")
        doctor = app.cli("doctor", check=False)
        row = next((line for line in doctor.stdout.splitlines() if TAKEN in line), "")
        assert row.split()[:2] == ["PROBLEM", "hotkeys"], doctor.stdout
        target("Anything — Mozilla Firefox")
        app.run("xdotool", "key", "ctrl+alt+p")  # the other hotkey is ours
        wait_for(lambda: app.state()["quickpick"], "the quick-pick window")
        assert app.stop() == 0
        # Not running: doctor takes the hotkeys for a moment to see.
        assert TAKEN in app.cli("doctor", check=False).stdout
    finally:
        other.kill()
        other.wait(10)
    assert TAKEN not in app.cli("doctor", check=False).stdout  # free again


HOLDS = """
from traycodes.desktop._x11_keys import X11Shortcuts
probe = X11Shortcuts({"<ctrl>+<alt>+o": lambda: None})
print(probe.start())
probe.stop()
"""


def test_new_hotkeys_in_the_settings_let_go_of_the_old(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    github = target(GITHUB_APP)

    def taken() -> bool:
        probe = [sys.executable, "-c", HOLDS]
        done = subprocess.run(probe, env=app.env, capture_output=True, text=True, check=True)
        return TAKEN in done.stdout

    assert taken()  # the app holds Ctrl+Alt+O
    app.config.write_text('hotkey_type = "<ctrl>+<alt>+k"\n')
    assert app.request("reload-settings")["ok"]
    wait_for(lambda: not taken(), "Ctrl+Alt+O let go")
    github.activate()
    app.run("xdotool", "key", "ctrl+alt+k")
    wait_for(lambda: len(github.field()) == 6, "the code from the new hotkey")
    assert github.field() in expected_codes(GITHUB_KEY)
    assert app.stop() == 0


def test_a_code_about_to_expire_is_not_typed(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    github = target(GITHUB_APP)
    # The app's clock at 1.5 s before a boundary when the hotkey arrives (min 3 s left).
    offset = int(30 - time.time() % 30 - 1.5) % 30
    app.config.write_text(f"clock_offset = {offset}\n")
    assert app.request("reload-settings")["ok"]
    from traycodes.otp import totp
    from traycodes.uri import decode_secret

    pressed = time.time() + offset
    stale = totp(decode_secret(GITHUB_KEY), pressed)
    press_hotkey(app)
    wait_for(lambda: len(github.field()) == 6, "the next code", timeout=8)
    typed_at = time.time() + offset
    assert github.field() != stale
    assert github.field() == totp(decode_secret(GITHUB_KEY), typed_at)
    assert app.stop() == 0


def test_copy_mode_leaves_the_code_on_the_clipboard(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app('hotkey_action = "copy"\n')
    github = target(GITHUB_APP)
    press_hotkey(app)
    wait_for(lambda: app.clipboard() in expected_codes(GITHUB_KEY), "the code copied")
    assert github.field() == ""
    assert app.stop() == 0


def test_type_command_does_what_the_hotkey_does(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    github = target(GITHUB_APP)
    done = app.cli("type")
    assert done.returncode == 0
    wait_for(lambda: len(github.field()) == 6, "the code from 'traycodes type'")
    assert github.field() in expected_codes(GITHUB_KEY)
    assert app.cli("pick").returncode == 0
    wait_for(lambda: app.state()["quickpick"], "the quick-pick window from 'traycodes pick'")
    assert app.stop() == 0
    stopped = app.cli("type", check=False)
    assert stopped.returncode == 1
    assert "not running" in stopped.stderr


def test_pick_hotkey_opens_the_quickpick(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, target = hotkey_app()
    target("Anything — Mozilla Firefox")
    app.run("xdotool", "key", "ctrl+alt+p")
    wait_for(lambda: app.state()["quickpick"], "the quick-pick window")
    assert app.stop() == 0


def test_a_malformed_hotkey_is_reported_not_fatal(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    app, _ = hotkey_app('hotkey_type = "<ctrl>+<nonsense>+o"\n')
    assert not app.state()["locked"]  # the bad setting kept its default, the app runs
    assert "hotkey_type" in app.cli("doctor", check=False).stdout
    assert app.stop() == 0


PRESS = """
import sys
from traycodes import desktop
from traycodes.browser.seen import keys
from traycodes.errors import TrayCodesError
keyboard = desktop.required(desktop.platform().keyboard)()
for shortcut in sys.argv[1:]:
    try:
        keyboard.press(keys(shortcut))
    except TrayCodesError as exc:
        print(exc)
"""


def test_any_key_a_browser_shortcut_may_have_is_pressed(hotkey_app) -> None:  # type: ignore[no-untyped-def]
    """The extension's shortcut is the user's to change: keys spelled otherwise than in
    the browser (Period, PageDown) are pressed too, and one it has not is one clear line."""
    app, target = hotkey_app()
    page = target("Pressed keys")
    shortcuts = ["Ctrl+Period", "Ctrl+PageDown", "Ctrl+MediaPlayPause"]
    done = subprocess.run(
        [sys.executable, "-c", PRESS, *shortcuts],
        env=app.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "traycodes cannot press the key 'mediaplaypause'"
    pressed = lambda: set(page.keys.read_text().split())  # noqa: E731
    wait_for(lambda: {"Control_L", "period", "Next"} <= pressed(), "Ctrl+Period, Ctrl+PageDown")
    assert app.stop() == 0
