"""What the format readers share: the items a reader yields and the JSON and size checks
every file goes through. (The package's facade, ``read`` and ``detect``, imports the
readers; the readers import this, never the facade.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InvalidInput, TrayCodesError
from ..model import Entry

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs 4 ms per start
if TYPE_CHECKING:
    from typing import Any

PasswordSource = Callable[[], "str | None"]


@dataclass(frozen=True)
class Item:
    """One account from an export: the entry, or why it could not be read."""

    where: str  # "entry 3 (GitHub)", "line 7", ...
    entry: Entry | None = None
    problem: str = ""


@dataclass(frozen=True)
class Batch:
    """What a file held, and anything about the file as a whole worth saying."""

    format: str
    items: list[Item]
    notes: tuple[str, ...] = ()


def item(where: str, make: Callable[[], Entry]) -> Item:
    """Build one item; a refusal of the model or the link parser becomes its problem."""
    try:
        return Item(where, entry=make())
    except TrayCodesError as exc:
        return Item(where, problem=str(exc))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Item(where, problem=f"missing or malformed field ({type(exc).__name__})")


MAX_FILE_BYTES = 64 * 1024 * 1024  # far above any real export, icons included


def load_json(data: bytes, what: str) -> Any:
    """Parse JSON, saying where it broke; too large or too deeply nested is refused."""
    check_size(data, what)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise InvalidInput(f"the {what} is nested too deeply to be an export") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"the {what} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"the {what} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno} (damaged or truncated?)"
        ) from None


def check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            f"the {what} is {len(data) // (1024 * 1024)} MiB, more than any export: not read"
        )
