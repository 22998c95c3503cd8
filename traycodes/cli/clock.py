"""``traycodes clock check [SERVER]``: how far this computer's clock is from an NTP server's
(one SNTP query, RFC 4330), and the ``clock_offset`` setting that makes codes right.

The last measurement is kept in this computer's state folder (never the synced vault), for
``doctor`` and the tray app. Exit codes: 0 the codes are right (within
:data:`TOLERANCE` seconds), 1 they are not (and were not corrected), 2 bad input, 5 no
answer from the server.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..i18n import N_, _

DEFAULT_SERVER = "pool.ntp.org"
TOLERANCE = 15  # seconds: beyond this a code may be refused (the help says 15 s too)
NTP_EPOCH = 2208988800  # seconds from 1900-01-01 to 1970-01-01
STATE_FILE = "clock.json"


def _to_ntp(seconds: float) -> bytes:
    whole = int(seconds) + NTP_EPOCH
    return struct.pack("!II", whole & 0xFFFFFFFF, int((seconds % 1) * 2**32) & 0xFFFFFFFF)


def _from_ntp(data: bytes) -> float:
    whole, fraction = struct.unpack("!II", data)
    return float(whole - NTP_EPOCH) + float(fraction) / 2**32


def parse_server(text: str) -> tuple[str, int]:
    """``HOST`` or ``HOST:PORT`` (port 123 unless given)."""
    from ..errors import InvalidInput

    host, colon, port = text.strip().rpartition(":")
    if not colon:
        host, port = text.strip(), "123"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput(
            _("'{text}' is not a server (use a name, or NAME:PORT)").format(text=text)
        )
    return host, int(port)


def measure_offset(
    host: str, port: int = 123, *, timeout: float = 3.0, now: Callable[[], float] = time.time
) -> float:
    """Seconds to add to this computer's clock to match the server's (one SNTP query).
    Raises StorageError when the server does not answer or answers nonsense."""
    from ..errors import StorageError

    try:
        address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
    except OSError as exc:
        raise StorageError(
            _("cannot find the time server {host}: {error}").format(host=host, error=exc)
        ) from None
    sent_at = now()
    stamp = _to_ntp(sent_at)
    request = bytes([0x23]) + bytes(39) + stamp  # LI 0, version 4, mode 3 (client)
    with socket.socket(address[0], socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendto(request, address[4])
            reply, _sender = sock.recvfrom(512)
        except OSError as exc:  # timeouts too
            message = _("no answer from the time server {host}:{port} ({error})")
            raise StorageError(message.format(host=host, port=port, error=exc)) from None
        received_at = now()
    if len(reply) < 48 or reply[0] & 7 != 4 or reply[1] == 0 or reply[24:32] != stamp:
        message = _("the time server {host}:{port} sent an answer that is not one")
        raise StorageError(message.format(host=host, port=port))
    server_received, server_sent = _from_ntp(reply[32:40]), _from_ntp(reply[40:48])
    return ((server_received - sent_at) + (server_sent - received_at)) / 2


def state_path() -> Path:
    from ..vault import state_folder

    return state_folder() / STATE_FILE


def remember(offset: float, server: str, at: float) -> None:
    """Keep the measurement for doctor and the app (best effort: a read-only state folder
    loses it, nothing else)."""
    path = state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps({"offset": offset, "server": server, "at": at}))
        tmp.replace(path)
    except OSError:
        pass


def last_measured() -> dict[str, Any] | None:
    """The last ``clock check``: ``offset``, ``server``, ``at``; None when never run."""
    try:
        found = json.loads(state_path().read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("offset"), int | float):
        return None
    return found


def off_by(measured: float, clock_offset: int) -> float:
    """How wrong the codes are: the measured offset less the correction already set."""
    return measured - clock_offset


def cmd_clock_check(args: argparse.Namespace) -> int:
    from ..settings import RANGES, config_path, load_settings, save_settings

    host, port = parse_server(args.server)
    offset = measure_offset(host, port, timeout=args.timeout)
    remember(offset, args.server, time.time())
    settings = load_settings()
    wrong = off_by(offset, settings.clock_offset)
    if offset > 0:
        said = _("this computer's clock is {seconds} s behind {server}")
    else:
        said = _("this computer's clock is {seconds} s ahead of {server}")
    print(said.format(seconds=f"{abs(offset):.1f}", server=args.server))
    print(
        _("clock_offset is {offset}: codes are {seconds} s off").format(
            offset=settings.clock_offset, seconds=f"{abs(wrong):.1f}"
        )
    )
    if abs(wrong) <= TOLERANCE:
        return 0
    wanted = round(offset)
    low, high = RANGES["clock_offset"]
    if not low <= wanted <= high:
        said = _("more than an hour off: set the system clock instead (clock_offset {low}..{high})")
        print(said.format(low=low, high=high))
        return 1
    apply = args.apply
    if not apply and sys.stdin.isatty() and not os.environ.get("CI"):
        answer = input(_("set clock_offset to {offset}? [y/N] ").format(offset=wanted))
        # the answer in English, or the word for "yes" in the user's language
        apply = answer.strip().lower() in ("y", "yes", _("y"), _("yes"))
    elif not apply:
        print(
            _("to correct it: {command}").format(
                command=f"traycodes clock check {args.server} --apply"
            )
        )
    if not apply:
        return 1
    from dataclasses import replace

    save_settings(replace(settings, clock_offset=wanted), config_path())
    said = _("clock_offset set to {offset} (a running app uses it from its next settings load)")
    print(said.format(offset=wanted))
    return 0


def add_commands(commands: Any) -> None:
    clock = commands.add_parser(
        "clock",
        help=N_("is this computer's clock right? (wrong codes are most often a wrong clock)"),
        description=N_(
            "'clock check [SERVER]' asks an NTP server (default pool.ntp.org) how "
            "far this computer's clock is off, and offers to set clock_offset (--apply: "
            "without asking; with no terminal it only says). Exit 0 when codes are within "
            "15 s, 1 when not, 2 bad input, 5 no answer from the server."
        ),
    )
    actions = clock.add_subparsers(dest="clock_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help=N_("measure the offset against an NTP server"))
    check.add_argument(
        "server", nargs="?", default=DEFAULT_SERVER, metavar="SERVER",
        help=N_("NAME or NAME:PORT (default %(default)s)"),
    )  # fmt: skip
    check.add_argument("--apply", action="store_true", help=N_("set clock_offset without asking"))
    check.add_argument("--timeout", type=float, default=3.0, help=N_("seconds to wait (default 3)"))
    check.set_defaults(func=cmd_clock_check)
