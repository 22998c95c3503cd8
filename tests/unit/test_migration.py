"""Google Authenticator exports (otpauth-migration://)."""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traycodes.errors import InvalidUri
from traycodes.model import Algorithm, Entry, OtpParams, OtpType
from traycodes.uri import format_migration, parse_link, parse_migration

SAMPLE = (
    "otpauth-migration://offline?data="
    "CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC"
)


# A tiny protobuf writer for building test payloads independently of the code under test.
def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number: int, value: int | bytes) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    return varint(number << 3 | 2) + varint(len(value)) + value


def otp_parameters(
    secret: bytes,
    name: str,
    issuer: str = "",
    algorithm: int = 1,
    digits: int = 1,
    kind: int = 2,
    counter: int | None = None,
) -> bytes:
    body = field(1, secret) + field(2, name.encode()) + field(3, issuer.encode())
    body += field(4, algorithm) + field(5, digits) + field(6, kind)
    if counter is not None:
        body += field(7, counter)
    return field(1, body)


def link(payload: bytes, *, escape: bool = True) -> str:
    data = base64.b64encode(payload).decode()
    if escape:
        data = data.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return f"otpauth-migration://offline?data={data}"


def test_sample_from_the_facts() -> None:
    batch = parse_migration(SAMPLE)
    assert len(batch.entries) == 1
    entry = batch.entries[0]
    assert (entry.issuer, entry.account) == ("Example", "alice@google.com")
    assert entry.otp == OtpParams(b"Hello!\xde\xad\xbe\xef", OtpType.TOTP)
    assert isinstance(parse_link(SAMPLE), type(batch))


def test_several_records_and_batch_fields() -> None:
    payload = (
        otp_parameters(b"a" * 20, "GitHub:octocat", "GitHub")
        + otp_parameters(b"b" * 32, "bob@example.com", "", algorithm=2, digits=2)
        + otp_parameters(b"c" * 20, "Bank:me", "", kind=1, counter=7)
        + otp_parameters(b"d" * 64, "Mail", "Mail Co", algorithm=3, kind=0)
        + field(2, 1)
        + field(3, 3)
        + field(4, 2)
        + field(5, 123456)
    )
    batch = parse_migration(link(payload))
    assert (batch.version, batch.batch_size, batch.batch_index, batch.batch_id) == (1, 3, 2, 123456)
    github, bob, bank, mail = batch.entries
    assert (github.issuer, github.account) == ("GitHub", "octocat")
    assert (bob.issuer, bob.account, bob.otp.algorithm, bob.otp.digits) == (
        "",
        "bob@example.com",
        Algorithm.SHA256,
        8,
    )
    assert (bank.issuer, bank.account, bank.otp.type, bank.otp.counter) == (
        "Bank",
        "me",
        OtpType.HOTP,
        7,
    )
    assert (mail.issuer, mail.account, mail.otp.algorithm, mail.otp.type) == (
        "Mail Co",
        "Mail",
        Algorithm.SHA512,
        OtpType.TOTP,
    )


def test_negative_batch_id_is_a_ten_byte_varint() -> None:
    payload = otp_parameters(b"a" * 20, "x") + field(5, -1_543_721_089)
    assert len(varint(-1_543_721_089)) == 10
    assert parse_migration(link(payload)).batch_id == -1_543_721_089


def test_unescaped_base64_is_read() -> None:
    # Secrets chosen so the base64 holds '+', '/' and '=' padding.
    payload = otp_parameters(b"\xfb\xff\xfe" * 7, "A:b") + field(2, 1)
    raw = link(payload, escape=False)
    assert "+" in raw or "/" in raw
    assert parse_migration(raw).entries[0].otp.secret == b"\xfb\xff\xfe" * 7
    # A form parser may already have turned '+' into ' ': still the same bytes.
    assert parse_migration(raw.replace("+", " ")).entries[0].otp.secret == b"\xfb\xff\xfe" * 7


def test_unknown_fields_are_skipped() -> None:
    payload = otp_parameters(b"a" * 20, "x") + field(99, b"future") + field(98, 5)
    assert len(parse_migration(link(payload)).entries) == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (otp_parameters(b"a" * 20, "x", algorithm=4), "account 1.*MD5"),
        (otp_parameters(b"", "x"), "secret"),
        (otp_parameters(b"a" * 20, "x", digits=7), "digits"),
        (otp_parameters(b"a" * 20, "x", kind=5), "type"),
        (
            otp_parameters(b"a" * 20, "x") + otp_parameters(b"a" * 20, "x", kind=1, counter=-1),
            "account 2.*counter",
        ),
        (otp_parameters(b"a" * 20, "x")[:-3], "damaged or truncated"),
        (b"\x0a\xff", "damaged or truncated"),
        (b"\x0f", "damaged or truncated"),
    ],
)
def test_bad_payloads(payload: bytes, message: str) -> None:
    with pytest.raises(InvalidUri, match=message):
        parse_migration(link(payload))


@pytest.mark.parametrize(
    "text",
    [
        "otpauth-migration://offline",
        "otpauth-migration://offline?data=",
        "otpauth-migration://offline?data=!!!",
        "otpauth://totp/x?secret=JBSWY3DP",
    ],
)
def test_bad_links(text: str) -> None:
    with pytest.raises(InvalidUri):
        parse_migration(text)


@given(st.binary(max_size=200))
def test_any_bytes_raise_only_our_error(data: bytes) -> None:
    with contextlib.suppress(InvalidUri):
        parse_migration(link(data))


supported = st.builds(
    lambda secret, issuer, account, algorithm, digits, hotp, counter: Entry(
        otp=OtpParams(
            secret,
            OtpType.HOTP if hotp else OtpType.TOTP,
            algorithm,
            digits,
            30,
            counter if hotp else 0,
        ),
        issuer=issuer,
        account=account,
    ),
    st.binary(min_size=1, max_size=40),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(Algorithm),
    st.sampled_from([6, 8]),
    st.booleans(),
    st.integers(0, 2**63 - 1),
)


@given(st.lists(supported, max_size=5), st.integers(-(2**31), 2**31 - 1))
def test_format_then_parse_is_identity(entries: list[Entry], batch_id: int) -> None:
    batch = parse_migration(format_migration(entries, batch_id=batch_id))
    assert list(batch.entries) == entries
    assert batch.batch_id == batch_id


@pytest.mark.parametrize(
    ("issuer", "account"),
    [
        ("", "a:b"),
        ("x:y", "acc"),
        ("x:y", "a:b"),
        ("GitHub", ""),
        ("", ""),
    ],
)
def test_colons_survive_the_round_trip(issuer: str, account: str) -> None:
    entry = Entry(otp=OtpParams(b"k" * 20), issuer=issuer, account=account)
    assert parse_migration(format_migration([entry])).entries == (entry,)


def test_unsupported_entries_refuse_export() -> None:
    steam = Entry(otp=OtpParams(b"x" * 10, OtpType.STEAM, digits=5), issuer="Steam")
    with pytest.raises(InvalidUri, match="Google Authenticator"):
        format_migration([steam])
