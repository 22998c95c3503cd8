"""Which browsers have the extension, and its shortcut there: the host notes it when the
extension says hello (at the browser's start, and with every fill), so that the global
hotkey can hand a browser window over to the extension, which fills by the page's verified
address instead of its title. Kept in this computer's state folder; a browser is known by
its process name (the host's parent: the browser starts it), as the window in front is."""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:
    from ..keys import Hotkey

MAX_AGE = 30 * 24 * 3600  # a browser not heard from for a month: hand nothing over
SHORTCUT = re.compile(r"[A-Za-z0-9+ ]{0,40}")


def _path() -> Path:
    from ..vault import state_folder

    return state_folder() / "browsers.json"


def _read() -> dict[str, dict[str, object]]:
    try:
        found = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def browser_process() -> str:
    """The name of the browser that started this host ('' where it cannot be told)."""
    from ..desktop import process_name

    return process_name(os.getppid()).lower()


def note(browser: str, shortcut: str, now: float | None = None) -> None:
    """The extension in ``browser`` said hello, with its fill shortcut (maybe none)."""
    if not browser or not SHORTCUT.fullmatch(shortcut):
        return
    known = _read()
    known[browser] = {"shortcut": shortcut, "seen": now if now is not None else time.time()}
    from ..vault import atomic_write

    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, json.dumps(known, indent=1).encode("utf-8"))  # 0600


def shortcut_for(browser: str, now: float | None = None) -> str | None:
    """The extension's shortcut in ``browser``, if it said hello lately and has one."""
    entry = _read().get(browser.lower())
    if not isinstance(entry, dict):
        return None
    seen, shortcut = entry.get("seen"), entry.get("shortcut")
    now = now if now is not None else time.time()
    if not isinstance(seen, int | float) or now - seen > MAX_AGE:
        return None
    if not isinstance(shortcut, str) or not shortcut or not SHORTCUT.fullmatch(shortcut):
        return None
    return shortcut


def forget() -> None:
    with contextlib.suppress(FileNotFoundError):
        _path().unlink()


def keys(shortcut: str) -> Hotkey:
    """A browser's shortcut text ("Alt+Shift+O", "Ctrl+Shift+Comma") as the combination a
    keyboard presses (Alt+Shift+O, Ctrl+Shift+,); ValueError when it is not one."""
    from ..keys import pressed

    return pressed(shortcut)
