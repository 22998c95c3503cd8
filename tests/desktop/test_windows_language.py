"""Every window in the user's language: under the pseudo-language (``LANGUAGE=x-pseudo``,
each translated string shown as ⟦…⟧) each window is built on a real X server, its widget
tree walked (titles, labels, buttons, check and radio buttons, canvas texts), and no
English word is left outside the brackets but the names, codes and values the user gave."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.session import desktop_session
from tests.pseudo import escaped, pseudo
from traycodes.ui.rows import SITE_PREFIX, Row

LINK = "otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
# the user's names and the values of fields (kinds, algorithms, settings' choices)
NAMES = ["traycodes", "GitHub", "octocat", "Example", "vault.tcv", "TOTP", "HOTP", "Steam"]
NAMES += ["SHA1", "SHA256", "SHA512", "type", "copy", "both", "Wikipedia", "sms", "email"]


@pytest.fixture(scope="module")
def root() -> Iterator[tk.Tk]:
    with desktop_session(x=True, keyring=False, window_manager=False) as session:
        saved = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = session.env["DISPLAY"]
        window = tk.Tk()
        window.withdraw()
        try:
            yield window
        finally:
            window.destroy()
            if saved is None:
                os.environ.pop("DISPLAY", None)
            else:
                os.environ["DISPLAY"] = saved


def shown(widget: Any) -> list[str]:
    """The texts ``widget`` and its children show (entries hold the user's input: left out)."""
    found = []
    if isinstance(widget, tk.Tk | tk.Toplevel):
        found.append(widget.title())
    if isinstance(widget, tk.Canvas):
        for item in widget.find_all():
            if widget.type(item) == "text":
                found.append(widget.itemcget(item, "text"))
    elif not isinstance(widget, tk.Entry | tk.Spinbox):
        with contextlib.suppress(tk.TclError):  # a frame: no text
            found.append(str(widget.cget("text")))
    for child in widget.winfo_children():
        found += shown(child)
    return [text for text in found if text]


def settle(root: tk.Misc) -> None:
    root.update_idletasks()
    root.update()


def test_the_walk_finds_english_in_a_window(root: tk.Tk) -> None:  # the positive control
    window = tk.Toplevel(root)
    window.title("traycodes: ⟦x⟧")
    tk.Label(window, text="Save to:").pack()
    tk.Button(window, text="⟦Cancel⟧").pack()
    try:
        assert escaped(shown(window), NAMES) == ["Save to:"]
    finally:
        window.destroy()


def test_the_unlock_and_welcome_windows(root: tk.Tk) -> None:
    from traycodes.app.menu import first_steps
    from traycodes.ui.unlock import PasswordWindow
    from traycodes.ui.welcome import WelcomeWindow

    with pseudo():
        windows = [
            PasswordWindow(root, create=c, vault="/x/vault.tcv", on_submit=print, on_cancel=print)
            for c in (True, False)
        ]
        windows.append(
            PasswordWindow(
                root, create=False, vault="", on_submit=print, on_cancel=print, reminder=31
            )
        )
        windows[0].failed("⟦x⟧")
        steps = list(first_steps("<ctrl>+<alt>+o", "<ctrl>+<alt>+p"))
        welcome = WelcomeWindow(root, steps)
        settle(root)
        texts = [t for w in [*windows, welcome] for t in shown(w.window)]
    for each in [*windows, welcome]:
        each.window.destroy()
    assert len(texts) > 20
    assert escaped(texts, [*NAMES, "Ctrl", "Alt", "/x/"]) == []


def test_the_enrolment_dialog_and_the_qr_chooser(root: tk.Tk) -> None:
    from traycodes.ui.enrol import EnrolDialog
    from traycodes.ui.enrolform import Target, replace_question
    from traycodes.ui.linkchooser import choose_link

    def propose(entry: Any) -> list[Target]:
        return [Target(None, "new"), Target("r1", "GitHub (octocat)", True, "123456")]

    def nothing(answer: Any) -> None:
        answer("⟦x⟧")

    with pseudo():
        dialog = EnrolDialog(
            root,
            link=LINK,
            clock=lambda: 59.0,
            propose=propose,
            on_save=lambda pairs: "",
            scan_screen=nothing,
            paste_image=nothing,
            open_image=lambda path, answer: None,
            pick_region=nothing,
            origin="Example",
        )
        settle(root)
        dialog.update()
        settle(root)
        chooser = choose_link(root, [LINK, "otpauth://totp/x?secret=A"], print)
        settle(root)
        question = replace_question(propose(None)[1], dialog.entries[0], 59.0)
        texts = [*shown(dialog.window), *shown(chooser), question]
    dialog.window.destroy()
    chooser.destroy()
    assert len(dialog.targets) == 2  # the radio buttons were there to read
    assert escaped(texts, NAMES) == []


def test_the_quick_pick_the_chooser_and_the_settings(root: tk.Tk) -> None:
    from traycodes.app.windows import CHOOSER_TITLE
    from traycodes.i18n import _
    from traycodes.settings import Settings
    from traycodes.ui.quickpick import QuickPick
    from traycodes.ui.settings_window import SettingsWindow

    rows = [
        Row("r1", "GitHub", "octocat", "492 039", 12.0, 30),
        Row("r2", "Example", "", "", None, None),
        Row(SITE_PREFIX + "Wikipedia", "Wikipedia", "⟦x⟧", "", None, None, link="https://w"),
    ]
    with pseudo():
        picks = [
            QuickPick(root, lambda q: rows, on_pick=lambda k, r: None, on_add=lambda t: ""),
            QuickPick(
                root,
                lambda q: [],
                on_pick=lambda k, r: None,
                title=_(CHOOSER_TITLE),
                offer_remember=True,
            ),
        ]
        settings = SettingsWindow(root, Settings(), lambda values: ["⟦x⟧"])
        settings.texts["menu_size"].set("many")
        settings.save()  # the number check's message
        settle(root)
        texts = [t for p in picks for t in shown(p.window)] + shown(settings.window)
    for window in [*(p.window for p in picks), settings.window]:
        window.destroy()
    assert any("492 039" in t for t in texts)  # the canvas was read
    assert any("'many'" in t for t in texts)
    assert escaped(texts, [*NAMES, "many", "https://w"]) == []


def test_the_region_picker(root: tk.Tk) -> None:
    from PIL import Image

    from traycodes.ui.region import RegionPicker

    with pseudo():
        picker = RegionPicker(root, Image.new("RGB", (300, 200)), print)
        settle(root)
        texts = shown(picker.window)
    picker.window.destroy()
    assert any(t.startswith("⟦Drag over") for t in texts)  # the canvas was read
    assert escaped(texts, NAMES) == []


QR_EXPORT = """
import json, tkinter as tk
from tests.desktop.test_windows_language import png, shown
from traycodes.ui.qrviewer import show_codes
seen = []
def read_and_close():
    seen.extend(shown(tk._default_root))
    return True
why = show_codes([("GitHub", png())], should_close=read_and_close)
print(json.dumps([why, seen]))
"""


def test_the_qr_export_window(root: tk.Tk) -> None:
    """In a process of its own, as ``traycodes export --qr`` shows it (its own Tk), with
    the language from the environment: ``LANGUAGE=x-pseudo``."""
    env = {**os.environ, "LANGUAGE": "x-pseudo", "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run(
        [sys.executable, "-c", QR_EXPORT],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    why, seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert why == "locked"  # closed by the test, having been read
    assert "GitHub" in seen and len(seen) >= 4
    assert escaped(seen, NAMES) == []


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG")
    return out.getvalue()
