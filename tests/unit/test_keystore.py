"""The memory key store runs the KeyStore contract; the keyring store's error translation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from keyring.backend import KeyringBackend

from tests.contract.keystore_contract import KeyStoreContract
from traycodes.errors import KeyUnavailable
from traycodes.keystore import KeyringStore, KeyStore, MemoryStore, system_store


class TestMemoryStore(KeyStoreContract):
    @pytest.fixture
    def store(self) -> KeyStore:
        return MemoryStore()

    @pytest.fixture
    def described_as(self) -> str:
        return "in memory"


def test_fail_backend_is_not_usable() -> None:
    from keyring.backends import fail

    store = KeyringStore(fail.Keyring())
    with pytest.raises(KeyUnavailable, match="keyring") as caught:
        store.get("x")
    assert caught.value.__cause__ is not None


def test_system_store_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAYCODES_KEYRING", "off")
    store, why = system_store()
    assert store is None
    assert "TRAYCODES_KEYRING" in why


def test_system_store_refuses_the_fail_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.delenv("TRAYCODES_KEYRING", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store, why = system_store()
    finally:
        keyring.set_keyring(previous)
    assert store is None
    assert "no usable keyring" in why


class ExplodingBackend:
    def get_password(self, service: str, name: str) -> str:
        raise RuntimeError("D-Bus went away")


def test_backend_exceptions_are_translated() -> None:
    with pytest.raises(KeyUnavailable, match="RuntimeError"):
        KeyringStore(ExplodingBackend()).get("x")


def test_foreign_entries_are_ignored() -> None:
    class Foreign:
        def get_password(self, service: str, name: str) -> str:
            return "not base64!"

    assert KeyringStore(Foreign()).get("x") is None


class PlainTextFile(KeyringBackend):
    """A backend that keeps passwords in clear, ranked as keyrings.alt ranks its own."""

    priority = 0.5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


class SafeStore(PlainTextFile):
    priority = 5  # type: ignore[assignment]


@pytest.fixture
def keyring_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[object], None]]:
    import keyring

    monkeypatch.delenv("TRAYCODES_KEYRING", raising=False)
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


def test_a_backend_that_stores_in_clear_is_refused(
    keyring_backend: Callable[[object], None],
) -> None:
    keyring_backend(PlainTextFile())
    store, why = system_store()
    assert store is None
    assert "in clear" in why and "PlainTextFile" in why


def test_from_a_chain_the_best_safe_backend_is_used(
    keyring_backend: Callable[[object], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyring.backends import chainer

    plain, safe = PlainTextFile(), SafeStore()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plain, safe])
    keyring_backend(chainer.ChainerBackend())
    store, why = system_store()
    assert store is not None and "SafeStore" in why
    store.set("vault x slot y", b"k" * 32)
    assert plain.saved == {} and len(safe.saved) == 1
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plain])
    assert system_store()[0] is None
