"""otpauth:// links and setup keys: every quirk real exports contain, and clear refusals."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traycodes.errors import InvalidSecret, InvalidUri
from traycodes.model import Algorithm, Entry, OtpParams, OtpType
from traycodes.uri import (
    decode_secret,
    encode_secret,
    format_uri,
    inspect_uri,
    parse_link,
    parse_uri,
)

KEY = "JBSWY3DPEHPK3PXP"
KEY_BYTES = b"Hello!\xde\xad\xbe\xef"


def test_plain_link() -> None:
    entry = parse_uri(f"otpauth://totp/Example:alice@google.com?secret={KEY}&issuer=Example")
    assert entry.issuer == "Example"
    assert entry.account == "alice@google.com"
    assert entry.otp == OtpParams(KEY_BYTES)


@pytest.mark.parametrize(
    "link",
    [
        f"otpauth://totp/Example:alice?secret={KEY.lower()}",  # lower-case secret
        f"otpauth://totp/Example:alice?secret={KEY}====",  # padded
        "otpauth://totp/Example:alice?secret=JBSW%20Y3DP%20EHPK%203PXP",  # spaces
        "otpauth://totp/Example:alice?secret=JBSW+Y3DP+EHPK+3PXP",  # '+' as space
        "otpauth://totp/Example:alice?secret=jbsw-y3dp-ehpk-3pxp",  # dashes
        f"OTPAUTH://TOTP/Example:alice?secret={KEY}",  # upper-case scheme
        f"OTPauth://totp/Example%3Aalice?secret={KEY}",  # %3A colon
        f"otpauth://totp/Example:%20%20alice?secret={KEY}",  # spaces before account
        f"otpauth://totp/Example:alice?secret={KEY}&algorithm=sha1",  # lower-case algorithm
        f"otpauth://totp/Example:alice?secret={KEY}&image=https%3A%2F%2Fx.y%2Fa.png&color=ff0000"
        "&lock=true",  # FreeOTP extras
        f"otpauth://totp/Example:alice?secret={KEY}&codeDisplay=%7B%22pinned%22%3Afalse%7D",  # Ente
        f"otpauth://totp/Example:alice?SECRET={KEY}",  # parameter case
        f"  otpauth://totp/Example:alice?secret={KEY}&  \n",  # stray whitespace
    ],
)
def test_accepted_quirks(link: str) -> None:
    entry = parse_uri(link)
    assert (entry.issuer, entry.account, entry.otp.secret) == ("Example", "alice", KEY_BYTES)


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [
        ("algorithm=SHA256", "algorithm", Algorithm.SHA256),
        ("algorithm=sha512", "algorithm", Algorithm.SHA512),
        ("digits=7", "digits", 7),
        ("digits=8", "digits", 8),
        ("digits=10", "digits", 10),
        ("period=15", "period", 15),
        ("period=20", "period", 20),
        ("period=50", "period", 50),
        ("period=60", "period", 60),
    ],
)
def test_parameters(query: str, field: str, value: object) -> None:
    entry = parse_uri(f"otpauth://totp/Example:alice?secret={KEY}&{query}")
    assert getattr(entry.otp, field) == value


def test_eighty_bit_secret_accepted_without_warning() -> None:
    entry, warnings = inspect_uri(f"otpauth://totp/A:b?secret={KEY}")
    assert len(entry.otp.secret) == 10
    assert warnings == ()


def test_short_secret_warns() -> None:
    _, warnings = inspect_uri("otpauth://totp/A:b?secret=JBSWY3DP")
    assert any("short" in w for w in warnings)


def test_hotp_counter() -> None:
    entry = parse_uri(f"otpauth://hotp/Example:alice?secret={KEY}&counter=42")
    assert entry.otp.type is OtpType.HOTP
    assert entry.otp.counter == 42


@pytest.mark.parametrize(
    "link",
    [
        f"otpauth://steam/Steam:gaben?secret={KEY}&issuer=Steam",
        f"otpauth://totp/Steam:gaben?secret={KEY}&issuer=Steam&encoder=steam",
        f"steam://{KEY}",
        f"STEAM://{KEY.lower()}",
    ],
)
def test_steam_links(link: str) -> None:
    entry = parse_uri(link)
    assert entry.otp.type is OtpType.STEAM
    assert entry.otp.digits == 5
    assert entry.issuer == "Steam"
    assert entry.otp.secret == KEY_BYTES


def test_label_without_issuer_uses_parameter() -> None:
    entry = parse_uri(f"otpauth://totp/alice?secret={KEY}&issuer=Example+Co")
    assert (entry.issuer, entry.account) == ("Example Co", "alice")


def test_label_only() -> None:
    entry = parse_uri(f"otpauth://totp/alice?secret={KEY}")
    assert (entry.issuer, entry.account) == ("", "alice")


def test_issuer_parameter_wins_and_is_reported() -> None:
    entry, warnings = inspect_uri(f"otpauth://totp/Old%20Name:alice?secret={KEY}&issuer=New")
    assert (entry.issuer, entry.account) == ("New", "alice")
    assert len(warnings) == 1
    assert "Old Name" in warnings[0]
    assert "using 'New'" in warnings[0]


def test_issuer_with_colon_survives() -> None:
    entry = parse_uri(f"otpauth://totp/a%3Ab:alice?secret={KEY}&issuer=a%3Ab")
    assert (entry.issuer, entry.account) == ("a:b", "alice")


@pytest.mark.parametrize(
    ("issuer", "account"),
    [
        ("", "a:b"),
        ("x:y", "acc"),
        ("x:y", "a:b"),
        ("GitHub", ""),
        ("", ""),
        ("a+b", "c d%20"),
        ("Ünïcødé 名前", "ℵ@example.com"),
    ],
)
def test_awkward_names_survive_the_round_trip(issuer: str, account: str) -> None:
    entry = Entry(otp=OtpParams(b"k" * 20), issuer=issuer, account=account)
    assert parse_uri(format_uri(entry)) == entry


def test_parse_link_dispatches() -> None:
    assert isinstance(parse_link(f"otpauth://totp/A:b?secret={KEY}"), Entry)


@pytest.mark.parametrize(
    ("link", "names"),
    [
        ("https://example.com/?secret=" + KEY, "otpauth://"),
        ("otpauth:/totp/x?secret=" + KEY, "otpauth://"),
        ("", "otpauth://"),
        ("otpauth://motp/x?secret=" + KEY, "type"),
        ("otpauth://yandex/x?secret=" + KEY, "type"),
        ("otpauth://totp/x", "no secret"),
        ("otpauth://totp/x?secret=", "no secret"),
        ("otpauth://totp/x?secret=JBSW1Y3D", "base32"),
        ("otpauth://totp/x?secret=J", "short"),
        ("otpauth://hotp/x?secret=" + KEY, "counter"),
        ("otpauth://hotp/x?secret=" + KEY + "&counter=-1", "counter"),
        ("otpauth://hotp/x?secret=" + KEY + "&counter=9223372036854775808", "counter"),
        ("otpauth://hotp/x?secret=" + KEY + "&counter=abc", "counter"),
        ("otpauth://totp/x?secret=" + KEY + "&digits=0", "digits"),
        ("otpauth://totp/x?secret=" + KEY + "&digits=-6", "digits"),
        ("otpauth://totp/x?secret=" + KEY + "&digits=11", "digits"),
        ("otpauth://totp/x?secret=" + KEY + "&digits=six", "digits"),
        ("otpauth://totp/x?secret=" + KEY + "&period=0", "period"),
        ("otpauth://totp/x?secret=" + KEY + "&period=-30", "period"),
        ("otpauth://totp/x?secret=" + KEY + "&period=30.5", "period"),
        ("otpauth://totp/x?secret=" + KEY + "&algorithm=MD5", "algorithm"),
        ("otpauth://totp/x?secret=" + KEY + "&algorithm=", "algorithm"),
        ("otpauth://totp/x?secret=" + KEY + "&secret=" + KEY, "more than once"),
        ("otpauth://totp/x%00y?secret=" + KEY, "control"),
    ],
)
def test_refusals_name_the_bad_part(link: str, names: str) -> None:
    with pytest.raises(InvalidUri, match=names):
        parse_uri(link)


def test_errors_never_repeat_the_secret() -> None:
    secret = "JBSWY3DPEHPK3PX1"
    with pytest.raises(InvalidUri) as caught:
        parse_uri(f"otpauth://totp/x?secret={secret}")
    assert secret not in str(caught.value)
    assert "JBSWY3DP" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("JBSWY3DPEHPK3PXP", KEY_BYTES),
        ("jbsw y3dp ehpk 3pxp", KEY_BYTES),
        ("JBSW-Y3DP-EHPK-3PXP", KEY_BYTES),
        ("JBSWY3DPEHPK3PXP======", KEY_BYTES),
        (" jbswy3dpehpk3pxp\n", KEY_BYTES),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", b"12345678901234567890"),
    ],
)
def test_decode_secret(text: str, expected: bytes) -> None:
    assert decode_secret(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # keys from ../shared/data/exports, the bytes as decoded there (not by traycodes)
        # lengths RFC 4648 never produces (8k+1, 3, 6): the incomplete trailing bits dropped
        ("BDKSIEHWBDBBDBDZBZJ", "08d52410f608c21184790e"),  # LastPass, 19 characters
        ("JDJSKDKDKDKDKDKDK", "48d3250d4350d4350d43"),  # LastPass, 17
        ("DFDFDEF", "19465190"),  # 1Password's bare 7-character key
        # non-zero unused bits in the last character
        ("JDJDDJDJUEJEBDBFNF", "48d231a469a112408c2569"),
        ("STEAMSTEAMSTEAMSTEAM", "94c8064a6403253201929900"),
        # lower case and padding (Ente, Bitwarden)
        ("fsfsfsfsefefef", "2c8b22c8b2214852"),
        ("JVMVGRKDKJCVI===", "4d59534543524554"),
    ],
)
def test_decode_secret_leniently(text: str, expected: str) -> None:
    """What the apps that wrote these keys accept, they give codes from."""
    assert decode_secret(text).hex() == expected


@pytest.mark.parametrize("text", ["", "   ", "====", "JBSW0Y3D", "J", "JBSW1", "ÄBCD", "AB+C"])
def test_decode_secret_refusals(text: str) -> None:
    with pytest.raises(InvalidSecret):
        decode_secret(text)


# --- properties -----------------------------------------------------------------------------

names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    otp_type = draw(st.sampled_from(OtpType))
    otp = OtpParams(
        secret=draw(st.binary(min_size=1, max_size=64)),
        type=otp_type,
        algorithm=Algorithm.SHA1 if otp_type is OtpType.STEAM else draw(st.sampled_from(Algorithm)),
        digits=5 if otp_type is OtpType.STEAM else draw(st.integers(1, 10)),
        period=draw(st.integers(1, 2**31 - 1)),
        counter=draw(st.integers(0, 2**63 - 1)) if otp_type is OtpType.HOTP else 0,
    )
    return Entry(otp=otp, issuer=draw(names), account=draw(names))


def _comparable(entry: Entry) -> Entry:
    """Steam links carry no algorithm or digits: compare what a link can hold."""
    if entry.otp.type is OtpType.HOTP:
        return Entry(
            otp=OtpParams(
                entry.otp.secret,
                entry.otp.type,
                entry.otp.algorithm,
                entry.otp.digits,
                30,
                entry.otp.counter,
            ),
            issuer=entry.issuer,
            account=entry.account,
        )
    return entry


@given(entries())
def test_format_then_parse_is_identity(entry: Entry) -> None:
    assert parse_uri(format_uri(entry)) == _comparable(entry)


@given(entries())
def test_parse_format_parse_is_stable(entry: Entry) -> None:
    once = parse_uri(format_uri(entry))
    assert parse_uri(format_uri(once)) == once


@given(st.binary(min_size=1, max_size=80))
def test_secret_round_trip(secret: bytes) -> None:
    assert decode_secret(encode_secret(secret)) == secret


@given(st.text())
def test_parser_raises_only_its_own_error_on_any_text(text: str) -> None:
    with contextlib.suppress(InvalidUri):
        parse_link(text)


LINKISH = "otpauth:/?&=%+#steamigron0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(st.text(alphabet=LINKISH, max_size=80))
def test_parser_raises_only_its_own_error_on_link_shaped_text(text: str) -> None:
    with contextlib.suppress(InvalidUri):
        parse_link("otpauth://" + text)


@given(
    query=st.lists(
        st.tuples(
            st.sampled_from(
                ["secret", "issuer", "algorithm", "digits", "period", "counter", "encoder", "x"]
            ),
            st.text(max_size=12),
        ),
        max_size=8,
    ),
    kind=st.sampled_from(["totp", "hotp", "steam", "x"]),
)
def test_parser_raises_only_its_own_error_on_any_parameters(
    query: list[tuple[str, str]], kind: str
) -> None:
    from urllib.parse import quote

    link = f"otpauth://{kind}/A:b?" + "&".join(f"{k}={quote(v)}" for k, v in query)
    with contextlib.suppress(InvalidUri):
        parse_link(link)


@given(st.text())
def test_percent_codec_matches_urllib(text: str) -> None:
    from urllib.parse import quote, unquote, unquote_plus

    from traycodes import uri

    assert uri._unquote(text) == unquote(text)
    assert uri._unquote(text, plus=True) == unquote_plus(text)
    clean = text.encode("utf-8", "replace").decode("utf-8")
    assert uri._quote(clean) == quote(clean, safe="")
    assert uri._unquote(uri._quote(clean)) == clean


@pytest.mark.parametrize("text", ["%", "%4", "%zz", "a%41%42c", "%E2%82%AC%", "%C3", "%%41"])
def test_percent_decoding_edges_match_urllib(text: str) -> None:
    from urllib.parse import unquote

    from traycodes import uri

    assert uri._unquote(text) == unquote(text)
