"""Benchmarks of traycodes against baselines, measured side by side in one run.

Run through scripts/bench. Each section prints its figures and the ratio to its baseline.
Rounds of the two contenders are interleaved, and the best (throughput) or median
(process start-up) is reported, so a busy moment on the machine hurts both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

SECTIONS: dict[str, Callable[[], None]] = {}
BIN = Path(sys.executable).parent


def section(func: Callable[[], None]) -> Callable[[], None]:
    SECTIONS[func.__name__.removeprefix("bench_")] = func
    return func


def report(name: str, ours: float, base: float, unit: str, *, higher_is_better: bool) -> None:
    ratio = ours / base
    better = "faster" if (ratio > 1) == higher_is_better else "slower"
    shown = ratio if higher_is_better else 1 / ratio if ratio < 1 else ratio
    print(
        f"  {name}: traycodes {ours:,.1f} {unit}, baseline {base:,.1f} {unit} "
        f"-> ratio {ratio:.2f} ({shown:.2f}x {better if ratio != 1 else 'same'})"
    )


def best_rate(func: Callable[[], None], count: int) -> float:
    start = time.perf_counter()
    func()
    return count / (time.perf_counter() - start)


@section
def bench_otp() -> None:
    """Code generation throughput: traycodes.otp.totp against pyotp.TOTP.at."""
    import pyotp

    from traycodes.otp import totp

    secret_b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    key = b"12345678901234567890"
    times = [1_700_000_000 + 30 * i for i in range(20_000)]
    baseline = pyotp.TOTP(secret_b32)
    assert baseline.at(times[0]) == totp(key, times[0])

    def ours() -> None:
        for at in times:
            totp(key, at)

    def theirs() -> None:
        for at in times:
            baseline.at(at)

    rates_ours, rates_base = [], []
    for _ in range(7):
        rates_ours.append(best_rate(ours, len(times)))
        rates_base.append(best_rate(theirs, len(times)))
    print("otp: TOTP codes per second (best of 7 rounds of 20,000; target >= 3x pyotp)")
    report("totp()", max(rates_ours), max(rates_base), "codes/s", higher_is_better=True)


def median_run_ms(argv: list[str], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        out.append((time.perf_counter() - start) * 1000)
    return out


@section
def bench_startup() -> None:
    """A one-shot `traycodes code --uri` process against a python -c pyotp one-liner."""
    uri = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME"
    ours_argv = [str(BIN / "traycodes"), "code", "--uri", uri]
    base_argv = [sys.executable, "-c", f"import pyotp; print(pyotp.parse_uri({uri!r}).now())"]
    # pip compiles what it installs; an editable install only gets .pyc files when Python may
    # write them (not under PYTHONDONTWRITEBYTECODE), so compile ours as an install would.
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "traycodes"), quiet=1)
    for argv in (ours_argv, base_argv):  # warm the page cache
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(10):
        ours += median_run_ms(ours_argv, 3)
        base += median_run_ms(base_argv, 3)
    print(
        "startup: one-shot process, median wall time of 30 runs "
        "(target: at most 1.5x the pyotp one-liner)"
    )
    report(
        "traycodes code --uri",
        statistics.median(ours),
        statistics.median(base),
        "ms",
        higher_is_better=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "sections",
        nargs="*",
        choices=[*SECTIONS, []],
        metavar="SECTION",
        help=f"any of: {', '.join(SECTIONS)} (default: all)",
    )
    args = parser.parse_args()
    for name in args.sections or SECTIONS:
        SECTIONS[name]()


if __name__ == "__main__":
    main()
