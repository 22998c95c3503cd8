"""The vault under stress: concurrent writers, kill -9 mid-save, the reference decrypter
reading what traycodes writes, and a rekey that leaves nothing the old password opens."""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import SOURCE
from tests.unit.vaults import (
    PASSWORD,
    SECRET,
    add,
    create,
    make_record,
    path_fixture,  # noqa: F401 (the fixture: path)
    reopen,
)
from traycodes.errors import Locked
from traycodes.keystore import MemoryStore
from traycodes.vault import KDF_MINIMUM, Vault, keyring_entry, list_backups
from traycodes.vault.format import loads


def _writer(path: str, name: str, count: int) -> None:
    vault = Vault.open(Path(path), keystore=None, password=lambda: PASSWORD)
    for i in range(count):
        record = make_record(f"{name}-{i}")
        vault.update(lambda records, record=record: add(records, record))


def test_eight_concurrent_writers_lose_nothing(path: Path) -> None:
    create(path, keep_backups=2)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), f"w{n}", 5)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    names = sorted(r.issuer for r in reopen(path).records)
    assert names == sorted(f"w{n}-{i}" for n in range(8) for i in range(5))
    assert not list(path.parent.glob("*.tmp"))


SAVER = """
import sys, uuid
from pathlib import Path
from traycodes.model import OtpParams, Record
from traycodes.vault import Vault
vault = Vault.open(Path(sys.argv[1]), keystore=None, password=lambda: sys.argv[2],
                   keep_backups=3)
for i in range(100000):
    record = Record(id=uuid.uuid4().hex, issuer=f"r{i}", otp=OtpParams(b"k" * 20))
    vault.update(lambda records: records.__setitem__(record.id, record))
    print(i, flush=True)
"""


def test_kill_9_during_saves_never_breaks_the_vault(path: Path) -> None:
    import random
    import time

    create(path, keep_backups=3)
    rng = random.Random(1234)
    for _ in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path), PASSWORD], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # one save completed: now kill at a random moment
        assert first
        time.sleep(rng.uniform(0, 0.08))
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        completed = [int(line) for line in (first + rest).split()]
        records = reopen(path).records
        issuers = {r.issuer for r in records}
        # every save that reported completion is in the file
        assert {f"r{i}" for i in completed} <= issuers
    assert loads(path.read_bytes())  # still a well-formed vault


def test_reference_decrypter_reads_what_traycodes_writes(path: Path) -> None:
    """docs/reference_decrypt.py, which needs only `cryptography`, agrees with the code."""
    vault = create(path)
    record = make_record()
    vault.update(lambda records: add(records, record))
    vault.change_password("second password", kdf=KDF_MINIMUM)
    done = reference_decrypt(path, "second password")
    assert done.returncode == 0, done.stderr
    (only,) = json.loads(done.stdout)["records"]
    assert (only["issuer"], base64.b64decode(only["otp"]["secret"])) == ("GitHub", SECRET)


def reference_decrypt(path: Path, password: str) -> subprocess.CompletedProcess[str]:
    """docs/reference_decrypt.py on ``path``, as someone without traycodes would run it."""
    return subprocess.run(
        [sys.executable, str(SOURCE / "docs" / "reference_decrypt.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "TRAYCODES_PASSWORD": password},
    )


def _reference_opens(path: Path, password: str) -> bool:
    return reference_decrypt(path, password).returncode == 0


def test_rekey_leaves_nothing_the_old_password_or_key_opens(path: Path) -> None:
    """After 'passwd --rekey' no file of the vault (nor a backup) opens with the old
    password, checked with the reference decrypter; the new password opens them all, the
    records are whole, and other computers' keyring slots are gone."""
    vault = create(path)
    store, other = MemoryStore(), MemoryStore()
    vault.add_keyring(store)
    vault.add_keyring(other)  # another computer sharing the vault
    for _ in range(3):
        vault.update(lambda records: add(records, make_record()))
    old_master = vault.master_key
    before = sorted(r.id for r in vault.records)
    backups = [b.path for b in list_backups(path)]
    assert backups and all(_reference_opens(b, PASSWORD) for b in backups[:2])
    resealed, deleted = vault.rekey("new password", keystore=store, kdf=KDF_MINIMUM)
    assert (resealed, deleted) == (len(backups), 0)
    files = [path, *(b.path for b in list_backups(path))]
    assert len(files) == len(backups) + 1
    for file in files:
        assert not _reference_opens(file, PASSWORD), file
        assert _reference_opens(file, "new password"), file
    assert vault.master_key != old_master
    reopened = Vault.open(path, keystore=store, password=lambda: None)
    assert reopened.unlocked_with == "keyring"  # this computer's keyring: a new key
    assert sorted(r.id for r in reopened.records) == before
    with pytest.raises(Locked):  # the other computer joins again (with the password)
        Vault.open(path, keystore=other, password=lambda: None)
    # the old keyring key of this computer is gone from its keyring
    from traycodes.vault.format import SLOT_KEYRING

    (slot,) = [s for s in reopened.slots if s.type == SLOT_KEYRING]
    assert list(store._keys) == [keyring_entry(vault.vault_id, slot.id)]


def test_rekey_deletes_a_backup_it_cannot_seal_again(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    vault.update(lambda records: add(records, make_record()))
    damaged = list_backups(path)[0].path
    damaged.write_bytes(damaged.read_bytes()[:-5] + b"xxxxx")
    resealed, deleted = vault.rekey("new password", keystore=None, kdf=KDF_MINIMUM)
    assert deleted == 1 and not damaged.exists()
    assert resealed == len(list_backups(path))
