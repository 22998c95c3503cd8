"""The quick-pick window: type to filter, Up/Down to choose, Enter to copy, Esc to close;
with ``hide_codes`` on (rows marked ``hidden``), Ctrl+R shows the chosen row's code for a
few seconds (never the others').

It is handed what it shows (rows from the app) and callbacks for what the user does; it
never touches the vault or the desktop itself.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from ..faces import face
from ..i18n import _, ngettext
from . import theme
from .faceimages import FaceImages
from .rows import Row, RowSource

ROW_HEIGHT = 48
VISIBLE_ROWS = 8
WIDTH = 460
MAX_ROWS = 50  # past this, refine the search: a list of thousands helps nobody
REVEAL_MS = 5000  # a hidden code shows this long after Ctrl+R
FACE = 32  # px: the account's face, left in its row
FACE_LEFT = 10
TEXT_LEFT = FACE_LEFT + FACE + 10


class QuickPick:
    """A Toplevel over ``root``; ``rows(query)`` gives the rows to show for a search."""

    def __init__(
        self,
        root: tk.Misc,
        rows: RowSource,
        *,
        on_pick: Callable[[str, bool], None],
        on_add: Callable[[str], str] | None = None,
        on_close: Callable[[], None] | None = None,
        title: str = "traycodes",
        heading: str = "",
        offer_remember: bool = False,
        near_pointer: bool = False,
    ) -> None:
        self.root = root
        self.rows_for = rows
        self.on_pick = on_pick
        self.on_add = on_add
        self.on_close = on_close
        self.rows: list[Row] = []
        self.selected = 0
        self.top = 0
        self._tick: str | None = None
        self._focus_check: str | None = None
        self.revealed: str | None = None  # the key of the row whose hidden code shows
        self._hide_job: str | None = None
        self.window = tk.Toplevel(root, background=theme.BACKGROUND)
        self.faces = FaceImages(self.window)
        self.window.title(title)
        self.heading = heading
        self.offer_remember = offer_remember
        self.near_pointer = near_pointer
        self.window.wm_attributes("-topmost", True)
        self.window.resizable(False, False)
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        self._build()
        self.refresh()
        self._place()
        self.window.bind("<FocusOut>", self._focus_out, add="+")
        self.window.bind("<FocusIn>", self._focus_in, add="+")
        self.ready = False  # the search field has the keys (tests wait for it: snapshot)
        self.window.after(50, self.focus)

    # -- building

    def _build(self) -> None:
        frame = tk.Frame(self.window, background=theme.BACKGROUND, padx=10, pady=10)
        frame.pack(fill="both", expand=True)
        if self.heading:
            tk.Label(
                frame,
                text=self.heading,
                anchor="w",
                justify="left",
                wraplength=WIDTH,
                font=theme.font(9),
                background=theme.BACKGROUND,
                foreground=theme.MUTED,
            ).pack(fill="x", pady=(0, 6))
        self.query = tk.StringVar()
        self.search = theme.field(frame, textvariable=self.query, font=theme.font(12))
        self.search.pack(fill="x", ipady=6)
        self.query.trace_add("write", lambda *_: self.refresh())
        keys: dict[str, Callable[[], None]] = {
            "<Down>": lambda: self.move(1),
            "<Up>": lambda: self.move(-1),
            "<Next>": lambda: self.move(VISIBLE_ROWS),
            "<Prior>": lambda: self.move(-VISIBLE_ROWS),
            "<Return>": self.pick,
            "<KP_Enter>": self.pick,
            "<Escape>": self.close,
            "<Control-r>": self.reveal,
            "<Control-R>": self.reveal,
        }
        for key, action in keys.items():
            self.search.bind(key, self._key(action))
        self.canvas = tk.Canvas(
            frame,
            width=WIDTH,
            height=ROW_HEIGHT * VISIBLE_ROWS,
            background=theme.BACKGROUND,
            highlightthickness=0,
        )
        self.canvas.pack(fill="both", pady=(8, 0))
        self.canvas.bind("<Button-1>", self._click)
        self.canvas.bind("<MouseWheel>", lambda e: self.move(-1 if e.delta > 0 else 1))
        self.canvas.bind("<Button-4>", lambda e: self.move(-1))
        self.canvas.bind("<Button-5>", lambda e: self.move(1))
        footer = tk.Frame(frame, background=theme.BACKGROUND)
        footer.pack(fill="x", pady=(6, 0))
        self.count = tk.Label(
            footer,
            text="",
            anchor="e",
            font=theme.font(9),
            background=theme.BACKGROUND,
            foreground=theme.MUTED,
        )
        self.count.pack(side="right")
        self.status = tk.Label(
            footer,
            text="",
            anchor="w",
            font=theme.font(9),
            background=theme.BACKGROUND,
            foreground=theme.MUTED,
        )
        self.status.pack(side="left", fill="x")
        self.remember = tk.BooleanVar(value=False)
        if self.offer_remember:
            tk.Checkbutton(
                frame,
                text=_("Always use this account for this window"),
                variable=self.remember,
                anchor="w",
                font=theme.font(9),
                background=theme.BACKGROUND,
                foreground=theme.TEXT,
                activebackground=theme.BACKGROUND,
            ).pack(fill="x", pady=(4, 0))
        if self.on_add is not None:
            self._build_add(frame)

    def _build_add(self, frame: tk.Frame) -> None:
        add = tk.Frame(frame, background=theme.BACKGROUND)
        add.pack(fill="x", pady=(6, 0))
        self.add_text = tk.StringVar()
        self.add_entry = theme.field(add, textvariable=self.add_text, font=theme.font(10))
        self.add_entry.pack(side="left", fill="x", expand=True, ipady=4)
        self.add_entry.bind("<Return>", lambda e: self.add())
        self.add_entry.bind("<Escape>", lambda e: self.close())
        button = theme.accent_button(add, _("Add account"), self.add)
        button.pack(side="left", padx=(6, 0))
        tk.Label(
            frame,
            text=_("Paste an otpauth:// link to add an account."),
            anchor="w",
            font=theme.font(8),
            background=theme.BACKGROUND,
            foreground=theme.MUTED,
        ).pack(fill="x")

    def _place(self) -> None:
        self.window.update_idletasks()
        width, height = self.window.winfo_reqwidth(), self.window.winfo_reqheight()
        screen_w, screen_h = self.window.winfo_screenwidth(), self.window.winfo_screenheight()
        if self.near_pointer:
            px, py = self.window.winfo_pointerxy()
            x = max(0, min(px - width // 2, screen_w - width))
            y = max(0, min(py + 16, screen_h - height - 48))  # 48: title bar and panel
        else:
            x, y = max(0, screen_w - width - 24), 40
        self.window.geometry(f"{width}x{height}+{x}+{y}")

    # -- behaviour

    def focus(self) -> None:
        self.window.deiconify()
        self.window.lift()
        self.window.focus_force()
        self.search.focus_set()
        self.ready = True

    def show_add(self) -> None:
        """Open with the cursor in the add field (the menu's Add account…)."""
        if self.on_add is not None:
            self.window.after(80, self.add_entry.focus_set)

    def refresh(self) -> None:
        """Rows for the current search; the same record stays selected when it can."""
        keep = self.rows[self.selected].key if self.rows else None
        self.rows = self.rows_for(self.query.get())[:MAX_ROWS]
        keys = [row.key for row in self.rows]
        self.selected = keys.index(keep) if keep in keys and self.query.get() == "" else 0
        self.top = min(self.top, max(0, len(self.rows) - VISIBLE_ROWS))
        self._ensure_visible()
        # As tall as the rows need (two at least, for "No matching account").
        self.canvas.configure(height=ROW_HEIGHT * max(2, min(len(self.rows), VISIBLE_ROWS)))
        self.draw()
        if self._tick is None:
            self._schedule_tick()

    def _schedule_tick(self) -> None:
        self._tick = self.window.after(500, self._on_tick)

    def _on_tick(self) -> None:
        keys = [row.key for row in self.rows]
        fresh = {row.key: row for row in self.rows_for(self.query.get())[:MAX_ROWS]}
        self.rows = [fresh.get(key, row) for key, row in zip(keys, self.rows, strict=True)]
        self.draw()
        self._schedule_tick()

    def reveal(self) -> None:
        """Show the chosen row's hidden code for :data:`REVEAL_MS` (the others stay hidden)."""
        if not self.rows:
            return
        self.revealed = self.rows[self.selected].key
        if self._hide_job is not None:
            self.window.after_cancel(self._hide_job)
        self._hide_job = self.window.after(REVEAL_MS, self._hide)
        self.draw()

    def _hide(self) -> None:
        self._hide_job = None
        self.revealed = None
        self.draw()

    def code_text(self, index: int) -> str:
        """The code as row ``index`` shows it: ``••• •••`` for a hidden one unless it is the
        chosen row and was revealed."""
        row = self.rows[index]
        shown = index == self.selected and row.key == self.revealed
        if row.hidden and row.code and not shown:
            return "".join("•" if c.isalnum() else c for c in row.code)
        return row.code

    def shown_codes(self) -> list[str]:
        """The codes the visible rows show (for ``traycodes state``; masked there unless the
        app runs with diagnostics)."""
        return [
            self.code_text(i) for i in range(self.top, min(len(self.rows), self.top + VISIBLE_ROWS))
        ]

    def face_boxes(self) -> list[dict[str, object]]:
        """Where the visible rows' faces are on screen and what they show (for diagnostics
        and the desktop tests, which read the pixels there)."""
        x0, y0 = self.canvas.winfo_rootx(), self.canvas.winfo_rooty()
        found: list[dict[str, object]] = []
        for slot, row in enumerate(self.rows[self.top : self.top + VISIBLE_ROWS]):
            shown = face(row.title, row.face)
            top = slot * ROW_HEIGHT + (ROW_HEIGHT - 2 - FACE) // 2
            box = [x0 + FACE_LEFT, y0 + top, FACE, FACE]
            found.append({"box": box, "brand": shown.brand, "colour": shown.colour})
        return found

    def move(self, step: int) -> None:
        if not self.rows:
            return
        self.selected = max(0, min(len(self.rows) - 1, self.selected + step))
        self._ensure_visible()
        self.draw()

    def _ensure_visible(self) -> None:
        if self.selected < self.top:
            self.top = self.selected
        elif self.selected >= self.top + VISIBLE_ROWS:
            self.top = self.selected - VISIBLE_ROWS + 1

    def _click(self, event: tk.Event[tk.Misc]) -> None:
        index = self.top + int(event.y // ROW_HEIGHT)
        if 0 <= index < len(self.rows):
            self.selected = index
            self.pick()

    def pick(self) -> None:
        if not self.rows:
            return
        row = self.rows[self.selected]
        if row.is_site:
            if not row.link:
                self.status.configure(
                    text=_("{site} offers no authenticator codes").format(site=row.title)
                )
                return
            self.close()
            self.on_pick(row.key, False)  # the window host opens its set-up page
            return
        if not row.code:
            self.status.configure(text=_("{account} has no OTP yet").format(account=row.title))
            return
        key, remember = row.key, bool(self.remember.get())
        self.close()
        self.on_pick(key, remember)

    def add(self) -> None:
        if self.on_add is None:
            return
        message = self.on_add(self.add_text.get())
        self.status.configure(text=message)
        if message.startswith("Added"):
            self.add_text.set("")
            self.refresh()

    @staticmethod
    def _key(action: Callable[[], None]) -> Callable[[tk.Event[tk.Entry]], str]:
        def handler(event: tk.Event[tk.Entry]) -> str:
            action()
            return "break"  # the Entry must not also handle the key

        return handler

    def _focus_in(self, event: tk.Event[tk.Misc]) -> None:
        if self._focus_check is not None:
            self.window.after_cancel(self._focus_check)
            self._focus_check = None

    def _focus_out(self, event: tk.Event[tk.Misc]) -> None:
        # Focus moving between our own widgets also sends FocusOut: look again shortly.
        if self._focus_check is None:
            self._focus_check = self.window.after(250, self._close_if_unfocused)

    def _close_if_unfocused(self) -> None:
        self._focus_check = None
        try:
            focused = self.window.focus_displayof()
        except (KeyError, tk.TclError):  # focus on a window Tk does not know
            focused = None
        if focused is None or focused.winfo_toplevel() is not self.window:
            self.close()

    def close(self) -> None:
        if self._tick is not None:
            self.window.after_cancel(self._tick)
            self._tick = None
        if self._hide_job is not None:
            self.window.after_cancel(self._hide_job)
            self._hide_job = None
        if self.window.winfo_exists():
            self.window.destroy()
        if self.on_close is not None:
            self.on_close()

    # -- drawing

    def draw(self) -> None:
        canvas = self.canvas
        canvas.delete("all")
        if not self.rows:
            canvas.create_text(
                WIDTH // 2,
                ROW_HEIGHT,
                text=_("No matching account"),
                fill=theme.MUTED,
                font=theme.font(11),
            )
        for slot, row in enumerate(self.rows[self.top : self.top + VISIBLE_ROWS]):
            index = self.top + slot
            y = slot * ROW_HEIGHT
            if index == self.selected:
                canvas.create_rectangle(
                    0, y, WIDTH, y + ROW_HEIGHT - 2, fill=theme.SELECTED, outline=""
                )
            canvas.create_image(
                FACE_LEFT,
                y + (ROW_HEIGHT - 2 - FACE) // 2,
                image=self.faces.get(face(row.title, row.face), FACE),
                anchor="nw",
            )
            canvas.create_text(
                TEXT_LEFT,
                y + 15,
                text=row.title,
                anchor="w",
                fill=theme.TEXT,
                font=theme.font(11, "bold"),
            )
            canvas.create_text(
                TEXT_LEFT,
                y + 33,
                text=row.subtitle,
                anchor="w",
                fill=theme.MUTED,
                font=theme.font(9),
            )
            canvas.create_text(
                WIDTH - 12,
                y + 20,
                text=self.code_text(index)
                or (_("set up ›") if row.link else "" if row.is_site else _("no OTP yet")),
                anchor="e",
                fill=theme.CODE if row.code else theme.MUTED,
                font=theme.mono(16 if row.code else 9, "bold"),
            )
            if row.remaining is not None and row.period:
                share = max(0.0, min(1.0, row.remaining / row.period))
                colour = theme.WARN if row.remaining <= 5 else theme.ACCENT
                left = WIDTH - 12 - 120
                canvas.create_rectangle(
                    left, y + 37, WIDTH - 12, y + 40, fill=theme.BORDER, outline=""
                )
                canvas.create_rectangle(
                    left, y + 37, left + 120 * share, y + 40, fill=colour, outline=""
                )
        count = len(self.rows)
        self.count.configure(
            text=_("first {count}: refine the search").format(count=count)
            if count >= MAX_ROWS
            else ngettext("{count} shown", "{count} shown", count).format(count=count)
            if count
            else ""
        )
