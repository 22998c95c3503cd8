"""What every HostRegistration must do: a manifest written where it says and registered
is found by each browser where that browser looks (its documented folder, or its registry
key on Windows: the rig knows these, not traycodes' tables); unregistered and removed, it
is not; a browser is told installed only once it is; and the launcher runs exactly the
command given with the browser's arguments. Run against Linux and macOS (their folders
under a temporary home; the launcher run by sh for real) and Windows (the registry over a
fake, the .cmd launcher read as cmd.exe reads it) in tests/unit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Protocol

import pytest

from traycodes.desktop import HostRegistration

HOST = "io.github.traycodes"
BROWSERS = ("chrome", "chromium", "edge", "firefox")
ECHO = "import sys, json; print(json.dumps(sys.argv[1:]))"
# what the host's command may hold: a vault path with spaces, a percent sign, a quote
COMMAND = [sys.executable, "-c", ECHO, "--vault", 'C:/Sync/vault "1" 50%.tcv', "ünï"]
BROWSER_ARGS = ["chrome-extension://abcdefghijklmnop/", "--parent-window=0"]


class HostRig(Protocol):
    def make(self) -> HostRegistration: ...

    def browser_finds(self, browser: str, host: str) -> Path | None:
        """The manifest ``browser`` would read for ``host``, looking where it looks."""
        ...

    def install_browser(self, browser: str) -> None: ...

    def run_launcher(self, path: Path, args: list[str]) -> list[str]:
        """What the launcher at ``path``, started by a browser with ``args``, runs."""
        ...


class HostRegistrationContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> HostRig:
        raise NotImplementedError

    @pytest.mark.parametrize("browser", BROWSERS)
    def test_a_registered_manifest_is_found_by_the_browser(
        self, rig: HostRig, tmp_path: Path, browser: str
    ) -> None:
        part = rig.make()
        assert rig.browser_finds(browser, HOST) is None
        manifest = part.manifest_path(browser, HOST, tmp_path / "data")
        assert manifest.is_absolute() and manifest.name == f"{HOST}.json"
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text("{}")
        part.register(browser, HOST, manifest)
        assert rig.browser_finds(browser, HOST) == manifest
        part.unregister(browser, HOST)
        manifest.unlink()
        assert rig.browser_finds(browser, HOST) is None
        part.unregister(browser, HOST)  # quiet when not there

    def test_each_browser_has_a_manifest_of_its_own(self, rig: HostRig, tmp_path: Path) -> None:
        part = rig.make()
        paths = {part.manifest_path(browser, HOST, tmp_path) for browser in BROWSERS}
        assert len(paths) == len(BROWSERS)

    @pytest.mark.parametrize("browser", BROWSERS)
    def test_a_browser_is_installed_once_it_is(self, rig: HostRig, browser: str) -> None:
        part = rig.make()
        assert not part.installed(browser, HOST)
        rig.install_browser(browser)
        assert part.installed(browser, HOST)

    def test_the_launcher_runs_the_command_with_the_browsers_arguments(
        self, rig: HostRig, tmp_path: Path
    ) -> None:
        part = rig.make()
        launcher = tmp_path / part.launcher_file
        launcher.write_text(part.launcher_text(COMMAND), newline="")
        assert rig.run_launcher(launcher, BROWSER_ARGS) == [*COMMAND, *BROWSER_ARGS]
