#!/usr/bin/env python3
"""Reference decrypter for traycodes vaults (format 1). Needs only `cryptography`.

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


def main(path, password):
    first, _, rest = Path(path).read_bytes().partition(b"\n")
    body, _, rest = rest.partition(b"\n")
    checksum, _, ciphertext = rest.partition(b"\n")
    if first != b"traycodes-vault 1":
        sys.exit("not a traycodes vault of format 1")
    digest = hashlib.sha256(first + b"\n" + body + b"\n" + ciphertext).hexdigest()
    if checksum != b"sha256 " + digest.encode():
        sys.exit("checksum mismatch: the file is damaged")
    vault = json.loads(body)
    b64 = base64.b64decode
    master = None
    for slot in vault["slots"]:
        if slot["type"] != "password":
            continue
        kdf = slot["kdf"]
        key = Argon2id(
            salt=b64(kdf["salt"]),
            length=32,
            iterations=kdf["iterations"],
            lanes=kdf["lanes"],
            memory_cost=kdf["memory_kib"],
        ).derive(password.encode())
        params = {k: v for k, v in slot.items() if k not in ("nonce", "wrapped")}
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
    header = canonical(
        {
            "format": "traycodes-vault",
            "version": 1,
            "vault_id": vault["vault_id"],
            "slots": vault["slots"],
        }
    )
    payload = vault["payload"]
    records = AESGCM(master).decrypt(b64(payload["nonce"]), ciphertext, header)
    # Fields at their default value are left out of each record: see vault-format.md.
    print(json.dumps(json.loads(records), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1], os.environ.get("TRAYCODES_PASSWORD") or getpass.getpass("Password: "))
