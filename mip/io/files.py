"""Opening files safely: every failure becomes an :class:`~mip.errors.InputError`."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError
from mip.io.heap import keep_freed_memory
from mip.io.figure_worker import save_figure  # noqa: F401  (re-exported: one figure saver)
from mip.io.writes import atomic_write, safe_name  # noqa: F401  (re-exported: one atomic writer)

__all__ = ["load_values", "open_netcdf", "atomic_write", "save_figure", "safe_name", "write_csv", "NETCDF_MAGIC", "CHUNK_BYTES", "time_chunk",
           "default_chunks"]

#: Target size of one dask block of canonical (float64) data.  Blocks this size keep the
#: peak memory of a reduction at a few blocks per thread whatever the ensemble's size, and
#: are large enough that the scheduler's per-block cost stays small next to the data's.
CHUNK_BYTES = 16 * 2**20

#: Dimensions read in blocks of time steps (see :func:`time_chunk`), or one at a time.
TIME_DIMS = ("time", "n_months")
DEFAULT_CHUNKS = {"ensemble_member": 1}


def time_chunk(ntime: int, cells_per_step: int) -> int:
    """Time steps per dask block: about :data:`CHUNK_BYTES` of float64, whole years when a block holds a year or more.

    Parameters
    ----------
    ntime
        Length of the time axis.
    cells_per_step
        Values in one time step (e.g. nlat × nlon).

    Returns
    -------
    int
        E.g. 24 months on a 1° grid, 6 on 0.5°, the whole axis on 2° × 2.5°.
    """
    per = max(1, CHUNK_BYTES // (8 * max(int(cells_per_step), 1)))
    per = 12 * (per // 12) if per >= 12 else max(d for d in (1, 2, 3, 4, 6) if d <= per)
    return max(1, min(per, int(ntime)))


def default_chunks(ds: xr.Dataset) -> dict[str, int]:
    """Dask chunks for a lazily opened file: time in :func:`time_chunk` blocks, members one by one, the rest whole."""
    out: dict[str, int] = {}
    for v in ds.data_vars.values():
        for d in v.dims:
            if d in TIME_DIMS:
                step = int(np.prod([n for k, n in v.sizes.items() if k not in TIME_DIMS and k not in DEFAULT_CHUNKS]))
                out[d] = min(out.get(d, ds.sizes[d]), time_chunk(ds.sizes[d], step))
            elif d in DEFAULT_CHUNKS:
                out[d] = DEFAULT_CHUNKS[d]
    return out

from mip.io.probe import NETCDF_MAGIC  # noqa: E402  (one definition; the probe imports no xarray)


def open_netcdf(path: str | Path, *, decode_times: bool = True, chunks: dict | None | str = "default") -> xr.Dataset:
    """Open a netCDF file lazily, turning every failure into a clear :class:`InputError`.

    Parameters
    ----------
    path
        File to open.
    decode_times
        Passed to xarray.
    chunks
        Dask chunks; ``"default"`` means :func:`default_chunks`, ``None`` no dask.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    InputError
        If the file is missing, empty, not netCDF, truncated or otherwise unreadable.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(p, None, "no such file", "an existing netCDF file")
    if p.is_dir():
        raise InputError(p, None, "a directory", "a netCDF file")
    size = p.stat().st_size
    if size == 0:
        raise InputError(p, None, "an empty file (0 bytes)", "a netCDF file")
    with p.open("rb") as fh:
        head = fh.read(8)
    if not any(head.startswith(m) for m in NETCDF_MAGIC):
        raise InputError(p, None, f"leading bytes {head[:8]!r}, not a netCDF/HDF5 signature",
                         "a netCDF file (classic or netCDF-4)")
    keep_freed_memory()  # each open allocates a few MiB; keep them for the next file (mip.io.heap)
    try:
        with warnings.catch_warnings():
            # a time block may cut a larger on-disk chunk: harmless for reading once
            warnings.filterwarnings("ignore", message="The specified chunks separate the stored chunks")
            ds = _open_decoded(p, decode_times, None if chunks == "default" else chunks)
    except Exception as exc:  # netCDF4/HDF5 raise many types; each is a broken file here
        raise InputError(p, None, f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())})",
                         "a readable netCDF file (is it truncated?)") from exc
    _check_packing(ds, p)
    _check_declared_size(ds, p, size)
    return ds.chunk(default_chunks(ds)) if chunks == "default" else ds


def _masking_changes_nothing(v: xr.Variable) -> bool:
    """Whether CF masking would leave a variable as it is: float values whose every declared fill is NaN, unpacked."""
    if v.dtype.kind != "f" or "scale_factor" in v.attrs or "add_offset" in v.attrs:
        return False
    for key in ("_FillValue", "missing_value"):
        if key in v.attrs:
            try:
                fills = np.asarray(v.attrs[key], dtype="f8").ravel()
            except (TypeError, ValueError):
                return False
            if not np.isnan(fills).all():
                return False
    return True


def _open_decoded(p: Path, decode_times: bool, chunks: dict | None) -> xr.Dataset:
    """``xr.open_dataset`` of a netCDF file, without masking where masking changes nothing.

    xarray masks a float variable whose ``_FillValue`` is NaN (what it writes by default) with a
    copy of every block (``where(x == NaN, NaN, x)``), which at 0.1° cost more CPU than reading the
    block.  Such variables are decoded without it, and their fill values moved to ``encoding`` as
    masking would have done: the same Dataset (values, attributes, encodings: checked on every real
    netCDF file of the project's data), read once instead of twice.
    """
    raw = xr.open_dataset(p, engine="netcdf4", decode_cf=False, chunks=chunks)
    plain = [k for k, v in raw.variables.items() if _masking_changes_nothing(v)]
    ds = xr.decode_cf(raw, mask_and_scale={k: k not in plain for k in raw.variables}, decode_times=decode_times)
    for k in plain:
        v = ds.variables[k]
        for key in ("_FillValue", "missing_value"):
            if key in v.attrs:
                v.encoding[key] = v.attrs.pop(key)
    return ds


#: A file may declare at most this many times its own size in values, once it declares over 2 GiB: the real
#: files read here are compressed at most 13 times (an ObsPack file); a 17.7 kB file declaring a million time
#: steps of a global grid is a bomb, or mostly unwritten.
DECLARED_RATIO = 1000


def _check_declared_size(ds: xr.Dataset, path: Path, size: int) -> None:
    declared = sum(int(v.size) * v.dtype.itemsize for v in ds.variables.values())
    if declared > 2 * 2**30 and declared > DECLARED_RATIO * size:
        big = max(ds.variables.items(), key=lambda kv: kv[1].size * kv[1].dtype.itemsize)
        raise InputError(path, str(big[0]), f"{declared / 2**30:,.1f} GiB of values declared in a file of "
                         f"{size / 2**10:,.1f} KiB (dims {dict(big[1].sizes)})",
                         f"a file holding its data (at most {DECLARED_RATIO} times its size once over 2 GiB)",
                         "a decompression bomb, or dimensions declared far larger than what was written")


#: Attributes that decode a variable's stored values: each must be a number.
PACKING_ATTRS = ("scale_factor", "add_offset", "_FillValue", "missing_value")


def _check_packing(ds: xr.Dataset, path: Path) -> None:
    """Refuse packing attributes that are not numbers (a string ``scale_factor`` fails only when data are read)."""
    for name, v in ds.variables.items():
        if np.dtype(v.encoding.get("dtype", v.dtype)).kind not in "biufc":
            continue  # text variables (ObsPack's qcflag) may fill with text
        for key in PACKING_ATTRS:
            val = v.encoding.get(key, v.attrs.get(key))
            if val is None:
                continue
            arr = np.asarray(val)
            if arr.dtype.kind not in "biufc":
                raise InputError(path, str(name), f"{key} = {val!r} (a {type(val).__name__})",
                                 f"a numeric {key}")


def load_values(da: xr.DataArray, path: str | Path, variable: str) -> np.ndarray:
    """Read a variable's data now, turning the backend's failure on a damaged file into an :class:`InputError`.

    netCDF/HDF5 may open a file whose data blocks are damaged and fail only when the data are
    read (``RuntimeError: NetCDF: HDF error``); this names the file and the variable instead.
    """
    try:
        return np.asarray(da.values)
    except (RuntimeError, OSError, ValueError) as exc:
        raise InputError(path, variable, f"data that cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())})",
                         "readable values (the file may be damaged or truncated)") from exc


def write_csv(df, path: str | Path, *, float_format: str = "%.6g") -> Path:
    """Write a table as CSV, atomically, headed by its basis: one ``# key: value`` line per non-empty ``df.attrs``.

    Parameters
    ----------
    df
        A pandas DataFrame whose ``attrs`` state its units, basis, method ...
    path
        The CSV file.
    float_format
        As :meth:`pandas.DataFrame.to_csv`.

    Returns
    -------
    pathlib.Path
    """
    head = "".join(f"# {k}: {v}\n" for k, v in df.attrs.items() if v not in (None, ""))
    with atomic_write(path) as tmp:
        tmp.write_text(head + df.to_csv(index=False, float_format=float_format))
    return Path(path)
