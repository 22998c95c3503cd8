"""The one exception hierarchy of traycodes.

Every error a user can meet is a :class:`TrayCodesError`. Its message is one line a
person can act on, and never holds a secret, a code or a link. ``exit_code`` is what
the CLI exits with:

====  ==========================================================
0     success
1     nothing matched (or several records matched equally)
2     bad input or usage
3     locked: wrong password, or the key is not available
4     damaged data (a vault or file that cannot be read)
5     the operating system refused (permissions, disk full, ...)
====  ==========================================================
"""

from __future__ import annotations


class TrayCodesError(Exception):
    """Root of every error traycodes raises on purpose."""

    exit_code = 2


class InvalidInput(TrayCodesError, ValueError):
    """Input that cannot be used as given: a malformed link, key or option."""

    exit_code = 2


class InvalidUri(InvalidInput):
    """An ``otpauth://``, ``steam://`` or ``otpauth-migration://`` link that is malformed."""


class InvalidSecret(InvalidInput):
    """A setup key (secret) that is empty or not base32."""


class NoMatch(TrayCodesError, LookupError):
    """Nothing matched a query, or several records matched equally well."""

    exit_code = 1


class Conflict(TrayCodesError):
    """An operation would change something the user did not ask to change."""

    exit_code = 1


class Locked(TrayCodesError):
    """The vault cannot be opened without a key we do not have."""

    exit_code = 3


class WrongPassword(Locked):
    """The password does not open any slot of the vault."""


class KeyUnavailable(Locked):
    """The OS keyring (or another key source) cannot give the key."""


class KeyChanged(KeyUnavailable):
    """The vault's key was changed on another computer since this one unlocked it;
    ``where`` says where and when ("on LAPTOP-7 at 2026-12-07 17:20")."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


class DamagedData(TrayCodesError):
    """A file that is not what it claims to be: corrupt, truncated or altered."""

    exit_code = 4


class UnsupportedVersion(DamagedData):
    """A file written by a newer traycodes than this one."""


class StorageError(TrayCodesError, OSError):
    """The operating system refused a read or write."""

    exit_code = 5


class NotRunning(TrayCodesError):
    """No traycodes app is running for this user (nothing answers its IPC)."""

    exit_code = 1


class AlreadyRunning(TrayCodesError):
    """Another traycodes app already serves this user."""

    exit_code = 0


class NotOurs(TrayCodesError):
    """The other end of the IPC socket or pipe is another user's process."""

    exit_code = 5
