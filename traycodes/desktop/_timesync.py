"""Is the system clock kept right by the OS? systemd-timedated's ``NTPSynchronized`` (the
system bus, through jeepney; else ``timedatectl``), Windows ``w32tm /query /status``, macOS
``systemsetup -getusingnetworktime`` (needs an administrator: often unreadable).

Each answer is ``(True | False | None, what was found)``; None: cannot tell.
"""

from __future__ import annotations

import subprocess
import sys

from ..i18n import N_, _

Answer = tuple[bool | None, str]


def synchronised() -> Answer:
    if sys.platform == "win32":
        return from_w32tm(_run(["w32tm", "/query", "/status"]))
    elif sys.platform == "darwin":
        return from_systemsetup(_run(["systemsetup", "-getusingnetworktime"]))
    else:
        found = _timedated()
        if found is not None:
            return (found, _("synchronised (systemd-timedated)") if found else _(_NOT_SYNCED))
        return from_timedatectl(_run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"]))


_NOT_SYNCED = N_("not synchronised with a time server (systemd-timedated)")


def _run(argv: list[str]) -> str | None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _timedated() -> bool | None:
    """``NTPSynchronized`` of ``org.freedesktop.timedate1``, or None (no bus, no service)."""
    try:
        from jeepney import DBusAddress, Properties
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return None
    address = DBusAddress(
        "/org/freedesktop/timedate1",
        bus_name="org.freedesktop.timedate1",
        interface="org.freedesktop.timedate1",
    )
    try:
        with open_dbus_connection(bus="SYSTEM") as bus:
            reply = bus.send_and_get_reply(Properties(address).get("NTPSynchronized"), timeout=3)
    except Exception as exc:  # no system bus, no timedated, a refusal: cannot tell this way
        import logging

        from ..errors import describe

        logging.getLogger(__name__).debug("timedated cannot say: %s", describe(exc))
        return None
    body = reply.body
    if body and isinstance(body[0], tuple) and len(body[0]) == 2 and body[0][0] == "b":
        return bool(body[0][1])
    return None


def from_timedatectl(out: str | None) -> Answer:
    if out is None:
        return (None, _("cannot tell (no systemd-timedated or timedatectl)"))
    value = out.strip().lower()
    if value in ("yes", "no"):
        said = _("synchronised (timedatectl)") if value == "yes" else _(_NOT_SYNCED)
        return (value == "yes", said)
    return (None, _("cannot tell (timedatectl said something else)"))


def from_w32tm(out: str | None) -> Answer:
    if out is None:
        return (
            None,
            _("cannot tell (w32tm /query /status failed: is the Windows Time service on?)"),
        )
    fields = {}
    for line in out.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip().lower()] = value.strip()
    source = fields.get("source", "")
    if not source:
        return (None, _("cannot tell (w32tm gave no source)"))
    if source.lower().startswith(("local cmos clock", "free-running system clock")):
        return (False, _("not synchronised (w32tm source: {source})").format(source=source))
    return (True, _("synchronised with {source} (w32tm)").format(source=source))


def from_systemsetup(out: str | None) -> Answer:
    if out is None or ":" not in out:
        return (None, _("cannot tell (systemsetup needs an administrator)"))
    on = out.rpartition(":")[2].strip().lower() == "on"
    return (on, _("network time on (systemsetup)") if on else _("network time off (systemsetup)"))
