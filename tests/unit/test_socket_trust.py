"""The compositor and ydotoold sockets traycodes hands typed codes to: only a socket this
user or root made, looked at itself (a planted link is refused, whatever it points at), in
folders no one else can change, never a path relative to the working folder; and ydotool
is told the socket that was checked."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from traycodes.desktop._wayland import (
    YdotoolKeyboard,
    checked_socket,
    hyprland_socket,
    trusted_socket,
    ydotool_socket,
)
from traycodes.keys import Hotkey

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
NOBODY = 65534


@pytest.fixture
def listening() -> Iterator[list[socket.socket]]:
    servers: list[socket.socket] = []
    yield servers
    for server in servers:
        server.close()


def make_socket(path: Path, servers: list[socket.socket]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    servers.append(server)
    return path


@pytest.fixture
def sticky(tmp_path: Path) -> Path:
    """A folder like /tmp: everyone may write, no one may rename what is another's."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    folder.chmod(0o1777)
    return folder


def test_a_link_to_a_trusted_socket_is_refused(
    sticky: Path, listening: list[socket.socket]
) -> None:
    real = make_socket(sticky / "real.sock", listening)
    link = sticky / ".ydotool_socket"
    link.symlink_to(real)
    assert trusted_socket(real)  # the control: the socket itself passes
    assert not trusted_socket(link)
    assert ydotool_socket({"YDOTOOL_SOCKET": str(link)}) is None


def test_a_link_another_user_planted_to_roots_socket_is_refused(
    sticky: Path, listening: list[socket.socket]
) -> None:
    if os.getuid() != 0:
        pytest.skip("needs root to make a link owned by another user")
    roots = make_socket(sticky / "root-owned.sock", listening)
    link = sticky / ".ydotool_socket"
    link.symlink_to(roots)
    os.lchown(link, NOBODY, NOBODY)  # planted by nobody, pointing at root's socket
    assert trusted_socket(roots)
    assert not trusted_socket(link)


def test_a_socket_in_a_folder_another_user_owns_is_refused(
    tmp_path: Path, listening: list[socket.socket]
) -> None:
    """/tmp/hypr made by someone else first: they could swap the socket in it later."""
    if os.getuid() != 0:
        pytest.skip("needs root to make a folder owned by another user")
    path = make_socket(tmp_path / "hypr" / "sig" / ".socket.sock", listening)
    assert trusted_socket(path)
    os.chown(tmp_path / "hypr", NOBODY, NOBODY)
    assert not trusted_socket(path)


def test_a_socket_in_a_folder_others_may_write_without_the_sticky_bit_is_refused(
    tmp_path: Path, listening: list[socket.socket]
) -> None:
    folder = tmp_path / "open"
    path = make_socket(folder / ".ydotool_socket", listening)
    folder.chmod(0o1777)
    assert trusted_socket(path)
    folder.chmod(0o777)  # anyone may rename the socket away and put their own there
    assert not trusted_socket(path)


def test_the_path_returned_has_no_links_left_in_its_folders(
    tmp_path: Path, listening: list[socket.socket]
) -> None:
    real = make_socket(tmp_path / "run" / ".ydotool_socket", listening)
    (tmp_path / "linked").symlink_to(tmp_path / "run")
    assert checked_socket(tmp_path / "linked" / ".ydotool_socket") == real


def test_no_relative_path_is_ever_used(
    tmp_path: Path, listening: list[socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With XDG_RUNTIME_DIR unset or empty, the sockets' paths were relative to the working
    folder, where anyone who can write there (a shared folder) could put one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "empty-tmp"))
    make_socket(tmp_path / "hypr" / "sig" / ".socket.sock", listening)
    make_socket(tmp_path / ".ydotool_socket", listening)
    assert trusted_socket(tmp_path / ".ydotool_socket")  # the control: absolute, it passes
    assert not trusted_socket(Path(".ydotool_socket"))
    assert hyprland_socket({"HYPRLAND_INSTANCE_SIGNATURE": "sig"}) is None
    assert hyprland_socket({"HYPRLAND_INSTANCE_SIGNATURE": "sig", "XDG_RUNTIME_DIR": ""}) is None
    assert ydotool_socket({"XDG_RUNTIME_DIR": ""}) is None
    assert ydotool_socket({"YDOTOOL_SOCKET": ".ydotool_socket"}) is None
    found = hyprland_socket({"HYPRLAND_INSTANCE_SIGNATURE": "sig", "XDG_RUNTIME_DIR": "."})
    assert found is None


def test_hyprlands_socket_is_found_where_each_version_puts_it(
    tmp_path: Path, listening: list[socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime, old_tmp = tmp_path / "runtime", tmp_path / "tmp"
    monkeypatch.setattr(tempfile, "tempdir", str(old_tmp))
    env = {"HYPRLAND_INSTANCE_SIGNATURE": "sig", "XDG_RUNTIME_DIR": str(runtime)}
    assert hyprland_socket(env) is None
    older = make_socket(old_tmp / "hypr" / "sig" / ".socket.sock", listening)
    assert hyprland_socket(env) == older
    newer = make_socket(runtime / "hypr" / "sig" / ".socket.sock", listening)
    assert hyprland_socket(env) == newer
    assert hyprland_socket({**env, "HYPRLAND_INSTANCE_SIGNATURE": "../sig"}) is None


def test_ydotool_is_told_the_socket_that_was_checked(
    tmp_path: Path, listening: list[socket.socket], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ydotool left to itself looks for $YDOTOOL_SOCKET, then /tmp/.ydotool_socket: not
    necessarily the socket traycodes checked."""
    from traycodes import desktop

    runtime = tmp_path / "runtime"
    checked = make_socket(runtime / ".ydotool_socket", listening)
    seen = tmp_path / "seen"
    tool = tmp_path / "bin" / "ydotool"
    tool.parent.mkdir()
    tool.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        f"with open({str(seen)!r}, 'a') as f:\n"
        "    f.write(json.dumps([sys.argv[1:], os.environ.get('YDOTOOL_SOCKET')]) + '\\n')\n"
    )
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tool.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("YDOTOOL_SOCKET", raising=False)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "KDE")  # no wtype here: ydotool types
    keyboard = desktop.required(desktop.platform().keyboard)()
    assert isinstance(keyboard, YdotoolKeyboard)
    keyboard.type("042917")
    keyboard.press(Hotkey.parse("<ctrl>+v"))
    said = [json.loads(line) for line in seen.read_text().splitlines()]
    assert said == [[["type", "--file", "-"], str(checked)], [["key", *KEYS], str(checked)]]


KEYS = ["29:1", "47:1", "47:0", "29:0"]
