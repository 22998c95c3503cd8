"""What traycodes keeps: OTP parameters, entries from outside, and vault records.

* :class:`OtpParams` -- how to compute codes (type, secret, algorithm, digits, ...).
* :class:`Entry` -- an OTP as a link, a QR code or an export brings it: no identity yet.
* :class:`Record` -- a site or app in the vault, with an id, times and a deletion marker;
  it may wait for an OTP (``otp is None``).

All are frozen and validate themselves; secrets (and notes) never appear in ``repr``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from .errors import InvalidInput
from .i18n import _

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MAX_DIGITS = 10  # dynamic truncation yields 31 bits: at most 10 meaningful digits
MAX_COUNTER = 2**63 - 1
MAX_PERIOD = 2**31 - 1
STEAM_DIGITS = 5
HOTKEY_ACTIONS = ("", "type", "copy", "both")
_HEX_DIGITS = "0123456789abcdef"


class OtpType(enum.StrEnum):
    """The kinds of one-time password traycodes computes."""

    TOTP = "totp"
    HOTP = "hotp"
    STEAM = "steam"

    @property
    def is_timed(self) -> bool:
        """True when codes change with time (TOTP and Steam)."""
        return self is not OtpType.HOTP


class Algorithm(enum.StrEnum):
    """HMAC hash functions; the values are :mod:`hashlib` names."""

    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA512 = "sha512"

    @classmethod
    def parse(cls, text: str) -> Algorithm:
        """``sha1``, ``SHA-256``, ``Sha512`` ... -> the member; anything else is refused."""
        name = text.strip().lower().replace("-", "").replace("_", "")
        try:
            return cls(name)
        except ValueError:
            raise InvalidInput(_("unsupported algorithm (use SHA1, SHA256 or SHA512)")) from None


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be a whole number")
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}")
    return value


# OtpParams and Record keep a __dict__ (no slots): the vault fills it in one call when it
# opens authenticated records, ~5x faster than setting fields one by one.
@dataclass(frozen=True)
class OtpParams:
    """Everything needed to compute codes. ``counter`` matters for HOTP only."""

    secret: bytes = field(repr=False)
    type: OtpType = OtpType.TOTP
    algorithm: Algorithm = Algorithm.SHA1
    digits: int = 6
    period: int = 30
    counter: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.secret, bytes) or not self.secret:
            raise InvalidInput("the secret is empty")
        try:
            object.__setattr__(self, "type", OtpType(self.type))
        except ValueError:
            raise InvalidInput("the OTP type must be totp, hotp or steam") from None
        try:
            object.__setattr__(self, "algorithm", Algorithm(self.algorithm))
        except ValueError:
            raise InvalidInput(_("unsupported algorithm (use SHA1, SHA256 or SHA512)")) from None
        if self.type is OtpType.STEAM:
            _check_int("digits", self.digits, STEAM_DIGITS, STEAM_DIGITS)
        else:
            _check_int("digits", self.digits, 1, MAX_DIGITS)
        _check_int("period", self.period, 1, MAX_PERIOD)
        _check_int("counter", self.counter, 0, MAX_COUNTER)

    def advanced(self) -> OtpParams:
        """The same HOTP parameters with the counter moved on by one."""
        if self.type is not OtpType.HOTP:
            raise InvalidInput("only HOTP has a counter to advance")
        return replace(self, counter=self.counter + 1)


def _clean_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text")
    if not value.isprintable() and any(
        ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" for ch in value
    ):
        raise InvalidInput(f"{name} contains control characters or broken Unicode")
    return value.strip()


def _clean_texts(name: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, tuple | list):
        raise InvalidInput(f"{name} must be a list of text")
    cleaned = (_clean_text(name, v) for v in values)
    return tuple(dict.fromkeys(v for v in cleaned if v))


@dataclass(frozen=True, slots=True)
class Entry:
    """An OTP as brought in from outside (a link, a QR code, an export)."""

    otp: OtpParams
    issuer: str = ""
    account: str = ""
    websites: tuple[str, ...] = ()
    note: str = field(default="", repr=False)
    tags: tuple[str, ...] = ()
    favorite: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.otp, OtpParams):
            raise InvalidInput("an entry needs OTP parameters")
        object.__setattr__(self, "issuer", _clean_text("issuer", self.issuer))
        object.__setattr__(self, "account", _clean_text("account", self.account))
        object.__setattr__(self, "websites", _clean_texts("websites", self.websites))
        object.__setattr__(self, "tags", _clean_texts("tags", self.tags))
        if not isinstance(self.note, str):
            raise InvalidInput("note must be text")
        object.__setattr__(self, "favorite", bool(self.favorite))

    @property
    def label(self) -> str:
        """``Issuer (account)``, or whichever of the two exists."""
        return display_label(self.issuer, self.account)


def display_label(issuer: str, account: str) -> str:
    """How a record is named to people: ``GitHub (octocat)``."""
    if issuer and account:
        return f"{issuer} ({account})"
    return issuer or account or "(unnamed)"


@dataclass(frozen=True)
class Record:
    """A site or app in the vault. ``deleted`` records are markers kept for merging."""

    id: str
    issuer: str = ""
    account: str = ""
    otp: OtpParams | None = None
    websites: tuple[str, ...] = ()
    title_patterns: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    note: str = field(default="", repr=False)
    tags: tuple[str, ...] = ()
    favorite: bool = False
    created: float = 0.0
    modified: float = 0.0
    used: float = 0.0
    deleted: bool = False
    hotkey_action: str = ""  # "", or type / copy / both: overrides the setting
    previous_otp: OtpParams | None = field(default=None, repr=False)  # before a re-enrolment

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or len(self.id) != 32 or self.id.strip(_HEX_DIGITS):
            raise InvalidInput("a record id is 32 lower-case hex digits")
        for name in ("otp", "previous_otp"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), OtpParams):
                raise InvalidInput(f"{name} must be OTP parameters or None")
        for name in ("issuer", "account"):
            object.__setattr__(self, name, _clean_text(name, getattr(self, name)))
        for name in ("websites", "title_patterns", "apps", "tags"):
            object.__setattr__(self, name, _clean_texts(name, getattr(self, name)))
        if not isinstance(self.note, str):
            raise InvalidInput("note must be text")
        for name in ("created", "modified", "used"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise InvalidInput(f"{name} must be a time in Unix seconds")
            object.__setattr__(self, name, float(value))
        object.__setattr__(self, "favorite", bool(self.favorite))
        object.__setattr__(self, "deleted", bool(self.deleted))
        if self.hotkey_action not in HOTKEY_ACTIONS:
            raise InvalidInput("the hotkey action must be type, copy or both")

    @property
    def label(self) -> str:
        """``Issuer (account)``, or whichever of the two exists."""
        return display_label(self.issuer, self.account)

    @classmethod
    def from_entry(cls, entry: Entry, *, id: str, now: float) -> Record:
        """A new record holding what ``entry`` brought."""
        return cls(
            id=id,
            issuer=entry.issuer,
            account=entry.account,
            otp=entry.otp,
            websites=entry.websites,
            note=entry.note,
            tags=entry.tags,
            favorite=entry.favorite,
            created=now,
            modified=now,
        )

    def to_entry(self) -> Entry:
        """This record as an entry (for exports); it must have an OTP."""
        if self.otp is None:
            raise InvalidInput(f"{self.label} has no OTP")
        return Entry(
            otp=self.otp,
            issuer=self.issuer,
            account=self.account,
            websites=self.websites,
            note=self.note,
            tags=self.tags,
            favorite=self.favorite,
        )

    def edited(self, now: float, **changes: Any) -> Record:
        """A copy with ``changes`` applied and ``modified`` set to ``now``."""
        return replace(self, modified=max(now, self.modified), **changes)

    def tombstone(self, now: float) -> Record:
        """The deletion marker that replaces this record: no secret, no names."""
        return Record(
            id=self.id, created=self.created, modified=max(now, self.modified), deleted=True
        )


@dataclass(frozen=True, slots=True)
class Window:
    """A window on the desktop: the one a hotkey was pressed in."""

    id: str
    title: str
    app: str = ""  # process name, else WM_CLASS; lower-case
    pid: int = 0
    classes: tuple[str, ...] = ()  # WM_CLASS instance and class, or the app id; lower-case
