"""The app's one warning about the clock, at start: the OS does not keep it synchronised,
or the last ``traycodes clock check`` found codes more than 15 s off. Asked in a thread
(the system bus or a command may be slow), told as a notification, once per run."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..i18n import _

log = logging.getLogger(__name__)


def clock_warning(clock_offset: int) -> str | None:
    """What to tell the user about the clock, or None when nothing is wrong."""
    from .. import desktop
    from ..cli.clock import TOLERANCE, last_measured, off_by

    last = last_measured()
    if last is not None:
        wrong = off_by(float(last["offset"]), clock_offset)
        if abs(wrong) > TOLERANCE:
            return _(
                "Codes are {seconds} s off ({server}): set the clock, "
                "or run 'traycodes clock check --apply'."
            ).format(seconds=f"{abs(wrong):.0f}", server=last.get("server", "?"))
    synced, found = desktop.clock_synchronised()
    if synced is False:
        return _(
            "The clock is {state}: codes may be refused. 'traycodes clock check' measures it."
        ).format(state=found)
    return None


def warn_once(clock_offset: int, notify: Callable[[str, str], None]) -> threading.Thread:
    """Look in a thread; notify when the clock is wrong."""

    def look() -> None:
        try:
            warning = clock_warning(clock_offset)
        except Exception:
            log.exception("could not look at the clock")
            return
        if warning:
            log.warning("%s", warning)
            notify(_("traycodes: check the clock"), warning)

    thread = threading.Thread(target=look, name="clock", daemon=True)
    thread.start()
    return thread
