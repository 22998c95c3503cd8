"""Talking to the running app: the wire format and the client, below the app (which
serves: app/ipc.py) and the browser host and CLI (which ask).

One JSON object each way, a line each: ``{"command": "show", ...}`` -> ``{"ok": true,
...}``; a malformed request gets an answer and the server goes on. Where the bytes travel
(a Unix socket, a Windows named pipe, for this user alone) is the platform's
(``desktop.platform().ipc_transport``).
"""

from __future__ import annotations

import json

from .errors import AlreadyRunning, NotOurs, NotRunning

# What ``traycodes type`` (run by a desktop shortcut) imports is kept small.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .desktop import IpcTransport

    Handler = Callable[[dict[str, Any]], dict[str, Any]]

__all__ = ["MAX_REQUEST", "AlreadyRunning", "NotOurs", "NotRunning", "answer", "request"]
MAX_REQUEST = 64 * 1024


def encode(message: dict[str, Any]) -> bytes:
    """One message on the wire."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def request(
    command: str, *, timeout: float = 10.0, via: IpcTransport | None = None, **fields: Any
) -> dict[str, Any]:
    """Send one command to the running app and return its answer (``via``: the transport,
    else the platform's). Raises NotRunning, NotOurs; ValueError for an answer that is not
    ours."""
    if via is None:
        from . import desktop

        via = desktop.required(desktop.platform().ipc_transport)()
    data = via.exchange(encode({"command": command, **fields}), timeout)
    if not data:
        raise NotRunning("traycodes did not answer")
    reply = json.loads(data)
    if not isinstance(reply, dict):
        raise ValueError("an answer that is not an object")
    return reply


def answer(handler: Handler, data: bytes) -> dict[str, Any]:
    """The reply to one raw request: whatever arrives (not JSON, not an object, no command,
    a handler that fails) gets an answer, and the server goes on."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested 60,000 deep
        return {"ok": False, "error": "malformed request"}
    if not isinstance(parsed, dict) or not isinstance(parsed.get("command"), str):
        return {"ok": False, "error": "malformed request"}
    try:
        return handler(parsed)
    except Exception as exc:
        import logging

        from .errors import describe  # the message of an error not ours may quote a secret

        logging.getLogger(__name__).warning("an IPC command failed: %s", describe(exc))
        return {"ok": False, "error": type(exc).__name__}
