"""What the app and its windows ask of each other: :class:`WindowHost` (show this window,
with plain data) and :class:`WindowsController` (rows for a search, copy, try a password,
save). Kept free of Tk: with the windows in a child process the tray process never loads
it.

These two Protocols are where the window calls are declared, once: the Tk host
(app/windows.py) and the app's controller (app/controller.py) implement them, and with the
windows in a child process (app/uiproc.py) both directions are forwarded and served from
these declarations (app/crossing.py), so a new call is written here and where it is done,
nowhere else."""

from __future__ import annotations

from types import FunctionType
from typing import Any, Protocol

from ..model import Entry
from ..settings import Settings
from ..ui.enrolform import Target
from ..ui.rows import Row
from .clipboard import Clipboard


class WindowsController(Protocol):
    """What the windows ask of the app (answered on the app's loop)."""

    def now(self) -> float: ...

    def rows(self, query: str) -> list[Row]: ...

    def copy(self, record_id: str) -> None: ...

    def chooser_picked(self, record_id: str, remember: bool) -> None: ...

    def submit_password(self, password: str, create: bool) -> None: ...

    def password_later(self) -> None: ...

    def propose(self, entry: Entry) -> list[Target]: ...

    def save_enrolment(self, pairs: list[tuple[Entry, str | None]]) -> str:
        """Store entries (``None``: a new record, else that record's id); the sentence said.
        Raises TrayCodesError when the vault refuses."""
        ...

    def import_entries(self, entries: list[Entry]) -> list[str]:
        """Add an export's entries with the one rule; the report's sentences."""
        ...

    def save_settings(self, values: dict[str, object]) -> list[str]: ...

    def notify(self, title: str, body: str) -> None: ...

    def touch(self) -> None: ...

    def menu_chosen(self, key: str) -> None:
        """An item of the popup tray menu (:meth:`WindowHost.show_menu`) was picked."""
        ...


class WindowHost(Protocol):
    """What the app asks of the windows."""

    @property
    def clipboard(self) -> Clipboard: ...

    def show_password(self, *, create: bool, vault: str, reminder: int = 0) -> None: ...

    def password_result(self, problem: str | None) -> None: ...

    def show_quickpick(self, *, add: bool = False) -> None: ...

    def show_chooser(self, heading: str, fitting: list[str], *, offer_remember: bool) -> None: ...

    def show_enrol(self, link: str, origin: str) -> None: ...

    def show_settings(self, settings: Settings) -> None: ...

    def show_import(self) -> None: ...

    def show_error(self, message: str) -> None: ...

    def show_welcome(self, lines: list[str]) -> None:
        """The first-run window (app/welcome.py): what to do with a new vault."""
        ...

    def show_menu(self, items: list[dict[str, Any]], x: int, y: int) -> None:
        """The tray menu as a popup at (x, y): app/menu.py's ``popup_items``."""
        ...

    def close_secret_windows(self) -> None: ...

    def records_changed(self) -> None:
        """The records changed (a sync, a followed phone): an open quick-pick shows them."""
        ...

    def snapshot(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


WINDOW_CALLS = frozenset(
    name
    for name, member in vars(WindowHost).items()
    if isinstance(member, FunctionType) and not name.startswith("_")
)


class NoWindows:
    """The window host before the loop has started: nothing is shown yet. Each window
    call of :class:`WindowHost` does nothing; any other name is an AttributeError."""

    clipboard: Any = None

    def __getattr__(self, name: str) -> Any:
        if name not in WINDOW_CALLS:
            raise AttributeError(f"a WindowHost has no window call {name!r}")
        return lambda *args, **kwargs: None

    def snapshot(self) -> dict[str, Any]:
        return {}
