"""The parts of the platform layer, each a :class:`typing.Protocol`: what the app may call on
a window reader, a keyboard, a clipboard... whatever the OS. Every implementation (X11,
sway, Hyprland, KWin, the portals, Windows, macOS) and every test fake satisfies these;
mypy checks it for each platform."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PIL import Image

    from ..keys import Hotkey
    from ..model import Window

Bindings = dict[str, Callable[[], None]]
# A hotkey of Bindings -> (a stable id, what it does): the GlobalShortcuts portal shows the
# description when the desktop asks the user, and keeps the user's keys by the id.
Labels = Mapping[str, tuple[str, str]]


class WindowReader(Protocol):
    """The window in front and the keyboard's state."""

    def active_window(self) -> Window | None:
        """The window in front; None when there is none (the desktop itself)."""
        ...

    def activate(self, window_id: str, timeout: float = 1.0) -> bool:
        """Bring ``window_id`` back to front; True when it is there within ``timeout``."""
        ...

    def modifiers_down(self) -> bool:
        """Whether Shift, Ctrl, Alt or the logo key is held now."""
        ...

    def close(self) -> None:
        """Let go of the connection; quiet when already closed."""
        ...


class Keyboard(Protocol):
    """Keys as if typed on the keyboard, into the window in front."""

    @property
    def name(self) -> str:
        """How it types, for doctor (``XTest``, ``SendInput``)."""
        ...

    def type(self, text: str, *, enter: bool = False) -> None:
        """Type exactly ``text`` (then Enter); TrayCodesError and nothing typed when a
        character cannot be."""
        ...

    def press(self, hotkey: Hotkey) -> None:
        """Press a combination (``Ctrl+Shift+O``: the modifiers held for the key) and let
        it go; TrayCodesError and nothing pressed for a key this keyboard has not."""
        ...


class Clipboard(Protocol):
    """The OS clipboard with a change token (a code is cleared only if still there)."""

    @property
    def marks_sensitive(self) -> bool:
        """Whether a copied code is marked for clipboard histories to skip."""
        ...

    def set_text(self, text: str) -> int:
        """Put ``text`` on the clipboard, marked sensitive where the OS can; a token."""
        ...

    def clear_if_unchanged(self, token: int) -> bool:
        """Empty the clipboard if nothing was copied since ``token``; True if emptied."""
        ...


class Notifier(Protocol):
    """Desktop notifications."""

    def notify(self, title: str, body: str, *, timeout_ms: int = 5000, replaces: int = 0) -> int:
        """Show one; returns its id (for ``replaces``)."""
        ...

    def close(self) -> None: ...


class LockWatcher(Protocol):
    """Hears the screen lock (made with the action, then started)."""

    def start(self) -> list[str]:
        """Listen; returns the buses it listens on."""
        ...

    def stop(self) -> None: ...


class FolderWatcher(Protocol):
    """Hears files of one folder change (written, renamed in, removed)."""

    def start(self) -> bool:
        """Listen; False when this folder cannot be watched (nothing started)."""
        ...

    def stop(self) -> None: ...


class GlobalShortcuts(Protocol):
    """Hotkeys that take their keys: the window in front never receives them. Made with
    ``{hotkey: action}`` (pynput's form, ``<ctrl>+<alt>+o``); actions run on a thread of
    the part's own and must not block."""

    def start(self) -> list[str]:
        """Take the hotkeys; returns problems a person can act on (one per hotkey that is
        not understood or that another program holds); the others work."""
        ...

    def stop(self) -> None:
        """Let go of every hotkey (quit, or new hotkeys in the settings); quiet when
        never started or already stopped."""
        ...


class ShortcutsMaker(Protocol):
    """Makes the :class:`GlobalShortcuts` for ``bindings``; ``labels`` name them where the
    desktop asks the user (the portal), and are ignored where it does not."""

    def __call__(self, bindings: Bindings, labels: Labels | None = None) -> GlobalShortcuts: ...


class TrayChoice(Protocol):
    """Which tray icon this platform can show, and how."""

    def backends(self) -> tuple[str, ...]:
        """The tray backends to try, best first: pystray's (``win32``, ``darwin``,
        ``appindicator``, ``gtk``, ``xorg``), ``sni`` (a StatusNotifierItem over D-Bus) or
        ``none`` (no tray: the app runs on, reached by its shortcuts). May ask D-Bus."""
        ...

    @property
    def icon_variant(self) -> str:
        """Which of traycodes' icons the tray shows: ``mono`` (a template image the macOS
        menu bar tints) or ``app``."""
        ...

    @property
    def owns_main_thread(self) -> bool:
        """Whether the icon's loop must own the main thread (macOS: NSApplication), so
        that the windows live in a child process."""
        ...


class Screenshot(Protocol):
    """The whole screen (every monitor) as a picture."""

    def __call__(self) -> Image.Image: ...


class Autostart(Protocol):
    """Start traycodes when the user logs in."""

    @property
    def location(self) -> str:
        """Where the entry lives (a file, a registry value), for messages."""
        ...

    def enable(self, command: list[str]) -> None:
        """Start ``command`` at login (replacing an older entry)."""
        ...

    def disable(self) -> None:
        """Stop starting at login; quiet when it was not on."""
        ...

    def enabled(self) -> bool:
        """True when an entry exists."""
        ...


class Launcher(Protocol):
    """traycodes in the desktop's app menu (Linux) or Start menu (Windows)."""

    @property
    def location(self) -> str:
        """Where the entry lives, for messages."""
        ...

    def enable(self, command: list[str]) -> None:
        """Add the entry (and its icons), starting ``command``; replaces an older one."""
        ...

    def disable(self) -> None:
        """Remove exactly what :meth:`enable` wrote; quiet when it was not there."""
        ...

    def enabled(self) -> bool: ...


class LinkHandler(Protocol):
    """Open clicked ``otpauth:`` links with traycodes."""

    def enable(self, command: list[str]) -> None: ...

    def disable(self) -> None: ...

    def status(self) -> str: ...


class HostRegistration(Protocol):
    """Where a browser finds traycodes' native-messaging host: a manifest file in the
    browser's folder (Linux, macOS) or a registry value naming the manifest (Windows)."""

    @property
    def launcher_file(self) -> str:
        """The host launcher's file name (a shell script; on Windows a .cmd)."""
        ...

    def launcher_text(self, command: list[str]) -> str:
        """The launcher: runs ``command`` with the browser's arguments."""
        ...

    def manifest_path(self, browser: str, host: str, data_dir: Path) -> Path:
        """Where the manifest of ``host`` for ``browser`` is kept."""
        ...

    def installed(self, browser: str, host: str) -> bool:
        """Whether ``browser`` looks installed for this user."""
        ...

    def register(self, browser: str, host: str, manifest: Path) -> None:
        """Make ``manifest`` known to ``browser`` beyond its file (Windows: the registry)."""
        ...

    def unregister(self, browser: str, host: str) -> None:
        """Undo :meth:`register`; quiet when it was not there."""
        ...
