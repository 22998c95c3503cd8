#!/usr/bin/env python3
"""Reference decrypter for traycodes vaults (formats 1, 2 and 3). Needs only `cryptography`.

    python3 reference_decrypt.py vault.tcv        # asks for the password
    TRAYCODES_PASSWORD=... python3 reference_decrypt.py vault.tcv

Prints the records as JSON, secrets included: run it where nobody is looking.
"""

import base64
import getpass
import hashlib
import json
import os
import sys
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


# The most a file may ask of Argon2id (a damaged or hostile header must not exhaust memory),
# and the least (a lowered header): the same bounds as traycodes'.
KDF_MAXIMUM = {"memory_kib": 4 * 1024 * 1024, "iterations": 64, "lanes": 64}
KDF_MINIMUM = {"memory_kib": 19 * 1024, "iterations": 2, "lanes": 1}


def exact_keys(value, keys, what):
    if not isinstance(value, dict) or set(value) != set(keys):
        sys.exit(f"unknown or missing keys in the {what}: the file is damaged or was altered")


def main(path, password):
    first, _, rest = Path(path).read_bytes().partition(b"\n")
    body, _, rest = rest.partition(b"\n")
    checksum, _, ciphertext = rest.partition(b"\n")
    if first not in (b"traycodes-vault 1", b"traycodes-vault 2", b"traycodes-vault 3"):
        sys.exit("not a traycodes vault of format 1, 2 or 3")
    version = int(first.split(b" ")[1])
    digest = hashlib.sha256(first + b"\n" + body + b"\n" + ciphertext).hexdigest()
    if checksum != b"sha256 " + digest.encode():
        sys.exit("checksum mismatch: the file is damaged")
    vault = json.loads(body)
    keys = ["payload", "slots", "vault_id"] + (["versions"] if version >= 2 else [])
    exact_keys(vault, keys + (["keys"] if version >= 3 else []), "header")
    if version >= 3:  # the slots' epoch: which password change this file carries
        names = ["epoch", "at", "computer", "name"]  # "prior": older keys, not needed here
        exact_keys(vault["keys"], names + (["prior"] if "prior" in vault["keys"] else []), "keys")
    exact_keys(vault["payload"], ["cipher", "nonce", "size"], "payload")
    b64 = base64.b64decode
    master = None
    for slot in vault["slots"]:
        if slot["type"] != "password":
            exact_keys(slot, ["type", "id", "nonce", "wrapped"], "slot")
            continue
        exact_keys(slot, ["type", "id", "kdf", "nonce", "wrapped"], "slot")
        kdf = slot["kdf"]
        exact_keys(kdf, ["name", "salt", "memory_kib", "iterations", "lanes"], "slot's KDF")
        for name, most in KDF_MAXIMUM.items():
            if not KDF_MINIMUM[name] <= kdf[name] <= most:
                sys.exit(f"the slot asks for an Argon2id {name} outside the allowed range")
        key = Argon2id(
            salt=b64(kdf["salt"]),
            length=32,
            iterations=kdf["iterations"],
            lanes=kdf["lanes"],
            memory_cost=kdf["memory_kib"],
        ).derive(password.encode())
        params = {k: v for k, v in slot.items() if k not in ("nonce", "wrapped")}
        # Slots keep the associated data of format 1 in every format.
        ad = canonical(
            {
                "format": "traycodes-vault",
                "version": 1,
                "vault_id": vault["vault_id"],
                "slot": params,
            }
        )
        try:
            master = AESGCM(key).decrypt(b64(slot["nonce"]), b64(slot["wrapped"]), ad)
            break
        except InvalidTag:
            continue  # not this slot's password: try the next
    if master is None:
        sys.exit("wrong password (or no password slot)")
    if version >= 2:  # the first two lines exactly as stored
        header = first + b"\n" + body + b"\n"
    else:
        header = canonical(
            {
                "format": "traycodes-vault",
                "version": 1,
                "vault_id": vault["vault_id"],
                "slots": vault["slots"],
            }
        )
    payload = vault["payload"]
    try:
        records = AESGCM(master).decrypt(b64(payload["nonce"]), ciphertext, header)
    except InvalidTag:
        sys.exit("the records fail authentication: the file was altered")
    # Fields at their default value are left out of each record: see vault-format.md.
    print(json.dumps(json.loads(records), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1], os.environ.get("TRAYCODES_PASSWORD") or getpass.getpass("Password: "))
