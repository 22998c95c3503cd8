"""Wayland's parts that need no compositor: which desktop this is, the shortcut lines
``traycodes hotkeys`` prints, the tray backend a StatusNotifierItem host decides, codes
handed to helpers on their standard input (never in argv), and copying where nothing can
type. The real compositor is in tests/desktop/test_wayland.py."""

from __future__ import annotations

import os
import shlex
import stat
import string
import sys
from pathlib import Path

import pytest

from tests.unit.test_typist import APP_WINDOW, FakeApp, FakeDesktop
from traycodes.app.hotkey import Typist
from traycodes.cli.wayland import hotkey_lines
from traycodes.desktop._platform import compositor
from traycodes.desktop._portal import portal_shortcuts
from traycodes.desktop._wayland import WtypeKeyboard, YdotoolKeyboard
from traycodes.keys import Hotkey


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"SWAYSOCK": "/run/user/1000/sway-ipc.sock", "XDG_CURRENT_DESKTOP": "sway"}, "sway"),
        ({"HYPRLAND_INSTANCE_SIGNATURE": "abc", "XDG_CURRENT_DESKTOP": "Hyprland"}, "hyprland"),
        ({"XDG_CURRENT_DESKTOP": "KDE"}, "kde"),
        ({"XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}, "gnome"),
        ({"XDG_SESSION_DESKTOP": "river"}, "wlroots"),
        ({}, "unknown"),
    ],
)
def test_the_compositor_is_known_by_what_its_session_sets(env: dict[str, str], kind: str) -> None:
    assert compositor(env) == kind


BINDINGS = {"type": "<ctrl>+<alt>+o", "pick": "<ctrl>+<shift>+<cmd>+p"}
COMMAND = ["/home/me/.local/bin/traycodes"]
YDOTOOL_SOCKET = Path("/run/user/1000/.ydotool_socket")


def test_sway_lines_bind_the_keys_to_traycodes_type() -> None:
    lines = hotkey_lines("sway", BINDINGS, COMMAND)
    assert "bindsym Ctrl+Alt+o exec /home/me/.local/bin/traycodes type" in lines
    assert "bindsym Ctrl+Shift+Mod4+p exec /home/me/.local/bin/traycodes pick" in lines


def test_doctor_finds_a_sway_binding_in_an_included_file_or_a_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sway's IPC sends only the main config; most people bind keys in included files
    (``include ~/.config/sway/config.d/*``, Debian's ``/etc/sway/config.d/*``)."""
    from traycodes.cli.wayland import shortcut_bound

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("KEYS_DIR", "keys.d")
    included = tmp_path / ".config" / "sway" / "keys.d"
    included.mkdir(parents=True)
    (tmp_path / ".config" / "sway" / "config.d").mkdir()

    class Reader:
        text = "# exec traycodes type\nexec traycodes\ninclude ~/.config/sway/config.d/*\n"

        def config(self) -> str:
            return self.text

    reader = Reader()
    assert shortcut_bound("sway", reader) is False  # a comment or a startup line is no binding
    (included / "10-apps").write_text("bindsym {\n  Ctrl+Alt+o exec traycodes type\n}\n")
    reader.text += "include $KEYS_DIR/*\n"  # relative to ~/.config/sway, variables expanded
    assert shortcut_bound("sway", reader) is True
    (included / "10-apps").write_text("mode resize {\n  bindsym Escape mode default\n}\n")
    assert shortcut_bound("sway", reader) is False
    (included / "20-nested").write_text(f"include {tmp_path}/deeper\n")
    (tmp_path / "deeper").write_text("bindcode --release 133+32 exec 'traycodes' type\n")
    assert shortcut_bound("sway", reader) is True


def test_hyprland_lines() -> None:
    lines = hotkey_lines("hyprland", BINDINGS, COMMAND)
    assert "bind = CTRL ALT, O, exec, /home/me/.local/bin/traycodes type" in lines


def test_gnome_lines_keep_the_users_own_shortcuts(monkeypatch: pytest.MonkeyPatch) -> None:
    from traycodes.cli import wayland

    mine = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/custom0/"
    monkeypatch.setattr(wayland, "gnome_custom_paths", lambda: [mine])
    lines = hotkey_lines("gnome", BINDINGS, ["/opt/tray codes/traycodes"])
    listed = next(line for line in lines if line.split()[3] == "custom-keybindings")
    assert listed.index(mine) < listed.index("traycodes-type/") < listed.index("traycodes-pick/")
    commands = [shlex.split(line)[-1] for line in lines if " command " in line]
    assert [shlex.split(c) for c in commands] == [
        ["/opt/tray codes/traycodes", "type"],
        ["/opt/tray codes/traycodes", "pick"],
    ]
    assert any(line.endswith("binding '<Control><Alt>o'") for line in lines)


def test_kde_and_x11_say_where_the_keys_are_set() -> None:
    assert any("Ctrl+Alt+O" in line for line in hotkey_lines("kde", BINDINGS, COMMAND))
    assert "type: <ctrl>+<alt>+o" in hotkey_lines("x11", BINDINGS, COMMAND)


def trigger(hotkey: str) -> str:
    """The preferred trigger the portal is asked to bind ``hotkey`` to."""
    (_, preferred, _), *_ = portal_shortcuts({hotkey: print}).bindings.values()
    return preferred


def test_the_portals_trigger_is_written_as_the_shortcut_spec_has_it() -> None:
    """The XDG shortcuts spec: xkbcommon's modifier names, and the key by its keysym name
    (letters, digits and underscores only): ``CTRL+ALT+,`` is no trigger."""
    assert trigger("<ctrl>+<alt>+o") == "CTRL+ALT+o"
    assert trigger("<cmd>+<shift>+k") == "SHIFT+LOGO+k"  # modifiers in one order
    assert trigger("<ctrl>+<alt>+,") == "CTRL+ALT+comma"
    assert trigger("<ctrl>+<shift>+<page_down>") == "CTRL+SHIFT+Next"
    for mark in string.punctuation:
        if mark != "+":  # the joiner, never a hotkey's key
            key = trigger(f"<ctrl>+<alt>+{mark}").rsplit("+", 1)[1]
            assert key.replace("_", "").isalnum(), (mark, key)


def test_the_portal_names_each_shortcut_by_its_label() -> None:
    labels = {"<ctrl>+<alt>+o": ("type", "Type the code for the window in front")}
    made = portal_shortcuts({"<ctrl>+<alt>+o": print, "<ctrl>+<alt>+p": print}, labels)
    assert {key: text for key, (text, _, _) in made.bindings.items()} == {
        "type": "Type the code for the window in front",
        "<ctrl>+<alt>+p": "Ctrl+Alt+P",  # no label: the hotkey itself
    }


# --- the tray follows the host --------------------------------------------------------------


@pytest.mark.parametrize(
    ("server", "host", "gi", "expected"),
    [
        ("wayland", True, True, ("appindicator", "sni", "none")),
        ("wayland", False, True, ("none",)),
        ("x11", True, True, ("appindicator", "gtk", "xorg")),
        # no host: GTK's own XEmbed icon (AppIndicator's fallback to it prints a Gdk-CRITICAL)
        ("x11", False, True, ("gtk", "xorg")),
        # without PyGObject: the host's own menu over D-Bus, else traycodes' popup on xorg
        ("x11", True, False, ("sni", "xorg")),
        ("x11", False, False, ("appindicator", "gtk", "xorg")),
    ],
)
def test_the_tray_backend_follows_the_status_notifier_host(
    monkeypatch: pytest.MonkeyPatch, server: str, host: bool, gi: bool, expected: tuple[str, ...]
) -> None:
    from traycodes.app import tray
    from traycodes.desktop import _portal, _unix_platform

    monkeypatch.delenv("TRAYCODES_TRAY_BACKEND", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setenv("XDG_SESSION_TYPE", server)
    if server == "x11":
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    else:
        monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
        monkeypatch.setenv("SWAYSOCK", "/nowhere")  # sway: no portal to ask
    monkeypatch.setattr(_portal, "portal_has", lambda interface: False)
    monkeypatch.setattr(_unix_platform, "status_notifier_host", lambda: host)
    monkeypatch.setattr(_unix_platform, "has_pygobject", lambda: gi)
    assert tray.candidates() == expected


def test_no_host_means_no_icon_and_a_clear_word(monkeypatch: pytest.MonkeyPatch) -> None:
    from traycodes.app import tray

    monkeypatch.setenv("TRAYCODES_TRAY_BACKEND", "none")
    backend, problems = tray.load_backend()
    assert (backend.name, backend.has_menu) == ("none", False)
    assert problems == [tray.NO_HOST]
    icon = tray.make_icon(backend, None, "traycodes", None)
    icon.stop()
    icon.run()  # returns: stopped


# --- codes go to helpers on stdin --------------------------------------------------------------


@pytest.fixture
def helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stand-ins for wtype and ydotool that note their argv and standard input."""
    for name in ("wtype", "ydotool"):
        tool = tmp_path / name
        tool.write_text(
            f"#!{sys.executable}\nimport json, sys\n"
            f"with open({str(tmp_path / 'calls')!r}, 'a') as f:\n"
            "    f.write(json.dumps([sys.argv[1:], sys.stdin.read()]) + '\\n')\n"
        )
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "calls"


def calls(path: Path) -> list[list[object]]:
    import json

    return [json.loads(line) for line in path.read_text().splitlines()]


def test_wtype_gets_the_code_on_stdin_and_never_in_argv(helpers: Path) -> None:
    WtypeKeyboard().type("042917", enter=True)
    WtypeKeyboard().press(Hotkey.parse("<alt>+<shift>+o"))
    assert calls(helpers) == [
        [["-s", "20", "-", "-k", "Return"], "042917"],
        [["-s", "20", "-M", "alt", "-M", "shift", "-k", "o", "-m", "shift", "-m", "alt"], ""],
    ]


def test_ydotool_gets_the_code_on_stdin_and_never_in_argv(helpers: Path) -> None:
    YdotoolKeyboard(YDOTOOL_SOCKET).type("042917", enter=True)
    YdotoolKeyboard(YDOTOOL_SOCKET).press(Hotkey.parse("<ctrl>+<alt>+o"))
    assert calls(helpers) == [
        [["type", "--file", "-"], "042917"],
        [["key", "28:1", "28:0"], ""],
        [["key", "29:1", "56:1", "24:1", "24:0", "56:0", "29:0"], ""],
    ]


@pytest.mark.parametrize(
    ("shortcut", "wtype_keys", "ydotool_codes"),
    [
        ("Ctrl+Shift+Comma", ["-M", "ctrl", "-M", "shift", "-k", "comma"], [29, 42, 51]),
        ("Alt+Shift+7", ["-M", "alt", "-M", "shift", "-k", "7"], [56, 42, 8]),
        ("Ctrl+Alt+PageDown", ["-M", "ctrl", "-M", "alt", "-k", "Next"], [29, 56, 109]),
        ("Alt+F12", ["-M", "alt", "-k", "F12"], [56, 88]),
        ("Ctrl+Period", ["-M", "ctrl", "-k", "period"], [29, 52]),
    ],
)
def test_every_key_a_browser_shortcut_may_have_is_pressed(
    helpers: Path, shortcut: str, wtype_keys: list[str], ydotool_codes: list[int]
) -> None:
    """The extension's shortcut is the user's to change (chrome.commands: letters, digits,
    Comma, Period, PageUp, F1-F12 ...): each keyboard presses whatever it may be."""
    from traycodes.browser.seen import keys

    WtypeKeyboard().press(keys(shortcut))
    YdotoolKeyboard(YDOTOOL_SOCKET).press(keys(shortcut))
    released = [f"{c}:0" for c in reversed(ydotool_codes)]
    mods = [k for k in wtype_keys[:-2] if k != "-M"]
    ups = [x for m in reversed(mods) for x in ("-m", m)]
    assert calls(helpers) == [
        [["-s", "20", *wtype_keys, *ups], ""],
        [["key", *(f"{c}:1" for c in ydotool_codes), *released], ""],
    ]


def test_a_key_no_keyboard_knows_is_one_clear_error(helpers: Path) -> None:
    from traycodes.browser.seen import keys
    from traycodes.desktop import DesktopError

    for keyboard in (WtypeKeyboard(), YdotoolKeyboard(YDOTOOL_SOCKET)):
        with pytest.raises(DesktopError, match=r"cannot press the key 'mediaplaypause'"):
            keyboard.press(keys("Ctrl+MediaPlayPause"))
    with pytest.raises(ValueError, match="exactly one key"):  # 'hyper' is held by no one
        keys("Hyper+O")
    assert not helpers.exists()  # nothing half-pressed


def test_a_helper_that_fails_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from traycodes.desktop import DesktopError

    tool = tmp_path / "wtype"
    said = "Compositor does not support the virtual keyboard protocol"
    tool.write_text(f"#!/bin/sh\necho '{said}' >&2\nexit 1\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DesktopError, match=r"^wtype failed: Compositor does not support"):
        WtypeKeyboard().type("123456")


@pytest.mark.parametrize("version", ["2.1.0", "2.3.0"])
def test_a_copy_carries_the_password_manager_hint_where_wl_copy_can(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    """wl-clipboard 2.3 has --sensitive; older ones end with a usage error on it, so the
    hint is asked for only where --help lists it, and the code is on stdin either way."""
    from traycodes.desktop._wayland import WlClipboard

    options = "\t-n, --trim-newline\n" + ("\t    --sensitive\n" if version == "2.3.0" else "")
    tool = tmp_path / "wl-copy"
    tool.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        "if sys.argv[1:] == ['--help']:\n"
        f"    print('Usage: wl-copy [options]\\n' + {options!r}); sys.exit(0)\n"
        f"if '--sensitive' in sys.argv and {version!r} < '2.3':\n"
        "    sys.exit('wl-copy: unrecognized option')\n"
        f"with open({str(tmp_path / 'calls')!r}, 'a') as f:\n"
        "    f.write(json.dumps([sys.argv[1:], sys.stdin.read()]) + '\\n')\n"
    )
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    clipboard = WlClipboard()
    clipboard.set_text("042917")
    clipboard.set_text("318004")
    hint = ["--sensitive"] if version == "2.3.0" else []
    argv = [*hint, "--type", "text/plain;charset=utf-8"]
    assert calls(tmp_path / "calls") == [[argv, "042917"], [argv, "318004"]]
    assert clipboard.marks_sensitive is (version == "2.3.0")


# --- nothing can type: copy --------------------------------------------------------------------


def test_where_nothing_can_type_the_code_is_copied() -> None:
    app = FakeApp()
    typist = Typist(app, FakeDesktop(APP_WINDOW), keyboard=None)  # type: ignore[arg-type]
    typist.for_window_in_front()
    assert [kind for kind, _ in app.events if kind in ("type", "copy")] == ["copy"]
    assert any("Copied the code" in str(value) for kind, value in app.events if kind == "notify")


def test_the_portals_consent_comes_before_the_window_is_checked_again() -> None:
    """The desktop's consent dialog may take the focus: the window is checked after it,
    and the code made after it."""
    from traycodes.model import Window

    app = FakeApp()
    desktop = FakeDesktop(APP_WINDOW)
    order: list[str] = []

    class ConsentKeyboard:
        def prepare(self) -> None:
            order.append("consent")
            desktop.windows = [Window("99", "Remote control requested", "xdg-desktop-portal-kde")]

        def type(self, text: str, *, enter: bool = False) -> None:
            order.append("type")

    typist = Typist(app, desktop, keyboard=ConsentKeyboard())  # type: ignore[arg-type]
    typist.for_window_in_front()
    assert order == ["consent"]  # the focus moved: nothing typed
    assert any("window changed" in str(value) for kind, value in app.events if kind == "notify")


@pytest.mark.parametrize("offered", [True, False])
def test_wayland_hotkeys_go_through_the_platforms_portal_part(
    offered: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's hotkeys on Wayland are the platform's global_shortcuts part: the portal,
    bound under the app's labels, where the desktop has it; else Missing, and nothing is
    started (a desktop shortcut runs 'traycodes type')."""
    from traycodes import desktop
    from traycodes.app.hotkey import start_input
    from traycodes.desktop import _portal

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "GNOME")  # no window reader: only the hotkeys
    monkeypatch.delenv("SWAYSOCK", raising=False)
    monkeypatch.delenv("HYPRLAND_INSTANCE_SIGNATURE", raising=False)
    monkeypatch.setattr(_portal, "portal_has", lambda name: offered and name == _portal.SHORTCUTS)
    started: list[dict[str, tuple[str, str, object]]] = []
    monkeypatch.setattr(
        _portal.PortalShortcuts, "start", lambda self: started.append(self.bindings) or []
    )
    part = desktop.platform().global_shortcuts
    assert isinstance(part, desktop.Missing) is not offered
    labels = {"<ctrl>+<alt>+o": ("type", "Type the code for the window in front")}
    reader, shortcuts, problems = start_input({"<ctrl>+<alt>+o": print}, labels)
    assert (reader, problems) == (None, [])
    if offered:
        assert isinstance(shortcuts, _portal.PortalShortcuts)
        assert started == [{"type": ("Type the code for the window in front", "CTRL+ALT+o", print)}]
    else:
        assert shortcuts is None and started == []
        assert "traycodes type" in part.instead  # type: ignore[union-attr]
