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
        store.set(name + "-kept", b"k" * 32)
        store.delete(name)  # never stored: no error, and nothing else goes
        assert store.get(name) is None
        assert store.get(name + "-kept") == b"k" * 32
        store.delete(name + "-kept")

    def test_binary_keys_survive(self, store: KeyStore, name: str) -> None:
        key = bytes(range(256))
        store.set(name, key)
        assert store.get(name) == key

    @pytest.fixture
    def described_as(self) -> str:
        """A part of the description that names the backend under test."""
        raise NotImplementedError

    def test_description_names_the_backend(
        self, store: KeyStore, described_as: str, name: str
    ) -> None:
        store.set(name, b"\x01" * 32)
        assert described_as in store.description
        assert "\n" not in store.description and "AQEB" not in store.description  # no key
        store.delete(name)
