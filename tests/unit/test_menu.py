"""The tray menu as data: order, grouping, codes, the locked menu and when it refreshes,
with no tray and no clock (time is an argument)."""

from __future__ import annotations

import uuid

from traycodes.app.menu import (
    SEPARATOR,
    SUBMENU_LIMIT,
    Entry,
    entry_text,
    mask_code,
    menu_model,
    next_refresh,
    shown_text,
    texts,
)
from traycodes.model import OtpParams, OtpType, Record
from traycodes.otp import hotp, totp

KEY = b"12345678901234567890"


def record(issuer: str, **fields: object) -> Record:
    fields.setdefault("otp", OtpParams(KEY))
    return Record(id=uuid.uuid4().hex, issuer=issuer, **fields)  # type: ignore[arg-type]


def test_the_locked_menu_offers_unlock_and_quit() -> None:
    assert menu_model(None, 59, 15) == (
        Entry("Unlock…", "unlock", default=True),
        SEPARATOR,
        Entry("Quit", "quit"),
    )
    assert next_refresh(None, 59, 15) is None


def test_codes_order_and_the_fixed_entries() -> None:
    github = record("GitHub", account="octocat")
    bank = record("Bank", favorite=True)
    used = record("Mail", used=500.0)
    entries = menu_model([github, bank, used], 59, 15)
    code = totp(KEY, 59)
    assert (
        texts(entries)[:3]
        == [
            f"Bank   {code[:3]} {code[3:]}",  # favourites first
            f"Mail   {code[:3]} {code[3:]}",  # then the most recently used
            f"GitHub (octocat)   {code[:3]} {code[3:]}",
        ]
    )
    assert [e.action for e in entries[:3]] == ["copy", "copy", "copy"]
    assert entries[0].record_id == bank.id
    assert texts(entries)[3:] == [
        "Search…",
        "Add account…",
        "Import…",
        "Lock",
        "Start at login",
        "Settings…",
        "Quit",
    ]
    assert next(e for e in entries if e.action == "autostart").toggle


def test_an_empty_vault_says_so() -> None:
    assert texts(menu_model([], 0, 15))[0] == "No accounts yet"


def test_past_menu_size_the_rest_is_grouped_by_tag_then_letter() -> None:
    top = [record(f"Top{n}", favorite=True) for n in range(3)]
    rest = [record("Alpha"), record("apple"), record("Beta"), record("Work1", tags=("Work",))]
    entries = menu_model(top + rest, 0, 3)
    more = entries[3]
    assert more.text == "More (4)"
    assert [g.text for g in more.submenu] == ["A (2)", "B (1)", "Work (1)"]
    assert [e.text.split("   ")[0] for e in more.submenu[0].submenu] == ["Alpha", "apple"]


def test_a_long_group_points_to_search() -> None:
    many = [record(f"Site{n:03}") for n in range(SUBMENU_LIMIT + 5)]
    (group,) = menu_model(many, 0, 0)[0].submenu
    assert len(group.submenu) == SUBMENU_LIMIT + 1
    assert group.submenu[-1] == Entry("5 more: Search…", "search")


def test_hotp_and_waiting_records() -> None:
    counter = record("Bank", otp=OtpParams(KEY, OtpType.HOTP, counter=3))
    waiting = record("Later", otp=None)
    lines = texts(menu_model([counter, waiting], 0, 15))
    assert f"Bank   {hotp(KEY, 3)[:3]} {hotp(KEY, 3)[3:]}" in lines
    assert "Later   (no OTP yet)" in [line.strip() for line in lines]
    assert next_refresh([counter, waiting], 0, 15) is None  # nothing changes with time


def test_refresh_at_the_next_period_boundary_of_any_shown_code() -> None:
    records = [record("A"), record("B", otp=OtpParams(KEY, period=60))]
    assert next_refresh(records, 59.5, 15) == 0.5
    assert next_refresh(records, 60.0, 15) == 30.0
    assert next_refresh(records[1:], 61.0, 15) == 59.0


def test_codes_are_masked_for_diagnostics_names_are_not() -> None:
    entry = entry_text(record("Site 42", account="me"), 59)
    assert mask_code(entry) == "Site 42 (me)   ••• •••"
    assert mask_code("Later   (no OTP yet)") == "Later   (no OTP yet)"
    assert mask_code("Search…") == "Search…"


def test_popup_items_carry_the_model_for_traycodes_own_menu() -> None:
    """The plain X11 icon's popup is drawn from these: the same texts, a key per action
    (``copy:ID`` for a code), the toggle's state, submenus, separators."""
    from traycodes.app.menu import SEPARATOR, Entry, popup_items

    entries = (
        Entry("GitHub (me)   123 456", "copy", "r1"),
        Entry("More (1)", submenu=(Entry("Zed   654 321", "copy", "r2"),)),
        Entry("No accounts yet", enabled=False),
        SEPARATOR,
        Entry("Start at login", "autostart", toggle=True),
        Entry("Quit", "quit"),
    )
    items = popup_items(entries, toggled=True)
    assert items[0] == {
        "text": "GitHub (me)   123 456", "key": "copy:r1", "enabled": True, "checked": None,
        "submenu": [],
    }  # fmt: skip
    assert items[1]["submenu"] == [
        {"text": "Zed   654 321", "key": "copy:r2", "enabled": True, "checked": None,
         "submenu": []},
    ]  # fmt: skip
    assert items[2]["enabled"] is False and items[2]["key"] == ""
    assert items[3] == {"separator": True}
    assert items[4]["checked"] is True and items[4]["key"] == "autostart"
    assert items[5]["key"] == "quit"
    assert popup_items(entries, toggled=False)[4]["checked"] is False


def test_hide_codes_masks_every_code_and_keeps_the_record_to_copy() -> None:
    shown = [record(f"Site {n}") for n in range(20)]
    later = record("Later", otp=None)
    entries = menu_model([*shown, later], 59, 15, hide_codes=True)
    lines = texts(entries)
    coded = [line.strip() for line in lines if line.strip().startswith("Site ")]
    assert len(coded) == 20  # at the top and in "More"
    assert all(line.endswith("   ••• •••") for line in coded), coded
    assert totp(KEY, 59) not in repr(entries)
    assert "Later   (no OTP yet)" in [line.strip() for line in lines]
    copies = [e for e in entries if e.action == "copy"]
    assert len(copies) == 15 and {e.record_id for e in copies} <= {r.id for r in [*shown, later]}
    # the same model with the setting off shows them (a positive control)
    plain = texts(menu_model(shown, 59, 15))
    assert f"{shown[0].label}   {totp(KEY, 59)[:3]} {totp(KEY, 59)[3:]}" in plain


def test_a_menu_built_as_it_opens_says_the_seconds_left_of_codes_about_to_change() -> None:
    sixty = record("Slow", otp=OtpParams(KEY, period=60))
    thirty = record("Fast")
    hotp_record = record("Counter", otp=OtpParams(KEY, type=OtpType.HOTP))
    lines = texts(menu_model([sixty, thirty, hotp_record], 82.5, 15, soon=True))
    fast = f"{totp(KEY, 82.5)[:3]} {totp(KEY, 82.5)[3:]}"
    assert f"Fast   {fast}  (8 s)" in lines  # 7.5 s left of 30: rounded up
    assert not any(line.startswith("Slow") and "s)" in line for line in lines)  # 37.5 s
    assert not any(line.startswith("Counter") and "s)" in line for line in lines)
    # the menu rebuilt at each boundary (the desktop menus) never shows stale seconds
    assert f"Fast   {fast}" in texts(menu_model([thirty], 82.5, 15))
    # hidden codes still say when they change; the diagnostics mask keeps the seconds
    assert "Fast   ••• •••  (8 s)" in texts(
        menu_model([thirty], 82.5, 15, hide_codes=True, soon=True)
    )
    assert mask_code(f"Fast   {fast}  (8 s)") == "Fast   ••• •••  (8 s)"


def test_an_entry_read_as_the_menu_opens_says_its_seconds_left_then() -> None:
    """Menus built at a period boundary and read later (the GTK and D-Bus menus) say the
    seconds left at the time they are read, for codes under 10 s, and nothing else."""
    sixty = record("Slow", otp=OtpParams(KEY, period=60))
    thirty = record("Fast")
    counter = record("Counter", otp=OtpParams(KEY, type=OtpType.HOTP))
    built = {e.text.split("   ")[0]: e for e in menu_model([sixty, thirty, counter], 60, 15)}
    fast = built["Fast"]
    assert fast.changes == 90 and built["Slow"].changes == 120 and built["Counter"].changes == 0
    assert shown_text(fast, 60) == fast.text  # 30 s left: no seconds
    assert shown_text(fast, 82.5) == f"{fast.text}  (8 s)"
    assert shown_text(fast, 89.9) == f"{fast.text}  (1 s)"
    assert shown_text(built["Slow"], 82.5) == built["Slow"].text  # 37.5 s left
    assert shown_text(built["Counter"], 82.5) == built["Counter"].text
    # a submenu's entries too, and hidden codes keep their seconds
    (group,) = menu_model([thirty], 60, 0, hide_codes=True)[0].submenu
    assert shown_text(group.submenu[0], 83) == "Fast   ••• •••  (7 s)"
    # a menu built as it opens has them in its text already: not twice
    (baked,) = [e for e in menu_model([thirty], 82.5, 15, soon=True) if e.action == "copy"]
    assert shown_text(baked, 82.5) == baked.text and baked.text.endswith("(8 s)")
