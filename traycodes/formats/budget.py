"""What one imported file may ask of this machine: key-derivation work, and accounts.

An encrypted export names its own key derivation (rounds, memory, how many slots or tokens
to try). Each derivation has a ceiling, and every file a total budget, spent *before* the
work: at most :data:`FULL_COST_DERIVATIONS` derivations at their ceiling, or many cheaper
ones (a crafted Aegis export with a thousand password slots, or an Authy file with 580,000
tokens each of its own salt, is refused after the budget, not after hours).

A reader of an encrypted format calls, before each derivation::

    from .budget import spend_pbkdf2  # or spend_scrypt, spend_argon2, spend_aes_kdf

    spend_pbkdf2(rounds, "the andOTP backup")      # raises TooMuchWork, or returns
    key = PBKDF2HMAC(...).derive(password)

A file that may ask for several derivations (password slots, tokens of different salts)
adds their costs up first and spends the sum at once, so that it is refused before any of
the work: ``spend(sum(scrypt_cost(...) for slot in slots), what)``.

:func:`traycodes.formats.read` gives each file a fresh budget; a reader called on its own
(in a test) is held to each derivation's ceiling but keeps no total. Costs are fractions
of a derivation at its ceiling, so the kinds can be mixed in one file.

The same budget counts the accounts a file yields (:func:`count_account`, called by
:func:`~traycodes.formats.base.item` for every reader that builds its items with it): past
:data:`MAX_ACCOUNTS` the file is refused, before a million tiny rows become a million
entries in memory.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

from ..errors import InvalidInput
from ..i18n import _

FULL_COST_DERIVATIONS = 4.0  # per file: e.g. four password slots at the ceiling
MAX_ACCOUNTS = 20_000  # per file; people have tens, a large company's export thousands

# The ceilings of one derivation. Real exports use far less (Aegis: scrypt N=2^15, r=8, p=1,
# 32 MiB; andOTP: PBKDF2 about 150,000 rounds; 2FAS 10,000; Authy 1,000 to 100,000; KeePass:
# AES-KDF 60,000 to a few million rounds, Argon2 64 MiB and tens of passes).
SCRYPT_MAX_WORK = 1024**3  # bytes times p (128 * N * r * p): 1 GiB once, about 3 s
PBKDF2_MAX_ROUNDS = 2_000_000
ARGON2_MAX_WORK = 16 * 1024**3  # memory (bytes) times passes
AES_KDF_MAX_ROUNDS = 100_000_000


class TooMuchWork(InvalidInput):
    """A file asks for more key-derivation work, or holds more accounts, than any real
    export. Raised through a reader's per-account handling: the whole file is refused."""


class FileBudget:
    """What is left of one file's budget: derivations (at their ceiling) and accounts."""

    def __init__(self, total: float | None = None) -> None:
        self.left = FULL_COST_DERIVATIONS if total is None else total
        self.accounts = 0

    def spend(self, cost: float, what: str) -> None:
        if cost > self.left + 1e-9:
            raise TooMuchWork(
                _(
                    "{what} asks for more key-derivation work than any real export "
                    "(more than {full_cost_derivations:g} derivations at full cost): "
                    "not read"
                ).format(what=what, full_cost_derivations=FULL_COST_DERIVATIONS)
            )
        self.left -= cost


_CURRENT: ContextVar[FileBudget | None] = ContextVar("traycodes_kdf_budget", default=None)


def new_budget() -> Token[FileBudget | None]:
    """Start a fresh budget for one file; :func:`end_budget` takes what this returns."""
    return _CURRENT.set(FileBudget())


def end_budget(token: Token[FileBudget | None]) -> None:
    _CURRENT.reset(token)


def spend(cost: float, what: str) -> None:
    """Take ``cost`` (1.0: one derivation at its ceiling; the sum of several, to refuse a
    file before any of its work) from the current file's budget."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.spend(cost, what)


def count_account(what: str = "the file") -> None:
    """One more account read from the current file; refused past :data:`MAX_ACCOUNTS`."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.accounts += 1
        if budget.accounts > MAX_ACCOUNTS:
            raise TooMuchWork(
                _(
                    "{what} holds more than {max_accounts:,} accounts, more than any "
                    "export: not read"
                ).format(what=what, max_accounts=MAX_ACCOUNTS)
            )


def _one(cost: float, what: str) -> float:
    if cost > 1.0:
        raise TooMuchWork(
            _(
                "{what} asks for a key derivation far costlier than any real export: not read"
            ).format(what=what)
        )
    return cost


def pbkdf2_cost(rounds: object, what: str) -> float:
    """PBKDF2 (any hash): the cost of ``rounds``, refused when not a whole number in range."""
    if type(rounds) is not int or rounds < 1:
        raise TooMuchWork(
            _("{what} asks for PBKDF2 rounds {rounds!r}: damaged or crafted").format(
                what=what, rounds=rounds
            )
        )
    return _one(rounds / PBKDF2_MAX_ROUNDS, what)


def scrypt_cost(n: int, r: int, p: int, what: str) -> float:
    """scrypt, with parameters already checked for shape (N a power of two...)."""
    return _one(128 * n * r * p / SCRYPT_MAX_WORK, what)


def argon2_cost(memory_kib: int, passes: int, what: str) -> float:
    return _one(memory_kib * 1024 * max(passes, 1) / ARGON2_MAX_WORK, what)


def aes_kdf_cost(rounds: int, what: str) -> float:
    """KeePass's AES-KDF (KDBX 3.1 and 4)."""
    return _one(rounds / AES_KDF_MAX_ROUNDS, what)


def spend_pbkdf2(rounds: object, what: str) -> None:
    spend(pbkdf2_cost(rounds, what), what)


def spend_scrypt(n: int, r: int, p: int, what: str) -> None:
    spend(scrypt_cost(n, r, p, what), what)


def spend_argon2(memory_kib: int, passes: int, what: str) -> None:
    spend(argon2_cost(memory_kib, passes, what), what)


def spend_aes_kdf(rounds: int, what: str) -> None:
    spend(aes_kdf_cost(rounds, what), what)


__all__ = [
    "FULL_COST_DERIVATIONS",
    "MAX_ACCOUNTS",
    "FileBudget",
    "TooMuchWork",
    "aes_kdf_cost",
    "argon2_cost",
    "count_account",
    "end_budget",
    "new_budget",
    "pbkdf2_cost",
    "scrypt_cost",
    "spend",
    "spend_aes_kdf",
    "spend_argon2",
    "spend_pbkdf2",
    "spend_scrypt",
]
