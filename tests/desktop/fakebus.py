"""The part every fake D-Bus service of the desktop tests shares: a connection to a real
dbus-daemon, the well-known names it owns, and a thread that hands each method call to
``answer`` (a fake that raises answers the caller with the error, not silence)."""

from __future__ import annotations

import threading
from typing import Any

from jeepney import MessageType, message_bus, new_error
from jeepney.io.blocking import Proxy, open_dbus_connection


class FakeService:
    """Owns ``names`` on the bus at ``address`` and serves their method calls until
    :meth:`close`."""

    def __init__(self, address: str, names: list[str]) -> None:
        self.connection = open_dbus_connection(bus=address)
        for name in names:
            Proxy(message_bus, self.connection).RequestName(name, 0)
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stopping = True
        self._thread.join(3)
        self.connection.close()

    def answer(self, message: Any) -> None:
        """Reply to one method call (each fake its own)."""
        raise NotImplementedError

    def _serve(self) -> None:
        while not self._stopping:
            try:
                message = self.connection.receive(timeout=0.1)
            except TimeoutError:
                continue
            except Exception:
                return
            if message.header.message_type != MessageType.method_call:
                continue
            try:
                self.answer(message)
            except Exception as exc:  # a bug in the fake: say so to the caller
                self.connection.send(new_error(message, "org.fake.Error", "s", (repr(exc),)))
