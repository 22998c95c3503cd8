"""The windows' controller: what the windows ask of the app (app/host.py's
:class:`~traycodes.app.host.WindowsController`), answered by the app's parts on its loop.
The same object serves the windows in this process and, through app/uiproc.py, the windows
in a child process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..errors import TrayCodesError
from ..model import Entry
from ..settings import Settings, config_path, save_settings, settings_from
from ..ui.enrolform import Target
from ..ui.rows import Row
from .accounts import Accounts
from .loop import Clock
from .session import Session


class ControllerHost(Protocol):
    """The app (app/main.py), as its windows' controller reaches it."""

    clock: Clock
    accounts: Accounts
    session: Session
    creating: bool

    def copy(self, record_id: str) -> None: ...

    def refresh_menu(self) -> None: ...

    def notify(self, title: str, body: str) -> None: ...

    def apply_settings(self, settings: Settings) -> None: ...

    def menu_actions(self) -> dict[str, Callable[[], None]]: ...


class AppController:
    def __init__(self, app: ControllerHost) -> None:
        self.app = app
        self.chooser_pick: Callable[[str, bool], None] | None = None  # set by show_chooser

    def now(self) -> float:
        return self.app.clock.now()

    def rows(self, query: str) -> list[Row]:
        return self.app.accounts.rows(query)

    def copy(self, record_id: str) -> None:
        self.app.copy(record_id)

    def chooser_picked(self, record_id: str, remember: bool) -> None:
        if self.chooser_pick is not None:
            self.chooser_pick(record_id, remember)

    def submit_password(self, password: str, create: bool) -> None:
        self.app.creating = create  # the password window is making the vault: welcome after
        self.app.session.try_password(password, create=create)

    def password_later(self) -> None:
        self.app.session.remind_later()

    def propose(self, entry: Entry) -> list[Target]:
        return self.app.accounts.propose(entry)

    def save_enrolment(self, pairs: list[tuple[Entry, str | None]]) -> str:
        said = self.app.accounts.save_enrolment(pairs)
        self.app.refresh_menu()
        self.app.notify("traycodes", said)
        return said

    def import_entries(self, entries: list[Entry]) -> list[str]:
        said = self.app.accounts.import_entries(entries)
        self.app.refresh_menu()
        return said

    def save_settings(self, values: dict[str, object]) -> list[str]:
        settings = settings_from(values, "settings")
        if settings.problems:
            return list(settings.problems)
        try:
            save_settings(settings, config_path())
        except TrayCodesError as exc:
            return [str(exc)]
        self.app.apply_settings(settings)
        return []

    def notify(self, title: str, body: str) -> None:
        self.app.notify(title, body)

    def touch(self) -> None:
        self.app.session.touch()

    def menu_chosen(self, key: str) -> None:
        """An item of the popup tray menu (the plain X11 icon's right-click) was picked."""
        kind, _, record_id = key.partition(":")
        if kind == "copy":
            self.app.copy(record_id)
            return
        action = self.app.menu_actions().get(kind)
        if action is None:
            raise TrayCodesError(f"no menu item {kind!r}")
        action()
