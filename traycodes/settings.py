"""Where things live, and the user's settings (a TOML file).

Paths come from ``platformdirs``; ``TRAYCODES_VAULT`` and ``TRAYCODES_CONFIG`` override the
vault and the settings file. A bad settings file never stops traycodes: each bad key is
reported as a problem (naming the key) and its default is used meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

APP_NAME = "traycodes"
VAULT_FILE = "vault.tcv"


def default_vault_path() -> Path:
    """``TRAYCODES_VAULT``, else ``vault.tcv`` in the user data folder."""
    override = os.environ.get("TRAYCODES_VAULT", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / VAULT_FILE


def config_path() -> Path:
    """``TRAYCODES_CONFIG``, else ``settings.toml`` in the user config folder."""
    override = os.environ.get("TRAYCODES_CONFIG", "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting with its default. Ranges are checked by :func:`load_settings`."""

    backups: int = 10  # encrypted backups kept beside the vault
    clipboard_seconds: int = 30  # a copied code is cleared after this long (0 = never)
    lock_minutes: int = 15  # lock after this long idle (0 = never)
    menu_size: int = 15  # records shown at the top of the tray menu
    problems: tuple[str, ...] = field(default=(), compare=False)


_RANGES: dict[str, tuple[int, int]] = {
    "backups": (0, 1000),
    "clipboard_seconds": (0, 3600),
    "lock_minutes": (0, 24 * 60),
    "menu_size": (1, 100),
}


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default :func:`config_path`); defaults where missing or bad."""
    import tomllib

    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        return Settings(problems=(f"cannot read {path}: {exc}; using defaults",))
    except tomllib.TOMLDecodeError as exc:
        return Settings(problems=(f"{path} is not valid TOML ({exc}); using defaults",))
    return _apply(raw, path)


def _apply(raw: dict[str, Any], path: Path) -> Settings:
    problems: list[str] = []
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)} - {"problems"}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"{path}: unknown setting '{key}' (ignored)")
            continue
        low, high = _RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(
                f"{path}: '{key}' must be a whole number from {low} to {high}; using the default"
            )
            continue
        values[key] = value
    return replace(Settings(), **values, problems=tuple(problems))
