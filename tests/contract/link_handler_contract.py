"""What every LinkHandler must do: once enabled, a clicked ``otpauth:`` link starts exactly
the command given with the link as its last argument (read back the way the OS reads it);
``status`` says ``on``/``off`` truthfully and names another program that took the links;
``disable`` is quiet when off and never removes another program's handler. Run against
the XDG files and ``xdg-mime`` for real, and Windows' registry over a fake (tests/unit);
macOS has none until there is an app bundle (``desktop.platform()`` says why)."""

from __future__ import annotations

from typing import Protocol

import pytest

from traycodes.desktop import LinkHandler

COMMAND = ["/opt/my apps/traycodes", "--vault", "/home/me/Sync/vault 50%.tcv", "enrol"]
LINK = "otpauth://totp/Example:me%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"


class LinkRig(Protocol):
    def make(self) -> LinkHandler: ...

    def opens(self, link: str) -> list[str] | None:
        """The command the OS runs for a click on ``link``; None when nothing takes it."""
        ...

    def another_program_takes_links(self) -> str:
        """Another program makes itself otpauth's handler; its name as the OS knows it."""
        ...


class LinkHandlerContract:
    """Subclass with a ``rig`` fixture for the platform under test."""

    @pytest.fixture
    def rig(self) -> LinkRig:
        raise NotImplementedError

    def test_off_at_first_and_disable_is_quiet(self, rig: LinkRig) -> None:
        handler = rig.make()
        assert handler.status() == "off"
        assert rig.opens(LINK) is None
        handler.disable()
        assert handler.status() == "off"

    def test_a_clicked_link_starts_the_command_with_the_link(self, rig: LinkRig) -> None:
        handler = rig.make()
        handler.enable(COMMAND)
        assert handler.status() == "on"
        assert rig.opens(LINK) == [*COMMAND, LINK]

    def test_disable_gives_the_links_back(self, rig: LinkRig) -> None:
        handler = rig.make()
        handler.enable(COMMAND)
        handler.disable()
        assert handler.status() == "off"
        assert rig.opens(LINK) is None

    def test_another_program_that_took_the_links_is_named(self, rig: LinkRig) -> None:
        handler = rig.make()
        handler.enable(COMMAND)
        other = rig.another_program_takes_links()
        status = handler.status()
        assert status not in ("on", "off") and other in status

    def test_disable_leaves_another_programs_handler_alone(self, rig: LinkRig) -> None:
        handler = rig.make()
        handler.enable(COMMAND)
        rig.another_program_takes_links()
        taken = rig.opens(LINK)
        assert taken is not None and taken != [*COMMAND, LINK]  # a positive control
        handler.disable()
        assert rig.opens(LINK) == taken
