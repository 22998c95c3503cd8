"""The record model: validation, secrets out of repr, and the vault's JSON round trip."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traycodes.errors import InvalidInput
from traycodes.model import Algorithm, Entry, OtpParams, OtpType, Record
from traycodes.vault.format import dump_records, load_records, record_from_json, record_to_json

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
text_lists = st.lists(texts, max_size=4).map(tuple)
times = st.floats(min_value=0, max_value=4e9, allow_nan=False)


@st.composite
def otp_params(draw: st.DrawFn) -> OtpParams:
    kind = draw(st.sampled_from(OtpType))
    return OtpParams(
        secret=draw(st.binary(min_size=1, max_size=64)),
        type=kind,
        algorithm=draw(st.sampled_from(Algorithm)),
        digits=5 if kind is OtpType.STEAM else draw(st.integers(1, 10)),
        period=draw(st.integers(1, 2**31 - 1)),
        counter=draw(st.integers(0, 2**63 - 1)),
    )


records = st.builds(
    Record,
    id=st.uuids().map(lambda u: u.hex),
    issuer=texts,
    account=texts,
    otp=st.none() | otp_params(),
    websites=text_lists,
    title_patterns=text_lists,
    apps=text_lists,
    note=st.text(max_size=100),
    tags=text_lists,
    favorite=st.booleans(),
    created=times,
    modified=times,
    used=times,
    deleted=st.booleans(),
    hotkey_action=st.sampled_from(["", "type", "copy", "both"]),
)


@given(records)
def test_vault_json_round_trip(record: Record) -> None:
    assert record_from_json(record_to_json(record)) == record


@given(st.lists(records, max_size=5))
def test_payload_round_trip(items: list[Record]) -> None:
    assert load_records(dump_records(items)) == items


@given(records)
def test_secrets_and_notes_stay_out_of_repr(record: Record) -> None:
    shown = repr(record)
    if record.otp is not None:
        assert "secret" not in shown
        assert repr(record.otp.secret) not in shown
    assert "note" not in shown


@given(records)
def test_validation_is_idempotent(record: Record) -> None:
    again = Record(**{name: getattr(record, name) for name in Record.__dataclass_fields__})
    assert again == record


@given(records, times)
def test_tombstone_keeps_nothing_but_identity(record: Record, now: float) -> None:
    marker = record.tombstone(now)
    assert (marker.id, marker.deleted, marker.otp, marker.issuer, marker.note) == (
        record.id,
        True,
        None,
        "",
        "",
    )
    assert marker.modified >= record.modified


@given(records, times)
def test_edits_never_move_modified_backwards(record: Record, now: float) -> None:
    assert record.edited(now, favorite=True).modified >= record.modified


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id": "nope"}, "id"),
        ({"issuer": "a\x00b"}, "control"),
        ({"account": "\ud800"}, "control"),
        ({"created": -1}, "created"),
        ({"websites": 5}, "websites"),
        ({"otp": "JBSWY3DP"}, "otp"),
    ],
)
def test_record_validation(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"id": uuid.uuid4().hex, **kwargs}
    with pytest.raises(InvalidInput, match=message):
        Record(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"secret": b""}, "empty"),
        ({"digits": 0}, "digits"),
        ({"digits": 11}, "digits"),
        ({"digits": True}, "digits"),
        ({"period": 0}, "period"),
        ({"counter": -1}, "counter"),
        ({"type": OtpType.STEAM, "digits": 6}, "digits"),
        ({"algorithm": "md5"}, "algorithm"),
        ({"type": "motp"}, "type"),
    ],
)
def test_otp_validation(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"secret": b"k" * 10, **kwargs}
    with pytest.raises(InvalidInput, match=message):
        OtpParams(**values)  # type: ignore[arg-type]


def test_names_are_trimmed_and_lists_deduplicated() -> None:
    entry = Entry(
        otp=OtpParams(b"k" * 10),
        issuer="  GitHub ",
        account=" me ",
        websites=("a.com", " a.com", "", "b.com"),
    )
    assert (entry.issuer, entry.account, entry.websites) == ("GitHub", "me", ("a.com", "b.com"))
    assert entry.label == "GitHub (me)"


def test_hotp_advances() -> None:
    otp = OtpParams(b"k" * 10, OtpType.HOTP, counter=41)
    assert otp.advanced().counter == 42
    with pytest.raises(InvalidInput):
        OtpParams(b"k" * 10).advanced()
