"""What the format readers share: the items a reader yields and the JSON and size checks
every file goes through. (The package's facade, ``read`` and ``detect``, imports the
readers; the readers import this, never the facade.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..errors import InvalidInput, TrayCodesError
from ..i18n import _
from ..model import Algorithm, Entry, OtpParams, OtpType
from .budget import TooMuchWork, count_account

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PasswordSource = Callable[[], "str | None"]


class UnsupportedKind(InvalidInput):
    """An entry of a kind of code traycodes does not make (mOTP, Yandex): left out of an
    import with a word, not a reason to refuse the whole file."""


@dataclass(frozen=True)
class Item:
    """One account from an export: the entry, or why it could not be read (``unsupported``:
    because it is a kind of code traycodes does not make, not because it is damaged)."""

    where: str  # "entry 3 (GitHub)", "line 7", ...
    entry: Entry | None = None
    problem: str = ""
    unsupported: bool = False
    ref: str = ""  # the app's own id of the entry (Aegis' uuid), where it has one


@dataclass(frozen=True)
class Batch:
    """What a file held, and anything about the file as a whole worth saying."""

    format: str
    items: list[Item]
    notes: tuple[str, ...] = ()


def item(where: str, make: Callable[[], Entry], ref: str = "") -> Item:
    """Build one item; a refusal of the model or the link parser becomes its problem."""
    count_account()
    try:
        return Item(where, entry=make(), ref=ref)
    except TooMuchWork:
        raise  # the file as a whole is refused
    except UnsupportedKind as exc:
        return Item(where, problem=str(exc), unsupported=True, ref=ref)
    except TrayCodesError as exc:
        return Item(where, problem=str(exc), ref=ref)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
        return Item(
            where,
            problem=_("missing or malformed field ({error})").format(error=type(exc).__name__),
            ref=ref,
        )


MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any real export, icons included


def load_json(data: bytes, what: str) -> Any:
    """Parse JSON, saying where it broke; too large or too deeply nested is refused."""
    check_size(data, what)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise InvalidInput(
            _("the {what} is nested too deeply to be an export").format(what=what)
        ) from None
    except UnicodeDecodeError:
        raise InvalidInput(_("the {what} is not UTF-8 text").format(what=what)) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            _(
                "the {what} is not valid JSON: {msg} at line {lineno}, column "
                "{colno} (damaged or truncated?)"
            ).format(what=what, msg=exc.msg, lineno=exc.lineno, colno=exc.colno)
        ) from None
    except ValueError:  # a number longer than Python converts (4,300 digits)
        raise InvalidInput(
            _("the {what} holds a number far too long to be an export's").format(what=what)
        ) from None


def check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            _("the {what} is {size} MiB, more than any export: not read").format(
                what=what, size=len(data) // (1024 * 1024)
            )
        )


def otp_type(text: object) -> OtpType:
    """``totp``, ``HOTP``, ``Steam``... (missing: TOTP); other kinds (mOTP, Yandex) are
    refused by name."""
    kind = str(text or "totp").lower()
    try:
        return OtpType(kind)
    except ValueError:
        known = kind in ("motp", "yandex")  # real kinds other apps make; else a damaged file
        raise (UnsupportedKind if known else InvalidInput)(
            f"{kind} codes are not supported"
        ) from None


def otp_params(
    secret: bytes, kind: OtpType, algorithm: Any, digits: Any, period: Any, counter: Any
) -> OtpParams:
    """OTP parameters as exports spell them: missing or empty fields take the usual
    defaults (SHA1, 6 digits, 30 s); Steam codes are always 5 characters."""
    return OtpParams(
        secret,
        kind,
        Algorithm.parse(str(algorithm or "SHA1")),
        5 if kind is OtpType.STEAM else int(digits or 6),
        int(period or 30),
        int(counter or 0) if kind is OtpType.HOTP else 0,
    )


def readable_name(raw: object, *keys: str) -> str:
    """A readable name for an entry in messages (its issuer, label...), or "?"."""
    if isinstance(raw, dict):
        for key in keys:
            value = raw.get(key)
            if isinstance(value, dict):  # a nested object: its own name, if any
                value = value.get("name") or value.get("issuer")
            if value:
                return str(value)
    return "?"


def many(
    fmt: str, raws: object, word: str, build: Callable[[Any], Entry], *name_keys: str
) -> Batch:
    """One item per raw account, each named by its number and a readable name."""
    if not isinstance(raws, list):
        raise InvalidInput(_("the {fmt} export has no list of accounts").format(fmt=fmt))
    return Batch(
        fmt,
        [
            item(f"{word} {n} ({readable_name(raw, *name_keys)})", partial(build, raw))
            for n, raw in enumerate(raws, start=1)
        ],
    )


def ask_password(password: PasswordSource, what: str) -> str:
    """The export's password, or Locked (exit 3) saying how to give one."""
    given = password()
    if not given:
        from ..errors import Locked

        raise Locked(
            _(
                "the {what} export is encrypted: give its password (a terminal "
                "prompt, or --password-stdin)"
            ).format(what=what)
        )
    return given


def otp_from(text: str) -> OtpParams:
    """What a password manager's OTP field holds: an otpauth or steam link, or a bare
    base32 key (SHA1, 6 digits, 30 s)."""
    from ..uri import decode_secret, parse_uri

    text = text.strip()
    if text.lower().startswith(("otpauth://", "steam://")):
        return parse_uri(text).otp
    return OtpParams(decode_secret(text))


def entry_of_item(
    otp_text: str,
    name: str,
    username: str,
    websites: tuple[str, ...],
    *,
    note: str = "",
    tags: tuple[str, ...] = (),
    favorite: bool = False,
) -> Entry:
    """An entry from a password manager's item: the link's own issuer and account where
    it has them, else the item's name and username; the item's addresses as websites."""
    from ..uri import parse_uri

    text = otp_text.strip()
    issuer, account = name, username
    if text.lower().startswith("otpauth://"):
        found = parse_uri(text)
        issuer, account, otp = found.issuer or name, found.account or username, found.otp
    else:
        otp = otp_from(text)
    return Entry(
        otp=otp,
        issuer=issuer,
        account=account,
        websites=websites,
        note=note,
        tags=tags,
        favorite=favorite,
    )
