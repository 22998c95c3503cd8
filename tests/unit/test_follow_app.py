"""The tray app's side of ``traycodes follow`` (app/follower.py) with the real folder
watcher (inotify) and a loop whose timers the test fires: a backup arriving in a watched
folder is merged, told about in one notification, and the records shown again."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.unit import phone_backups as pb
from tests.unit.fakes import FakeLoop
from tests.unit.test_app_parts import Host, session_for
from tests.unit.test_follow import LOW_N, PW, accounts
from traycodes import desktop
from traycodes.formats.phone import add_source
from traycodes.vault import KDF_MINIMUM, Vault

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify")


class WatchingHost(Host):
    """The session's host, with the app's real folder watcher; keeps what it was told."""

    def __init__(self) -> None:
        super().__init__()
        self.told: list[tuple[str, str]] = []
        self.watchers: list[Any] = []

    def notify(self, title: str, body: str) -> None:
        super().notify(title, body)
        self.told.append((title, body))

    def watch_folder(self, folder: Path, changed: Any) -> Any:
        watcher = desktop.required(desktop.platform().folder_watcher)(folder, changed)
        assert watcher.start()
        self.watchers.append(watcher)
        return watcher


def wait_until(loop: FakeLoop, condition: Any, timeout: float = 20.0) -> None:
    """Run what the watcher and the worker post, until ``condition()``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "nothing came"
        loop.run_posted()
        time.sleep(0.01)


def arrive(folder: Path, name: str, data: bytes) -> None:
    """As a sync tool brings a file: written beside it, then renamed into place."""
    temporary = folder / f".syncthing.{name}.tmp"
    temporary.write_bytes(data)
    temporary.rename(folder / name)


def test_a_new_backup_in_a_watched_folder_is_merged_and_told(tmp_path: Path) -> None:
    folder = tmp_path / "Sync" / "Aegis"
    folder.mkdir(parents=True)
    phone = accounts()
    arrive(folder, "aegis-backup-20260101-100000.json", pb.aegis(phone, PW, n=LOW_N))
    path = tmp_path / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    add_source(vault, folder, fmt="aegis", name="Aegis (Pixel)", password=PW, at=1000)
    loop, host = FakeLoop(), WatchingHost()
    session = session_for(path, loop, host)
    try:
        session.unlock_with(Vault.open(path, keystore=None, password=lambda: "pw"))
        follower = session.follower
        assert follower.watching == ["Aegis (Pixel)"]
        wait_until(loop, lambda: follower.idle)  # the first pass: nothing new
        assert host.told == [] and len(host.watchers) == 2  # the vault's folder, the phone's
        assert all(w is not None for w in host.watchers)

        phone[0].issuer = "GitHub Inc"
        del phone[1]
        phone.append(pb.Account("New", "one", "7ELGJSGXNCCTV3O6LKJWYFV2RA"))
        arrive(folder, "aegis-backup-20260102-100000.json", pb.aegis(phone, PW, n=LOW_N))
        wait_until(loop, lambda: "follow Aegis (Pixel)" in loop.timers)  # the watcher saw it
        loop.fire("follow Aegis (Pixel)")
        wait_until(loop, lambda: host.told)
        assert host.told == [("traycodes", "From Aegis (Pixel): 1 added, 1 updated, 1 removed")]
        assert ("changed", None) in host.events
        assert sorted(r.label for r in session.records()) == [
            "GitHub Inc (octocat)",
            "New (one)",
            "SPDX (James)",
        ]

        arrive(folder, "aegis-backup-20260103-100000.json", pb.aegis(phone, "old pw", n=LOW_N))
        wait_until(loop, lambda: "follow Aegis (Pixel)" in loop.timers)
        loop.fire("follow Aegis (Pixel)")
        wait_until(loop, lambda: len(host.told) == 2)
        assert host.told[1][0] == "traycodes: following Aegis (Pixel)"
        assert "wrong password" in host.told[1][1] and PW not in host.told[1][1]
        assert len(session.records()) == 3
    finally:
        session.close()
    assert session.follower.watching == []


def test_where_nothing_watches_folders_the_follower_looks_each_minute(tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    folder.mkdir()
    phone = accounts()
    arrive(folder, "aegis-backup-20260101-100000.json", pb.aegis(phone, PW, n=LOW_N))
    path = tmp_path / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    loop, host = FakeLoop(), WatchingHost()
    host.watch_folder = lambda folder, changed: None  # type: ignore[method-assign]
    session = session_for(path, loop, host)
    session.unlock_with(Vault.open(path, keystore=None, password=lambda: "pw"))
    wait_until(loop, lambda: session.follower.idle)
    assert host.told == [] and "follow poll Pixel" in loop.timers
    arrive(folder, "aegis-backup-20260102-100000.json", pb.aegis(phone[:2], PW, n=LOW_N))
    loop.fire("follow poll Pixel")
    wait_until(loop, lambda: host.told)
    assert host.told == [("traycodes", "From Pixel: 1 removed")]
    assert "follow poll Pixel" in loop.timers  # and again in a minute
    session.close()
    assert "follow poll Pixel" not in loop.timers


def test_a_followed_folder_not_there_yet_is_looked_at_each_minute(tmp_path: Path) -> None:
    folder = tmp_path / "Aegis"
    folder.mkdir()
    phone = accounts()
    arrive(folder, "aegis-backup-20260101-100000.json", pb.aegis(phone, PW, n=LOW_N))
    path = tmp_path / "vault.tcv"
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    add_source(vault, folder, fmt="aegis", name="Pixel", password=PW, at=1000)
    folder.rename(tmp_path / "unmounted")
    loop, host = FakeLoop(), WatchingHost()
    session = session_for(path, loop, host)
    session.unlock_with(Vault.open(path, keystore=None, password=lambda: "pw"))
    wait_until(loop, lambda: session.follower.idle)
    assert host.watchers[-1] is not None  # the vault's folder is watched...
    assert len(host.watchers) == 1 and "follow poll Pixel" in loop.timers  # ...this one looked at
    assert host.told == [
        (
            "traycodes: following Pixel",
            f"{folder} is not there (a sync folder not mounted or moved?)",
        )
    ]
    (tmp_path / "unmounted").rename(folder)
    arrive(folder, "aegis-backup-20260102-100000.json", pb.aegis(phone[:2], PW, n=LOW_N))
    loop.fire("follow poll Pixel")
    wait_until(loop, lambda: len(host.told) == 2)
    assert host.told[1] == ("traycodes", "From Pixel: 1 removed")
    session.close()
    assert "follow poll Pixel" not in loop.timers
