"""RFC 4226 / RFC 6238 / Steam vectors, and the engine's edges."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from traycodes import otp
from traycodes.errors import InvalidInput
from traycodes.model import Algorithm

RFC4226_KEY = b"12345678901234567890"
RFC4226_CODES = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"1234567890" * 3 + b"12",
    "sha512": b"1234567890" * 6 + b"1234",
}
RFC6238 = [  # time, sha1, sha256, sha512
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("counter", "code"), list(enumerate(RFC4226_CODES)))
def test_rfc4226_vectors(counter: int, code: str) -> None:
    assert otp.hotp(RFC4226_KEY, counter) == code


@pytest.mark.parametrize("row", RFC6238)
@pytest.mark.parametrize(("column", "algorithm"), [(1, "sha1"), (2, "sha256"), (3, "sha512")])
def test_rfc6238_vectors(row: tuple[int, str, str, str], column: int, algorithm: str) -> None:
    at = row[0]
    assert otp.totp(SEEDS[algorithm], at, digits=8, algorithm=algorithm) == row[column]


@pytest.mark.parametrize("spelling", ["SHA256", "sha256", Algorithm.SHA256, "Sha-256"])
def test_algorithm_spellings(spelling: str) -> None:
    assert otp.totp(SEEDS["sha256"], 59, digits=8, algorithm=spelling) == "46119246"


def test_wrong_seed_length_gives_other_codes() -> None:
    """The RFC's SHA256 vectors need the 32-byte seed: the 20-byte one gives other codes."""
    assert otp.totp(SEEDS["sha1"], 59, digits=8, algorithm="sha256") != "46119246"


@pytest.mark.parametrize(
    ("key", "at", "code"),
    [
        (base64.b64decode("zvIayp3JPvtvX/QGHqsqKBk/44s="), 1616374841, "2F9J5"),
        (b"superdupersecret", 3000030, "YRGQJ"),
        (b"superdupersecret", 3000029, "94R9D"),
    ],
)
def test_steam_vectors(key: bytes, at: int, code: str) -> None:
    assert otp.steam(key, at) == code


def reference_hotp(key: bytes, counter: int, digits: int = 6, digest: str = "sha1") -> str:
    """RFC 4226 section 5.3, in five lines over the standard library's HMAC: an oracle
    independent of otp.py (whose HMAC is its own), for keys pyotp refuses."""
    import hmac

    mac = hmac.new(key, counter.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def test_eighty_bit_keys_work() -> None:
    """Real sites still issue 80-bit keys (16 base32 characters); pyotp refuses them
    ("at least 112 bits"), so the oracle here is RFC 4226 over hmac."""
    import pyotp

    key = bytes(range(10))
    with pytest.raises(ValueError, match="112 bits"):
        pyotp.TOTP(base64.b32encode(key).decode()).at(1_700_000_000)
    for at in (0, 59, 1_700_000_000, 2_000_000_000):
        assert otp.totp(key, at) == reference_hotp(key, int(at // 30))
    assert otp.totp(key, 1_700_000_000, digits=8, algorithm="sha256") == reference_hotp(
        key, 1_700_000_000 // 30, 8, "sha256"
    )


@pytest.mark.parametrize("digits", range(1, 11))
def test_every_length_is_zero_padded(digits: int) -> None:
    code = otp.hotp(RFC4226_KEY, 0, digits=digits)
    assert len(code) == digits
    # 755224 comes from the 31-bit value 1284755224: each length is its last digits.
    assert code == "1284755224"[-digits:].zfill(digits)


def test_ten_digits_is_the_whole_31_bit_value() -> None:
    assert int(otp.hotp(RFC4226_KEY, 0, digits=10)) <= 2**31 - 1


def test_fractional_time_and_odd_periods() -> None:
    assert otp.totp(SEEDS["sha1"], 59.999, digits=8) == "94287082"
    assert otp.totp(SEEDS["sha1"], 60.0, digits=8) != "94287082"
    assert otp.totp(RFC4226_KEY, 100, period=50) == otp.hotp(RFC4226_KEY, 2)
    assert otp.totp(RFC4226_KEY, 100, period=1) == otp.hotp(RFC4226_KEY, 100)


def test_large_counters_against_pyotp() -> None:
    import pyotp

    oracle = pyotp.HOTP(base64.b32encode(RFC4226_KEY).decode())
    for counter in (64, 2**31, 2**32 + 7, 2**63 - 1):
        assert otp.hotp(RFC4226_KEY, counter) == oracle.at(counter), counter


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: otp.hotp(RFC4226_KEY, 0, digits=0), "digits"),
        (lambda: otp.hotp(RFC4226_KEY, 0, digits=11), "digits"),
        (lambda: otp.hotp(RFC4226_KEY, -1), "counter"),
        (lambda: otp.hotp(RFC4226_KEY, 2**63), "counter"),
        (lambda: otp.hotp(b"", 0), "secret"),
        (lambda: otp.hotp(RFC4226_KEY, 0, algorithm="md5"), "algorithm"),
        (lambda: otp.totp(RFC4226_KEY, 0, period=0), "period"),
        (lambda: otp.totp(RFC4226_KEY, -1), "1970"),
        (lambda: otp.totp(RFC4226_KEY, float("nan")), "1970"),
        (lambda: otp.totp(RFC4226_KEY, float("inf")), "finite"),
    ],
)
def test_refusals_are_value_errors_that_say_what(call: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        call()  # type: ignore[operator]
    assert isinstance(caught.value, ValueError)


def test_seconds_left() -> None:
    assert otp.seconds_left(59) == 1
    assert otp.seconds_left(60) == 30
    assert otp.seconds_left(61.5, period=60) == 58.5
    assert otp.counter_at(59.9) == 1


@given(at=st.floats(min_value=0, max_value=1e11), period=st.integers(1, 3600))
def test_seconds_left_is_within_the_period(at: float, period: int) -> None:
    left = otp.seconds_left(at, period)
    assert 0 < left <= period
    # The code is the same until the boundary, and the boundary starts a new step.
    assert otp.counter_at(at + left, period) == otp.counter_at(at, period) + 1


@given(
    key=st.binary(min_size=1, max_size=128),
    counter=st.integers(0, 2**63 - 1),
    digits=st.integers(1, 10),
    algorithm=st.sampled_from(["sha1", "sha256", "sha512"]),
)
def test_any_key_any_counter(key: bytes, counter: int, digits: int, algorithm: str) -> None:
    """Against pyotp where it takes the key (112 bits and more) and the length (6 to 10
    digits), else the RFC's own steps."""
    import hashlib

    import pyotp

    code = otp.hotp(key, counter, digits=digits, algorithm=algorithm)
    if len(key) >= 14 and digits >= 6:
        oracle = pyotp.HOTP(
            base64.b32encode(key).decode(), digits=digits, digest=getattr(hashlib, algorithm)
        )
        assert code == oracle.at(counter)
    else:
        assert code == reference_hotp(key, counter, digits, algorithm)
