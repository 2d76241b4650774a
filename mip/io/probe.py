"""A netCDF file's metadata read first in a child process: the HDF5 library can hang or crash on a damaged file.

libhdf5 does not guard every structure it parses: a netCDF-4 file with one wrong byte in the size of
an object in its global heap (where the dimension-scale references live) makes it loop forever
inside ``netCDF4.Dataset`` (seen with HDF5 1.14.2 and 2.2.0 under netCDF 4.9.4 and 4.10.1, and in h5py's
HDF5 2.0.0; HDFGroup/hdf5 issue 1707, a file that hangs every reader, is open since 2022, and the
workaround named there is another process).  A thread cannot
stop a loop in C, and a crash takes the whole interpreter with it, so :class:`MetadataProbe` opens the
file in a child Python, walks every group, variable and attribute as an open does, and reports a
child that does not finish within the time allowed or dies of a signal.  An error the library
reports (a truncated file) is left to the open in process, which names it.

:func:`mip.checks.check` probes every file before it opens it (the next file's probe runs while a
file is checked; ``mip check`` starts the first file's before it imports what the check uses: this
module imports only the standard library).  The readers do not: a probe costs a Python start and ``import netCDF4`` (about
0.1 s of wall time, 0.15 s of CPU), more than opening a file, and they read files a user has
chosen to trust; ``mip check`` is the place for a file that may be damaged.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

__all__ = ["MetadataProbe", "PROBE_TIMEOUT", "NETCDF_MAGIC"]

#: Leading bytes of netCDF classic/64-bit/CDF5 files and of HDF5 (netCDF-4) files.
NETCDF_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05", b"\x89HDF\r\n\x1a\n")

#: Seconds a child may take to read a file's metadata (a file with thousands of variables takes a few).
PROBE_TIMEOUT = 60.0

#: Exit status of a child whose library reported an error (left to the open in process to name).
_LIBRARY_ERROR = 3

_SCRIPT = f"""
import sys
import netCDF4

def walk(g):
    for a in g.ncattrs():
        g.getncattr(a)
    for v in g.variables.values():
        v.dimensions, v.dtype
        for a in v.ncattrs():
            v.getncattr(a)
    for s in g.groups.values():
        walk(s)

try:
    with netCDF4.Dataset(sys.argv[1]) as d:
        walk(d)
except Exception:
    sys.exit({_LIBRARY_ERROR})
"""


class MetadataProbe:
    """A child process reading one file's metadata, started at once; :meth:`failure` waits for its verdict.

    Parameters
    ----------
    path
        The file (a netCDF or HDF5 file; anything else is not probed).
    timeout
        Seconds the child may take, counted from its start.

    Examples
    --------
    >>> import tempfile, xarray as xr
    >>> p = Path(tempfile.mkdtemp()) / "ok.nc"
    >>> xr.Dataset({"x": ("t", [1.0, 2.0])}).to_netcdf(p)
    >>> MetadataProbe(p).failure() is None
    True
    """

    def __init__(self, path: str | Path, timeout: float = PROBE_TIMEOUT) -> None:
        self.path, self.timeout, self._proc = Path(path), float(timeout), None
        self._start = time.monotonic()
        try:
            with self.path.open("rb") as fh:
                head = fh.read(8)
        except OSError:
            return  # the open in process names a missing or unreadable file
        if any(head.startswith(m) for m in NETCDF_MAGIC) and sys.executable:
            try:
                self._proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(self.path)],
                                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL)
            except OSError:  # no Python to start (an embedded interpreter): opened in process, unguarded
                self._proc = None

    def failure(self) -> str | None:
        """What went wrong reading the metadata in the child, or None when it finished (or reported an error).

        Returns
        -------
        str or None
            ``"the HDF5/netCDF library did not finish reading …"`` or ``"… crashed (signal N) …"``.
        """
        proc = self._proc
        if proc is None:
            return None
        try:
            code = proc.wait(max(0.0, self._start + self.timeout - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return (f"the HDF5/netCDF library did not finish reading the file's metadata within "
                    f"{self.timeout:g} s (a damaged file can make it loop forever)")
        finally:
            self._proc = None
        if code < 0:
            return f"the HDF5/netCDF library crashed (signal {-code}) reading the file's metadata"
        return None  # 0: read; _LIBRARY_ERROR: the open in process reports it; anything else: no netCDF4 there

    def cancel(self) -> None:
        """Stop the child if it still runs (a check that stops early)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._proc = None
