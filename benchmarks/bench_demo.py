"""Benchmark: ``mip demo`` as a whole command, against another version of fluxmip run alternately.

Each round runs ``python -m mip.cli demo --out DIR`` in a fresh process for this checkout and, with
``--baseline SRC`` (the source tree of another version, e.g. ``git worktree add /tmp/v010 v0.1.0``),
for that version too (``PYTHONPATH=SRC``), one after the other, so that a shared machine's slow
spells hit both alike.  Wall time, CPU time (user + system of the command and every process it
waited for, the figure process included) and peak memory of the largest process are the medians
over the rounds; ``_paired`` ratios are the median of the two runs' ratio in each round.  On Linux the
machine's idle CPU time during each run (every core's, from ``/proc/stat``) is printed too: how long
a core waited while the command ran, which CPU time spent slower or faster (this VM's speed varies by
up to 30 % between runs) does not change.
Target (issue #28): under 15 s.

Usage: ``python benchmarks/bench_demo.py [--repeat 3] [--baseline SRC]``
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from machine import print_machine

HERE = Path(__file__).resolve().parents[1]


def idle_seconds() -> float:
    """Idle time of every core of the machine since boot (idle + iowait of ``/proc/stat``), NaN off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return float("nan")
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


def run_demo(src: Path, out: Path) -> dict[str, float]:
    """One ``mip demo`` of the source tree ``src`` into ``out`` (emptied first): wall, CPU, idle, peak memory."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(src))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled modules, as an installed package has them
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    idle = idle_seconds()
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mip.cli", "demo", "--out", str(out)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - t
    idle = idle_seconds() - idle
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": wall, "cpu_seconds": cpu, "idle_cpu_seconds": idle, "peak_mb": after.ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None, help="source tree of the version to compare with")
    a = ap.parse_args()
    print_machine()
    trees = {"demo": HERE} | ({"baseline": a.baseline.resolve()} if a.baseline else {})
    work = Path(tempfile.mkdtemp(prefix="mip-bench-demo-"))
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in trees}
    try:
        for _ in range(a.repeat):
            for k, src in trees.items():
                runs[k].append(run_demo(src, work / k))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print({k: [round(x["seconds"], 2) for x in v] for k, v in runs.items()}, file=sys.stderr)
    for k, v in runs.items():
        print(f"{k}_seconds = {statistics.median(x['seconds'] for x in v):.2f}")
        print(f"{k}_cpu_seconds = {statistics.median(x['cpu_seconds'] for x in v):.2f}")
        print(f"{k}_idle_cpu_seconds = {statistics.median(x['idle_cpu_seconds'] for x in v):.2f}")  # every core's
    # ru_maxrss of children is the largest process ever waited for, so it only grows: the first value
    # of each tree is its own only when it ran first; the peak printed is the largest seen over its runs
    print(f"largest_process_peak_memory_mb = {max(x['peak_mb'] for v in runs.values() for x in v):.0f}")
    if "baseline" in runs:
        med = {k: statistics.median(x["seconds"] for x in v) for k, v in runs.items()}
        cpu = {k: statistics.median(x["cpu_seconds"] for x in v) for k, v in runs.items()}
        print(f"idle_cpu_seconds_demo_minus_baseline_paired = "
              f"{statistics.median(x['idle_cpu_seconds'] - y['idle_cpu_seconds'] for x, y in zip(runs['demo'], runs['baseline'])):.2f}")
        print(f"ratio_demo_over_baseline = {med['demo'] / med['baseline']:.2f}")
        print(f"ratio_demo_over_baseline_paired = "
              f"{statistics.median(x['seconds'] / y['seconds'] for x, y in zip(runs['demo'], runs['baseline'])):.2f}")
        print(f"ratio_demo_over_baseline_cpu = {cpu['demo'] / cpu['baseline']:.2f}")


if __name__ == "__main__":
    main()
