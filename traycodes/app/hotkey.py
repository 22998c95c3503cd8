"""Global hotkeys, and putting the right code into the window in front.

The hotkeys (the platform's global_shortcuts) only hand the request on (they must never block). A
worker thread does the rest, in order: read the window in front (a browser with our
extension: press the extension's shortcut there, and it fills by the page's address),
find its record (one clear winner, else the chooser), wait until the hotkey's modifiers
are released, check
the same window is still in front, wait for the next code if this one is about to expire,
advance and save an HOTP counter, then type (or copy, or both) and say so.
The vault is only touched on the Tk thread, through ``app.call``.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ..errors import TrayCodesError, describe
from ..i18n import N_, _
from ..matching import Candidate, is_browser, plan_hotkey, remembered_pattern
from ..model import OtpType, Record, Window
from ..otp import code, remaining
from ..settings import Settings

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:
    from ..desktop import GlobalShortcuts, Keyboard, Labels, Platform, WindowReader
    from ..keys import Hotkey

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> float: ...


class TypistLoop(Protocol):
    """The app's loop: the vault's records and its changes are touched on its thread."""

    def call(self, action: Callable[[], T], timeout: float = 10.0) -> T: ...

    def post(self, action: Callable[[], None]) -> None: ...


class TypistSession(Protocol):
    """The open vault (app/session.py's Session)."""

    @property
    def vault(self) -> Any: ...  # None while locked

    def records(self) -> list[Record]: ...

    def record(self, record_id: str) -> Record | None: ...


class TypistActions(Protocol):
    """What is done with a code (app/actions.py's CodeActions)."""

    def remember_window(self, record_id: str, pattern: str) -> None: ...

    def copy_code(self, record: Record, shown: str, *, notify: bool = True) -> None: ...

    def mark_used(self, record_id: str) -> None: ...

    def advance_hotp(self, record_id: str) -> str: ...


class TypistHost(Protocol):
    """What the typist needs of the app (the App in main.py; a fake in tests): its parts
    (the loop, the session, the code actions), the settings and the clock, and the windows
    it may open."""

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def loop(self) -> TypistLoop: ...

    @property
    def session(self) -> TypistSession: ...

    @property
    def actions(self) -> TypistActions: ...

    def notify(self, title: str, body: str) -> None: ...

    def show_password(self) -> None: ...

    def show_chooser(
        self,
        window: Window | None,
        candidates: list[Candidate],
        *,
        note: str = "",
        verified: bool = False,
    ) -> None: ...


log = logging.getLogger(__name__)

MODIFIER_WAIT = 3.0  # seconds to wait for the hotkey's keys to be let go
OWN_APPS = ("traycodes",)
CHANGED = N_("The window changed before the code for {account} was typed.")


class Typist:
    """The worker that acts on hotkey requests, one at a time."""

    def __init__(self, app: TypistHost, desktop: WindowReader, keyboard: Keyboard | None) -> None:
        self.app = app
        self.desktop = desktop  # X11Desktop, SwayDesktop... (the platform's window_reader)
        # How codes are typed (the platform's keyboard: XTEST, SendInput, Quartz events, a
        # Wayland keyboard), or None where nothing can type: codes are copied.
        self.keyboard = keyboard
        self._requests: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="typist", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._requests.put(None)
        self._thread.join(3)

    def request(self, job: Callable[[], None]) -> None:
        """Queue ``job`` (safe from any thread; never blocks)."""
        self._requests.put(job)

    def _run(self) -> None:
        while (job := self._requests.get()) is not None:
            try:
                job()
            except TrayCodesError as exc:
                self.app.notify("traycodes", str(exc))
            except Exception:
                log.exception("a hotkey action failed")

    # -- the hotkey ----------------------------------------------------------------------

    def for_window_in_front(self) -> None:
        """The type hotkey: find the record for the window in front and deliver its code."""
        window = self.desktop.active_window()
        if window is None:
            self.app.notify("traycodes", _("No window is in front to type into."))
            return
        if window.pid == os.getpid() or window.app in OWN_APPS:
            return  # never into our own windows
        if is_browser(window) and self.keyboard is not None and self._hand_to_extension(window):
            return
        state = self.app.loop.call(lambda: self.app.session.vault is not None)
        if not state:
            self.app.loop.post(self.app.show_password)
            self.app.notify(_("traycodes is locked"), _("Unlock it, then press the hotkey again."))
            return
        plan = self.app.loop.call(lambda: plan_hotkey(self.app.session.records(), window))
        if plan.record is None:
            self.app.loop.post(
                lambda: self.app.show_chooser(
                    window, plan.candidates, note=plan.note, verified=plan.verified
                )
            )
            return
        self.deliver(plan.record.id, window, chosen=False, verified=plan.verified)

    def deliver(
        self,
        record_id: str,
        window: Window | None,
        *,
        chosen: bool,
        remember: bool = False,
        verified: bool = False,
    ) -> None:
        """Put the record's code into ``window`` (None: copy only, e.g. on Wayland).
        ``verified``: the window is known to be the record's site or app; only then is
        Enter pressed after the code (``press_enter``)."""
        record = self.app.loop.call(lambda: self.app.session.record(record_id))
        if record is None or record.otp is None:
            return
        if remember and window is not None:
            self.app.loop.call(
                lambda: self.app.actions.remember_window(record_id, remembered_pattern(window))
            )
        action = record.hotkey_action or self.app.settings.hotkey_action
        if window is None or self.keyboard is None:
            action = "copy"
        if (
            action != "copy"
            and window is not None
            and not self._ready_to_type(window, chosen=chosen, label=record.label)
        ):
            return
        prepare = getattr(self.keyboard, "prepare", None)  # the RemoteDesktop portal's
        if action != "copy" and window is not None and callable(prepare):
            # The portal's consent dialog (the first time) comes before the code is made
            # and before the window is checked again: it may take the focus meanwhile.
            prepare()
        shown = self._fresh_code(record)
        if action != "copy" and window is not None:
            # Just before typing: the same window, showing the same page (a title that
            # changed meanwhile is another page, maybe another site).
            active = self.desktop.active_window()
            if active is None or active.id != window.id or active.title != window.title:
                self._focus_changed(record, window)
                return
            self._type(shown, enter=verified and self.app.settings.press_enter)
        if action in ("copy", "both"):  # after typing: the clipboard is not raced
            self.app.loop.call(lambda: self.app.actions.copy_code(record, shown, notify=False))
        self.app.loop.call(lambda: self.app.actions.mark_used(record_id))
        if window is not None and action != "copy":
            said = {
                "type": _("Typed the code for {account} into “{window}”"),
                "both": _("Typed and copied the code for {account} into “{window}”"),
            }[action]
        else:
            said = {
                "type": _("Typed the code for {account}"),
                "copy": _("Copied the code for {account}"),
                "both": _("Typed and copied the code for {account}"),
            }[action]
        title = window.title if window is not None else ""
        self.app.notify(said.format(account=record.label, window=title), "")

    def _hand_to_extension(self, window: Window) -> bool:
        """A browser with our extension in front: press the extension's shortcut there, and
        the extension fills the page by its verified address (a page's title decides
        nothing). False when that browser has not said hello (browser/seen.py)."""
        from ..browser.seen import keys, shortcut_for

        shortcut = shortcut_for(window.app)
        if shortcut is None:
            return False
        if not self._ready_to_type(window, chosen=False, label=_("this page")):
            return True  # said why; typing the title's guess instead would defeat the point
        try:
            combination = keys(shortcut)
        except ValueError:  # noted only when it looked like one (browser/seen.py)
            raise TrayCodesError(
                _("traycodes cannot press {shortcut}: not a shortcut").format(
                    shortcut=repr(shortcut)
                )
            ) from None
        self._press(combination)
        return True

    def _press(self, combination: Hotkey) -> None:
        """Press a key combination (Alt+Shift+O) and let it go."""
        if self.keyboard is None:
            raise TrayCodesError(_("traycodes cannot press keys on this desktop"))
        self.keyboard.press(combination)

    def _ready_to_type(self, window: Window, *, chosen: bool, label: str) -> bool:
        deadline = time.monotonic() + MODIFIER_WAIT
        if self.desktop.modifiers_down():
            log.debug("waiting for the hotkey's keys to be let go")
        while self.desktop.modifiers_down():
            if time.monotonic() > deadline:
                self.app.notify(_("Nothing typed"), _("The hotkey's keys were still held."))
                return False
            time.sleep(0.02)
        if chosen and not self.desktop.activate(window.id):
            self.app.notify(
                _("Nothing typed"),
                _("“{window}” could not be brought back.").format(window=window.title),
            )
            return False
        active = self.desktop.active_window()
        if active is None or active.id != window.id:
            self.app.notify(_("Nothing typed"), _(CHANGED).format(account=label))
            return False
        return True

    def _focus_changed(self, record: Record, window: Window) -> None:
        self.app.notify(_("Nothing typed"), _(CHANGED).format(account=record.label))

    def _fresh_code(self, record: Record) -> str:
        """The code at the moment of typing; a nearly expired one is waited out. HOTP: the
        counter is advanced and saved first."""
        otp = record.otp
        assert otp is not None
        if otp.type is OtpType.HOTP:
            return str(self.app.loop.call(lambda: self.app.actions.advance_hotp(record.id)))
        now = self.app.clock.now()
        left = remaining(otp, now)
        if left < self.app.settings.min_seconds_left:
            time.sleep(left + 0.05)
            now = self.app.clock.now()
        return code(otp, now)

    def _type(self, text: str, *, enter: bool) -> None:
        if self.keyboard is None:  # the callers copy instead
            raise TrayCodesError(_("traycodes cannot type on this desktop"))
        self.keyboard.type(text, enter=enter)


def start_input(
    bindings: dict[str, Callable[[], None]],
    labels: Labels | None = None,
    platform: Platform | None = None,
) -> tuple[WindowReader | None, GlobalShortcuts | None, list[str]]:
    """The window reader and the global shortcuts of ``desktop.platform()``: ``(reader,
    shortcuts, problems)``; ``labels``: each hotkey's id and description, where the desktop
    asks the user (the GlobalShortcuts portal). X11, Windows, macOS: hotkeys that take their
    keys; Wayland: the portal where the desktop has it. Started whether or not the window
    in front can be read (the type hotkey then opens the chooser). Where the platform has
    none, the compositor's own binding runs ``traycodes type`` (``traycodes hotkeys``)."""
    from .. import desktop

    platform = platform if platform is not None else desktop.platform()
    reader = None
    make_reader = desktop.present(platform.window_reader)
    if make_reader is not None:
        try:
            reader = make_reader()
        except Exception as exc:  # no usable X connection, no compositor socket
            log.info("the window in front cannot be read: %s", describe(exc))
    make = desktop.present(platform.global_shortcuts)
    if make is None:
        return reader, None, []
    shortcuts = make(bindings, labels)
    return reader, shortcuts, shortcuts.start()
