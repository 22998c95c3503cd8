"""What every Autostart and Launcher part must do, whatever the OS: after ``enable`` the
OS starts exactly the command given (read back the way the OS reads it: a desktop entry's
Exec line as GLib parses it, a Run value or a shortcut as ``CommandLineToArgvW`` splits it,
a LaunchAgent's ProgramArguments), a second ``enable`` replaces the first, ``disable``
removes exactly what ``enable`` wrote and is quiet when off, and a place that cannot be
written is one clear error. Run against the XDG files for real and against Windows'
registry and PowerShell, and macOS' LaunchAgents folder, over fakes (tests/unit)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from traycodes.desktop import Autostart, Launcher
from traycodes.errors import TrayCodesError

# awkward on every OS: spaces, a quote, a percent sign (a field code to desktop entries, a
# variable to cmd), a backslash before a quote, a trailing backslash, non-ASCII
COMMAND = ["/opt/my apps/traycodes", "--vault", '/home/me/Sync/vault "1" 50%.tcv', "x\\", "ünï"]
OTHER = ["/usr/bin/traycodes", "--vault", "/home/me/other.tcv"]


class EntryRig(Protocol):
    """The platform under test: its part, and the OS that reads what the part wrote."""

    def make(self) -> Autostart | Launcher: ...

    def started(self) -> list[str] | None:
        """The command the OS would start (at login, or from its menu); None: nothing."""
        ...

    def files(self) -> set[str]:
        """Everything the OS keeps where the part writes (files, registry values)."""
        ...

    def break_place(self) -> None:
        """Make the place the part writes to impossible to write."""
        ...


class EntryContract:
    """Subclass with a ``rig`` fixture for the platform under test (autostart or launcher)."""

    @pytest.fixture
    def rig(self) -> EntryRig:
        raise NotImplementedError

    def test_off_at_first_and_disable_is_quiet(self, rig: EntryRig) -> None:
        part = rig.make()
        assert not part.enabled() and rig.started() is None
        before = rig.files()
        part.disable()
        assert rig.files() == before and not part.enabled()

    def test_enable_makes_the_os_start_exactly_the_command(self, rig: EntryRig) -> None:
        part = rig.make()
        part.enable(COMMAND)
        assert part.enabled()
        assert rig.started() == COMMAND

    def test_a_second_enable_replaces_the_first(self, rig: EntryRig) -> None:
        part = rig.make()
        part.enable(COMMAND)
        written = rig.files()
        part.enable(OTHER)
        assert rig.started() == OTHER
        assert rig.files() == written  # replaced, not a second entry beside the first

    def test_disable_removes_exactly_what_enable_wrote(self, rig: EntryRig) -> None:
        before = rig.files()
        part = rig.make()
        part.enable(COMMAND)
        assert rig.files() > before  # a positive control: enable wrote something
        part.disable()
        assert rig.files() == before
        assert not part.enabled() and rig.started() is None

    def test_the_location_names_the_entry(self, rig: EntryRig) -> None:
        part = rig.make()
        part.enable(COMMAND)
        assert any(part.location == name for name in rig.files()), part.location

    def test_a_place_that_cannot_be_written_is_one_clear_error(self, rig: EntryRig) -> None:
        rig.break_place()
        part = rig.make()
        with pytest.raises(TrayCodesError) as raised:
            part.enable(COMMAND)
        message = str(raised.value)
        assert "\n" not in message and "Traceback" not in message
        assert not part.enabled()


def tree(*roots: Path) -> set[str]:
    """Every file under ``roots`` (their paths), for :meth:`EntryRig.files`."""
    return {str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}
