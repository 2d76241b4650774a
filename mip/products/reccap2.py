"""RECCAP2 river-flux adjustment (``fgco2_lacroix-river_v20220615.nc``; real file checked in the tests).

The grid (``fgco2`` in mol m-2 s-1, stored positive into the ocean) is read by
:func:`read_river_flux` into a canonical flux positive to the atmosphere.

The RECCAP2 *region masks* are not a product: they are read by
:func:`mip.io.reccap2_masks.read_reccap2_masks` and become regions with
:func:`mip.regions.reccap2`.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import find_axis, onto_grid, standardise_grid
from mip.io import load_values, open_netcdf
from mip.products._common import to_canonical_flux

__all__ = ["read_river_flux"]

def read_river_flux(path: str | PathLike | None = None, *, variable: str = "fgco2",
                    sign: str | None = None) -> xr.Dataset:
    """Read the RECCAP2 river-flux adjustment grid (Lacroix et al. 2020) as a canonical ocean flux.

    Parameters
    ----------
    path
        ``fgco2_lacroix-river_v20220615.nc``; default the bundled copy (``mip/data/reccap2-ocean``).
    variable
        The flux variable.
    sign
        ``"surface"`` or ``"atmosphere"`` where the file does not say; the published file does not, and
        its convention (RECCAP2's fgco2: positive into the ocean, so the river-induced outgassing is
        negative) applies then.

    Returns
    -------
    xarray.Dataset
        ``river`` in kg C m-2 s-1, positive = to the atmosphere, on the canonical grid with
        ``cell_area``; no time dimension (the adjustment is a constant flux).
    """
    from importlib import resources

    from mip.products._common import read_sign

    path = Path(path) if path is not None else \
        Path(str(resources.files("mip") / "data" / "reccap2-ocean" / "fgco2_lacroix-river_v20220615.nc"))
    with open_netcdf(path, chunks=None) as ds:  # everything is read before the file is closed
        lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
        lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
        if variable not in ds.variables:
            raise InputError(path, variable, "no such variable", f"the river flux '{variable}' (present: {', '.join(map(str, ds.data_vars))})")
        da = ds[variable]
        if set(da.dims) != {lat, lon}:
            raise InputError(path, variable, f"dims {da.dims}", f"({lat}, {lon})")
        grid = standardise_grid(ds[[lat, lon]].reset_coords(drop=True).set_coords([lat, lon]), lat=lat, lon=lon, file=path)
        da = da.copy(data=load_values(da, path, variable))
        flux = to_canonical_flux(onto_grid(da.fillna(0.0), ds, grid, lat=lat, lon=lon), gas="CO2", file=path,
                                 native_name=variable, product="reccap2 river adjustment", version=path.stem,
                                 sign=read_sign(ds[variable].attrs, ds.attrs, option=sign, convention="surface",
                                                convention_name="RECCAP2 fgco2 (positive into the ocean)", file=path,
                                                variable=variable))
    out = xr.Dataset({"river": flux}, coords={k: grid[k] for k in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area")})
    out.attrs.update({"source_file": str(path), "product": "RECCAP2 river flux adjustment (Lacroix et al. 2020)",
                      "sign_convention": "positive = to the atmosphere (river-induced outgassing positive)",
                      "missing_values": f"{int(da.isnull().sum())} NaN cells (land) read as 0"})
    return out
