"""A key rotation must follow from the key before it: a file that claims a newer epoch is
adopted only when its key was made by someone who held this computer's key (``prior``).
Someone who knows only an old password cannot plant a file that then takes over the vault
(the new password refused, the old one opening their file); honest rotations still win in
either sync order (tests/unit/test_rotation.py), and two rotations in a row too."""

from __future__ import annotations

import dataclasses
import time
import uuid

import pytest

from tests.unit.test_rotation import NEW, OLD, Two, add, issuers, sync
from traycodes.errors import DamagedData, WrongPassword
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, Vault, crypto, loads, password_slot, seal_file, unlock
from traycodes.vault.format import Keys, prior_associated


def plant(two: Two, old_copy: bytes, *, own_key: bool, same_keys: bool = False) -> None:
    """What someone who knows the old password and kept an old copy of the vault writes
    into A's synced folder: a newer epoch, a slot of their own (the old password), their
    records, and a ``prior`` claiming the key they know."""
    old = loads(old_copy)
    old_master, _ = unlock(old, None, lambda: OLD)
    master = crypto.random_key() if own_key else old_master
    theirs = Record(id=uuid.uuid4().hex, issuer="planted", otp=OtpParams(b"p" * 20), modified=9.0)
    slot = password_slot(old.vault_id, master, OLD, KDF_MINIMUM)
    prior = b"".join(crypto.seal(master, old_master, prior_associated(old.vault_id)))
    current = loads(two.a.read_bytes())
    keys = Keys(7, int(time.time()) + 3600, "f" * 16, "ATTACKER", (prior,))
    if same_keys:  # the rotation's own epoch, time and computer, copied: not newer at all
        keys = dataclasses.replace(current.keys, prior=(prior,))
    versions = tuple(sorted((*current.versions, ("f" * 16, 99))))
    planted = seal_file(old.vault_id, (slot,), master, [theirs], versions, keys)
    two.a.write_bytes(planted.dumps())


@pytest.mark.parametrize("same_keys", [False, True], ids=["newer-epoch", "same-epoch"])
@pytest.mark.parametrize("own_key", [True, False], ids=["own-key", "old-key"])
def test_a_planted_newer_epoch_is_not_adopted(
    tmp_path: pytest.TempPathFactory, own_key: bool, same_keys: bool
) -> None:
    two = Two(tmp_path)  # type: ignore[arg-type]
    old_copy = two.a.read_bytes()  # kept by someone who knows the old password
    two.rotate(rekey=True)
    plant(two, old_copy, own_key=own_key, same_keys=same_keys)
    with two.on("A"), pytest.raises(WrongPassword):  # their slot does not take the new one
        Vault.open(two.a, keystore=None, password=lambda: NEW)
    with two.on("A"), pytest.raises(DamagedData, match="kept aside") as refused:
        Vault.open(two.a, keystore=None, password=lambda: OLD)  # nor takes the old one
    assert "planted" in str(refused.value)
    (aside,) = two.a.parent.glob("vault (not chained*).tcv")
    assert aside.name in str(refused.value)
    on_a = two.open("A")  # this computer's last save was put back: the new password opens it
    assert issuers(on_a) == {"base", "from A"}
    with two.on("A"), pytest.raises(WrongPassword):
        Vault.open(two.a, keystore=None, password=lambda: OLD)


def test_two_rotations_while_a_computer_was_away_still_win(
    tmp_path: pytest.TempPathFactory,
) -> None:
    """B holds only the key from two rotations back: the newest file's ``prior`` leads
    back to it, so B takes the new key, and merges its own save made meanwhile."""
    two = Two(tmp_path)  # type: ignore[arg-type]
    with two.on("B"):  # B saves with its password only (no keyring at hand)
        add(Vault.open(two.b, keystore=None, password=lambda: OLD), "from B")
    two.rotate(rekey=True)
    with two.on("A"):
        vault = Vault.open(two.a, keystore=two.keys["A"], password=lambda: None)
        vault.rekey("newest password", keystore=two.keys["A"], kdf=KDF_MINIMUM)
    assert loads(two.a.read_bytes()).keys.epoch == 2
    sync(two.a, two.b)
    with two.on("B"):
        on_b = Vault.open(two.b, keystore=None, password=lambda: "newest password")
    assert issuers(on_b) == {"base", "from A", "from B"}
    assert not list(two.b.parent.glob("vault (*key*).tcv"))  # merged, nothing set aside
