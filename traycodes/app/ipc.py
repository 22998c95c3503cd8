"""The app's end of its IPC: one running app per user, answering the CLI, the browser
host and desktop shortcuts. The wire format and the client are traycodes/ipc.py; the
transport (a private Unix socket, a Windows named pipe) is the platform's
``ipc_transport`` part."""

from __future__ import annotations

import json
import logging
import threading

from .. import desktop, ipc
from ..errors import describe
from ..i18n import _
from ..ipc import AlreadyRunning, NotOurs, NotRunning

TYPE_CHECKING = False  # the one pattern: CONTRIBUTING.md
if TYPE_CHECKING:
    from ..ipc import Handler

log = logging.getLogger(__name__)
__all__ = ["AlreadyRunning", "NotOurs", "NotRunning", "Server"]


class Server:
    """Answers requests in a thread of its own; ``handler`` gets the parsed request.
    ``transport``: where (the platform's, unless a test gives one)."""

    def __init__(self, handler: Handler, transport: desktop.IpcTransport | None = None) -> None:
        self.handler = handler
        if transport is None:
            transport = desktop.required(desktop.platform().ipc_transport)()
        self.transport = transport
        self._listener: desktop.IpcListener | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Claim the endpoint, or raise AlreadyRunning when another app answers there."""
        try:
            ipc.request("ping", timeout=2, via=self.transport)
        except TimeoutError:  # it took the connection but is busy (or held by a silent
            # program): an app is there, whose socket must not be taken from it
            raise AlreadyRunning(_("traycodes is already running (and busy)")) from None
        except (NotRunning, OSError, ValueError):
            pass  # nobody, or an app that died: ours to claim
        else:
            raise AlreadyRunning(_("traycodes is already running"))
        self._listener = self.transport.listen(ipc.MAX_REQUEST)
        self._thread = threading.Thread(target=self._serve, name="ipc", daemon=True)
        self._thread.start()

    def _reply(self, data: bytes) -> bytes:
        return json.dumps(ipc.answer(self.handler, data)).encode() + b"\n"

    def _serve(self) -> None:
        listener = self._listener
        assert listener is not None
        while True:
            try:
                if not listener.serve_one(self._reply):
                    return
            except Exception as exc:  # too long, the client went away...: serve on
                log.info("a bad IPC request: %s", describe(exc))

    def stop(self) -> None:
        """Stop answering and remove the socket (or close the pipe)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._thread is not None:
            self._thread.join(2)
