"""One rule for where an added account goes, whichever door it comes in by: the CLI's add,
imports (CLI and tray), the quick-pick add field, the enrolment dialog."""

from __future__ import annotations

import uuid

import pytest

from traycodes.adding import NEW, AddAction, add_entries, place, plan_add
from traycodes.errors import Conflict
from traycodes.model import Entry, OtpParams, Record

OLD, NEW_KEY = OtpParams(b"old key 1234567890"), OtpParams(b"new key 1234567890")


def rid() -> str:
    return uuid.uuid4().hex


def test_attaching_merges_websites_and_tags_the_same_way_from_every_door() -> None:
    """Enrolment used to drop the entry's websites and tags; imports kept them."""
    waiting = Record(id=rid(), issuer="GitLab", websites=("gitlab.com",), tags=("Work",))
    entry = Entry(
        otp=NEW_KEY,
        issuer="GitLab",
        account="dev",
        websites=("https://gitlab.com/users/sign_in", "GITLAB.COM"),
        tags=("work", "Code"),
    )
    by_import = {waiting.id: waiting}
    add_entries(by_import, [entry], 10.0)
    by_dialog = {waiting.id: waiting}
    place(by_dialog, entry, 10.0, target=waiting.id)  # the user chose this record
    by_cli = {waiting.id: waiting}
    place(by_cli, entry, 10.0, on_conflict="refuse")
    assert by_import == by_dialog == by_cli
    (got,) = by_import.values()
    assert got.otp == NEW_KEY and got.account == "dev"
    assert got.websites == ("gitlab.com", "https://gitlab.com/users/sign_in")  # once each
    assert got.tags == ("Work", "Code")  # "work" is "Work" again


def test_a_replaced_key_is_kept_from_every_door() -> None:
    current = Record(id=rid(), issuer="GitHub", account="octocat", otp=OLD)
    entry = Entry(otp=NEW_KEY, issuer="GitHub", account="octocat")
    for how in ({"target": current.id}, {"on_conflict": "replace"}):
        records = {current.id: current}
        assert place(records, entry, 5.0, **how)[0] == "replace"  # type: ignore[arg-type]
        assert records[current.id].otp == NEW_KEY
        assert records[current.id].previous_otp == OLD


def test_a_conflict_is_kept_beside_refused_or_replaced_as_asked() -> None:
    current = Record(id=rid(), issuer="GitHub", account="octocat", otp=OLD)
    entry = Entry(otp=NEW_KEY, issuer="GitHub", account="octocat")
    assert plan_add([current], entry).action is AddAction.CONFLICT
    records = {current.id: current}
    assert place(records, entry, 5.0)[0] == "beside" and len(records) == 2
    with pytest.raises(Conflict, match="--replace"):
        place({current.id: current}, entry, 5.0, on_conflict="refuse")


def test_the_same_secret_again_changes_nothing_and_new_makes_a_record() -> None:
    current = Record(id=rid(), issuer="GitHub", account="octocat", otp=OLD)
    records = {current.id: current}
    assert place(records, Entry(otp=OLD, issuer="Other"), 5.0) == (
        "skip",
        "Other",
        "GitHub (octocat)",
    )
    assert records == {current.id: current}
    assert place(records, Entry(otp=NEW_KEY, issuer="GitHub"), 5.0, target=NEW)[0] == "add"
    assert len(records) == 2
