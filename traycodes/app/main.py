"""The running tray app, put together from its parts (docs/architecture.md lists them:
loop, session, menu model, tray, code actions, accounts, window host, hotkey, IPC).
:class:`App` wires them and is each part's host (it implements the small Protocols they
ask for, and hands its loop, session and code actions to those that use them: no
forwards). With the windows in this process (Linux, Windows), Tk's loop is the app's loop
on the main thread and the icon runs in a thread. With the windows in a child process, a
plain queue loop runs the app; on macOS pystray's NSApplication loop owns the main thread
and the app's loop runs beside it.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from .. import desktop
from ..errors import TrayCodesError, quietly
from ..i18n import _
from ..keystore import KeyStore
from ..matching import Candidate
from ..model import Window
from ..resources import icon_file
from ..settings import Settings
from . import clockwarn, ipc, welcome
from .accounts import Accounts
from .actions import CodeActions
from .commands import Commands
from .controller import AppController
from .host import NoWindows, WindowHost
from .loop import Clock, QueueLoop, TkLoop, quit_signals
from .menu import menu_model, next_refresh, popup_items
from .menu import texts as menu_texts
from .session import Session, Watcher
from .tray import Backend, Tray, pystray_menu, tray_image

log = logging.getLogger(__name__)


class App:
    """The parts, and the host each of them talks to. Every method runs on the loop's
    thread unless it says otherwise."""

    def __init__(
        self,
        vault_path: Path,
        *,
        keystore: Callable[[], KeyStore | None],
        backend: Backend,
        settings: Settings,
        child_ui: bool = False,
        tray: Tray | None = None,
    ) -> None:
        """``tray``: an icon already shown (``early_tray``), which gets the app's menu."""
        self.vault_path = vault_path
        self.backend = backend
        self.settings = settings
        self.clock = Clock(settings.clock_offset)
        self.child_ui = child_ui
        self.platform = desktop.platform()  # the OS's parts, chosen once
        self.loop: TkLoop | QueueLoop = QueueLoop() if child_ui else TkLoop()
        self.session = Session(
            vault_path, keystore=None, settings=settings, loop=self.loop, host=self
        )
        self._keystore = keystore  # found after the icon is up (importing keyring is slow)
        self.actions = CodeActions(
            self.session,
            loop=self.loop,
            clock=self.clock,
            clipboard=lambda: self.windows.clipboard,
            notify=self.notify,
        )
        self.accounts = Accounts(self.session, self.clock)
        self.windows: WindowHost = NoWindows()  # until the loop starts
        self.controller = AppController(self)  # what the windows ask of the app
        self._menu_entries: tuple[Any, ...] = ()
        if tray is None:
            tray = Tray(backend, tray_image(locked=True), _("traycodes (locked)"), self._menu())
        else:
            tray.set_menu(self._menu())
        self.tray = tray
        self.tray.on_secondary_click(lambda x, y: self.loop.post(lambda: self.show_tray_menu(x, y)))
        self.commands = Commands(self)
        self.ipc = ipc.Server(self.commands.handle, desktop.required(self.platform.ipc_transport)())
        self.notifier: Any = None
        self.lock_watcher: Any = None
        self.desktop: Any = None  # X11Desktop where there is X11
        self.typist: Any = None
        self.hotkeys: Any = None
        self.hotkey_problems: list[str] = []  # for doctor (state)
        self.after_unlock: Callable[[], None] | None = None  # e.g. a link to enrol
        self.creating = False  # the password window is making the vault: welcome after
        self._resources = contextlib.ExitStack()  # files that must exist while we run

    # -- start and stop -------------------------------------------------------------------

    def start(self) -> None:
        """Claim the IPC socket, show the icon, then the rest; unlock (keyring, else a
        window)."""
        self.ipc.start()  # AlreadyRunning propagates to the caller
        for sig in quit_signals():
            signal.signal(sig, lambda *_: self.loop.post(self.quit))
        # Tk's root is made when a window first needs it; but before pystray's xorg
        # backend docks, which grabs the X server and needs the GIL to let go, while making
        # a Tk root holds the GIL and waits for the X server: a deadlock.
        self.windows = self._start_windows()
        if self.backend.name == "xorg" and isinstance(self.loop, TkLoop):
            self.loop.root_window()
        if not (self.child_ui and self._tray_owns_main_thread()):
            self.tray.start()  # macOS: the icon's loop takes the main thread in run()
        self.session.keystore = self._keystore()
        icon = self._resources.enter_context(icon_file("app", 64))
        notifier = desktop.present(self.platform.notifier)  # else the tray's notifications
        self.notifier = notifier(str(icon)) if notifier is not None else None
        lock_watcher = desktop.present(self.platform.lock_watcher)
        if lock_watcher is not None:
            self.lock_watcher = lock_watcher(
                lambda why: self.loop.post(lambda: self.session.lock(why))
            )
            self.lock_watcher.start()
        self._start_hotkeys()
        self.loop.post(self.session.open_with_keyring)
        clockwarn.warn_once(self.settings.clock_offset, self.notify)

    def _start_windows(self) -> WindowHost:
        if self.child_ui:
            from .uiproc import ChildWindows

            return ChildWindows(self.controller, self.loop.post)
        from .windows import TkWindows

        assert isinstance(self.loop, TkLoop)
        return TkWindows(self.loop.root_window, self.controller, self.loop.post)

    def _start_hotkeys(self) -> None:
        """Global hotkeys where they can be heard (hotkey.start_input); the type hotkey's
        worker where the window in front can be read."""
        from .hotkey import Typist, start_input

        if self.hotkeys is not None:
            self.hotkeys.stop()
        type_key, pick_key = self.settings.hotkey_type, self.settings.hotkey_pick
        bindings = {type_key: lambda: self.loop.post(self.type_request)}
        bindings[pick_key] = lambda: self.loop.post(self.show_quickpick)
        labels = {
            type_key: ("type", _("Type the code for the window in front")),
            pick_key: ("pick", _("Show traycodes")),
        }
        reader, self.hotkeys, problems = start_input(bindings, labels, self.platform)
        self.hotkey_problems = problems
        if self.desktop is None:
            self.desktop = reader
        elif reader is not None:
            reader.close()
        if self.desktop is not None and self.typist is None:
            keyboard = desktop.present(self.platform.keyboard)  # else codes are copied
            self.typist = Typist(self, self.desktop, keyboard() if keyboard else None)
            self.typist.start()
        for problem in problems:
            log.warning("%s", problem)
            self.notify(_("traycodes hotkeys"), problem)

    def run(self) -> None:
        try:
            if self.child_ui and self._tray_owns_main_thread():  # pragma: no cover - macOS
                loop = threading.Thread(target=self._run_loop, name="app", daemon=True)
                loop.start()
                self.tray.run_here()  # returns when the icon stops (quit stops it)
            else:
                self.loop.run()
        finally:
            self.shutdown()

    def _tray_owns_main_thread(self) -> bool:
        return desktop.required(self.platform.tray).owns_main_thread

    def _run_loop(self) -> None:  # pragma: no cover - macOS
        try:
            self.loop.run()
        finally:
            self.tray.stop()

    def quit(self) -> None:
        if self.loop.quitting:
            return
        self.actions.clear_clipboard()
        self.loop.quit()

    def shutdown(self) -> None:
        """Leave nothing behind: socket, clipboard, icon, windows, threads, secrets. Each
        part is stopped even when another fails to (that one is logged)."""
        steps: list[Callable[[], object]] = [self.actions.clear_clipboard, self.ipc.stop]
        steps += [part.stop for part in (self.hotkeys, self.typist, self.lock_watcher) if part]
        steps += [part.close for part in (self.desktop, self.notifier) if part is not None]
        steps += [
            self.session.close,
            self.windows.close,
            self._resources.close,
            self.tray.stop,
            self.loop.close,
        ]
        for step in steps:
            try:
                step()
            except Exception:
                log.exception("could not stop a part of the app cleanly")

    # -- the session's host ---------------------------------------------------------------

    def ask_password(self, *, create: bool) -> None:
        self.windows.show_password(create=create, vault=str(self.vault_path))

    def remind_password(self, days: int) -> None:
        self.windows.show_password(create=False, vault=str(self.vault_path), reminder=max(1, days))

    def password_result(self, problem: str | None) -> None:
        self.windows.password_result(problem)

    def cannot_open(self, message: str) -> None:
        """A vault we cannot use: say so, stay locked (the file is left as it is)."""
        self.notify(_("traycodes cannot open the vault"), message)
        self.windows.show_error(message)

    def unlocked(self) -> None:
        if self.after_unlock is not None:
            self.loop.post(self.after_unlock)
            self.after_unlock = None
        self.tray.set_image(tray_image(locked=False), "traycodes")
        self.refresh_menu()
        if self.creating:
            self.creating = False
            welcome.show_once(self.windows, self.settings)

    def locked(self) -> None:
        self.actions.clear_clipboard()
        self.windows.close_secret_windows()
        self.after_unlock = None  # a link that waited for the unlock is not kept either
        self.controller.chooser_pick = None
        self.loop.cancel("refresh")
        self.tray.set_image(tray_image(locked=True), _("traycodes (locked)"))
        self.refresh_menu()

    def changed(self) -> None:
        self.refresh_menu()
        self.windows.records_changed()

    def watch_folder(self, folder: Path, changed: Callable[[set[str]], None]) -> Watcher | None:
        """Hears ``folder``'s files change (started); None where nothing can (the app then
        looks at each refresh)."""
        make = desktop.present(self.platform.folder_watcher)
        watcher = make(folder, changed) if make is not None else None
        return watcher if watcher is not None and watcher.start() else None

    def show_password(self) -> None:
        # A request that came over IPC before the start-up unlock ran (``traycodes enrol
        # LINK`` starting the app) waits for it: the keyring opens the vault, or the
        # session asks for the password itself. Opening the window now left it on screen
        # over a vault the keyring had unlocked.
        if not self.session.keyring_tried:
            return
        self.ask_password(create=False)

    # -- the menu -------------------------------------------------------------------------

    def _menu(self) -> Any:
        """The menu model (app/menu.py) as the tray's items; callbacks hand over to the
        loop (they run on the tray's thread)."""
        vault = self.session.vault
        self._menu_entries = self._menu_model()
        autostart = self._autostart() if vault is not None else None
        return pystray_menu(
            self._menu_entries,
            {name: partial(self.loop.post, action) for name, action in self.menu_actions().items()},
            lambda record_id: self.loop.post(lambda: self.copy(record_id)),
            autostart.enabled if autostart is not None else None,
            self.clock.now,
        )

    def menu_actions(self) -> dict[str, Callable[[], None]]:
        """The menu model's actions (app/menu.py ``Entry.action``), run on the loop."""
        return {
            "unlock": self.show_password,
            "search": self.show_quickpick,
            "add": self.show_enrol,
            "import": self.import_file,
            "lock": lambda: self.session.lock("Lock chosen in the menu"),
            "autostart": self.toggle_autostart,
            "settings": self.show_settings,
            "quit": self.quit,
        }

    def show_tray_menu(self, x: int, y: int) -> None:
        """The plain X11 icon's own menu (a right-click; pystray's xorg backend has none):
        the same menu model, drawn by the windows as a popup at the pointer."""
        toggled = self._autostart().enabled() if self.session.vault is not None else None
        self.windows.show_menu(popup_items(self._menu_model(soon=True), toggled), x, y)

    def _menu_model(self, soon: bool = False) -> tuple[Any, ...]:
        vault, settings = self.session.vault, self.settings
        records = vault.records if vault is not None else None
        now, size, hide = self.clock.now(), settings.menu_size, settings.hide_codes
        steps = welcome.steps(settings)
        return menu_model(records, now, size, steps, hide_codes=hide, soon=soon)

    def refresh_menu(self) -> None:
        """Rebuild the menu now, and again at the next period boundary while it shows codes."""
        if self.session.changed_on_disk():
            self.session.reload()  # nothing watches the folder here: look at each refresh
            return  # reload shows the result (changed -> refresh_menu)
        self.tray.set_menu(self._menu())
        self.loop.cancel("refresh")
        vault = self.session.vault
        if vault is None or not self.backend.has_menu:
            return
        wait = next_refresh(vault.records, self.clock.now(), self.settings.menu_size)
        if wait is not None:
            self.loop.after("refresh", wait + 0.05, self.refresh_menu)

    def app_state(self) -> dict[str, Any]:
        vault = self.session.vault
        return {
            "locked": vault is None,
            "backend": self.backend.name,
            "menus": self.backend.has_menu,
            "ui": "child" if self.child_ui else "process",
            "records": len(vault.records) if vault is not None else 0,
            "menu": menu_texts(self._menu_entries),
            "menu_shown": list(getattr(self.tray.icon, "shown", [])),  # as the backend has it
            "menu_relabels": getattr(self.tray.icon, "relabels", 0),
            "hotkey_problems": list(self.hotkey_problems),
            # which of them another hotkey in Settings mends (their words are translated)
            "hotkey_problems_in_settings": [
                isinstance(problem, desktop.SettingsProblem) for problem in self.hotkey_problems
            ],
        }

    def window_state(self) -> dict[str, Any]:
        """(IPC thread) what the windows show."""
        if self.child_ui:
            return self.windows.snapshot()  # the child answers on its own thread
        return self.loop.call(self.windows.snapshot)

    # -- code actions (also the typist's host) ------------------------------------------

    def copy(self, record_id: str) -> None:
        if not self.actions.copy(record_id):
            self.show_password()
            return
        self.refresh_menu()

    def notify(self, title: str, body: str) -> None:
        if self.notifier is not None:
            notifier = self.notifier
            threading.Thread(target=notifier.notify, args=(title, body), daemon=True).start()
        elif self.backend.has_notification:
            with quietly(log, "a notification through the tray icon"):
                self.tray.icon.notify(body, title)

    def type_request(self) -> None:
        """``traycodes type``: the hotkey's action, from a desktop shortcut or a script.
        Where windows cannot be read (Wayland), choose an account and its code is copied."""
        if self.typist is not None:
            self.typist.request(self.typist.for_window_in_front)
        else:
            missing = self.platform.window_reader
            why = missing.reason if isinstance(missing, desktop.Missing) else ""
            self.show_chooser(None, [], note=why)

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
        if self.session.vault is None:
            self.show_password()
            return
        typist = self.typist

        def picked(record_id: str, remember: bool) -> None:
            if typist is None or window is None:
                self.copy(record_id)
                return
            typist.request(
                lambda: typist.deliver(
                    record_id, window, chosen=True, remember=remember, verified=verified
                )
            )

        self.controller.chooser_pick = picked
        heading = (
            _("Code for “{window}”").format(window=window.title)
            if window is not None
            else _("Choose an account: its code is copied")
        )
        if note:
            heading += "\n\n" + note
        self.windows.show_chooser(
            heading,
            [c.record.id for c in candidates],
            offer_remember=window is not None and verified,  # a title proves nothing in a browser
        )

    # -- the windows' controller ----------------------------------------------------------

    # -- windows the app opens ------------------------------------------------------------

    def show_quickpick(self) -> None:
        """The quick-pick window (the unlock window while locked)."""
        if self.session.vault is None:
            self.show_password()
            return
        self.session.touch()
        self.windows.show_quickpick()

    def show_enrol(self, link: str = "", origin: str = "") -> None:
        """The enrolment dialog, with ``link`` (or an otpauth link on the clipboard).
        ``origin``: where a link that arrived on its own came from (the dialog says so and
        wants a click on Save)."""
        if self.session.vault is None:  # the link waits for the unlock, not lost
            self.after_unlock = lambda: self.show_enrol(link, origin)
            self.show_password()
            return
        self.session.touch()
        self.windows.show_enrol(link, origin)

    def import_file(self) -> None:
        """The menu's Import… (its file chooser waits for the user: not inside a call)."""
        if self.session.vault is None:
            self.show_password()
            return
        self.session.touch()
        self.loop.after("import", 0.01, self.windows.show_import)

    def show_settings(self) -> None:
        self.windows.show_settings(self.settings)

    def _autostart(self) -> desktop.Autostart:
        return desktop.required(self.platform.autostart)()

    def toggle_autostart(self) -> None:
        adapter = self._autostart()
        try:
            if adapter.enabled():
                adapter.disable()
            else:
                from .launch import autostart_command

                adapter.enable(autostart_command(self.vault_path))
        except TrayCodesError as exc:
            self.notify(_("Start at login"), str(exc))
        self.refresh_menu()

    def apply_settings(self, settings: Settings) -> None:
        hotkeys_changed = (settings.hotkey_type, settings.hotkey_pick) != (
            self.settings.hotkey_type,
            self.settings.hotkey_pick,
        )
        self.settings = settings
        if hotkeys_changed:
            self._start_hotkeys()
        self.clock.offset = settings.clock_offset
        self.session.apply(settings)
        self.refresh_menu()
