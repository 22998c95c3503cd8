"""traycodes on a real Wayland compositor: a headless sway, run (as sway insists) by an
unprivileged user, with XWayland, waybar's tray, wl-clipboard, grim and foot.

The hotkey path is the one users set up: sway's config binds a key to ``traycodes type``
(the line ``traycodes hotkeys`` prints), the key is pressed through wtype's virtual
keyboard, and the code must arrive in the Wayland-native window in front.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.apphelper import GITHUB_KEY, GOOGLE_KEY, expected_codes, grouped
from tests.desktop.session import wait_for
from tests.desktop.wayland import WaylandSession, wayland_session

pytestmark = pytest.mark.desktop

LINKS = (
    f"otpauth://totp/GitHub:octocat?secret={GITHUB_KEY}&issuer=GitHub",
    f"otpauth://totp/Google:me@gmail.com?secret={GOOGLE_KEY}&issuer=Google",
)


class WaylandApp:
    """The tray app, its vault and its CLI, as the session's user."""

    def __init__(self, session: WaylandSession) -> None:
        self.session = session
        self.env = {
            "TRAYCODES_VAULT": str(session.root / "vault.tcv"),
            "TRAYCODES_CONFIG": str(session.root / "settings.toml"),
            "TRAYCODES_KDF_COST": "minimum",
            "TRAYCODES_LOG": "debug",
            "TRAYCODES_DIAGNOSTICS": "codes",
        }
        session.env.update(self.env)  # sway's own bindings run `traycodes type` with these
        self.process: Any = None

    def cli(self, *args: str, stdin: str = "", check: bool = True, **env: str) -> Any:
        done = self.session.run([self.session.traycodes, *args], input=stdin, env=env)
        if check:
            assert done.returncode == 0, done.stderr
        return done

    def start(self) -> None:
        self.process = self.session._spawn("app", [self.session.traycodes])
        wait_for(self.answers, "the app's IPC socket", timeout=30)
        wait_for(lambda: not self.state()["locked"], "the app to unlock", timeout=20)

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the app exited: {self.log()}")
        try:
            return bool(self.request("ping").get("ok"))
        except AssertionError:
            return False

    def request(self, command: str) -> dict[str, Any]:
        code = (
            f"import json; from traycodes import ipc; print(json.dumps(ipc.request({command!r})))"
        )
        done = self.session.run([self.session.python, "-c", code])
        assert done.returncode == 0, done.stderr[-500:]
        reply: dict[str, Any] = json.loads(done.stdout)
        return reply

    def state(self) -> dict[str, Any]:
        return self.request("state")

    def log(self) -> str:
        return (self.session.root / "app.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.request("quit")
            try:
                self.process.wait(10)
            except Exception:
                self.process.kill()
        self.process = None


@pytest.fixture(scope="module")
def sway() -> Iterator[WaylandSession]:
    with wayland_session() as session:
        yield session


@pytest.fixture(scope="module")
def app(sway: WaylandSession) -> Iterator[WaylandApp]:
    app = WaylandApp(sway)
    settings = sway.root / "settings.toml"
    settings.write_text("clipboard_seconds = 3\n")
    sway.chown(settings)
    app.cli("init", "--password-stdin", stdin="pw\n")
    for link in LINKS:
        app.cli("add", link, TRAYCODES_PASSWORD="pw")
    app.cli("edit", "Google", "--hotkey-action", "copy", TRAYCODES_PASSWORD="pw")
    app.start()
    try:
        yield app
    finally:
        app.stop()


def test_sway_tells_which_window_is_in_front(sway: WaylandSession) -> None:
    sway.foot("Sign in to GitHub", "reader")
    try:
        code = (
            "from traycodes import desktop; "
            "w = desktop.platform().window_reader().active_window(); "
            "print(w.title, w.app, w.pid, *w.classes, sep='|')"
        )
        done = sway.run([sway.python, "-c", code])
        assert done.returncode == 0, done.stderr
        title, name, pid, *classes = done.stdout.strip().split("|")
        assert (title, name, classes) == ("Sign in to GitHub", "foot", ["reader"])
        assert Path(f"/proc/{pid}/comm").read_text().strip() == "foot"
    finally:
        sway.close_focused()


def marker(sway: WaylandSession, path: Path) -> str:
    """Type "x" through wtype until one arrives in ``path`` (wtype brings a virtual keyboard
    of its own: a window may drop the first key while it takes in its keymap); what came
    before the x's. A dead window never shows one."""
    for _ in range(5):
        sway.run(["wtype", "x"])
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: path.read_text().endswith("x"), "the marker", timeout=1)
            break
    text = path.read_text()
    assert text.endswith("x"), f"no marker arrived: {text!r}"
    return text.rstrip("x")


def test_the_hotkey_types_the_code_into_a_wayland_window(
    sway: WaylandSession, app: WaylandApp
) -> None:
    typed = sway.foot("Sign in to GitHub", "github")
    try:
        sway.press_hotkey()
        wait_for(lambda: len(typed.read_text()) >= 6, "the code to be typed", timeout=10)
        code = typed.read_text()[:6]
        assert code in expected_codes(GITHUB_KEY)
        assert marker(sway, typed) == code  # nothing more followed it
    finally:
        sway.close_focused()


def test_every_digit_arrives_in_a_gtk_window_each_time(
    sway: WaylandSession, app: WaylandApp
) -> None:
    """A GTK window lost the first digit of one code in five while it took in the new
    virtual keyboard's keymap; the code is typed after the keymap has settled."""
    field = sway.root / "gtk.typed"
    field.touch()
    sway.chown(field)
    target = sway.script("wayland_target.py")
    sway.swaymsg(
        f"exec env GDK_BACKEND=wayland /usr/bin/python3 {target} 'Sign in to GitHub' {field}"
    )
    wait_for(lambda: sway.focused_title() == "Sign in to GitHub", "the GTK window", timeout=15)
    try:
        # No probe key first: wtype's own virtual keyboard is what GTK drops keys of (the
        # app's typing waits for its keymap to settle); the first code is the probe.
        for _ in range(8):
            start = len(field.read_text())
            sway.press_hotkey()
            wait_for(lambda: len(field.read_text()) >= start + 6, "six digits", timeout=10)  # noqa: B023
            # a digit lost makes the wait above fail; one too many, the next round's check
            typed = field.read_text()[start:]
            assert typed in expected_codes(GITHUB_KEY), typed
    finally:
        sway.close_focused()


def test_an_unmatched_window_gets_nothing_typed(sway: WaylandSession, app: WaylandApp) -> None:
    typed = sway.foot("Untitled notes", "notes")
    try:
        sway.press_hotkey()
        # the chooser opens instead (an XWayland window): it takes the focus
        wait_for(lambda: sway.focused_title() == "traycodes: choose", "the chooser", timeout=10)
        assert "Untitled notes" in json.dumps(app.state(), ensure_ascii=False)
        for _ in range(10):  # XWayland hands a new window the keyboard a moment later
            sway.run(["wtype", "-k", "Escape"])
            with contextlib.suppress(TimeoutError):
                wait_for(lambda: sway.focused_title() == "Untitled notes", "closed", timeout=1)
                break
        assert sway.focused_title() == "Untitled notes"
        assert marker(sway, typed) == ""  # the terminal was live, and got nothing before it
    finally:
        sway.close_focused()


def test_a_copy_account_reaches_wayland_apps_through_wl_paste(
    sway: WaylandSession, app: WaylandApp
) -> None:
    typed = sway.foot("Sign in - Google Accounts", "google")
    try:
        sway.run(["wl-copy", "--clear"])
        sway.press_hotkey()

        def pasted() -> str:
            return str(sway.run(["wl-paste", "--no-newline"]).stdout)

        wait_for(lambda: pasted() in expected_codes(GOOGLE_KEY), "the code on the clipboard")
        assert typed.read_text() == ""  # copied, not typed
        wait_for(lambda: pasted() == "", "the clipboard to be cleared", timeout=10)
        # cleared only while it still holds the code: what the user copies since stays
        sway.press_hotkey()
        wait_for(lambda: pasted() in expected_codes(GOOGLE_KEY), "the code again")
        # (wl-copy leaves a child to serve the clipboard: no pipes of ours for it to hold)
        sway.run(["sh", "-c", "printf 'my own text' | wl-copy >/dev/null 2>&1"])
        wait_for(lambda: "the clipboard left as it is" in app.log(), "the app's clear", timeout=10)
        assert pasted() == "my own text"
        # the code went to wl-copy on its standard input, never in an argument
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                argv = cmdline.read_bytes().split(b"\0")
            except OSError:
                continue
            if argv and argv[0].endswith(b"wl-copy"):
                assert not {a.decode(errors="replace") for a in argv} & expected_codes(GOOGLE_KEY)
    finally:
        sway.close_focused()


def test_waybar_shows_the_icon_and_its_menu_lists_the_codes(
    sway: WaylandSession, app: WaylandApp
) -> None:
    assert app.state()["backend"] == "appindicator"  # chosen: a host is there to show it
    script = """
import json
from jeepney import DBusAddress, Properties, new_method_call
from jeepney.io.blocking import open_dbus_connection
c = open_dbus_connection(bus="SESSION")
watcher = DBusAddress("/StatusNotifierWatcher", bus_name="org.kde.StatusNotifierWatcher",
                      interface="org.kde.StatusNotifierWatcher")
items = c.send_and_get_reply(Properties(watcher).get("RegisteredStatusNotifierItems")).body[0][1]
labels = []
for item in items:
    name, _, path = item.partition("/")
    address = DBusAddress("/" + path, bus_name=name, interface="org.kde.StatusNotifierItem")
    menu = c.send_and_get_reply(Properties(address).get("Menu")).body[0][1]
    layout = c.send_and_get_reply(new_method_call(
        DBusAddress(menu, bus_name=name, interface="com.canonical.dbusmenu"),
        "GetLayout", "iias", (0, -1, ["label"]))).body[1]
    def walk(node):
        _, props, children = node
        if "label" in props:
            labels.append(props["label"][1])
        for child in children:
            walk(child[1])
    walk(layout)
print(json.dumps({"items": items, "labels": labels}))
"""

    def read() -> dict[str, Any]:
        done = sway.run([sway.python, "-c", script])
        assert done.returncode == 0, done.stderr[-800:]
        found: dict[str, Any] = json.loads(done.stdout)
        return found

    wait_for(lambda: bool(read()["items"]), "the icon in waybar's tray")
    labels = " ".join(read()["labels"])
    codes = {grouped(code) for code in expected_codes(GITHUB_KEY)}
    assert "GitHub" in labels and any(code in labels for code in codes), labels


def test_a_qr_code_in_a_wayland_window_is_found_through_grim(sway: WaylandSession) -> None:
    import segno

    link = f"otpauth://totp/Example:alice?secret={GITHUB_KEY}&issuer=Example"
    picture = sway.root / "qr.png"
    segno.make(link, error="m").save(str(picture), scale=8, border=4)
    sway.chown(picture)
    viewer = (
        "import sys, gi; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk; "
        "w = Gtk.Window(title='QR code'); w.add(Gtk.Image.new_from_file(sys.argv[1])); "
        "w.connect('destroy', Gtk.main_quit); w.show_all(); Gtk.main()"
    )
    sway.swaymsg(f'exec env GDK_BACKEND=wayland /usr/bin/python3 -c "{viewer}" {picture}')
    wait_for(lambda: sway.focused_title() == "QR code", "the QR window", timeout=15)
    try:
        scan = (
            "from traycodes import desktop; from traycodes.formats import qr_texts; "
            "print(*qr_texts(desktop.platform().screenshot()), sep='\\n')"
        )

        def found() -> list[str]:
            done = sway.run([sway.python, "-c", scan])
            assert done.returncode == 0, done.stderr[-800:]
            return str(done.stdout).splitlines()

        wait_for(lambda: link in found(), "the code found on screen (once drawn)", timeout=15)
    finally:
        sway.close_focused()


def test_doctor_says_what_works_on_sway(sway: WaylandSession, app: WaylandApp) -> None:
    done = sway.run([sway.traycodes, "doctor"], env=app.env)
    rows = {line.split()[1]: line for line in done.stdout.splitlines() if line.strip()}
    said = done.stdout
    assert "Wayland (sway)" in rows["display"]
    for part, detail in (
        ("window in front", "read from sway"),
        ("typing", "wtype"),
        ("hotkeys", "a shortcut runs 'traycodes type'"),
        ("clipboard", "wl-clipboard"),
        ("screen (QR)", "grim"),
        ("XWayland", "for traycodes' windows"),
        ("tray", "appindicator"),
    ):
        line = next(line for line in said.splitlines() if f" {part} " in f" {line} ")
        assert line.startswith("OK") and detail in line, line


def test_hotkeys_prints_the_line_sway_runs(sway: WaylandSession, app: WaylandApp) -> None:
    done = app.cli("hotkeys")
    assert f"bindsym Ctrl+Alt+o exec {sway.traycodes} type" in done.stdout.splitlines()


def test_without_xwayland_the_app_says_what_it_needs(sway: WaylandSession, app: WaylandApp) -> None:
    runtime = sway.root / "other-runtime"  # not the running app's: its socket is not there
    runtime.mkdir(mode=0o700)
    sway.chown(runtime)
    env = {**app.env, "XDG_RUNTIME_DIR": str(runtime), "DISPLAY": ""}
    done = sway.run([sway.traycodes], env=env)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and "XWayland" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    done = sway.run([sway.traycodes, "code", "GitHub"], env=env)
    assert done.returncode == 0 and done.stdout.strip() in expected_codes(GITHUB_KEY)


def test_without_a_tray_host_the_app_runs_on_and_says_so(
    sway: WaylandSession, app: WaylandApp
) -> None:
    """Last: it stops waybar and the module's app."""
    app.stop()
    sway.stop_part("waybar")
    app.start()
    assert app.state()["backend"] == "none"
    assert "no tray on this desktop" in app.log()
    typed = sway.foot("Sign in to GitHub", "after")
    try:
        sway.press_hotkey()
        wait_for(lambda: len(typed.read_text()) >= 6, "the code to be typed", timeout=10)
        assert typed.read_text() in expected_codes(GITHUB_KEY)
        # the pick shortcut still reaches traycodes' window
        done = sway.run(["wtype", "-M", "ctrl", "-M", "alt", "-k", "p", "-m", "alt", "-m", "ctrl"])
        assert done.returncode == 0, done.stderr
        wait_for(lambda: bool(app.state()["quickpick"]), "the quick-pick window", timeout=10)
    finally:
        sway.close_focused()
