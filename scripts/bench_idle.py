"""The idle budget against 0.5.0: traycodes now and traycodes 0.5.0 (its source taken from
git history into a temporary folder, run by the same Python with the same libraries), side
by side on the test desktop with the menu closed. Wake-ups are the context switches of all
the process's threads; the budget is one wake-up per code period (run by
scripts/benchmarks.py, section ``idle``, and at the end of ``tray``)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import ROOT, app_desktop, report
from bench_tray import _proc_figures

BASELINE = "0.5.0"
IDLE_SECONDS = 120  # four period boundaries: a 60 s sample varied by a third between runs
BACKENDS = ("gtk", "xorg")  # the menus 0.5.0 had on X11 (sni came later)

MAKE_VAULT = """
import sys
sys.path.insert(0, sys.argv[2])
from bench_common import vault_with
from traycodes.keystore import KeyringStore
print(vault_with(__import__("pathlib").Path(sys.argv[1]), 10, keystore=KeyringStore()))
"""


def release_source(version: str, into: Path) -> Path:
    """The package as it was at ``version`` (the last commit whose __init__ said it)."""
    changed = f'-S__version__ = "{version}"'  # the commits that set it and moved on
    found = subprocess.run(
        ["git", "log", "--format=%H", changed, "--", "traycodes/__init__.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if len(found) < 2:
        raise SystemExit(f"bench idle: no commit of version {version} in this clone's history")
    bumped_away = found[0]  # newest first: the commit that moved on from the version
    archive = subprocess.run(
        ["git", "archive", f"{bumped_away}^", "traycodes"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _figures(pid: int) -> tuple[float, int]:
    """(CPU seconds, context switches) of a process's threads; the CPU from schedstat (in
    nanoseconds: /proc's stat counts 10 ms ticks, too coarse for a few ms a minute)."""
    cpu_ns = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        cpu_ns += int((task / "schedstat").read_text().split()[0])
    return cpu_ns / 1e9, _proc_figures(pid)[2]


def _embedded_count(env: dict[str, str]) -> int:
    found = subprocess.run(
        ["xdotool", "search", "--classname", "traycodes"],
        env=env, capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    count = 0
    for window in found:
        info = subprocess.run(
            ["xwininfo", "-id", window], env=env, capture_output=True, text=True, check=False
        ).stdout
        count += "IsViewable" in info and "Width: 1\n" not in info and "Width: 10\n" not in info
    return count


def _start(env: dict[str, str], icons: int) -> subprocess.Popen[bytes]:
    """``python -m traycodes`` in ``env``, once ``icons`` traycodes icons are in the tray."""
    process = subprocess.Popen(
        [sys.executable, "-m", "traycodes"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    start = time.monotonic()
    while _embedded_count(env) < icons:
        if time.monotonic() - start > 60 or process.poll() is not None:
            raise SystemExit(f"bench idle: the icon did not embed ({env['PYTHONPATH']})")
        time.sleep(0.05)
    return process


def bench_idle() -> None:
    """Wake-ups per minute and CPU with the menu closed, now against 0.5.0, per backend."""
    for backend in BACKENDS:
        root = Path(tempfile.mkdtemp(prefix="traycodes-bench-idle-"))
        old = release_source(BASELINE, root / "old")
        with app_desktop(root, backend) as env:
            old_vault = subprocess.run(
                [sys.executable, "-c", MAKE_VAULT, str(root / "oldvault"), str(ROOT / "scripts")],
                env={**env, "PYTHONPATH": str(old)},
                capture_output=True, text=True, check=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
            envs = {}
            for name, source, vault in (
                ("0.5.0", old, old_vault),
                ("now", ROOT, env["TRAYCODES_VAULT"]),
            ):
                runtime = root / f"runtime-{name}"
                runtime.mkdir(mode=0o700)
                envs[name] = {
                    **env,
                    "PYTHONPATH": str(source),
                    "TRAYCODES_VAULT": vault,
                    "XDG_RUNTIME_DIR": str(runtime),  # each its own socket: two apps
                    "TRAYCODES_STATE": str(root / f"state-{name}"),
                }
            processes = {"0.5.0": _start(envs["0.5.0"], 1), "now": _start(envs["now"], 2)}
            try:
                time.sleep(10)  # both settle (unlock, first menu)
                before = {n: _figures(p.pid) for n, p in processes.items()}
                time.sleep(IDLE_SECONDS)
                after = {n: _figures(p.pid) for n, p in processes.items()}
            finally:
                for process in processes.values():
                    process.terminate()
                for process in processes.values():
                    try:
                        process.wait(20)
                    except subprocess.TimeoutExpired:
                        process.kill()
        minutes = IDLE_SECONDS / 60
        wakes = {n: (after[n][1] - before[n][1]) / minutes for n in after}
        cpu = {n: (after[n][0] - before[n][0]) * 1000 / minutes for n in after}
        boundaries = IDLE_SECONDS / 30
        print(
            f"idle: traycodes now against {BASELINE} ({backend} icon, 10 records, unlocked, "
            f"menu closed, {IDLE_SECONDS} s side by side; the budget: one wake-up per 30 s "
            f"period, {boundaries:.0f} in this time)"
        )
        _side_by_side("wake-ups per minute (context switches, all threads)", wakes, "/min")
        _side_by_side("CPU per minute", cpu, "ms")


def _side_by_side(name: str, figures: dict[str, float], unit: str) -> None:
    if figures["0.5.0"] == 0:  # no ratio to a baseline of nothing
        print(f"  {name}: traycodes {figures['now']:,.1f} {unit}, baseline 0 {unit}")
        return
    report(name, figures["now"], figures["0.5.0"], unit, higher_is_better=False)
