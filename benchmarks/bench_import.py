"""Benchmark: how long ``mip --help`` and ``import mip`` take in a fresh process, against bare Python.

Each command runs ``--repeat`` times (default 7) in a fresh interpreter; medians are printed as
``name = value`` lines, the ratios last.  Target: ``mip --help`` under 0.5 s.

Usage: ``python benchmarks/bench_import.py [--repeat 7]``
"""

from __future__ import annotations

import argparse
import statistics
import os
import subprocess
import sys
import time
from machine import print_machine

CASES = {
    "python_bare": [sys.executable, "-c", "pass"],
    "import_mip": [sys.executable, "-c", "import mip"],
    "mip_help": [sys.executable, "-m", "mip.cli", "--help"],
    "import_mip_aggregate": [sys.executable, "-c", "import mip; mip.aggregate"],
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    print_machine()
    times: dict[str, list[float]] = {k: [] for k in CASES}
    for _ in range(a.repeat):
        for k, cmd in CASES.items():
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True,  # compiled modules, as installed
                           env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
            times[k].append(time.perf_counter() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in med.items():
        print(f"{k}_seconds = {v:.3f}")
    print(f"ratio_mip_help_over_bare_python = {med['mip_help'] / med['python_bare']:.1f}")


if __name__ == "__main__":
    main()
