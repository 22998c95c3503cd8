"""The window host: every Tk window of the app, and what they ask of it.

The app asks its host to show windows (:class:`WindowHost`), with plain data: strings,
settings, rows. The windows ask the app through a :class:`WindowsController`: rows for a
search, copy a code, try a password, where an entry could go, save. :class:`TkWindows` is
the host in this process; ``app/uiproc.py`` puts the same host in a child process (macOS,
or ``TRAYCODES_UI_PROCESS=child``) and carries both interfaces over a private socket.
Tk itself and the window modules are loaded when a window is first shown (or, on X11,
when a code is first copied: Tk holds the clipboard), not at start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TrayCodesError
from ..i18n import N_, _, ngettext
from ..settings import Settings
from ..ui.enrolform import is_link
from ..ui.rows import SITE_PREFIX, Row
from .clipboard import Clipboard, system_clipboard
from .host import WindowsController

TYPE_CHECKING = False
if TYPE_CHECKING:
    import tkinter as tk

CHOOSER_TITLE = N_("traycodes: choose")


def _tcl_error() -> type[Exception]:
    """Tk's error type, for code that runs only once a window (so Tk) exists."""
    import tkinter

    return tkinter.TclError


class TkWindows:
    """The windows on a Tk root in this process; runs on that root's thread. The root is
    asked of ``make_root`` when first needed."""

    def __init__(
        self,
        make_root: Callable[[], tk.Tk],
        controller: WindowsController,
        post: Callable[[Callable[[], None]], None],
    ) -> None:
        self._make_root = make_root
        self._root: tk.Tk | None = None
        self.app = controller
        self.post = post
        self._clipboard: Clipboard | None = None
        self.quick: Any = None
        self.password_window: Any = None
        self.settings_window: Any = None
        self.enrol_window: Any = None
        self.capture: Any = None  # QrCapture, made with the first enrolment dialog
        self._waiting_links: list[tuple[str, str]] = []  # (link, origin) for the next dialogs
        self.popup: Any = None  # PopupMenu: the plain X11 icon's menu

    @property
    def root(self) -> tk.Tk:
        if self._root is None:
            self._root = self._make_root()
        return self._root

    @property
    def clipboard(self) -> Clipboard:
        if self._clipboard is None:
            self._clipboard = system_clipboard(self.root)
        return self._clipboard

    @staticmethod
    def _open(window: Any) -> bool:
        if window is None:
            return False
        try:
            return bool(window.window.winfo_exists())
        except _tcl_error():
            return False

    # -- unlock -----------------------------------------------------------------------------

    def show_password(self, *, create: bool, vault: str, reminder: int = 0) -> None:
        """``reminder``: days since the password was last typed (the keyring opened the
        vault); its Cancel is "Remind me later"."""
        from ..ui.unlock import PasswordWindow

        if self._open(self.password_window):
            self.password_window.focus()
            return
        self.password_window = PasswordWindow(
            self.root,
            create=create,
            vault=vault,
            on_submit=lambda password: self.app.submit_password(password, create),
            on_cancel=self.app.password_later if reminder else lambda: None,
            reminder=reminder,
        )

    def password_result(self, problem: str | None) -> None:
        if self.password_window is None:
            return
        if problem is None:
            self.password_window.close()
            self.password_window = None
        else:
            self.password_window.failed(problem)

    # -- lists ------------------------------------------------------------------------------

    def show_quickpick(self, *, add: bool = False) -> None:
        """The quick-pick window (``add``: with its add field open)."""
        from ..ui.quickpick import QuickPick

        if self._open(self.quick) and self.quick.window.title() != _(CHOOSER_TITLE):
            self.quick.focus()
        else:
            if self._open(self.quick):
                self.quick.close()
            self.quick = QuickPick(
                self.root,
                self.app.rows,
                on_pick=self._picked,
                on_add=self._add_link,
                on_close=self._quick_closed,
            )
        if add:
            self.quick.show_add()

    def _picked(self, key: str, remember: bool) -> None:
        """A row of the quick-pick window: a code to copy, or a site the vault has no
        account for (from the 2FA directory): its set-up page, then the enrolment dialog."""
        if not key.startswith(SITE_PREFIX):
            self.app.copy(key)
            return
        row = next((r for r in self.app.rows(key.removeprefix(SITE_PREFIX)) if r.key == key), None)
        if row is not None and row.link:
            import webbrowser

            webbrowser.open(row.link)
        self.show_enrol("", "")

    def _chosen(self, key: str, remember: bool) -> None:
        """The chooser's pick: an account for the window in front, or (a search found no
        account) a site to set up."""
        if key.startswith(SITE_PREFIX):
            self._picked(key, remember)
        else:
            self.app.chooser_picked(key, remember)

    def _add_link(self, text: str) -> str:
        """The quick-pick window's add field: the enrolment dialog, with what was pasted."""
        self.show_enrol(text.strip(), "")
        return ""

    def show_chooser(self, heading: str, fitting: list[str], *, offer_remember: bool) -> None:
        """Several records (or none) fit the window in front: the user chooses, near the
        pointer; ``fitting`` (record ids) are listed first, a search lists all."""
        from ..ui.quickpick import QuickPick

        if self._open(self.quick):
            self.quick.close()

        def rows(query: str) -> list[Row]:
            if query or not fitting:
                return self.app.rows(query)
            by_id = {row.key: row for row in self.app.rows("")}
            return [by_id[key] for key in fitting if key in by_id]

        self.quick = QuickPick(
            self.root,
            rows,
            on_pick=self._chosen,
            on_close=self._quick_closed,
            title=_(CHOOSER_TITLE),
            heading=heading,
            offer_remember=offer_remember,
            near_pointer=True,
        )

    def _quick_closed(self) -> None:
        self.quick = None

    # -- enrolment --------------------------------------------------------------------------

    def show_enrol(self, link: str, origin: str) -> None:
        """The enrolment dialog, with ``link`` (or an otpauth link on the clipboard). A link
        never changes a dialog that is open: it waits for that one to close, then opens its
        own."""
        from ..ui.enrol import EnrolDialog
        from .capture import QrCapture

        if self._open(self.enrol_window):
            if link:
                self._waiting_links.append((link, origin))
                self.app.notify(
                    _("Another account waits to be added"),
                    _("It opens in its own dialog when you close this one."),
                )
            self.enrol_window.focus()
            return
        if not link:
            link = self._clipboard_link()
        if self.capture is None:
            self.capture = QrCapture(self.root, self.post)
        capture = self.capture
        self.enrol_window = EnrolDialog(
            self.root,
            link=link,
            clock=self.app.now,
            propose=self.app.propose,
            on_save=lambda pairs: self.app.save_enrolment(
                [(entry, target.record_id) for entry, target in pairs]
            ),
            scan_screen=lambda answer: capture.scan_screen(self._enrol_toplevel(), answer),
            paste_image=capture.paste_image,
            open_image=capture.open_image,
            pick_region=capture.pick_region,
            on_close=self._enrol_closed,
            origin=origin,
        )

    def _enrol_toplevel(self) -> tk.Toplevel | None:
        return self.enrol_window.window if self.enrol_window is not None else None

    def _enrol_closed(self) -> None:
        self.enrol_window = None
        if self._waiting_links:
            link, origin = self._waiting_links.pop(0)
            self.post(lambda: self.show_enrol(link, origin))

    def _clipboard_link(self) -> str:
        try:
            text = str(self.root.clipboard_get()).strip()
        except _tcl_error():
            return ""
        return text if is_link(text) else ""

    # -- settings, import, errors -----------------------------------------------------------

    def show_settings(self, settings: Settings) -> None:
        from ..ui.settings_window import SettingsWindow

        if self._open(self.settings_window):
            self.settings_window.window.lift()
            return
        self.settings_window = SettingsWindow(self.root, settings, self.app.save_settings)

    def show_import(self) -> None:
        """The menu's Import…: a file chooser, the export's password if it has one, and the
        same all-or-nothing rule and report as ``traycodes import``, in windows."""
        from tkinter import filedialog, messagebox, simpledialog

        from ..formats.bounded import read_bounded as read  # in a bounded child process

        title = _("traycodes: import")
        chosen = filedialog.askopenfilename(parent=self.root, title=title)
        if not chosen:
            return
        self.app.touch()
        try:
            batch = read(
                Path(chosen).read_bytes(),
                password=lambda: simpledialog.askstring(
                    title, _("The export's password:"), show="•", parent=self.root
                ),
            )
        except (OSError, TrayCodesError) as exc:
            messagebox.showerror(title, str(exc), parent=self.root)
            return
        left_out = [i for i in batch.items if i.entry is None]
        bad = [i for i in left_out if not i.unsupported]  # mOTP, Yandex: left out unasked
        entries = [i.entry for i in batch.items if i.entry is not None]
        if bad:
            listed = "\n".join(f"{i.where}: {i.problem}" for i in bad[:8])
            question = ngettext(
                "{count} account cannot be read:", "{count} accounts cannot be read:", len(bad)
            ).format(count=len(bad))
            others = ngettext(
                "Import the {count} other?", "Import the {count} others?", len(entries)
            ).format(count=len(entries))
            if not messagebox.askyesno(
                title, f"{question}\n{listed}\n\n{others}", parent=self.root
            ):
                return
        try:
            said = self.app.import_entries(entries)
        except TrayCodesError as exc:
            messagebox.showerror(title, str(exc), parent=self.root)
            return
        lines = (
            said
            + list(batch.notes)
            + [
                _("Left out {where}: {problem}").format(where=i.where, problem=i.problem)
                for i in left_out
            ]
        )
        messagebox.showinfo(title, "\n".join(lines) or _("Nothing to import."), parent=self.root)

    def show_error(self, message: str) -> None:
        from tkinter import messagebox

        messagebox.showerror("traycodes", message, parent=self.root)

    def show_welcome(self, lines: list[str]) -> None:
        from ..ui.welcome import WelcomeWindow

        WelcomeWindow(self.root, lines)

    # -- locking and state ------------------------------------------------------------------

    def records_changed(self) -> None:
        if self._open(self.quick):
            self.quick.refresh()

    def show_menu(self, items: list[dict[str, Any]], x: int, y: int) -> None:
        from ..ui.popupmenu import PopupMenu

        if self.popup is None:
            self.popup = PopupMenu(self.root, self.app.menu_chosen)
        self.popup.show(items, x, y)

    def close_secret_windows(self) -> None:
        """Every window that shows a code, a secret or the screen: the quick-pick window
        and the chooser, the popup menu, the enrolment dialog, the region picker; the
        screenshot kept for it, and links waiting for a dialog."""
        if self.popup is not None:
            self.popup.close()
        if self.quick is not None:
            with contextlib.suppress(_tcl_error()):
                self.quick.close()
            self.quick = None
        if self.enrol_window is not None:
            self._waiting_links.clear()
            with contextlib.suppress(_tcl_error()):
                self.enrol_window.close()
            self.enrol_window = None
        self._waiting_links.clear()
        if self.capture is not None:
            self.capture.forget()

    def snapshot(self) -> dict[str, Any]:
        """Which windows are open and what they show (codes unmasked: the caller masks)."""
        quick = self.quick if self._open(self.quick) else None
        chooser = quick is not None and quick.window.title() == _(CHOOSER_TITLE)
        return {
            "quickpick": quick is not None and not chooser,
            "chooser": chooser,
            "chooser_heading": quick.heading if chooser and quick is not None else "",
            "quickpick_codes": quick.shown_codes() if quick is not None else [],
            "quickpick_ready": quick is not None and quick.ready,
            "quickpick_faces": quick.face_boxes() if quick is not None else [],
            "enrol": self.enrol_window.snapshot() if self._open(self.enrol_window) else None,
            "password_window": self._open(self.password_window),
            "tray_menu": self.popup.labels() if self.popup is not None else [],
        }

    def close(self) -> None:
        self.close_secret_windows()
        for window in (self.password_window, self.settings_window):
            if self._open(window):
                with contextlib.suppress(_tcl_error()):
                    window.window.destroy()
