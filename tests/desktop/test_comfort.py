"""Daily comfort (issue 25) on a real desktop: hidden codes in the tray menu and the
quick-pick window, read back through the app's state over IPC (the tests' app says codes
there: TRAYCODES_DIAGNOSTICS=codes, so a masked code is masked by the feature)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import GITHUB_KEY, GOOGLE_KEY, TrayApp, expected_codes, grouped
from tests.desktop.session import DesktopSession, wait_for

pytestmark = [pytest.mark.desktop, pytest.mark.usefixtures("ui_mode")]

HIDDEN = "••• •••"


@pytest.fixture
def make_app(desktop: DesktopSession, tmp_path: Path) -> Iterator[object]:
    apps: list[TrayApp] = []

    def make(**options: object) -> TrayApp:
        root = tmp_path / f"app{len(apps)}"
        root.mkdir()
        app = TrayApp(desktop, root, **options)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.kill()
    (Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock").unlink(missing_ok=True)


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
