"""A Wayland-native window to type into (GTK with GDK_BACKEND=wayland, run by Debian's
python3): ``python3 wayland_target.py TITLE OUT [KEYLOG]``.

Its one text field has the focus; every change is written to OUT. With KEYLOG, each key
press is noted as it arrives (its name and the wall-clock time in ms), for benchmarks."""

import sys
import time
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

title, out = sys.argv[1], Path(sys.argv[2])
keylog = Path(sys.argv[3]).open("a", buffering=1) if len(sys.argv) > 3 else None  # noqa: SIM115
window = Gtk.Window(title=title)
window.set_default_size(480, 80)
entry = Gtk.Entry()
window.add(entry)
out.write_text("")
entry.connect("changed", lambda field: out.write_text(field.get_text()))


def pressed(_: object, event: Gdk.EventKey) -> bool:
    if keylog is not None:
        keylog.write(f"{Gdk.keyval_name(event.keyval)} {time.time() * 1000:.1f}\n")
    return False


window.connect("key-press-event", pressed)
window.connect("destroy", Gtk.main_quit)
window.show_all()
GLib.timeout_add_seconds(300, Gtk.main_quit)
Gtk.main()
