"""A window to type into, in its own process:
``python target_window.py TITLE OUT CLASS [KEYLOG]``.

Its one text field has the focus; every change is written to OUT, so the test reads back
exactly what arrived (a stray Ctrl would have turned digits into shortcuts). OUT.focus says
whether the field has the keyboard focus ("1") or not ("0"): keys before it are lost;
OUT.focused appears the first time it has it."""

import sys
import time
import tkinter as tk
from pathlib import Path

title, out, wm_class = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
root = tk.Tk(className=wm_class)
root.title(title)
root.geometry("480x80+100+200")
value = tk.StringVar()
value.trace_add("write", lambda *_: out.write_text(value.get()))
entry = tk.Entry(root, textvariable=value, width=40, font=("DejaVu Sans", 14))
entry.pack(padx=10, pady=20)
out.write_text("")
has_focus = out.with_name(out.name + ".focus")
had_focus = False  # the field has had the keys once: the window never forces them again


def focused(_event: object) -> None:
    global had_focus
    if not had_focus:
        had_focus = True
        Path(str(out) + ".focused").write_text("")  # a test waits for it
    has_focus.write_text("1")


entry.bind("<FocusIn>", focused)
entry.bind("<FocusOut>", lambda _: has_focus.write_text("0"))
if len(sys.argv) > 4:  # each key press as it arrives, wall-clock ms (typed keys carry no
    # X server time: injected events come with CurrentTime), for benchmarks
    keylog = Path(sys.argv[4]).open("a", buffering=1)  # noqa: SIM115 - open while the window is
    root.bind_all(
        "<KeyPress>", lambda event: keylog.write(f"{event.keysym} {time.time() * 1000:.1f}\n")
    )
    root.bind_all(  # releases too, marked: every key event that reaches the window
        "<KeyRelease>", lambda event: keylog.write(f"-{event.keysym} {time.time() * 1000:.1f}\n")
    )


def focus() -> None:
    """Take the keys at the start, again every 50 ms until the field has had them once (a
    window not yet viewable cannot), and never after: a later try would take them back
    from wherever a test moved them (a window activated, traycodes' chooser, a hotkey's
    grab) and make the window in front the wrong one."""
    if had_focus:
        return
    root.focus_force()
    entry.focus_set()
    root.after(50, focus)


root.after(100, focus)
root.after(120_000, root.destroy)
root.mainloop()
