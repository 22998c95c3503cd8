"""The running tray app: one controller on the Tk thread, everything else posts to it.

Threads (Linux and Windows): Tk owns the main thread (a withdrawn root; windows are
Toplevels); the tray icon runs its own loop in a thread; the IPC server and the
screen-lock watcher block in threads of their own. None of them touches Tk or the vault:
they :meth:`App.post` a function, which the Tk loop runs. On Unix a self-pipe wakes Tk
(and carries signals), so an idle app sleeps: its only timer is the next period boundary
while the menu shows codes.

macOS: pystray and Tk both want the main thread there. The plan (not built yet, and
refused at start with a message): run pystray's NSApplication loop on the main thread and
the Tk windows in a child process talking over the same IPC.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import signal
import sys
import threading
import time
import tkinter as tk
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from .. import desktop
from ..adding import NEW, AddReport, add_entries, place
from ..errors import (
    KeyUnavailable,
    Locked,
    TrayCodesError,
    WrongPassword,
)
from ..keystore import KeyStore, system_store
from ..matching import Candidate, menu_order, rank
from ..model import Entry, OtpType, Record, Window
from ..otp import code, remaining
from ..resources import icon_bytes, icon_file
from ..settings import Settings, config_path, load_settings, save_settings, settings_from
from ..vault import NoVault, Vault, kdf_from_environment
from . import ipc
from .clipboard import Clipboard, system_clipboard
from .menu import SEPARATOR, group_code, mask_code, menu_model, next_refresh
from .menu import Entry as MenuEntry
from .menu import texts as menu_texts
from .tray import Backend, Tray, load_backend, menu_item

log = logging.getLogger(__name__)
T = TypeVar("T")

EXTERNAL_ORIGIN = "another program (a clicked otpauth: link, or 'traycodes enrol')"
POLL_MS = 50  # Windows only: how often the Tk loop looks at the queue


def quit_signals() -> list[signal.Signals]:
    """The signals that end the app cleanly (Windows has no SIGHUP)."""
    if sys.platform == "win32":
        return [signal.SIGTERM, signal.SIGINT]
    else:
        return [signal.SIGTERM, signal.SIGINT, signal.SIGHUP]


class Clock:
    """The app's one clock: the system time plus the ``clock_offset`` setting."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        return time.time() + self.offset


class App:
    """State, timers and actions of the running app. Every method runs on the Tk thread
    unless it says otherwise."""

    def __init__(
        self, vault_path: Path, *, keystore: KeyStore | None, backend: Backend, settings: Settings
    ) -> None:
        self.vault_path = vault_path
        self.keystore = keystore
        self.backend = backend
        self.settings = settings
        self.clock = Clock(settings.clock_offset)
        self.vault: Vault | None = None
        self.root = tk.Tk(className="traycodes")
        self.root.withdraw()
        self.clipboard: Clipboard = system_clipboard(self.root)
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._quitting = False
        if sys.platform == "win32":  # pragma: no cover - cannot run here
            # Tk has no file handlers on Windows (and pipes cannot be non-blocking before
            # Python 3.12): the queue is drained by a short timer instead.
            self._wake_r = self._wake_w = -1
            self._poll()
        else:
            self._wake_r, self._wake_w = os.pipe()
            os.set_blocking(self._wake_w, False)
            self.root.createfilehandler(self._wake_r, tk.READABLE, self._drain)
        self.tray = Tray(backend, self._image(locked=True), "traycodes (locked)", self._menu())
        self.ipc = ipc.Server(self._ipc)
        self.notifier: Any = None
        self.lock_watcher: Any = None
        self.quick: Any = None
        self.password_window: Any = None
        self.settings_window: Any = None
        self.enrol_window: Any = None
        self.after_unlock: Callable[[], None] | None = None  # e.g. a link to enrol
        self._screen: Any = None  # the last screenshot a scan found nothing in
        self.region_picker: Any = None
        self._waiting_links: list[tuple[str, str]] = []  # (link, origin) for the next dialogs
        self.desktop: Any = None  # X11Desktop where there is X11
        self.watcher: Any = None  # tells us when the vault's folder changes (sync)
        self.typist: Any = None
        self.hotkeys: Any = None
        self._copied: str | None = None
        self._timers: dict[str, str] = {}
        self._diagnostic_codes = os.environ.get("TRAYCODES_DIAGNOSTICS") == "codes"
        self._resources = contextlib.ExitStack()  # files that must exist while we run
        self._seen: tuple[int, int, int] | None = None

    # -- threads --------------------------------------------------------------------------

    def post(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the Tk thread soon. Safe from any thread; never blocks."""
        self._queue.put(action)
        if self._wake_w >= 0:
            with contextlib.suppress(BlockingIOError, OSError):
                os.write(self._wake_w, b"!")

    def call(self, action: Callable[[], T], timeout: float = 10.0) -> T:
        """Run ``action`` on the Tk thread and wait for its result (from other threads)."""
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(action())
            except BaseException as exc:
                future.set_exception(exc)

        self.post(run)
        return future.result(timeout)

    def _drain(self, *_: object) -> None:
        if self._wake_r >= 0:
            with contextlib.suppress(BlockingIOError, OSError):
                os.read(self._wake_r, 4096)
        while True:
            try:
                action = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                action()
            except Exception:
                log.exception("an action of the app failed")

    def _poll(self) -> None:  # pragma: no cover - Windows
        self._drain()
        if not self._quitting:
            self.root.after(POLL_MS, self._poll)

    def _after(self, name: str, seconds: float, action: Callable[[], None]) -> None:
        """One named timer: setting it again replaces the pending one."""
        self._cancel(name)

        def fire() -> None:
            self._timers.pop(name, None)
            action()

        self._timers[name] = self.root.after(max(1, int(seconds * 1000)), fire)

    def _cancel(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            self.root.after_cancel(timer)

    # -- start and stop -------------------------------------------------------------------

    def start(self) -> None:
        """Claim the IPC socket, show the icon, unlock (keyring, else a window)."""
        self.ipc.start()  # AlreadyRunning propagates to the caller
        for sig in quit_signals():
            signal.signal(sig, lambda *_: self.post(self.quit))
        if self._wake_w >= 0:
            signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        icon = self._resources.enter_context(icon_file("app", 64))
        self.notifier = desktop.notifier(str(icon))
        self.lock_watcher = desktop.lock_watcher(lambda: self.post(self.lock))
        self.tray.start()
        self._start_hotkeys()
        self._open_with_keyring()

    def _start_hotkeys(self) -> None:
        """Global hotkeys where they can work (X11); elsewhere 'traycodes type' over IPC."""
        from .hotkey import Hotkeys, Typist

        if self.desktop is None:
            try:
                self.desktop = desktop.window_reader()
            except Exception as exc:  # no usable X connection
                log.info("no X11 window lookups: %s", type(exc).__name__)
        if self.desktop is not None and self.typist is None:
            self.typist = Typist(self, self.desktop)
            self.typist.start()
        if self.hotkeys is not None:
            self.hotkeys.stop()
        bindings = {self.settings.hotkey_pick: lambda: self.post(self.show_quickpick)}
        if self.typist is not None:
            typist = self.typist
            bindings[self.settings.hotkey_type] = lambda: typist.request(typist.for_window_in_front)
        self.hotkeys = Hotkeys(bindings)
        for problem in self.hotkeys.start() if self.desktop is not None else []:
            log.warning("%s", problem)
            self.notify("traycodes hotkeys", problem)

    def type_request(self) -> None:
        """``traycodes type``: the hotkey's action, from a desktop shortcut or a script.
        Where windows cannot be read (Wayland), choose an account and its code is copied."""
        if self.typist is not None:
            self.typist.request(self.typist.for_window_in_front)
        else:
            self.show_chooser(None, [])

    def run(self) -> None:
        try:
            self.root.mainloop()
        finally:
            self.shutdown()

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self._clear_clipboard()
        self.root.quit()

    def shutdown(self) -> None:
        """Leave nothing behind: socket, clipboard, icon, threads, secrets."""
        self._clear_clipboard()
        for name in list(self._timers):
            self._cancel(name)
        self.ipc.stop()
        if self.hotkeys is not None:
            self.hotkeys.stop()
        if self.typist is not None:
            self.typist.stop()
        if self.desktop is not None:
            self.desktop.close()
        if self.lock_watcher is not None:
            self.lock_watcher.stop()
        if self.watcher is not None:
            self.watcher.stop()
        if self.notifier is not None:
            self.notifier.close()
        self._resources.close()
        self.tray.stop()
        if self._wake_w >= 0:
            signal.set_wakeup_fd(-1)
        if self.vault is not None:
            self.vault.lock()
        with contextlib.suppress(tk.TclError):
            self.root.destroy()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)

    # -- locking --------------------------------------------------------------------------

    def _open_with_keyring(self) -> None:
        try:
            vault = Vault.open(
                self.vault_path,
                keystore=self.keystore,
                password=lambda: None,
                keep_backups=self.settings.backups,
            )
        except NoVault:
            self.show_password(create=True)
            return
        except (Locked, KeyUnavailable):
            self.show_password(create=False)
            return
        except TrayCodesError as exc:
            self._fatal(str(exc))
            return
        self._unlocked(vault)

    def _fatal(self, message: str) -> None:
        """A vault we cannot use: say so, stay locked (the file is left as it is)."""
        from tkinter import messagebox

        self.notify("traycodes cannot open the vault", message)
        messagebox.showerror("traycodes", message, parent=self.root)

    def show_password(self, *, create: bool = False) -> None:
        from ..ui.unlock import PasswordWindow

        if self.password_window is not None and self.password_window.window.winfo_exists():
            self.password_window.focus()
            return
        self.password_window = PasswordWindow(
            self.root,
            create=create,
            vault=str(self.vault_path),
            on_submit=lambda password: self._try_password(password, create),
            on_cancel=lambda: None,
        )

    def _try_password(self, password: str, create: bool) -> None:
        """Derive the key off the Tk thread (it takes a moment), then come back."""

        def work() -> None:
            try:
                if create:
                    vault = Vault.create(
                        self.vault_path,
                        password=password,
                        keystore=self.keystore,
                        kdf=kdf_from_environment(),
                        keep_backups=self.settings.backups,
                    )
                else:
                    vault = Vault.open(
                        self.vault_path,
                        keystore=None,
                        password=lambda: password,
                        keep_backups=self.settings.backups,
                    )
            except WrongPassword:
                self.post(lambda: self._password_failed("Wrong password."))
            except TrayCodesError as exc:
                message = str(exc)
                self.post(lambda: self._password_failed(message))
            else:
                self.post(lambda: self._password_ok(vault))

        threading.Thread(target=work, name="unlock", daemon=True).start()

    def _password_failed(self, message: str) -> None:
        if self.password_window is not None:
            self.password_window.failed(message)

    def _password_ok(self, vault: Vault) -> None:
        if self.password_window is not None:
            self.password_window.close()
            self.password_window = None
        self._unlocked(vault)

    def _unlocked(self, vault: Vault) -> None:
        self.vault = vault
        for warning in vault.warnings:
            self.notify("traycodes merged the vault", warning)
        if self.after_unlock is not None:
            self.post(self.after_unlock)
            self.after_unlock = None
        self._absorb_conflicts()
        self._watch_vault()
        self.tray.set_image(self._image(locked=False), "traycodes")
        self.touch()
        self.refresh_menu()

    def _watch_vault(self) -> None:
        """Notice when a sync tool changes the vault (Linux: inotify; elsewhere the file is
        looked at on each period boundary's refresh)."""
        if self.watcher is not None:
            return
        name = self.vault_path.name

        def changed(names: set[str]) -> None:
            if name in names or any(n.startswith(self.vault_path.stem) for n in names):
                self.post(lambda: self._after("vault-changed", 0.3, self.vault_changed))

        self.watcher = desktop.folder_watcher(self.vault_path.parent, changed)

    def vault_changed(self) -> None:
        """The file changed on disk (another device, another traycodes): read it again,
        merge any conflict copies, and show the result."""
        if self.vault is None:
            return
        signature = self._signature()
        if signature is not None and signature != self._seen:
            try:
                warning = self.vault.reload()  # merges, never simply replaces
            except TrayCodesError as exc:  # mid-sync or damaged: keep what we have
                log.warning("the vault changed on disk but cannot be read now: %s", exc)
                return
            if warning:
                self.notify("traycodes merged the vault", warning)
        self._absorb_conflicts()
        self.refresh_menu()

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            info = self.vault_path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size, info.st_ino

    def _absorb_conflicts(self) -> None:
        if self.vault is None:
            return
        for copy, outcome in self.vault.absorb_conflicts():
            if isinstance(outcome, int):
                self.notify(
                    "traycodes merged a sync conflict", f"{copy.name}: {outcome} account(s) updated"
                )
            else:
                log.warning("conflict copy %s left as it is: %s", copy.name, outcome)
        self._seen = self._signature()

    def lock(self) -> None:
        """Drop the secrets, show the locked icon and menu."""
        if self.vault is None:
            return
        self._clear_clipboard()
        self.vault.lock()
        self.vault = None
        self.close_secret_windows()
        for name in ("refresh", "idle"):
            self._cancel(name)
        self.tray.set_image(self._image(locked=True), "traycodes (locked)")
        self.refresh_menu()

    def close_secret_windows(self) -> None:
        """Every window that shows a code, a secret or the screen: the quick-pick window
        and the chooser, the enrolment dialog, the region picker; and the screenshot kept
        for it."""
        if self.quick is not None:
            self.quick.close()
        if self.enrol_window is not None:
            with contextlib.suppress(tk.TclError):
                self.enrol_window.close()
            self.enrol_window = None
        if self.region_picker is not None:
            with contextlib.suppress(tk.TclError):
                self.region_picker.window.destroy()
            self.region_picker = None
        self._screen = None
        self.after_unlock = None  # a link that waited for the unlock is not kept either
        self._waiting_links.clear()

    def touch(self) -> None:
        """The user did something: the idle lock starts counting again."""
        minutes = self.settings.lock_minutes
        if minutes and self.vault is not None:
            self._after("idle", minutes * 60, self.lock)

    # -- the menu -------------------------------------------------------------------------

    def _image(self, *, locked: bool) -> Any:
        import io

        from PIL import Image

        return Image.open(io.BytesIO(icon_bytes("app", 64, locked=locked)))

    def records(self) -> list[Record]:
        return menu_order(self.vault.records) if self.vault is not None else []

    def _menu(self) -> Any:
        """The menu model (app/menu.py) as the tray's items."""
        self._menu_entries = menu_model(
            self.vault.records if self.vault is not None else None,
            self.clock.now(),
            self.settings.menu_size,
        )
        return self._tray_menu(self._menu_entries)

    def _tray_menu(self, entries: tuple[MenuEntry, ...]) -> Any:
        """pystray items for the model's entries (submenus included)."""
        import pystray

        autostart = desktop.autostart() if self.vault is not None else None
        actions: dict[str, Callable[[], None]] = {
            "unlock": self.show_password,
            "search": self.show_quickpick,
            "add": self.show_enrol,
            "import": self.import_file,
            "lock": self.lock,
            "autostart": self.toggle_autostart,
            "settings": self.show_settings,
            "quit": self.quit,
        }

        def build(level: tuple[MenuEntry, ...]) -> Any:
            items = []
            for entry in level:
                if entry is SEPARATOR:
                    items.append(pystray.Menu.SEPARATOR)
                    continue
                if entry.action == "copy":
                    action: Callable[[], None] | None = self._copy_action(entry.record_id)
                elif entry.action:
                    action = self._menu_action(actions[entry.action])
                else:
                    action = None
                checked = (
                    (lambda item: autostart.enabled())
                    if entry.toggle and autostart is not None
                    else None
                )
                items.append(
                    menu_item(
                        entry.text,
                        action,
                        default=entry.default,
                        enabled=entry.enabled,
                        submenu=build(entry.submenu) if entry.submenu else None,
                        checked=checked,
                    )
                )
            return pystray.Menu(*items)

        return build(entries)

    def _menu_action(self, action: Callable[[], None]) -> Callable[[], None]:
        """Menu callbacks run on the tray's thread: hand the action to Tk."""
        return lambda: self.post(action)

    def _copy_action(self, record_id: str) -> Callable[[], None]:
        return lambda: self.post(lambda: self.copy(record_id))

    def menu_texts(self) -> list[str]:
        """The menu as text, submenus indented (for ``state`` over IPC)."""
        return menu_texts(self._menu_entries)

    def refresh_menu(self) -> None:
        """Rebuild the menu now, and again at the next period boundary while it shows codes."""
        if self.watcher is None and self.vault is not None and self._signature() != self._seen:
            self.vault_changed()  # no inotify here: look at the file at each refresh
            return
        self.tray.set_menu(self._menu())
        self._cancel("refresh")
        if self.vault is None or not self.backend.has_menu:
            return
        wait = next_refresh(self.vault.records, self.clock.now(), self.settings.menu_size)
        if wait is not None:
            self._after("refresh", wait + 0.05, self.refresh_menu)

    # -- actions --------------------------------------------------------------------------

    def record(self, record_id: str) -> Record | None:
        """The live record with this id (None when locked or gone)."""
        if self.vault is None:
            return None
        return next((r for r in self.vault.records if r.id == record_id), None)

    def copy(self, record_id: str) -> None:
        """Put a record's current code on the clipboard (HOTP: advance and save first)."""
        if self.vault is None:
            self.show_password()
            return
        self.touch()
        record = self.record(record_id)
        if record is None or record.otp is None:
            return
        if record.otp.type is OtpType.HOTP:
            shown = self.advance_hotp(record.id)
        else:
            shown = code(record.otp, self.clock.now())
            self.mark_used(record.id)
        self.copy_code(record, shown)
        self.refresh_menu()

    def copy_code(self, record: Record, shown: str, *, notify: bool = True) -> None:
        """``shown`` onto the clipboard, cleared after ``clipboard_seconds``."""
        self.clipboard.copy(shown)
        self._copied = shown
        seconds = self.settings.clipboard_seconds
        if seconds:
            self._after("clipboard", seconds, self._clear_clipboard)
        if notify:
            # the code itself only where the user asked for it: notifications are kept in
            # histories and shown on the lock screen
            said = [group_code(shown)] if self.settings.notify_codes else []
            if seconds:
                said.append(f"the clipboard clears in {seconds} s")
            self.notify(f"Copied the code for {record.label}", "; ".join(said))

    def advance_hotp(self, record_id: str) -> str:
        """The HOTP code at the stored counter, after saving the counter moved on by one."""
        assert self.vault is not None
        return self.vault.advance_hotp(record_id, self.clock.now(), used=True)

    def mark_used(self, record_id: str) -> None:
        """Remember when a code was used (menu order), without a backup or a new version."""
        if self.vault is None:
            return
        now = self.clock.now()

        def mark(records: dict[str, Record]) -> None:
            current = records.get(record_id)
            if current is not None:
                records[record_id] = replace(current, used=now)

        try:
            self.vault.update(mark, keep_backup=False)
        except TrayCodesError as exc:
            log.warning("could not save when the code was used: %s", exc)

    def remember_window(self, record_id: str, pattern: str) -> None:
        """ "Always use this record here": a title pattern for that window."""
        if self.vault is None:
            return
        now = self.clock.now()

        def remember(records: dict[str, Record]) -> None:
            current = records.get(record_id)
            if current is not None and pattern not in current.title_patterns:
                records[record_id] = current.edited(
                    now, title_patterns=(*current.title_patterns, pattern)
                )

        self.vault.update(remember)

    def show_chooser(
        self,
        window: Window | None,
        candidates: list[Candidate],
        *,
        note: str = "",
        verified: bool = False,
    ) -> None:
        """Several records (or none) fit the window, or the window is a browser whose page
        could not be verified (``note`` says so): the user chooses, near the pointer."""
        from ..ui.quickpick import QuickPick

        if self.vault is None:
            self.show_password()
            return
        if self.quick is not None and self.quick.window.winfo_exists():
            self.quick.close()
        fitting = [c.record.id for c in candidates]

        def rows(query: str) -> list[Any]:
            if query or not fitting:
                return self.row_source(query)
            by_id = {row.key: row for row in self.row_source("")}
            return [by_id[key] for key in fitting if key in by_id]

        def picked(record_id: str, remember: bool) -> None:
            if self.typist is None or window is None:
                record = self.record(record_id)
                if record is not None and record.otp is not None:
                    self.copy(record_id)
                return
            typist = self.typist
            typist.request(
                lambda: typist.deliver(
                    record_id, window, chosen=True, remember=remember, verified=verified
                )
            )

        heading = (
            f"Code for “{window.title}”"
            if window is not None
            else "Choose an account: its code is copied"
        )
        if note:
            heading += "\n\n" + note
        self.quick = QuickPick(
            self.root,
            rows,
            on_pick=picked,
            on_close=self._quick_closed,
            title="traycodes: choose",
            heading=heading,
            offer_remember=window is not None and verified,  # a title proves nothing in a browser
            near_pointer=True,
        )

    def _clear_clipboard(self) -> None:
        self._cancel("clipboard")
        if self._copied is not None:
            self.clipboard.clear_if_holding(self._copied)
            self._copied = None

    def notify(self, title: str, body: str) -> None:
        if self.notifier is not None:
            notifier = self.notifier
            threading.Thread(target=notifier.notify, args=(title, body), daemon=True).start()
        elif self.backend.has_notification:
            with contextlib.suppress(Exception):
                self.tray.icon.notify(body, title)

    def row_source(self, query: str) -> list[Any]:
        from ..ui.quickpick import Row

        now = self.clock.now()
        rows = []
        for record in rank(self.records(), query)[:50]:
            otp = record.otp
            timed = otp is not None and otp.type is not OtpType.HOTP
            rows.append(
                Row(
                    key=record.id,
                    title=record.issuer or record.account or "(unnamed)",
                    subtitle=record.account if record.issuer else "",
                    code=group_code(code(otp, now)) if otp is not None else "",
                    remaining=remaining(otp, now) if otp is not None and timed else None,
                    period=otp.period if otp is not None and timed else None,
                )
            )
        return rows

    def show_quickpick(self) -> None:
        """The quick-pick window (the unlock window while locked)."""
        from ..ui.quickpick import QuickPick

        if self.vault is None:
            self.show_password()
            return
        self.touch()
        if self.quick is not None and self.quick.window.winfo_exists():
            self.quick.focus()
            return
        self.quick = QuickPick(
            self.root,
            self.row_source,
            on_pick=lambda key, remember: self.copy(key),
            on_add=self.add_link,
            on_close=self._quick_closed,
        )

    def _quick_closed(self) -> None:
        self.quick = None

    def show_add(self) -> None:
        self.show_quickpick()
        if self.quick is not None:
            self.quick.show_add()

    def add_link(self, text: str) -> str:
        """The quick-pick window's add field: the enrolment dialog, with what was pasted."""
        self.show_enrol(text.strip())
        return ""

    def import_file(self) -> None:
        """The menu's Import…: a file chooser, the export's password if it has one, and the
        same all-or-nothing rule and report as ``traycodes import``, in windows."""
        from tkinter import filedialog, messagebox, simpledialog

        from ..formats import read

        if self.vault is None:
            self.show_password()
            return
        self.touch()
        chosen = filedialog.askopenfilename(parent=self.root, title="traycodes: import")
        if not chosen:
            return
        title = "traycodes: import"
        try:
            data = Path(chosen).read_bytes()
            batch = read(
                data,
                password=lambda: simpledialog.askstring(
                    title, "The export's password:", show="•", parent=self.root
                ),
            )
        except (OSError, TrayCodesError) as exc:
            messagebox.showerror(title, str(exc), parent=self.root)
            return
        bad = [i for i in batch.items if i.entry is None]
        entries = [i.entry for i in batch.items if i.entry is not None]
        notes = list(batch.notes)
        if bad:
            listed = "\n".join(f"{i.where}: {i.problem}" for i in bad[:8])
            if not messagebox.askyesno(
                title,
                f"{len(bad)} account(s) cannot be read:\n{listed}\n\nImport the "
                f"{len(entries)} others?",
                parent=self.root,
            ):
                return
        now = self.clock.now()
        vault = self.vault
        try:
            report = vault.update(lambda records: add_entries(records, entries, now))
        except TrayCodesError as exc:
            messagebox.showerror(title, str(exc), parent=self.root)
            return
        self.refresh_menu()
        lines = report.sentences() + notes + [f"Left out {i.where}: {i.problem}" for i in bad]
        messagebox.showinfo(title, "\n".join(lines) or "Nothing to import.", parent=self.root)

    # -- enrolment ----------------------------------------------------------------------

    def show_enrol(self, link: str = "", origin: str = "") -> None:
        """The enrolment dialog, with ``link`` (or an otpauth link on the clipboard).
        ``origin``: where a link that arrived on its own came from (the dialog says so and
        wants a click on Save). A link never changes a dialog that is open: it waits for
        that one to close, then opens its own."""
        from ..ui.enrol import EnrolDialog

        if self.vault is None:  # the link waits for the unlock, not lost
            self.after_unlock = lambda: self.show_enrol(link, origin)
            self.show_password()
            return
        self.touch()
        if self.enrol_window is not None and self.enrol_window.window.winfo_exists():
            if link:
                self._waiting_links.append((link, origin))
                self.notify(
                    "Another account waits to be added",
                    "It opens in its own dialog when you close this one.",
                )
            self.enrol_window.focus()
            return
        if not link:
            link = self._clipboard_link()
        self.enrol_window = EnrolDialog(
            self.root,
            link=link,
            clock=self.clock.now,
            propose=self.propose_targets,
            on_save=self.save_enrolment,
            scan_screen=self.scan_screen,
            paste_image=self.paste_image,
            open_image=self.open_image,
            pick_region=self.pick_region,
            on_close=self._enrol_closed,
            origin=origin,
        )

    def _enrol_closed(self) -> None:
        self.enrol_window = None
        if self._waiting_links and self.vault is not None:
            link, origin = self._waiting_links.pop(0)
            self.post(lambda: self.show_enrol(link, origin))

    def _clipboard_link(self) -> str:
        try:
            text = str(self.root.clipboard_get()).strip()
        except tk.TclError:
            return ""
        return (
            text
            if text.lower().startswith(("otpauth://", "otpauth-migration://", "steam://"))
            else ""
        )

    def propose_targets(self, entry: Entry) -> list[Any]:
        """Where the entry could go: a new record, or records that look like the same site
        (issuer, a website's domain, the account), waiting ones first."""
        from ..matching import domain_of
        from ..ui.enrol import Target

        issuer, account = entry.issuer.casefold(), entry.account.casefold()
        fits = []
        for record in self.records():
            same_issuer = bool(issuer) and record.issuer.casefold() == issuer
            same_site = bool(issuer) and any(
                issuer in domain_of(w).split(".") or domain_of(w) == issuer for w in record.websites
            )
            same_account = bool(account) and record.account.casefold() == account
            if same_issuer or same_site or (same_account and not record.issuer):
                fits.append(record)
        fits.sort(key=lambda r: (r.otp is not None, r.account.casefold() != account))
        now = self.clock.now()
        return [Target(None, "a new record")] + [
            Target(r.id, r.label, r.otp is not None, code(r.otp, now) if r.otp else "")
            for r in fits
        ]

    def save_enrolment(self, pairs: list[tuple[Entry, Any]]) -> str:
        """Store what the dialog confirmed: new records, or OTPs given to existing ones."""
        assert self.vault is not None
        now = self.clock.now()

        def store(records: dict[str, Record]) -> list[str]:
            report = AddReport()
            for entry, target in pairs:  # where the user chose: the one rule (adding.place)
                report.results.append(place(records, entry, now, target=target.record_id or NEW))
            return report.sentences()

        said = self.vault.update(store)
        self.refresh_menu()
        self.notify("traycodes", " ".join(said))
        return " ".join(said)

    def _scan_later(
        self, work: Callable[[], list[str] | str], answer: Callable[[list[str] | str], None]
    ) -> None:
        """Run a QR scan off the Tk thread; its answer comes back on the Tk thread."""

        def run() -> None:
            try:
                result = work()
            except Exception as exc:  # an unreadable image, no screen access...
                result = f"The QR code could not be read ({type(exc).__name__})."
            self.post(lambda: answer(result))

        threading.Thread(target=run, name="qr-scan", daemon=True).start()

    def scan_screen(self, answer: Callable[[list[str] | str], None]) -> None:
        """Every monitor, with our own dialog out of the way for the moment of capture."""
        from ..formats import qr_texts

        dialog = self.enrol_window.window if self.enrol_window is not None else None
        if dialog is not None:
            dialog.withdraw()

        captured: list[Any] = []

        def grab() -> list[str] | str:
            from PIL import ImageGrab

            time.sleep(0.25)  # let the window manager take the dialog away
            picture = (
                ImageGrab.grab(all_screens=True) if sys.platform == "win32" else ImageGrab.grab()
            )
            texts = qr_texts(picture)
            if not texts:
                captured.append(picture)  # handed to the Tk thread with the answer
            return texts or (
                "No QR code was found on the screen: pick the region it is "
                "in, or show it larger and scan again."
            )

        def back(result: list[str] | str) -> None:
            # Kept for "Pick a region…" (and dropped after it), set here on the Tk thread.
            self._screen = captured[0] if captured else None
            if dialog is not None and dialog.winfo_exists():
                dialog.deiconify()
                dialog.lift()
            answer(result)

        self._scan_later(grab, back)

    def pick_region(self, answer: Callable[[list[str] | str], None]) -> None:
        """Drag over the QR code on the frozen screen; that part is read at twice the size."""
        from ..formats import qr_texts
        from ..ui.region import RegionPicker

        picture, self._screen = self._screen, None
        if picture is None:
            answer("Scan the screen first.")
            return

        def picked(box: tuple[int, int, int, int] | None) -> None:
            if box is None:
                answer("No region was picked.")
                return
            part = picture.crop(box)
            part = part.resize((part.width * 2, part.height * 2))
            self._scan_later(lambda: qr_texts(part) or "No QR code in that region.", answer)

        self.region_picker = RegionPicker(self.root, picture, picked)

    def paste_image(self, answer: Callable[[list[str] | str], None]) -> None:
        from ..formats import qr_texts

        def grab() -> list[str] | str:
            from PIL import Image, ImageGrab

            picture = ImageGrab.grabclipboard()
            if not isinstance(picture, Image.Image):
                return "There is no image on the clipboard."
            return qr_texts(picture) or "The image on the clipboard holds no QR code."

        self._scan_later(grab, answer)

    def open_image(self, path: str, answer: Callable[[list[str] | str], None]) -> None:
        from ..formats import qr_texts

        def read() -> list[str] | str:
            from PIL import Image

            with Image.open(path) as picture:
                picture.load()
                return qr_texts(picture) or f"{Path(path).name} holds no QR code."

        self._scan_later(read, answer)

    def toggle_autostart(self) -> None:
        adapter = desktop.autostart()
        try:
            if adapter.enabled():
                adapter.disable()
            else:
                adapter.enable(autostart_command(self.vault_path))
        except TrayCodesError as exc:
            self.notify("Start at login", str(exc))
        self.refresh_menu()

    def show_settings(self) -> None:
        from ..ui.settings_window import SettingsWindow

        if self.settings_window is not None and self.settings_window.window.winfo_exists():
            self.settings_window.window.lift()
            return
        self.settings_window = SettingsWindow(self.root, self.settings, self.save_settings)

    def save_settings(self, values: dict[str, object]) -> list[str]:
        settings = settings_from(values, "settings")
        if settings.problems:
            return list(settings.problems)
        try:
            save_settings(settings, config_path())
        except TrayCodesError as exc:
            return [str(exc)]
        self.apply_settings(settings)
        return []

    def apply_settings(self, settings: Settings) -> None:
        hotkeys_changed = (settings.hotkey_type, settings.hotkey_pick) != (
            self.settings.hotkey_type,
            self.settings.hotkey_pick,
        )
        self.settings = settings
        if hotkeys_changed:
            self._start_hotkeys()
        self.clock.offset = settings.clock_offset
        if self.vault is not None:
            self.vault.keep_backups = settings.backups
        self.touch()
        self.refresh_menu()

    # -- IPC (called on the IPC thread) ---------------------------------------------------

    def _ipc(self, request: dict[str, Any]) -> dict[str, Any]:
        command = request["command"]
        if command == "ping":
            return {"ok": True}
        actions: dict[str, Callable[[], Any]] = {
            "show": self.show_quickpick,
            "pick": self.show_quickpick,
            "type": self.type_request,
            "lock": self.lock,
            "quit": self.quit,
            "state": self.state,
            "settings": self.show_settings,
            "import": lambda: self.root.after(10, self.import_file),
            "enrol": lambda: self.show_enrol(
                str(request.get("link") or ""),
                EXTERNAL_ORIGIN if request.get("link") else "",
            ),
            "reload-settings": lambda: self.apply_settings(load_settings()),
        }
        action = actions.get(command)
        if action is None:
            return {"ok": False, "error": f"unknown command {command!r}"}
        try:
            result = self.call(action)
        except Exception as exc:
            return {"ok": False, "error": type(exc).__name__}
        return {"ok": True, **(result if isinstance(result, dict) else {})}

    def state(self) -> dict[str, Any]:
        """What the app shows, for diagnostics and tests, over IPC. Never a secret, and no
        code either (each shown as dots), unless this app was started with
        ``TRAYCODES_DIAGNOSTICS=codes`` in its own environment (the test suite does)."""
        chooser = self.quick is not None and self.quick.window.title() == "traycodes: choose"
        enrol = self.enrol_window.snapshot() if self.enrol_window is not None else None
        menu = self.menu_texts()
        if not self._diagnostic_codes:
            menu = [mask_code(line) for line in menu]
            if enrol is not None:
                enrol["preview"] = mask_code(str(enrol["preview"]))
        return {
            "locked": self.vault is None,
            "backend": self.backend.name,
            "menus": self.backend.has_menu,
            "records": len(self.vault.records) if self.vault is not None else 0,
            "menu": menu,
            "quickpick": self.quick is not None and self.quick.window.title() == "traycodes",
            "chooser": chooser,
            "chooser_heading": self.quick.heading if chooser and self.quick is not None else "",
            "enrol": enrol,
            "password_window": self.password_window is not None
            and bool(self.password_window.window.winfo_exists()),
        }


def autostart_command(vault_path: Path) -> list[str]:
    """What the login entry runs: this traycodes, and the vault unless it is the usual one
    (TRAYCODES_VAULT may not be set in the login session)."""
    from ..settings import platform_vault_path

    command = desktop.launch_command()
    if vault_path != platform_vault_path():
        command += ["--vault", str(vault_path)]
    return command


def run(vault_path: Path) -> int:
    """``traycodes`` with no command: start the app, or show the one already running.
    (``traycodes enrol`` starts it this way too, then hands it the link over IPC.)"""
    unsupported = desktop.app_unsupported()
    if unsupported is not None:
        raise TrayCodesError(unsupported)
    try:
        reply = ipc.request("show", timeout=5)
    except (ipc.NotRunning, OSError, ValueError):
        pass
    else:
        if reply.get("ok"):
            return 0
    if desktop.display_server() == "none":
        raise TrayCodesError(
            "no graphical session (DISPLAY is not set): the tray app needs "
            "one; the command line works without"
        )
    settings = load_settings()
    for problem in settings.problems:
        log.warning("%s", problem)
    store, why = system_store()
    if store is None:
        log.info("%s", why)
    backend, problems = load_backend()
    for problem in problems:
        log.info("tray backend not used: %s", problem)
    app = App(vault_path, keystore=store, backend=backend, settings=settings)
    try:
        app.start()
    except ipc.AlreadyRunning:  # another one started meanwhile: let it show itself
        with contextlib.suppress(tk.TclError):
            app.root.destroy()
        ipc.request("show")
        return 0
    except BaseException:
        app.shutdown()
        raise
    app.run()
    return 0
