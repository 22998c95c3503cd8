"""``doctor``'s rows for the platform's parts come from ``desktop.platform()``: on Windows
and macOS (their OS API faked) each part is reported, and a part that is missing is a
problem with its reason, never OK (0.6.0 said the hotkeys were fine on Windows while the
type hotkey could not work: no window reader)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from tests.contract import darwin_fake, win32_fake
from traycodes import desktop
from traycodes.cli import wayland
from traycodes.cli.platform_rows import Row, platform_rows
from traycodes.errors import TrayCodesError


def doctor_rows() -> dict[str, tuple[bool, str]]:
    rows: dict[str, tuple[bool, str]] = {}

    def check(part: str, ok: bool, detail: str, fix: str = "") -> None:
        rows[part] = (ok, detail)

    wayland.desktop_findings(check)
    return rows


def test_windows_reports_each_part(monkeypatch: pytest.MonkeyPatch) -> None:
    system = win32_fake.FakeWindows()
    win32_fake.install(system, monkeypatch.setattr)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(wayland, "hotkey_problems", lambda: [])  # not running: none taken
    system.open_window("Example", r"C:\Example\Example.exe", 7)
    rows = doctor_rows()
    assert rows["window in front"] == (True, "read from Windows")
    assert rows["typing"] == (True, "types through SendInput")
    assert rows["hotkeys"] == (True, "traycodes takes its hotkeys")
    assert rows["clipboard"][0] is True
    assert rows["screen lock"] == (False, desktop.platform().lock_watcher.reason)  # type: ignore[union-attr]
    assert rows["notifications"] == (
        True,
        "the tray icon's notifications (no notifier of its own)",
    )
    assert system.called("GetForegroundWindow")  # the reader was asked, not assumed


def test_macos_reports_each_part(monkeypatch: pytest.MonkeyPatch) -> None:
    system = darwin_fake.FakeMac()
    darwin_fake.install(system, monkeypatch.setattr, monkeypatch.setitem)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(wayland, "hotkey_problems", lambda: [])
    system.open_app("Example", 7, "Example")
    rows = doctor_rows()
    assert rows["window in front"] == (True, "read from macOS")
    assert rows["typing"] == (True, "types through Quartz events")
    assert ("frontmostApplication", ()) in system.calls


def test_a_missing_part_is_never_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows as 0.6.0 had it: no window reader. The row says so, with the reason."""
    monkeypatch.setattr(sys, "platform", "win32")
    lacking = dataclasses.replace(
        desktop.platform(), window_reader=desktop.Missing("no window reader was written")
    )
    rows: dict[str, Row] = {row[0]: row for row in platform_rows(lacking)}
    assert rows["window in front"] == (
        "window in front",
        False,
        "no window reader was written",
        "the hotkey opens a chooser instead",
    )


def test_a_reader_that_cannot_answer_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> desktop.WindowReader:
        raise desktop.DesktopError("the compositor did not answer")

    monkeypatch.setattr(sys, "platform", "win32")
    lacking = dataclasses.replace(desktop.platform(), window_reader=broken)
    rows = {row[0]: row for row in platform_rows(lacking)}
    assert rows["window in front"][1:3] == (False, "the compositor did not answer")


def linux_rows(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Row]:
    """The rows of a Linux session with ``env`` (X11 unless WAYLAND_DISPLAY is given)."""
    from traycodes.desktop import _portal

    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "SWAYSOCK", "XDG_CURRENT_DESKTOP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":99")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(_portal, "portal_has", lambda interface: False)
    return {row[0]: row for row in platform_rows(desktop.platform())}


def test_the_ipc_row_says_where_the_app_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    rows = linux_rows(monkeypatch, XDG_RUNTIME_DIR=str(runtime))
    assert rows["app's IPC"] == (
        "app's IPC",
        True,
        f"for this user alone: {runtime / 'traycodes.sock'}",
        "",
    )


def test_an_ipc_place_that_cannot_be_had_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> desktop.IpcTransport:
        raise TrayCodesError("the state folder is open to other users")

    monkeypatch.setattr(sys, "platform", "darwin")
    broken = dataclasses.replace(desktop.platform(), ipc_transport=refused)
    rows = {row[0]: row for row in platform_rows(broken)}
    assert rows["app's IPC"][1:3] == (False, "the state folder is open to other users")
    assert rows["app's IPC"][3]  # and what it costs


@pytest.mark.parametrize(("host", "said"), [(True, "tries sni, xorg"), (False, "tries gtk, xorg")])
def test_the_tray_row_names_the_backends_tried(
    host: bool, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traycodes.desktop import _unix_platform

    monkeypatch.setattr(_unix_platform, "status_notifier_host", lambda: host)
    monkeypatch.setattr(_unix_platform, "has_pygobject", lambda: not host)
    assert linux_rows(monkeypatch)["tray icon"] == ("tray icon", True, said, "")


def test_no_tray_on_wayland_without_a_host_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    from traycodes.desktop import _unix_platform

    monkeypatch.setattr(_unix_platform, "status_notifier_host", lambda: False)
    rows = linux_rows(monkeypatch, WAYLAND_DISPLAY="wayland-1", SWAYSOCK="/nowhere")
    assert rows["tray icon"][1:3] == (False, "no StatusNotifierItem host shows one here")
    assert "pick shortcut" in rows["tray icon"][3]


def test_the_macos_tray_is_the_menu_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    rows = {row[0]: row for row in platform_rows(desktop.platform())}
    assert rows["tray icon"] == ("tray icon", True, "tries darwin", "")


def hotkeys_row(monkeypatch: pytest.MonkeyPatch, problems: list[str]) -> tuple[bool, str, str]:
    rows: dict[str, tuple[bool, str, str]] = {}

    def check(part: str, ok: bool, detail: str, fix: str = "") -> None:
        rows[part] = (ok, detail, fix)

    system = win32_fake.FakeWindows()
    win32_fake.install(system, monkeypatch.setattr)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(wayland, "hotkey_problems", lambda: problems)
    wayland.desktop_findings(check)
    return rows["hotkeys"]


def test_a_hotkey_taken_is_mended_in_settings_in_any_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fix is chosen by the problem's kind, not its words: in German the words have
    no "Settings", and doctor still offers no other fix (it once said "run it inside the
    desktop session" to a German user whose hotkey another program held)."""
    from traycodes import i18n
    from traycodes.desktop import _keys
    from traycodes.keys import Hotkey

    i18n.set_languages(["de"])
    try:
        taken = _keys.taken(Hotkey.parse("<ctrl>+<alt>+o"))
        assert "Settings" not in taken and "Einstellungen" in taken
        assert hotkeys_row(monkeypatch, [taken])[2] == ""
        session = "kein Bildschirm"  # a problem of the session: the fix is said
        assert hotkeys_row(monkeypatch, [session])[2] != ""
    finally:
        i18n.set_languages(None)


def test_the_running_apps_hotkey_problems_keep_their_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    from traycodes import ipc

    state = {
        "ok": True,
        "hotkey_problems": ["Strg+Alt+O ist belegt", "no display"],
        "hotkey_problems_in_settings": [True, False],
    }
    monkeypatch.setattr(ipc, "request", lambda *args, **kwargs: state)
    problems = wayland.hotkey_problems()
    assert problems == state["hotkey_problems"]
    assert [isinstance(p, desktop.SettingsProblem) for p in problems] == [True, False]
