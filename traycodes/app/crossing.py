"""What crosses between the tray process and the window process (app/uiproc.py): framed
JSON messages (:class:`Channel`), plain data for the model's types, and the window calls.

The window calls are declared once, as the Protocols of app/host.py: :class:`WindowHost`
(the app asks the windows) and :class:`WindowsController` (the windows ask the app).
:func:`calls` reads them; :class:`Forward` stands for one of them on the far side (each
declared call becomes a message, answered where it returns something) and :func:`serve`
answers such a message on the near side. A name that is not declared is an AttributeError
here and an "unknown request" there: nothing else can be asked across.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import inspect
import itertools
import json
import logging
import socket
import struct
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from ..errors import TrayCodesError
from ..model import Algorithm, Entry, OtpParams, OtpType
from ..settings import Settings
from ..ui.enrolform import Target
from ..ui.rows import Row
from .host import WindowHost, WindowsController

log = logging.getLogger(__name__)
MAX_MESSAGE = 16 * 1024 * 1024  # an import's accounts fit many times over


class Channel:
    """Length-prefixed JSON objects over a connected socket; send from any thread."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._waiting: dict[int, Future[Any]] = {}

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message, separators=(",", ":")).encode()
        with self._send_lock:
            self.sock.sendall(struct.pack(">I", len(data)) + data)

    def receive(self) -> dict[str, Any] | None:
        """The next message; None when the other end has gone."""
        head = self._exactly(4)
        if head is None:
            return None
        (size,) = struct.unpack(">I", head)
        if size > MAX_MESSAGE:
            raise TrayCodesError("a message from the other traycodes process is too large")
        body = self._exactly(size)
        if body is None:
            return None
        message = json.loads(body)
        if not isinstance(message, dict):
            raise TrayCodesError("a malformed message from the other traycodes process")
        return message

    def _exactly(self, size: int) -> bytes | None:
        data = b""
        while len(data) < size:
            try:
                chunk = self.sock.recv(size - len(data))
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        return data

    def ask(
        self, method: str, args: dict[str, Any] | None = None, timeout: float | None = 30.0
    ) -> Any:
        """Send a request and wait for its answer (raises what the other side raised)."""
        number = next(self._ids)
        future: Future[Any] = Future()
        self._waiting[number] = future
        try:
            try:
                self.send({"id": number, "method": method, "args": args or {}})
            except OSError:
                raise TrayCodesError("the other traycodes process has gone") from None
            return future.result(timeout)
        finally:
            self._waiting.pop(number, None)

    def tell(self, method: str, args: dict[str, Any] | None = None) -> None:
        """Send a request that needs no answer (lost, quietly, when the other side has
        gone: it would not have shown it)."""
        with contextlib.suppress(OSError):
            self.send({"method": method, "args": args or {}})

    def answered(self, message: dict[str, Any]) -> bool:
        """If ``message`` answers one of our requests: hand it over, True."""
        if "reply" not in message:
            return False
        future = self._waiting.get(int(message["reply"]))
        if future is not None:
            if "error" in message:
                future.set_exception(TrayCodesError(str(message["error"])))
            else:
                future.set_result(message.get("result"))
        return True

    def reply(self, message: dict[str, Any], work: Callable[[], Any]) -> None:
        """Run ``work`` for a request; answer it when it wants an answer."""
        try:
            result = work()
        except TrayCodesError as exc:
            answer: dict[str, Any] = {"error": str(exc)}
        except Exception as exc:  # a bug: one line to the other side, the traceback logged
            log.exception("a request from the other traycodes process failed")
            answer = {"error": f"traycodes failed ({type(exc).__name__})"}
        else:
            answer = {"result": result}
        if "id" in message:
            with contextlib.suppress(OSError):
                self.send({"reply": message["id"], **answer})

    def fail_waiting(self) -> None:
        for future in list(self._waiting.values()):
            if not future.done():
                future.set_exception(TrayCodesError("the other traycodes process has gone"))


# -- what crosses: plain data both ways ---------------------------------------------------


def entry_to_json(entry: Entry) -> dict[str, Any]:
    otp = entry.otp
    return {
        "otp": {
            "secret": base64.b64encode(otp.secret).decode(),
            "type": otp.type.value,
            "algorithm": otp.algorithm.value,
            "digits": otp.digits,
            "period": otp.period,
            "counter": otp.counter,
        },
        "issuer": entry.issuer,
        "account": entry.account,
        "websites": list(entry.websites),
        "note": entry.note,
        "tags": list(entry.tags),
        "favorite": entry.favorite,
    }


def entry_from_json(data: dict[str, Any]) -> Entry:
    """The model's own checks apply (InvalidInput when something is off)."""
    otp = data["otp"]
    return Entry(
        otp=OtpParams(
            base64.b64decode(otp["secret"], validate=True),
            OtpType(otp["type"]),
            Algorithm(otp["algorithm"]),
            int(otp["digits"]),
            int(otp["period"]),
            int(otp["counter"]),
        ),
        issuer=str(data["issuer"]),
        account=str(data["account"]),
        websites=tuple(data["websites"]),
        note=str(data["note"]),
        tags=tuple(data["tags"]),
        favorite=bool(data["favorite"]),
    )


def settings_to_json(settings: Settings) -> dict[str, Any]:
    values = dataclasses.asdict(settings)
    values.pop("problems", None)
    return values


Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]  # (to JSON, from JSON)
PLAIN: dict[str, Callable[[Any], Any]] = {"str": str, "bool": bool, "int": int, "float": float}
ARGUMENTS: dict[str, Codec] = {  # by parameter name, in either Protocol
    "settings": (settings_to_json, lambda values: Settings(**values)),
    "entry": (entry_to_json, entry_from_json),
    "entries": (
        lambda entries: [entry_to_json(e) for e in entries],
        lambda entries: [entry_from_json(e) for e in entries],
    ),
    "pairs": (
        lambda pairs: [[entry_to_json(e), target] for e, target in pairs],
        lambda pairs: [(entry_from_json(e), None if t is None else str(t)) for e, t in pairs],
    ),
}
ANSWERS: dict[str, Codec] = {  # by call
    "rows": (
        lambda rows: [r.to_json() for r in rows],
        lambda rows: [Row.from_json(r) for r in rows],
    ),
    "propose": (
        lambda targets: [dataclasses.asdict(t) for t in targets],
        lambda targets: [Target(**t) for t in targets],
    ),
}


@dataclasses.dataclass(frozen=True)
class Call:
    """One declared call: its parameters, and whether the caller waits for an answer (it
    returns something)."""

    name: str
    signature: inspect.Signature
    answered: bool


def calls(protocol: type, *, local: tuple[str, ...] = ()) -> dict[str, Call]:
    """The calls of ``protocol`` that cross (its methods, less ``local``)."""
    found = {}
    for name, member in vars(protocol).items():
        if name.startswith("_") or name in local or not inspect.isfunction(member):
            continue
        signature = inspect.signature(member)
        found[name] = Call(name, signature, signature.return_annotation not in ("None", None))
    return found


WINDOW_CALLS = calls(WindowHost, local=("close",))
CONTROLLER_CALLS = calls(WindowsController)


def encode(call: Call, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments by name, as plain data (a wrong argument is a TypeError here)."""
    bound = call.signature.bind(None, *args, **kwargs)
    bound.apply_defaults()
    values = {name: value for name, value in bound.arguments.items() if name != "self"}
    return {n: ARGUMENTS[n][0](v) if n in ARGUMENTS else v for n, v in values.items()}


def serve(table: dict[str, Call], target: Any, method: str, fields: object) -> Any:
    """Answer a message for one of ``table``'s calls on ``target``; its answer as plain
    data. Anything else is refused (TrayCodesError)."""
    call = table.get(method)
    parameters = call.signature.parameters if call is not None else {}
    if call is None or not isinstance(fields, dict) or not set(fields) <= set(parameters):
        raise TrayCodesError(f"unknown request {method!r}")
    kwargs = {}
    for name, value in fields.items():
        if name in ARGUMENTS:
            kwargs[name] = ARGUMENTS[name][1](value)
        else:
            convert = PLAIN.get(str(parameters[name].annotation))
            kwargs[name] = convert(value) if convert is not None else value
    result = getattr(target, method)(**kwargs)
    return ANSWERS[method][0](result) if method in ANSWERS else result


Send = Callable[[str, dict[str, Any], bool], Any]  # (call, its arguments, wait for answer)


class Forward:
    """Stands for a Protocol on the other side of a channel: each of ``table``'s calls is
    sent through ``send``; any other name is an AttributeError (a misspelt call fails)."""

    def __init__(self, table: dict[str, Call], send: Send) -> None:
        self._table, self._send = table, send

    def __getattr__(self, name: str) -> Callable[..., Any]:
        call = self.__dict__.get("_table", {}).get(name)
        if call is None:
            raise AttributeError(f"{type(self).__name__} has no window call {name!r}")

        def forward(*args: Any, **kwargs: Any) -> Any:
            result = self._send(name, encode(call, args, kwargs), call.answered)
            return ANSWERS[name][1](result) if name in ANSWERS else result

        forward.__name__ = name
        return forward
