"""One reader per source app, each from that app's export format as documented in
../shared/reference/otp-facts.md (and the apps' own sources)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import partial
from typing import Any

from ..errors import InvalidInput, WrongPassword
from ..i18n import _, ngettext
from ..model import Entry, OtpParams, OtpType
from ..uri import MigrationBatch, decode_secret, parse_link
from .base import (
    Batch,
    Item,
    PasswordSource,
    ask_password,
    entry_of_item,
    item,
    load_json,
    many,
    otp_params,
    readable_name,
)
from .base import (
    otp_type as parse_otp_type,
)
from .budget import count_account, scrypt_cost, spend, spend_pbkdf2
from .images import texts_in_images

# --- text: otpauth lists, Ente, Google links -------------------------------------------------


def read_lines(data: bytes, fmt: str) -> Batch:
    """One link a line (``otpauth://``, ``steam://``, ``otpauth-migration://``); blank lines
    and ``#`` comments skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("the file is not UTF-8 text")) from None
    items: list[Item] = []
    batches: list[MigrationBatch] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        count_account()
        where = f"line {number}"
        try:
            parsed = parse_link(line)
        except InvalidInput as exc:
            items.append(Item(where, problem=str(exc)))
            continue
        if isinstance(parsed, MigrationBatch):
            batches.append(parsed)
            for _unused in parsed.entries[1:]:  # a Google link of many accounts: each one counts
                count_account()
            items += [
                Item(f"{where}, account {n}", entry=e)
                for n, e in enumerate(parsed.entries, start=1)
            ]
        else:
            items.append(Item(where, entry=parsed))
    return Batch(fmt, items, _batch_notes(batches))


def read_ente(data: bytes, password: PasswordSource) -> Batch:
    """Ente Auth's export: otpauth links, one a line; encrypted, a JSON object
    (formats.sealed)."""
    if data.lstrip()[:1] == b"{":
        from .sealed import ente_decrypt

        parsed = load_json(data, "Ente export")
        if not isinstance(parsed, dict):
            raise InvalidInput(_("this is not an Ente Auth export"))
        data = ente_decrypt(parsed, password)
    return read_lines(data, "ente")


def _batch_notes(batches: list[MigrationBatch]) -> tuple[str, ...]:
    """A multi-part Google export: say which parts are missing."""
    notes = []
    by_id: dict[int, tuple[int, set[int]]] = {}
    for batch in batches:
        size, seen = by_id.setdefault(batch.batch_id, (batch.batch_size, set()))
        seen.add(batch.batch_index)
    for size, seen in by_id.values():
        missing = [str(n + 1) for n in range(size) if n not in seen]
        if missing:
            said = ngettext(
                "this Google Authenticator export has {size} parts; part {missing} is "
                "missing: import its QR code too",
                "this Google Authenticator export has {size} parts; parts {missing} are "
                "missing: import their QR codes too",
                len(missing),
            )
            notes.append(said.format(size=size, missing=", ".join(missing)))
    return tuple(notes)


def read_images(images: list[bytes]) -> Batch:
    """The accounts in QR codes in images (a multi-part Google export across several)."""
    batch = read_lines("\n".join(texts_in_images(images)).encode(), "image")
    return Batch("image", batch.items, batch.notes)


# --- Aegis -----------------------------------------------------------------------------------


def read_aegis(data: bytes, password: PasswordSource) -> Batch:
    """Aegis vault export (docs/vault.md in its repository), plain or encrypted."""
    parsed = load_json(data, "Aegis export")
    try:
        header, db = parsed["header"], parsed["db"]
        if isinstance(db, str):
            db = _aegis_decrypt(header, db, password)
        entries = db["entries"]
        groups = {g["uuid"]: g["name"] for g in db.get("groups", []) or []}
    except (KeyError, TypeError) as exc:
        raise InvalidInput(
            _("the Aegis export is missing its {exc} part").format(exc=exc)
        ) from None
    items = []
    for number, raw in enumerate(entries, start=1):
        name = f"entry {number} ({readable_name(raw, 'issuer', 'name')})"
        ref = raw.get("uuid") if isinstance(raw, dict) else None
        items.append(
            item(name, partial(_aegis_entry, raw, groups), ref if isinstance(ref, str) else "")
        )
    return Batch("aegis", items)


def _aegis_entry(raw: dict[str, Any], groups: dict[str, str]) -> Entry:
    otp_type = parse_otp_type(raw["type"])
    info = raw["info"]
    tags = [groups[g] for g in raw.get("groups", []) or [] if g in groups]
    if raw.get("group"):
        tags.append(raw["group"])  # db version 2
    return Entry(
        otp=otp_params(
            decode_secret(info["secret"]),
            otp_type,
            info.get("algo"),
            info.get("digits"),
            info.get("period"),
            info.get("counter"),
        ),
        issuer=raw.get("issuer", "") or "",
        account=raw.get("name", "") or "",
        note=raw.get("note", "") or "",
        tags=tuple(tags),
        favorite=bool(raw.get("favorite", False)),
    )


# What an export's own key-derivation parameters may ask for. Real exports use far less
# (Aegis: scrypt N=2^15 r=8 p=1; andOTP: PBKDF2 about 150,000 rounds; 2FAS: 10,000); a
# crafted file must not pin the CPU for minutes or take gigabytes of memory.
SCRYPT_MAX_N, SCRYPT_MAX_R, SCRYPT_MAX_P = 2**20, 16, 16
SCRYPT_MAX_MEMORY = 1024**3  # 128 * N * r bytes
PBKDF2_MAX_ROUNDS = 2_000_000


def _check_scrypt(n: object, r: object, p: object) -> None:
    whole = all(type(v) is int for v in (n, r, p))
    if not (
        whole
        and isinstance(n, int)
        and isinstance(r, int)
        and isinstance(p, int)
        and 2 <= n <= SCRYPT_MAX_N
        and n & (n - 1) == 0  # a power of two
        and 1 <= r <= SCRYPT_MAX_R
        and 1 <= p <= SCRYPT_MAX_P
        and 128 * n * r <= SCRYPT_MAX_MEMORY
    ):
        raise InvalidInput(
            _(
                "the Aegis export asks for scrypt parameters no Aegis export "
                "uses (n={n}, r={r}, p={p}): it is damaged or was crafted"
            ).format(n=n, r=r, p=p)
        )


def _aegis_decrypt(header: dict[str, Any], db: str, password: PasswordSource) -> Any:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    from ..vault import unseal

    slots = [s for s in header.get("slots") or [] if s.get("type") == 1]
    if not slots:
        raise InvalidInput(
            _(
                "the Aegis export is encrypted without a password slot "
                "(only password-protected exports can be read)"
            )
        )
    for slot in slots:
        _check_scrypt(slot.get("n"), slot.get("r"), slot.get("p"))
    what = "the Aegis export"  # every slot's work counted before any of it is done
    spend(sum(scrypt_cost(s["n"], s["r"], s["p"], what) for s in slots), what)
    given = ask_password(password, "Aegis")
    master = None
    for slot in slots:
        try:
            scrypt = Scrypt(
                salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"]
            )
            key = scrypt.derive(given.encode("utf-8"))
            params = slot["key_params"]
            master = unseal(
                key,
                bytes.fromhex(params["nonce"]),
                bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]),
                b"",
            )
        except (KeyError, ValueError, TypeError):
            raise InvalidInput(_("the Aegis export's key slot is damaged")) from None
        if master is not None:
            break
    if master is None:
        raise WrongPassword(_("wrong password for the Aegis export"))
    try:
        params = header["params"]
        plain = unseal(
            master,
            bytes.fromhex(params["nonce"]),
            base64.b64decode(db) + bytes.fromhex(params["tag"]),
            b"",
        )
    except (KeyError, ValueError, TypeError, binascii.Error):
        raise InvalidInput(_("the Aegis export's encrypted part is damaged")) from None
    if plain is None:
        raise InvalidInput(_("the Aegis export's encrypted part is damaged or altered"))
    return load_json(plain, "decrypted Aegis database")


# --- 2FAS ------------------------------------------------------------------------------------


def read_2fas(data: bytes, password: PasswordSource) -> Batch:
    """A .2fas backup: ``services``, or ``servicesEncrypted`` (PBKDF2-SHA256, AES-GCM)."""
    parsed = load_json(data, "2FAS backup")
    services = parsed.get("services")
    if parsed.get("servicesEncrypted"):
        services = _2fas_decrypt(parsed["servicesEncrypted"], password)
    return many("2fas", services, "entry", _2fas_entry, "name")


def _2fas_entry(raw: dict[str, Any]) -> Entry:
    otp = raw.get("otp", {}) or {}
    otp_type = parse_otp_type(otp.get("tokenType"))
    return Entry(
        otp=otp_params(
            decode_secret(raw["secret"]),
            otp_type,
            otp.get("algorithm"),
            otp.get("digits"),
            otp.get("period"),
            otp.get("counter"),
        ),
        issuer=otp.get("issuer") or raw.get("name", "") or "",
        account=otp.get("account") or otp.get("label", "") or "",
    )


def _2fas_decrypt(blob: str, password: PasswordSource) -> Any:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    from ..vault import unseal

    try:
        ciphertext, salt, iv = (base64.b64decode(part) for part in blob.split(":"))
    except (ValueError, binascii.Error):
        raise InvalidInput(_("the 2FAS backup's encrypted part is damaged")) from None
    given = ask_password(password, "2FAS")
    spend_pbkdf2(10_000, "the 2FAS backup")
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 10_000).derive(given.encode("utf-8"))
    plain = unseal(key, iv, ciphertext, b"")
    if plain is None:
        raise WrongPassword(_("wrong password for the 2FAS backup (or it is damaged)"))
    return load_json(plain, "decrypted 2FAS services")


# --- andOTP ----------------------------------------------------------------------------------


def read_andotp(data: bytes, password: PasswordSource) -> Batch:
    """andOTP: a plain JSON array, or [iterations][salt][nonce][ciphertext+tag]."""
    if not data.lstrip().startswith(b"["):
        data = _andotp_decrypt(data, password)
    parsed = load_json(data, "andOTP backup")
    return many("andotp", parsed, "entry", _andotp_entry, "issuer", "label")


def _andotp_entry(raw: dict[str, Any]) -> Entry:
    otp_type = parse_otp_type(raw.get("type"))
    issuer, label = raw.get("issuer", "") or "", raw.get("label", "") or ""
    if not issuer and ":" in label:
        issuer, _unused, label = label.partition(":")
    return Entry(
        otp=otp_params(
            decode_secret(raw["secret"]),
            otp_type,
            raw.get("algorithm"),
            raw.get("digits"),
            raw.get("period"),
            raw.get("counter"),
        ),
        issuer=issuer,
        account=label,
        tags=tuple(raw.get("tags", []) or ()),
    )


def _andotp_decrypt(data: bytes, password: PasswordSource) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    from ..vault import unseal
    from .sealed import andotp_old_decrypt

    iterations = int.from_bytes(data[:4], "big")
    plausible = 1 <= iterations <= PBKDF2_MAX_ROUNDS  # else the old format's random nonce
    new_format = len(data) >= 4 + 12 + 12 + 16 and plausible
    if len(data) < 12 + 16 + 2 or (plausible and not new_format):
        raise InvalidInput(_("the andOTP backup is too short (truncated?)"))
    given = ask_password(password, "andOTP")
    if new_format:
        salt, nonce, ciphertext = data[4:16], data[16:28], data[28:]
        spend_pbkdf2(iterations, "the andOTP backup")
        key = PBKDF2HMAC(hashes.SHA1(), 32, salt, iterations).derive(given.encode("utf-8"))  # noqa: S303 - andOTP's own choice
        plain = unseal(key, nonce, ciphertext, b"")
        if plain is not None:
            return plain
    # before andOTP 0.6.3: no header, the key is SHA-256 of the password (one hash: cheap)
    plain = andotp_old_decrypt(data, given)
    if plain is None:
        raise WrongPassword(_("wrong password for the andOTP backup (or it is damaged)"))
    return plain


# --- Bitwarden -------------------------------------------------------------------------------


def read_bitwarden(data: bytes, password: PasswordSource) -> Batch:
    """A Bitwarden JSON export: logins with a ``totp`` (a link, ``steam://``, or a bare
    key); the item's name is the issuer, its username the account, its URIs the websites."""
    parsed = load_json(data, "Bitwarden export")
    if parsed.get("encrypted"):
        from .sealed import bitwarden_decrypt

        parsed = bitwarden_decrypt(parsed, password)
    entries = []
    for number, raw in enumerate(parsed.get("items") or [], start=1):
        login = raw.get("login") if isinstance(raw, dict) else None
        if raw.get("type") != 1 or not login or not login.get("totp"):
            continue  # other items and logins without OTP carry nothing to import
        entries.append(
            item(
                f"item {number} ({raw.get('name', '?')})",
                partial(_bitwarden_entry, raw, login),
            )
        )
    return Batch("bitwarden", entries)


def _bitwarden_entry(raw: dict[str, Any], login: dict[str, Any]) -> Entry:
    return entry_of_item(
        str(login["totp"]),
        raw.get("name", "") or "",
        login.get("username", "") or "",
        tuple(u["uri"] for u in login.get("uris") or [] if u.get("uri")),
        note=raw.get("notes", "") or "",
        favorite=bool(raw.get("favorite")),
    )


# --- FreeOTP+ --------------------------------------------------------------------------------


def read_freeotp(data: bytes, password: PasswordSource) -> Batch:
    """FreeOTP+ JSON: ``tokens`` with the secret as a list of signed bytes."""
    parsed = load_json(data, "FreeOTP+ export")
    return many(
        "freeotp", parsed.get("tokens") or [], "token", _freeotp_entry, "issuerExt", "label"
    )


def _freeotp_entry(raw: dict[str, Any]) -> Entry:
    otp_type = parse_otp_type(raw.get("type"))
    if otp_type is OtpType.STEAM:
        raise InvalidInput(_("Steam codes are not supported in FreeOTP+ exports"))
    secret = bytes(b & 0xFF for b in raw["secret"])
    return Entry(
        otp=otp_params(
            secret,
            otp_type,
            raw.get("algo"),
            raw.get("digits"),
            raw.get("period"),
            raw.get("counter"),
        ),
        issuer=raw.get("issuerExt", "") or "",
        account=raw.get("label", "") or "",
    )


# --- traycodes' own encrypted backup ---------------------------------------------------------


def read_traycodes(data: bytes, password: PasswordSource) -> Batch:
    """A traycodes vault file or export (``traycodes export --format traycodes``)."""
    from ..vault import KDF_IMPORT_MAXIMUM, loads, open_records, unlock
    from .budget import argon2_cost, spend

    file = loads(data)
    # The file's own budget first (the vault's ceilings below are per unlock, not per file).
    what = "the traycodes backup"
    costs = [argon2_cost(s.kdf.memory_kib, s.kdf.iterations, what) for s in file.slots if s.kdf]
    spend(sum(costs), what)  # at most 64 slots (loads): refused before any work
    master, _unused = unlock(file, None, password, ceiling=KDF_IMPORT_MAXIMUM)
    records = open_records(file, master)
    # A vault's own records are trusted on load (they are authenticated), but a backup
    # from elsewhere was sealed by whoever made it: each entry is built and checked anew.
    items = [
        item(r.label, partial(_checked_entry, r))
        for r in records
        if not r.deleted and r.otp is not None
    ]
    return Batch("traycodes", items)


def _checked_entry(record: Any) -> Entry:
    otp = record.otp
    return Entry(
        otp=OtpParams(otp.secret, otp.type, otp.algorithm, otp.digits, otp.period, otp.counter),
        issuer=record.issuer,
        account=record.account,
        websites=tuple(record.websites),
        note=record.note,
        tags=tuple(record.tags),
        favorite=bool(record.favorite),
    )


def _more() -> dict[str, Callable[[bytes, PasswordSource], Batch]]:
    from . import apps, managers

    return {
        "proton": apps.read_proton,
        "stratum": apps.read_stratum,
        "authy": apps.read_authy,
        "lastpass": apps.read_lastpass,
        "bitwarden-csv": managers.read_bitwarden_csv,
        "1password": managers.read_1password_csv,
        "csv": managers.read_csv,
        "1pux": managers.read_1pux,
        "keepass": managers.read_kdbx,
    }


READERS: dict[str, Callable[[bytes, PasswordSource], Batch]] = {
    "otpauth": lambda data, password: read_lines(data, "otpauth"),
    "google": lambda data, password: read_lines(data, "google"),
    "ente": read_ente,
    "image": lambda data, password: read_images([data]),  # formats.images
    "aegis": read_aegis,
    "2fas": read_2fas,
    "andotp": read_andotp,
    "bitwarden": read_bitwarden,
    "freeotp": read_freeotp,
    "traycodes": read_traycodes,
    **_more(),
}
