"""Files shipped with traycodes: the icons (``icons/`` in the source tree, installed as the
``traycodes.icons`` package data). One helper finds them either way."""

from __future__ import annotations

from pathlib import Path

VARIANTS = ("app", "light", "dark", "mono")
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def icons_folder() -> Path:
    """The folder holding ``traycodes-<variant>[-locked]-<size>.png``."""
    try:
        from importlib.resources import files

        installed = Path(str(files("traycodes.icons")))
        if (installed / "traycodes-app-32.png").is_file():
            return installed
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[1] / "icons"  # a source checkout


def icon_path(variant: str = "app", size: int = 32, *, locked: bool = False) -> Path:
    """The icon file closest in size (at least ``size`` where one exists)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown icon variant {variant!r}")
    chosen = next((s for s in SIZES if s >= size), SIZES[-1])
    suffix = "-locked" if locked else ""
    return icons_folder() / f"traycodes-{variant}{suffix}-{chosen}.png"
