"""``otpauth://`` links, ``steam://`` keys, setup keys and Google Authenticator exports.

Parsing is lenient where real exports are sloppy (case, padding, spaces, ``+`` for space,
unknown parameters, 80-bit secrets) and strict where a mistake would give wrong codes:
every refusal is an :class:`~traycodes.errors.InvalidUri` or
:class:`~traycodes.errors.InvalidSecret` whose message names the part that is wrong and
never repeats the secret.

When the ``issuer`` parameter and the label's ``Issuer:`` prefix disagree, the parameter
wins (the Key URI Format calls it the preferred field, and it is the one a site's code
sets on purpose); :func:`inspect_uri` reports the disagreement so a dialog can show it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from .errors import InvalidInput, InvalidSecret, InvalidUri
from .i18n import _
from .model import MAX_COUNTER, MAX_DIGITS, MAX_PERIOD, Algorithm, Entry, OtpParams, OtpType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "MigrationBatch",
    "decode_secret",
    "encode_secret",
    "format_migration",
    "format_uri",
    "inspect_uri",
    "parse_link",
    "parse_migration",
    "parse_uri",
]

_BASE32_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset("0123456789ABCDEFabcdef")
_KNOWN = ("secret", "issuer", "algorithm", "digits", "period", "counter", "encoder")
_MIN_SECRET_BYTES = 10  # 80 bits: still issued by real sites; shorter draws a warning


def decode_secret(text: str) -> bytes:
    """A setup key as people copy it (any case, spaces, dashes, padding) -> its bytes.

    Lenient the way authenticator apps are: a length RFC 4648 never produces (8k+1, 3 or 6
    characters) and non-zero unused bits in the last character are accepted, the incomplete
    trailing bits dropped (apps wrote such keys and accepted them). A character outside the
    alphabet is still refused: that is a mistyped key, not a sloppy one."""
    if not isinstance(text, str):
        raise InvalidSecret(_("the secret must be text"))
    key = "".join(text.split()).replace("-", "").replace("_", "").upper().rstrip("=")
    if not key:
        raise InvalidSecret(_("the secret is empty"))
    if not _BASE32_ALPHABET.issuperset(key):
        position = next(i for i, ch in enumerate(key) if ch not in _BASE32_ALPHABET) + 1
        raise InvalidSecret(
            _("the secret is not base32: character {position} is not A-Z or 2-7").format(
                position=position
            )
        )
    size = len(key) * 5 // 8
    if size == 0:
        raise InvalidSecret(_("the secret is too short: one base32 character holds no whole byte"))
    # 'A' is five zero bits: whole groups decode, and the key's bytes come first
    return base64.b32decode(key + "A" * (-len(key) % 8))[:size]


def encode_secret(secret: bytes) -> str:
    """Bytes -> unpadded upper-case base32, the form authenticator apps show."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


@dataclass(frozen=True, slots=True)
class MigrationBatch:
    """One ``otpauth-migration://`` link: some entries, and where they sit in the export."""

    entries: tuple[Entry, ...]
    version: int = 1
    batch_size: int = 1
    batch_index: int = 0
    batch_id: int = 0


def parse_link(text: str) -> Entry | MigrationBatch:
    """Any link traycodes reads: ``otpauth://``, ``steam://`` or ``otpauth-migration://``."""
    if _scheme(text) == "otpauth-migration":
        return parse_migration(text)
    return parse_uri(text)


def parse_uri(text: str) -> Entry:
    """An ``otpauth://`` or ``steam://`` link -> an :class:`Entry`."""
    return inspect_uri(text)[0]


def inspect_uri(text: str) -> tuple[Entry, tuple[str, ...]]:
    """Like :func:`parse_uri`, plus warnings a person should see before saving."""
    if not isinstance(text, str):
        raise InvalidUri(_("the link must be text"))
    text = text.strip()
    scheme = _scheme(text)
    if scheme == "steam":
        secret = _secret(_unquote(text[len("steam://") :]).split("?")[0])
        entry = Entry(otp=OtpParams(secret, OtpType.STEAM, digits=5), issuer="Steam")
        return entry, _secret_warnings(secret)
    if scheme != "otpauth":
        shown = f"'{scheme}://'" if scheme else "no scheme"
        raise InvalidUri(_("not an otpauth:// link ({shown})").format(shown=shown))

    rest = text[len("otpauth://") :]
    rest, _unused, _fragment = rest.partition("#")
    path, _unused, query = rest.partition("?")
    kind, _unused, label = path.partition("/")
    try:
        otp_type = OtpType(kind.lower())
    except ValueError:
        raise InvalidUri(_("the link type must be totp, hotp or steam")) from None
    params = _query(query)

    if "secret" not in params or not params["secret"].strip():
        raise InvalidUri(_("the link has no secret"))
    secret = _secret(params["secret"])

    if params.get("encoder", "").lower() == "steam":
        otp_type = OtpType.STEAM
    algorithm = Algorithm.SHA1
    if "algorithm" in params:
        try:
            algorithm = Algorithm.parse(params["algorithm"])
        except ValueError:
            raise InvalidUri(_("unsupported algorithm (use SHA1, SHA256 or SHA512)")) from None
    digits = 5 if otp_type is OtpType.STEAM else _int_param(params, "digits", 6, 1, MAX_DIGITS)
    period = _int_param(params, "period", 30, 1, MAX_PERIOD)
    counter = 0
    if otp_type is OtpType.HOTP:
        if "counter" not in params:
            raise InvalidUri(_("an hotp link needs a counter"))
        counter = _int_param(params, "counter", 0, 0, MAX_COUNTER)

    issuer, account, warnings = _names(_unquote(label), params.get("issuer"))
    entry = _entry(
        issuer,
        account,
        dict(
            secret=secret,
            type=otp_type,
            algorithm=algorithm,
            digits=digits,
            period=period,
            counter=counter,
        ),
    )
    return entry, warnings + _secret_warnings(secret)


# Percent-encoding (RFC 3986), written here: urllib.parse costs ~3 ms at every start of the
# one-shot CLI. tests/unit/test_uri.py checks both against urllib.parse.


def _quote(text: str) -> str:
    """Percent-encode everything but unreserved characters, as UTF-8."""
    return "".join(
        ch if ch in _UNRESERVED else "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in text
    )


def _unquote(text: str, *, plus: bool = False) -> str:
    """Percent-decode (UTF-8; bad sequences become U+FFFD); ``plus``: '+' means space."""
    if plus:
        text = text.replace("+", " ")
    if "%" not in text:
        return text
    parts = text.split("%")
    out = [parts[0]]
    pending = bytearray()
    for part in parts[1:]:
        if len(part) >= 2 and part[0] in _HEX and part[1] in _HEX:
            pending.append(int(part[:2], 16))
            rest = part[2:]
        else:
            rest = "%" + part
        if rest:
            out += (pending.decode("utf-8", "replace"), rest)
            pending.clear()
    out.append(pending.decode("utf-8", "replace"))
    return "".join(out)


def _scheme(text: str) -> str:
    head, sep, _unused = text.strip().partition("://")
    return head.lower() if sep else ""


def _secret(text: str) -> bytes:
    try:
        return decode_secret(text)
    except InvalidSecret as exc:
        raise InvalidUri(str(exc)) from None


def _secret_warnings(secret: bytes) -> tuple[str, ...]:
    if len(secret) < _MIN_SECRET_BYTES:
        return (f"the secret is short ({len(secret) * 8} bits); sites should use at least 80",)
    return ()


def _query(query: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _unused, value = part.partition("=")
        name = _unquote(name, plus=True).strip().lower()
        if name in _KNOWN:
            if name in params:
                raise InvalidUri(_("the link gives '{name}' more than once").format(name=name))
            params[name] = _unquote(value, plus=True)
    return params


def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    if name not in params:
        return default
    text = params[name].strip()
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 25):
        raise InvalidUri(_("'{name}' must be a whole number").format(name=name))
    value = int(text)
    if not low <= value <= high:
        raise InvalidUri(
            _("'{name}' must be between {low} and {high}").format(name=name, low=low, high=high)
        )
    return value


def _entry(issuer: str, account: str, otp: dict[str, Any]) -> Entry:
    """Build the entry, reporting the model's refusals as link errors."""
    try:
        return Entry(otp=OtpParams(**otp), issuer=issuer, account=account)
    except InvalidInput as exc:
        raise InvalidUri(str(exc)) from None


def _names(label: str, issuer_param: str | None) -> tuple[str, str, tuple[str, ...]]:
    """(issuer, account, warnings) from the label and the ``issuer`` parameter."""
    if issuer_param is not None:
        issuer_param = issuer_param.strip()
        if label.startswith(issuer_param + ":"):
            return issuer_param, label[len(issuer_param) + 1 :].strip(), ()
    prefix, colon, account = label.partition(":")
    if not colon:
        prefix, account = "", label
    prefix, account = prefix.strip(), account.strip()
    if issuer_param is None:
        return prefix, account, ()
    warnings: tuple[str, ...] = ()
    if prefix and issuer_param and prefix != issuer_param:
        warnings = (
            f"the label says issuer '{prefix}' but the link's issuer is "
            f"'{issuer_param}'; using '{issuer_param}'",
        )
    return issuer_param or prefix, account, warnings


def format_uri(entry: Entry) -> str:
    """An :class:`Entry` -> an ``otpauth://`` link that :func:`parse_uri` reads back equal."""
    otp = entry.otp
    if entry.issuer:
        label = f"{_quote(entry.issuer)}:{_quote(entry.account)}"
    elif ":" in entry.account:
        label = ":" + _quote(entry.account)  # empty prefix keeps the colon intact
    else:
        label = _quote(entry.account)
    params = [f"secret={encode_secret(otp.secret)}"]
    if entry.issuer:
        params.append(f"issuer={_quote(entry.issuer)}")
    if otp.type is not OtpType.STEAM:
        params += [f"algorithm={otp.algorithm.value.upper()}", f"digits={otp.digits}"]
    if otp.type is OtpType.HOTP:
        params.append(f"counter={otp.counter}")
    else:
        params.append(f"period={otp.period}")
    return f"otpauth://{otp.type.value}/{label}?{'&'.join(params)}"


# --- Google Authenticator export: otpauth-migration://offline?data=<base64 protobuf> ---

_MIGRATION_ALGORITHMS = {
    0: Algorithm.SHA1,
    1: Algorithm.SHA1,
    2: Algorithm.SHA256,
    3: Algorithm.SHA512,
}
_MIGRATION_DIGITS = {0: 6, 1: 6, 2: 8}
_MIGRATION_TYPES = {0: OtpType.TOTP, 1: OtpType.HOTP, 2: OtpType.TOTP}


def parse_migration(text: str) -> MigrationBatch:
    """An ``otpauth-migration://offline?data=...`` link -> its entries and batch fields."""
    from . import protobuf  # only for Google exports: not on every start

    if not isinstance(text, str) or _scheme(text) != "otpauth-migration":
        raise InvalidUri(_("not an otpauth-migration:// link"))
    _unused, _unused, query = text.strip().partition("?")
    data = None
    for part in query.split("&"):
        name, _unused, value = part.partition("=")
        if name.strip().lower() == "data":
            data = value
    if not data:
        raise InvalidUri(_("the export link has no data"))
    # Percent-decode by hand: producers leave '+' unescaped, and '+' here is base64, not space.
    raw = _unquote(data).strip().replace(" ", "+")
    try:
        payload = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidUri(_("the export link's data is not base64")) from None
    try:
        fields = protobuf.decode(payload)
        entries = []
        for number, raw_entry in enumerate(protobuf.repeated(fields, 1, bytes), start=1):
            try:
                entries.append(_migration_entry(protobuf.decode(raw_entry)))
            except InvalidUri as exc:
                raise InvalidUri(
                    _("account {number} of the export: {exc}").format(number=number, exc=exc)
                ) from None
        return MigrationBatch(
            entries=tuple(entries),
            version=protobuf.int32(protobuf.last(fields, 2, 0)),
            batch_size=protobuf.int32(protobuf.last(fields, 3, 1)),
            batch_index=protobuf.int32(protobuf.last(fields, 4, 0)),
            batch_id=protobuf.int32(protobuf.last(fields, 5, 0)),
        )
    except (IndexError, TypeError):
        raise InvalidUri(_("the export link's data is damaged or truncated")) from None


def _migration_entry(fields: dict[int, list[int | bytes]]) -> Entry:
    from . import protobuf  # only for Google exports: not on every start

    secret = protobuf.last(fields, 1, b"")
    name = _utf8(protobuf.last(fields, 2, b""), "name")
    issuer = _utf8(protobuf.last(fields, 3, b""), "issuer").strip()
    algorithm = _MIGRATION_ALGORITHMS.get(protobuf.int32(protobuf.last(fields, 4, 0)))
    digits = _MIGRATION_DIGITS.get(protobuf.int32(protobuf.last(fields, 5, 0)))
    otp_type = _MIGRATION_TYPES.get(protobuf.int32(protobuf.last(fields, 6, 0)))
    counter = protobuf.last(fields, 7, 0)
    if not isinstance(secret, bytes) or not secret:
        raise InvalidUri(_("the secret is empty"))
    if algorithm is None:
        raise InvalidUri(_("unsupported algorithm (MD5 or unknown)"))
    if digits is None:
        raise InvalidUri(_("unsupported number of digits"))
    if otp_type is None:
        raise InvalidUri(_("unsupported OTP type"))
    if not isinstance(counter, int) or not 0 <= counter <= MAX_COUNTER:
        raise InvalidUri(_("the counter is out of range"))
    if issuer and name.startswith(issuer + ":"):
        account = name[len(issuer) + 1 :]
    elif not issuer and ":" in name:
        issuer, _unused, account = name.partition(":")
    else:
        account = name
    if otp_type is not OtpType.HOTP:
        counter = 0
    return _entry(
        issuer,
        account,
        dict(secret=secret, type=otp_type, algorithm=algorithm, digits=digits, counter=counter),
    )


def format_migration(
    entries: list[Entry] | tuple[Entry, ...],
    *,
    batch_size: int = 1,
    batch_index: int = 0,
    batch_id: int = 0,
) -> str:
    """Entries -> an ``otpauth-migration://`` link Google Authenticator imports.

    Steam and non-30-second TOTP cannot be expressed and are refused.
    """
    from . import protobuf  # only for Google exports: not on every start

    algorithms = {Algorithm.SHA1: 1, Algorithm.SHA256: 2, Algorithm.SHA512: 3}
    payload = bytearray()
    for entry in entries:
        otp = entry.otp
        if (
            otp.type is OtpType.STEAM
            or otp.digits not in (6, 8)
            or (otp.type is OtpType.TOTP and otp.period != 30)
        ):
            raise InvalidUri(
                _(
                    "{label} cannot be exported to Google Authenticator (it takes 6 "
                    "or 8 digit codes, TOTP every 30 seconds or HOTP)"
                ).format(label=entry.label)
            )
        # An account with a colon and no issuer gets an empty prefix, so the colon survives.
        if entry.issuer or ":" in entry.account:
            name = f"{entry.issuer}:{entry.account}"
        else:
            name = entry.account
        item = bytearray()
        item += protobuf.field_bytes(1, otp.secret)
        item += protobuf.field_bytes(2, name.encode())
        item += protobuf.field_bytes(3, entry.issuer.encode())
        item += protobuf.field_varint(4, algorithms[otp.algorithm])
        item += protobuf.field_varint(5, 1 if otp.digits == 6 else 2)
        item += protobuf.field_varint(6, 1 if otp.type is OtpType.HOTP else 2)
        if otp.type is OtpType.HOTP:
            item += protobuf.field_varint(7, otp.counter)
        payload += protobuf.field_bytes(1, bytes(item))
    payload += protobuf.field_varint(2, 1)
    payload += protobuf.field_varint(3, batch_size)
    payload += protobuf.field_varint(4, batch_index)
    payload += protobuf.field_varint(5, batch_id)
    data = _quote(base64.b64encode(bytes(payload)).decode("ascii"))
    return f"otpauth-migration://offline?data={data}"


def _utf8(value: int | bytes, name: str) -> str:
    if not isinstance(value, bytes):
        raise TypeError("wrong wire type")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidUri(_("the {name} is not valid UTF-8").format(name=name)) from None
