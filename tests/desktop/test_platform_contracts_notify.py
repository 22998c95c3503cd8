"""The Notifier contract on the freedesktop notifier, reached through ``desktop.platform()``
as the app reaches it, with dunst on a real session bus (and X, which dunst draws on); what
dunst shows is read with ``dunstctl``."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator

import pytest

from tests.contract.notifier_contract import NotifierContract, NotifierRig
from tests.desktop.session import DesktopSession, desktop_session, require, wait_for
from traycodes import desktop
from traycodes.desktop import Notifier

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def dunst_session() -> Iterator[DesktopSession]:
    require("dunst", "dunstctl")
    with desktop_session(x=True, keyring=False, window_manager=False, notifications=True) as s:
        yield s


class DunstRig:
    def __init__(self, session: DesktopSession) -> None:
        self.session = session

    def make(self) -> Notifier:
        factory = desktop.platform().notifier
        assert not isinstance(factory, desktop.Missing), factory.reason
        return factory("")

    def make_without_service(self) -> Notifier:
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/bus"  # restored by
        return self.make()  # the rig's fixture

    def dunstctl(self, *args: str) -> str:
        done = subprocess.run(
            ["dunstctl", *args], env=self.session.full_env(), capture_output=True, text=True,
            timeout=10, check=True,
        )  # fmt: skip
        return done.stdout

    def count_on_screen(self) -> int:
        return int(self.dunstctl("count", "displayed"))

    def history(self) -> list[tuple[int, str, str]]:
        entries = json.loads(self.dunstctl("history"))["data"][0]
        return [(e["id"]["data"], e["summary"]["data"], e["body"]["data"]) for e in entries]

    def dismiss_all(self) -> list[tuple[int, str, str]]:
        before = set(self.history())
        self.dunstctl("close-all")
        wait_for(lambda: self.count_on_screen() == 0, "every notification closed")
        return [entry for entry in self.history() if entry not in before]

    def gone_by_itself(self) -> list[tuple[int, str, str]]:
        return self.history()


class TestFreedesktopNotifier(NotifierContract):
    @pytest.fixture
    def rig(
        self, dunst_session: DesktopSession, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[DunstRig]:
        for name, value in dunst_session.env.items():
            monkeypatch.setenv(name, value)
        rig = DunstRig(dunst_session)
        rig.dismiss_all()  # what an earlier test left
        yield rig


def test_the_rig_is_what_the_contract_asks_for(dunst_session: DesktopSession) -> None:
    """mypy checks this assignment: the rig satisfies the contract's Protocol."""
    rig: NotifierRig = DunstRig(dunst_session)
    assert rig.count_on_screen() >= 0
