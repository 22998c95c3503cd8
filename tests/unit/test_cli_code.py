"""`traycodes code --uri/--key`: the code alone on stdout, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "traycodes", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_code_from_uri() -> None:
    done = run("code", "--uri", f"otpauth://totp/A:b?secret={RFC_KEY}&digits=8", "--at", "59")
    assert (done.returncode, done.stdout, done.stderr) == (0, "94287082\n", "")


def test_code_from_hotp_uri_uses_its_counter() -> None:
    done = run("code", "--uri", f"otpauth://hotp/A:b?secret={RFC_KEY}&counter=3")
    assert done.stdout == "969429\n"


def test_code_from_key_with_options() -> None:
    key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"  # the 32-byte SHA256 seed
    done = run("code", "--key", key, "--digits", "8", "--algorithm", "SHA256", "--at", "59")
    assert done.stdout == "46119246\n"
    done = run("code", "--key", RFC_KEY.lower(), "--period", "60", "--at", "119")
    assert done.stdout == "287082\n"  # step 1 of 60 s == HOTP counter 1


def test_code_from_key_hotp_and_steam() -> None:
    assert run("code", "--key", RFC_KEY, "--counter", "9").stdout == "520489\n"
    steam = run("code", "--key", "ON2XAZLSMR2XAZLSONSWG4TFOQ", "--steam", "--at", "3000030")
    assert steam.stdout == "YRGQJ\n"


def test_secret_from_stdin_stays_out_of_argv() -> None:
    done = run("code", "--key", "-", "--at", "59", "--digits", "8", stdin=RFC_KEY + "\n")
    assert done.stdout == "94287082\n"
    link = f"otpauth://totp/A:b?secret={RFC_KEY}"
    assert run("code", "--uri", "-", "--at", "59", stdin=link).stdout == "287082\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["code", "--uri", "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1"], "base32"),
        (["code", "--uri", "https://example.com"], "otpauth://"),
        (["code", "--key", "JBSWY3DPEHPK3PXP", "--digits", "12"], "digits"),
        (["code", "--key", "JBSWY3DPEHPK3PXP", "--algorithm", "md5"], "algorithm"),
        (["code", "--key", "JBSWY3DPEHPK3PXP", "--at", "yesterday"], "Unix seconds"),
        (["code", "--key", "JBSWY3DPEHPK3PXP", "--at", "-5"], "1970"),
        (["code"], "--uri"),
        (["code", "--uri", "otpauth://totp/x?secret=JBSWY3DP", "--key", "JBSWY3DP"], "exactly one"),
        (["code", "--uri", "otpauth://totp/x?secret=JBSWY3DP", "--digits", "8"], "--key"),
        (["code", "--key", "-"], "standard input"),
        (["code", "--nonsense"], "unrecognized"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], message: str) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("traycodes: ")
    assert done.stderr.count("\n") == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert "JBSWY3DP" not in done.stderr


def test_no_arguments_without_a_desktop_says_so(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # no running app to hand over to
    done = subprocess.run(
        [sys.executable, "-m", "traycodes"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("traycodes: no graphical session")
    assert done.stderr.count("\n") == 1


def test_help_prints_usage() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert "usage: traycodes" in done.stdout
    assert "starts the tray app" in done.stdout


def test_version() -> None:
    from traycodes import __version__

    assert run("--version").stdout.strip() == f"traycodes {__version__}"


def test_console_script_is_installed() -> None:
    from pathlib import Path

    script = Path(sys.executable).with_name("traycodes")
    assert script.exists()
    done = subprocess.run(
        [str(script), "code", "--key", RFC_KEY, "--at", "59"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.stdout == "287082\n"
