"""Exports: traycodes' encrypted backup, Aegis JSON (plain or encrypted), Bitwarden JSON,
2FAS, a text list of otpauth links, and QR codes (one per account, or Google
Authenticator batches)."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from ..model import Entry, OtpType, Record
from ..uri import encode_secret, format_migration, format_uri

GOOGLE_BATCH = 10  # accounts per Google Authenticator QR code: small enough to scan well


def entries_of(records: Iterable[Record]) -> list[Entry]:
    """The live records that have an OTP, as entries."""
    return [r.to_entry() for r in records if not r.deleted and r.otp is not None]


def write_otpauth(entries: list[Entry]) -> bytes:
    lines = ["# traycodes export: otpauth links. THEY HOLD YOUR SECRETS IN CLEAR."]
    lines += [format_uri(e) for e in entries]
    return ("\n".join(lines) + "\n").encode()


def write_traycodes(records: list[Record], password: str) -> bytes:
    """A vault file of its own (new id, password only): ``traycodes import`` reads it."""
    from ..vault import kdf_from_environment, password_slot, random_key, seal_file

    vault_id = uuid.uuid4().hex
    master = random_key()
    slot = password_slot(vault_id, master, password, kdf_from_environment())
    live = [r for r in records if not r.deleted]
    return seal_file(vault_id, (slot,), master, live).dumps()


def _aegis_entry(entry: Entry, groups: dict[str, str]) -> dict[str, Any]:
    otp = entry.otp
    info: dict[str, Any] = {
        "secret": encode_secret(otp.secret),
        "algo": otp.algorithm.value.upper(),
        "digits": otp.digits,
    }
    if otp.type is OtpType.HOTP:
        info["counter"] = otp.counter
    else:
        info["period"] = otp.period
    return {
        "type": otp.type.value,
        "uuid": str(uuid.uuid4()),
        "name": entry.account,
        "issuer": entry.issuer,
        "note": entry.note,
        "favorite": entry.favorite,
        "icon": None,
        "info": info,
        "groups": [groups[t] for t in entry.tags],
    }


def write_bitwarden(entries: list[Entry]) -> bytes:
    """Bitwarden's plain JSON export: one login item per account, ``login.totp`` the
    otpauth link (Steam: ``steam://KEY``), the issuer as the item's name, the websites as
    its URIs; tags become folders. Bitwarden imports it (File > Import data, "Bitwarden
    (json)"); passwords are left empty."""
    folders = {tag: str(uuid.uuid4()) for e in entries for tag in e.tags}
    items = []
    for entry in entries:
        otp = entry.otp
        totp = (
            f"steam://{encode_secret(otp.secret)}"
            if otp.type is OtpType.STEAM
            else format_uri(entry)
        )
        items.append(
            {
                "id": str(uuid.uuid4()),
                "organizationId": None,
                "folderId": folders[entry.tags[0]] if entry.tags else None,
                "type": 1,
                "reprompt": 0,
                "name": entry.issuer or entry.account or "traycodes",
                "notes": entry.note or None,
                "favorite": entry.favorite,
                "login": {
                    "uris": [{"match": None, "uri": site} for site in entry.websites],
                    "username": entry.account or None,
                    "password": None,
                    "totp": totp,
                },
                "collectionIds": None,
            }
        )
    document = {
        "encrypted": False,
        "folders": [{"id": ident, "name": tag} for tag, ident in folders.items()],
        "items": items,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def write_2fas(entries: list[Entry], now_ms: int) -> bytes:
    """2FAS's plain backup (``.2fas``, schema version 4), which 2FAS imports (Settings >
    Backup > Import). Tags are not carried (2FAS groups hold one service each)."""
    services = []
    for position, entry in enumerate(entries):
        otp = entry.otp
        fields: dict[str, Any] = {
            "link": format_uri(entry),
            "label": entry.account,
            "account": entry.account,
            "issuer": entry.issuer,
            "digits": otp.digits,
            "algorithm": otp.algorithm.value.upper(),
            "tokenType": otp.type.value.upper(),
            "source": "Link",
        }
        if otp.type is OtpType.HOTP:
            fields["counter"] = otp.counter
        else:
            fields["period"] = otp.period
        services.append(
            {
                "name": entry.issuer or entry.account,
                "secret": encode_secret(otp.secret),
                "updatedAt": now_ms,
                "otp": fields,
                "order": {"position": position},
            }
        )
    document = {
        "services": services,
        "groups": [],
        "updatedAt": now_ms,
        "schemaVersion": 4,
        "appOrigin": "traycodes",
    }
    return (json.dumps(document, ensure_ascii=False) + "\n").encode()


def write_aegis(entries: list[Entry], password: str | None = None) -> bytes:
    """Aegis' vault format (version 1, database version 3), encrypted when a password is
    given: scrypt N=2^15 r=8 p=1 password slot, AES-256-GCM, as Aegis writes it."""
    groups = {tag: str(uuid.uuid4()) for e in entries for tag in e.tags}
    db = {
        "version": 3,
        "entries": [_aegis_entry(e, groups) for e in entries],
        "groups": [{"uuid": u, "name": name} for name, u in groups.items()],
    }
    if password is None:
        document: dict[str, Any] = {
            "version": 1,
            "header": {"slots": None, "params": None},
            "db": db,
        }
        return json.dumps(document, indent=4, ensure_ascii=False).encode()
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    master = os.urandom(32)
    salt = os.urandom(32)
    key = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(password.encode("utf-8"))
    key_nonce = os.urandom(12)
    sealed_key = AESGCM(key).encrypt(key_nonce, master, None)
    db_nonce = os.urandom(12)
    sealed_db = AESGCM(master).encrypt(db_nonce, json.dumps(db).encode(), None)
    slot = {
        "type": 1,
        "uuid": str(uuid.uuid4()),
        "key": sealed_key[:-16].hex(),
        "key_params": {"nonce": key_nonce.hex(), "tag": sealed_key[-16:].hex()},
        "n": 2**15,
        "r": 8,
        "p": 1,
        "salt": salt.hex(),
        "repaired": True,
        "is_backup": False,
    }
    document = {
        "version": 1,
        "header": {
            "slots": [slot],
            "params": {"nonce": db_nonce.hex(), "tag": sealed_db[-16:].hex()},
        },
        "db": base64.b64encode(sealed_db[:-16]).decode(),
    }
    return json.dumps(document, indent=4).encode()


def qr_links(entries: list[Entry], mode: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, link) pairs to draw as QR codes, and accounts that could not be included.

    ``each``: one otpauth link per account. ``google``: Google Authenticator export
    batches (Steam and unusual periods or lengths cannot be expressed there)."""
    if mode == "each":
        return [(e.label, format_uri(e)) for e in entries], []
    left_out = []
    usable = []
    for entry in entries:
        try:
            format_migration([entry])
        except InvalidInput:
            left_out.append(entry.label)
            continue
        usable.append(entry)
    batches = [usable[i : i + GOOGLE_BATCH] for i in range(0, len(usable), GOOGLE_BATCH)]
    batch_id = int.from_bytes(os.urandom(4), "big", signed=True)
    links = [
        (
            f"Google Authenticator export {n + 1} of {len(batches)}",
            format_migration(batch, batch_size=len(batches), batch_index=n, batch_id=batch_id),
        )
        for n, batch in enumerate(batches)
    ]
    return links, left_out


def qr_png(link: str, scale: int = 6) -> bytes:
    """A QR code of ``link`` as PNG bytes."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by the user alone (0600), atomically."""
    from ..vault import atomic_write

    atomic_write(path, data)
