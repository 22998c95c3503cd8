"""``traycodes hotkeys`` (the exact shortcut lines for this desktop) and what ``doctor`` says
about the window in front, typing, hotkeys, the clipboard and the screen on each desktop:
X11, and on Wayland sway, Hyprland, KDE Plasma and GNOME."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..i18n import N_, _

DESKTOPS = ("sway", "hyprland", "kde", "gnome", "x11")
GNOME_KEYS = "org.gnome.settings-daemon.plugins.media-keys"
GNOME_PATH = "/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings/traycodes-{}/"


def hotkey_lines(kind: str, bindings: dict[str, str], command: list[str]) -> list[str]:
    """What to add for ``kind``, for each of ``{"type": hotkey, "pick": hotkey}``."""
    import shlex

    from ..keys import Hotkey

    run = shlex.join(command)
    # settings hold only hotkeys that parse, or "" for one turned off (then no line)
    parsed = {action: Hotkey.parse(hotkey) for action, hotkey in bindings.items() if hotkey}
    lines: list[str] = []
    if kind in ("sway", "wlroots", "unknown"):
        lines.append("# in ~/.config/sway/config, then: swaymsg reload")
        for action, hotkey in parsed.items():
            lines.append(f"bindsym {hotkey.sway} exec {run} {action}")
    elif kind == "hyprland":
        lines.append("# in ~/.config/hypr/hyprland.conf")
        for action, hotkey in parsed.items():
            held, key = hotkey.hyprland
            lines.append(f"bind = {held}, {key}, exec, {run} {action}")
    elif kind == "gnome":
        paths = [GNOME_PATH.format(action) for action in parsed]
        kept = [p for p in gnome_custom_paths() if p not in paths]  # the user's own stay
        listed = ", ".join(f"'{p}'" for p in [*kept, *paths])
        lines.append("# GNOME 47 and older (48 and later: traycodes asks for them itself):")
        lines.append(f'gsettings set {GNOME_KEYS} custom-keybindings "[{listed}]"')
        for (action, hotkey), path in zip(parsed.items(), paths, strict=True):
            combo = hotkey.gnome
            schema = f"{GNOME_KEYS}.custom-keybinding:{path}"
            lines.append(f"gsettings set {schema} name 'traycodes {action}'")
            lines.append(f"gsettings set {schema} command {shlex.quote(f'{run} {action}')}")
            lines.append(f"gsettings set {schema} binding '{combo}'")
    elif kind == "kde":
        lines.append("# KDE Plasma 5.27 and later: traycodes asks for its shortcuts itself (the")
        lines.append("# GlobalShortcuts portal). Older Plasma: System Settings > Shortcuts >")
        lines.append("# Add New > Command or Script, with these commands and keys:")
        for action, hotkey in parsed.items():
            lines.append(f"{run} {action}    {hotkey.kde}")
    else:
        lines.append("# traycodes hears its hotkeys itself here; change them in Settings:")
        for action, text in bindings.items():
            lines.append(f"{action}: {text}")
    return lines


def cmd_hotkeys(args: argparse.Namespace) -> int:
    """Print the lines that bind traycodes' shortcuts on this desktop (or ``--desktop``)."""
    from .. import desktop
    from ..settings import load_settings

    settings = load_settings()
    kind = args.desktop or desktop.session_kind()
    bindings = {"type": settings.hotkey_type, "pick": settings.hotkey_pick}
    for line in hotkey_lines(kind, bindings, desktop.launch_command()):
        print(line)
    return 0


def _output(argv: list[str]) -> str:
    import subprocess

    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def with_includes(config: str, depth: int = 0) -> str:
    """sway's config with the files its ``include`` lines name (``~``, environment variables
    and wildcards expanded, as sway does; relative to ``~/.config/sway``), which sway's IPC
    does not send. Files that cannot be read are left out."""
    import glob
    import os

    if depth >= 3:
        return config
    parts = [config]
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "sway"
    for line in config.splitlines():
        words = line.strip().split(maxsplit=1)
        if len(words) < 2 or words[0] != "include":
            continue
        pattern = os.path.expanduser(os.path.expandvars(words[1].strip().strip("'\"")))
        for name in sorted(glob.glob(str(base / pattern))):  # an absolute pattern stays as is
            try:
                parts.append(with_includes(Path(name).read_text(errors="replace"), depth + 1))
            except OSError:
                continue
    return "\n".join(parts)


def sway_bindings(config: str) -> list[str]:
    """The commands of sway's ``bindsym``/``bindcode`` lines, ``bindsym { ... }`` blocks
    and those inside ``mode`` blocks included."""
    commands: list[str] = []
    in_block = False
    for raw in config.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if in_block:
            in_block = line != "}"
            if in_block:
                commands.append(line)
        elif line.split(maxsplit=1)[0] in ("bindsym", "bindcode"):
            in_block = line.endswith("{")
            if not in_block:
                commands.append(line)
    return commands


def shortcut_bound(kind: str, reader: Any = None) -> bool | None:
    """Whether a desktop shortcut runs ``traycodes type`` (None: cannot tell here)."""
    if kind == "sway" and reader is not None:
        return any(
            "traycodes" in command and " type" in command
            for command in sway_bindings(with_includes(reader.config()))
        )
    if kind == "hyprland" and reader is not None:
        return any(
            "traycodes" in str(b.get("arg", "")) and " type" in str(b.get("arg", ""))
            for b in reader.binds()
        )
    if kind == "gnome":
        for path in gnome_custom_paths():
            schema = f"{GNOME_KEYS}.custom-keybinding:{path}"
            command = _output(["gsettings", "get", schema, "command"])
            if "traycodes" in command and " type" in command:
                return True
        return False
    return None


def gnome_custom_paths() -> list[str]:
    """GNOME's custom shortcuts (their dconf paths), as ``gsettings`` lists them."""
    listed = _output(["gsettings", "get", GNOME_KEYS, "custom-keybindings"])
    inner = listed.strip().removeprefix("@as").strip().strip("[]")
    return [p.strip().strip("'") for p in inner.split(",") if p.strip().strip("'")]


def hotkey_problems() -> list[str]:
    """What stands in the way of the hotkeys (X11, Windows, macOS): as the running app
    found them, else by taking them for a moment (the running app holds its own)."""
    from .. import desktop, ipc
    from ..errors import TrayCodesError
    from ..settings import load_settings

    try:
        state = ipc.request("state", timeout=5)
    except (TrayCodesError, OSError, ValueError):  # not running: try them here
        state = {}
    if state.get("ok"):
        problems = [str(problem) for problem in state.get("hotkey_problems", [])]
        mended = state.get("hotkey_problems_in_settings", [])
        return [
            desktop.SettingsProblem(problem) if i < len(mended) and mended[i] is True else problem
            for i, problem in enumerate(problems)
        ]
    settings = load_settings()
    keys = [key for key in (settings.hotkey_type, settings.hotkey_pick) if key]
    make = desktop.present(desktop.platform().global_shortcuts)
    if make is None:
        return []
    shortcuts = make({key: lambda: None for key in keys})
    try:
        return shortcuts.start()
    finally:
        shortcuts.stop()


def desktop_findings(check: Any) -> None:
    """The doctor's rows for the window in front, typing, hotkeys, the clipboard and the
    screen; ``check(part, ok, detail, fix)``."""
    from .. import desktop
    from ..errors import TrayCodesError
    from .platform_rows import platform_rows

    platform = desktop.platform()
    kind = platform.kind
    for row in platform_rows(platform):
        check(*row)
    if kind in ("x11", "windows", "macos"):
        problems = hotkey_problems()
        check(
            N_("hotkeys"),
            not problems,
            "; ".join(problems) if problems else _("traycodes takes its hotkeys"),
            ""
            if all(isinstance(p, desktop.SettingsProblem) for p in problems)
            else _("run it inside the desktop session"),
        )
        return
    if kind == "none":
        return
    name = {"sway": "sway", "hyprland": "Hyprland", "kde": "KDE Plasma", "gnome": "GNOME"}.get(
        kind, _("this Wayland desktop")
    )
    reader = None
    try:
        make_reader = desktop.present(platform.window_reader)
        reader = make_reader() if make_reader is not None else None
        if reader is not None:
            reader.active_window()  # the compositor answers, or this raises
        missing = platform.window_reader
        check(
            N_("window in front"),
            reader is not None,
            _("read from {kind}").format(kind=name)
            if not isinstance(missing, desktop.Missing)
            else missing.reason,
            _(
                "the hotkey opens a chooser instead; sway, Hyprland and KDE Plasma tell which "
                "window is in front"
            ),
        )
    except TrayCodesError as exc:
        if reader is not None:
            reader.close()
        reader = None
        check(
            N_("window in front"),
            False,
            str(exc),
            _("run doctor inside the desktop session (its socket or D-Bus must be reachable)"),
        )
    make_keyboard = desktop.present(platform.keyboard)
    keyboard = make_keyboard() if reader is not None and make_keyboard is not None else None
    better = {
        "gnome": N_("on GNOME the chooser copies; sway, Hyprland and KDE Plasma let it type"),
        "kde": N_("install xdg-desktop-portal-kde; or run ydotoold"),
    }.get(kind, N_("install wtype (wlroots compositors) or run ydotoold"))
    check(
        N_("typing"),
        keyboard is not None,
        _("types through {name}").format(name=keyboard.name)
        if keyboard is not None
        else _("codes are copied: with no window in front to check, traycodes never types")
        if reader is None
        else _("nothing can type here: codes are copied instead"),
        _(better),
    )
    if not isinstance(platform.global_shortcuts, desktop.Missing):
        check(N_("hotkeys"), True, _("the GlobalShortcuts portal (the desktop asks you once)"), "")
    else:
        try:
            bound = shortcut_bound(kind, reader)
        except TrayCodesError:
            bound = None
        check(
            N_("hotkeys"),
            bound is not False,
            _(
                {
                    True: N_("a shortcut runs 'traycodes type'"),
                    None: N_("bind 'traycodes type' to a shortcut (cannot check it here)"),
                }.get(bound, N_("no shortcut runs 'traycodes type'"))
            ),
            _("'traycodes hotkeys' prints the line to add"),
        )
    if reader is not None:
        reader.close()
    make_clip = desktop.present(platform.clipboard)
    clip = make_clip() if make_clip is not None else None
    if clip is None:
        said = _("XWayland's clipboard only")
    elif clip.marks_sensitive:
        said = _(
            "wl-clipboard (wl-copy, wl-paste); codes are marked for clipboard histories to skip"
        )
    else:
        said = _(
            "wl-clipboard (wl-copy, wl-paste); clipboard histories may keep a code until it is"
            " cleared (wl-clipboard 2.3 marks codes for them to skip)"
        )
    check(
        N_("clipboard"),
        clip is not None,
        said,
        _("install wl-clipboard, which Wayland apps see"),
    )
    how = desktop.screen_capture()
    check(
        N_("screen (QR)"),
        bool(how),
        how or _("nothing can capture it"),
        _("install grim (wlroots) or xdg-desktop-portal; QR images from files still work"),
    )


def add_commands(commands: Any) -> None:
    hotkeys = commands.add_parser(
        "hotkeys",
        help=N_("print the lines that bind traycodes' shortcuts on this desktop"),
        description=N_(
            "Where traycodes cannot hear global keys itself (Wayland), a desktop "
            "shortcut runs 'traycodes type' and 'traycodes pick'. This prints the exact lines "
            "for this desktop (sway, Hyprland, GNOME, KDE), with your hotkey settings."
        ),
    )
    hotkeys.add_argument(
        "--desktop", choices=DESKTOPS, help=N_("for another desktop than this one")
    )
    hotkeys.set_defaults(func=cmd_hotkeys)
