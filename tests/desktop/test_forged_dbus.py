"""Another process on the same session bus cannot pass itself off as the desktop: a
second connection (the fake's ``forger``) sends its message first each time, with every
path, name and nonce right, and only its sender differs. The portal's answers and pressed
shortcuts, and KWin's window reports, are taken from the portal and KWin alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.fakeportal import FakeDesktop
from tests.desktop.session import DesktopSession, desktop_session

pytestmark = pytest.mark.desktop

GITHUB = {"caption": "Sign in to GitHub", "resourceClass": "org.kde.konsole", "pid": 1,
          "internalId": "{5e1f}"}  # fmt: skip


@pytest.fixture(scope="module")
def bus() -> Iterator[DesktopSession]:
    with (
        desktop_session(x=False, keyring=False, window_manager=False) as session,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("DBUS_SESSION_BUS_ADDRESS", session.env["DBUS_SESSION_BUS_ADDRESS"])
        yield session


@pytest.fixture
def fake(bus: DesktopSession, request: pytest.FixtureRequest) -> Iterator[FakeDesktop]:
    options: dict[str, Any] = {"forger": True, **getattr(request, "param", {})}
    options.setdefault("portals", {"RemoteDesktop": 2, "Screenshot": 2, "GlobalShortcuts": 1})
    desktop = FakeDesktop(bus.env["DBUS_SESSION_BUS_ADDRESS"], **options)
    try:
        yield desktop
    finally:
        desktop.close()


def qr_picture(path: Path, link: str) -> Path:
    import segno

    segno.make(link).save(str(path), scale=6, border=4)
    return path


REAL = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"
FORGED = "otpauth://totp/Evil:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Evil"


def test_a_forged_screenshot_answer_is_ignored(bus: DesktopSession, tmp_path: Path) -> None:
    """The forger answers the Screenshot request first with a picture of its own (a QR
    code that would add its account); the portal's own answer is the one read."""
    from traycodes.desktop._portal import portal_screenshot
    from traycodes.formats import qr_texts

    forged = qr_picture(tmp_path / "forged.png", FORGED)
    fake = FakeDesktop(
        bus.env["DBUS_SESSION_BUS_ADDRESS"],
        portals={"Screenshot": 2},
        screenshot=qr_picture(tmp_path / "real.png", REAL),
        forger=True,
        forged_results={"Screenshot": {"uri": ("s", forged.as_uri())}},
    )
    try:
        picture = portal_screenshot()
    finally:
        fake.close()
    assert fake.forged == ["Response Screenshot"]  # it was sent, and came first
    assert qr_texts(picture) == [REAL]


def test_a_forged_shortcut_press_is_ignored(fake: FakeDesktop) -> None:
    from traycodes.desktop._portal import portal_shortcuts

    typed, picked = threading.Event(), threading.Event()
    shortcuts = portal_shortcuts(
        {"<ctrl>+<alt>+o": typed.set, "<ctrl>+<alt>+p": picked.set},
        {"<ctrl>+<alt>+o": ("type", "Type the code"), "<ctrl>+<alt>+p": ("pick", "Show")},
    )
    assert shortcuts.start() == []
    try:
        fake.forge_shortcut("type")  # would type a code into whatever window is in front
        fake.activate_shortcut("pick")  # the control: the portal's own press, sent after it
        assert picked.wait(5)
        assert not typed.is_set()
        # every request's answer was forged first too, and ignored
        assert fake.forged == ["Response CreateSession", "Response BindShortcuts", "Activated type"]
    finally:
        shortcuts.stop()


@pytest.mark.parametrize("fake", [{"kwin": True, "active": GITHUB}], indirect=True)
def test_a_window_report_from_another_connection_is_refused_even_with_the_nonce(
    fake: FakeDesktop,
) -> None:
    """The script's file, nonce and all, can be read by the user's other processes: one
    of them answers first with a window of its choosing."""
    from traycodes.desktop._kwin import KWinDesktop

    reader = KWinDesktop()
    try:
        window = reader.active_window()
    finally:
        reader.close()
    assert fake.forged == ["Report answered error"]  # it came first, and was refused
    assert window is not None and (window.id, window.title) == ("{5e1f}", "Sign in to GitHub")
