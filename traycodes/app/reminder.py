"""Remember the password: every ``password_reminder_days`` the next unlock asks for the
vault password instead of using the keyring, so that the user still knows it on a new
computer. When the password was last typed right is this computer's own state
(``TRAYCODES_STATE``), never the synced vault."""

from __future__ import annotations

from pathlib import Path

FILE = "password-verified"
DAY = 86400


def _path() -> Path:
    from ..vault import state_folder

    return state_folder() / FILE


def last_verified() -> float | None:
    """When the password was last typed right here (Unix seconds), or None."""
    try:
        return float(_path().read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def record_verified(at: float) -> None:
    """Best effort: a state folder that cannot be written asks again next time."""
    path = _path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(f"{at:.0f}\n", encoding="ascii")
        tmp.replace(path)
    except OSError:
        pass


def due(last: float | None, now: float, days: int) -> bool:
    """Is it time to ask? Never with ``days`` 0; the count starts at the first unlock
    (``last`` None: not yet, the caller records ``now``)."""
    return days > 0 and last is not None and now - last >= days * DAY
