"""The machine a benchmark ran on, printed first by every script (``machine = …``): its figures mean little without it.

The same code ran ``mip demo`` in 7.1 s on one 2-core VM of the project's kind and in 16–19 s on
another (issue #28): a result is read with the processor, core count and memory it was measured on.
"""

from __future__ import annotations

import os
import platform
import sys


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux, else what :mod:`platform` says)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def memory_gib() -> float:
    """Physical memory in GiB (NaN where the platform does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return float("nan")


def describe() -> str:
    """One line: processor, cores, memory, system, Python and numpy versions."""
    import numpy as np

    return (f"{cpu_model()}, {os.cpu_count()} cores, {memory_gib():.0f} GiB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}")


def disk_read_mb() -> float:
    """Megabytes read from block devices since boot, by every process (``pgpgin`` of ``/proc/vmstat``; NaN elsewhere).

    The benchmarks read their files from the page cache; what the disks delivered while they timed says
    whether that held.  A VM that pages out memory it finds cold (DAMON's ``pageout`` scheme does, for
    files untouched for a minute) reads part of them from disk again, and the floors and fluxmip then time
    the disk as much as their own work: keep the data on a tmpfs (``--dir /dev/shm/...``) there.
    """
    try:
        with open("/proc/vmstat") as f:
            for line in f:
                if line.startswith("pgpgin "):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def print_machine() -> None:
    """Print the ``machine = …`` line (to stdout, with the other ``name = value`` lines)."""
    print(f"machine = {describe()}", file=sys.stdout, flush=True)
