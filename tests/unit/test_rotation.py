"""A password change or a rekey survives a sync race: two computers, each with its own state
folder and its own copy of the synced folder, in both orders. Both end on the new password
with both sides' changes, and the old password opens no file in either folder."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import os
import uuid
from pathlib import Path

import pytest

from tests.unit.test_sync import computer
from traycodes.errors import TrayCodesError, WrongPassword
from traycodes.keystore import MemoryStore
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, KdfParams, Vault, loads, unlock

OLD, NEW = "old password", "new password"


def sync(source: Path, target: Path) -> None:
    """The sync tool: the vault folder's files and its backups made the same as
    ``source``'s, deletions included (whatever landed last wins, as with a real tool)."""
    for folder in (Path(), Path("vault.tcv.backups")):
        there, here = source.parent / folder, target.parent / folder
        here.mkdir(exist_ok=True)
        for stale in here.glob("*.tcv"):
            if not (there / stale.name).exists():
                stale.unlink()
        for copy in there.glob("*.tcv"):
            (here / copy.name).write_bytes(copy.read_bytes())


def add(vault: Vault, issuer: str) -> None:
    made = Record(id=uuid.uuid4().hex, issuer=issuer, otp=OtpParams(os.urandom(20)), modified=1.0)
    vault.update(lambda records: records.__setitem__(made.id, made))


def issuers(vault: Vault) -> set[str]:
    return {r.issuer for r in vault.records}


def opens_with(path: Path, password: str) -> bool:
    try:
        unlock(loads(path.read_bytes()), None, lambda: password)
    except TrayCodesError:
        return False
    return True


class Two:
    """Computers A and B, each with its own keyring and its own copy of the folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.a, self.b = root / "A" / "vault.tcv", root / "B" / "vault.tcv"
        self.keys = {"A": MemoryStore(), "B": MemoryStore()}
        with self.on("A"):
            add(
                Vault.create(self.a, password=OLD, keystore=self.keys["A"], kdf=KDF_MINIMUM), "base"
            )
        self.b.parent.mkdir()
        sync(self.a, self.b)
        with self.on("B"):  # B joins: a keyring slot of its own
            Vault.open(self.b, keystore=None, password=lambda: OLD).add_keyring(self.keys["B"])
        sync(self.b, self.a)
        self.open("A")

    def on(self, name: str) -> contextlib.AbstractContextManager[None]:
        return computer(name, self.root)

    def open(self, name: str, password: str = NEW) -> Vault:
        with self.on(name):
            path = self.a if name == "A" else self.b
            return Vault.open(path, keystore=self.keys[name], password=lambda: password)

    def rotate(self, rekey: bool) -> None:
        with self.on("A"):
            vault = Vault.open(self.a, keystore=self.keys["A"], password=lambda: None)
            add(vault, "from A")
            if rekey:
                vault.rekey(NEW, keystore=self.keys["A"], kdf=KDF_MINIMUM)
            else:
                vault.change_password(NEW, kdf=KDF_MINIMUM)

    def stale_save_on_b(self) -> None:
        with self.on("B"):
            add(Vault.open(self.b, keystore=self.keys["B"], password=lambda: OLD), "from B")

    def converged(self, rekey: bool) -> None:
        """Both on the new password with every change; the old password opens no file in
        either folder (nor, after a rekey, any backup: a password change keeps the key, and
        says that backups still open with the old password)."""
        for name in ("A", "B"):
            vault = self.open(name)
            assert issuers(vault) == {"base", "from A", "from B"}
            with self.on(name), pytest.raises(WrongPassword):
                Vault.open(vault.path, keystore=None, password=lambda: OLD)
        for folder in (self.a.parent, self.b.parent):
            backups = list(folder.glob("vault.tcv.backups/*.tcv")) if rekey else []
            files = [*folder.glob("*.tcv"), *backups]
            assert files and not [f.name for f in files if opens_with(f, OLD)]
            assert all(opens_with(f, NEW) for f in files)


@pytest.mark.parametrize("rekey", [False, True], ids=["passwd", "rekey"])
def test_a_stale_save_landing_after_the_change_keeps_the_new_password(
    tmp_path: Path, rekey: bool
) -> None:
    two = Two(tmp_path)
    two.rotate(rekey)  # A changes the password
    two.stale_save_on_b()  # B, not synced yet, saves with the old slots
    sync(two.b, two.a)  # B's file lands over A's
    on_a = two.open("A")
    assert "from A" in issuers(on_a)
    assert any("password changed" in w for w in on_a.warnings)
    if rekey:  # sealed under the old key: A cannot open it, so it is kept aside, and said
        assert any("kept aside" in w for w in on_a.warnings)
        assert len(list(two.a.parent.glob("vault (older key*).tcv"))) == 1
    else:
        assert "from B" in issuers(on_a)
    sync(two.a, two.b)
    on_b = two.open("B")  # B opens with the new password (or its keyring, which still works)
    assert issuers(on_b) == {"base", "from A", "from B"}
    sync(two.b, two.a)
    two.converged(rekey)


@pytest.mark.parametrize("rekey", [False, True], ids=["passwd", "rekey"])
def test_a_change_landing_over_a_stale_save_keeps_both(tmp_path: Path, rekey: bool) -> None:
    two = Two(tmp_path)
    two.stale_save_on_b()  # B saves first
    two.rotate(rekey)  # A changes the password without B's save
    sync(two.a, two.b)  # A's file lands over B's
    on_b = two.open("B")
    assert issuers(on_b) == {"base", "from A", "from B"}
    said = " ".join(on_b.warnings)
    assert "the password changed on " in said and "the vault uses the new one" in said
    sync(two.b, two.a)
    two.converged(rekey)


def test_the_epoch_is_in_the_authenticated_header(tmp_path: Path) -> None:
    path = tmp_path / "vault.tcv"
    vault = Vault.create(path, password=OLD, keystore=None, kdf=KDF_MINIMUM)
    assert loads(path.read_bytes()).keys.epoch == 0
    vault.change_password(NEW, kdf=KDF_MINIMUM)
    keys = loads(path.read_bytes()).keys
    assert keys.epoch == 1 and keys.computer and keys.at > 0
    add(vault, "GitHub")  # an ordinary save keeps the epoch
    assert loads(path.read_bytes()).keys == keys
    data = path.read_bytes()
    forged = data.replace(b'"epoch":1', b'"epoch":9', 1)  # checksum made right again
    first, _, rest = forged.partition(b"\n")
    body, _, rest = rest.partition(b"\n")
    _, _, ciphertext = rest.partition(b"\n")
    digest = hashlib.sha256(first + b"\n" + body + b"\n" + ciphertext).hexdigest()
    path.write_bytes(first + b"\n" + body + b"\n" + f"sha256 {digest}\n".encode() + ciphertext)
    with pytest.raises(TrayCodesError, match="fail authentication"):
        Vault.open(path, keystore=None, password=lambda: NEW)


def test_a_format_2_vault_of_0_5_0_opens_and_is_saved_as_format_3(tmp_path: Path) -> None:
    from traycodes.vault import crypto, password_slot
    from traycodes.vault.format import canonical, dump_records

    path = tmp_path / "vault.tcv"
    master, vault_id = crypto.random_key(), uuid.uuid4().hex
    slot = password_slot(vault_id, master, OLD, KDF_MINIMUM)
    kept = Record(id=uuid.uuid4().hex, issuer="GitHub", otp=OtpParams(b"k" * 20), modified=1.0)
    plaintext, nonce = dump_records([kept]), crypto.random_nonce()
    body = {
        "vault_id": vault_id,
        "slots": [slot.to_json()],
        "payload": {
            "cipher": "aes-256-gcm",
            "nonce": base64.b64encode(nonce).decode(),
            "size": len(plaintext) + 16,
        },
        "versions": {"0123456789abcdef": 3},
    }
    header = b"traycodes-vault 2\n" + canonical(body) + b"\n"
    _, ciphertext = crypto.seal(master, plaintext, header, nonce)
    digest = hashlib.sha256(header + ciphertext).hexdigest()
    path.write_bytes(header + f"sha256 {digest}\n".encode() + ciphertext)
    vault = Vault.open(path, keystore=None, password=lambda: OLD)
    assert vault.records == [kept] and loads(path.read_bytes()).keys.epoch == 0
    vault.change_password(NEW, kdf=KDF_MINIMUM)
    assert path.read_bytes().startswith(b"traycodes-vault 3\n")
    assert issuers(Vault.open(path, keystore=None, password=lambda: NEW)) == {"GitHub"}


@pytest.mark.parametrize(
    "costs",
    [
        [KDF_MINIMUM] * 40,  # many password slots, each cheap
        [KdfParams(memory_kib=4 * 1024 * 1024, iterations=64, lanes=4)],  # one absurd slot
        [KdfParams(memory_kib=1024 * 1024, iterations=4, lanes=4)] * 3,  # too much together
    ],
    ids=["many-slots", "absurd-slot", "too-much-work"],
)
def test_a_tampered_header_cannot_make_unlock_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, costs: list[KdfParams]
) -> None:
    from traycodes.errors import DamagedData
    from traycodes.vault import crypto, seal_file

    path = tmp_path / "vault.tcv"
    vault = Vault.create(path, password=OLD, keystore=None, kdf=KDF_MINIMUM)
    real = vault.slots[0]
    # The slots a hostile device writes: the KDF costs changed (the seal would fail, but
    # only after the Argon2id work), the real slot last.
    planted = tuple(
        dataclasses.replace(real, id=f"{n:016x}", kdf=cost) for n, cost in enumerate(costs)
    )
    later = tuple(sorted((*loads(path.read_bytes()).versions, ("f" * 16, 1))))  # not a rollback
    crafted = seal_file(vault.vault_id, (*planted, real), vault.master_key, [], later)
    path.write_bytes(crafted.dumps())
    derived: list[KdfParams] = []
    monkeypatch.setattr(crypto, "derive", lambda pw, salt, kdf: derived.append(kdf) or b"k" * 32)
    asked: list[bool] = []
    with pytest.raises(DamagedData, match="tampered"):
        Vault.open(path, keystore=None, password=lambda: asked.append(True) or OLD)
    assert derived == [] and asked == []  # refused before any work, and before asking
    # Positive control: the same vault with its one real slot still opens (one derivation).
    monkeypatch.undo()
    path.write_bytes(seal_file(vault.vault_id, (real,), vault.master_key, [], later).dumps())
    assert Vault.open(path, keystore=None, password=lambda: OLD).unlocked_with == "password"


def test_a_last_save_no_key_at_hand_opens_is_kept_aside_and_said(tmp_path: Path) -> None:
    """A last save written before rotations carried ``prior`` (a build before 0.6): the
    new key cannot lead back to it (test_rotation_chain.py: with ``prior`` it is merged)."""
    from traycodes.vault import open_records, seal_file
    from traycodes.vault.history import last_save_path

    two = Two(tmp_path)
    with two.on("B"):  # B saves with its password only (no keyring at hand)
        on_b = Vault.open(two.b, keystore=None, password=lambda: OLD)
        add(on_b, "from B")
        saved = loads(last_save_path(on_b.vault_id).read_bytes())
        records = open_records(saved, on_b.master_key)
        keys = dataclasses.replace(saved.keys, prior=None)
        legacy = seal_file(
            saved.vault_id, saved.slots, on_b.master_key, records, saved.versions, keys
        )
        last_save_path(on_b.vault_id).write_bytes(legacy.dumps())
    two.rotate(rekey=True)
    sync(two.a, two.b)  # A's rekeyed file lands over B's save
    with two.on("B"):
        on_b = Vault.open(two.b, keystore=None, password=lambda: NEW)
    assert issuers(on_b) == {"base", "from A"}
    said = " ".join(on_b.warnings)
    assert "kept aside" in said and "traycodes import" in said  # told, and how to get it back
    (aside,) = two.b.parent.glob("vault (older key*).tcv")
    assert aside.name in said and opens_with(aside, OLD)  # B's save is not lost


def test_the_kept_aside_warning_names_the_old_key_backups_too(tmp_path: Path) -> None:
    two = Two(tmp_path)
    two.rotate(rekey=True)
    two.stale_save_on_b()  # B's save also backs up B's file: under the old key
    sync(two.b, two.a)  # the backups folder too
    on_a = two.open("A")
    said = " ".join(on_a.warnings)
    assert "kept aside" in said
    old_key = [b for b in two.a.parent.glob("vault.tcv.backups/*.tcv") if opens_with(b, OLD)]
    assert old_key  # the case this is about: backups the old password still opens ...
    for backup in old_key:  # ... each named
        assert f"vault.tcv.backups/{backup.name}" in said
    assert "old password also opens the backup" in said
