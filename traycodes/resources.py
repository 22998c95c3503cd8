"""Files shipped with traycodes: the icons (``traycodes/icons/``) and data such as the 2FA
directory (``traycodes/data/``), package data both.

They are found through :mod:`importlib.resources`, the same way from a source checkout, an
editable install, a wheel and a zipped install; nothing here assumes they are files on disk.
Where a caller needs a real path (a notification daemon reads the icon itself), use
:func:`icon_file`, which extracts the icon for as long as it is needed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.resources import abc

VARIANTS = ("app", "light", "dark", "mono")
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def icon_name(variant: str = "app", size: int = 32, *, locked: bool = False) -> str:
    """The file name of the icon closest in size (at least ``size`` where one exists)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown icon variant {variant!r}")
    chosen = next((s for s in SIZES if s >= size), SIZES[-1])
    suffix = "-locked" if locked else ""
    return f"traycodes-{variant}{suffix}-{chosen}.png"


def icon(variant: str = "app", size: int = 32, *, locked: bool = False) -> abc.Traversable:
    """The shipped icon, as a resource (open it with ``.open("rb")`` or ``.read_bytes()``)."""
    from importlib.resources import files

    return files("traycodes").joinpath("icons", icon_name(variant, size, locked=locked))


def icon_bytes(variant: str = "app", size: int = 32, *, locked: bool = False) -> bytes:
    """The PNG bytes of :func:`icon`."""
    return icon(variant, size, locked=locked).read_bytes()


@contextlib.contextmanager
def icon_file(variant: str = "app", size: int = 32, *, locked: bool = False) -> Iterator[Path]:
    """A path to the icon, valid inside the ``with`` block (a temporary copy when the
    package is zipped)."""
    from importlib.resources import as_file

    with as_file(icon(variant, size, locked=locked)) as path:
        yield path


def data_file(name: str) -> abc.Traversable:
    """A shipped data file (``traycodes/data/NAME``), as a resource."""
    from importlib.resources import files

    return files("traycodes").joinpath("data", name)


def data_bytes(name: str) -> bytes:
    """A shipped data file's bytes: straight from disk where the package is a folder
    (importing importlib.resources costs a one-shot command ~6 ms), else as a resource."""
    path = Path(__file__).with_name("data") / name
    try:
        return path.read_bytes()
    except OSError:
        return data_file(name).read_bytes()
