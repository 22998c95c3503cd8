"""What the enrolment dialog understands of what was typed, pasted or scanned, without Tk:
an otpauth link (or a Google export, or steam://), else a setup key with its settings,
becomes entries, warnings and a note; scanned QR texts become links; and where an entry
would go by default. The dialog (ui/enrol.py) only draws this."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..errors import InvalidInput
from ..i18n import _
from ..model import Algorithm, Entry, OtpParams, OtpType
from ..otp import code
from ..otp import group_code as grouped
from ..uri import MigrationBatch, decode_secret, inspect_uri, parse_link

SHORT_KEY_BYTES = 10
KINDS = {"TOTP": OtpType.TOTP, "HOTP": OtpType.HOTP, "Steam": OtpType.STEAM}
LINK_SCHEMES = ("otpauth://", "otpauth-migration://", "steam://")


@dataclass(frozen=True)
class Target:
    """Where an entry can go: an existing record (``record_id``) or a new one (``None``)."""

    record_id: str | None
    label: str
    has_otp: bool = False
    current_code: str = ""  # its code now, shown beside the new one before a replace


@dataclass(frozen=True)
class Form:
    """The dialog's fields, as text."""

    link: str = ""
    key: str = ""
    kind: str = "TOTP"
    algorithm: str = "SHA1"
    digits: str = "6"
    period: str = "30"
    counter: str = "0"
    issuer: str = ""
    account: str = ""
    website: str = ""  # for one account: where it signs in (matching, the browser)


@dataclass(frozen=True)
class Reading:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note: str = ""

    def message(self) -> str:
        """The warnings and the note in one line, the first word capitalised."""
        shown = self.warnings + ([self.note] if self.note else [])
        return "; ".join(w[:1].upper() + w[1:] if i == 0 else w for i, w in enumerate(shown))


def _from_key(form: Form) -> Reading:
    secret = decode_secret(form.key)
    kind = KINDS.get(form.kind)
    if kind is None:
        raise InvalidInput(
            _("unknown kind {kind}: TOTP, HOTP or Steam").format(kind=repr(form.kind))
        )
    try:
        digits = 5 if kind is OtpType.STEAM else int(form.digits)
        period, counter = int(form.period), int(form.counter)
    except ValueError:
        raise InvalidInput(_("digits, period and counter must be whole numbers")) from None
    if not form.issuer.strip():
        raise InvalidInput(_("give the site or app the key is for"))
    entry = Entry(
        otp=OtpParams(
            secret,
            kind,
            Algorithm.parse(form.algorithm),
            digits,
            period,
            counter if kind is OtpType.HOTP else 0,
        ),
        issuer=form.issuer,
        account=form.account,
    )
    warnings = []
    if len(secret) < SHORT_KEY_BYTES:
        warnings.append(
            _("the key is short ({bits} bits); check it was copied whole").format(
                bits=len(secret) * 8
            )
        )
    return Reading([entry], warnings)


def read_form(form: Form) -> Reading:
    """Entries, warnings and a note from the fields; InvalidInput (one line) when bad. A
    link wins over a key; neither gives an empty reading."""
    text = form.link.strip()
    if text:
        parsed = parse_link(text)
        if isinstance(parsed, MigrationBatch):
            note = ""
            if parsed.batch_size > 1:
                note = _(
                    "Part {part} of {parts} of a "
                    "Google Authenticator export: add the others' codes afterwards."
                ).format(part=parsed.batch_index + 1, parts=parsed.batch_size)
            return Reading(list(parsed.entries), [], note)
        entry, link_warnings = inspect_uri(text)
        # the name fields show the link's names (names_prefill); what the user typed
        # over them wins
        entry = replace(
            entry,
            issuer=form.issuer.strip() or entry.issuer,
            account=form.account.strip() or entry.account,
        )
        return _with_website(Reading([entry], list(link_warnings)), form)
    if form.key.strip():
        return _with_website(_from_key(form), form)
    return Reading()


def _with_website(reading: Reading, form: Form) -> Reading:
    """The website field, given to the one account read (an export of several has none)."""
    website = form.website.strip()
    if not website or len(reading.entries) != 1:
        return reading
    entry = replace(reading.entries[0], websites=(website,))
    return Reading([entry], reading.warnings, reading.note)


def names_prefill(
    current: tuple[str, str], filled: tuple[str, str], link: str, entries: list[Entry]
) -> tuple[str, str] | None:
    """What the "Site or app" and "Account" fields should now show: the link's names
    (one account read from ``link``: pasted, scanned or opened), field by field unless the
    user wrote their own (``filled``: what was pre-filled last); None: leave them."""
    if not link.strip() or len(entries) > 1:
        wanted = ("", "")  # no link (a setup key's names are the user's), or an export
    elif entries:
        wanted = (entries[0].issuer, entries[0].account)
    else:
        return None  # a link being typed: keep what is shown
    shown = tuple(
        want if now in ("", was) else now
        for now, was, want in zip(current, filled, wanted, strict=True)
    )
    return (shown[0], shown[1]) if shown != current else None


def website_prefill(current: str, filled: str, entries: list[Entry]) -> str | None:
    """What the website field should now show: the directory's website for the one
    account's issuer, unless the user wrote their own (``filled``: what was pre-filled
    last); None: leave it as it is."""
    if current and current != filled:
        return None  # the user's own
    issuer = entries[0].issuer if len(entries) == 1 else ""
    suggested = directory_website(issuer) if issuer else ""
    return suggested if suggested != current else None


def directory_website(issuer: str) -> str:
    """The website the 2FA directory gives an issuer that is one of its sites ("GitHub" ->
    "https://github.com"), to pre-fill the dialog's website field; "" for none."""
    from ..directory import by_name

    site = by_name(issuer)
    return f"https://{site.domains[0]}" if site is not None and site.domains else ""


def links_in(result: list[str] | str) -> list[str] | str:
    """A scan's texts -> the OTP links among them, or why there are none."""
    if isinstance(result, str):
        return result
    links = [t for t in result if t.lower().startswith(("otpauth", "steam://"))]
    return links or _("No otpauth QR code was found.")


def link_name(link: str) -> str:
    """How the QR chooser names a link."""
    try:
        parsed = parse_link(link)
    except InvalidInput:
        return _("(not readable)")
    return parsed.entries[0].label + " …" if isinstance(parsed, MigrationBatch) else parsed.label


def is_link(text: str) -> bool:
    return text.strip().lower().startswith(LINK_SCHEMES)


def default_target(targets: list[Target]) -> str:
    """The choice made for the user: a matching record still waiting for its OTP, else a
    new record (never replacing a key by default)."""
    best = next((t for t in targets if t.record_id and not t.has_otp), None)
    return best.record_id if best is not None and best.record_id else "new"


def replace_question(target: Target, entry: Entry, now: float) -> str:
    """What the user confirms before a record's key is replaced: both codes side by side."""
    return _(
        "{account} already has an OTP.\n\n"
        "Its code now:\t{old}\n"
        "The new key's code:\t{new}\n\n"
        "Replace its key with the new one? The old key is kept: 'traycodes edit "
        "QUERY --restore-previous-key' brings it back."
    ).format(
        account=target.label,
        old=grouped(target.current_code),
        new=grouped(code(entry.otp, now)),
    )
