"""A real desktop session (Xvfb, D-Bus, gnome-keyring, openbox, trayer, dunst) per module."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.desktop.apphelper import TrayApp
from tests.desktop.session import DesktopSession, desktop_session, require


@pytest.fixture(scope="module")
def keyring_session() -> Iterator[DesktopSession]:
    """D-Bus with an unlocked gnome-keyring; this process's environment points at it."""
    with desktop_session(x=False, keyring=True, window_manager=False) as session:
        saved = {k: os.environ.get(k) for k in session.env}
        os.environ.update(session.env)
        try:
            yield session
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture(scope="module")
def desktop() -> Iterator[DesktopSession]:
    """The whole desktop: X, a window manager, a tray, D-Bus, gnome-keyring, dunst."""
    require("xclip", "xwininfo", "xdotool", "import")
    with desktop_session(
        x=True, keyring=True, window_manager=True, tray=True, notifications=True
    ) as session:
        yield session


@pytest.fixture
def make_app(desktop: DesktopSession, tmp_path: Path) -> Iterator[Callable[..., TrayApp]]:
    """``make_app(backend=..., settings=..., keyring=...)``: a TrayApp with a folder of its
    own; every app made is killed at the end, and the socket a killed one left removed."""
    apps: list[TrayApp] = []

    def make(**options: object) -> TrayApp:
        root = tmp_path / f"app{len(apps)}"
        root.mkdir()
        app = TrayApp(desktop, root, **options)  # type: ignore[arg-type]
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.kill()
    (Path(desktop.env["XDG_RUNTIME_DIR"]) / "traycodes.sock").unlink(missing_ok=True)


@pytest.fixture(params=["process", "child"])
def ui_mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """The windows in the app's own process (Linux, Windows) and in a child process (as on
    macOS; TRAYCODES_UI_PROCESS=child): the tests that use this run both ways."""
    from tests.desktop import apphelper

    apphelper.UI_PROCESS = request.param
    try:
        yield request.param
    finally:
        apphelper.UI_PROCESS = "process"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests about one of the two window modes run in that mode only (not skipped in the
    other: deselected, so that no test reports a run that checked nothing)."""
    dropped = [
        item
        for item in items
        if (item.get_closest_marker("child_ui") is not None and "[process]" in item.nodeid)
        or (item.get_closest_marker("process_ui") is not None and "[child]" in item.nodeid)
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]
