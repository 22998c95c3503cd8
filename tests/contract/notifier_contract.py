"""What every Notifier must do: a notification is shown with its title and body and an id;
shown again with ``replaces`` it takes the place of the first (one on screen, the newer
text); it goes away after its timeout; with no notification service nothing breaks (0,
no exception: the app then says it in its own window or log); ``close`` twice is quiet and
a later notification opens again. Run against the freedesktop notifier with dunst on a
real session bus (tests/desktop). Windows and macOS notify through the tray icon
(``desktop.platform()`` says so)."""

from __future__ import annotations

from typing import Protocol

import pytest

from tests.contract.shortcuts_contract import wait_for
from traycodes.desktop import Notifier


class NotifierRig(Protocol):
    def make(self) -> Notifier: ...

    def make_without_service(self) -> Notifier:
        """A notifier where no notification service runs."""
        ...

    def count_on_screen(self) -> int:
        """How many notifications are shown now."""
        ...

    def dismiss_all(self) -> list[tuple[int, str, str]]:
        """The person closes every notification shown; what they were: (id, title, body)."""
        ...

    def gone_by_itself(self) -> list[tuple[int, str, str]]:
        """Those that were shown and went away by themselves (their timeout)."""
        ...


class NotifierContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> NotifierRig:
        raise NotImplementedError

    def test_a_notification_is_shown_with_its_title_and_body(self, rig: NotifierRig) -> None:
        notifier = rig.make()
        try:
            shown = notifier.notify("traycodes", "Copied the code for “Example” – 042917")
            assert shown > 0
            wait_for(lambda: rig.count_on_screen() == 1, "the notification on screen")
            assert rig.dismiss_all() == [
                (shown, "traycodes", "Copied the code for “Example” – 042917")
            ]
        finally:
            notifier.close()

    def test_replaces_puts_the_new_text_in_the_old_ones_place(self, rig: NotifierRig) -> None:
        notifier = rig.make()
        try:
            first = notifier.notify("traycodes", "Code 111111", timeout_ms=60_000)
            wait_for(lambda: rig.count_on_screen() == 1, "the first")
            second = notifier.notify("traycodes", "Code 222222", timeout_ms=60_000, replaces=first)
            assert second == first
            marker = notifier.notify("traycodes", "A marker", timeout_ms=60_000)  # a positive
            wait_for(lambda: rig.count_on_screen() == 2, "the marker")  # control: both arrived
            assert sorted(rig.dismiss_all()) == [
                (first, "traycodes", "Code 222222"),
                (marker, "traycodes", "A marker"),
            ]
        finally:
            notifier.close()

    def test_it_goes_away_after_its_timeout(self, rig: NotifierRig) -> None:
        notifier = rig.make()
        try:
            shown = notifier.notify("traycodes", "Gone soon", timeout_ms=300)
            wait_for(
                lambda: (shown, "traycodes", "Gone soon") in rig.gone_by_itself(), "the timeout"
            )
            assert rig.count_on_screen() == 0
        finally:
            notifier.close()

    def test_without_a_service_nothing_breaks(self, rig: NotifierRig) -> None:
        notifier = rig.make_without_service()
        try:
            assert notifier.notify("traycodes", "Nobody shows this") == 0
            assert notifier.notify("traycodes", "Nor this") == 0  # and again: still quiet
        finally:
            notifier.close()

    def test_close_twice_is_quiet_and_a_later_one_is_shown(self, rig: NotifierRig) -> None:
        notifier = rig.make()
        assert notifier.notify("traycodes", "Before closing") > 0
        notifier.close()
        notifier.close()
        again = notifier.notify("traycodes", "After closing")
        try:
            assert again > 0
            wait_for(lambda: rig.count_on_screen() == 2, "the later one")
            assert (again, "traycodes", "After closing") in rig.dismiss_all()
        finally:
            notifier.close()
