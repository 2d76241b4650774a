"""Keep freed blocks for the next one: glibc's heap thresholds while fluxmip streams an ensemble.

Summing an ensemble reads one block of a file after another (6 MiB of float32 on a 1° grid), and the
netCDF library allocates a few MiB whenever a file is opened.  With glibc's default, dynamic thresholds
(the largest block freed so far, at most 32 MiB, and twice that to trim), each freed block can leave more
free memory at the top of the heap than the trim threshold: glibc gives it back to the system, and the
next block's pages are faulted in and zeroed by the kernel again.  At full OCO-2 MIP scale that was
600 000 page faults and 1.1 s of system CPU time for 4.7 GB read (issue #28); a process that happens to
free one block of 18–32 MiB first (the xarray read floor reads whole 18.7 MiB variables) is spared them.

:func:`keep_freed_memory` sets the thresholds explicitly with ``mallopt``: blocks up to
:data:`MMAP_THRESHOLD` come from the heap, and up to :data:`TRIM_THRESHOLD` of freed memory stays
there for the next block (with :data:`TOP_PAD`, below, in every thread's heaps too).  fluxmip calls it
when it opens a file or sums a block, not on import; it changes the process's allocator for the rest of its
life (what freeing a 32 MiB block does anyway), and only where the ``keep_heap`` option is on (the default;
``MIP_KEEP_HEAP=0``), the C library is glibc, and the environment sets none of glibc's own malloc settings
(``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TOP_PAD_``, ``GLIBC_TUNABLES``), a user's choice.

A thread other than the main one (dask's, a worker's) allocates from an arena of its own, made of heaps of at
most 64 MiB; a block that does not fit in its heap gets a new heap, which glibc unmaps as soon as it is empty
whatever the trim threshold.  At 0.1° netCDF4-python holds two 25 MiB arrays per month read (it reads into one
and copies into the other): every block took a fresh heap, 856 MB of pages faulted in and zeroed for the 890 MB
read, and 0.3–0.6 s of system CPU time in a 0.6–0.9 s budget.  :data:`TOP_PAD` of padding keeps an emptied
heap: glibc deletes one only when the heap before it has room for the padding, which no heap of 64 MiB has.
A thread's arena then keeps the heaps it grew to (its own peak) for the rest of the process.  The main heap's
growth is padded the same way (address space; pages are touched only when used).

One setting is not taken as a choice: dask.distributed's nanny starts every worker with
``MALLOC_TRIM_THRESHOLD_=65536`` (its default), which also fixes glibc's mmap threshold at 128 KiB, so that
every block read is a fresh mapping faulted in page by page.  On a ``LocalCluster`` of two processes that
made the 0.1° budget 1.29× the threads' time (a second aggregation on the same cluster: 0.43–0.46 s, and
0.34–0.36 s with the heap kept).  A worker then keeps up to :data:`TRIM_THRESHOLD` of freed memory per arena
(its "unmanaged memory" in dask's dashboard).  ``MIP_KEEP_HEAP=0`` in the workers' environment keeps the
nanny's setting.  The settings
are looked for in the environment the process started with (``/proc/self/environ``), which is what glibc
read: the nanny also writes its setting into the ``os.environ`` of the process that starts the workers.
"""

from __future__ import annotations

import os

__all__ = ["keep_freed_memory", "MMAP_THRESHOLD", "TRIM_THRESHOLD", "TOP_PAD"]

#: Blocks up to this size are taken from the heap (glibc's dynamic threshold stops here too).
MMAP_THRESHOLD = 32 * 2**20
#: Freed memory at the top of the heap is given back to the system only beyond this.
TRIM_THRESHOLD = 64 * 2**20
#: Padding kept beyond a heap's top: a thread's arena keeps its emptied heaps (at most 64 MiB each).
TOP_PAD = 64 * 2**20
#: glibc's ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
#: Environment variables through which a user (or dask.distributed's nanny) sets glibc's malloc itself.
USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")

#: What dask.distributed's nanny puts in every worker's environment unless configured otherwise.
NANNY_TRIM = ("MALLOC_TRIM_THRESHOLD_", "65536")

_done: bool | None = None  # None: not tried yet in this process; else whether the thresholds are set


def keep_freed_memory() -> bool:
    """Set glibc's heap thresholds once per process (see the module docstring); cheap after the first call.

    Returns
    -------
    bool
        Whether the thresholds are set: False off glibc, with the option off, or where the environment
        sets glibc's malloc itself.
    """
    global _done
    if _done is not None:
        return _done
    from mip._options import get_option

    _done = False
    env = _startup_environment()
    if not get_option("keep_heap") or any(env.get(k) and not _nanny_default(k, env) for k in USER_SETTINGS):
        return False
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return False
    except (ValueError, OSError, AttributeError):  # no such name: not glibc
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # mallopt returns 1 on success; the mmap threshold first, so that the trim threshold is never below it
    _done = all(mallopt(param, value) == 1 for param, value in
                ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD), (_M_TOP_PAD, TOP_PAD)))
    return _done


def _startup_environment() -> dict[str, str]:
    """The environment this process started with: what glibc's malloc read.

    ``os.environ`` may have changed since: dask.distributed's nanny sets ``MALLOC_TRIM_THRESHOLD_`` in the
    process that starts the workers (a ``LocalCluster``'s own process), where glibc never saw it.
    """
    try:
        with open("/proc/self/environ", "rb") as f:
            raw = f.read()
    except OSError:  # not Linux: what Python was given
        return dict(os.environ)
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


def _nanny_default(key: str, env: dict[str, str]) -> bool:
    """Whether ``key`` holds dask.distributed's default for its workers, and this is a worker's task."""
    import sys

    if (key, env.get(key)) != NANNY_TRIM or "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:  # not in a worker's task
        return False
    return True
