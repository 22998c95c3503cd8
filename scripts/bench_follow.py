"""scripts/bench follow: a new 500-account encrypted Aegis backup (Aegis' own scrypt cost,
N=2^15 r=8 p=1) arriving in a followed folder, until the running app has merged it, saved
the vault and notified; against the baseline of only reading that backup (scrypt, AES-GCM,
JSON: the work no follower can skip), measured alternately in one run.

The app's part runs as in the tray app: its session and follower on a loop of their own,
the real folder watcher (inotify), the settle wait included. Not a test: it prints figures.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ACCOUNTS = 500
ROUNDS = 5
PASSWORD = "phone backup password"
VAULT_PASSWORD = "vault password"


def _phone(round_number: int) -> list[Any]:
    sys.path.insert(0, str(ROOT))
    from tests.unit.phone_backups import Account

    accounts = [
        Account(f"Site {n}", f"user{n}", f"{n:032b}".replace("0", "A").replace("1", "B"))
        for n in range(ACCOUNTS)
    ]
    for n, account in enumerate(accounts):
        account.uuid = f"00000000-0000-4000-8000-{n:012d}"
    accounts[round_number].issuer = f"Renamed in round {round_number}"  # one change a round
    return accounts


def _backup(round_number: int) -> bytes:
    from tests.unit.phone_backups import aegis

    return aegis(_phone(round_number), PASSWORD, n=2**15)  # Aegis' default cost


class _Host:
    def __init__(self) -> None:
        self.told = threading.Event()
        self.body = ""

    def notify(self, title: str, body: str) -> None:
        self.body = body
        self.told.set()

    def ask_password(self, *, create: bool) -> None: ...
    def password_result(self, problem: str | None) -> None: ...
    def cannot_open(self, message: str) -> None: ...
    def unlocked(self) -> None: ...
    def locked(self) -> None: ...
    def changed(self) -> None: ...

    def watch_folder(self, folder: Path, changed: Callable[[set[str]], None]) -> Any:
        from traycodes import desktop

        watcher = desktop.required(desktop.platform().folder_watcher)(folder, changed)
        return watcher if watcher.start() else None


def run(report: Callable[..., None]) -> None:
    from traycodes.app.loop import QueueLoop
    from traycodes.app.session import Session
    from traycodes.formats import read
    from traycodes.formats.phone import add_source
    from traycodes.settings import Settings
    from traycodes.vault import KDF_MINIMUM, Vault

    root = Path(tempfile.mkdtemp(prefix="traycodes-bench-follow-"))
    folder = root / "Sync" / "Aegis"
    folder.mkdir(parents=True)
    backups = [_backup(n) for n in range(ROUNDS + 1)]
    (folder / "aegis-backup-20260101-000000.json").write_bytes(backups[0])
    path = root / "vault.tcv"
    vault = Vault.create(path, password=VAULT_PASSWORD, keystore=None, kdf=KDF_MINIMUM)
    add_source(vault, folder, fmt="aegis", name="Aegis", password=PASSWORD, at=time.time())
    loop, host = QueueLoop(), _Host()
    session = Session(path, keystore=None, settings=Settings(), loop=loop, host=host)  # type: ignore[arg-type]
    runner = threading.Thread(target=loop.run, name="bench-loop", daemon=True)
    runner.start()
    opened = Vault.open(path, keystore=None, password=lambda: VAULT_PASSWORD)
    loop.call(lambda: session.unlock_with(opened))
    time.sleep(1)  # the first pass (the same backup: nothing to merge)
    merged, reads = [], []
    for n in range(1, ROUNDS + 1):
        start = time.perf_counter()
        read(backups[n], "aegis", password=lambda: PASSWORD)
        reads.append(time.perf_counter() - start)
        host.told.clear()
        temporary = folder / f".syncthing.round{n}.tmp"
        temporary.write_bytes(backups[n])
        start = time.perf_counter()
        temporary.rename(folder / f"aegis-backup-20260101-00000{n}.json")  # arrival
        if not host.told.wait(30):
            raise SystemExit("follow: the backup was never merged")
        merged.append(time.perf_counter() - start)
        assert host.body.startswith("From Aegis: ") and "updated" in host.body, host.body
    loop.call(session.close)
    loop.quit()
    runner.join(5)
    worst = max(merged)
    print(
        f"follow: a new {ACCOUNTS}-account encrypted Aegis backup (scrypt N=2^15), arrival "
        f"to merged, saved and notified, median of {ROUNDS} (worst {worst:.2f} s; target 2 s: "
        f"{'met' if worst < 2 else 'MISSED'}); baseline: only reading the backup"
    )
    report(
        "backup merged",
        statistics.median(merged) * 1000,
        statistics.median(reads) * 1000,
        "ms",
        higher_is_better=False,
    )
