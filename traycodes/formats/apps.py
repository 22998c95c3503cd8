"""Readers for authenticator apps' exports beyond those in :mod:`.readers`: Proton
Authenticator, Stratum (formerly Authenticator Pro), Authy (the token files its Android app
keeps) and LastPass Authenticator. The formats as the apps write them; the layouts are
described with each reader."""

from __future__ import annotations

import base64
import binascii
import re
from functools import partial
from typing import Any

from ..errors import InvalidInput, WrongPassword
from ..i18n import _
from ..model import Algorithm, Entry, OtpParams, OtpType
from ..uri import decode_secret, parse_uri
from .base import (
    Batch,
    Item,
    PasswordSource,
    UnsupportedKind,
    ask_password,
    item,
    load_json,
    many,
    otp_params,
)
from .budget import pbkdf2_cost, spend, spend_argon2, spend_pbkdf2

# --- Proton Authenticator --------------------------------------------------------------------


def read_proton(data: bytes, password: PasswordSource) -> Batch:
    """Proton Authenticator's export: ``{"version": 1, "entries": [{"content": {"uri",
    "entry_type", "name"}, "note"}]}``; each entry's ``uri`` is an otpauth link. With a
    password: ``{"version": 1, "salt", "content"}`` (formats.sealed)."""
    parsed = load_json(data, "Proton Authenticator export")
    if isinstance(parsed, dict) and "salt" in parsed and "content" in parsed:
        from .sealed import proton_decrypt

        parsed = load_json(proton_decrypt(parsed, password), "decrypted Proton export")
    if not isinstance(parsed, dict) or not isinstance(parsed.get("entries"), list):
        raise InvalidInput(_("this is not a Proton Authenticator export"))
    return many("proton", parsed.get("entries"), "entry", _proton_entry, "content")


def _proton_entry(raw: dict[str, Any]) -> Entry:
    content = raw["content"]
    found = parse_uri(str(content["uri"]))
    note = raw.get("note") or ""
    return Entry(
        otp=found.otp,
        issuer=found.issuer,
        account=found.account or str(content.get("name") or ""),
        note=str(note),
    )


# --- Stratum / Authenticator Pro -------------------------------------------------------------

STRATUM_TYPES = {1: OtpType.HOTP, 2: OtpType.TOTP, 4: OtpType.STEAM}
STRATUM_UNSUPPORTED = {3: "mOTP", 5: "Yandex"}  # left out with a word
STRATUM_ALGORITHMS = {0: "SHA1", 1: "SHA256", 2: "SHA512"}
STRATUM_HEADER, STRATUM_LEGACY_HEADER = b"AUTHENTICATORPRO", b"AuthenticatorPro"


def read_stratum(data: bytes, password: PasswordSource) -> Batch:
    """Stratum's backup: JSON ``{"Authenticators": [{"Type", "Issuer", "Username",
    "Secret", "Algorithm", "Digits", "Period", "Counter"}], "Categories": [...],
    "AuthenticatorCategories": [...]}``. Encrypted: ``AUTHENTICATORPRO``, a 16-byte salt,
    a 12-byte nonce, then AES-256-GCM under Argon2id (3 passes, 64 MiB, 4 lanes); older
    backups: ``AuthenticatorPro``, a 20-byte salt, a 16-byte IV, AES-256-CBC under
    PBKDF2-SHA1 (64,000 rounds)."""
    if data.startswith(STRATUM_HEADER):
        data = _stratum_decrypt(data, password)
    elif data.startswith(STRATUM_LEGACY_HEADER):
        data = _stratum_legacy_decrypt(data, password)
    parsed = load_json(data, "Stratum backup")
    if not isinstance(parsed, dict):
        raise InvalidInput(_("this is not a Stratum (Authenticator Pro) backup"))
    categories = {
        str(c.get("Id")): str(c.get("Name"))
        for c in parsed.get("Categories") or []
        if isinstance(c, dict) and c.get("Name")
    }
    tags: dict[str, list[str]] = {}
    for link in parsed.get("AuthenticatorCategories") or []:
        if isinstance(link, dict) and str(link.get("CategoryId")) in categories:
            tags.setdefault(str(link.get("AuthenticatorSecret")), []).append(
                categories[str(link.get("CategoryId"))]
            )
    return many(
        "stratum",
        parsed.get("Authenticators"),
        "authenticator",
        partial(_stratum_entry, tags),
        "Issuer",
    )


def _stratum_entry(tags: dict[str, list[str]], raw: dict[str, Any]) -> Entry:
    number = int(raw["Type"])
    kind = STRATUM_TYPES.get(number)
    if kind is None:
        if number in STRATUM_UNSUPPORTED:
            raise UnsupportedKind(
                _("{kind} codes are not supported").format(kind=STRATUM_UNSUPPORTED[number])
            )
        raise InvalidInput(_("unknown authenticator type {number}").format(number=number))
    algorithm = STRATUM_ALGORITHMS.get(int(raw.get("Algorithm") or 0))
    if algorithm is None:
        raise InvalidInput(_("unknown algorithm {get!r}").format(get=raw.get("Algorithm")))
    return Entry(
        otp=otp_params(
            decode_secret(str(raw["Secret"])),
            kind,
            algorithm,
            raw.get("Digits"),
            raw.get("Period"),
            raw.get("Counter"),
        ),
        issuer=str(raw.get("Issuer") or ""),
        account=str(raw.get("Username") or ""),
        tags=tuple(tags.get(str(raw["Secret"]), ())),
    )


def _stratum_decrypt(data: bytes, password: PasswordSource) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    from ..vault import unseal

    body = data[len(STRATUM_HEADER) :]
    if len(body) < 16 + 12 + 16:
        raise InvalidInput(_("the Stratum backup is too short (truncated?)"))
    salt, nonce, ciphertext = body[:16], body[16:28], body[28:]
    given = ask_password(password, "Stratum")
    spend_argon2(64 * 1024, 3, "the Stratum backup")
    kdf = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=64 * 1024)
    plain = unseal(kdf.derive(given.encode("utf-8")), nonce, ciphertext, b"")
    if plain is None:
        raise WrongPassword(_("wrong password for the Stratum backup (or it is damaged)"))
    return plain


def _stratum_legacy_decrypt(data: bytes, password: PasswordSource) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    body = data[len(STRATUM_LEGACY_HEADER) :]
    if len(body) < 20 + 16 + 16 or (len(body) - 36) % 16:
        raise InvalidInput(_("the Stratum backup is damaged or truncated"))
    salt, iv, ciphertext = body[:20], body[20:36], body[36:]
    given = ask_password(password, "Stratum")
    spend_pbkdf2(64_000, "the Stratum backup")
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, 64_000).derive(given.encode("utf-8"))  # noqa: S303 - the app's own choice
    plain = _cbc_decrypt(key, iv, ciphertext)
    if plain is None or not plain.lstrip().startswith(b"{"):
        raise WrongPassword(_("wrong password for the Stratum backup (or it is damaged)"))
    return plain


def _cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes | None:
    """AES-CBC with PKCS#7 padding, as older apps encrypt; None when the padding is wrong
    (a wrong key, almost always). CBC has no tag: the caller checks what came out."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    if not ciphertext or len(ciphertext) % 16:
        return None
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        return None


# --- Authy -----------------------------------------------------------------------------------

AUTHY_SERVICES = "com.authy.storage.tokens.authenticator.key"
AUTHY_OWN = "com.authy.storage.tokens.authy.key"
AUTHY_ROUNDS = 1000  # when a token does not say
AUTHY_MAX_ROUNDS = 100_000  # a crafted file with many tokens must not pin the CPU


def read_authy(data: bytes, password: PasswordSource) -> Batch:
    """The token files Authy's Android app keeps (``shared_prefs/com.authy.storage.tokens.
    authenticator.xml``, and ``…authy.xml`` for Authy's own accounts): an Android
    preferences ``<map>`` whose ``<string>`` holds a JSON list of tokens. Third-party
    tokens carry ``decryptedSecret`` (base32), or ``encryptedSecret`` and ``salt``
    (AES-256-CBC, zero IV unless ``unique_iv``, under PBKDF2-SHA1 of the backup password,
    ``key_derivation_iterations`` or 1,000 rounds); all are SHA1, 30 s. Authy's own tokens
    carry ``secretSeed`` (hex) and use 7 digits and a 10 s period."""
    strings = _android_strings(data)
    items: list[Item] = []
    services = strings.get(AUTHY_SERVICES)
    own = strings.get(AUTHY_OWN)
    if services is None and own is None:
        raise InvalidInput(
            _(
                "this is not Authy's token file (shared_prefs/com.authy.storage.tokens."
                "authenticator.xml or ...tokens.authy.xml)"
            )
        )
    tokens = _json_list(services, "Authy tokens") if services is not None else []
    # a token with decryptedSecret needs no password, even beside its encryptedSecret
    if any(
        isinstance(t, dict) and t.get("encryptedSecret") and not t.get("decryptedSecret")
        for t in tokens
    ):
        what = "the Authy file"  # one derivation per salt, all counted before any is done
        spend(
            sum(pbkdf2_cost(rounds, what) for _unused, rounds in _authy_derivations(tokens)), what
        )
        given = ask_password(password, "Authy (backup password)")
        decrypt = partial(_authy_decrypt, given, {})
    else:
        decrypt = None
    for number, raw in enumerate(tokens, start=1):
        items.append(
            item(f"token {number} ({_authy_name(raw)})", partial(_authy_entry, raw, decrypt))
        )
    own_tokens = _json_list(own, "Authy's own tokens") if own is not None else []
    for number, raw in enumerate(own_tokens, start=1):
        items.append(item(f"Authy token {number} ({_authy_name(raw)})", partial(_authy_own, raw)))
    if decrypt is not None and items and all(i.entry is None for i in items):
        raise WrongPassword(_("wrong backup password for the Authy tokens (or they are damaged)"))
    return Batch("authy", items)


def _android_strings(data: bytes) -> dict[str, str]:
    """The ``<string name=...>`` values of an Android shared-preferences file. The parser
    refuses any DTD and entity declaration, in whatever encoding the file is written (a
    crafted file cannot expand or fetch; a check of the bytes missed UTF-16)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
    from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise InvalidInput(
            _("the XML file declares a DTD or entities: not an Authy file")
        ) from None
    except ParseError as exc:
        raise InvalidInput(_("the file is not valid XML ({exc})").format(exc=exc)) from None
    if root.tag != "map":
        raise InvalidInput(_("this XML is not an Android preferences file (no <map>)"))
    return {str(node.get("name")): node.text or "" for node in root.iter("string")}


def _json_list(text: str, what: str) -> list[Any]:
    parsed = load_json(text.encode("utf-8"), what)
    if not isinstance(parsed, list):
        raise InvalidInput(_("the {what} are not a list").format(what=what))
    return parsed


def _authy_name(raw: object) -> str:
    if isinstance(raw, dict):
        return str(raw.get("name") or raw.get("originalName") or "?")
    return "?"


def _authy_names(raw: dict[str, Any]) -> tuple[str, str]:
    """(issuer, account): ``originalName`` "Issuer:account", else ``name`` "Issuer -
    account" or "Issuer: account", else the issuer fields."""
    original = str(raw.get("originalName") or "")
    name = str(raw.get("name") or "")
    issuer = str(raw.get("originalIssuer") or raw.get("issuer") or "")
    if ":" in original:
        first, _unused, rest = original.partition(":")
        return (issuer or first.strip()), rest.strip()
    for separator in (" - ", ": "):
        if separator in name:
            first, _unused, rest = name.partition(separator)
            return (issuer or first.strip()), rest.strip()
    return issuer or name, original if original != name else ""


def _authy_entry(raw: dict[str, Any], decrypt: Any) -> Entry:
    if raw.get("decryptedSecret"):
        secret = decode_secret(str(raw["decryptedSecret"]))
    elif raw.get("encryptedSecret") and decrypt is not None:
        secret = decrypt(raw)
    else:
        raise InvalidInput(_("the token has no secret"))
    issuer, account = _authy_names(raw)
    return Entry(
        otp=OtpParams(secret, OtpType.TOTP, Algorithm.SHA1, int(raw.get("digits") or 6), 30),
        issuer=issuer,
        account=account,
    )


def _authy_rounds(raw: dict[str, Any]) -> int | None:
    try:
        rounds = int(raw.get("key_derivation_iterations") or AUTHY_ROUNDS)
    except (TypeError, ValueError, OverflowError):
        return None
    return rounds if 1 <= rounds <= AUTHY_MAX_ROUNDS else None


def _authy_derivations(tokens: list[Any]) -> set[tuple[str, int]]:
    """The (salt, rounds) of every encrypted token: each pair costs one derivation."""
    found = set()
    for raw in tokens:
        if isinstance(raw, dict) and raw.get("encryptedSecret"):
            rounds = _authy_rounds(raw)
            if rounds is not None:  # the others are refused one by one
                found.add((str(raw.get("salt") or ""), rounds))
    return found


def _authy_decrypt(
    password: str, keys: dict[tuple[bytes, int], bytes], raw: dict[str, Any]
) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    rounds = _authy_rounds(raw)
    if rounds is None:
        raise InvalidInput(_("the token asks for an unreasonable key derivation"))
    try:
        ciphertext = base64.b64decode(str(raw["encryptedSecret"]), validate=True)
        iv = bytes.fromhex(str(raw["unique_iv"])) if raw.get("unique_iv") else bytes(16)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("the token's encrypted secret is damaged")) from None
    if len(iv) != 16:
        raise InvalidInput(_("the token's IV is damaged"))
    salt = str(raw.get("salt") or "").encode("utf-8")
    # Authy gives every token of an account the same salt: one derivation serves them all.
    key = keys.get((salt, rounds))
    if key is None:  # spent already, by read_authy
        key = PBKDF2HMAC(hashes.SHA1(), 32, salt, rounds).derive(password.encode("utf-8"))  # noqa: S303 - Authy's own choice
        keys[salt, rounds] = key
    plain = _cbc_decrypt(key, iv, ciphertext)
    text = plain.decode("ascii", "replace").strip() if plain is not None else ""
    if not re.fullmatch(r"[A-Za-z2-7= ]+", text):
        raise InvalidInput(_("wrong backup password (the secret did not decrypt)"))
    return decode_secret(text)


def _authy_own(raw: dict[str, Any]) -> Entry:
    try:
        secret = bytes.fromhex(str(raw["secretSeed"]))
    except ValueError:
        raise InvalidInput(_("the token's seed is not hexadecimal")) from None
    return Entry(
        otp=OtpParams(secret, OtpType.TOTP, Algorithm.SHA1, int(raw.get("digits") or 7), 10),
        issuer=str(raw.get("name") or "Authy"),
        account="",
    )


# --- LastPass Authenticator ------------------------------------------------------------------


def read_lastpass(data: bytes, password: PasswordSource) -> Batch:
    """LastPass Authenticator's export: ``{"version": 3, "accounts": [{"issuerName",
    "userName", "secret", "algorithm", "digits", "timeStep", "isFavorite", "folderData":
    {"folderId"}}], "folders": [{"id", "name"}]}``; names may be percent-encoded."""
    parsed = load_json(data, "LastPass Authenticator export")
    if not isinstance(parsed, dict):
        raise InvalidInput(_("this is not a LastPass Authenticator export"))
    folders = {
        f.get("id"): str(f.get("name"))
        for f in parsed.get("folders") or []
        if isinstance(f, dict) and f.get("name")
    }
    return many(
        "lastpass",
        parsed.get("accounts"),
        "account",
        partial(_lastpass_entry, folders),
        "issuerName",
        "originalIssuerName",
    )


def _lastpass_entry(folders: dict[Any, str], raw: dict[str, Any]) -> Entry:
    folder = (raw.get("folderData") or {}).get("folderId")
    return Entry(
        otp=otp_params(
            decode_secret(str(raw["secret"])),
            OtpType.TOTP,
            raw.get("algorithm"),
            raw.get("digits"),
            raw.get("timeStep"),
            None,
        ),
        issuer=_unquoted(raw.get("issuerName") or raw.get("originalIssuerName")),
        account=_unquoted(raw.get("userName") or raw.get("originalUserName")),
        tags=(folders[folder],) if folder in folders else (),
        favorite=bool(raw.get("isFavorite")),
    )


def _unquoted(value: object) -> str:
    """LastPass writes names percent-encoded ("Amazon%20Web%20Services")."""
    from urllib.parse import unquote

    return unquote(str(value or ""))


def looks_like(parsed: object) -> str | None:
    """Which of these apps wrote a parsed JSON export (None: none of them)."""
    if isinstance(parsed, dict):
        if "Authenticators" in parsed:
            return "stratum"
        entries = parsed.get("entries")
        if (
            isinstance(entries, list)
            and entries
            and all(isinstance(e, dict) and isinstance(e.get("content"), dict) for e in entries)
        ):
            return "proton"
        if isinstance(parsed.get("accounts"), list) and "version" in parsed:
            return "lastpass"
    return None


__all__ = ["looks_like", "read_authy", "read_lastpass", "read_proton", "read_stratum"]
