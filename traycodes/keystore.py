"""Keys kept by the operating system: the keyring slot's key, through ``keyring``.

One small interface, :class:`KeyStore`, with the real :class:`KeyringStore` (Secret Service,
macOS Keychain, Windows Credential Manager) and :class:`MemoryStore` for tests. Every error
of ``keyring`` is translated into :class:`~traycodes.errors.KeyUnavailable` where it enters.
Set ``TRAYCODES_KEYRING=off`` to keep traycodes away from the keyring altogether.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from .errors import KeyUnavailable, describe
from .i18n import _

log = logging.getLogger(__name__)

SERVICE = "traycodes"
T = TypeVar("T")


class KeyStore(Protocol):
    """Where a vault's keyring-slot keys live, by name."""

    @property
    def description(self) -> str:
        """A few words naming the backend, for ``doctor`` and messages."""
        ...

    def get(self, name: str) -> bytes | None:
        """The key stored under ``name``, or None. KeyUnavailable when the store fails."""
        ...

    def set(self, name: str, key: bytes) -> None:
        """Store ``key`` under ``name``. KeyUnavailable when the store fails."""
        ...

    def delete(self, name: str) -> None:
        """Forget ``name``; no error when it was not there."""
        ...


class MemoryStore:
    """A key store in a dict: for tests, and for runs that must not touch the keyring."""

    description = "in memory"

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    def get(self, name: str) -> bytes | None:
        return self._keys.get(name)

    def set(self, name: str, key: bytes) -> None:
        self._keys[name] = key

    def delete(self, name: str) -> None:
        self._keys.pop(name, None)


class KeyringStore:
    """Keys in the OS keyring, base64 in the password field, under service 'traycodes'."""

    def __init__(self, backend: object | None = None) -> None:
        import keyring

        self._backend: Any = backend if backend is not None else keyring.get_keyring()

    @property
    def description(self) -> str:
        return _describe(self._backend)

    def get(self, name: str) -> bytes | None:
        text = self._call("read", lambda: self._backend.get_password(SERVICE, name))
        if text is None:
            return None
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            log.warning("the keyring entry %r is not a traycodes key; ignoring it", name)
            return None

    def set(self, name: str, key: bytes) -> None:
        text = base64.b64encode(key).decode("ascii")
        self._call("store", lambda: self._backend.set_password(SERVICE, name, text))

    def delete(self, name: str) -> None:
        import keyring.errors

        try:
            self._call("delete", lambda: self._backend.delete_password(SERVICE, name))
        except KeyUnavailable as exc:
            if isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
                return  # nothing stored under that name
            raise

    def _call(self, what: str, action: Callable[[], T]) -> T:
        import keyring.errors

        try:
            return action()
        except keyring.errors.KeyringError as exc:
            raise KeyUnavailable(
                _("the keyring ({description}) could not {what} the key: {name}").format(
                    description=self.description, what=what, name=type(exc).__name__
                )
            ) from exc
        except Exception as exc:  # backends raise D-Bus, OS and Keychain errors of their own
            raise KeyUnavailable(
                _("the keyring ({description}) failed: {name}").format(
                    description=self.description, name=type(exc).__name__
                )
            ) from exc


def system_store() -> tuple[KeyStore | None, str]:
    """The OS keyring if one is usable, else None; and a line saying which or why not."""
    if os.environ.get("TRAYCODES_KEYRING", "").strip().lower() in ("off", "0", "no", "false"):
        return None, _("the keyring is turned off (TRAYCODES_KEYRING=off)")
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring install must not stop traycodes
        return None, _("no usable keyring ({error})").format(error=type(exc).__name__)
    if isinstance(backend, fail.Keyring):
        return None, _("no usable keyring backend was found")
    if isinstance(backend, chainer.ChainerBackend):
        # keyring chains every backend above priority 0, plain-text files included: take
        # the best one that keeps keys safe
        safe = [b for b in backend.backends if _keeps_keys_safe(b)]
        if not safe:
            return None, _("no keyring backend that keeps keys safe was found")
        backend = safe[0]
    if not _keeps_keys_safe(backend):
        return None, _(
            "the keyring backend {backend} keeps keys in clear or weakly "
            "protected (priority below 1): traycodes does not keep its key there"
        ).format(backend=_describe(backend))
    store = KeyringStore(backend)
    return store, _("keyring: {backend}").format(backend=store.description)


def _keeps_keys_safe(backend: Any) -> bool:
    """keyring ranks backends that store in clear (keyrings.alt's plaintext file) below 1."""
    try:
        return float(backend.priority) >= 1
    except Exception as exc:  # a backend that cannot say is not trusted
        log.debug("the keyring backend has no priority: %s", describe(exc))
        return False


def _describe(backend: object) -> str:
    kind = type(backend)
    return f"{kind.__module__.removeprefix('keyring.backends.')}.{kind.__name__}"
