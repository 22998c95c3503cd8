"""What the desktop facade and its per-OS modules share (they import this, never the
facade, so that no module imports its own package back)."""

from __future__ import annotations

from ..errors import TrayCodesError

APP_ID = "io.github.traycodes"


class DesktopError(TrayCodesError):
    """The desktop refused (a registry, a D-Bus call, a file in the user's config)."""

    exit_code = 5
