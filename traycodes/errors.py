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

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: every command imports this module
if TYPE_CHECKING:
    import logging


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


def describe(exc: BaseException, *, stack: bool = False) -> str:
    """``exc`` for a log, with no secret in it: one of ours with its message (a line that
    never holds a secret, a code or a link: see above); any other by its type alone (a
    library's message quotes what it choked on: a key, a link, a password), and where it
    was raised. ``stack``: the traceback's frames (file, line, source: never a value)."""
    text = f"{type(exc).__name__}: {exc}" if isinstance(exc, TrayCodesError) else type(exc).__name__
    if exc.__traceback__ is None:
        return text
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if stack:
        listed = "".join(traceback.format_list(frames))
        return f"Traceback (most recent call last):\n{listed}{text} (other messages withheld)"
    last = frames[-1]
    return f"{text} (at {last.filename.replace(chr(92), '/').rsplit('/', 1)[-1]}:{last.lineno})"


class quietly:  # lower case: a context manager, like contextlib.suppress
    """``with quietly(log, "closing the bus"):``: an Exception inside is not raised but
    logged at debug (:func:`describe`), so that a cleanup that fails is not a secret."""

    def __init__(self, log: logging.Logger, what: str) -> None:
        self.log, self.what = log, what

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        if not isinstance(exc, Exception):
            return False
        self.log.debug("%s failed: %s", self.what, describe(exc))
        return True
