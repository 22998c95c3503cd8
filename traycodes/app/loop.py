"""The app's one thread of control: other threads hand it work, it runs timers.

Every part of the app (session, actions, menu, windows) runs on the loop's thread; the
tray's callbacks, the IPC server, the hotkey worker and the screen-lock watcher only
:meth:`~Loop.post` to it. Two loops:

- :class:`TkLoop`: when the windows live in this process (Linux, Windows): a queue loop
  until the first window needs Tk, then Tk's own loop. On Unix a self-pipe wakes Tk (and
  carries signals), so an idle app sleeps; Windows has no Tk file handlers (nor
  non-blocking pipes before Python 3.12), so a short timer looks at the queue there.
- :class:`QueueLoop`: a plain queue with timers, when the windows live in a child process
  (macOS, where pystray's loop needs the main thread; ``TRAYCODES_UI_PROCESS=child``).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import queue
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from .. import desktop

TYPE_CHECKING = False
if TYPE_CHECKING:
    import tkinter as tk

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_MS = 50  # Windows only: how often the Tk loop looks at the queue


class Clock:
    """The app's one clock: the system time plus the ``clock_offset`` setting."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def now(self) -> float:
        return time.time() + self.offset


class Loop(Protocol):
    def post(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the loop's thread soon. Safe from any thread; never blocks."""
        ...

    def call(self, action: Callable[[], T], timeout: float = 10.0) -> T:
        """Run ``action`` on the loop's thread and wait for its result (other threads)."""
        ...

    def after(self, name: str, seconds: float, action: Callable[[], None]) -> None:
        """One named timer: setting it again replaces the pending one."""
        ...

    def cancel(self, name: str) -> None: ...


def quit_signals() -> list[signal.Signals]:
    """The signals that end the app cleanly (Windows has no SIGHUP)."""
    names = ("SIGTERM", "SIGINT", "SIGHUP")
    return [signal.Signals[name] for name in names if hasattr(signal, name)]


class _Queue:
    """What both loops share: the queue of posted work and ``call``."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.quitting = False

    def post(self, action: Callable[[], None]) -> None:
        self._queue.put(action)
        self._wake()

    def _wake(self) -> None:
        pass

    def call(self, action: Callable[[], T], timeout: float = 10.0) -> T:
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(action())
            except BaseException as exc:
                future.set_exception(exc)

        self.post(run)
        return future.result(timeout)

    def _run_one(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:
            log.exception("an action of the app failed")

    def drain(self) -> None:
        while True:
            try:
                action = self._queue.get_nowait()
            except queue.Empty:
                return
            self._run_one(action)


def _window_failed(kind: type[BaseException], error: BaseException, trace: object) -> None:
    """A bug in a window's callback: one line, the traceback only with TRAYCODES_LOG=debug
    (Tk would print it to the terminal)."""
    log.error("a window failed: %s", type(error).__name__)
    log.debug("the window's error", exc_info=(kind, error, trace))  # type: ignore[arg-type]


class QueueLoop(_Queue):
    """A loop without Tk: posted work and timers, sleeping until the next of either."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._heap: list[tuple[float, int, str]] = []
        self._timers: dict[str, tuple[int, Callable[[], None]]] = {}
        self._order = itertools.count()

    def after(self, name: str, seconds: float, action: Callable[[], None]) -> None:
        number = next(self._order)
        self._timers[name] = (number, action)
        heapq.heappush(self._heap, (self._clock() + seconds, number, name))
        self._wake_up()

    def _wake_up(self) -> None:
        self._queue.put(lambda: None)  # the loop looks at its timers again

    def cancel(self, name: str) -> None:
        self._timers.pop(name, None)

    def _due(self) -> float | None:
        """Run the timers that are due; seconds until the next one (None: no timer)."""
        while self._heap:
            when, number, name = self._heap[0]
            timer = self._timers.get(name)
            if timer is None or timer[0] != number:  # cancelled or replaced
                heapq.heappop(self._heap)
                continue
            wait = when - self._clock()
            if wait > 0:
                return wait
            heapq.heappop(self._heap)
            del self._timers[name]
            self._run_one(timer[1])
        return None

    def _keeps_queue(self) -> bool:
        return True

    def run(self) -> None:
        while self._keeps_queue():
            wait = self._due()
            if self.quitting:
                break
            try:
                action = self._queue.get(timeout=wait)
            except queue.Empty:
                continue
            self._run_one(action)

    def quit(self) -> None:
        self.quitting = True
        self._wake_up()

    def close(self) -> None:
        self._timers.clear()
        self._heap.clear()


def posix(thing: object) -> Any:
    """``thing`` for calls that only POSIX systems have (desktop.tk_watches_files says
    when): the type stubs for Windows leave them out."""
    return thing


class TkLoop(QueueLoop):
    """A plain queue loop until a window (or the X11 clipboard) first needs Tk; then Tk's
    loop on this same thread, with the timers and the queue carried over. An app that
    never shows a window never loads Tk (7 MiB and ~50 ms that the tray icon waits for)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)
        self.root: tk.Tk | None = None
        self._tk_timers: dict[str, str] = {}
        self._watch_wake = desktop.tk_watches_files()
        if not self._watch_wake:  # pragma: no cover - Windows: the queue is polled
            self._wake_r = self._wake_w = -1
        else:
            self._wake_r, self._wake_w = os.pipe()
            posix(os).set_blocking(self._wake_w, False)

    def root_window(self) -> tk.Tk:
        """The Tk root (withdrawn), made on first use; call on the loop's thread."""
        if self.root is not None:
            return self.root
        import tkinter as tk

        from ..ui.theme import editing_keys

        root = tk.Tk(className="traycodes")
        root.withdraw()
        root.report_callback_exception = _window_failed
        editing_keys(root)
        self.root = root
        if not self._watch_wake:  # pragma: no cover - Windows
            self._poll()
        else:
            posix(root).createfilehandler(self._wake_r, tk.READABLE, self._on_wake)
            signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        now = self._clock()
        pending = [(when, name) for when, number, name in self._heap
                   if self._timers.get(name, (None,))[0] == number]  # fmt: skip
        for when, name in sorted(pending):
            self.after(name, max(0.0, when - now), self._timers[name][1])
        self._heap.clear()
        self._timers.clear()
        self._wake()  # what is queued runs as soon as Tk's loop does
        return root

    def _keeps_queue(self) -> bool:
        return self.root is None

    def _wake(self) -> None:
        if self.root is not None and self._wake_w >= 0:
            with contextlib.suppress(BlockingIOError, OSError):
                os.write(self._wake_w, b"!")

    def _on_wake(self, *_: object) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.read(self._wake_r, 4096)
        self.drain()

    def _poll(self) -> None:  # pragma: no cover - Windows
        self.drain()
        if not self.quitting and self.root is not None:
            self.root.after(POLL_MS, self._poll)

    def after(self, name: str, seconds: float, action: Callable[[], None]) -> None:
        if self.root is None:
            super().after(name, seconds, action)
            return
        self.cancel(name)

        def fire() -> None:
            self._tk_timers.pop(name, None)
            action()

        self._tk_timers[name] = self.root.after(max(1, int(seconds * 1000)), fire)

    def cancel(self, name: str) -> None:
        super().cancel(name)
        timer = self._tk_timers.pop(name, None)
        if timer is not None and self.root is not None:
            self.root.after_cancel(timer)

    def run(self) -> None:
        super().run()  # until quit, or until a window made the Tk root
        if self.root is not None and not self.quitting:
            self.root.mainloop()

    def quit(self) -> None:
        super().quit()
        if self.root is not None:
            self.root.quit()

    def close(self) -> None:
        for name in list(self._tk_timers):
            self.cancel(name)
        super().close()
        if self.root is not None:
            import tkinter as tk

            if self._wake_w >= 0:
                signal.set_wakeup_fd(-1)
            with contextlib.suppress(tk.TclError):
                self.root.destroy()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._wake_r = self._wake_w = -1
