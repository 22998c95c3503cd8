"""The native messaging host's install: a launcher the browsers can start, and a host
manifest per browser at its per-user place (Linux and macOS: a folder of manifests;
Windows: a registry value naming the manifest), each allowing our extension alone.
``traycodes browser on|off|status``; ``browser path`` gives the extension's folder."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..i18n import _
from . import EXTENSION_ID, GECKO_ID, HOST_NAME

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..desktop import HostRegistration

CHROMIUM_FAMILY = ("chromium", "chrome", "brave", "edge", "vivaldi")
BROWSERS = (*CHROMIUM_FAMILY, "firefox")


def found_browsers() -> tuple[str, ...]:
    """The browsers that look installed for this user, in :data:`BROWSERS` order."""
    return tuple(browser for browser in BROWSERS if _is_installed(browser))


def _hosts() -> HostRegistration:
    from .. import desktop

    return desktop.required(desktop.platform().host_registration)()


def _is_installed(browser: str) -> bool:
    return _hosts().installed(browser, HOST_NAME)


def _data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("traycodes", appauthor=False))


def launcher_path() -> Path:
    return _data_dir() / _hosts().launcher_file


def launcher_text(command: list[str]) -> str:
    """A script that runs ``command`` with the browser's arguments (a host manifest's
    ``path`` takes no arguments of its own)."""
    return _hosts().launcher_text(command)


def manifest(browser: str, launcher: Path) -> dict[str, object]:
    """The host manifest for ``browser``: our extension alone may start the host."""
    found: dict[str, object] = {
        "name": HOST_NAME,
        "description": "traycodes: two-factor codes for the traycodes browser extension",
        "path": str(launcher),
        "type": "stdio",
    }
    if browser == "firefox":
        found["allowed_extensions"] = [GECKO_ID]
    else:
        found["allowed_origins"] = [f"chrome-extension://{EXTENSION_ID}/"]
    return found


def manifest_path(browser: str) -> Path:
    """Where ``browser`` looks for our manifest (on Windows: where we keep it; the
    registry names it)."""
    return _hosts().manifest_path(browser, HOST_NAME, _data_dir())


def _write_private(path: Path, text: str, mode: int) -> None:
    """Write ``text`` atomically (vault.atomic_write: 0600), then give it ``mode``."""
    from ..vault import atomic_write

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"))
    os.chmod(path, mode)


def install(host_command: list[str], browsers: tuple[str, ...] = BROWSERS) -> list[str]:
    """Write the launcher and the manifest of each of ``browsers``; what was done, a
    line each."""
    hosts = _hosts()
    launcher = launcher_path()
    _write_private(launcher, launcher_text(host_command), 0o700)
    done = [_("host launcher: {path}").format(path=launcher)]
    for browser in browsers:
        path = manifest_path(browser)
        _write_private(path, json.dumps(manifest(browser, launcher), indent=2) + "\n", 0o644)
        hosts.register(browser, HOST_NAME, path)  # Windows: the registry names it
        done.append(f"{browser}: {path}")
    return done


def remove() -> list[str]:
    """Remove exactly what :func:`install` wrote (a manifest of another program under
    our name is left alone)."""
    done = []
    for browser in BROWSERS:
        path = manifest_path(browser)
        if state(browser) == "on":
            path.unlink()
            _hosts().unregister(browser, HOST_NAME)
            done.append(_("{browser}: removed {path}").format(browser=browser, path=path))
    launcher = launcher_path()
    if launcher.exists():
        launcher.unlink()
        done.append(_("host launcher: removed {path}").format(path=launcher))
    from . import seen

    seen.forget()  # the hotkey no longer hands browser windows over
    return done


def state(browser: str) -> str:
    """``on`` (our manifest, naming our launcher), ``off``, or ``other`` (a manifest
    under our name that we did not write, or one naming a launcher that is gone)."""
    path = manifest_path(browser)
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "off"
    except (OSError, ValueError):
        return "other"
    if found == manifest(browser, launcher_path()) and launcher_path().exists():
        return "on"
    return "other"


COPY_MARKER = ".traycodes-extension"  # in a copy made by copy_extension: the files' digest
DEFAULT_COPY = "traycodes-browser-extension"  # in the home folder


def _fingerprint(folder: Path) -> str:
    """A digest of the extension's files (names and contents) in ``folder``."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != COPY_MARKER:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _copies_file() -> Path:
    return _data_dir() / "browser-extension-copies.json"


def copies() -> list[Path]:
    """The copies made with ``browser path --copy-to``, newest last."""
    try:
        found = json.loads(_copies_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(p) for p in found if isinstance(p, str)] if isinstance(found, list) else []


def copy_extension(target: Path, *, firefox: bool = False) -> Path:
    """The extension copied to ``target`` (a folder a browser's folder chooser can reach:
    the installed package sits deep in a hidden pipx environment), remembered so that
    :func:`copy_state` can say when an upgrade left it behind. A folder that holds
    something else is refused, never overwritten."""
    from ..errors import TrayCodesError

    target = target.expanduser().absolute()
    if target.exists() and any(target.iterdir()) and not (target / COPY_MARKER).exists():
        raise TrayCodesError(
            _("{target} holds other files: choose an empty folder or a new name").format(
                target=target
            )
        )
    source = extension_folder(firefox=firefox)
    staging = target.with_name(f".{target.name}.new")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(source, staging)
    (staging / COPY_MARKER).write_text(_fingerprint(source) + "\n", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    known = [p for p in copies() if p != target]
    _write_private(_copies_file(), json.dumps([*map(str, known), str(target)]) + "\n", 0o600)
    return target


def copy_state(target: Path) -> str:
    """``current``, ``stale`` (made from another version: load it again after copying
    anew) or ``gone``."""
    if not (target / COPY_MARKER).is_file():
        return "gone"
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "stale"
    firefox = isinstance(manifest, dict) and "browser_specific_settings" in manifest
    shipped = _fingerprint(extension_folder(firefox=bool(firefox)))
    return "current" if _fingerprint(target) == shipped else "stale"


SHIPPED = Path(__file__).with_name("extension")  # in the installed package
BINDING_FILE = "token.json"  # in each copy the extension loads: the host's token


def _token_path() -> Path:
    return _data_dir() / "browser-token"


def saved_token() -> str | None:
    """This install's token (None before the first ``browser path`` or ``browser on``)."""
    try:
        token = _token_path().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return token or None


def host_token() -> str:
    """The random token that binds the host to our copies of the extension: written into
    every copy ``browser path`` makes, sent with every request, and without it the host
    answers nothing (another add-on claiming our id has no copy of it)."""
    token = saved_token()
    if token is None:
        import secrets

        token = secrets.token_urlsafe(32)
        _write_private(_token_path(), token + "\n", 0o600)
    return token


def extension_folder(*, firefox: bool = False) -> Path:
    """The extension to load unpacked: a copy beside the user data (the installed package
    is shared and read-only) with this install's token in it. Firefox's copy has
    Firefox's manifest (a background script instead of a service worker, the gecko id, no
    Chromium key)."""
    target = _data_dir() / ("firefox-extension" if firefox else "chromium-extension")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(SHIPPED, target)
    (target / BINDING_FILE).write_text(json.dumps({"token": host_token()}) + "\n", encoding="utf-8")
    target.chmod(0o700)
    if not firefox:
        return target
    (target / "manifest.json").write_text(firefox_manifest(), encoding="utf-8")
    return target


# Firefox loads the background from these scripts, in order; Chromium's service worker is
# background.js alone, which loads the two in between with importScripts.
BACKGROUND_SCRIPTS = ["clipboard.js", "background-host.js", "background-frames.js", "background.js"]


def firefox_manifest() -> str:
    """Firefox's manifest: a background script instead of a service worker, the gecko id,
    no Chromium key."""
    found = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    found.pop("key", None)
    found["background"] = {"scripts": BACKGROUND_SCRIPTS}
    # no offscreen documents in Firefox: its background page clears the clipboard itself
    found["permissions"] = [p for p in found["permissions"] if p != "offscreen"]
    found["browser_specific_settings"] = {
        "gecko": {
            "id": GECKO_ID,
            "strict_min_version": "128.0",
            "data_collection_permissions": {"required": ["none"]},  # it collects nothing
        }
    }
    return json.dumps(found, indent=2) + "\n"


def pack(folder: Path) -> list[Path]:
    """The zips the stores take, written into ``folder``: the Chrome Web Store's (no
    ``key``: the store signs with its own), Firefox Add-ons' (the gecko id) and the source
    archive Firefox Add-ons asks for (the same files: nothing is built). No token: a
    listed extension is bound to the host by its store id."""
    import zipfile

    version = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))["version"]
    files = sorted(p for p in SHIPPED.iterdir() if p.is_file() and p.name != "manifest.json")
    chrome = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    chrome.pop("key", None)
    builds = {
        f"traycodes-chrome-{version}.zip": json.dumps(chrome, indent=2) + "\n",
        f"traycodes-firefox-{version}.zip": firefox_manifest(),
        f"traycodes-firefox-source-{version}.zip": firefox_manifest(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, manifest_text in builds.items():
        target = folder / name
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", manifest_text)
            for path in files:
                archive.write(path, path.name)
            if "source" in name:
                archive.writestr(
                    "README.txt",
                    "traycodes browser extension, source: the files as they are shipped; "
                    "no build step (no bundler, no minifier). The add-on is this folder.\n",
                )
        written.append(target)
    return written
