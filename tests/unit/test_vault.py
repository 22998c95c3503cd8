"""The encrypted vault: round trips, refusals, tampering, crash safety, concurrency."""

from __future__ import annotations

import base64
import json
import logging
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.paths import SOURCE
from traycodes.errors import (
    Conflict,
    DamagedData,
    KeyUnavailable,
    Locked,
    UnsupportedVersion,
    WrongPassword,
)
from traycodes.keystore import MemoryStore
from traycodes.model import OtpParams, Record
from traycodes.vault import KDF_MINIMUM, NoVault, Vault, keyring_entry, list_backups
from traycodes.vault.format import canonical, loads

SECRET = b"very-secret-key-bytes!"
SECRET_B32 = base64.b32encode(SECRET).decode().rstrip("=")
PASSWORD = "correct horse battery staple"


def make_record(issuer: str = "GitHub", account: str = "octocat", secret: bytes = SECRET) -> Record:
    return Record(
        id=uuid.uuid4().hex,
        issuer=issuer,
        account=account,
        otp=OtpParams(secret),
        websites=("https://github.com",),
        note="recovery 1234",
        created=1000,
        modified=1000,
    )


def add(records: dict[str, Record], record: Record) -> None:
    records[record.id] = record


def create(
    path: Path,
    *,
    keystore: MemoryStore | None = None,
    password: str | None = PASSWORD,
    keep_backups: int = 10,
) -> Vault:
    return Vault.create(
        path, password=password, keystore=keystore, kdf=KDF_MINIMUM, keep_backups=keep_backups
    )


def reopen(
    path: Path, password: str | None = PASSWORD, keystore: MemoryStore | None = None
) -> Vault:
    return Vault.open(path, keystore=keystore, password=lambda: password)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "vaults" / "vault.tcv"


def test_round_trip(path: Path) -> None:
    vault = create(path)
    record = make_record()
    vault.update(lambda records: add(records, record))
    again = reopen(path)
    assert again.records == [record]
    assert again.unlocked_with == "password"


def test_file_and_folder_are_private(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for backup in list_backups(path):
        assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(list_backups(path)[0].path.parent.stat().st_mode) == 0o700


def test_nothing_in_clear(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    vault = create(path)
    for _ in range(3):
        vault.update(lambda records: add(records, make_record()))
    reopen(path)
    files = [path, *(b.path for b in list_backups(path))]
    assert len(files) == 4
    for file in files:
        data = file.read_bytes()
        for needle in (
            SECRET,
            SECRET_B32.encode(),
            b"GitHub",
            b"octocat",
            b"github.com",
            b"recovery",
            PASSWORD.encode(),
        ):
            assert needle not in data
            assert needle.lower() not in data.lower()
    for needle in (SECRET_B32, "GitHub", "octocat", PASSWORD):
        assert needle not in caplog.text
    assert "GitHub" not in repr(vault)
    assert SECRET_B32 not in repr(vault.records)


def test_wrong_password_is_told_apart(path: Path) -> None:
    create(path)
    with pytest.raises(WrongPassword):
        reopen(path, "wrong")
    with pytest.raises(Locked) as caught:
        reopen(path, None)
    assert not isinstance(caught.value, WrongPassword)
    assert "--password-stdin" in str(caught.value)


def test_missing_vault(path: Path) -> None:
    with pytest.raises(NoVault, match="traycodes init"):
        reopen(path)


def test_create_refuses_to_overwrite(path: Path) -> None:
    create(path)
    before = path.read_bytes()
    with pytest.raises(Conflict):
        create(path)
    assert path.read_bytes() == before


def split(data: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """The format line, the header line, the checksum line, and the sealed records."""
    first, _, rest = data.partition(b"\n")
    body, _, rest = rest.partition(b"\n")
    checksum, _, ciphertext = rest.partition(b"\n")
    return first, body, checksum, ciphertext


def regions(data: bytes) -> dict[str, range]:
    """Byte ranges of each region of a vault file."""
    first, body, checksum, _ = split(data)
    header = json.loads(body)
    body_start = len(first) + 1
    found = {"format line": range(0, len(first))}
    for name, value in [
        ("slot salt", header["slots"][0]["kdf"]["salt"]),
        ("slot nonce", header["slots"][0]["nonce"]),
        ("slot wrapped key", header["slots"][0]["wrapped"][:20]),
        ("slot wrapped key tag", header["slots"][0]["wrapped"][-20:]),
        ("vault id", header["vault_id"]),
        ("payload nonce", header["payload"]["nonce"]),
        ("json punctuation", "{"),
        ("kdf memory", str(header["slots"][0]["kdf"]["memory_kib"])),
    ]:
        start = body_start + body.index(value.encode())
        found[name] = range(start, start + len(value))
    checksum_start = body_start + len(body) + 1
    found["checksum"] = range(checksum_start + 7, checksum_start + len(checksum))
    sealed = checksum_start + len(checksum) + 1
    found["ciphertext"] = range(sealed, len(data) - 16)
    found["ciphertext tag"] = range(len(data) - 16, len(data))
    return found


@pytest.mark.parametrize(
    "region",
    [
        "format line",
        "slot salt",
        "slot nonce",
        "slot wrapped key",
        "slot wrapped key tag",
        "vault id",
        "payload nonce",
        "ciphertext",
        "ciphertext tag",
        "checksum",
        "json punctuation",
        "kdf memory",
    ],
)
def test_a_flipped_byte_anywhere_is_refused_and_the_file_kept(path: Path, region: str) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    data = path.read_bytes()
    span = regions(data)[region]
    for offset in (span.start, span.start + len(span) // 2, span.stop - 1):
        damaged = bytearray(data)
        damaged[offset] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(DamagedData):
            reopen(path)
        with pytest.raises(DamagedData):  # a save through a vault opened earlier refuses too
            vault.update(lambda records: add(records, make_record()))
        assert path.read_bytes() == bytes(damaged)
    path.write_bytes(data)
    assert len(reopen(path).records) == 1


def test_damage_message_points_to_the_backups(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(DamagedData, match="traycodes restore"):
        reopen(path)


def test_truncated_files_are_refused(path: Path) -> None:
    vault = create(path)
    vault.update(lambda records: add(records, make_record()))
    data = path.read_bytes()
    for size in (0, 1, 10, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:size])
        with pytest.raises(DamagedData):
            reopen(path)


def rewrite(path: Path, edit: object) -> None:
    """Change the header as an attacker would: edit the JSON and recompute the checksum."""
    import hashlib

    first, body, _, ciphertext = split(path.read_bytes())
    header = json.loads(body)
    edit(header)  # type: ignore[operator]
    new_body = canonical(header)
    digest = hashlib.sha256(first + b"\n" + new_body + b"\n" + ciphertext).hexdigest()
    path.write_bytes(first + b"\n" + new_body + b"\n" + f"sha256 {digest}\n".encode() + ciphertext)


def test_lowered_kdf_parameters_are_detected(path: Path) -> None:
    create(path)

    def lower(body: dict) -> None:  # type: ignore[type-arg]
        body["slots"][0]["kdf"]["memory_kib"] = 8
        body["slots"][0]["kdf"]["iterations"] = 1

    rewrite(path, lower)
    with pytest.raises(DamagedData, match="tampered"):
        reopen(path)


def test_altered_header_fails_authentication(path: Path) -> None:
    create(path).update(lambda records: add(records, make_record()))

    def add_slot(body: dict) -> None:  # type: ignore[type-arg]
        body["slots"].append(
            {
                "type": "keyring",
                "id": "attacker",
                "nonce": body["slots"][0]["nonce"],
                "wrapped": body["slots"][0]["wrapped"],
            }
        )

    rewrite(path, add_slot)
    with pytest.raises(DamagedData, match="authentication"):
        reopen(path)


def test_kdf_memory_bomb_is_refused(path: Path) -> None:
    create(path)

    def bomb(body: dict) -> None:  # type: ignore[type-arg]
        body["slots"][0]["kdf"]["memory_kib"] = 2**40

    rewrite(path, bomb)
    with pytest.raises(DamagedData, match="more password-hashing"):
        reopen(path)


def test_newer_format_is_refused_clearly(path: Path) -> None:
    create(path)
    path.write_bytes(path.read_bytes().replace(b"traycodes-vault 3", b"traycodes-vault 4", 1))
    with pytest.raises(UnsupportedVersion, match="newer traycodes"):
        reopen(path)


def test_not_a_vault(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("hello")
    with pytest.raises(DamagedData, match="not a traycodes vault"):
        reopen(path)


def test_keyring_slot(path: Path) -> None:
    store = MemoryStore()
    vault = create(path, keystore=store)
    vault.update(lambda records: add(records, make_record()))
    opened = reopen(path, password=None, keystore=store)
    assert opened.unlocked_with == "keyring"
    assert len(opened.records) == 1


def test_keyring_missing_key_falls_back_to_password(path: Path) -> None:
    create(path, keystore=MemoryStore())
    opened = reopen(path, keystore=MemoryStore())
    assert opened.unlocked_with == "password"


def test_keyring_wrong_key_falls_back_to_password(path: Path) -> None:
    store = MemoryStore()
    vault = create(path, keystore=store)
    slot = next(s for s in vault.slots if s.type == "keyring")
    store.set(keyring_entry(vault.vault_id, slot.id), os.urandom(32))
    assert reopen(path, keystore=store).unlocked_with == "password"


class BrokenStore(MemoryStore):
    description = "broken"

    def get(self, name: str) -> bytes | None:
        raise KeyUnavailable("the keyring (broken) failed: DBusError")


def test_broken_keyring_falls_back_to_password(path: Path) -> None:
    create(path, keystore=MemoryStore())
    assert reopen(path, keystore=BrokenStore()).unlocked_with == "password"
    with pytest.raises(Locked, match="broken"):
        reopen(path, password=None, keystore=BrokenStore())


def test_keyring_only_vault(path: Path) -> None:
    store = MemoryStore()
    create(path, keystore=store, password=None)
    assert reopen(path, password=None, keystore=store).unlocked_with == "keyring"
    with pytest.raises(KeyUnavailable):
        reopen(path, password=PASSWORD, keystore=MemoryStore())


def test_change_password_rewraps_without_touching_records(path: Path) -> None:
    vault = create(path)
    record = make_record()
    vault.update(lambda records: add(records, record))
    vault.change_password("new password", kdf=KDF_MINIMUM)
    with pytest.raises(WrongPassword):
        reopen(path)
    assert reopen(path, "new password").records == [record]
    # the backup taken before the change still opens with the old password
    old = list_backups(path)[0].path
    assert Vault.open(old, keystore=None, password=lambda: PASSWORD).records == [record]


def test_add_and_remove_keyring(path: Path) -> None:
    store = MemoryStore()
    vault = create(path)
    vault.add_keyring(store)
    assert reopen(path, None, store).unlocked_with == "keyring"
    vault.remove_keyring(store)
    with pytest.raises(Locked):
        reopen(path, None, store)
    assert store._keys == {}


def test_removing_the_only_slot_is_refused(path: Path) -> None:
    store = MemoryStore()
    vault = create(path, keystore=store, password=None)
    with pytest.raises(Conflict, match="passwd"):
        vault.remove_keyring(store)


def test_backups_rotate(path: Path) -> None:
    vault = create(path, keep_backups=3)
    for _ in range(6):
        vault.update(lambda records: add(records, make_record()))
    backups = list_backups(path)
    assert len(backups) == 3
    counts = [len(reopen(b.path).records) for b in backups]
    assert counts == [5, 4, 3]  # newest first: the states before the last three saves


def test_restore(path: Path) -> None:
    vault = create(path)
    first = make_record("First")
    vault.update(lambda records: add(records, first))
    vault.update(lambda records: add(records, make_record("Second")))
    vault.update(lambda records: records.clear())
    backup = next(b for b in list_backups(path) if len(reopen(b.path).records) == 1)
    assert vault.restore(backup.path) == 1
    assert reopen(path).records == [first]


def test_restore_refuses_another_vaults_backup(tmp_path: Path, path: Path) -> None:
    vault = create(path)
    other = create(tmp_path / "other" / "vault.tcv")
    other.update(lambda records: add(records, make_record()))
    with pytest.raises(Conflict, match="another vault"):
        vault.restore(tmp_path / "other" / "vault.tcv")


def test_no_change_writes_nothing(path: Path) -> None:
    vault = create(path)
    before = path.read_bytes()
    vault.update(lambda records: None)
    assert path.read_bytes() == before
    assert list_backups(path) == []


def test_failed_change_saves_nothing(path: Path) -> None:
    vault = create(path)
    before = path.read_bytes()

    def fail(records: dict[str, Record]) -> None:
        add(records, make_record())
        raise Conflict("no")

    with pytest.raises(Conflict):
        vault.update(fail)
    assert path.read_bytes() == before


def test_update_sees_changes_made_meanwhile(path: Path) -> None:
    first = create(path)
    second = reopen(path)
    first.update(lambda records: add(records, make_record("A")))
    second.update(lambda records: add(records, make_record("B")))
    assert sorted(r.issuer for r in reopen(path).records) == ["A", "B"]
    assert sorted(r.issuer for r in second.records) == ["A", "B"]


def test_lock_drops_the_key(path: Path) -> None:
    vault = create(path)
    vault.lock()
    assert vault.records == []
    with pytest.raises(Locked):
        vault.update(lambda records: None)


# --- processes -------------------------------------------------------------------------------


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


def test_backup_of_a_damaged_file_is_not_made(path: Path) -> None:
    vault = create(path)
    path.write_bytes(b"garbage")
    with pytest.raises(DamagedData):
        vault.update(lambda records: add(records, make_record()))
    assert path.read_bytes() == b"garbage"
    assert list_backups(path) == []


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


def test_advance_hotp_saves_the_counter_before_the_code(path: Path) -> None:
    """One rule for the CLI and the app: the counter is saved first, then the code shown."""
    from traycodes.model import OtpType
    from traycodes.otp import hotp

    vault = create(path)
    record = Record(
        id=uuid.uuid4().hex, issuer="Bank", otp=OtpParams(SECRET, OtpType.HOTP, counter=7)
    )
    vault.update(lambda records: add(records, record))
    assert vault.advance_hotp(record.id, 100.0) == hotp(SECRET, 7)
    assert reopen(path).records[0].otp.counter == 8  # type: ignore[union-attr]
    assert vault.advance_hotp(record.id, 200.0, used=True) == hotp(SECRET, 8)
    saved = reopen(path).records[0]
    assert saved.otp.counter == 9 and saved.used == 200.0  # type: ignore[union-attr]
