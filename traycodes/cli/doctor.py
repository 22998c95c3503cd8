"""``traycodes doctor``: one line per part of traycodes on this machine, OK or PROBLEM,
what was found, and the fix."""

from __future__ import annotations

import argparse
import os

from ..i18n import N_, _, ngettext
from .common import on_at

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
            _("{state} ('traycodes handler on' to open them here)").format(state=handled)
            if handled == _("off")
            else handled,
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
