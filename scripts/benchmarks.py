"""Benchmarks of traycodes against baselines, measured side by side in one run.

Run through scripts/bench. Each section prints its figures and the ratio to its baseline.
Rounds of the two contenders are interleaved, and the best (throughput) or median
(process start-up) is reported, so a busy moment on the machine hurts both alike.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import bench_core
import bench_follow
import bench_idle
import bench_tray
import bench_typing
from bench_common import report


def bench_tray_section() -> None:
    """The tray app against a bare icon, then its idle figures against 0.5.0."""
    bench_tray.bench_tray()
    bench_idle.bench_idle()


def bench_follow_section() -> None:
    """A new phone backup in a followed folder, until the running app merged it."""
    bench_follow.run(report)


# In the order a run without names takes them.
SECTIONS: dict[str, Callable[[], None]] = {
    "otp": bench_core.bench_otp,
    "startup": bench_core.bench_startup,
    "vault": bench_core.bench_vault,
    "directory": bench_core.bench_directory,
    "browser": bench_typing.bench_browser,
    "list": bench_core.bench_list,
    "tray": bench_tray_section,
    "hotkey": bench_typing.bench_hotkey,
    "wayland": bench_typing.bench_wayland,
    "follow": bench_follow_section,
}
# Parts of a section, run alone by name (not again in a run without names).
PARTS: dict[str, Callable[[], None]] = {"idle": bench_idle.bench_idle}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "sections",
        nargs="*",
        choices=[*SECTIONS, *PARTS, []],
        metavar="SECTION",
        help=f"any of: {', '.join([*SECTIONS, *PARTS])} (default: all but {', '.join(PARTS)})",
    )
    args = parser.parse_args()
    for name in args.sections or SECTIONS:
        {**SECTIONS, **PARTS}[name]()


if __name__ == "__main__":
    main()
