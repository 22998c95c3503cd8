"""Fakes for the app's parts: a loop whose timers the test fires, a clock the test sets, a
clipboard that others can write to, and small vaults of records to give them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from traycodes.keystore import MemoryStore
from traycodes.model import OtpParams, OtpType, Record
from traycodes.vault import KDF_MINIMUM, Vault

T = TypeVar("T")
GITHUB_KEY = b"12345678901234567890"


class FakeLoop:
    """Posted work waits for :meth:`run_posted`; timers wait for :meth:`fire`."""

    def __init__(self) -> None:
        self.posted: list[Callable[[], None]] = []
        self.timers: dict[str, tuple[float, Callable[[], None]]] = {}
        self.quitting = False

    def post(self, action: Callable[[], None]) -> None:
        self.posted.append(action)

    def call(self, action: Callable[[], T], timeout: float = 10.0) -> T:
        return action()

    def after(self, name: str, seconds: float, action: Callable[[], None]) -> None:
        self.timers[name] = (seconds, action)

    def cancel(self, name: str) -> None:
        self.timers.pop(name, None)

    def run_posted(self) -> None:
        while self.posted:
            self.posted.pop(0)()

    def fire(self, name: str) -> None:
        _, action = self.timers.pop(name)
        action()


class FakeClock:
    def __init__(self, at: float = 1_000_000_015.0) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


class FakeClipboard:
    """The system clipboard: we copy into it, and so may any other program."""

    def __init__(self) -> None:
        self.text = ""
        self.copies: list[str] = []

    def copy(self, text: str) -> None:
        self.text = text
        self.copies.append(text)

    def clear_if_holding(self, text: str) -> bool:
        if self.text != text:
            return False
        self.text = ""
        return True


def vault_with(path: Path, *records: Record) -> Vault:
    """A vault with a keyring slot (in memory) holding ``records``."""
    vault = Vault.create(path, password="pw", keystore=None, kdf=KDF_MINIMUM)
    vault.update(lambda stored: stored.update({r.id: r for r in records}))
    return vault


def record(issuer: str, *, hotp: bool = False, **fields: Any) -> Record:
    otp = OtpParams(GITHUB_KEY, OtpType.HOTP if hotp else OtpType.TOTP)
    return Record(id=uuid.uuid4().hex, issuer=issuer, otp=otp, **fields)


def memory_store() -> MemoryStore:
    return MemoryStore()
