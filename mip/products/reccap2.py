"""RECCAP2 region masks (``RECCAP2_region_masks_all_v20221025.nc``).

Ocean basin masks ``atlantic``, ``pacific``, ``indian``, ``arctic``, ``southern``
(0 = outside, 1..n = sub-biome) and optionally ``land`` (1..10 = the RECCAP2 land
regions).  Names of the sub-regions come from, in order: a ``region_names`` variable
or attribute (``"1: name; 2: name"`` or a list), CF ``flag_values``/``flag_meanings``,
else ``<basin>_<n>``.  The reader returns the masks on the canonical grid with a
``region_names`` attribute per mask (list, index = code − 1).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError
from mip.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import as_paths, find_axis

__all__ = ["read_reccap2", "BASINS", "LAND_REGIONS"]

BASINS = ("atlantic", "pacific", "indian", "arctic", "southern")
LAND_REGIONS = ("North America", "South America", "Europe", "Russia", "Africa", "West/Central Asia",
                "South Asia", "East Asia", "Southeast Asia", "Australasia")


def _names(ds: xr.Dataset, var: str, codes: list[int], path: Path) -> list[str]:
    da = ds[var]
    raw = da.attrs.get("region_names")
    if raw is None and f"{var}_region_names" in ds.variables:
        raw = [str(x) for x in np.asarray(ds[f"{var}_region_names"].values).tolist()]
    if isinstance(raw, str):
        pairs = re.findall(r"(\d+)\s*[:=]\s*([^;,\n]+)", raw)
        if pairs:
            table = {int(k): v.strip() for k, v in pairs}
        else:
            table = {i + 1: n.strip() for i, n in enumerate(re.split(r"[;,\n]", raw)) if n.strip()}
    elif raw is not None:
        table = {i + 1: (n.decode() if isinstance(n, bytes) else str(n)).strip() for i, n in enumerate(raw)}
    elif "flag_values" in da.attrs and "flag_meanings" in da.attrs:
        table = dict(zip(np.atleast_1d(da.attrs["flag_values"]).astype(int).tolist(),
                         str(da.attrs["flag_meanings"]).split()))
    elif var == "land" and max(codes, default=0) <= len(LAND_REGIONS):
        table = {i + 1: n for i, n in enumerate(LAND_REGIONS)}
    else:
        table = {}
    missing = [c for c in codes if c not in table]
    for c in missing:
        table[c] = f"{var}_{c}"
    return [table[c] for c in range(1, max(codes, default=0) + 1)]


@register("reccap2")
def read_reccap2(paths, *, basins: tuple[str, ...] | None = None) -> xr.Dataset:
    """Read the RECCAP2 region-mask file.

    Parameters
    ----------
    paths
        The mask file.
    basins
        Which masks to read; default every basin present plus ``land``.

    Returns
    -------
    xarray.Dataset
        Integer masks on (lat, lon), canonical grid, each with ``region_names``.
    """
    (path,) = as_paths(paths)
    ds = open_netcdf(path, chunks=None)
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    names = list(basins) if basins else [b for b in (*BASINS, "land") if b in ds.variables]
    if not names:
        raise InputError(path, "/".join(BASINS), "none of the basin masks", "RECCAP2 mask variables")
    grid = standardise_grid(ds[[lat, lon]].reset_coords(drop=True).set_coords([lat, lon]), lat=lat, lon=lon, file=path)
    out = xr.Dataset(coords=grid.coords)
    for b in names:
        if b not in ds.variables:
            raise InputError(path, b, "no such variable", f"a RECCAP2 mask '{b}'")
        da = ds[b]
        if set(da.dims) != {lat, lon}:
            raise InputError(path, b, f"dims {da.dims}", f"({lat}, {lon})")
        vals = np.nan_to_num(np.asarray(da.transpose(lat, lon).values, dtype="f8"), nan=0.0)
        if np.any(vals < 0) or np.any(vals != np.round(vals)):
            raise InputError(path, b, "negative or non-integer codes", "0 = outside, 1..n = sub-region")
        arr = xr.DataArray(vals.astype("i4"), dims=("lat", "lon"),
                           coords={"lat": np.asarray(ds[lat].values, "f8"),
                                   "lon": ((np.asarray(ds[lon].values, "f8") + 180) % 360) - 180})
        arr = arr.sel(lat=grid["lat"].values, lon=grid["lon"].values)
        codes = sorted(int(c) for c in np.unique(arr.values) if c > 0)
        out[b] = arr.assign_attrs(region_names=_names(ds, b, codes, path), source_file=str(path),
                                  product="RECCAP2 region masks", native_name=b)
    out.attrs.update({"product": "RECCAP2 region masks", "source_file": str(path)})
    return out
