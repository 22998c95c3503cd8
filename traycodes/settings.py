"""Where things live, and the user's settings (a TOML file).

Paths come from ``platformdirs``; ``TRAYCODES_VAULT`` and ``TRAYCODES_CONFIG`` override the
vault and the settings file. A bad settings file never stops traycodes: each bad key is
reported as a problem (naming the key) and its default is used meanwhile; a file that
cannot be parsed is reported with its line, kept as it is, and never written over.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .i18n import N_, _
from .keys import Hotkey

APP_NAME = "traycodes"
VAULT_FILE = "vault.tcv"


def default_vault_path() -> Path:
    """``TRAYCODES_VAULT``, else the ``vault`` setting (a vault in a synced folder, set by
    ``init --join``), else :func:`platform_vault_path`."""
    override = os.environ.get("TRAYCODES_VAULT", "").strip()
    if override:
        return Path(override).expanduser()
    chosen = load_settings().vault
    if chosen:
        return Path(chosen).expanduser()
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
    """Every setting with its default. Values are checked by :func:`settings_from`."""

    clipboard_seconds: int = 30  # a copied code is cleared after this long (0 = never)
    lock_minutes: int = 15  # lock after this long idle (0 = never)
    menu_size: int = 15  # records shown at the top of the tray menu
    backups: int = 10  # encrypted backups kept beside the vault
    clock_offset: int = 0  # seconds added to the system clock (for a clock that is off)
    hotkey_type: str = "<ctrl>+<alt>+o"  # type (or copy) the code for the window in front
    hotkey_pick: str = "<ctrl>+<alt>+p"  # open the quick-pick window
    hotkey_action: str = "type"  # type, copy or both
    press_enter: bool = False  # press Enter after typing a code
    notify_codes: bool = False  # show the code itself in notifications
    min_seconds_left: int = 3  # fewer left than this: wait for the next code
    password_reminder_days: int = 30  # ask for the password instead of the keyring (0 = never)
    hide_codes: bool = False  # show ••• ••• for codes until asked (a click still copies)
    vault: str = ""  # the vault file, when not the usual one (e.g. in a synced folder)
    problems: tuple[str, ...] = field(default=(), compare=False)


RANGES: dict[str, tuple[int, int]] = {
    "clipboard_seconds": (0, 3600),
    "lock_minutes": (0, 24 * 60),
    "menu_size": (1, 100),
    "backups": (0, 1000),
    "clock_offset": (-3600, 3600),
    "min_seconds_left": (0, 10),
    "password_reminder_days": (0, 3650),
}
CHOICES: dict[str, tuple[str, ...]] = {"hotkey_action": ("type", "copy", "both")}
HOTKEYS = ("hotkey_type", "hotkey_pick")
PATHS = ("vault",)
FLAGS = ("press_enter", "notify_codes", "hide_codes")
DESCRIPTIONS = {  # in the order the settings window shows them
    "clipboard_seconds": N_("Clear a copied code after (seconds, 0 = never)"),
    "lock_minutes": N_("Lock after idle (minutes, 0 = never)"),
    "menu_size": N_("Accounts at the top of the tray menu"),
    "hotkey_type": N_("Hotkey: the code for the window in front"),
    "hotkey_pick": N_("Hotkey: the quick-pick window"),
    "hotkey_action": N_("The hotkey types, copies, or both"),
    "press_enter": N_("Press Enter after typing a code"),
    "notify_codes": N_("Show the code in notifications"),
    "hide_codes": N_("Hide codes until asked (Ctrl+R in the quick-pick)"),
    "min_seconds_left": N_("Wait for the next code when fewer seconds are left"),
    "backups": N_("Encrypted backups kept beside the vault"),
    "clock_offset": N_("Clock correction (seconds added to this computer's time)"),
    "password_reminder_days": N_(
        "Ask for the password instead of the keyring every (days, 0 = never)"
    ),
    "vault": N_("Vault file (empty: the usual place)"),
}


def check_hotkey(text: str) -> str | None:
    """None when ``text`` is a usable hotkey (or empty: off), else what is wrong with it.

    The form is pynput's: modifiers and one key joined by ``+``, e.g. ``<ctrl>+<alt>+o``.
    At least one modifier, so that typing never sets it off.
    """
    if text == "":
        return None
    try:
        Hotkey.parse(text)
    except ValueError as exc:
        return str(exc)
    return None


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default :func:`config_path`); defaults where missing or bad.

    A file that cannot be read at all gives the defaults for this run, with a problem that
    says which line is wrong; the file itself is left alone (see :func:`save_settings`).
    """
    path = path or config_path()
    try:
        raw = _read_toml(path)
    except FileNotFoundError:
        return Settings()
    except _Unreadable as exc:
        return Settings(problems=(f"{exc}; using the defaults until it is fixed",))
    return settings_from(raw, str(path))


class _Unreadable(Exception):
    """The settings file exists but cannot be read or parsed (the message says where)."""


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _Unreadable(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise _Unreadable(f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise _Unreadable(f"{path} is not valid TOML: {exc}") from None


def _problem(key: str, value: Any) -> str | None:
    """What is wrong with ``value`` for ``key``, or None."""
    if key in RANGES:
        low, high = RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"'{key}' must be a whole number from {low} to {high}"
    elif key in CHOICES:
        if value not in CHOICES[key]:
            return f"'{key}' must be one of {', '.join(CHOICES[key])}"
    elif key in FLAGS:
        if not isinstance(value, bool):
            return f"'{key}' must be true or false"
    elif key in PATHS:
        if not isinstance(value, str):
            return f"'{key}' must be a path in quotes"
    elif key in HOTKEYS:
        if not isinstance(value, str):
            return f"'{key}' must be text such as \"<ctrl>+<alt>+o\""
        wrong = check_hotkey(value)
        if wrong:
            return f"'{key}' {wrong}"
    return None


def settings_from(raw: dict[str, Any], source: str) -> Settings:
    """Settings from parsed values; each bad key becomes a problem and keeps its default."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in DESCRIPTIONS:
            problems.append(f"{source}: unknown setting '{key}' (ignored)")
            continue
        wrong = _problem(key, value)
        if wrong:
            problems.append(f"{source}: {wrong}; using the default")
            continue
        values[key] = value
    return replace(Settings(), **values, problems=tuple(problems))


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` as TOML (atomically: a crash leaves the old file or the new).

    A file that is there but cannot be read is never written over: the user's hand edits
    stay, and the error says which line to fix.
    """
    import tomli_w

    from .errors import StorageError

    path = path or config_path()
    try:
        _read_toml(path)
    except FileNotFoundError:
        pass
    except _Unreadable as exc:
        raise StorageError(
            _("{exc}; fix or remove it, then save again (it was kept)").format(exc=exc)
        ) from None
    values = {name: getattr(settings, name) for name in DESCRIPTIONS}
    text = "# traycodes settings (see the README for each key)\n" + tomli_w.dumps(values)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise StorageError(
            _("cannot write {path}: {strerror}").format(path=path, strerror=exc.strerror)
        ) from None
