"""Inside a terminal: ``python terminal_reader.py OUT``. Every byte the terminal sends is
appended to OUT as it arrives; raw mode, so nothing is edited away and a key combination
arrives as the bytes the terminal makes of it (xterm reads Ctrl+Alt+O as 0x8f). OUT is
created once the terminal is in raw mode."""

import os
import sys
import tty
from pathlib import Path

tty.setraw(0)
out = Path(sys.argv[1]).open("ab", buffering=0)  # noqa: SIM115 - open while reading
while data := os.read(0, 64):
    out.write(data)
