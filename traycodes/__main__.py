"""``python -m traycodes``: the same as the ``traycodes`` command."""

from traycodes.cli import main

raise SystemExit(main())
