"""The ``sni`` tray backend: an icon with a menu where a StatusNotifierItem host is there
(KDE, waybar, GNOME's AppIndicator extension) and PyGObject is not. The D-Bus side (the
item and its DBusMenu, through jeepney) is ``desktop.status_notifier_item``; this module
gives it the shape of a pystray icon, so that app/tray.py drives it like the others: the
menu is a pystray Menu, and its callbacks run on the icon's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import desktop


class Icon:
    """A pystray-like icon (``icon``, ``title``, ``menu``, ``visible``, ``run``, ``stop``)."""

    HAS_MENU = True
    HAS_NOTIFICATION = False

    def __init__(self, name: str, icon: Any = None, title: str = "", menu: Any = None) -> None:
        self.name = name
        self._icon, self._title, self._menu = icon, title, menu
        self.visible = False
        # (x, y) of the host's ContextMenu call (hosts that do not draw the menu themselves)
        self.on_secondary: Callable[[int, int], None] | None = None
        self._item = desktop.status_notifier_item(
            title,
            icon,
            self._nodes(menu),
            on_activate=self._activate,
            on_context_menu=self._context,
        )

    @property
    def icon(self) -> Any:
        return self._icon

    @icon.setter
    def icon(self, image: Any) -> None:
        self._icon = image
        self._item.set_image(image, self._title)

    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, title: str) -> None:
        self._title = title
        self._item.set_image(self._icon, title)

    @property
    def menu(self) -> Any:
        return self._menu

    @menu.setter
    def menu(self, menu: Any) -> None:
        self._menu = menu
        self._item.set_menu(self._nodes(menu))

    def run(self, setup: Callable[[Any], None] | None = None) -> None:
        self._item.run(ready=None if setup is None else lambda: setup(self))

    def stop(self) -> None:
        self._item.stop()

    @property
    def relabels(self) -> int:
        """Labels changed while the menu was open (the tests' diagnostics)."""
        return self._item.relabels

    def _activate(self) -> None:
        if self._menu is not None:
            self._menu(self)  # pystray: the default item's action

    def _context(self, x: int, y: int) -> None:
        if self.on_secondary is not None:
            self.on_secondary(x, y)

    def _runner(self, item: Any) -> Callable[[], None]:
        return lambda: item(self)

    def _nodes(self, menu: Any) -> list[Any]:
        """A pystray Menu as ``desktop.menu_node`` entries (visible items only)."""
        import pystray

        nodes: list[Any] = []
        if menu is None:
            return nodes
        for item in menu:
            if item is pystray.Menu.SEPARATOR:
                nodes.append(desktop.menu_node(separator=True))
                continue
            submenu = item.submenu
            nodes.append(
                desktop.menu_node(
                    item.text,
                    None if submenu is not None else self._runner(item),
                    enabled=bool(item.enabled),
                    checked=item.checked,
                    children=self._nodes(submenu) if submenu is not None else [],
                    label=lambda item=item: str(item.text),  # a code's seconds left
                )
            )
        return nodes
