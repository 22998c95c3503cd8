"""Import from the authenticators people leave, and export to where they go.

Each reader turns a file (bytes) into :class:`Item` s, one per account it holds, each
either an :class:`~traycodes.model.Entry` or the reason it cannot be read. A file that is
broken as a whole raises :class:`~traycodes.errors.InvalidInput` saying where. The caller
decides what to do with unreadable items (all or nothing, or ``--skip-invalid``).

Formats: Google Authenticator exports (links or QR images), Aegis (plain and encrypted),
2FAS (plain and encrypted), andOTP (plain and encrypted, old and new), Bitwarden JSON
(plain and password-protected) and CSV, Ente Auth (plain and encrypted), FreeOTP+ JSON,
Proton Authenticator (plain and encrypted), Stratum (plain and encrypted), Authy's token
files, LastPass Authenticator, 1Password (CSV and .1pux), KeePass and KeePassXC databases,
text lists of otpauth links, traycodes backups.
"""

from __future__ import annotations

import json

from ..errors import InvalidInput, TrayCodesError
from ..i18n import _
from .base import MAX_FILE_BYTES, Batch, Item, PasswordSource, check_size, item, load_json
from .images import qr_texts

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "Batch",
    "Item",
    "PasswordSource",
    "check_size",
    "detect",
    "is_image",
    "item",
    "load_json",
    "qr_texts",
    "read",
]

FORMATS = (
    "auto",
    "otpauth",
    "google",
    "aegis",
    "2fas",
    "andotp",
    "bitwarden",
    "bitwarden-csv",
    "ente",
    "freeotp",
    "proton",
    "stratum",
    "authy",
    "lastpass",
    "1password",
    "1pux",
    "keepass",
    "csv",
    "traycodes",
    "image",
)


def is_image(data: bytes) -> bool:
    """Whether a file is an image (PNG, JPEG, GIF, BMP, WebP), from its first bytes."""
    head = data[:16]
    return head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")) or head[8:12] == b"WEBP"


def detect(data: bytes) -> str:
    """The format of an export, from its content."""
    if is_image(data):
        return "image"
    if data.startswith(b"traycodes-vault "):
        return "traycodes"
    if data.startswith((b"AUTHENTICATORPRO", b"AuthenticatorPro")):
        return "stratum"
    if data[:8] == bytes.fromhex("03d9a29a67fb4bb5"):
        return "keepass"
    if data[:4] == b"PK\x03\x04":
        return "1pux"  # the zip of 1Password's export
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return "andotp"  # encrypted andOTP backups are raw bytes
    if text.startswith(("{", "[")):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):  # a number of 5,000 digits is a ValueError too
            return "json"  # broken JSON: the caller reports where
        from .apps import looks_like

        app = looks_like(parsed)
        if app is not None:
            return app
        if isinstance(parsed, dict):
            if "encKeyValidation_DO_NOT_EDIT" in parsed:
                return "bitwarden"  # encrypted: password-protected or account restricted
            if "kdfParams" in parsed and "encryptedData" in parsed:
                return "ente"  # encrypted
            if "salt" in parsed and "content" in parsed and "version" in parsed:
                return "proton"  # encrypted
            if "db" in parsed and "header" in parsed:
                return "aegis"
            if "services" in parsed or "servicesEncrypted" in parsed:
                return "2fas"
            if "items" in parsed:
                return "bitwarden"
            if "tokens" in parsed:
                return "freeotp"
        if isinstance(parsed, list):
            return "andotp"
        return "json"
    lowered = text.lower()
    if text.startswith("<") and "com.authy.storage.tokens" in text:
        return "authy"
    first_line = lowered.split("\n", 1)[0]
    is_link = first_line.startswith(("otpauth://", "steam://", "otpauth-migration://"))
    if not is_link and (
        "login_totp" in first_line or ("title" in first_line and "otpauth" in first_line)
    ):
        return "csv"
    if "otpauth-migration://" in lowered:
        return "google"
    if "codedisplay=" in lowered:
        return "ente"
    if "otpauth://" in lowered or "steam://" in lowered:
        return "otpauth"
    if not text:
        raise InvalidInput(_("the file is empty"))
    return "andotp"


def read(
    data: bytes,
    fmt: str = "auto",
    *,
    password: PasswordSource = lambda: None,
    images: list[bytes] | None = None,
) -> Batch:
    """Read an export. ``images``: further QR images of a multi-part Google export."""
    from . import readers

    check_size(data, "file")
    fmt = detect(data) if fmt == "auto" else fmt
    if fmt == "json":
        load_json(data, "file")  # says where it broke
        raise InvalidInput(
            _(
                "this JSON is not an export traycodes knows (Aegis, 2FAS, andOTP, Bitwarden, "
                "FreeOTP+, Proton Authenticator, Stratum, LastPass); --format names one"
            )
        )
    reader = readers.READERS.get(fmt)
    if reader is None:
        raise InvalidInput(
            _("unknown format '{fmt}' (known: {known})").format(fmt=fmt, known=", ".join(FORMATS))
        )
    from .budget import end_budget, new_budget

    budget = new_budget()  # the key-derivation work this file may ask for: see .budget
    try:
        if fmt == "image":
            return readers.read_images([data, *(images or [])])
        return reader(data, password)
    except TrayCodesError:
        raise
    except (
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        ValueError,
        ArithmeticError,  # "Digits": 1e400 is an infinite float: int() of it overflows
        RecursionError,
    ):
        # A file of another shape than the format's (a JSON number where an object was
        # due...): readers check what they use, and this catches what they could not foresee.
        raise InvalidInput(
            _("this is not a {fmt} export traycodes can read (or it is damaged)").format(fmt=fmt)
        ) from None
    finally:
        end_budget(budget)
