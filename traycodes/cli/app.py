"""The CLI's doors to the desktop: start the app, start at login, links and the menu."""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import N_, _
from .common import on_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def cmd_app(args: argparse.Namespace) -> int:
    """``traycodes`` alone: the tray app (or the running one shows its window)."""
    import signal

    from ..app.logs import setup_logging
    from ..app.start import run
    from .common import vault_path

    enrol = None
    if os.environ.pop(LINK_ON_STDIN, "") == "1":  # started by 'traycodes enrol' (not inherited)
        enrol = sys.stdin.readline(MAX_LINK).strip()
    level = setup_logging()
    if level == "DEBUG":
        import faulthandler

        register = getattr(faulthandler, "register", None)  # not on Windows
        usr1 = getattr(signal, "SIGUSR1", None)
        if register is not None and usr1 is not None:
            register(usr1)  # kill -USR1: every thread's stack, for hangs
    return run(vault_path(args), enrol=enrol)


# 'traycodes enrol' hands the app it starts the link on its standard input, and says so
# with this variable: the link is never in the app's command line, and the command that
# was given it in its own (the otpauth: handler's) exits at once.
LINK_ON_STDIN = "TRAYCODES_LINK_ON_STDIN"
MAX_LINK = 64 * 1024  # as an IPC request


def cmd_enrol(args: argparse.Namespace) -> int:
    """``traycodes enrol [LINK]``: the running app's enrolment dialog. When no app runs,
    one is started *without* the link in its command line (``/proc/PID/cmdline`` is
    readable by every local user) and gets it on its standard input. A link given in this
    command's own command line (what a clicked otpauth: link runs) is handed over at once
    and the command exits, not waiting for the app with the secret in its argv; a link
    read from stdin (``-``) waits until the app answers, to report a failed start."""
    import subprocess
    import time

    from .. import desktop, ipc
    from ..app.launch import autostart_command
    from ..errors import TrayCodesError
    from .common import vault_path

    link = args.link or ""
    if link == "-":
        link = sys.stdin.readline().strip()
    try:
        if ipc.request("enrol", link=link, timeout=5).get("ok"):
            return 0
    except (ipc.NotRunning, OSError, ValueError):
        pass
    if desktop.display_server() == "none":
        raise TrayCodesError(
            _(
                "no graphical session (DISPLAY is not set): the enrolment dialog needs one; "
                "'traycodes add LINK' works without"
            )
        )
    app = subprocess.Popen(
        autostart_command(vault_path(args)),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, LINK_ON_STDIN: "1"},
        start_new_session=True,  # it outlives this command
    )
    assert app.stdin is not None
    with app.stdin:
        app.stdin.write(link.encode() + b"\n")
    if args.link not in (None, "", "-"):
        return 0  # the secret is in this process's argv: not a moment longer than needed
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            reply = ipc.request("ping", timeout=5)
        except (ipc.NotRunning, OSError, ValueError):
            time.sleep(0.1)
            continue
        if reply.get("ok"):
            return 0
    raise TrayCodesError(_("traycodes did not start within 20 s: try 'traycodes' to see why"))


def refused(reply: dict[str, Any]) -> str:
    """The running app's no, for the user (its reason is the app's own words)."""
    return _("the running traycodes refused: {reason}").format(reason=reply.get("error", "?"))


def cmd_handler(args: argparse.Namespace) -> int:
    from .. import desktop
    from ..app.launch import autostart_command
    from .common import vault_path

    handler = desktop.required(desktop.platform().link_handler)()
    if args.action == "on":
        handler.enable([*autostart_command(vault_path(args)), "enrol"])
    elif args.action == "off":
        handler.disable()
    print(handler.status())
    return 0


def cmd_autostart(args: argparse.Namespace) -> int:
    from .. import desktop
    from ..app.launch import autostart_command
    from .common import vault_path

    adapter = desktop.required(desktop.platform().autostart)()
    if args.action == "on":
        adapter.enable(autostart_command(vault_path(args)))
        print(on_at(adapter.location))
    elif args.action == "off":
        adapter.disable()
        print(_("off"))
    else:
        print(on_at(adapter.location) if adapter.enabled() else _("off"))
    return 0


def cmd_desktop(args: argparse.Namespace) -> int:
    """``traycodes desktop on|off|status``: traycodes in the app menu."""
    from .. import desktop
    from ..app.launch import autostart_command
    from .common import vault_path

    adapter = desktop.required(desktop.platform().launcher)()
    if args.action == "on":
        adapter.enable(autostart_command(vault_path(args)))
    elif args.action == "off":
        adapter.disable()
    print(on_at(adapter.location) if adapter.enabled() else _("off"))
    return 0


def cmd_ipc(args: argparse.Namespace) -> int:
    """``traycodes type`` / ``traycodes pick``: ask the running app (bind these to desktop
    shortcuts where global hotkeys cannot work, such as Wayland)."""
    from .. import ipc
    from ..errors import TrayCodesError

    reply = ipc.request(args.command)
    if not reply.get("ok"):
        raise TrayCodesError(refused(reply))
    return 0


def add_commands(commands: Any) -> None:
    from .common import vault_options

    autostart = commands.add_parser(
        "autostart",
        help=N_("start traycodes at login, or stop"),
        description=N_(
            "on: start the tray app at login (XDG autostart on Linux, a LaunchAgent "
            "on macOS, the Run key on Windows); off: stop; status: say which."
        ),
    )
    autostart.add_argument("action", choices=["on", "off", "status"])
    vault_options(autostart, password=False)
    autostart.set_defaults(func=cmd_autostart)

    launcher = commands.add_parser(
        "desktop",
        help=N_("list traycodes in the app menu, or stop"),
        description=N_(
            "on: add traycodes to the desktop's app menu (Linux: a launcher in "
            "$XDG_DATA_HOME/applications and its icons in the hicolor theme; Windows: a "
            "Start-menu shortcut); off: remove exactly what 'on' added; status: say which."
        ),
    )
    launcher.add_argument("action", choices=["on", "off", "status"])
    vault_options(launcher, password=False)
    launcher.set_defaults(func=cmd_desktop)

    for name, text, description in (
        (
            "type",
            N_("type (or copy) the code for the window in front, like the hotkey"),
            N_(
                "Ask the running tray app to type (or copy) the code for the window in "
                "front, like the hotkey. Bind it to a desktop shortcut where global hotkeys "
                "do not work (Wayland). Exit 1 when traycodes is not running."
            ),
        ),
        (
            "pick",
            N_("open the running app's quick-pick window, like its hotkey"),
            N_(
                "Ask the running tray app to open its quick-pick window, like its hotkey. "
                "Bind it to a desktop shortcut where global hotkeys do not work (Wayland). "
                "Exit 1 when traycodes is not running."
            ),
        ),
    ):
        ipc_command = commands.add_parser(name, help=text, description=description)
        ipc_command.set_defaults(func=cmd_ipc)

    enrol = commands.add_parser(
        "enrol",
        help=N_("add an account in the enrolment dialog"),
        description=N_(
            "Open the running app's enrolment dialog, with LINK filled in (an "
            "otpauth:// link, as a browser passes it); starts the app when it is not "
            "running (without the link in its command line: the link is handed over when "
            "it is up) and exits. The dialog shows the live code before anything is saved."
        ),
    )
    enrol.add_argument(
        "link", nargs="?", metavar="LINK", help=N_("the link ('-': read it from standard input)")
    )
    vault_options(enrol, password=False)
    enrol.set_defaults(func=cmd_enrol)

    handler = commands.add_parser(
        "handler",
        help=N_("open clicked otpauth: links with traycodes, or stop"),
        description=N_(
            "on: register traycodes for otpauth: links (Linux: a .desktop file and "
            "xdg-mime; Windows: HKCU\\Software\\Classes\\otpauth); off: stop; "
            "status: say which. A clicked link opens the enrolment dialog."
        ),
    )
    handler.add_argument("action", choices=["on", "off", "status"])
    vault_options(handler, password=False)
    handler.set_defaults(func=cmd_handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: traycodes")
