"""The native messaging host's install in each browser: a manifest per browser found,
only ours removed, and a clear word when no browser is found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from traycodes.browser import EXTENSION_ID, GECKO_ID, install

OURS = f"chrome-extension://{EXTENSION_ID}/"


@pytest.fixture(autouse=True)
def own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This install's data folder (the host's token, the extension's copies) for each test."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setattr(install, "_data_dir", lambda: folder)


def test_install_writes_a_manifest_per_browser_and_off_removes_only_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert {install.state(b) for b in install.BROWSERS} == {"off"}
    install.install(["/opt/traycodes/bin/traycodes", "--vault", "/v w/x.tcv", "browser-host"])
    launcher = install.launcher_path()
    assert launcher.stat().st_mode & 0o777 == 0o700
    assert launcher.read_text() == (
        "#!/bin/sh\nexec /opt/traycodes/bin/traycodes --vault '/v w/x.tcv' browser-host \"$@\"\n"
    )
    chromium = json.loads(
        (tmp_path / ".config/chromium/NativeMessagingHosts/traycodes.json").read_text()
    )
    assert chromium["allowed_origins"] == [OURS] and chromium["path"] == str(launcher)
    firefox = json.loads((tmp_path / ".mozilla/native-messaging-hosts/traycodes.json").read_text())
    assert firefox["allowed_extensions"] == [GECKO_ID] and "allowed_origins" not in firefox
    assert {install.state(b) for b in install.BROWSERS} == {"on"}
    brave = install.manifest_path("brave")
    brave.write_text(json.dumps({"name": "traycodes", "path": "/somebody/else"}))
    assert install.state("brave") == "other"
    install.remove()
    assert brave.exists() and not launcher.exists()  # another program's manifest is left
    assert install.state("chromium") == "off"


def test_browser_on_writes_manifests_only_for_the_browsers_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A browser counts as found by its program on PATH or its profile folder; the others
    get no manifest folder (``--all`` writes every one, ``--browser`` names one more)."""
    from traycodes.cli import main

    home = tmp_path / "home"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "chromium"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    (home / ".mozilla").mkdir(parents=True)  # Firefox's profile folder, no program
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert install.found_browsers() == ("chromium", "firefox")
    assert main(["browser", "on"]) == 0
    said = capsys.readouterr().err
    assert "found: chromium, firefox" in said
    assert {b: install.state(b) for b in install.BROWSERS} == {
        "chromium": "on", "chrome": "off", "brave": "off", "edge": "off", "vivaldi": "off",
        "firefox": "on",
    }  # fmt: skip
    assert not (home / ".config/google-chrome").exists()
    assert not (home / ".config/BraveSoftware").exists()
    assert main(["browser", "on", "--browser", "brave"]) == 0
    assert install.state("brave") == "on" and install.state("chrome") == "off"
    assert main(["browser", "on", "--browser", "netscape"]) == 2
    assert "no browser called 'netscape'" in capsys.readouterr().err
    assert main(["browser", "on", "--all"]) == 0
    assert {install.state(b) for b in install.BROWSERS} == {"on"}


def test_browser_on_with_no_browser_found_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from traycodes.cli import main

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["browser", "on"]) == 2
    assert "no browser found" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # nothing written, not even the launcher
