"""The enrolment dialog: an otpauth:// link, a setup key, or a QR code (on screen, in an
image, on the clipboard) becomes an account, after the user has seen its live code.

Nothing is written until Save. The dialog is handed callbacks for everything outside it:
reading QR codes (the app captures the screen or the clipboard), proposing records that
look like the same site, and saving.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import replace

from ..errors import InvalidInput, TrayCodesError
from ..i18n import _
from ..model import Entry
from . import theme
from .enrolform import (
    Form,
    Reading,
    Target,
    default_target,
    links_in,
    names_prefill,
    read_form,
    replace_question,
    website_prefill,
)
from .enrolpreview import Preview
from .linkchooser import choose_link

__all__ = ["EnrolDialog", "Target"]


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
        self.window.title(_("traycodes: add account"))
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
        label = theme.label(parent, text, size)
        label.grid(sticky="w", **grid)  # type: ignore[arg-type]
        return label

    def _entry(self, parent: tk.Misc, variable: tk.StringVar, width: int, name: str) -> tk.Entry:
        entry = theme.field(
            parent, textvariable=variable, width=width, font=theme.font(10), name=name
        )
        return entry

    def _build(self) -> None:
        w = self.window
        theme.label(w, _("Add an account"), 13, weight="bold").pack(fill="x")
        if self.origin:
            theme.label(
                w,
                _(
                    "This link came from {origin}. Check the site and the account before "
                    "you click Save."
                ).format(origin=self.origin),
                weight="bold",
                colour=theme.WARN,
                wrap=520,
                name="origin",
            ).pack(fill="x", pady=(2, 4))
        theme.label(
            w,
            _(
                "Paste the otpauth:// link, scan the site's QR code, or type its setup key "
                "(behind “Can't scan?”)."
            ),
            colour=theme.MUTED,
            wrap=520,
        ).pack(fill="x", pady=(0, 8))
        self.link = tk.StringVar()
        self.link_entry = self._entry(w, self.link, 64, "link")
        self.link_entry.pack(fill="x", ipady=4)
        scans = tk.Frame(w, background=theme.BACKGROUND)
        scans.pack(fill="x", pady=(6, 8))
        for text, action, name in (
            (_("Scan QR on screen"), self._scan, "scan"),
            (_("Open image…"), self._open, "open"),
            (_("Paste image"), self._paste, "paste"),
        ):
            tk.Button(
                scans,
                text=text,
                command=action,
                relief="flat",
                font=theme.font(9),
                name=name,
            ).pack(side="left", padx=(0, 6))
        # Offered when a whole-screen scan found nothing: drag over the code instead.
        self.region_button = tk.Button(
            scans,
            text=_("Pick a region…"),
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
                (_("Site or app"), self.issuer, 18, "issuer"),
                (_("Account"), self.account, 20, "account"),
                (_("Setup key"), self.key, 24, "key"),
            )
        ):
            self._label(key, text, row=0, column=column, padx=(0, 6))
            self._entry(key, variable, width, name).grid(row=1, column=column, padx=(0, 6), ipady=3)
        site = tk.Frame(w, background=theme.BACKGROUND)
        site.pack(fill="x", pady=(4, 0))
        self.website = tk.StringVar()
        self._website_filled = ""  # what the directory put there (the user's text wins)
        self._names_filled = ("", "")  # the link's names, as put in their fields
        self._filling = False
        self._label(site, _("Website (filled in from the 2FA directory)"), row=0, column=0)
        self._entry(site, self.website, 64, "website").grid(row=1, column=0, sticky="w", ipady=3)
        self.advanced = tk.BooleanVar(value=False)
        tk.Checkbutton(
            w,
            text=_("Advanced"),
            variable=self.advanced,
            command=self._toggle,
            background=theme.BACKGROUND,
            font=theme.font(9),
            anchor="w",
            name="advanced",
        ).pack(fill="x", pady=(6, 0))
        self.advanced_frame = tk.Frame(w, background=theme.BACKGROUND)
        defaults = Form()
        self.kind, self.algorithm = tk.StringVar(value=defaults.kind), tk.StringVar(value="SHA1")
        fields: list[tuple[str, tk.Widget]] = [
            (_("Type"), tk.OptionMenu(self.advanced_frame, self.kind, "TOTP", "HOTP", "Steam")),
            (
                _("Algorithm"),
                tk.OptionMenu(self.advanced_frame, self.algorithm, "SHA1", "SHA256", "SHA512"),
            ),
        ]
        self.numbers: dict[str, tk.StringVar] = {}
        for name, label, low, high, width in (
            ("digits", _("Digits"), 1, 10, 4),
            ("period", _("Period"), 1, 3600, 5),
            ("counter", _("Counter"), 0, 2**31, 8),
        ):
            variable = self.numbers[name] = tk.StringVar(value=getattr(defaults, name))
            spin = tk.Spinbox(
                self.advanced_frame,
                from_=low,
                to=high,
                width=width,
                textvariable=variable,
                name=name,
            )
            fields.append((label, spin))
        for column, (text, widget) in enumerate(fields):
            self._label(self.advanced_frame, text, row=0, column=column, padx=(0, 8))
            widget.grid(row=1, column=column, sticky="w", padx=(0, 8))
        watched = [self.link, self.issuer, self.account, self.key, self.kind, self.algorithm]
        watched.append(self.website)
        for variable in watched + list(self.numbers.values()):
            variable.trace_add("write", lambda *_: self.update())
        self.preview = Preview(w)
        self.preview.frame.pack(fill="x", pady=(10, 0))
        self.message = theme.label(w, "", colour=theme.ERROR, wrap=520)
        self.message.pack(fill="x", pady=(6, 0))
        self.target_frame = tk.Frame(w, background=theme.BACKGROUND)
        self.target_frame.pack(fill="x", pady=(4, 0))
        self.target = tk.StringVar(value="new")
        buttons = tk.Frame(w, background=theme.BACKGROUND)
        buttons.pack(fill="x", pady=(10, 0))
        self.save_button = theme.accent_button(
            buttons, _("Save"), self.save, padx=14, state="disabled", name="save"
        )
        self.save_button.pack(side="right")
        tk.Button(
            buttons, text=_("Cancel"), command=self.close, relief="flat", font=theme.font(10)
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

    def form(self) -> Form:
        return Form(
            link=self.link.get(),
            key=self.key.get(),
            kind=self.kind.get(),
            algorithm=self.algorithm.get(),
            digits=self.numbers["digits"].get(),
            period=self.numbers["period"].get(),
            counter=self.numbers["counter"].get(),
            issuer=self.issuer.get(),
            account=self.account.get(),
            website=self.website.get(),
        )

    def update(self) -> None:
        """Validate inline, show the live code, and where the account would go."""
        if self._filling or self._prefill_names():
            return  # the fields are being filled: one update follows, with all of them
        try:
            reading = read_form(self.form())
        except InvalidInput as exc:
            reading = Reading()
            problem = str(exc)
            self._show_message(problem[:1].upper() + problem[1:], error=True)
        else:
            self._show_message(reading.message(), error=False)
        self.entries, self.warnings = reading.entries, reading.warnings
        self._prefill_website()
        self._show_entries()

    def _prefill_names(self) -> bool:
        """The link's site and account in their fields (the user's own typing wins); True
        when they changed (and the dialog was updated with them)."""
        try:  # the link's own names, not the fields' (which would win over them)
            own = read_form(replace(self.form(), issuer="", account="")).entries
        except InvalidInput:
            return False
        shown = (self.issuer.get(), self.account.get())
        names = names_prefill(shown, self._names_filled, self.link.get(), own)
        if names is None:
            return False
        self._names_filled = names
        self._filling = True
        try:
            self.issuer.set(names[0])
            self.account.set(names[1])
        finally:
            self._filling = False
        self.update()
        return True

    def _prefill_website(self) -> None:
        """The directory's website for the account's issuer, unless the user wrote one."""
        suggested = website_prefill(self.website.get(), self._website_filled, self.entries)
        if suggested is not None:
            self._website_filled = suggested
            self.website.set(suggested)  # updates again, with the website in the entry

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message_text = text
        self.message.configure(text=text, foreground=theme.ERROR if error else theme.WARN)

    def _show_entries(self) -> None:
        for child in self.target_frame.winfo_children():
            child.destroy()
        self.targets = []
        self.preview.show(self.entries, self.website.get(), self._ready)
        if len(self.entries) == 1:  # several (a Google export): chosen in the preview
            self.targets = self.propose(self.entries[0])
            self._label(self.target_frame, _("Save to:"), row=0, column=0)
            for row, target in enumerate(self.targets, start=1):
                value = target.record_id or "new"
                text = (
                    _("Create a new record")
                    if target.record_id is None
                    else _("Add to {account} (replaces its OTP)").format(account=target.label)
                    if target.has_otp
                    else _("Add to {account}").format(account=target.label)
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
            self.target.set(default_target(self.targets))
        self._ready()
        self._draw_code()

    def _ready(self) -> None:
        chosen = self.chosen_entries()
        self.save_button.configure(state="normal" if chosen else "disabled")

    def chosen_entries(self) -> list[Entry]:
        if len(self.entries) > 1:
            return [
                e for e, keep in zip(self.entries, self.preview.choices, strict=True) if keep.get()
            ]
        return list(self.entries)

    def _draw_code(self) -> None:
        self.preview.draw_code(self.entries, self.clock())

    def _schedule(self) -> None:
        self._draw_code()
        self._tick = self.window.after(500, self._schedule)

    # -- QR codes -----------------------------------------------------------------------

    def found_codes(self, result: list[str] | str) -> None:
        """A scan's result: texts from QR codes, or why there are none."""
        links = links_in(result)
        if isinstance(links, str):
            self._show_message(links, error=True)
        elif len(links) > 1:
            choose_link(self.window, links, self.link.set)
        else:
            self.link.set(links[0])

    def _scan(self) -> None:
        self._show_message(_("Looking for QR codes on the screen…"), error=False)
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
        self._show_message(_("Reading the image on the clipboard…"), error=False)
        self.paste_image(self.found_codes)

    def _open(self) -> None:
        from tkinter import filedialog

        chosen = filedialog.askopenfilename(
            parent=self.window,
            title=_("traycodes: open image"),
            filetypes=[(_("Images"), "*.png *.jpg *.jpeg *.gif *.bmp *.webp"), (_("All"), "*")],
        )
        if chosen:
            self.open_image(chosen, self.found_codes)

    # -- saving -------------------------------------------------------------------------

    def chosen_target(self) -> Target:
        value = self.target.get()
        return next(
            (t for t in self.targets if (t.record_id or "new") == value),
            Target(None, _("a new record")),
        )

    def save(self) -> None:
        from tkinter import messagebox

        entries = self.chosen_entries()
        if not entries:
            return
        if len(entries) == 1:
            target = self.chosen_target()
            if target.has_otp and not messagebox.askyesno(
                _("traycodes: replace the key"),
                replace_question(target, entries[0], self.clock()),
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
            "preview": self.preview.text(),
            "face": self.preview.face_shown,
            "message": self.message_text,
            "origin": self.origin,
            "accounts": [e.label for e in self.entries],
            "targets": [t.label for t in self.targets],
            "target": self.target.get(),
            "website": self.website.get(),
            "issuer": self.issuer.get(),
            "account": self.account.get(),
            "can_save": str(self.save_button.cget("state")) == "normal",
            "widgets": theme.widget_boxes(self.window),
        }
