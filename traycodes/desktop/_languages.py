"""The user's UI languages where the environment rarely names them: Windows (the display
language chosen in Settings) and macOS (System Settings' preferred languages). On Linux and
the BSDs the environment (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) is the
answer, which :mod:`traycodes.i18n` reads itself, so this says nothing there.

Each reader is handed its OS interface (tests give fakes) and never raises: a language that
cannot be read is English, not an error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

GLOBAL_PREFERENCES = "Library/Preferences/.GlobalPreferences.plist"


def ui_languages() -> list[str]:
    """The user's UI languages, most wanted first, as gettext names them (``de_DE``,
    ``pt_BR``); empty where the environment is the answer, or nothing can be read."""
    from ._platform import os_kind

    kind = os_kind()
    if kind == "windows":
        return windows_languages()
    if kind == "macos":
        return macos_languages()
    return []


def windows_languages(kernel32: Any = None) -> list[str]:
    """``GetUserDefaultUILanguage``'s language, named by :data:`locale.windows_locale`."""
    import locale

    try:
        if kernel32 is None:
            import ctypes

            windll = getattr(ctypes, "WinDLL")  # noqa: B009 - absent from ctypes off Windows
            kernel32 = windll("kernel32")
        language_id = int(kernel32.GetUserDefaultUILanguage())
    except (OSError, AttributeError, TypeError, ValueError) as exc:
        log.debug("cannot read the Windows UI language: %s", type(exc).__name__)
        return []
    name = locale.windows_locale.get(language_id)
    return [name] if name else []


def macos_languages(
    home: Path | None = None, run: Callable[[list[str]], str] | None = None
) -> list[str]:
    """``AppleLanguages`` (``de-DE``, ``zh-Hans-CN``), from the user's global preferences
    file, else from ``defaults read -g AppleLanguages``; gettext's spelling (``de_DE``)."""
    import plistlib

    found: object = None
    plist = (home or Path(os.path.expanduser("~"))) / GLOBAL_PREFERENCES
    try:
        with plist.open("rb") as file:
            found = plistlib.load(file).get("AppleLanguages")
    except (OSError, ValueError, AttributeError, plistlib.InvalidFileException) as exc:
        log.debug("cannot read AppleLanguages from the preferences: %s", type(exc).__name__)
    if not isinstance(found, list):
        found = _defaults_languages(run or _run)
    return [_gettext_name(str(name)) for name in found if isinstance(name, str) and name]


def _run(argv: list[str]) -> str:
    import subprocess

    return subprocess.run(argv, capture_output=True, text=True, timeout=5, check=True).stdout


def _defaults_languages(run: Callable[[list[str]], str]) -> list[str]:
    """``defaults read -g AppleLanguages`` prints ``(\\n    "de-DE",\\n    en\\n)``."""
    try:
        printed = run(["defaults", "read", "-g", "AppleLanguages"])
    except Exception as exc:  # no defaults, a timeout, a refusal: English
        log.debug("cannot run defaults: %s", type(exc).__name__)
        return []
    inner = printed.strip().removeprefix("(").removesuffix(")")
    return [word.strip().strip('"') for word in inner.split(",") if word.strip().strip('"')]


def _gettext_name(apple: str) -> str:
    """``de-DE`` -> ``de_DE``; ``zh-Hans-CN`` -> ``zh_CN`` (gettext has no script part)."""
    parts = apple.replace("_", "-").split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    return f"{parts[0].lower()}_{region.upper()}" if region else parts[0].lower()
