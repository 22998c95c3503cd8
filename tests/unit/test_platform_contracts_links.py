"""The LinkHandler and HostRegistration contracts on every implementation: XDG (the
handler file and ``xdg-mime`` for real, reached through ``desktop.platform()``) and the
browsers' folders on Linux and macOS under a temporary home, with the launcher run by
``sh``; Windows' registry over a fake, its ``.cmd`` launcher read as cmd.exe reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contract import windows_shell, winreg_fake
from tests.contract.host_registration_contract import ECHO, HostRegistrationContract, HostRig
from tests.contract.link_handler_contract import LinkHandlerContract, LinkRig
from tests.unit.test_platform_contracts_entries import desktop_exec, home, part
from traycodes.desktop import HostRegistration, LinkHandler
from traycodes.desktop._hosts import MacosHosts, WindowsHosts
from traycodes.desktop._win32 import ProtocolHandler

__all__ = ["home"]  # the fixture, shared
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is Linux's")
OTHER_APP = "other-authenticator.desktop"


class XdgLinkRig:
    def __init__(self, home: Path) -> None:
        self.applications = home / ".local" / "share" / "applications"

    def make(self) -> LinkHandler:
        made: LinkHandler = part("link_handler")
        return made

    def opens(self, link: str) -> list[str] | None:
        done = subprocess.run(
            ["xdg-mime", "query", "default", "x-scheme-handler/otpauth"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        name = done.stdout.strip()
        if not name or not (self.applications / name).is_file():
            return None
        return desktop_exec(self.applications / name, link)

    def another_program_takes_links(self) -> str:
        program = self.applications.parent / "other-auth"  # xdg-mime skips a missing one
        self.applications.mkdir(parents=True, exist_ok=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
        (self.applications / OTHER_APP).write_text(
            f"[Desktop Entry]\nType=Application\nName=Other\nExec={program} %u\n"
            "MimeType=x-scheme-handler/otpauth;\n"
        )
        subprocess.run(["xdg-mime", "default", OTHER_APP, "x-scheme-handler/otpauth"], check=True)
        return OTHER_APP


class WindowsLinkRig:
    KEY = r"Software\Classes\otpauth"

    def __init__(self) -> None:
        self.registry = winreg_fake.FakeRegistry()

    def make(self) -> LinkHandler:
        return ProtocolHandler(self.registry)

    def opens(self, link: str) -> list[str] | None:
        """As the shell does: a URL Protocol key, its open command with ``%1`` the link."""
        if self.registry.value(self.KEY, "URL Protocol") is None:
            return None
        line = self.registry.value(self.KEY + r"\shell\open\command")
        if line is None:
            return None
        return windows_shell.command_line_to_argv(str(line).replace("%1", link))

    def another_program_takes_links(self) -> str:
        reg = self.registry
        with reg.CreateKey(reg.HKEY_CURRENT_USER, self.KEY) as key:
            reg.SetValueEx(key, "", 0, reg.REG_SZ, "URL:otpauth")
            reg.SetValueEx(key, "URL Protocol", 0, reg.REG_SZ, "")
        with reg.CreateKey(reg.HKEY_CURRENT_USER, self.KEY + r"\shell\open\command") as key:
            reg.SetValueEx(key, "", 0, reg.REG_SZ, r'"C:\Other\other-auth.exe" "%1"')
        return "other-auth.exe"


@linux_only
class TestXdgLinkHandler(LinkHandlerContract):
    @pytest.fixture
    def rig(self, home: Path) -> XdgLinkRig:
        return XdgLinkRig(home)


class TestWindowsLinkHandler(LinkHandlerContract):
    @pytest.fixture
    def rig(self) -> WindowsLinkRig:
        return WindowsLinkRig()


# --- HostRegistration -------------------------------------------------------------------------

# Where each browser looks for a host's manifest (the browsers' documentation).
LINUX = {
    "chrome": ".config/google-chrome/NativeMessagingHosts",
    "chromium": ".config/chromium/NativeMessagingHosts",
    "edge": ".config/microsoft-edge/NativeMessagingHosts",
    "firefox": ".mozilla/native-messaging-hosts",
}
MACOS = {
    "chrome": "Library/Application Support/Google/Chrome/NativeMessagingHosts",
    "chromium": "Library/Application Support/Chromium/NativeMessagingHosts",
    "edge": "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
    "firefox": "Library/Application Support/Mozilla/NativeMessagingHosts",
}
WINDOWS = {
    "chrome": r"Software\Google\Chrome\NativeMessagingHosts",
    "chromium": r"Software\Chromium\NativeMessagingHosts",
    "edge": r"Software\Microsoft\Edge\NativeMessagingHosts",
    "firefox": r"Software\Mozilla\NativeMessagingHosts",
}
WINDOWS_PROFILES = {
    "chrome": ("LOCALAPPDATA", r"Google\Chrome\User Data"),
    "chromium": ("LOCALAPPDATA", r"Chromium\User Data"),
    "edge": ("LOCALAPPDATA", r"Microsoft\Edge\User Data"),
    "firefox": ("APPDATA", r"Mozilla\Firefox"),
}


class PosixHostRig:
    """A browser on Linux or macOS: it reads ``<folder>/<host>.json`` in its own folder,
    and its profile folder (the folder's parent) shows that it is installed."""

    def __init__(self, home: Path, folders: dict[str, str], linux: bool) -> None:
        self.home, self.folders, self.linux = home, folders, linux
        os.environ["PATH"] = str(home / "no-programs")  # no browser on PATH (restored by
        # the home fixture's monkeypatch)

    def make(self) -> HostRegistration:
        if self.linux:
            made: HostRegistration = part("host_registration")
            return made
        return MacosHosts()

    def browser_finds(self, browser: str, host: str) -> Path | None:
        path = self.home / self.folders[browser] / f"{host}.json"
        return path if path.is_file() else None

    def install_browser(self, browser: str) -> None:
        (self.home / self.folders[browser]).parent.mkdir(parents=True)

    def run_launcher(self, path: Path, args: list[str]) -> list[str]:
        path.chmod(0o700)
        done = subprocess.run([str(path), *args], capture_output=True, text=True, check=True)
        return [sys.executable, "-c", ECHO, *json.loads(done.stdout)]


class WindowsHostRig:
    """A browser on Windows: it reads the manifest named by ``HKCU\\<its key>\\<host>``;
    its user data folder shows that it is installed."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.registry = winreg_fake.FakeRegistry()
        self.env = {"LOCALAPPDATA": str(tmp_path / "Local"), "APPDATA": str(tmp_path / "Roaming")}
        for name, value in self.env.items():
            monkeypatch.setenv(name, value)

    def make(self) -> HostRegistration:
        return WindowsHosts(self.registry)

    def browser_finds(self, browser: str, host: str) -> Path | None:
        named = self.registry.value(WINDOWS[browser] + "\\" + host)
        return Path(named) if named is not None and Path(named).is_file() else None

    def install_browser(self, browser: str) -> None:
        variable, folder = WINDOWS_PROFILES[browser]
        Path(self.env[variable], folder).mkdir(parents=True)  # as Windows splits it

    def run_launcher(self, path: Path, args: list[str]) -> list[str]:
        assert path.suffix == ".cmd"  # what Windows runs as a batch file
        env = {"PATH": r"C:\Windows\system32", **{k.upper(): v for k, v in self.env.items()}}
        return windows_shell.run_batch(path.read_bytes().decode(), args, env)


@pytest.mark.skipif(os.name != "posix", reason="the launcher is a shell script")
class TestLinuxHosts(HostRegistrationContract):
    @pytest.fixture
    def rig(self, home: Path) -> PosixHostRig:
        return PosixHostRig(home, LINUX, linux=sys.platform.startswith("linux"))


@pytest.mark.skipif(os.name != "posix", reason="the launcher is a shell script")
class TestMacosHosts(HostRegistrationContract):
    @pytest.fixture
    def rig(self, home: Path) -> PosixHostRig:
        return PosixHostRig(home, MACOS, linux=False)


class TestWindowsHosts(HostRegistrationContract):
    @pytest.fixture
    def rig(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WindowsHostRig:
        return WindowsHostRig(tmp_path, monkeypatch)


def test_the_rigs_are_what_the_contracts_ask_for(home: Path, tmp_path: Path) -> None:
    """mypy checks these assignments: each rig satisfies its contract's Protocol."""
    links: list[LinkRig] = [XdgLinkRig(home), WindowsLinkRig()]
    hosts: list[HostRig] = [PosixHostRig(home, LINUX, linux=True)]
    assert len(links) + len(hosts) == 3
