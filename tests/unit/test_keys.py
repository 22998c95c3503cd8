"""The one hotkey value: read once from the settings' form, written as each desktop wants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traycodes.cli.wayland import hotkey_lines
from traycodes.keys import NAMED_KEYS, ORDER, Hotkey
from traycodes.settings import check_hotkey

KEYS = st.one_of(
    st.characters(min_codepoint=33, max_codepoint=0x2FF).filter(
        lambda c: c.isprintable() and c != "+" and c == c.lower()
    ),
    st.sampled_from(sorted(NAMED_KEYS)),
)
HOTKEYS = st.builds(Hotkey, st.frozensets(st.sampled_from(ORDER), min_size=1).map(frozenset), KEYS)


@given(HOTKEYS)
def test_a_hotkey_written_in_the_settings_form_reads_back_as_itself(hotkey: Hotkey) -> None:
    assert Hotkey.parse(hotkey.text) == hotkey
    assert check_hotkey(hotkey.text) is None


@given(HOTKEYS)
def test_every_rendering_names_each_modifier_and_the_key(hotkey: Hotkey) -> None:
    assert hotkey.sway.count("+") == len(hotkey.modifiers)
    assert hotkey.xdg.count("+") == len(hotkey.modifiers)
    assert len(hotkey.hyprland[0].split()) == len(hotkey.modifiers)
    assert hotkey.names[-1] == hotkey.key and set(hotkey.names[:-1]) == hotkey.modifiers


def test_the_sides_and_aliases_of_a_modifier_are_one_modifier() -> None:
    assert Hotkey.parse("<CTRL_R>+<alt_l>+O") == Hotkey(frozenset({"ctrl", "alt"}), "o")
    assert Hotkey.parse("<super>+k") == Hotkey.parse("<cmd>+k")
    assert Hotkey.parse("<alt>+<ctrl>+o").text == "<ctrl>+<alt>+o"


NOT_A_KEY = " is not a key (use one character, or a name such as <f5> or <space>)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("o", "needs a modifier such as <ctrl> or <alt>"),
        ("<ctrl>+<alt>", "needs exactly one key besides the modifiers"),
        ("<ctrl>+o+p", "needs exactly one key besides the modifiers"),
        ("<ctrl>+ab", "'ab'" + NOT_A_KEY),
        ("<ctrl>+<nonsense>", "'<nonsense>'" + NOT_A_KEY),
        ("<ctrl>+ ", "' '" + NOT_A_KEY),
    ],
)  # fmt: skip
def test_a_bad_hotkey_gives_one_line_saying_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        Hotkey.parse(text)
    assert str(caught.value) == message
    assert check_hotkey(text) == message


def test_each_desktop_gets_its_own_spelling() -> None:
    hotkey = Hotkey.parse("<ctrl>+<shift>+<page_down>")
    assert hotkey.label == "Ctrl+Shift+Page Down"
    assert hotkey.sway == "Ctrl+Shift+Next"
    assert hotkey.xdg == "CTRL+SHIFT+Next"
    assert hotkey.hyprland == ("CTRL SHIFT", "PAGE_DOWN")
    assert hotkey.gnome == "<Control><Shift>page_down"
    assert hotkey.kde == "Ctrl+Shift+PAGE_DOWN"
    assert Hotkey.parse("<cmd>+<alt_gr>+é").sway == "Mod5+Mod4+U00E9"


def test_sway_binds_punctuation_by_its_keysym_name() -> None:
    """sway's bindsym takes XKB keysym names: ``Ctrl+Alt+,`` is no binding."""
    lines = hotkey_lines("sway", {"type": "<ctrl>+<alt>+,", "pick": "<ctrl>+<alt>+/"}, ["tc"])
    assert "bindsym Ctrl+Alt+comma exec tc type" in lines
    assert "bindsym Ctrl+Alt+slash exec tc pick" in lines


def test_a_hotkey_turned_off_gets_no_line() -> None:
    lines = hotkey_lines("sway", {"type": "<ctrl>+<alt>+o", "pick": ""}, ["tc"])
    assert [line for line in lines if line.startswith("bindsym")] == [
        "bindsym Ctrl+Alt+o exec tc type"
    ]


def test_a_browser_shortcut_reads_as_the_same_hotkey() -> None:
    assert Hotkey.from_browser("Alt+Shift+O") == Hotkey.parse("<alt>+<shift>+o")
    assert Hotkey.from_browser("Ctrl+Shift+Comma").names == ["ctrl", "shift", ","]
    assert Hotkey.from_browser("Command+PageDown").names == ["cmd", "page_down"]


def test_wtype_presses_keys_by_the_same_keysym_names() -> None:
    from traycodes.desktop._base import DesktopError
    from traycodes.desktop._wayland import keysym

    assert [keysym(k) for k in (",", "/", "o", "page_down", "f20")] == [
        "comma", "slash", "o", "Next", "F20"
    ]  # fmt: skip
    for unknown in (" ", "mediaplaypause", "\t"):
        with pytest.raises(DesktopError, match="wtype cannot press the key"):
            keysym(unknown)
