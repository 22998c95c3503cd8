"""The memory key store runs the KeyStore contract; the keyring store's error translation."""

from __future__ import annotations

import pytest

from tests.contract.keystore_contract import KeyStoreContract
from traycodes.errors import KeyUnavailable
from traycodes.keystore import KeyringStore, KeyStore, MemoryStore, system_store


class TestMemoryStore(KeyStoreContract):
    @pytest.fixture
    def store(self) -> KeyStore:
        return MemoryStore()


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
