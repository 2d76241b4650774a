"""GCP-CH4 gridded top-down fluxes (``gcp_ch4`` family).

The budget workbook is a table, read by :mod:`mip.tables.gcp_ch4_workbook`.

Gridded files: ``flux_ch4_<category>(time, lat, lon)`` in kg m-2 s-1; categories given
as a 12-month climatology on ``time_climato`` are repeated over the file's years.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError, MipError
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import (
    as_paths, onto_grid, assemble, find_axis, months_of, read_sign, to_canonical_flux,
)
from mip.conventions.timeaxis import month_keys

__all__ = ["read_gcp_ch4", "read_gridded", "GRIDDED_CATEGORIES"]

#: Suffix of ``flux_ch4_<suffix>`` → canonical name.
GRIDDED_CATEGORIES = {
    "wetlands": "wetlands", "wet": "wetlands", "other_natural": "other_natural", "nat": "other_natural",
    "agriculture_waste": "agriculture_waste", "agw": "agriculture_waste", "ags": "agriculture_waste",
    "fossil": "fossil", "fos": "fossil", "biomass_biofuel_burning": "biomass_biofuel_burning",
    "bbur": "biomass_biofuel_burning", "bb": "biomass_biofuel_burning", "soil_sink": "soil_sink",
    "soil": "soil_sink", "total": "total", "tot": "total",
}


def read_gridded(path: str | Path, *, model: str | None = None, experiment: str = "posterior",
                 sign: str | None = None, version: str = "2020", system: str | None = None) -> xr.Dataset:
    """Read one gridded GCP-CH4 top-down file (``flux_ch4_<category>`` variables).

    Parameters
    ----------
    path
        The netCDF file.
    model, experiment, system
        Labels; ``model`` defaults to the file stem.
    sign
        ``"atmosphere"`` or ``"surface"`` where the file does not say (GCP-CH4's convention: emissions positive).
    version
        Product version, for provenance.

    Returns
    -------
    xarray.Dataset
    """
    path = Path(path)
    ds = open_netcdf(path)
    fvars = [v for v in ds.data_vars if str(v).startswith("flux_ch4_")]
    if not fvars:
        raise InputError(path, "flux_ch4_*", "no such variable", "variables named flux_ch4_<category>")
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    if "time" not in ds.variables:
        raise InputError(path, "time", "no such coordinate", "a monthly time axis (climatologies alone cannot be dated)")
    time, tb = months_of(ds, "time", path)
    months = np.array([m for _, m in month_keys(ds["time"])])
    grid = standardise_grid(ds[[lat, lon]].reset_coords(drop=True).set_coords([lat, lon]), lat=lat, lon=lon, file=path)
    fluxes = {}
    notes = []
    for v in fvars:
        da = ds[v]
        suffix = str(v)[len("flux_ch4_"):]
        canon = GRIDDED_CATEGORIES.get(suffix.lower(), suffix.lower())
        if "time_climato" in da.dims:
            if da.sizes["time_climato"] != 12:
                raise InputError(path, v, f"time_climato of size {da.sizes['time_climato']}", "12 months")
            da = da.isel(time_climato=xr.DataArray(months - 1, dims="time"))
            notes.append(f"{v}: 12-month climatology repeated over {len(set(month_keys(ds['time'])))} months")
        if set(da.dims) != {"time", lat, lon}:
            raise InputError(path, v, f"dims {da.dims}", f"(time or time_climato, {lat}, {lon})")
        da = onto_grid(da, ds, grid, lat=lat, lon=lon)
        s = read_sign(ds[v].attrs, ds.attrs, option=sign, convention="atmosphere",
                      convention_name="GCP-CH4 (emissions positive)", file=path, variable=str(v))
        fluxes[canon] = to_canonical_flux(da, gas="CH4", file=path, native_name=str(v), product="gcp_ch4",
                                          version=version, sign=s)
        if "time_climato" in ds[v].dims:
            fluxes[canon].attrs["climatology"] = "12-month climatology repeated every year"
    return assemble(fluxes, grid, time, tb, model=model or path.stem, experiment=experiment, system=system,
                    attrs={"product": "GCP-CH4 gridded top-down", "product_version": version,
                           "source_file": str(path), "notes": "; ".join(notes) or None})


@register("gcp_ch4")
def read_gcp_ch4(paths=None, **options) -> xr.Dataset:
    """Reader of the ``gcp_ch4`` family: a workbook (``.xlsx``) or gridded netCDF file(s).

    Parameters
    ----------
    paths
        A workbook, or gridded files (one model each); ``None`` means the bundled workbook.
    **options
        Passed to :func:`read_gridded`.

    Returns
    -------
    xarray.Dataset
    """
    ps = None if paths is None else as_paths(paths)
    if ps is None or (len(ps) == 1 and ps[0].suffix.lower() in (".xlsx", ".xlsm")):
        raise MipError("the gcp_ch4 family reads gridded fluxes; the GCP-CH4 workbook is a table: "
                       "mip.tables.gcp_ch4_workbook.read_workbook (family 'table:gcp_ch4_workbook' in a catalog)")
    parts = [read_gridded(p, **options) for p in ps]
    return parts[0] if len(parts) == 1 else xr.concat(parts, dim="model", combine_attrs="drop_conflicts")
