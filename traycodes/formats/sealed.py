"""The password-protected exports of Bitwarden, Ente Auth and Proton Authenticator, and
andOTP's old encrypted format: each opened with its app's own KDF and cipher, the primitives
from maintained libraries (``cryptography``; PyNaCl for libsodium's secretstream, which
``cryptography`` lacks). Imported only when such a file is read.

A file chooses its own KDF cost; a crafted one must not take minutes of CPU or gigabytes of
memory: parameters beyond any the apps use (and far beyond what they use by default) are
refused before any work, in one line (exit 2).

- Bitwarden (``"passwordProtected": true``): PBKDF2-SHA256 of the password over the
  ``salt`` text (``kdfType`` 0), or Argon2id over SHA-256 of it (``kdfType`` 1, memory in
  MiB); the key stretched by HKDF-Expand-SHA256 into an AES key (``enc``) and an HMAC key
  (``mac``); ``encKeyValidation_DO_NOT_EDIT`` and ``data`` are "2.iv|ciphertext|mac"
  strings (AES-256-CBC, HMAC-SHA256 over iv and ciphertext). An "account restricted" export
  is sealed with the account's key, which no password gives: refused, saying so.
- Ente Auth: ``kdfParams`` (libsodium's Argon2id: ``memLimit`` in bytes, ``opsLimit``
  passes, one lane), ``encryptionNonce`` (the secretstream header) and ``encryptedData``
  (one XChaCha20-Poly1305 secretstream message, tagged final or message): a list of
  otpauth links.
- Proton Authenticator: ``{"version": 1, "salt", "content"}``: Argon2id (19 MiB, 2 passes,
  one lane) over the 16-byte salt; ``content`` is a 12-byte nonce then AES-256-GCM with the
  associated data ``proton.authenticator.export.v1``: the plain export's JSON.
- andOTP before 0.6.3: a 12-byte nonce then AES-256-GCM under SHA-256 of the password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from ..errors import InvalidInput, WrongPassword
from ..i18n import _
from .base import PasswordSource, ask_password, load_json
from .budget import spend_argon2, spend_pbkdf2

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Ceilings of what an export may ask of the KDF. Real files: Ente up to 1 GiB x 4 passes
# (libsodium's "sensitive"), 256 MiB x 16; Bitwarden 64 MiB x 3 x 4 lanes, PBKDF2 600,000.
ARGON2_MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
ARGON2_MAX_PASSES = 64
ARGON2_MAX_WORK_KIB = 8 * 1024 * 1024  # memory x passes: 8 GiB-passes, about 12 s
ARGON2_MAX_LANES = 16
PBKDF2_MAX_ITERATIONS = 10_000_000
PROTON_AAD = b"proton.authenticator.export.v1"


def check_argon2(
    what: str, memory_kib: object, passes: object, lanes: object
) -> tuple[int, int, int]:
    """(memory in KiB, passes, lanes); Argon2 parameters no export of ``what`` uses are
    refused, before any work."""
    if not (
        isinstance(memory_kib, int)
        and isinstance(passes, int)
        and isinstance(lanes, int)
        and type(memory_kib) is int
        and type(passes) is int
        and type(lanes) is int
        and 1 <= lanes <= ARGON2_MAX_LANES
        and 8 * lanes <= memory_kib <= ARGON2_MAX_MEMORY_KIB
        and 1 <= passes <= ARGON2_MAX_PASSES
        and memory_kib * passes <= ARGON2_MAX_WORK_KIB
    ):
        raise InvalidInput(
            _(
                "the {what} export asks for Argon2 parameters beyond any it uses "
                "(memory {memory} KiB, {passes} passes, {lanes} lanes; at most 1 "
                "GiB and {most} passes): it is damaged or was "
                "crafted"
            ).format(
                what=what,
                memory=_shown(memory_kib),
                passes=_shown(passes),
                lanes=_shown(lanes),
                most=ARGON2_MAX_PASSES,
            )
        )
    return memory_kib, passes, lanes


def check_pbkdf2(what: str, iterations: object) -> int:
    if not (
        isinstance(iterations, int)
        and type(iterations) is int
        and 1 <= iterations <= PBKDF2_MAX_ITERATIONS
    ):
        raise InvalidInput(
            _(
                "the {what} export asks for {iterations} PBKDF2 iterations (at most "
                "{most:,}): it is damaged or was crafted"
            ).format(what=what, iterations=_shown(iterations), most=PBKDF2_MAX_ITERATIONS)
        )
    return iterations


def _shown(value: object) -> str:
    """A value from the file, for a one-line message: escaped and short."""
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _argon2id(secret: bytes, salt: bytes, memory_kib: int, passes: int, lanes: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    kdf = Argon2id(salt=salt, length=32, iterations=passes, lanes=lanes, memory_cost=memory_kib)
    return kdf.derive(secret)


def _b64(text: object, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            _("the {what} export's encrypted part is damaged").format(what=what)
        ) from None


# --- Bitwarden -------------------------------------------------------------------------------


def bitwarden_decrypt(parsed: dict[str, Any], password: PasswordSource) -> Any:
    """The plain export inside a password-protected Bitwarden JSON export."""
    if not parsed.get("passwordProtected"):
        raise InvalidInput(
            _(
                "this Bitwarden export is 'account restricted': sealed with the Bitwarden "
                "account's own key, which no password opens; export again as 'password "
                "protected' or plain JSON"
            )
        )
    kind, salt = parsed.get("kdfType"), str(parsed.get("salt") or "")
    iterations = parsed.get("kdfIterations")
    rounds, argon2 = 0, (0, 0, 0)
    if kind == 0:
        rounds = check_pbkdf2("Bitwarden", iterations)
    elif kind == 1:
        memory = parsed.get("kdfMemory")  # MiB
        memory_kib = memory * 1024 if type(memory) is int else memory
        lanes = parsed.get("kdfParallelism")
        argon2 = check_argon2("Bitwarden", memory_kib, iterations, lanes)
    else:
        raise InvalidInput(
            _("the Bitwarden export uses an unknown kdfType {shown}").format(shown=_shown(kind))
        )
    if not salt:
        raise InvalidInput(_("the Bitwarden export has no salt: it is damaged"))
    checker, data = parsed.get("encKeyValidation_DO_NOT_EDIT"), parsed.get("data")
    if not isinstance(checker, str) or not isinstance(data, str):
        raise InvalidInput(_("the Bitwarden export's encrypted part is missing: it is damaged"))
    if kind == 0:  # the file's work budget (formats/budget.py), before the password
        spend_pbkdf2(rounds, "the Bitwarden export")
    else:
        spend_argon2(argon2[0], argon2[1], "the Bitwarden export")
    given = ask_password(password, "Bitwarden").encode("utf-8")
    if kind == 0:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

        key = PBKDF2HMAC(hashes.SHA256(), 32, salt.encode("utf-8"), rounds).derive(given)
    else:
        key = _argon2id(given, hashlib.sha256(salt.encode("utf-8")).digest(), *argon2)
    enc, mac = _stretch(key)
    if _enc_string(checker, enc, mac) is None:
        raise WrongPassword(_("wrong password for the Bitwarden export"))
    plain = _enc_string(data, enc, mac)
    if plain is None:
        raise InvalidInput(_("the Bitwarden export's data is damaged or altered"))
    inner = load_json(plain, "decrypted Bitwarden export")
    if not isinstance(inner, dict) or inner.get("encrypted"):
        raise InvalidInput(_("the decrypted Bitwarden export is not a plain export"))
    return inner


def _stretch(key: bytes) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

    return (
        HKDFExpand(hashes.SHA256(), 32, b"enc").derive(key),
        HKDFExpand(hashes.SHA256(), 32, b"mac").derive(key),
    )


def _enc_string(text: str, enc: bytes, mac: bytes) -> bytes | None:
    """A Bitwarden "2.iv|ciphertext|mac" string opened; None if its MAC is wrong."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    kind, _unused, rest = text.partition(".")
    parts = rest.split("|")
    if kind != "2" or len(parts) != 3:
        raise InvalidInput(_("the Bitwarden export's encrypted part is of an unknown kind"))
    iv, ciphertext, tag = (_b64(part, "Bitwarden") for part in parts)
    if len(iv) != 16 or not ciphertext or len(ciphertext) % 16:
        raise InvalidInput(_("the Bitwarden export's encrypted part is damaged"))
    if not hmac.compare_digest(hmac.new(mac, iv + ciphertext, "sha256").digest(), tag):
        return None
    decryptor = Cipher(algorithms.AES(enc), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise InvalidInput(_("the Bitwarden export's encrypted part is damaged")) from None


# --- Ente Auth -------------------------------------------------------------------------------


def ente_decrypt(parsed: dict[str, Any], password: PasswordSource) -> bytes:
    """The otpauth links inside an encrypted Ente Auth export."""
    if parsed.get("version") != 1:
        raise InvalidInput(
            _("the Ente export's version {shown} is unknown").format(
                shown=_shown(parsed.get("version"))
            )
        )
    params = parsed.get("kdfParams")
    if not isinstance(params, dict):
        raise InvalidInput(_("the Ente export has no kdfParams: it is damaged"))
    memory, passes = params.get("memLimit"), params.get("opsLimit")
    memory_kib = memory // 1024 if type(memory) is int else memory
    memory_kib, passes, _unused = check_argon2("Ente", memory_kib, passes, 1)
    salt = _b64(params.get("salt"), "Ente")
    header = _b64(parsed.get("encryptionNonce"), "Ente")
    sealed = _b64(parsed.get("encryptedData"), "Ente")
    if len(salt) != 16 or len(header) != 24 or len(sealed) < 17:
        raise InvalidInput(_("the Ente export's encrypted part is damaged"))
    spend_argon2(memory_kib, passes, "the Ente export")
    given = ask_password(password, "Ente").encode("utf-8")
    key = _argon2id(given, salt, memory_kib, passes, 1)
    from nacl import bindings, exceptions

    state = bindings.crypto_secretstream_xchacha20poly1305_state()
    try:
        bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, header, key)
        plain, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(state, sealed)
    except (exceptions.CryptoError, ValueError, TypeError):
        raise WrongPassword(_("wrong password for the Ente export (or it is damaged)")) from None
    # one message, authenticated whole: Ente tags it final, or (older apps) as a message
    if tag not in (
        bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL,
        bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
    ):
        raise InvalidInput(_("the Ente export's encrypted part is of an unknown kind"))
    return bytes(plain)


# --- Proton Authenticator --------------------------------------------------------------------


def proton_decrypt(parsed: dict[str, Any], password: PasswordSource) -> bytes:
    """The plain export's JSON inside a password-protected Proton Authenticator export."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if parsed.get("version") != 1:
        raise InvalidInput(
            _("the Proton Authenticator export's version {shown} is unknown").format(
                shown=_shown(parsed.get("version"))
            )
        )
    salt = _b64(parsed.get("salt"), "Proton Authenticator")
    sealed = _b64(parsed.get("content"), "Proton Authenticator")
    if len(salt) != 16 or len(sealed) < 12 + 16:
        raise InvalidInput(_("the Proton Authenticator export's encrypted part is damaged"))
    spend_argon2(19 * 1024, 2, "the Proton Authenticator export")
    given = ask_password(password, "Proton Authenticator").encode("utf-8")
    key = _argon2id(given, salt, 19 * 1024, 2, 1)  # the app's fixed parameters
    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], PROTON_AAD)
    except InvalidTag:
        raise WrongPassword(
            _("wrong password for the Proton Authenticator export (or it is damaged)")
        ) from None


# --- andOTP, old format ----------------------------------------------------------------------


def andotp_old_decrypt(data: bytes, given: str) -> bytes | None:
    """andOTP's encrypted backup before 0.6.3 (no iterations header); None when the
    password does not open it."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(data) < 12 + 16:
        return None
    key = hashlib.sha256(given.encode("utf-8")).digest()
    try:
        return AESGCM(key).decrypt(data[:12], data[12:], None)
    except InvalidTag:
        return None
