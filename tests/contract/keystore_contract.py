"""What every KeyStore must do: run by the memory store and the real OS keyring alike."""

from __future__ import annotations

import os
import uuid

import pytest

from traycodes.keystore import KeyStore


class KeyStoreContract:
    """Subclass with a ``store`` fixture returning the backend under test."""

    @pytest.fixture
    def store(self) -> KeyStore:
        raise NotImplementedError

    @pytest.fixture
    def name(self) -> str:
        return f"vault {uuid.uuid4().hex} slot test"

    def test_missing_is_none(self, store: KeyStore, name: str) -> None:
        assert store.get(name) is None

    def test_set_then_get(self, store: KeyStore, name: str) -> None:
        key = os.urandom(32)
        store.set(name, key)
        assert store.get(name) == key

    def test_set_replaces(self, store: KeyStore, name: str) -> None:
        store.set(name, b"a" * 32)
        store.set(name, b"b" * 32)
        assert store.get(name) == b"b" * 32

    def test_names_are_separate(self, store: KeyStore, name: str) -> None:
        store.set(name, b"a" * 32)
        store.set(name + "-other", b"b" * 32)
        assert store.get(name) == b"a" * 32
        store.delete(name + "-other")

    def test_delete(self, store: KeyStore, name: str) -> None:
        store.set(name, b"a" * 32)
        store.delete(name)
        assert store.get(name) is None

    def test_delete_missing_is_quiet(self, store: KeyStore, name: str) -> None:
        store.delete(name)

    def test_binary_keys_survive(self, store: KeyStore, name: str) -> None:
        key = bytes(range(256))
        store.set(name, key)
        assert store.get(name) == key

    def test_description(self, store: KeyStore) -> None:
        assert isinstance(store.description, str)
        assert store.description
