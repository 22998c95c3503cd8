"""Wayland: the window in front, typing, the clipboard and the screen, per compositor.

Wayland gives an app no view of other apps' windows, so each compositor is asked in its own
way: sway (and i3-compatible ones) over its IPC socket (``get_tree``: the focused node's
title, app id and pid), Hyprland over its socket (``j/activewindow``), KDE Plasma through a
KWin script that reports back over D-Bus (``_kwin.py``). GNOME offers no such API.

Typing goes through the virtual-keyboard protocol (``wtype``: sway, Hyprland and other
wlroots compositors), ``ydotool`` where its daemon runs, or the RemoteDesktop portal
(``_portal.py``: KDE, GNOME). Codes go to ``wtype``, ``ydotool`` and ``wl-copy`` on their
standard input, never in their arguments, which any local process can read.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import quietly
from ..i18n import _
from ..keys import NAMED_KEYS, Hotkey, keysym_name
from ..model import Window
from ._base import DesktopError, process_name, wait_until_active

log = logging.getLogger(__name__)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

COMMAND_TIMEOUT = 5.0


def make_window(
    window_id: str, title: str, pid: int, classes: tuple[str, ...], app: str = ""
) -> Window:
    """A :class:`Window` as the X11 reader makes them: the process name first, our own
    windows called ``traycodes`` whatever runs them."""
    lowered = tuple(name.lower() for name in classes if name)
    name = process_name(pid) or app or (lowered[0] if lowered else "")
    if any("traycodes" in c for c in lowered):
        name = "traycodes"
    return Window(id=window_id, title=title, app=name.lower(), pid=pid, classes=lowered)


class _Unreadable:
    """Shared by the readers: which keys are held cannot be read on Wayland. It matters
    less than on X11: the virtual keyboard (or the portal's) sends its own modifier state
    with its keys, so a Ctrl still held from the shortcut does not turn digits into
    shortcuts (a real sway shows this: tests/desktop/test_wayland.py)."""

    def modifiers_down(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def active_window(self) -> Window | None:  # pragma: no cover - overridden
        raise NotImplementedError


# --- sway ------------------------------------------------------------------------------------

IPC_MAGIC = b"i3-ipc"
RUN_COMMAND, GET_TREE, GET_VERSION, GET_CONFIG = 0, 4, 7, 9


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise DesktopError("the compositor closed its IPC socket")
        data += chunk
    return bytes(data)


def unix_socket() -> socket.socket:
    if sys.platform == "win32":
        raise DesktopError("no Wayland on Windows")
    else:
        return socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)


def sway_request(path: str, kind: int, payload: str = "") -> Any:
    """One request on sway's (or i3's) IPC socket; its JSON reply."""
    data = payload.encode()
    try:
        with unix_socket() as sock:
            sock.settimeout(COMMAND_TIMEOUT)
            sock.connect(path)
            sock.sendall(IPC_MAGIC + struct.pack("=II", len(data), kind) + data)
            header = _recv_exactly(sock, len(IPC_MAGIC) + 8)
            if header[: len(IPC_MAGIC)] != IPC_MAGIC:
                raise DesktopError("the compositor's IPC socket answered garbage")
            length, _ = struct.unpack("=II", header[len(IPC_MAGIC) :])
            return json.loads(_recv_exactly(sock, length))
    except (OSError, ValueError) as exc:
        raise DesktopError(f"sway's IPC socket did not answer ({type(exc).__name__})") from None


def _focused(node: dict[str, Any]) -> dict[str, Any] | None:
    if node.get("focused"):
        return node
    for child in (*node.get("nodes", ()), *node.get("floating_nodes", ())):
        found = _focused(child)
        if found is not None:
            return found
    return None


class SwayDesktop(_Unreadable):
    """sway (and i3-compatible compositors speaking its IPC): ``SWAYSOCK``."""

    name = "sway"

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.environ.get("SWAYSOCK") or os.environ.get("I3SOCK") or ""
        if not self.path:
            raise DesktopError("SWAYSOCK is not set")

    def request(self, kind: int, payload: str = "") -> Any:
        return sway_request(self.path, kind, payload)

    def active_window(self) -> Window | None:
        node = _focused(self.request(GET_TREE))
        if node is None or node.get("type") not in ("con", "floating_con"):
            return None  # an empty workspace, an output
        props = node.get("window_properties") or {}  # XWayland windows
        classes = (node.get("app_id") or "", props.get("instance", ""), props.get("class", ""))
        pid = int(node.get("pid") or 0)
        return make_window(str(node["id"]), node.get("name") or "", pid, classes)

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        self.request(RUN_COMMAND, f"[con_id={int(window_id)}] focus")
        return wait_until_active(self.active_window, window_id, timeout)

    def config(self) -> str:
        """The config sway loaded (for ``doctor``: is a traycodes shortcut bound?)."""
        reply = self.request(GET_CONFIG)
        return str(reply.get("config", "")) if isinstance(reply, dict) else ""


# --- Hyprland --------------------------------------------------------------------------------


def hyprland_socket(env: Mapping[str, str] | None = None) -> Path | None:
    """Hyprland's request socket, checked (:func:`checked_socket`): under
    ``$XDG_RUNTIME_DIR/hypr`` (0.40 and later), else under the temporary folder (older
    ones). None when neither is there: never a path relative to the working folder."""
    env = os.environ if env is None else env
    signature = env.get("HYPRLAND_INSTANCE_SIGNATURE", "")
    if not signature or "/" in signature or signature in (".", ".."):
        return None
    runtime = env.get("XDG_RUNTIME_DIR", "")
    folders = [Path(runtime)] if runtime else []
    folders.append(Path(tempfile.gettempdir()))  # before 0.40
    for folder in folders:
        checked = checked_socket(folder / "hypr" / signature / ".socket.sock")
        if checked is not None:
            return checked
    return None


def trusted_socket(path: Path) -> bool:
    return checked_socket(path) is not None  # see checked_socket


def checked_socket(path: Path) -> Path | None:
    """``path`` with its folders' links resolved, when it is a socket that this user or
    root made, in folders that only they can change (or sticky ones, such as ``/tmp``,
    where no one else can rename what is theirs); else None.

    In a folder everyone can write to, another user could have planted a socket, or a link
    to one (root's, say, to pass the check) that they swap later, to be handed what
    traycodes types. So the last part is looked at itself (``lstat``: a link is refused),
    and callers use the path returned, which has no links left for anyone to change. A
    relative path is refused: it would be the working folder's."""
    if sys.platform == "win32":
        return None
    else:
        if not path.is_absolute() or path.name in ("", ".", ".."):
            return None
        ours = (os.getuid(), 0)
        try:
            folder = path.parent.resolve(strict=True)
            found = [os.lstat(folder / path.name), *map(os.lstat, (folder, *folder.parents))]
        except (OSError, RuntimeError):
            return None
        if not stat.S_ISSOCK(found[0].st_mode):
            return None
        for held in found:  # the socket, then each folder up to /
            writable = held.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            sticky = stat.S_ISDIR(held.st_mode) and held.st_mode & stat.S_ISVTX
            if held.st_uid not in ours or (writable and not sticky and held is not found[0]):
                return None
        return folder / path.name


class HyprlandDesktop(_Unreadable):
    """Hyprland's request socket (what ``hyprctl`` uses): ``j/activewindow``."""

    name = "hyprland"

    def __init__(self, path: Path | None = None) -> None:
        found = path or hyprland_socket()
        if found is None:
            raise DesktopError("Hyprland's socket is not there (HYPRLAND_INSTANCE_SIGNATURE)")
        self.path = found

    def request(self, command: str) -> bytes:
        try:
            with unix_socket() as sock:
                sock.settimeout(COMMAND_TIMEOUT)
                sock.connect(str(self.path))
                sock.sendall(command.encode())
                chunks = []
                while chunk := sock.recv(65536):
                    chunks.append(chunk)
        except OSError as exc:
            raise DesktopError(f"Hyprland's socket did not answer ({type(exc).__name__})") from None
        return b"".join(chunks)

    def active_window(self) -> Window | None:
        try:
            info = json.loads(self.request("j/activewindow"))
        except ValueError:
            return None
        if not isinstance(info, dict) or not info.get("address"):
            return None
        classes = (str(info.get("class") or ""), str(info.get("initialClass") or ""))
        return make_window(
            str(info["address"]), str(info.get("title") or ""), int(info.get("pid") or 0), classes
        )

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        if not all(c in "0123456789abcdefx" for c in window_id.lower()):
            return False  # an address is hex; nothing else goes into a dispatch
        self.request(f"dispatch focuswindow address:{window_id}")
        return wait_until_active(self.active_window, window_id, timeout)

    def binds(self) -> list[dict[str, Any]]:
        try:
            found = json.loads(self.request("j/binds"))
        except ValueError:
            return []
        return [b for b in found if isinstance(b, dict)] if isinstance(found, list) else []


# --- keyboards ------------------------------------------------------------------------------

WTYPE_MODIFIERS = {"ctrl": "ctrl", "alt": "alt", "shift": "shift", "cmd": "logo", "super": "logo"}


def keysym(name: str) -> str:
    """The XKB keysym wtype presses for a pynput key name (``","`` is ``comma``)."""
    if name in NAMED_KEYS or (len(name) == 1 and name.isprintable() and name != " "):
        return keysym_name(name)
    raise DesktopError(_("wtype cannot press the key {key}").format(key=repr(name)))


def _run(argv: list[str], text: str = "", env: Mapping[str, str] | None = None) -> None:
    """Run a helper with ``text`` on its standard input. Its errors go to a file, not a
    pipe: ``wl-copy`` leaves a child behind to serve the clipboard, which would hold a
    pipe open until the next copy."""
    with tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(
                argv,
                input=text.encode(),
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=env,
                timeout=COMMAND_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DesktopError(f"{argv[0]} could not run ({type(exc).__name__})") from None
        if done.returncode:
            errors.seek(0)
            said = errors.read(4096).decode(errors="replace").strip().splitlines()
            raise DesktopError(f"{argv[0]} failed: {said[-1] if said else done.returncode}")


class WtypeKeyboard:
    """The virtual-keyboard protocol through ``wtype`` (sway, Hyprland, other wlroots).

    Each run of wtype is a new virtual keyboard with a keymap of its own, and a window
    that has just been sent that keymap may take the first key by the old one: seen here as
    a lost first digit in one GTK window in five. wtype waits ``KEYMAP_SETTLE`` ms before
    the first key, and the Enter after a code goes in the same run."""

    name = "wtype (virtual keyboard)"
    KEYMAP_SETTLE = "20"

    def type(self, text: str, *, enter: bool = False) -> None:
        _run(["wtype", "-s", self.KEYMAP_SETTLE, "-", *(["-k", "Return"] if enter else [])], text)

    def press(self, hotkey: Hotkey) -> None:
        *modifiers, key = hotkey.names
        if unknown := [m for m in modifiers if m not in WTYPE_MODIFIERS]:
            raise DesktopError(f"wtype cannot hold the key {unknown[0]!r}")
        mods = [WTYPE_MODIFIERS[m] for m in modifiers]
        argv = ["wtype", "-s", self.KEYMAP_SETTLE]
        for mod in mods:
            argv += ["-M", mod]
        argv += ["-k", keysym(key)]
        for mod in reversed(mods):
            argv += ["-m", mod]
        _run(argv)


# Linux input event codes (linux/input-event-codes.h) for ydotool's ``key``.
EVDEV = {
    "ctrl": 29, "shift": 42, "alt": 56, "cmd": 125, "super": 125, "enter": 28, "space": 57,
    ",": 51, ".": 52, "home": 102, "up": 103, "page_up": 104, "left": 105,
    "right": 106, "end": 107, "down": 108, "page_down": 109, "insert": 110, "delete": 111,
    "f11": 87, "f12": 88,
    **{c: code for c, code in zip("1234567890", range(2, 12), strict=True)},
    **{c: code for c, code in zip("qwertyuiop", range(16, 26), strict=True)},
    **{c: code for c, code in zip("asdfghjkl", range(30, 39), strict=True)},
    **{c: code for c, code in zip("zxcvbnm", range(44, 51), strict=True)},
    **{f"f{n}": code for n, code in zip(range(1, 11), range(59, 69), strict=True)},
}  # fmt: skip


def ydotool_socket(env: Mapping[str, str] | None = None) -> Path | None:
    """The ydotoold socket this session would use, checked (:func:`checked_socket`), if it
    is there."""
    env = os.environ if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR", "")
    for candidate in (
        env.get("YDOTOOL_SOCKET", ""),
        str(Path(runtime) / ".ydotool_socket") if runtime else "",
        str(Path(tempfile.gettempdir()) / ".ydotool_socket"),  # ydotoold's older default
    ):
        checked = checked_socket(Path(candidate)) if candidate else None
        if checked is not None:
            return checked
    return None


class YdotoolKeyboard:
    """``ydotool`` through its daemon (uinput: any compositor; a US layout is assumed,
    which digits do not mind). ydotool is told the socket that was checked
    (``YDOTOOL_SOCKET``), not left to find one of its own."""

    name = "ydotool"

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path

    def _run(self, argv: list[str], text: str = "") -> None:
        _run(argv, text, env={**os.environ, "YDOTOOL_SOCKET": str(self.socket_path)})

    def type(self, text: str, *, enter: bool = False) -> None:
        self._run(["ydotool", "type", "--file", "-"], text)
        if enter:
            self._run(["ydotool", "key", "28:1", "28:0"])

    def press(self, hotkey: Hotkey) -> None:
        names = hotkey.names
        if unknown := [name for name in names if name not in EVDEV]:
            raise DesktopError(_("ydotool cannot press the key {key}").format(key=repr(unknown[0])))
        codes = [EVDEV[name] for name in names]
        argv = ["ydotool", "key", *(f"{c}:1" for c in codes)]
        argv += [f"{c}:0" for c in reversed(codes)]
        self._run(argv)


# --- the clipboard and the screen ------------------------------------------------------------


def _capture(
    argv: list[str], timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[bytes] | None:
    """Run a helper with nothing on its standard input and its output captured (never a
    code: those go in through :func:`_run`); None when it could not run in time."""
    try:
        return subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


def wl_copy_marks_sensitive() -> bool:
    """Whether this ``wl-copy`` has ``--sensitive`` (wl-clipboard 2.3 and later), which adds
    the ``x-kde-passwordManagerHint`` offer that clipboard managers and histories skip. Older
    ones end with a usage error on an option they do not know, so it is asked first."""
    done = _capture(["wl-copy", "--help"])
    return done is not None and b"--sensitive" in done.stdout + done.stderr


class WlClipboard:
    """The Wayland clipboard through ``wl-copy``/``wl-paste`` (XWayland's clipboard is not
    always seen by Wayland apps). Where wl-copy can (2.3 and later) the code is marked with
    the password-manager hint; either way it is cleared as soon as the app's timer says, and
    only while it is still ours."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token = 0
        self._held: str | None = None
        self._sensitive: bool | None = None  # asked on the first copy

    @property
    def marks_sensitive(self) -> bool:
        """Whether copies carry the password-manager hint."""
        if self._sensitive is None:
            self._sensitive = wl_copy_marks_sensitive()
        return self._sensitive

    def set_text(self, text: str) -> int:
        with self._lock:
            hint = ["--sensitive"] if self.marks_sensitive else []
            _run(["wl-copy", *hint, "--type", "text/plain;charset=utf-8"], text)
            self._token += 1
            self._held = text
            return self._token

    def get_text(self) -> str | None:
        done = _capture(["wl-paste", "--no-newline", "--type", "text/plain"])
        if done is None or done.returncode:
            return None
        return done.stdout.decode(errors="replace")

    def clear_if_unchanged(self, token: int) -> bool:
        with self._lock:
            if token != self._token or self._held is None:
                return False
            held, self._held = self._held, None
            if self.get_text() != held:
                return False  # someone copied something else since
            _run(["wl-copy", "--clear"])
            return True


def grim_screenshot() -> Image.Image:
    """The whole screen, through ``grim`` (wlroots' screencopy), as a PIL image."""
    import io

    from PIL import Image as PILImage

    done = _capture(["grim", "-t", "png", "-"], timeout=15)
    if done is None:
        raise DesktopError("grim could not run")
    if done.returncode:
        raise DesktopError("grim could not capture the screen")
    image = PILImage.open(io.BytesIO(done.stdout))
    image.load()
    return image


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def close_quietly(thing: Any) -> None:
    with quietly(log, "closing a compositor connection"):
        thing.close()
