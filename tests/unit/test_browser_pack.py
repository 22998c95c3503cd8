"""``traycodes browser pack``: the zips the stores take (Chrome Web Store; Firefox Add-ons
with the gecko id, and its source archive), with the shipped files and no install token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from traycodes.browser import GECKO_ID, install


def test_pack_writes_the_stores_zips_into_out(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "traycodes", "browser", "pack", "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    version = json.loads((install.SHIPPED / "manifest.json").read_text())["version"]
    names = sorted(Path(line).name for line in done.stdout.split())
    assert names == [
        f"traycodes-chrome-{version}.zip",
        f"traycodes-firefox-{version}.zip",
        f"traycodes-firefox-source-{version}.zip",
    ]
    shipped = {p.name for p in install.SHIPPED.iterdir() if p.is_file()}
    for name in names:
        with zipfile.ZipFile(tmp_path / "out" / name) as archive:
            inside = set(archive.namelist())
            manifest = json.loads(archive.read("manifest.json"))
        assert shipped <= inside and "token.json" not in inside
        assert "key" not in manifest
        if "firefox" in name:
            assert manifest["browser_specific_settings"]["gecko"]["id"] == GECKO_ID
            assert manifest["background"] == {
                "scripts": [
                    "clipboard.js",
                    "background-host.js",
                    "background-frames.js",
                    "background.js",
                ]
            }
        else:
            assert manifest["background"] == {"service_worker": "background.js"}


def test_pack_defaults_to_the_current_folder(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    done = subprocess.run(
        [sys.executable, "-m", "traycodes", "browser", "pack"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("traycodes-*.zip"))) == 3
