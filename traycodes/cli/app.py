"""The CLI's doors to the desktop: start the app, start at login, and ``doctor``."""

from __future__ import annotations

import argparse
import os
import sys

from ..i18n import N_, _, ngettext

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


def on_at(location: object) -> str:
    return _("on: {location}").format(location=location)


def cmd_ipc(args: argparse.Namespace) -> int:
    """``traycodes type`` / ``traycodes pick``: ask the running app (bind these to desktop
    shortcuts where global hotkeys cannot work, such as Wayland)."""
    from .. import ipc
    from ..errors import TrayCodesError

    reply = ipc.request(args.command)
    if not reply.get("ok"):
        raise TrayCodesError(refused(reply))
    return 0


def _check(
    findings: list[tuple[str, str, str, str]], part: str, ok: bool, detail: str, fix: str = ""
) -> None:
    findings.append(("OK" if ok else "PROBLEM", _(part), detail, "" if ok else fix))


def cmd_doctor(args: argparse.Namespace) -> int:
    """One line per part: OK or PROBLEM, what was found, and the fix."""
    from .. import desktop
    from ..errors import TrayCodesError
    from ..keystore import system_store
    from ..settings import config_path, load_settings
    from ..vault import list_backups
    from .common import vault_path

    findings: list[tuple[str, str, str, str]] = []
    server = desktop.display_server()
    from . import wayland

    kind = desktop.session_kind()
    _check(
        findings,
        N_("display"),
        server != "none",
        {"x11": "X11", "wayland": "Wayland", "none": _("no graphical session")}.get(server, server)
        + (f" ({kind})" if server == "wayland" else ""),
        _("run traycodes inside your desktop session (DISPLAY or WAYLAND_DISPLAY set)"),
    )
    if server == "wayland":
        has_x = bool(os.environ.get("DISPLAY"))
        _check(
            findings,
            "XWayland",
            has_x,
            _("for traycodes' windows") if has_x else _("DISPLAY is not set: no windows"),
            _("install Xwayland (xwayland) or turn it on; the command line works without"),
        )
    tray = _tray_finding()
    _check(findings, N_("tray"), tray[0], tray[1], tray[2])
    store, why = system_store()
    _check(
        findings,
        N_("keyring"),
        store is not None,
        why,
        _("install and unlock a Secret Service (gnome-keyring, KeePassXC) or use the password"),
    )
    wayland.desktop_findings(lambda *row: _check(findings, *row))
    tk_ok = _import_ok("tkinter")
    _check(
        findings,
        N_("clipboard and windows"),
        tk_ok,
        "tkinter" if tk_ok else _("tkinter is missing"),
        _("install python3-tk (Debian/Ubuntu)"),
    )
    qr = _import_ok("zxingcpp")
    _check(findings, N_("QR reader"), qr, "zxing-cpp", "pip install zxing-cpp")
    from ..app.start import ui_in_child

    platform = desktop.platform()
    owns_main_thread = desktop.required(platform.tray).owns_main_thread
    _check(
        findings,
        N_("tray app"),
        True,
        (
            _("windows in a child process (macOS: the menu bar owns the main thread)")
            if owns_main_thread
            else _("windows in a child process")
        )
        if ui_in_child()
        else _("windows in the app's process"),
        "",
    )
    try:
        handled = desktop.required(platform.link_handler)().status()
    except TrayCodesError as exc:
        handled = str(exc)
    findings.append(
        (
            "OK",
            _("otpauth: links"),
            handled
            if handled.startswith("on")
            else _("{state} ('traycodes handler on' to open them here)").format(state=handled),
            "",
        )
    )
    for part, made, command in (
        (N_("start at login"), platform.autostart, "autostart"),
        (N_("app menu"), platform.launcher, "desktop"),
    ):
        try:
            adapter = desktop.required(made)()
            state = (
                on_at(adapter.location)
                if adapter.enabled()
                else _("off ('{command}' to turn it on)").format(command=f"traycodes {command} on")
            )
        except TrayCodesError as exc:
            state = str(exc)
        findings.append(("OK", _(part), state, ""))
    from ..browser import install as browser

    installed = [name for name in browser.BROWSERS if browser.state(name) == "on"]
    findings.append(
        (
            "OK",
            _("browser host"),
            _("on for {browsers}").format(browsers=", ".join(installed))
            if installed
            else _("off ('traycodes browser on', then load the extension)"),
            "",
        )
    )
    path = vault_path(args)
    backups = list_backups(path)
    _check(findings, N_("vault"), path.is_file(), str(path), _("create one with 'traycodes init'"))
    count = len(backups)
    said = ngettext("{count} encrypted backup", "{count} encrypted backups", count)
    findings.append(("OK", _("backups"), said.format(count=count), ""))
    _follow_findings(findings)
    settings = load_settings()
    settings_file = config_path()
    _check(
        findings,
        N_("settings"),
        not settings.problems,
        str(settings_file)
        if settings_file.exists()
        else _("defaults (no file yet: {path})").format(path=settings_file),
        "; ".join(settings.problems),
    )
    _clock_findings(findings, settings.clock_offset)
    # the statuses in the user's language (in English, OK and PROBLEM, which scripts grep)
    statuses = {"OK": _("OK"), "PROBLEM": _("PROBLEM")}
    status_width = max(7, *(len(s) + 1 for s in statuses.values()))
    width = max(len(f[1]) for f in findings)
    for status, part, detail, fix in findings:
        line = f"{statuses[status]:<{status_width}} {part:<{width}}  {detail}"
        print(line + (_(" -- fix: {fix}").format(fix=fix) if fix else ""))
    return 0 if all(f[0] == "OK" for f in findings) else 1


def _clock_findings(findings: list[tuple[str, str, str, str]], clock_offset: int) -> None:
    """Is the clock synchronised (the OS says), and how far off were codes at the last
    ``clock check`` (no network here)."""
    from .. import desktop
    from .clock import TOLERANCE, last_measured, off_by

    synced, found = desktop.clock_synchronised()
    _check(
        findings,
        N_("clock"),
        synced is not False,
        found,
        _(
            "turn on network time (timedatectl set-ntp true; Windows: Date & time settings), "
            "or run 'traycodes clock check'"
        ),
    )
    last = last_measured()
    if last is None:
        findings.append(("OK", _("clock offset"), _("not measured ('traycodes clock check')"), ""))
        return
    wrong = off_by(float(last["offset"]), clock_offset)
    _check(
        findings,
        N_("clock offset"),
        abs(wrong) <= TOLERANCE,
        _("codes {seconds} s off at the last check against {server}").format(
            seconds=f"{abs(wrong):.1f}", server=last.get("server", "?")
        ),
        _("set the system clock, or 'traycodes clock check --apply' to set clock_offset"),
    )


def _follow_findings(findings: list[tuple[str, str, str, str]]) -> None:
    """A row per followed phone, from this computer's last pass (no vault opened)."""
    from datetime import datetime

    from ..formats.phone import last_passes

    for name, seen in sorted(last_passes().items()):
        at = seen.get("at")
        when = (
            datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M") if isinstance(at, float) else "?"
        )
        problem = str(seen.get("problem") or "")
        count = seen.get("count", 0)
        detail = ngettext(
            "{path}: {file}, {count} account, looked at {when}",
            "{path}: {file}, {count} accounts, looked at {when}",
            count if isinstance(count, int) else 0,
        ).format(
            path=seen.get("path", "?"),
            file=seen.get("file") or _("no backup read yet"),
            count=count,
            when=when,
        )
        findings.append(
            (
                "PROBLEM" if problem else "OK",
                _("follow {name}").format(name=name),
                f"{detail}; {problem}" if problem else detail,
                _("see 'traycodes follow list'; 'traycodes follow add' again for a new password")
                if problem
                else "",
            )
        )


def _import_ok(module: str) -> bool:
    import importlib

    try:
        importlib.import_module(module)
    except Exception as exc:  # any failure means the part cannot work here
        import logging

        from ..errors import describe

        logging.getLogger(__name__).debug("cannot import %s: %s", module, describe(exc))
        return False
    return True


def _tray_finding() -> tuple[bool, str, str]:
    from ..app.tray import NoTray, load_backend

    try:
        backend, problems = load_backend()
    except NoTray as exc:
        return False, str(exc), _("run in a desktop session with a system tray")
    failed = [p for p in problems if p.startswith("appindicator:")]
    if backend.name == "none" and failed:
        return (
            False,
            _("a StatusNotifierItem host is there, but {problem}").format(problem=failed[0]),
            _("install PyGObject and AyatanaAppIndicator3 (scripts/run does it on Debian/Ubuntu)"),
        )
    if backend.name == "none":
        return (
            False,
            _("no StatusNotifierItem host: no icon (the shortcuts still work)"),
            _("KDE and waybar show one; on GNOME turn on the AppIndicator extension"),
        )
    if backend.name == "sni":
        return (
            True,
            _(
                "sni (the desktop's tray menu, served over D-Bus without PyGObject; "
                "GTK's own menus: pipx install 'traycodes[gtk]')"
            ),
            "",
        )
    if backend.has_menu:
        return True, _("{backend} (menus)").format(backend=backend.name), ""
    if backend.name == "xorg":
        return (
            True,
            _(
                "xorg (traycodes' own menu on a right-click, the quick-pick window on a click; "
                "the desktop's own menus need PyGObject: pipx install 'traycodes[gtk]')"
            ),
            "",
        )
    return (
        True,
        _("{backend} (icon only: click it for the window)").format(backend=backend.name),
        _("for menus install PyGObject and AppIndicator: scripts/run does it on Debian/Ubuntu"),
    )


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

    doctor = commands.add_parser(
        "doctor",
        help=N_("check each part of traycodes on this machine"),
        description=N_(
            "One line per part (display, tray, keyring, hotkeys, clipboard, QR "
            "reader, tray app, links, autostart, app menu, vault, backups, settings, clock; on "
            "Wayland also XWayland, the window in front, typing, screen capture): OK or "
            "PROBLEM, with the "
            "fix. Exits 1 when there is a problem."
        ),
    )
    vault_options(doctor, password=False)
    doctor.set_defaults(func=cmd_doctor)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: traycodes")
