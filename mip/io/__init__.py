"""Input and output: netCDF opening with clear errors, atomic writes, the dask scheduler, shipped YAML lookup, region files.

``mip.io.files`` (re-exported here: ``open_netcdf``, ``write_csv``, ...), ``mip.io.writes`` (``atomic_write``,
``safe_name``), ``mip.io.figure_worker`` (``save_figure``, and figures drawn by a second process),
``mip.io.figure_layout`` (fixed margins for small-multiple figures),
``mip.io.scheduler`` (a dask.distributed client or local threads, and a progress bar),
``mip.io.yamlspec`` (the search path of catalogs, protocols and constraint specs), ``mip.io.probe`` (a
file's metadata read in a child process first: the HDF5 library can hang on a damaged file),
``mip.io.regionfiles`` (vector files, mask files, the bundled Natural Earth countries → the
objects :mod:`mip.regions` takes) and ``mip.io.reccap2_masks`` (the RECCAP2 mask file). Names are
imported on first use, so ``import mip.io.yamlspec`` does not load xarray.
"""

from __future__ import annotations

from mip._lazy import lazy_exports

_FILES = ("load_values", "open_netcdf", "atomic_write", "save_figure", "safe_name", "write_csv", "NETCDF_MAGIC", "CHUNK_BYTES", "time_chunk",
          "default_chunks")
__all__ = list(_FILES)
_HOME = {"atomic_write": "mip.io.writes", "safe_name": "mip.io.writes", "save_figure": "mip.io.figure_worker"}
__getattr__, __dir__ = lazy_exports(__name__, {n: (_HOME.get(n, "mip.io.files"), n) for n in _FILES},
                                   submodules=True)
