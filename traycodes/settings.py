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
    """``TRAYCODES_VAULT``, else :func:`platform_vault_path`."""
    override = os.environ.get("TRAYCODES_VAULT", "").strip()
    if override:
        return Path(override).expanduser()
    return platform_vault_path()


def platform_vault_path() -> Path:
    """``vault.tcv`` in the user data folder (``~/.local/share/traycodes`` on Linux)."""
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
    clock_offset: int = 0  # seconds added to the system clock (for a clock that is off)
    problems: tuple[str, ...] = field(default=(), compare=False)


RANGES: dict[str, tuple[int, int]] = {  # in the order the settings window shows them
    "clipboard_seconds": (0, 3600),
    "lock_minutes": (0, 24 * 60),
    "menu_size": (1, 100),
    "backups": (0, 1000),
    "clock_offset": (-3600, 3600),
}
DESCRIPTIONS = {
    "clipboard_seconds": "Clear a copied code after (seconds, 0 = never)",
    "lock_minutes": "Lock after idle (minutes, 0 = never)",
    "menu_size": "Accounts at the top of the tray menu",
    "backups": "Encrypted backups kept beside the vault",
    "clock_offset": "Clock correction (seconds added to this computer's time)",
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
    return settings_from(raw, str(path))


def settings_from(raw: dict[str, Any], source: str) -> Settings:
    """Settings from parsed values; each bad key becomes a problem and keeps its default."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    known = {f.name for f in fields(Settings)} - {"problems"}
    for key, value in raw.items():
        if key not in known:
            problems.append(f"{source}: unknown setting '{key}' (ignored)")
            continue
        low, high = RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(
                f"{source}: '{key}' must be a whole number from {low} to {high}; using the default"
            )
            continue
        values[key] = value
    return replace(Settings(), **values, problems=tuple(problems))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` as TOML (atomically: a crash leaves the old file or the new)."""
    from .errors import StorageError

    path = path or config_path()
    lines = ["# traycodes settings (see the README for each key)"]
    for name in RANGES:
        lines.append(f"{name} = {getattr(settings, name)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise StorageError(f"cannot write {path}: {exc.strerror}") from None
