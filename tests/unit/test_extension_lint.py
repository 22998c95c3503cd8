"""Mozilla's own linter (``web-ext lint``, what Firefox Add-ons runs on an upload) finds
nothing in the Firefox zip that ``traycodes browser pack`` writes: no error, warning or
notice."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

from tests.unit.test_extension import tool
from traycodes.browser import install


def test_web_ext_lint_is_clean_on_the_firefox_build(tmp_path: Path) -> None:
    web_ext = tool("web-ext")
    written = install.pack(tmp_path / "out")
    (firefox,) = [p for p in written if "firefox" in p.name and "source" not in p.name]
    source = tmp_path / "firefox"
    with zipfile.ZipFile(firefox) as archive:
        archive.extractall(source)
    done = subprocess.run(
        [web_ext, "lint", "--source-dir", str(source), "--output", "json", "--no-input"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    found = json.loads(done.stdout)
    said = [m["code"] for kind in ("errors", "warnings", "notices") for m in found[kind]]
    assert said == [], said
    assert found["summary"] == {"errors": 0, "notices": 0, "warnings": 0}
