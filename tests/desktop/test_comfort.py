"""Daily comfort (issue 25) on a real desktop: hidden codes in the tray menu and the
quick-pick window, read back through the app's state over IPC (the tests' app says codes
there: TRAYCODES_DIAGNOSTICS=codes, so a masked code is masked by the feature)."""

from __future__ import annotations

import time

import pytest

from tests.desktop.apphelper import GITHUB_KEY, GOOGLE_KEY, expected_codes, grouped
from tests.desktop.session import wait_for

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]

HIDDEN = "••• •••"


def test_hidden_codes_in_the_menu_and_the_quick_pick(make_app) -> None:  # type: ignore[no-untyped-def]
    """``hide_codes``: the menu and the quick-pick show ``••• •••``; Ctrl+R shows the chosen
    row's code and no other; Enter still copies the real code."""
    app = make_app(backend="xorg", settings="hide_codes = true\nclipboard_seconds = 5\n")
    app.init_default()
    app.start()
    wait_for(lambda: not app.state()["locked"], "the unlock")
    menu = app.state()["menu"]
    assert menu[:2] == [f"GitHub (octocat)   {HIDDEN}", f"Google (me@gmail.com)   {HIDDEN}"]
    app.request("show")
    wait_for(lambda: app.state()["quickpick_codes"] == [HIDDEN, HIDDEN], "two hidden codes")
    app.wait_focused("traycodes")
    app.type_keys("ctrl+r")
    github = {grouped(c) for c in expected_codes(GITHUB_KEY)}
    wait_for(lambda: app.state()["quickpick_codes"][0] in github, "GitHub's code revealed")
    assert app.state()["quickpick_codes"][1] == HIDDEN  # never all of them
    app.type_keys("Down")  # another row: the revealed code hides again
    wait_for(lambda: app.state()["quickpick_codes"] == [HIDDEN, HIDDEN], "hidden again")
    app.type_keys("Return")
    wait_for(lambda: app.clipboard() in expected_codes(GOOGLE_KEY), "Google's real code copied")
    assert app.stop() == 0


def test_the_password_reminder_asks_and_never_locks_out(make_app) -> None:  # type: ignore[no-untyped-def]
    """``password_reminder_days`` (30) after the password was last typed, the unlock asks
    for it although the keyring could open the vault; "Remind me later" (Esc) and a wrong
    answer both open it, and the next start asks again."""
    app = make_app(backend="xorg")
    state = app.root / "state"
    app.env["TRAYCODES_STATE"] = str(state)
    app.init_default()
    state.mkdir(exist_ok=True)
    verified = state / "password-verified"
    verified.write_text(f"{time.time() - 31 * 86400:.0f}\n")
    for answer in ("Escape", "wrong"):
        app.start(unlocked=False)
        wait_for(lambda: app.state()["password_window"], "the reminder window")
        assert app.state()["locked"]  # the keyring's vault waits for the answer
        app.wait_focused("traycodes: unlock")
        if answer == "Escape":
            app.type_keys("Escape")  # Remind me later
        else:
            app.type_text(answer)
            app.type_keys("Return")
        wait_for(lambda: not app.state()["locked"], f"the vault open after {answer}")
        assert not app.state()["password_window"]
        assert app.stop() == 0
    assert float(verified.read_text()) < time.time() - 30 * 86400  # still due: asked again
