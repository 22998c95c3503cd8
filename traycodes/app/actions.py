"""What a click or the hotkey does with a code: copy it (and clear it again), advance and
save an HOTP counter before its code is shown, remember when a code was used, and "always
use this record here". Runs on the loop's thread; the vault is the session's."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from ..errors import TrayCodesError
from ..i18n import _
from ..model import OtpType, Record
from ..otp import code, group_code
from ..settings import Settings
from .clipboard import Clipboard
from .loop import Loop
from .session import Session

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> float: ...


class CodeActions:
    def __init__(
        self,
        session: Session,
        *,
        loop: Loop,
        clock: Clock,
        clipboard: Callable[[], Clipboard],
        notify: Callable[[str, str], None],
    ) -> None:
        self.session = session
        self.loop = loop
        self.clock = clock
        self._clipboard = clipboard  # the window host's (X11: owned by its Tk root)
        self.notify = notify
        self._copied: str | None = None

    @property
    def settings(self) -> Settings:
        return self.session.settings

    def copy(self, record_id: str) -> bool:
        """Put a record's current code on the clipboard (HOTP: advance and save first).
        False when the vault is locked (the caller asks for the password)."""
        if self.session.vault is None:
            return False
        self.session.touch()
        record = self.session.record(record_id)
        if record is None or record.otp is None:
            return True
        if record.otp.type is OtpType.HOTP:
            shown = self.advance_hotp(record.id)
        else:
            shown = code(record.otp, self.clock.now())
            self.mark_used(record.id)
        self.copy_code(record, shown)
        return True

    def copy_code(self, record: Record, shown: str, *, notify: bool = True) -> None:
        """``shown`` onto the clipboard, cleared after ``clipboard_seconds``."""
        self._clipboard().copy(shown)
        self._copied = shown
        seconds = self.settings.clipboard_seconds
        if seconds:
            self.loop.after("clipboard", seconds, self.clear_clipboard)
        if notify:
            # the code itself only where the user asked for it: notifications are kept in
            # histories and shown on the lock screen
            said = [group_code(shown)] if self.settings.notify_codes else []
            if seconds:
                said.append(_("the clipboard clears in {seconds} s").format(seconds=seconds))
            self.notify(
                _("Copied the code for {account}").format(account=record.label), "; ".join(said)
            )

    def clear_clipboard(self) -> None:
        """Clear what we copied, if the clipboard still holds it (never someone else's)."""
        self.loop.cancel("clipboard")
        if self._copied is not None:
            cleared = self._clipboard().clear_if_holding(self._copied)
            log.debug("the clipboard %s", "cleared" if cleared else "left as it is: not our code")
            self._copied = None

    def advance_hotp(self, record_id: str) -> str:
        """The HOTP code at the stored counter, after saving the counter moved on by one
        (a code is never shown twice, and never shown before its counter is saved)."""
        vault = self.session.vault
        if vault is None:
            raise TrayCodesError(_("traycodes is locked"))
        shown = vault.advance_hotp(record_id, self.clock.now(), used=True)
        self.session.saved()
        return shown

    def mark_used(self, record_id: str) -> None:
        """Remember when a code was used (menu order), without a backup or a new version."""
        vault = self.session.vault
        if vault is None:
            return
        now = self.clock.now()

        def mark(records: dict[str, Record]) -> None:
            current = records.get(record_id)
            if current is not None:
                records[record_id] = replace(current, used=now)

        try:
            vault.update(mark, keep_backup=False)
        except TrayCodesError as exc:
            log.warning("could not save when the code was used: %s", exc)
        else:
            self.session.saved()

    def remember_window(self, record_id: str, pattern: str) -> None:
        """ "Always use this record here": a title pattern for that window."""
        vault = self.session.vault
        if vault is None:
            return
        now = self.clock.now()

        def remember(records: dict[str, Record]) -> None:
            current = records.get(record_id)
            if current is not None and pattern not in current.title_patterns:
                records[record_id] = current.edited(
                    now, title_patterns=(*current.title_patterns, pattern)
                )

        vault.update(remember)
        self.session.saved()
