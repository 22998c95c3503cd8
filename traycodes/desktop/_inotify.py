"""Linux: be told when files in a folder change (inotify through ctypes), without polling.

A thread blocks in ``select`` on the inotify descriptor and a stop pipe; each batch of
events calls ``on_change`` with the names that changed."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import select
import struct
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

IN_MODIFY = 0x002
IN_CLOSE_WRITE = 0x008
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_CLOEXEC = 0o2000000
IN_NONBLOCK = 0o4000
_EVENT = struct.Struct("iIII")


class FolderWatcher:
    """Watch ``folder``; ``on_change(names)`` runs in the watcher's thread (post from it)."""

    def __init__(self, folder: Path, on_change: Callable[[set[str]], None]) -> None:
        self.folder = folder
        self.on_change = on_change
        self._fd = -1
        self._stop_r, self._stop_w = -1, -1
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start watching; False where inotify is not available."""
        libc_name = ctypes.util.find_library("c")
        if not libc_name:
            return False
        libc = ctypes.CDLL(libc_name, use_errno=True)
        libc.inotify_init1.restype = ctypes.c_int
        libc.inotify_init1.argtypes = [ctypes.c_int]
        libc.inotify_add_watch.restype = ctypes.c_int
        libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        fd = libc.inotify_init1(IN_CLOEXEC | IN_NONBLOCK)
        if fd < 0:
            return False
        mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MODIFY
        if libc.inotify_add_watch(fd, os.fsencode(self.folder), mask) < 0:
            os.close(fd)
            return False
        self._fd = fd
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="vault-watch", daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._fd, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                return
            names = set()
            offset = 0
            while offset + _EVENT.size <= len(data):
                _, _, _, length = _EVENT.unpack_from(data, offset)
                raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
                names.add(os.fsdecode(raw.rstrip(b"\0")))
                offset += _EVENT.size + length
            try:
                self.on_change(names)
            except Exception:
                log.exception("a folder change handler failed")

    def stop(self) -> None:
        if self._thread is None:
            return
        os.write(self._stop_w, b"x")
        self._thread.join(2)
        for fd in (self._fd, self._stop_r, self._stop_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._thread = None
