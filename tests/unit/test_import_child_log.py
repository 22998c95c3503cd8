"""The import child (formats/bounded.py) with ``TRAYCODES_LOG=debug``: a reader's bug is
logged with its frames, never with its message (a library's message quotes what it choked
on: a line of the export, a setup key)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from traycodes.formats.bounded import _receive, _send

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"
ROOT = str(Path(__file__).resolve().parents[2])


def test_a_reader_failing_with_a_secret_in_its_message_logs_no_secret() -> None:
    boot = (
        f"import sys; sys.path.insert(0, {ROOT!r}); import traycodes.formats as f\n"
        "def read(*args, **kwargs):\n"
        f"    raise ValueError('invalid literal for int(): {SECRET}')  # as a library says\n"
        "f.read = read\n"
        "from traycodes.formats.bounded import child_main; child_main()"
    )
    env = {**os.environ, "TRAYCODES_LOG": "debug"}
    with subprocess.Popen(
        [sys.executable, "-P", "-c", boot],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    ) as child:
        assert child.stdin is not None and child.stdout is not None
        assert child.stderr is not None
        header = {"format": "auto", "count": 1, "memory": 2**30, "cpu": 60}
        _send(child.stdin, b"D", json.dumps(header).encode())
        _send(child.stdin, b"D", b"{}")
        child.stdin.close()
        kind, payload = _receive(child.stdout)
        log = child.stderr.read().decode()
    assert (kind, json.loads(payload)) == (b"X", {"class": "ValueError"})
    assert "ValueError" in log and "Traceback" in log  # still there for the bug report
    assert SECRET not in log
