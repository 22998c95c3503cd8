"""Readers for password managers' exports that carry one-time passwords: Bitwarden's CSV,
1Password's CSV and ``.1pux``, KeePass/KeePassXC databases (``.kdbx``). A manager's
export also holds every password: only the OTP fields, names, usernames, websites and
notes are read; passwords are never kept."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import partial
from typing import Any

from ..errors import InvalidInput, TrayCodesError, WrongPassword
from ..i18n import _
from ..model import Entry, OtpParams
from ..uri import decode_secret
from .base import (
    Batch,
    Item,
    PasswordSource,
    ask_password,
    check_size,
    entry_of_item,
    item,
    load_json,
)
from .budget import spend_aes_kdf, spend_argon2

# --- CSV: Bitwarden and 1Password ------------------------------------------------------------

BITWARDEN_COLUMNS = {"login_totp", "name"}  # others (login_uri, login_username...) optional


MAX_CSV_COLUMNS = 1000  # exports have about ten; custom fields add a few


def _csv_rows(data: bytes, what: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The header (lower-cased) and rows of a CSV export. The rows are read one at a time
    as they are used (a crafted file of millions of tiny fields never sits in memory as
    lists and dicts at once); a damaged row stops the reading with one line."""
    check_size(data, what)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    first = _next_row(reader, what)
    if first is None:
        raise InvalidInput(_("the {what} is empty").format(what=what))
    header = [name.strip().lower() for name in first]
    if len(header) > MAX_CSV_COLUMNS:
        raise InvalidInput(
            _("the {what} has {count} columns, more than any export").format(
                what=what, count=len(header)
            )
        )
    return header, _csv_dicts(reader, header, what)


def _next_row(reader: Iterator[list[str]], what: str) -> list[str] | None:
    try:
        return next(reader, None)
    except UnicodeDecodeError:
        raise InvalidInput(_("the {what} is not UTF-8 text").format(what=what)) from None
    except csv.Error as exc:
        raise InvalidInput(
            _("the {what} is not valid CSV: {exc}").format(what=what, exc=exc)
        ) from None


def _csv_dicts(
    reader: Iterator[list[str]], header: list[str], what: str
) -> Iterator[dict[str, str]]:
    number = 1
    while (row := _next_row(reader, what)) is not None:
        number += 1
        if not any(row):
            continue
        if len(row) < len(header):
            raise InvalidInput(
                _(
                    "row {number} of the {what} has {count} fields where its header "
                    "has {columns}: the file is damaged or truncated"
                ).format(number=number, what=what, count=len(row), columns=len(header))
            )
        # Fields after the header's columns (a hand-edited export) name nothing: ignored.
        yield dict(zip(header, row[: len(header)], strict=True))


def read_bitwarden_csv(data: bytes, password: PasswordSource) -> Batch:
    """Bitwarden's CSV export (personal: ``folder, favorite, type, name, notes, fields,
    login_uri, login_username, login_password, login_totp``; an organization's has
    ``collections`` instead of ``folder`` and ``favorite``). Rows of type ``login`` with a
    ``login_totp``; ``login_uri`` may list several addresses, comma-separated."""
    return _bitwarden_csv(*_csv_rows(data, "Bitwarden CSV export"))


def _bitwarden_csv(header: list[str], rows: Iterator[dict[str, str]]) -> Batch:
    if not set(header) >= BITWARDEN_COLUMNS:
        raise InvalidInput(_("this CSV is not a Bitwarden export (no login_totp column)"))
    items: list[Item] = []
    for number, row in enumerate(rows, start=2):
        kind = (row.get("type") or "login").strip()
        if kind not in ("login", "1") or not (row.get("login_totp") or "").strip():
            continue
        folder = (row.get("folder") or row.get("collections") or "").strip()
        items.append(
            item(
                f"row {number} ({row.get('name') or '?'})",
                partial(
                    entry_of_item,
                    row["login_totp"],
                    row.get("name") or "",
                    row.get("login_username") or "",
                    _split_urls(row.get("login_uri") or ""),
                    note=row.get("notes") or "",
                    tags=(folder,) if folder else (),
                    favorite=(row.get("favorite") or "").strip() == "1",
                ),
            )
        )
    return Batch("bitwarden-csv", items)


def _split_urls(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


ONEPASSWORD_OTP_COLUMNS = ("otpauth", "one-time password", "one time password", "otp", "totp")


def read_1password_csv(data: bytes, password: PasswordSource) -> Batch:
    """1Password's CSV export (1Password 8: ``Title, Url, Username, Password, OTPAuth,
    Favorite, Archived, Tags, Notes``; 1Password 7 names the OTP column "one-time
    password"): rows with an OTP link or key; archived rows are left out."""
    return _1password_csv(*_csv_rows(data, "1Password CSV export"))


def _1password_csv(header: list[str], rows: Iterator[dict[str, str]]) -> Batch:
    otp_column = next((c for c in ONEPASSWORD_OTP_COLUMNS if c in header), None)
    if "title" not in header or otp_column is None:
        raise InvalidInput(_("this CSV is not a 1Password export (no Title and OTPAuth columns)"))
    items: list[Item] = []
    for number, row in enumerate(rows, start=2):
        if not (row.get(otp_column) or "").strip():
            continue
        if (row.get("archived") or "").strip().lower() in ("1", "true"):
            continue  # as in 1Password itself, archived items are not in use
        url = (row.get("url") or row.get("website") or "").strip()
        tags = tuple(t.strip() for t in (row.get("tags") or "").split(",") if t.strip())
        items.append(
            item(
                f"row {number} ({row.get('title') or '?'})",
                partial(
                    entry_of_item,
                    row[otp_column],
                    row.get("title") or "",
                    row.get("username") or "",
                    (url,) if url else (),
                    note=row.get("notes") or "",
                    tags=tags,
                    favorite=(row.get("favorite") or "").strip().lower() in ("1", "true"),
                ),
            )
        )
    return Batch("1password", items)


def read_csv(data: bytes, password: PasswordSource) -> Batch:
    """A CSV export: Bitwarden's or 1Password's, by its header (the file is read once)."""
    header, rows = _csv_rows(data, "CSV file")
    if "login_totp" in header:
        return _bitwarden_csv(header, rows)
    return _1password_csv(header, rows)


# --- 1Password .1pux -------------------------------------------------------------------------

MAX_1PUX_DATA = 64 * 1024 * 1024


def read_1pux(data: bytes, password: PasswordSource) -> Batch:
    """1Password's ``.1pux``: a zip whose ``export.data`` is JSON ``{"accounts": [{"vaults":
    [{"attrs": {"name"}, "items": [{"state", "favIndex", "overview": {"title", "url",
    "urls", "tags"}, "details": {"loginFields", "notesPlain", "sections": [{"fields":
    [{"value": {"totp": LINK}}]}]}}]}]}]}`` (older exports wrap each item in ``{"item":
    …}``). Archived and trashed items are left out."""
    parsed = load_json(_1pux_data(data), "1Password export data")
    if not isinstance(parsed, dict) or not isinstance(parsed.get("accounts"), list):
        raise InvalidInput(_("the 1Password export data has no accounts"))
    items: list[Item] = []
    for account in parsed["accounts"]:
        for vault in (account or {}).get("vaults") or []:
            for listed in (vault or {}).get("items") or []:
                # 1PUX v3 lists items as they are; older exports wrap each in "item"
                raw = listed.get("item", listed) if isinstance(listed, dict) else None
                if not isinstance(raw, dict) or raw.get("trashed"):
                    continue
                if raw.get("state") in ("archived", "deleted"):
                    continue
                title = str((raw.get("overview") or {}).get("title") or "?")
                for number, link in enumerate(_1pux_otps(raw), start=1):
                    where = f"item {title}" + (f", code {number}" if number > 1 else "")
                    items.append(item(where, partial(_1pux_entry, raw, link)))
    return Batch("1pux", items)


def _1pux_data(data: bytes) -> bytes:
    """``export.data``, read with a cap: a member may inflate far past the size its header
    declares. Whatever the zip module meets (a corrupt deflate stream, an encrypted member,
    a compression it lacks) is one line."""
    import lzma
    import zipfile
    import zlib

    too_large = InvalidInput("the 1Password export's data is too large to be real")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("export.data")
            if info.file_size > MAX_1PUX_DATA:
                raise too_large
            with archive.open(info) as member:
                payload = member.read(MAX_1PUX_DATA + 1)
    except InvalidInput:
        raise
    except KeyError:
        raise InvalidInput(_("the zip file has no export.data: not a 1Password export")) from None
    except RuntimeError:  # zipfile's word for an encrypted member
        raise InvalidInput(
            _("the .1pux file's data is encrypted: not a 1Password export")
        ) from None
    except NotImplementedError:
        raise InvalidInput(
            _("the .1pux file is compressed in a way 1Password does not use: not read")
        ) from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, lzma.LZMAError, ValueError):
        raise InvalidInput(_("the .1pux file is not a readable zip (damaged?)")) from None
    if len(payload) > MAX_1PUX_DATA:
        raise too_large
    return payload


def _1pux_otps(raw: dict[str, Any]) -> list[str]:
    found = []
    for section in (raw.get("details") or {}).get("sections") or []:
        for field in (section or {}).get("fields") or []:
            value = (field or {}).get("value")
            totp = value.get("totp") if isinstance(value, dict) else None
            if isinstance(totp, str) and totp.strip():
                found.append(totp)
    return found


def _1pux_entry(raw: dict[str, Any], link: str) -> Entry:
    overview = raw.get("overview") or {}
    details = raw.get("details") or {}
    urls = [str(overview["url"])] if overview.get("url") else []
    urls += [str(u["url"]) for u in overview.get("urls") or [] if u.get("url")]
    username = next(
        (
            str(f.get("value") or "")
            for f in details.get("loginFields") or []
            if f.get("designation") == "username"
        ),
        "",
    )
    return entry_of_item(
        link,
        str(overview.get("title") or ""),
        username,
        tuple(dict.fromkeys(urls)),
        note=str(details.get("notesPlain") or raw.get("notesPlain") or ""),
        tags=tuple(str(t) for t in overview.get("tags") or []),
        favorite=bool(raw.get("favIndex")),
    )


# --- KeePass / KeePassXC ---------------------------------------------------------------------


def read_kdbx(data: bytes, password: PasswordSource) -> Batch:
    """A KeePass database (KDBX 3.1 or 4, as KeePass and KeePassXC write), opened with its
    password by pykeepass. Entries with an ``otp`` attribute (an otpauth link; KeePassXC
    and KeePass 2.47+), or KeePassXC's older ``TOTP Seed`` and ``TOTP Settings``
    ("30;6", "30;S" for Steam); the entry's URL becomes the website. Entries in the
    recycle bin are left out. Key files are not supported."""
    try:
        from pykeepass import PyKeePass  # type: ignore[import-untyped]
        from pykeepass.exceptions import CredentialsError  # type: ignore[import-untyped]
    except ImportError as exc:
        raise InvalidInput(
            _("reading KeePass files needs pykeepass ({name})").format(name=exc.name)
        ) from None
    from .aeskdf import install

    install()  # AES-KDF in C: KeePassXC's default 43 million rounds in seconds, not minutes
    check_kdbx_cost(data)
    given = ask_password(password, "KeePass")
    _bound_kdbx_inflation()
    try:
        database = PyKeePass(io.BytesIO(data), password=given)
    except CredentialsError:
        raise WrongPassword(
            _("wrong password for the KeePass database (or it needs a key file)")
        ) from None
    except TrayCodesError:
        raise
    except Exception as exc:  # pykeepass raises construct's and others' errors on bad files
        raise InvalidInput(
            _("the file is not a KeePass database traycodes can read ({name})").format(
                name=type(exc).__name__
            )
        ) from None
    bin_group = database.recyclebin_group
    items: list[Item] = []
    for entry in database.entries or []:
        if bin_group is not None and _inside(entry, bin_group):
            continue
        fields = entry.custom_properties or {}
        otp = entry.otp or fields.get("otp")
        seed = fields.get("TOTP Seed")
        if not otp and not seed:
            continue
        title = entry.title or "?"
        items.append(item(f"entry {title}", partial(_kdbx_entry, entry, otp, seed, fields)))
    return Batch("keepass", items)


MAX_KDBX_XML = 64 * 1024 * 1024  # the database's XML once inflated; real ones: a few MiB


def _bound_kdbx_inflation() -> None:
    """pykeepass inflates a database's gzip payload whole (870 MB from 400 KB of crafted
    file): its decoder is replaced, once, by one that stops past :data:`MAX_KDBX_XML`."""
    import zlib

    from pykeepass.kdbx_parsing import common  # type: ignore[import-untyped]

    if getattr(common.Decompressed, "bounded_by_traycodes", False):
        return

    def decode(self: Any, data: bytes, con: Any, path: Any) -> bytes:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        xml = inflater.decompress(data, MAX_KDBX_XML + 1)
        if len(xml) > MAX_KDBX_XML:
            raise InvalidInput(_("the KeePass database inflates far larger than any real one"))
        if not inflater.eof:
            raise InvalidInput(_("the KeePass database's payload is damaged or truncated"))
        return xml

    common.Decompressed._decode = decode
    common.Decompressed.bounded_by_traycodes = True


def _inside(entry: Any, group: Any) -> bool:
    parent = entry.group
    while parent is not None:
        if parent.uuid == group.uuid:
            return True
        parent = parent.parentgroup
    return False


def _kdbx_entry(entry: Any, otp: str | None, seed: str | None, fields: dict[str, str]) -> Entry:
    title, username = entry.title or "", entry.username or ""
    urls = (entry.url,) if entry.url else ()
    note, tags = entry.notes or "", tuple(entry.tags or ())
    if otp:
        return entry_of_item(otp, title, username, urls, note=note, tags=tags)
    return Entry(
        otp=_keepassxc_legacy(str(seed), fields.get("TOTP Settings") or "30;6"),
        issuer=title,
        account=username,
        websites=urls,
        note=note,
        tags=tags,
    )


def _keepassxc_legacy(seed: str, settings: str) -> OtpParams:
    """KeePassXC before 2.6: ``TOTP Seed`` (base32) and ``TOTP Settings`` "period;digits"
    (digits "S" for Steam)."""
    from ..model import Algorithm, OtpType

    period_text, _unused, digits_text = settings.partition(";")
    steam = digits_text.strip().upper() == "S"
    return OtpParams(
        decode_secret(seed),
        OtpType.STEAM if steam else OtpType.TOTP,
        Algorithm.SHA1,
        5 if steam else int(digits_text or 6),
        int(period_text or 30),
    )


KDBX_SIGNATURE = bytes.fromhex("03d9a29a67fb4bb5")  # KeePass 2.x (both 32-bit words LE)
# What a database's own key derivation may ask of this machine. Real ones: AES-KDF 60,000
# (KeePass) to a few million rounds (tuned to 1 s); Argon2 64 MiB, 2 lanes, tens of passes.
KDBX_MAX_AES_ROUNDS = 100_000_000
KDBX_MAX_ARGON2_MEMORY = 1024**3
KDBX_MAX_ARGON2_WORK = 16 * 1024**3  # memory times passes
KDBX_MAX_LANES = 64


def check_kdbx_cost(data: bytes) -> None:
    """Refuse a database whose header asks for a key derivation no real one uses (a
    crafted file must not take minutes of CPU or gigabytes of memory). Reads the KDBX 3.1
    ``TransformRounds`` field or the KDBX 4 ``KdfParameters`` dictionary."""
    import struct

    if data[:8] != KDBX_SIGNATURE or len(data) < 12:
        raise InvalidInput(_("the file is not a KeePass 2 database (.kdbx)"))
    major = struct.unpack_from("<H", data, 10)[0]
    size_format, at = ("<I", 4) if major >= 4 else ("<H", 2)
    position, params = 12, {}
    while True:
        if position + 1 + at > len(data):
            raise InvalidInput(_("the KeePass database's header is truncated"))
        field = data[position]
        (size,) = struct.unpack_from(size_format, data, position + 1)
        value = data[position + 1 + at : position + 1 + at + size]
        position += 1 + at + size
        if len(value) != size:
            raise InvalidInput(_("the KeePass database's header is truncated"))
        if field == 0:
            break
        if field == 6 and size == 8:  # KDBX 3.1 TransformRounds
            params["R"] = struct.unpack("<Q", value)[0]
        elif field == 11:  # KDBX 4 KdfParameters
            params.update(_variant_numbers(value))
    memory, passes = params.get("M", 0), params.get("I", 0)
    if (
        params.get("R", 0) > KDBX_MAX_AES_ROUNDS
        or memory > KDBX_MAX_ARGON2_MEMORY
        or memory * max(passes, 1) > KDBX_MAX_ARGON2_WORK
        or params.get("P", 0) > KDBX_MAX_LANES
    ):
        raise InvalidInput(
            _(
                "the KeePass database asks for a key derivation far costlier than KeePass or "
                "KeePassXC ever set: not opened"
            )
        )
    # Only one of the two is set; both come out of the file's budget (.budget).
    spend_aes_kdf(params.get("R", 0), "the KeePass database")
    spend_argon2(memory // 1024, passes if memory else 0, "the KeePass database")


def _variant_numbers(blob: bytes) -> dict[str, int]:
    """The integer entries of a KDBX 4 VariantDictionary (``R``, ``M``, ``I``, ``P``)."""
    import struct

    numbers: dict[str, int] = {}
    position = 2  # the dictionary's version
    while position < len(blob):
        kind = blob[position]
        if kind == 0:
            break
        if position + 5 > len(blob):
            raise InvalidInput(_("the KeePass database's KDF parameters are damaged"))
        (key_size,) = struct.unpack_from("<i", blob, position + 1)
        key_end = position + 5 + key_size
        if key_size < 0 or key_end + 4 > len(blob):
            raise InvalidInput(_("the KeePass database's KDF parameters are damaged"))
        key = blob[position + 5 : key_end].decode("utf-8", "replace")
        (value_size,) = struct.unpack_from("<i", blob, key_end)
        value = blob[key_end + 4 : key_end + 4 + value_size]
        if value_size < 0 or len(value) != value_size:
            raise InvalidInput(_("the KeePass database's KDF parameters are damaged"))
        if kind in (0x04, 0x05) and value_size in (4, 8):  # UInt32, UInt64
            numbers[key] = int.from_bytes(value, "little")
        position = key_end + 4 + value_size
    return numbers


__all__ = [
    "KDBX_SIGNATURE",
    "check_kdbx_cost",
    "read_1password_csv",
    "read_1pux",
    "read_bitwarden_csv",
    "read_csv",
    "read_kdbx",
]
