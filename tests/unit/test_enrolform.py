"""The enrolment dialog's reading of what was typed, pasted or scanned, without Tk."""

from __future__ import annotations

import base64

import pytest

from traycodes.errors import InvalidInput
from traycodes.model import Algorithm, Entry, OtpParams, OtpType
from traycodes.otp import totp
from traycodes.ui.enrolform import (
    Form,
    Target,
    default_target,
    is_link,
    link_name,
    links_in,
    read_form,
    replace_question,
)

KEY = b"12345678901234567890"
B32 = base64.b32encode(KEY).decode()


def test_a_link_wins_over_the_key_fields() -> None:
    reading = read_form(Form(link=f"otpauth://totp/GitHub:octo?secret={B32}", key="AAAA"))
    assert [e.label for e in reading.entries] == ["GitHub (octo)"]
    assert reading.entries[0].otp.secret == KEY and reading.message() == ""


def test_a_setup_key_with_its_settings_becomes_an_entry() -> None:
    form = Form(key=B32.lower(), kind="HOTP", algorithm="SHA256", digits="8", counter="5",
                issuer="Bank", account="me")  # fmt: skip
    (entry,) = read_form(form).entries
    assert entry.otp == OtpParams(KEY, OtpType.HOTP, Algorithm.SHA256, 8, 30, 5)
    assert (entry.issuer, entry.account) == ("Bank", "me")


def test_steam_keys_always_have_five_characters() -> None:
    (entry,) = read_form(Form(key=B32, kind="Steam", digits="8", issuer="Steam")).entries
    assert entry.otp.type is OtpType.STEAM and entry.otp.digits == 5


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        (Form(key=B32), "give the site or app"),
        (Form(key=B32, issuer="X", digits="six"), "whole numbers"),
        (Form(key="not base32!", issuer="X"), "base32"),
        (Form(key=B32, issuer="X", kind="SMS"), "unknown kind"),
        (Form(link="otpauth://totp/X?secret="), "secret"),
    ],
)
def test_bad_input_is_one_clear_line(form: Form, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem) as caught:
        read_form(form)
    assert "\n" not in str(caught.value) and B32 not in str(caught.value)


def test_a_short_key_is_warned_about_capitalised_once() -> None:
    short = base64.b32encode(b"12345").decode()
    reading = read_form(Form(key=short, issuer="Old site"))
    assert reading.message() == "The key is short (40 bits); check it was copied whole"


def test_empty_fields_read_as_nothing() -> None:
    assert read_form(Form()).entries == []


def test_scanned_texts_become_links_or_a_reason() -> None:
    link = f"otpauth://totp/A?secret={B32}"
    assert links_in(["https://example.com", link]) == [link]
    assert links_in(["https://example.com"]) == "No otpauth QR code was found."
    assert links_in("The screen could not be read.") == "The screen could not be read."
    assert link_name(link) == "A" and link_name("otpauth://nonsense") == "(not readable)"
    assert is_link("  OTPAUTH://totp/x") and not is_link("https://example.com")


def test_a_waiting_record_is_chosen_a_key_is_never_replaced_by_default() -> None:
    new = Target(None, "a new record")
    waiting = Target("a" * 32, "GitHub (octo)", has_otp=False)
    full = Target("b" * 32, "GitHub (work)", has_otp=True, current_code="123456")
    assert default_target([new, full, waiting]) == "a" * 32
    assert default_target([new, full]) == "new"


def test_the_replace_question_shows_both_codes() -> None:
    entry = Entry(OtpParams(KEY), issuer="GitHub")
    question = replace_question(Target("b" * 32, "GitHub", True, "123456"), entry, 59.0)
    assert "123 456" in question and totp(KEY, 59.0)[:3] in question
    assert "--restore-previous-key" in question


def test_the_website_field_goes_to_the_one_account_read() -> None:
    from traycodes.ui.enrolform import Form, read_form

    link = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=GitHub"
    (entry,) = read_form(Form(link=link, website=" https://github.com ")).entries
    assert entry.websites == ("https://github.com",)
    (entry,) = read_form(Form(link=link)).entries
    assert entry.websites == ()


def test_the_website_is_pre_filled_from_the_directory_until_the_user_writes_one() -> None:
    from traycodes.ui.enrolform import Form, directory_website, read_form, website_prefill

    assert directory_website("GitHub") == "https://github.com"
    assert directory_website("My Homelab") == ""
    github = read_form(Form(link="otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP")).entries
    homelab = read_form(Form(link="otpauth://totp/Homelab:me?secret=JBSWY3DPEHPK3PXP")).entries
    assert website_prefill("", "", github) == "https://github.com"
    assert website_prefill("https://github.com", "https://github.com", github) is None  # shown
    assert website_prefill("https://github.com", "https://github.com", homelab) == ""  # gone
    assert website_prefill("https://git.example.org", "https://github.com", github) is None
    assert website_prefill("", "", []) is None


def test_the_link_names_fill_the_name_fields_and_the_users_typing_wins() -> None:
    from traycodes.ui.enrolform import Form, names_prefill, read_form

    link = "otpauth://totp/GitLab:dev@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitLab"
    other = "otpauth://totp/Example:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example"
    entries = read_form(Form(link=link)).entries
    # a scanned link fills both empty fields
    assert names_prefill(("", ""), ("", ""), link, entries) == ("GitLab", "dev@example.com")
    # another link replaces what was filled in, but not what the user typed over it
    filled = ("GitLab", "dev@example.com")
    others = read_form(Form(link=other)).entries
    assert names_prefill(filled, filled, other, others) == ("Example", "me")
    assert names_prefill(("Work GitLab", filled[1]), filled, other, others) == (
        "Work GitLab",
        "me",
    )
    # nothing to change: None; a setup key's names are the user's own
    assert names_prefill(filled, filled, link, entries) is None
    assert names_prefill(("Mine", "me"), ("", ""), "", []) is None
    # the link cleared: the names it put there go with it
    assert names_prefill(filled, filled, "", []) == ("", "")
    # and what the user typed over a link's names is what is saved
    typed = read_form(Form(link=link, issuer="Work GitLab", account="dev@example.com"))
    assert (typed.entries[0].issuer, typed.entries[0].account) == ("Work GitLab", "dev@example.com")
