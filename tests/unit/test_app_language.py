"""The app's notifications in the user's language: every ``notify(title, body)`` in
traycodes/app passes translated text (or the app's name, or a text made elsewhere), and the
ones sent when a code is typed or copied, when nothing was typed, when the clock is wrong
and when the password is wrong come out translated under the pseudo-language."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from tests.paths import SOURCE
from tests.pseudo import escaped, pseudo
from tests.unit.fakes import FakeLoop, record, vault_with
from tests.unit.test_app_parts import Host, actions_for, session_for, wait_for_posted
from tests.unit.test_typist import APP_WINDOW, GITHUB, FakeApp, FakeDesktop, typist_for
from traycodes.app import clockwarn

APP = SOURCE / "traycodes" / "app"  # the checkout (the suite runs from a copy of tests/)
NAMES = ["GitHub", "GitHub Desktop", "pool.ntp.org", "traycodes"]


def raw_texts(source: str) -> list[str]:
    """The ``notify`` arguments of ``source`` written as English in place (a string or an
    f-string with words besides the app's name), not passed through ``_``/``ngettext``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name != "notify":
            continue
        for argument in node.args:
            parts = argument.values if isinstance(argument, ast.JoinedStr) else [argument]
            written = " ".join(
                p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
            )
            if re.search(r"[A-Za-z]{2,}", written.replace("traycodes", "")):
                found.append(ast.unparse(argument))
    return found


def test_the_finder_sees_english_passed_to_notify() -> None:  # the positive control
    planted = 'app.notify("Nothing typed", f"{x} is gone")\napp.notify("traycodes", _("y"))'
    assert raw_texts(planted) == ["'Nothing typed'", "f'{x} is gone'"]


@pytest.mark.parametrize("path", sorted(APP.glob("*.py")), ids=lambda p: p.name)
def test_no_notification_is_written_in_english_in_place(path: Path) -> None:
    assert raw_texts(path.read_text(encoding="utf-8")) == []


def test_typed_copied_and_nothing_typed_are_translated(tmp_path: Path) -> None:
    with pseudo():
        app = FakeApp(press_enter=True)
        typist_for(app, FakeDesktop(APP_WINDOW)).for_window_in_front()
        typed = [value for kind, value in app.events if kind == "notify"]
        gone = FakeApp()
        typist_for(gone, FakeDesktop(APP_WINDOW))._focus_changed(GITHUB, APP_WINDOW)
        nothing = [value for kind, value in gone.events if kind == "notify"]
        actions, (_loop, _clock, _clipboard, said) = actions_for(
            tmp_path, github := record("GitHub"), clipboard_seconds=20
        )
        assert actions.copy(github.id)
    copied = [text for pair in said for text in pair]
    assert typed == ["⟦Typed the code for GitHub into “GitHub Desktop”⟧ "]
    assert nothing and copied
    assert escaped(typed + nothing + copied, NAMES) == []


def test_the_clock_warning_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    from traycodes import desktop

    monkeypatch.setattr(desktop, "clock_synchronised", lambda: (False, "not synchronised"))
    monkeypatch.setattr("traycodes.cli.clock.last_measured", lambda: None)
    told: list[tuple[str, str]] = []
    with pseudo():
        clockwarn.warn_once(0, lambda title, body: told.append((title, body))).join(10)
    assert told and told[0][1].startswith("⟦The clock is ")
    assert escaped([told[0][0]], NAMES) == []


def test_a_wrong_password_is_said_in_the_language(tmp_path: Path) -> None:
    vault_with(tmp_path / "v.tcv", record("GitHub")).lock()
    loop, host = FakeLoop(), Host()
    session: Any = session_for(tmp_path / "v.tcv", loop, host)
    with pseudo():
        session.open_with_keyring()
        session.try_password("not it", create=False)
        wait_for_posted(loop)
    assert host.events[-1] == ("password_result", "⟦Wrong password.⟧")
