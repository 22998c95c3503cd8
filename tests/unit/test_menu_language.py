"""The tray menu in the user's language: under the pseudo-language every word of the menu
model is translated, save the account names and codes (locked, empty, with records, with a
"More" submenu and its "N more: Search…")."""

from __future__ import annotations

import uuid

from tests.pseudo import escaped, pseudo, untranslated
from traycodes.app.menu import SUBMENU_LIMIT, first_steps, menu_model, texts
from traycodes.model import OtpParams, Record

KEY = b"12345678901234567890"


def record(issuer: str, otp: bool = True, tags: tuple[str, ...] = ()) -> Record:
    return Record(
        id=uuid.uuid4().hex, issuer=issuer, otp=OtpParams(KEY) if otp else None, tags=tags
    )


def test_the_checker_finds_english_outside_the_brackets() -> None:  # the positive control
    assert untranslated("⟦Search…⟧") == []
    assert untranslated("GitHub   ⟦no OTP yet⟧", ["GitHub"]) == []
    assert untranslated("⟦{key} opens ⟦x⟧⟧ Quit") == ["Quit"]
    assert escaped(["⟦Lock⟧", "More (3)"]) == ["More (3)"]


def test_every_menu_word_is_translated() -> None:
    many = [record(f"Site{i:02d}", tags=("work",)) for i in range(SUBMENU_LIMIT + 20)]
    records = [record("GitHub"), record("Later", otp=False), *many]
    names = [r.label for r in records] + ["work"]
    with pseudo():
        locked = texts(menu_model(None, 59, 15))
        empty = texts(menu_model([], 59, 15, first_steps("<ctrl>+<alt>+o", "<ctrl>+<alt>+p")))
        full = texts(menu_model(records, 59, 5, soon=True))
        hidden = texts(menu_model(records, 55, 5, hide_codes=True, soon=True))
    assert locked and empty and full and hidden
    assert escaped(locked + empty + full + hidden, [*names, "Ctrl", "Alt"]) == []
    lines = [line.strip() for line in full + hidden]
    assert "Later   (⟦no OTP yet⟧)" in lines
    assert "⟦17 more: Search…⟧" in lines  # formatted after it is translated
    assert any(line.endswith("(⟦5 s⟧)") for line in hidden)  # a code about to change
