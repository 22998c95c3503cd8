"""The enrolment dialog: an otpauth:// link, a setup key, or a QR code (on screen, in an
image, on the clipboard) becomes an account, after the user has seen its live code.

Nothing is written until Save. The dialog is handed callbacks for everything outside it:
reading QR codes (the app captures the screen or the clipboard), proposing records that
look like the same site, and saving.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InvalidInput, TrayCodesError
from ..model import Algorithm, Entry, OtpParams, OtpType
from ..otp import code, remaining
from ..uri import MigrationBatch, decode_secret, inspect_uri, parse_link
from . import theme

SHORT_KEY_BYTES = 10


@dataclass(frozen=True)
class Target:
    """Where an entry can go: an existing record (``record_id``) or a new one (``None``)."""

    record_id: str | None
    label: str
    has_otp: bool = False
    current_code: str = ""  # its code now, shown beside the new one before a replace


def _grouped(shown: str) -> str:
    """``492039`` -> ``492 039`` (as the menu shows codes)."""
    if shown.isdigit() and len(shown) >= 6:
        return f"{shown[: len(shown) // 2]} {shown[len(shown) // 2 :]}"
    return shown


# Scanners call back (on the Tk thread) with the QR codes' texts, or why there are none.
QrSource = Callable[[Callable[[list[str] | str], None]], None]


class EnrolDialog:
    """``propose(entry)`` lists targets for an entry (a new record first);
    ``on_save([(entry, target), ...])`` stores them and returns a message, or raises."""

    def __init__(
        self,
        root: tk.Misc,
        *,
        link: str = "",
        clock: Callable[[], float],
        propose: Callable[[Entry], list[Target]],
        on_save: Callable[[list[tuple[Entry, Target]]], str],
        scan_screen: QrSource,
        paste_image: QrSource,
        open_image: Callable[[str, Callable[[list[str] | str], None]], None],
        pick_region: QrSource | None = None,
        on_close: Callable[[], None] = lambda: None,
        origin: str = "",
    ) -> None:
        """``origin``: where a link that arrived on its own came from (another program
        through the otpauth: handler or 'traycodes enrol'): the dialog says so, and only a
        click on Save saves it (Enter does not)."""
        self.clock = clock
        self.propose = propose
        self.on_save = on_save
        self.scan_screen = scan_screen
        self.paste_image = paste_image
        self.open_image = open_image
        self.pick_region = pick_region
        self.on_close = on_close
        self.entries: list[Entry] = []
        self.warnings: list[str] = []
        self.targets: list[Target] = []
        self.message_text = ""
        self.origin = origin
        self._tick: str | None = None
        self.window = tk.Toplevel(root, background=theme.BACKGROUND, padx=16, pady=14)
        self.window.title("traycodes: add account")
        self.window.resizable(False, False)
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        self._build()
        self.window.bind("<Escape>", lambda e: self.close())
        if not origin:  # a link from elsewhere needs a deliberate click on Save
            self.window.bind("<Return>", lambda e: self.save())
            self.window.bind("<KP_Enter>", lambda e: self.save())
        if link:
            self.link.set(link)
        self._schedule()
        self.window.after(50, self.focus)

    # -- layout -------------------------------------------------------------------------

    def _label(self, parent: tk.Misc, text: str, size: int = 9, **grid: object) -> tk.Label:
        label = tk.Label(
            parent,
            text=text,
            font=theme.font(size),
            anchor="w",
            background=theme.BACKGROUND,
            foreground=theme.TEXT,
        )
        label.grid(sticky="w", **grid)  # type: ignore[arg-type]
        return label

    def _entry(self, parent: tk.Misc, variable: tk.StringVar, width: int, name: str) -> tk.Entry:
        entry = theme.field(
            parent, textvariable=variable, width=width, font=theme.font(10), name=name
        )
        return entry

    def _build(self) -> None:
        w = self.window
        tk.Label(
            w,
            text="Add an account",
            font=theme.font(13, "bold"),
            anchor="w",
            background=theme.BACKGROUND,
            foreground=theme.TEXT,
        ).pack(fill="x")
        if self.origin:
            tk.Label(
                w,
                name="origin",
                text=f"This link came from {self.origin}. Check the site and the account "
                "before you click Save.",
                font=theme.font(9, "bold"),
                anchor="w",
                wraplength=520,
                justify="left",
                background=theme.BACKGROUND,
                foreground=theme.WARN,
            ).pack(fill="x", pady=(2, 4))
        tk.Label(
            w,
            text="Paste the otpauth:// link, scan the site's QR code, or type its setup "
            "key (behind “Can't scan?”).",
            font=theme.font(9),
            anchor="w",
            wraplength=520,
            justify="left",
            background=theme.BACKGROUND,
            foreground=theme.MUTED,
        ).pack(fill="x", pady=(0, 8))
        self.link = tk.StringVar()
        self.link_entry = self._entry(w, self.link, 64, "link")
        self.link_entry.pack(fill="x", ipady=4)
        scans = tk.Frame(w, background=theme.BACKGROUND)
        scans.pack(fill="x", pady=(6, 8))
        for text, action in (
            ("Scan QR on screen", self._scan),
            ("Open image…", self._open),
            ("Paste image", self._paste),
        ):
            tk.Button(
                scans,
                text=text,
                command=action,
                relief="flat",
                font=theme.font(9),
                name=text.split()[0].lower(),
            ).pack(side="left", padx=(0, 6))
        # Offered when a whole-screen scan found nothing: drag over the code instead.
        self.region_button = tk.Button(
            scans,
            text="Pick a region…",
            relief="flat",
            font=theme.font(9),
            command=self._region,
            name="region",
        )
        key = tk.Frame(w, background=theme.BACKGROUND)
        key.pack(fill="x")
        self.issuer, self.account, self.key = tk.StringVar(), tk.StringVar(), tk.StringVar()
        for column, (text, variable, width, name) in enumerate(
            (
                ("Site or app", self.issuer, 18, "issuer"),
                ("Account", self.account, 20, "account"),
                ("Setup key", self.key, 24, "key"),
            )
        ):
            self._label(key, text, row=0, column=column, padx=(0, 6))
            self._entry(key, variable, width, name).grid(row=1, column=column, padx=(0, 6), ipady=3)
        self.advanced = tk.BooleanVar(value=False)
        tk.Checkbutton(
            w,
            text="Advanced",
            variable=self.advanced,
            command=self._toggle,
            background=theme.BACKGROUND,
            font=theme.font(9),
            anchor="w",
            name="advanced",
        ).pack(fill="x", pady=(6, 0))
        self.advanced_frame = tk.Frame(w, background=theme.BACKGROUND)
        self.kind, self.algorithm = tk.StringVar(value="TOTP"), tk.StringVar(value="SHA1")
        self.digits, self.period = tk.StringVar(value="6"), tk.StringVar(value="30")
        self.counter = tk.StringVar(value="0")
        fields: list[tuple[str, tk.Widget]] = [
            ("Type", tk.OptionMenu(self.advanced_frame, self.kind, "TOTP", "HOTP", "Steam")),
            (
                "Algorithm",
                tk.OptionMenu(self.advanced_frame, self.algorithm, "SHA1", "SHA256", "SHA512"),
            ),
            (
                "Digits",
                tk.Spinbox(
                    self.advanced_frame,
                    from_=1,
                    to=10,
                    width=4,
                    textvariable=self.digits,
                    name="digits",
                ),
            ),
            (
                "Period",
                tk.Spinbox(
                    self.advanced_frame,
                    from_=1,
                    to=3600,
                    width=5,
                    textvariable=self.period,
                    name="period",
                ),
            ),
            (
                "Counter",
                tk.Spinbox(
                    self.advanced_frame,
                    from_=0,
                    to=2**31,
                    width=8,
                    textvariable=self.counter,
                    name="counter",
                ),
            ),
        ]
        for column, (text, widget) in enumerate(fields):
            self._label(self.advanced_frame, text, row=0, column=column, padx=(0, 8))
            widget.grid(row=1, column=column, sticky="w", padx=(0, 8))
        for variable in (
            self.link,
            self.issuer,
            self.account,
            self.key,
            self.kind,
            self.algorithm,
            self.digits,
            self.period,
            self.counter,
        ):
            variable.trace_add("write", lambda *_: self.update())
        self.preview = tk.Frame(
            w,
            background=theme.FIELD,
            padx=12,
            pady=8,
            highlightthickness=1,
            highlightbackground=theme.BORDER,
        )
        self.preview.pack(fill="x", pady=(10, 0))
        self.preview_label = tk.Label(
            self.preview,
            text="",
            font=theme.font(10, "bold"),
            anchor="w",
            background=theme.FIELD,
            foreground=theme.TEXT,
        )
        self.preview_label.pack(fill="x")
        self.preview_code = tk.Label(
            self.preview,
            text="",
            font=theme.mono(22, "bold"),
            anchor="w",
            background=theme.FIELD,
            foreground=theme.CODE,
        )
        self.preview_code.pack(fill="x")
        self.preview_bar = tk.Canvas(
            self.preview, height=4, width=500, background=theme.FIELD, highlightthickness=0
        )
        self.preview_bar.pack(fill="x")
        self.accounts_frame = tk.Frame(self.preview, background=theme.FIELD)
        self.accounts_frame.pack(fill="x")
        self.account_choices: list[tk.BooleanVar] = []
        self.message = tk.Label(
            w,
            text="",
            font=theme.font(9),
            anchor="w",
            justify="left",
            wraplength=520,
            background=theme.BACKGROUND,
            foreground=theme.ERROR,
        )
        self.message.pack(fill="x", pady=(6, 0))
        self.target_frame = tk.Frame(w, background=theme.BACKGROUND)
        self.target_frame.pack(fill="x", pady=(4, 0))
        self.target = tk.StringVar(value="new")
        buttons = tk.Frame(w, background=theme.BACKGROUND)
        buttons.pack(fill="x", pady=(10, 0))
        self.save_button = theme.accent_button(
            buttons, "Save", self.save, padx=14, state="disabled", name="save"
        )
        self.save_button.pack(side="right")
        tk.Button(
            buttons, text="Cancel", command=self.close, relief="flat", font=theme.font(10)
        ).pack(side="right", padx=(0, 8))

    def _toggle(self) -> None:
        if self.advanced.get():
            self.advanced_frame.pack(fill="x", pady=(4, 0), after=self.window.children["advanced"])
        else:
            self.advanced_frame.pack_forget()
        self.update()

    def focus(self) -> None:
        self.window.deiconify()
        self.window.lift()
        self.window.focus_force()
        self.link_entry.focus_set()

    # -- reading what was entered -------------------------------------------------------

    def _from_key(self) -> tuple[Entry, list[str]]:
        secret = decode_secret(self.key.get())
        kind = {"TOTP": OtpType.TOTP, "HOTP": OtpType.HOTP, "Steam": OtpType.STEAM}[self.kind.get()]
        try:
            digits = 5 if kind is OtpType.STEAM else int(self.digits.get())
            period, counter = int(self.period.get()), int(self.counter.get())
        except ValueError:
            raise InvalidInput("digits, period and counter must be whole numbers") from None
        if not self.issuer.get().strip():
            raise InvalidInput("give the site or app the key is for")
        entry = Entry(
            otp=OtpParams(
                secret,
                kind,
                Algorithm.parse(self.algorithm.get()),
                digits,
                period,
                counter if kind is OtpType.HOTP else 0,
            ),
            issuer=self.issuer.get(),
            account=self.account.get(),
        )
        warnings = []
        if len(secret) < SHORT_KEY_BYTES:
            warnings.append(f"the key is short ({len(secret) * 8} bits); check it was copied whole")
        return entry, warnings

    def read(self) -> tuple[list[Entry], list[str], str]:
        """(entries, warnings, notes) from what was entered; InvalidInput when bad."""
        text = self.link.get().strip()
        if text:
            parsed = parse_link(text)
            if isinstance(parsed, MigrationBatch):
                note = ""
                if parsed.batch_size > 1:
                    note = (
                        f"Part {parsed.batch_index + 1} of {parsed.batch_size} of a "
                        "Google Authenticator export: add the others' codes afterwards."
                    )
                return list(parsed.entries), [], note
            entry, link_warnings = inspect_uri(text)
            return [entry], list(link_warnings), ""
        if self.key.get().strip():
            entry, warnings = self._from_key()
            return [entry], warnings, ""
        return [], [], ""

    def update(self) -> None:
        """Validate inline, show the live code, and where the account would go."""
        try:
            entries, warnings, note = self.read()
        except InvalidInput as exc:
            self.entries, self.warnings = [], []
            self._show_message(str(exc).capitalize(), error=True)
            self._show_entries()
            return
        self.entries, self.warnings = entries, warnings
        shown = warnings + ([note] if note else [])
        self._show_message(
            "; ".join(w.capitalize() if i == 0 else w for i, w in enumerate(shown)), error=False
        )
        self._show_entries()

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message_text = text
        self.message.configure(text=text, foreground=theme.ERROR if error else theme.WARN)

    def _show_entries(self) -> None:
        for child in self.accounts_frame.winfo_children():
            child.destroy()
        for child in self.target_frame.winfo_children():
            child.destroy()
        self.account_choices = []
        self.targets = []
        if len(self.entries) > 1:  # a Google export: choose which accounts
            self.preview_label.configure(text=f"{len(self.entries)} accounts in this export")
            self.preview_code.configure(text="")
            for number, entry in enumerate(self.entries):
                chosen = tk.BooleanVar(value=True)
                chosen.trace_add("write", lambda *_: self._ready())
                tk.Checkbutton(
                    self.accounts_frame,
                    text=entry.label,
                    variable=chosen,
                    background=theme.FIELD,
                    anchor="w",
                    font=theme.font(10),
                    name=f"account{number}",
                ).pack(fill="x")
                self.account_choices.append(chosen)
        elif self.entries:
            self.targets = self.propose(self.entries[0])
            self._label(self.target_frame, "Save to:", row=0, column=0)
            for row, target in enumerate(self.targets, start=1):
                value = target.record_id or "new"
                text = (
                    "Create a new record"
                    if target.record_id is None
                    else (
                        f"Add to {target.label}" + (" (replaces its OTP)" if target.has_otp else "")
                    )
                )
                tk.Radiobutton(
                    self.target_frame,
                    text=text,
                    value=value,
                    variable=self.target,
                    background=theme.BACKGROUND,
                    anchor="w",
                    font=theme.font(10),
                    name=f"target{row}",
                ).grid(row=row, column=0, sticky="w")
            best = next((t for t in self.targets if t.record_id and not t.has_otp), None)
            self.target.set(best.record_id if best and best.record_id else "new")
        self._ready()
        self._draw_code()

    def _ready(self) -> None:
        chosen = self.chosen_entries()
        self.save_button.configure(state="normal" if chosen else "disabled")

    def chosen_entries(self) -> list[Entry]:
        if len(self.entries) > 1:
            return [
                e for e, keep in zip(self.entries, self.account_choices, strict=True) if keep.get()
            ]
        return list(self.entries)

    def _draw_code(self) -> None:
        self.preview_bar.delete("all")
        if len(self.entries) != 1:
            if not self.entries:
                self.preview_label.configure(text="")
                self.preview_code.configure(text="")
            return
        entry = self.entries[0]
        now = self.clock()
        shown = _grouped(code(entry.otp, now))
        self.preview_label.configure(text=f"{entry.label}: type this code into the site")
        self.preview_code.configure(text=shown)
        if entry.otp.type is not OtpType.HOTP:
            share = remaining(entry.otp, now) / entry.otp.period
            self.preview_bar.create_rectangle(0, 0, 500 * share, 4, fill=theme.ACCENT, outline="")

    def _schedule(self) -> None:
        self._draw_code()
        self._tick = self.window.after(500, self._schedule)

    # -- QR codes -----------------------------------------------------------------------

    def found_codes(self, result: list[str] | str) -> None:
        """A scan's result: texts from QR codes, or why there are none."""
        if isinstance(result, str):
            self._show_message(result, error=True)
            return
        links = [t for t in result if t.lower().startswith(("otpauth", "steam://"))]
        if not links:
            self._show_message("No otpauth QR code was found.", error=True)
            return
        if len(links) > 1:
            self._choose_code(links)
            return
        self.link.set(links[0])

    def _choose_code(self, links: list[str]) -> None:
        chooser = tk.Toplevel(self.window, background=theme.BACKGROUND, padx=12, pady=10)
        chooser.title("traycodes: which QR code?")
        self._label(chooser, f"{len(links)} QR codes were found. Which one?", 10, row=0, column=0)
        for row, link in enumerate(links, start=1):
            try:
                parsed = parse_link(link)
                name = (
                    parsed.entries[0].label + " …"
                    if isinstance(parsed, MigrationBatch)
                    else parsed.label
                )
            except InvalidInput:
                name = "(not readable)"
            tk.Button(
                chooser,
                text=name,
                anchor="w",
                relief="flat",
                font=theme.font(10),
                command=self._picker(chooser, link),
                name=f"code{row}",
            ).grid(row=row, column=0, sticky="we", pady=2)

    def _picker(self, chooser: tk.Toplevel, link: str) -> Callable[[], None]:
        def pick() -> None:
            self.link.set(link)
            chooser.destroy()

        return pick

    def _scan(self) -> None:
        self._show_message("Looking for QR codes on the screen…", error=False)
        self.region_button.pack_forget()

        def answer(result: list[str] | str) -> None:
            if isinstance(result, str) and self.pick_region is not None:
                self.region_button.pack(side="left", padx=(0, 6))
            self.found_codes(result)

        self.scan_screen(answer)

    def _region(self) -> None:
        if self.pick_region is not None:
            self.region_button.pack_forget()
            self.pick_region(self.found_codes)

    def _paste(self) -> None:
        self._show_message("Reading the image on the clipboard…", error=False)
        self.paste_image(self.found_codes)

    def _open(self) -> None:
        from tkinter import filedialog

        chosen = filedialog.askopenfilename(
            parent=self.window,
            title="traycodes: open image",
            filetypes=[("Images", "*.png *.jpg *.jpeg *.gif *.bmp *.webp"), ("All", "*")],
        )
        if chosen:
            self.open_image(chosen, self.found_codes)

    # -- saving -------------------------------------------------------------------------

    def chosen_target(self) -> Target:
        value = self.target.get()
        return next(
            (t for t in self.targets if (t.record_id or "new") == value),
            Target(None, "a new record"),
        )

    def save(self) -> None:
        from tkinter import messagebox

        entries = self.chosen_entries()
        if not entries:
            return
        if len(entries) == 1:
            target = self.chosen_target()
            if target.has_otp and not messagebox.askyesno(
                "traycodes: replace the key",
                f"{target.label} already has an OTP.\n\n"
                f"Its code now:\t{_grouped(target.current_code)}\n"
                f"The new key's code:\t{_grouped(code(entries[0].otp, self.clock()))}\n\n"
                "Replace its key with the new one? The old key is kept: 'traycodes edit "
                "QUERY --restore-previous-key' brings it back.",
                parent=self.window,
            ):
                return
            pairs = [(entries[0], target)]
        else:
            pairs = [(entry, Target(None, entry.label)) for entry in entries]
        try:
            self.on_save(pairs)
        except TrayCodesError as exc:  # the vault refused: say so, keep the dialog
            self._show_message(str(exc), error=True)
            return
        self.close()

    def close(self) -> None:
        if self._tick is not None:
            self.window.after_cancel(self._tick)
            self._tick = None
        if self.window.winfo_exists():
            self.window.destroy()
        self.on_close()

    def snapshot(self) -> dict[str, object]:
        """What the dialog shows, for diagnostics and tests (codes, never secrets)."""
        return {
            # the code after three spaces, as in the menu: state() masks it there
            "preview": "   ".join(
                (self.preview_label.cget("text"), self.preview_code.cget("text"))
            ).strip(),
            "message": self.message_text,
            "origin": self.origin,
            "accounts": [e.label for e in self.entries],
            "targets": [t.label for t in self.targets],
            "target": self.target.get(),
            "can_save": str(self.save_button.cget("state")) == "normal",
            "widgets": self._widgets(),
        }

    def _widgets(self) -> dict[str, list[int]]:
        """Where the named fields and buttons are on screen (x, y, width, height)."""
        found: dict[str, list[int]] = {}
        pending: list[tk.Misc] = [self.window]
        while pending:
            widget = pending.pop()
            pending.extend(widget.winfo_children())
            name = widget.winfo_name()
            if widget.winfo_ismapped() and not name.startswith("!"):
                found[name] = [
                    widget.winfo_rootx(),
                    widget.winfo_rooty(),
                    widget.winfo_width(),
                    widget.winfo_height(),
                ]
        return found
