"""The vault file, byte for byte (docs/vault-format.md describes it for other readers).

Three lines, then the sealed records as raw bytes::

    traycodes-vault 2
    {"payload":{...},"slots":[...],"vault_id":"...","versions":{"<computer>":N,...}}
    sha256 <hex digest of the two lines above (newlines included) and the N bytes below>
    <N bytes: AES-256-GCM ciphertext and tag>

The checksum needs no key: it tells accidental damage (exit 4) apart from a wrong password
(exit 3). Authenticity comes from AES-GCM: every slot binds its own parameters as
associated data, and the records are sealed with the first two lines exactly as stored as
associated data, so any change to them (the format line, a slot, the version vector, a key
added) fails authentication once the vault is opened; unknown keys are refused before that.
Format 3 adds ``keys``: the key slots' epoch (how many times the password or the key was
changed), with the computer that changed them and when, so that a merge keeps the newest
slots whatever order a sync tool delivers the files in. Format 2 (0.5.0) is read as epoch
0 and saved as format 3. Format 1 (read, never written) sealed the records with a
re-serialised header instead.
"""

from __future__ import annotations

import base64
import binascii
import gc
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import DamagedData, InvalidInput, UnsupportedVersion
from ..i18n import _
from ..model import Algorithm, OtpParams, OtpType, Record
from .crypto import KdfParams

MAGIC = "traycodes-vault"
VERSION = 3  # what traycodes writes; formats 1 and 2 are read and saved as format 3
SLOT_AAD_VERSION = 1  # slots keep the associated data they were sealed with in format 1
MAX_VERSIONS = 1000  # computers in a version vector
MAX_COUNTER = 2**53
MAX_SLOTS = 64  # key slots in a header: one per computer's keyring, and a password
SLOT_PASSWORD = "password"  # noqa: S105 - a slot type, not a password
SLOT_KEYRING = "keyring"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text, validate=True)


def canonical(value: object) -> bytes:
    """The one JSON spelling used for hashing and associated data."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass(frozen=True, slots=True)
class Slot:
    """The master key, sealed under a password-derived key or a key kept in the keyring."""

    type: str
    id: str
    nonce: bytes = field(repr=False)
    wrapped: bytes = field(repr=False)
    salt: bytes = field(default=b"", repr=False)
    kdf: KdfParams | None = None

    def params(self) -> dict[str, Any]:
        """What the slot says about itself, without the sealed key."""
        out: dict[str, Any] = {"type": self.type, "id": self.id}
        if self.type == SLOT_PASSWORD and self.kdf is not None:
            out["kdf"] = {
                "name": "argon2id",
                "salt": _b64(self.salt),
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
            }
        return out

    def associated(self, vault_id: str) -> bytes:
        """Associated data for sealing this slot's copy of the master key."""
        return canonical(
            {
                "format": MAGIC,
                "version": SLOT_AAD_VERSION,
                "vault_id": vault_id,
                "slot": self.params(),
            }
        )

    def to_json(self) -> dict[str, Any]:
        return {**self.params(), "nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        kind, slot_id = data["type"], data["id"]
        if kind not in (SLOT_PASSWORD, SLOT_KEYRING) or not isinstance(slot_id, str):
            raise ValueError("bad slot")
        expected = {"type", "id", "nonce", "wrapped"} | (
            {"kdf"} if kind == SLOT_PASSWORD else set()
        )
        _exact_keys(data, expected)
        salt, kdf = b"", None
        if kind == SLOT_PASSWORD:
            params = data["kdf"]
            _exact_keys(params, {"name", "salt", "memory_kib", "iterations", "lanes"})
            if params["name"] != "argon2id":
                raise ValueError("unknown KDF")
            salt = _unb64(params["salt"])
            kdf = KdfParams(*(_int(params[k]) for k in ("memory_kib", "iterations", "lanes")))
        return cls(kind, slot_id, _unb64(data["nonce"]), _unb64(data["wrapped"]), salt, kdf)


def _exact_keys(data: object, expected: set[str]) -> None:
    """A JSON object with exactly these keys: an unknown one is refused, not ignored."""
    if not isinstance(data, dict) or set(data) != expected:
        raise ValueError("unexpected or missing keys")


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected a whole number")
    return value


Versions = tuple[tuple[str, int], ...]  # (computer, saves) pairs, sorted


MAX_PRIOR = 8  # older master keys a rekeyed file carries (see Keys.prior)


@dataclass(frozen=True, slots=True, order=True)
class Keys:
    """Which generation of key slots a file carries: ``epoch`` counts password changes and
    rekeys; ``at`` (Unix seconds), ``computer`` (its id) and ``name`` (its host name) say
    where the latest was made. Files of format 2 and older are epoch 0, made nowhere.
    Ordering is the merge's: the higher epoch wins, then the later change, then the id.

    ``prior``: the master keys of the epochs before a rekey, newest first, each sealed
    under this file's master key (nonce and sealed key, one bytes value each): the proof
    that whoever rotated the key held the one before (:func:`.history.chained`). None in
    files written before that rule (read as unchained: the check is skipped)."""

    epoch: int = 0
    at: int = 0
    computer: str = ""
    name: str = ""
    prior: tuple[bytes, ...] | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        made = {"epoch": self.epoch, "at": self.at, "computer": self.computer, "name": self.name}
        if self.prior is not None:
            made["prior"] = [_b64(sealed) for sealed in self.prior]
        return made

    @classmethod
    def from_json(cls, data: object) -> Keys:
        names = {"epoch", "at", "computer", "name"}
        _exact_keys(
            data, names | ({"prior"} if isinstance(data, dict) and "prior" in data else set())
        )
        assert isinstance(data, dict)
        epoch, at = _int(data["epoch"]), _int(data["at"])
        computer, name = data["computer"], data["name"]
        if not (0 <= epoch < MAX_COUNTER and 0 <= at < MAX_COUNTER):
            raise ValueError("bad epoch")
        for text in (computer, name):
            if not isinstance(text, str) or len(text) > 64:
                raise ValueError("bad computer")
        prior = None
        if "prior" in data:
            if not isinstance(data["prior"], list) or len(data["prior"]) > MAX_PRIOR:
                raise ValueError("bad prior keys")
            prior = tuple(_unb64(sealed) for sealed in data["prior"])
        return cls(epoch, at, computer, name, prior)

    def described(self) -> str:
        """Where and when, for a person ("on LAPTOP-7 at 2026-12-07 17:20")."""
        import time

        where = self.name or self.computer or _("another computer")
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.at))
        return _("on {computer} at {time}").format(computer=where, time=when)


NO_KEYS = Keys()  # format 2 and older: epoch 0


def prior_associated(vault_id: str) -> bytes:
    """Associated data for an older master key sealed under a file's (``Keys.prior``)."""
    return canonical({"format": MAGIC, "prior_key_of": vault_id})


@dataclass(frozen=True, slots=True)
class VaultFile:
    """A vault file as stored: header (id, slots, version vector) and the sealed records.

    ``versions`` counts, per computer, the saves it made: a file whose vector does not
    reach a computer's last save lost that save (rolled back, or written over).
    ``stored_header``: the first two lines exactly as stored, the records' associated data
    (format 2); empty for format 1, whose associated data is :func:`header_for`."""

    vault_id: str
    slots: tuple[Slot, ...]
    nonce: bytes = field(repr=False)
    ciphertext: bytes = field(repr=False)
    versions: Versions = ()
    stored_header: bytes = field(default=b"", repr=False)
    keys: Keys = NO_KEYS

    def header(self) -> bytes:
        """Associated data for the records."""
        return self.stored_header or header_for(self.vault_id, self.slots)

    def dumps(self) -> bytes:
        """The file's bytes."""
        digest = hashlib.sha256(self.stored_header + self.ciphertext).hexdigest()
        return self.stored_header + f"sha256 {digest}\n".encode() + self.ciphertext


def stored_header(
    vault_id: str,
    slots: tuple[Slot, ...],
    nonce: bytes,
    size: int,
    versions: Versions,
    keys: Keys = NO_KEYS,
) -> bytes:
    """The first two lines of a format 3 file (newlines included)."""
    body = {
        "keys": keys.to_json(),
        "vault_id": vault_id,
        "slots": [slot.to_json() for slot in slots],
        "payload": {"cipher": "aes-256-gcm", "nonce": _b64(nonce), "size": size},
        "versions": dict(versions),
    }
    return f"{MAGIC} {VERSION}\n".encode() + canonical(body) + b"\n"


def header_for(vault_id: str, slots: tuple[Slot, ...]) -> bytes:
    """The associated data format 1 sealed the records with (read only)."""
    return canonical(
        {
            "format": MAGIC,
            "version": 1,
            "vault_id": vault_id,
            "slots": [slot.to_json() for slot in slots],
        }
    )


def _versions(value: object) -> Versions:
    if not isinstance(value, dict) or len(value) > MAX_VERSIONS:
        raise ValueError("bad version vector")
    pairs = []
    for computer, count in value.items():
        if not isinstance(computer, str) or not 0 < len(computer) <= 64:
            raise ValueError("bad computer id")
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count < MAX_COUNTER:
            raise ValueError("bad save count")
        pairs.append((computer, count))
    return tuple(sorted(pairs))


def loads(data: bytes) -> VaultFile:
    """Parse and check a vault file; :class:`DamagedData` for anything not right."""
    first, sep, rest = data.partition(b"\n")
    magic, space, version_text = first.partition(b" ")
    if magic != MAGIC.encode() or not sep or not space:
        raise DamagedData(_("not a traycodes vault (or its first line is damaged)"))
    if not version_text.isdigit() or version_text.startswith(b"0"):
        raise DamagedData(_("the vault's format line is damaged"))
    version = int(version_text)
    if version > VERSION:
        raise UnsupportedVersion(
            _(
                "the vault was written by a newer traycodes (format {version}; "
                "this one reads format {ours}): upgrade traycodes to open it"
            ).format(version=version, ours=VERSION)
        )
    body, sep, rest = rest.partition(b"\n")
    checksum, sep2, ciphertext = rest.partition(b"\n")
    digest = hashlib.sha256(first + b"\n" + body + b"\n" + ciphertext).hexdigest()
    if not (sep and sep2) or checksum != f"sha256 {digest}".encode():
        raise DamagedData(
            _("the vault's checksum does not match: the file is damaged or incomplete")
        )
    try:
        parsed = json.loads(body)
        expected = {"payload", "slots", "vault_id"} | ({"versions"} if version >= 2 else set())
        _exact_keys(parsed, expected | ({"keys"} if version >= 3 else set()))
        payload = parsed["payload"]
        _exact_keys(payload, {"cipher", "nonce", "size"})
        if payload["cipher"] != "aes-256-gcm" or payload["size"] != len(ciphertext):
            raise ValueError("unknown cipher or wrong size")
        vault_id = parsed["vault_id"]
        if not isinstance(vault_id, str) or not vault_id:
            raise ValueError("bad vault id")
        if not isinstance(parsed["slots"], list) or len(parsed["slots"]) > MAX_SLOTS:
            raise ValueError("bad slots")
        slots = tuple(Slot.from_json(s) for s in parsed["slots"])
        versions = _versions(parsed["versions"]) if version >= 2 else ()
        header = first + b"\n" + body + b"\n" if version >= 2 else b""
        keys = Keys.from_json(parsed["keys"]) if version >= 3 else NO_KEYS
        nonce = _unb64(payload["nonce"])
        return VaultFile(vault_id, slots, nonce, ciphertext, versions, header, keys)
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        raise DamagedData(_("the vault's header is damaged")) from None


# --- records <-> JSON (the sealed payload) ---------------------------------------------------


# Fields left out of the stored JSON when they hold these values: most records carry few
# of them, and a smaller payload opens faster (10,000 records: scripts/bench vault).
_RECORD_DEFAULTS: dict[str, Any] = {
    "issuer": "",
    "account": "",
    "otp": None,
    "websites": [],
    "title_patterns": [],
    "apps": [],
    "note": "",
    "tags": [],
    "favorite": False,
    "used": 0.0,
    "deleted": False,
    "hotkey_action": "",
    "previous_otp": None,
}
_OTP_DEFAULTS: dict[str, Any] = {
    "type": "totp",
    "algorithm": "sha1",
    "digits": 6,
    "period": 30,
    "counter": 0,
}


def _otp_to_json(otp: OtpParams | None) -> dict[str, Any] | None:
    if otp is None:
        return None
    return {
        "secret": _b64(otp.secret),
        **{
            k: v
            for k, v in (
                ("type", otp.type.value),
                ("algorithm", otp.algorithm.value),
                ("digits", otp.digits),
                ("period", otp.period),
                ("counter", otp.counter),
            )
            if _OTP_DEFAULTS[k] != v
        },
    }


def record_to_json(record: Record) -> dict[str, Any]:
    """A record as stored inside the sealed payload (fields at their default left out)."""
    otp = record.otp
    full: dict[str, Any] = {
        "id": record.id,
        "issuer": record.issuer,
        "account": record.account,
        "otp": _otp_to_json(otp),
        "previous_otp": _otp_to_json(record.previous_otp),
        "websites": list(record.websites),
        "title_patterns": list(record.title_patterns),
        "apps": list(record.apps),
        "note": record.note,
        "tags": list(record.tags),
        "favorite": record.favorite,
        "created": record.created,
        "modified": record.modified,
        "used": record.used,
        "deleted": record.deleted,
        "hotkey_action": record.hotkey_action,
    }
    return {
        k: v
        for k, v in full.items()
        if k not in _RECORD_DEFAULTS
        or _RECORD_DEFAULTS[k] != v
        or type(_RECORD_DEFAULTS[k]) is not type(v)
    }


_TYPES = {t.value: t for t in OtpType}
_ALGORITHMS = {a.value: a for a in Algorithm}
_OTP_FIELDS = {"secret": b"", **_OTP_DEFAULTS}
_RECORD_FIELDS = {**_RECORD_DEFAULTS, "id": "", "created": 0.0, "modified": 0.0}
_TUPLES = ("websites", "title_patterns", "apps", "tags")
_new = object.__new__


def _otp_from_json(data: dict[str, Any]) -> OtpParams:
    otp = _new(OtpParams)
    otp_fields = otp.__dict__
    otp_fields.update(_OTP_FIELDS)
    otp_fields.update(data)
    if len(otp_fields) != len(_OTP_FIELDS):
        raise ValueError("unknown OTP fields")
    otp_fields["secret"] = base64.b64decode(data["secret"], validate=True)
    otp_fields["type"] = _TYPES[otp_fields["type"]]
    otp_fields["algorithm"] = _ALGORITHMS[otp_fields["algorithm"]]
    if not otp_fields["secret"]:
        raise ValueError("empty secret")
    return otp


def record_from_json(data: dict[str, Any]) -> Record:
    """The inverse of :func:`record_to_json`; ValueError (or KeyError) when malformed.

    The payload is authenticated: only a traycodes wrote it, through the validating
    constructors. So this fills the record's fields directly instead of validating each
    value again, which opens a 10,000-record vault several times faster (scripts/bench).
    """
    record = _new(Record)
    fields = record.__dict__
    fields.update(_RECORD_FIELDS)
    fields.update(data)
    if len(fields) != len(_RECORD_FIELDS):
        raise ValueError("unknown record fields")
    for name in _TUPLES:
        fields[name] = tuple(fields[name]) if fields[name] else ()
    if type(fields["id"]) is not str or len(fields["id"]) != 32:
        raise ValueError("bad record id")
    for name in ("otp", "previous_otp"):
        if fields[name] is not None:
            fields[name] = _otp_from_json(fields[name])
    return record


def dump_records(records: list[Record] | tuple[Record, ...]) -> bytes:
    """The plaintext that gets sealed."""
    return json.dumps(
        {"records": [record_to_json(r) for r in records]}, separators=(",", ":")
    ).encode()


def load_records(plaintext: bytes) -> list[Record]:
    """Records from an unsealed payload; :class:`DamagedData` when malformed."""
    # Tens of thousands of new containers would set off the cyclic GC again and again, each
    # pass walking all of them; records hold no cycles, so it waits until they are built.
    collecting = gc.isenabled()
    gc.disable()
    try:
        parsed = json.loads(plaintext)
        return [record_from_json(r) for r in parsed["records"]]
    except (ValueError, KeyError, TypeError, InvalidInput):
        raise DamagedData(_("the vault's records cannot be read")) from None
    finally:
        if collecting:
            gc.enable()
