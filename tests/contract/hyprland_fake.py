"""A fake of Hyprland's request socket (``$XDG_RUNTIME_DIR/hypr/<signature>/.socket.sock``,
what ``hyprctl`` speaks): one request per connection, answered and closed. Answers as
Hyprland's documented IPC does: ``j/activewindow`` the focused client as JSON (``{}`` when
none), ``j/clients`` every client, ``dispatch focuswindow address:0x...`` focuses a known
client (``ok``) or says it found none; anything else is ``unknown request``."""

from __future__ import annotations

import itertools
import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any

ADDRESSES = itertools.count(0x55D4A1C0, 0x1000)


class FakeHyprland:
    def __init__(self, path: Path) -> None:
        self.clients: dict[str, dict[str, Any]] = {}
        self.focused = ""
        self.requests: list[str] = []
        self.server = unix_server(path)
        self.server.listen()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def open_window(self, title: str, app_class: str) -> str:
        """A client window opens and takes the focus; its address."""
        address = hex(next(ADDRESSES))
        self.clients[address] = {
            "address": address, "mapped": True, "hidden": False, "workspace": {"id": 1},
            "floating": False, "class": app_class, "title": title,
            "initialClass": app_class, "initialTitle": title, "pid": 0,
        }  # fmt: skip
        self.focused = address
        return address

    def close(self) -> None:
        self.server.shutdown(socket.SHUT_RDWR)  # wakes accept(); closing alone would not
        self._thread.join(5)
        self.server.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with client:
                request = client.recv(8192).decode()
                self.requests.append(request)
                client.sendall(self._answer(request))

    def _answer(self, request: str) -> bytes:
        if request == "j/activewindow":
            return json.dumps(self.clients.get(self.focused, {})).encode()
        if request == "j/clients":
            return json.dumps(list(self.clients.values())).encode()
        if request.startswith("dispatch focuswindow address:"):
            wanted = request.removeprefix("dispatch focuswindow address:")
            if wanted not in self.clients:
                return b"No such window found"
            self.focused = wanted
            return b"ok"
        return b"unknown request"


def unix_server(path: Path) -> socket.socket:
    if sys.platform == "win32":
        raise OSError("Hyprland's socket is a Unix socket")
    else:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        return server
