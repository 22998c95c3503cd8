"""The tray menu as data: records and the time in, the entries out. Pure (no pystray, no
clock of its own), so that grouping, order, codes and refresh times are unit-tested; the
tray turns the entries into its toolkit's items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..i18n import _, ngettext
from ..matching import menu_order
from ..model import OtpType, Record
from ..otp import code, group_code, seconds_left

SUBMENU_LIMIT = 25  # entries in one "More" submenu before it points to Search…
CODE_GAP = "   "  # between an account's name and its code
SOON = 10  # a code with fewer seconds left than this shows them: "492 039  (7 s)"
LEFT_GAP = "  ("  # between a code and its seconds left


@dataclass(frozen=True, slots=True)
class Entry:
    """One menu entry. ``action``: what a click does (``copy`` with ``record_id``,
    ``unlock``, ``search``, ``add``, ``import``, ``lock``, ``autostart``, ``settings``,
    ``quit``), or ``""`` for a label or a submenu."""

    text: str
    action: str = ""
    record_id: str = ""
    submenu: tuple[Entry, ...] = ()
    default: bool = False
    enabled: bool = True
    toggle: bool = False  # shows a check mark (its state is asked when drawn)
    changes: float = 0.0  # when the code shown changes (Unix time); 0: it does not (HOTP)


SEPARATOR = Entry("—")


def entry_text(record: Record, now: float, hide: bool = False, soon: bool = False) -> str:
    """``GitHub (octocat)   492 039`` (``hide``: ``GitHub (octocat)   ••• •••``); ``soon``:
    with the seconds left when fewer than :data:`SOON`, ``GitHub (octocat)   492 039  (7 s)``."""
    otp = record.otp
    if otp is None:
        return f"{record.label}{CODE_GAP}({_('no OTP yet')})"
    text = f"{record.label}{CODE_GAP}{group_code(code(otp, now))}"
    if hide:
        text = mask_code(text)
    if soon and otp.type is not OtpType.HOTP:
        text += left_text(seconds_left(now, otp.period))
    return text


def left_text(left: float) -> str:
    """``  (7 s)`` for a code with fewer than :data:`SOON` seconds left, else ``""``."""
    if not 0 < left < SOON:
        return ""
    return LEFT_GAP + _("{seconds} s").format(seconds=max(1, math.ceil(left))) + ")"


def shown_text(entry: Entry, now: float) -> str:
    """What a menu open at ``now`` shows for ``entry``: its text, and a code about to
    change with its seconds left (menus re-read this as they open and while open)."""
    return entry.text + left_text(entry.changes - now) if entry.changes else entry.text


def changes_at(record: Record, now: float) -> float:
    """When ``record``'s code shown at ``now`` changes (0: not with time)."""
    otp = record.otp
    if otp is None or otp.type is OtpType.HOTP:
        return 0.0
    return now + seconds_left(now, otp.period)


def mask_code(text: str) -> str:
    """``GitHub (octocat)   492 039`` -> ``GitHub (octocat)   ••• •••``: an entry (or a
    preview) with its code, after the last run of three spaces, hidden."""
    label, sep, shown = text.rpartition(CODE_GAP)
    if not sep or shown.startswith("("):  # no code there: "(no OTP yet)"
        return text
    shown, gap, left = shown.partition(LEFT_GAP)  # the seconds left are not secret
    return label + sep + "".join("•" if c.isalnum() else c for c in shown) + gap + left


def menu_model(
    records: list[Record] | None,
    now: float,
    menu_size: int,
    steps: tuple[str, ...] = (),
    *,
    hide_codes: bool = False,
    soon: bool = False,
) -> tuple[Entry, ...]:
    """The whole menu; ``records`` None while locked; ``steps`` (:func:`first_steps`) as
    labels under "No accounts yet". ``hide_codes``: every code shown as ``••• •••`` (a
    click still copies the real one: the entry names the record). ``soon``: codes about to
    change say their seconds left, baked into the text (for a menu built as it opens);
    otherwise each code's entry says when it changes, and a menu re-read as it opens and
    while it is open shows the seconds left (:func:`shown_text`)."""
    if records is None:
        return (Entry(_("Unlock…"), "unlock", default=True), SEPARATOR, Entry(_("Quit"), "quit"))
    ordered = menu_order(records)
    items = [code_entry(r, now, hide_codes, soon) for r in ordered[:menu_size]]
    if not ordered:
        items.append(Entry(_("No accounts yet"), enabled=False))
        items += [Entry(line, enabled=False) for line in steps]
    rest = ordered[menu_size:]
    if rest:
        more = _("More ({count})").format(count=len(rest))
        items.append(Entry(more, submenu=groups(rest, now, hide_codes, soon)))
    return (
        *items,
        SEPARATOR,
        Entry(_("Search…"), "search", default=True),
        Entry(_("Add account…"), "add"),
        Entry(_("Import…"), "import"),
        Entry(_("Lock"), "lock"),
        Entry(_("Start at login"), "autostart", toggle=True),
        Entry(_("Settings…"), "settings"),
        SEPARATOR,
        Entry(_("Quit"), "quit"),
    )


def code_entry(record: Record, now: float, hide: bool, soon: bool) -> Entry:
    """An account's entry: its code copied on a click; ``soon``: the seconds left baked
    into the text (else :func:`shown_text` adds them when the menu is read)."""
    changes = 0.0 if soon else changes_at(record, now)
    return Entry(entry_text(record, now, hide, soon), "copy", record.id, changes=changes)


def key_label(hotkey: str) -> str:
    """``<ctrl>+<alt>+o`` -> ``Ctrl+Alt+O`` (the text as it is when it is no hotkey)."""
    from ..keys import Hotkey

    try:
        return Hotkey.parse(hotkey).label
    except ValueError:
        return hotkey


def first_steps(type_key: str, pick_key: str) -> tuple[str, ...]:
    """What to do next with a new vault: the first-run window and the empty tray menu."""
    lines = [
        _("Add an account: paste a link or scan a QR code (Add account…)"),
        _("…or bring them from another app (Import…)"),
    ]
    if type_key:
        lines.append(
            _("{key} types the code for the window in front").format(key=key_label(type_key))
        )
    if pick_key:
        lines.append(_("{key} opens quick-pick").format(key=key_label(pick_key)))
    lines.append(_("Web sites: the browser extension ('traycodes browser on')"))
    return tuple(lines)


def groups(
    records: list[Record], now: float, hide: bool = False, soon: bool = False
) -> tuple[Entry, ...]:
    """Submenus by first tag, else by first letter; a long one ends in "N more: Search…"."""
    grouped: dict[str, list[Record]] = {}
    for record in records:
        name = record.tags[0] if record.tags else (record.label[:1].upper() or "#")
        grouped.setdefault(name, []).append(record)
    submenus = []
    for name in sorted(grouped, key=str.casefold):
        members = grouped[name]
        entries = [code_entry(r, now, hide, soon) for r in members[:SUBMENU_LIMIT]]
        if len(members) > SUBMENU_LIMIT:
            more = len(members) - SUBMENU_LIMIT
            said = ngettext("{count} more: Search…", "{count} more: Search…", more)
            entries.append(Entry(said.format(count=more), "search"))
        submenus.append(Entry(f"{name} ({len(members)})", submenu=tuple(entries)))
    return tuple(submenus)


def texts(entries: tuple[Entry, ...], depth: int = 0) -> list[str]:
    """The menu as lines of text, submenus indented (for diagnostics over IPC)."""
    lines: list[str] = []
    for entry in entries:
        if entry is SEPARATOR:
            continue
        lines.append("  " * depth + entry.text)
        lines += texts(entry.submenu, depth + 1)
    return lines


def next_refresh(records: list[Record] | None, now: float, menu_size: int) -> float | None:
    """Seconds until a code shown in the menu changes (the next period boundary of the
    shown TOTP and Steam records), or None when no shown code changes with time."""
    if records is None:
        return None
    periods = {
        r.otp.period
        for r in menu_order(records)[: menu_size + 1000]
        if r.otp is not None and r.otp.type is not OtpType.HOTP
    }
    return min(seconds_left(now, p) for p in periods) if periods else None


def popup_items(entries: tuple[Entry, ...], toggled: bool | None) -> list[dict[str, object]]:
    """The entries as plain data for a popup menu drawn by traycodes itself (the X11 icon
    without PyGObject): ``text``, ``key`` (``copy:ID`` or the action; ``""`` for a label),
    ``enabled``, ``checked`` (a toggle's state, else None), ``submenu``; separators as
    ``{"separator": True}``."""
    items: list[dict[str, object]] = []
    for entry in entries:
        if entry is SEPARATOR:
            items.append({"separator": True})
            continue
        key = f"copy:{entry.record_id}" if entry.action == "copy" else entry.action
        items.append(
            {
                "text": entry.text,
                "key": key,
                "enabled": entry.enabled,
                "checked": toggled if entry.toggle else None,
                "submenu": popup_items(entry.submenu, toggled) if entry.submenu else [],
            }
        )
    return items
