"""The browser extension as shipped: its manifest (a fixed id, the narrowest permissions,
nothing run on page load), the Firefox build, the JavaScript unit tests (node's runner)
and eslint over its code."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.paths import SOURCE
from traycodes.browser import EXTENSION_ID, GECKO_ID, install

SHIPPED = install.SHIPPED
FILES = {
    "manifest.json",
    "background.js",
    "background-host.js",
    "background-frames.js",
    "fill.js",
    "otpfield.js",
    "popup.html",
    "popup.js",
    "popup-sites.js",
    "autofill.js",
    "clipboard.html",
    "clipboard.js",
}


def tool(name: str) -> str:
    """A tool the tests need: on CI a missing one fails (scripts/test installs them)."""
    found = shutil.which(name)
    if found is None:
        local = SOURCE / ".tools" / "node_modules" / ".bin" / name
        found = str(local) if local.exists() else None
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing (scripts/test installs it)")
        pytest.skip(f"{name} is not installed (scripts/test installs it)")
    return found


def manifest() -> dict[str, object]:
    return json.loads((SHIPPED / "manifest.json").read_text())  # type: ignore[no-any-return]


def test_the_installed_package_ships_the_whole_extension() -> None:
    assert {path.name for path in SHIPPED.iterdir()} >= FILES
    for size in (32, 48, 128):
        assert (SHIPPED / f"icon-{size}.png").read_bytes().startswith(b"\x89PNG")


def test_the_key_gives_the_id_the_host_allows() -> None:
    digest = hashlib.sha256(base64.b64decode(str(manifest()["key"]))).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == EXTENSION_ID


def test_permissions_are_narrow_and_nothing_runs_on_page_load() -> None:
    """No site at install: a site is read only after a press (activeTab) or once the user
    allows that one site in the popup (an optional host permission, asked for then)."""
    found = manifest()
    assert found["manifest_version"] == 3
    assert sorted(found["permissions"]) == [
        "activeTab",
        "clipboardRead",  # the popup's Copy is cleared only while the clipboard holds it
        "clipboardWrite",
        "contextMenus",
        "nativeMessaging",
        "notifications",  # a note where the page cannot show one
        "offscreen",  # where Chromium clears the clipboard (its worker has none)
        "scripting",
    ]  # type: ignore[arg-type]
    assert "host_permissions" not in found and "content_scripts" not in found
    # asked for at a moment, one site at a time: a code step in another origin's frame, a
    # site filled on its own
    assert found["optional_host_permissions"] == ["https://*/*", "http://*/*"]
    commands = found["commands"]
    assert commands["fill-code"]["suggested_key"]["default"] == "Alt+Shift+O"  # type: ignore[index]
    assert commands["_execute_action"]["suggested_key"]["default"] == "Alt+Shift+Y"  # type: ignore[index]


def test_chromium_and_firefox_load_the_same_background_scripts() -> None:
    """Chromium's service worker is background.js, which imports the others; Firefox's
    build lists them: the same scripts in the same order, each shipped."""
    code = (SHIPPED / "background.js").read_text()
    imported = re.findall(r"importScripts\(([^)]*)\)", code)
    assert len(imported) == 1
    names = [name.strip().strip('"') for name in imported[0].split(",")]
    assert ["clipboard.js", *names, "background.js"] == install.BACKGROUND_SCRIPTS
    assert all((SHIPPED / name).is_file() for name in install.BACKGROUND_SCRIPTS)


def test_the_firefox_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = install.extension_folder(firefox=True)
    firefox = json.loads((folder / "manifest.json").read_text())
    assert firefox["browser_specific_settings"]["gecko"]["id"] == GECKO_ID
    scripts = ["clipboard.js", "background-host.js", "background-frames.js", "background.js"]
    assert firefox["background"] == {"scripts": scripts}
    assert "key" not in firefox and "offscreen" not in firefox["permissions"]
    assert {path.name for path in folder.iterdir()} >= FILES
    assert folder.is_relative_to(tmp_path)


def test_the_javascript_unit_tests_pass() -> None:
    """Every test in the JS files ran and passed, counted from the files themselves: each
    ``test("name", …)`` by its name, and realpages.test.js's one test per saved page."""
    folder = SOURCE / "tests" / "js"
    done = subprocess.run(
        [tool("node"), "--test", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    summary = dict(re.findall(r"^# (\w+) (\d+)$", done.stdout, re.MULTILINE))
    passed = re.findall(r"^ok \d+ - (.+)$", done.stdout, re.MULTILINE)
    named = [
        name
        for script in sorted(folder.glob("*.test.js"))
        for name in re.findall(r'^test\("([^"]+)"', script.read_text(), re.MULTILINE)
    ]
    pages = json.loads((folder / "pages" / "expected.json").read_text())
    per_page = [name for name in passed if name.startswith("the code field on ")]
    assert named and set(named) <= set(passed), (named, passed)
    assert sorted(per_page) == sorted(f"the code field on {page}" for page in pages)
    assert len(passed) == len(named) + len(pages) == int(summary["tests"])
    assert int(summary["pass"]) == len(passed)
    assert [summary[key] for key in ("fail", "cancelled", "skipped", "todo")] == ["0"] * 4


def test_eslint_finds_nothing() -> None:
    config = SOURCE / "tests" / "js" / "eslint.config.cjs"
    eslint = tool("eslint")
    modules = Path(eslint).resolve().parents[2] if ".tools" in eslint else None
    env = {**os.environ, **({"NODE_PATH": str(modules)} if modules else {})}
    done = subprocess.run(
        [eslint, "-c", str(config), "extension/"],
        cwd=SOURCE / "traycodes" / "browser",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_extension_has_the_version_of_the_traycodes_it_ships_with() -> None:
    from traycodes import __version__

    assert manifest()["version"] == __version__
