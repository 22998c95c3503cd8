"""KDE Plasma and GNOME on Wayland, through fakes of their D-Bus services on a real
dbus-daemon (fakeportal.py): typing and the screen through the portals, global shortcuts,
the window in front through KWin scripts, and what ``doctor`` says on each. Hyprland's
socket is faked the same way, from its documented replies."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.fakeportal import FakeDesktop
from tests.desktop.session import DesktopSession, desktop_session

pytestmark = pytest.mark.desktop

GITHUB = {"caption": "Sign in to GitHub", "resourceClass": "org.kde.konsole", "pid": 1,
          "internalId": "{5e1f}"}  # fmt: skip


@pytest.fixture(scope="module")
def bus() -> Iterator[DesktopSession]:
    with (
        desktop_session(x=False, keyring=False, window_manager=False) as session,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("DBUS_SESSION_BUS_ADDRESS", session.env["DBUS_SESSION_BUS_ADDRESS"])
        yield session


@pytest.fixture
def fake(bus: DesktopSession, request: pytest.FixtureRequest) -> Iterator[FakeDesktop]:
    options: dict[str, Any] = getattr(request, "param", {})
    options.setdefault("portals", {"RemoteDesktop": 2, "Screenshot": 2, "GlobalShortcuts": 1})
    desktop = FakeDesktop(bus.env["DBUS_SESSION_BUS_ADDRESS"], **options)
    try:
        yield desktop
    finally:
        desktop.close()


# --- RemoteDesktop: typing --------------------------------------------------------------------


def test_the_portal_types_keysyms_and_the_user_consents_once(
    fake: FakeDesktop, tmp_path: Path
) -> None:
    from traycodes.desktop._portal import PortalKeyboard

    token = tmp_path / "state" / "remote-desktop.token"
    keyboard = PortalKeyboard(token_file=token)
    keyboard.type("042917", enter=True)
    keyboard.close()
    pressed = [sym for sym, state in fake.keys if state == 1]
    assert pressed == [ord(c) for c in "042917"] + [0xFF0D]
    assert [state for _, state in fake.keys] == [1, 0] * 7  # each key let go
    select = next(args for name, args in fake.calls if name.endswith("SelectDevices"))
    assert select[1]["types"] == ("u", 1)  # the keyboard only, not the pointer
    assert "restore_token" not in select[1]
    assert token.read_text() == "restore-2"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    # the next start hands the token back: the desktop does not ask again
    fake.calls.clear()
    again = PortalKeyboard(token_file=token)
    again.type("1")
    again.close()
    select = next(args for name, args in fake.calls if name.endswith("SelectDevices"))
    assert select[1]["restore_token"] == ("s", "restore-2")


@pytest.mark.parametrize("fake", [{"consent": False}], indirect=True)
def test_a_refused_consent_types_nothing_and_says_so(fake: FakeDesktop, tmp_path: Path) -> None:
    from traycodes.desktop import DesktopError
    from traycodes.desktop._portal import PortalKeyboard

    with pytest.raises(DesktopError, match="refused"):
        PortalKeyboard(token_file=tmp_path / "token").type("123456")
    assert fake.keys == []


# --- Screenshot -------------------------------------------------------------------------------


def test_the_screenshot_portal_finds_a_qr_code_and_its_file_is_deleted(
    bus: DesktopSession, tmp_path: Path
) -> None:
    import segno

    from traycodes.desktop._portal import portal_screenshot
    from traycodes.formats import qr_texts

    link = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"
    shot = tmp_path / "Screenshot from today.png"
    segno.make(link).save(str(shot), scale=6, border=4)
    fake = FakeDesktop(
        bus.env["DBUS_SESSION_BUS_ADDRESS"], portals={"Screenshot": 2}, screenshot=shot
    )
    try:
        picture = portal_screenshot()
    finally:
        fake.close()
    assert qr_texts(picture) == [link]
    assert not shot.exists()  # a screen with a QR code on it holds a secret


# --- GlobalShortcuts --------------------------------------------------------------------------


def test_global_shortcuts_are_bound_through_the_portal_and_heard(
    fake: FakeDesktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Wayland the platform's global_shortcuts part is the portal (where the desktop has
    it); the punctuation key is written as its keysym name, as the portal reads it."""
    from traycodes import desktop

    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")
    monkeypatch.delenv("SWAYSOCK", raising=False)
    monkeypatch.delenv("HYPRLAND_INSTANCE_SIGNATURE", raising=False)
    heard = threading.Event()
    make = desktop.required(desktop.platform().global_shortcuts)
    shortcuts = make(
        {"<ctrl>+<alt>+o": heard.set, "<ctrl>+<alt>+,": print},
        {"<ctrl>+<alt>+o": ("type", "Type the code"), "<ctrl>+<alt>+,": ("pick", "Show")},
    )
    assert shortcuts.start() == []
    try:
        bind = next(args for name, args in fake.calls if name.endswith("BindShortcuts"))
        assert [(key, opts["preferred_trigger"][1]) for key, opts in bind[1]] == [
            ("type", "CTRL+ALT+o"),
            ("pick", "CTRL+ALT+comma"),
        ]
        fake.activate_shortcut("type")
        assert heard.wait(5)
    finally:
        shortcuts.stop()


# --- KWin -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fake", [{"kwin": True, "active": GITHUB}], indirect=True)
def test_kwin_scripts_tell_which_window_is_in_front(fake: FakeDesktop) -> None:
    from traycodes.desktop._kwin import KWinDesktop

    reader = KWinDesktop()
    try:
        window = reader.active_window()
        assert window is not None
        assert (window.id, window.title, window.classes) == (
            "{5e1f}",
            "Sign in to GitHub",
            ("org.kde.konsole",),
        )
        fake.windows["{77}"] = {**GITHUB, "caption": "Other", "internalId": "{77}"}
        assert reader.activate("{77}")
        assert not reader.activate("{nope}")
    finally:
        reader.close()
    unloaded = [args for name, args in fake.calls if name.endswith("unloadScript")]
    assert len(unloaded) == len(fake.scripts)  # every script is unloaded again


@pytest.mark.parametrize(
    "fake", [{"kwin": True, "active": GITHUB, "forge_first": True}], indirect=True
)
def test_a_report_without_the_scripts_nonce_is_not_believed(fake: FakeDesktop) -> None:
    from traycodes.desktop._kwin import KWinDesktop

    reader = KWinDesktop()
    try:
        window = reader.active_window()
    finally:
        reader.close()
    assert window is not None and window.title == "Sign in to GitHub"


# --- doctor on KDE and GNOME ------------------------------------------------------------------


def doctor(bus: DesktopSession, tmp_path: Path, desktop_name: str, **env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("SWAYSOCK", "DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-m", "traycodes", "doctor"],
        env={
            **base,
            "DBUS_SESSION_BUS_ADDRESS": bus.env["DBUS_SESSION_BUS_ADDRESS"],
            "WAYLAND_DISPLAY": "wayland-test",
            "DISPLAY": ":99",
            "XDG_CURRENT_DESKTOP": desktop_name,
            "XDG_RUNTIME_DIR": str(tmp_path),
            "TRAYCODES_VAULT": str(tmp_path / "vault.tcv"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    rows = {}
    for line in done.stdout.splitlines():
        status, rest = line.split(maxsplit=1)
        part = max((p for p in PARTS if rest.startswith(p + " ")), key=len)
        rows[part] = f"{status} {rest[len(part) :].strip()}"
    return rows


PARTS = ("display", "XWayland", "tray", "keyring", "window in front", "typing", "hotkeys",
         "clipboard and windows", "clipboard", "screen (QR)", "QR reader", "tray app",
         "otpauth: links", "start at login", "app menu", "browser host", "vault", "backups",
         "settings", "clock", "clock offset", "follow", "screen lock", "notifications",
         "file changes", "app's IPC", "tray icon")  # fmt: skip


@pytest.mark.parametrize("fake", [{"kwin": True, "active": GITHUB, "watcher": True}], indirect=True)
def test_doctor_on_kde_plasma(bus: DesktopSession, fake: FakeDesktop, tmp_path: Path) -> None:
    rows = doctor(bus, tmp_path, "KDE")
    assert rows["display"] == "OK Wayland (kde)"
    assert rows["window in front"] == "OK read from KDE Plasma"
    assert rows["typing"] == "OK types through RemoteDesktop portal"
    assert rows["hotkeys"].startswith("OK the GlobalShortcuts portal")
    assert rows["screen (QR)"] == "OK the Screenshot portal"
    # KDE hosts StatusNotifierItems: the host is found; GTK cannot start without a real
    # display here, so the icon and its menu are served over D-Bus without it (sni)
    assert rows["tray"].startswith("OK sni (the desktop's tray menu, served over D-Bus"), rows


@pytest.mark.parametrize(
    "fake", [{"portals": {"RemoteDesktop": 2, "Screenshot": 2}}], indirect=True
)
def test_doctor_on_gnome_47(bus: DesktopSession, fake: FakeDesktop, tmp_path: Path) -> None:
    """GNOME before 48: no GlobalShortcuts portal, no window in front, no tray host
    without the AppIndicator extension; a custom shortcut bound through gsettings."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    gsettings = bindir / "gsettings"
    store = tmp_path / "gsettings.json"
    store.write_text(json.dumps({}))
    gsettings.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"store = json.load(open({str(store)!r}))\n"
        "print(store.get(' '.join(sys.argv[2:]), '@as []'))\n"
    )
    gsettings.chmod(0o755)
    env = {"PATH": f"{bindir}:{os.environ['PATH']}"}
    rows = doctor(bus, tmp_path, "GNOME", **env)
    assert rows["window in front"].startswith("PROBLEM GNOME does not let apps see")
    # the portal could type, but into which window? GNOME never says: nothing types blind
    assert rows["typing"].startswith("PROBLEM codes are copied: with no window in front")
    assert rows["hotkeys"].startswith("PROBLEM no shortcut runs 'traycodes type'")
    assert "'traycodes hotkeys' prints the line to add" in rows["hotkeys"]
    assert rows["tray"].startswith("PROBLEM no StatusNotifierItem host")
    assert rows["screen (QR)"] == "OK the Screenshot portal"
    # bound as 'traycodes hotkeys --desktop gnome' says
    keys = "org.gnome.settings-daemon.plugins.media-keys"
    path = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/traycodes-type/"
    store.write_text(json.dumps({
        f"{keys} custom-keybindings": f"['{path}']",
        f"{keys}.custom-keybinding:{path} command": "'/usr/bin/traycodes type'",
    }))  # fmt: skip
    assert doctor(bus, tmp_path, "GNOME", **env)["hotkeys"] == (
        "OK a shortcut runs 'traycodes type'"
    )


@pytest.mark.parametrize("fake", [{"portals": {}}], indirect=True)
def test_doctor_on_gnome_without_portals_says_what_is_missing(
    bus: DesktopSession, fake: FakeDesktop, tmp_path: Path
) -> None:
    rows = doctor(bus, tmp_path, "GNOME", PATH="/usr/bin:/bin")
    assert rows["typing"].startswith("PROBLEM codes are copied")
    assert rows["screen (QR)"].startswith("PROBLEM nothing can capture it")


# --- Hyprland ---------------------------------------------------------------------------------


class FakeHyprland:
    """Hyprland's request socket: ``j/activewindow`` and ``dispatch focuswindow``."""

    def __init__(self, path: Path) -> None:
        self.active = {"address": "0x55d4a1c0", "title": "Sign in to GitHub", "class": "foot",
                       "initialClass": "foot", "pid": 1}  # fmt: skip
        self.requests: list[str] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with client:
                request = client.recv(4096).decode()
                self.requests.append(request)
                if request == "j/activewindow":
                    client.sendall(json.dumps(self.active).encode())
                elif request.startswith("dispatch focuswindow address:"):
                    self.active = {**self.active, "address": request.rsplit(":", 1)[1]}
                    client.sendall(b"ok")


def test_hyprland_tells_the_window_in_front_and_takes_no_injected_dispatch(
    tmp_path: Path,
) -> None:
    from traycodes.desktop._wayland import HyprlandDesktop

    fake = FakeHyprland(tmp_path / ".socket.sock")
    reader = HyprlandDesktop(tmp_path / ".socket.sock")
    window = reader.active_window()
    assert window is not None and (window.id, window.title) == ("0x55d4a1c0", "Sign in to GitHub")
    assert reader.activate("0x77")
    assert not reader.activate("0x77;dispatch exec rm -rf ~")
    assert fake.requests.count("dispatch focuswindow address:0x77") == 1
    assert not any("exec" in r for r in fake.requests)
    fake.server.close()


def test_a_socket_another_user_planted_in_tmp_is_not_trusted(tmp_path: Path) -> None:
    from traycodes.desktop._wayland import trusted_socket

    if os.getuid() != 0:
        pytest.skip("needs root to make a socket owned by another user")
    path = tmp_path / ".ydotool_socket"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    try:
        assert trusted_socket(path)  # root's own
        os.chown(path, 65534, 65534)  # nobody's: planted
        assert not trusted_socket(path)
    finally:
        server.close()


def test_doctor_on_kde_without_kwin_says_so_and_goes_on(
    bus: DesktopSession, fake: FakeDesktop, tmp_path: Path
) -> None:
    rows = doctor(bus, tmp_path, "KDE")
    assert rows["window in front"].startswith("PROBLEM KWin refused loadScript")
    assert rows["typing"].startswith("PROBLEM codes are copied")
    assert rows["settings"].startswith("OK")  # every row after it is still there
