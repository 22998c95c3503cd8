"""Reading an untrusted file in a child process held to a memory and a CPU-time ceiling.

Every reader has its own caps (sizes, counts, nesting, key-derivation work: see
:mod:`.budget`), and this is the backstop for any cap someone forgot: the child sets
``RLIMIT_AS`` and ``RLIMIT_CPU`` on itself before it reads a byte, and a file that needs
more is refused with one line (exit 2) instead of taking the machine. Where the OS has no
such limits (Windows), or there is no Python to start (a frozen build), the file is read
in this process, as before.

What comes back is what :func:`traycodes.formats.read` gives in-process: the same
:class:`Batch`, the same error class with the same message. The export's password is
asked by this process, only when the child needs it. The child is a bound on resources,
not a sandbox: it runs as the user, with the user's files. Its answer is unpickled with
only the few classes a batch is made of, so that a child gone wrong cannot make this
process run anything.

The frames, each way: a kind byte, a 4-byte big-endian length, the payload. To the
child: ``D`` the files (the first a JSON header), ``P`` the password (``N``: none). From
it: ``P`` asks for the password, ``R`` the batch, ``E`` a traycodes error (JSON class and
message), ``X`` another exception (its class name only: messages may quote the file).
"""

from __future__ import annotations

import json
import os
import pickle
import struct
import sys
from types import ModuleType
from typing import IO, Any

from ..errors import InvalidInput, TrayCodesError, describe
from ..i18n import _
from .base import Batch, PasswordSource

CHILD_MEMORY = 3 * 1024**3  # address space: Python, the readers' libraries, 1 GiB of scrypt
CHILD_CPU_SECONDS = 120  # four derivations at full cost take about 15 s
ALLOWED = {
    ("traycodes.formats.base", "Batch"),
    ("traycodes.formats.base", "Item"),
    ("traycodes.model", "Entry"),
    ("traycodes.model", "OtpParams"),
    ("traycodes.model", "OtpType"),
    ("traycodes.model", "Algorithm"),
}


def can_bound() -> bool:
    """Whether files are read in a bounded child here (a POSIX OS, a Python to start)."""
    if getattr(sys, "frozen", False) or not sys.executable:
        return False
    resource = _resource()  # no such module on Windows: no limits to set there
    return (
        resource is not None and hasattr(resource, "RLIMIT_AS") and hasattr(resource, "RLIMIT_CPU")
    )


def _resource() -> ModuleType | None:
    """The POSIX ``resource`` module, or None where this OS has none (Windows): detected,
    never the OS named."""
    import importlib

    try:
        return importlib.import_module("resource")
    except ImportError:
        return None


def read_bounded(
    data: bytes,
    fmt: str = "auto",
    *,
    password: PasswordSource = lambda: None,
    images: list[bytes] | None = None,
) -> Batch:
    """:func:`traycodes.formats.read`, in a child process bounded in memory and CPU time
    where the OS allows it."""
    from . import check_size, read

    if not can_bound():
        return read(data, fmt, password=password, images=images)
    blobs = [data, *(images or [])]
    for blob in blobs:
        check_size(blob, "file")  # refused here, before a child is started
    import subprocess
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    boot = (
        f"import sys; sys.path.insert(0, {root!r}); "
        "from traycodes.formats.bounded import child_main; child_main()"
    )
    with subprocess.Popen(
        [sys.executable, "-P", "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        try:
            header = {
                "format": fmt,
                "count": len(blobs),
                "memory": CHILD_MEMORY,
                "cpu": CHILD_CPU_SECONDS,
            }
            _send(child.stdin, b"D", json.dumps(header).encode())
            for blob in blobs:
                _send(child.stdin, b"D", blob)
            child.stdin.flush()
            return _answers(child.stdin, child.stdout, password)
        except (BrokenPipeError, EOFError):
            pass  # the child died: its status says why
        except BaseException:  # Ctrl-C at the password prompt, an error it sent...
            child.kill()  # nothing more is wanted from it
            raise
        finally:
            child.stdin.close()
            child.stdout.close()
            child.wait()
    raise _death(child.returncode)


def _answers(to_child: IO[bytes], from_child: IO[bytes], password: PasswordSource) -> Batch:
    while True:
        kind, payload = _receive(from_child)
        if kind == b"P":
            given = password()
            if given is None:
                _send(to_child, b"N", b"")
            else:
                _send(to_child, b"P", given.encode("utf-8"))
            to_child.flush()
        elif kind == b"R":
            batch = _Unpickler(payload).load()
            if not isinstance(batch, Batch):
                raise InvalidInput(_("the file's reader gave back something else than accounts"))
            return batch
        elif kind == b"E":
            raise _error(json.loads(payload))
        elif kind == b"X":
            name = str(json.loads(payload).get("class", "Exception"))
            # The same one line as a crash in this process: "unexpected error (NAME)".
            raise type(name, (RuntimeError,), {})("a reader failed in its child process")
        else:
            raise EOFError


def _error(found: dict[str, Any]) -> TrayCodesError:
    """The traycodes error the child raised: the same class (by name), the same message."""
    from .. import errors
    from . import budget

    name, message = str(found.get("class")), str(found.get("message"))
    cls = getattr(errors, name, None) or getattr(budget, name, None)
    if not (isinstance(cls, type) and issubclass(cls, TrayCodesError)):
        cls = InvalidInput
    return cls(message)


SIGXCPU = 24  # Linux and macOS alike; the signal module lacks it on Windows


def _death(status: int | None) -> InvalidInput:
    if status == -SIGXCPU:
        return InvalidInput(
            f"reading the file took more than {CHILD_CPU_SECONDS} s of processor time, more "
            "than any export: not read (damaged or crafted?)"
        )
    return InvalidInput(
        f"the reader of this file stopped unexpectedly (status {status}): not read "
        "(damaged or crafted?)"
    )


class _Unpickler(pickle.Unpickler):
    def __init__(self, payload: bytes) -> None:
        import io

        super().__init__(io.BytesIO(payload))

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a batch")
        return super().find_class(module, name)


def _send(stream: IO[bytes], kind: bytes, payload: bytes) -> None:
    stream.write(kind + struct.pack(">I", len(payload)) + payload)


def _receive(stream: IO[bytes]) -> tuple[bytes, bytes]:
    head = stream.read(5)
    if len(head) != 5:
        raise EOFError
    (size,) = struct.unpack(">I", head[1:])
    payload = stream.read(size)
    if len(payload) != size:
        raise EOFError
    return head[:1], payload


# --- the child -------------------------------------------------------------------------------


def _limit_self(memory: int, cpu: int) -> None:
    resource = _resource()
    if resource is None:
        return  # no such limits (and no child: see can_bound)
    _lower(resource, resource.RLIMIT_AS, memory, memory)
    _lower(resource, resource.RLIMIT_CPU, cpu, cpu + 5)


def _lower(resource: ModuleType, which: int, soft: int, hard: int) -> None:
    import contextlib

    _unused, ceiling = resource.getrlimit(which)
    if ceiling != resource.RLIM_INFINITY:  # never above what this process may have
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    with contextlib.suppress(ValueError, OSError):  # macOS may refuse RLIMIT_AS
        resource.setrlimit(which, (soft, hard))


def child_main() -> None:
    """Read the files the parent sends (limits first), and answer with one frame."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    to_parent, from_parent = sys.stdout.buffer, sys.stdin.buffer
    sys.stdout = sys.stderr  # nothing a library prints can break the frames

    def ask() -> str | None:
        _send(to_parent, b"P", b"")
        to_parent.flush()
        kind, payload = _receive(from_parent)
        return payload.decode("utf-8") if kind == b"P" else None

    asked: list[str | None] = []

    def password() -> str | None:  # asked once, as the parent's own source would be
        if not asked:
            asked.append(ask())
        return asked[0]

    _unused, header = _receive(from_parent)
    wanted = json.loads(header)
    memory = int(wanted["memory"])
    _limit_self(memory, int(wanted["cpu"]))  # before a byte of the files is read
    try:
        blobs = [_receive(from_parent)[1] for _unused in range(int(wanted["count"]))]
        from . import read

        batch = read(blobs[0], str(wanted["format"]), password=password, images=blobs[1:])
        answer = (b"R", pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
    except TrayCodesError as exc:
        found = {"class": type(exc).__name__, "message": str(exc)}
        answer = (b"E", json.dumps(found).encode())
    except MemoryError:
        found = {
            "class": "InvalidInput",
            "message": f"reading the file needs more than {memory // 1024**2} MiB of memory, "
            "more than any export: not read (damaged or crafted?)",
        }
        answer = (b"E", json.dumps(found).encode())
    except Exception as exc:  # a bug in a reader: its class, as the parent would show it
        if os.environ.get("TRAYCODES_LOG", "").lower() == "debug":
            # its frames, not its message: a library's message can quote the file
            sys.stderr.write(describe(exc, stack=True) + "\n")
        answer = (b"X", json.dumps({"class": type(exc).__name__}).encode())
    _send(to_parent, *answer)
    to_parent.flush()


__all__ = ["can_bound", "read_bounded"]
