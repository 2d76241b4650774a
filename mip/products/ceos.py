"""CEOS pilot top-down CO2 budget files (Byrne et al. 2023): the lateral-flux grid (``oco2mip``'s lateral companion).

The country CSV of the same release is a table: :mod:`mip.tables.ceos_countries` (its reader and
writer are re-exported here for old code).

Grid layout (``pilot_topdown_CO2_Budget_grid_v1.nc``; still a layout reconstructed from the
paper, no real grid file was available here): ``lat``, ``lon``, ``area`` (m²),
``FF``, ``Crop``, ``Wood``, ``River`` and ``{EXP}_NBE``, ``{EXP}_NCE``, ``{EXP}_dC_loss``
on (year, lat, lon) in gCO2 m-2 yr-1, ``*_meanYear`` variants on (lat, lon), and optional
``<name>_unc`` uncertainties.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import pandas as pd
import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import standardise_grid
from mip.io import atomic_write, open_netcdf
from mip.products._common import as_paths, onto_grid
from mip.tables.ceos_countries import CEOS_HEADER, read_ceos_countries, write_ceos_countries
from mip.conventions.units import factor_to, parse_native

__all__ = ["read_ceos_grid", "write_ceos_grid", "LATERAL_VARIABLES",
           "read_ceos_countries", "write_ceos_countries", "CEOS_HEADER"]  # (the country table's, re-exported)

LATERAL_VARIABLES = ("FF", "Crop", "Wood", "River")
_EXP = re.compile(r"^(?P<exp>[A-Za-z]+)_(?P<q>NBE|NCE|dC_loss)(?P<unc>_unc)?$")


def read_ceos_grid(paths, *, units: str | None = None, mean_year: bool = False) -> xr.Dataset:
    """Read the CEOS lateral-flux grid into kg C m-2 s-1 on the canonical grid.

    Parameters
    ----------
    paths
        The grid file.
    units
        Override the declared units (default each variable's ``units``, which must be in
        the unit table: "gCO2/m2/yr" etc.).
    mean_year
        Read the ``*_meanYear`` variants instead of the per-year fields.

    Returns
    -------
    xarray.Dataset
        ``FF``, ``Crop``, ``Wood``, ``River`` (+ ``Wood_Crop``), per-experiment ``NBE``,
        ``NCE``, ``dC_loss`` (dim ``experiment``) and their ``_unc`` where given; dims
        ``year`` (unless ``mean_year``), ``lat``, ``lon``; ``cell_area`` from the file's ``area``.
    """
    (path,) = as_paths(paths)
    ds = open_netcdf(path, chunks=None)
    for v in ("lat", "lon"):
        if v not in ds.variables:
            raise InputError(path, v, "no such coordinate", "lat and lon coordinates")
    suffix = "_meanYear" if mean_year else ""
    grid = standardise_grid(ds[["lat", "lon"] + (["area"] if "area" in ds else [])].reset_coords(drop=False)
                            .set_coords(["lat", "lon"]), lat="lat", lon="lon", file=path,
                            area="area" if "area" in ds else None)
    out = xr.Dataset(coords={k: grid[k] for k in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area")})

    def conv(name: str) -> xr.DataArray:
        da = ds[name]
        nu = parse_native(units or da.attrs.get("units"), file=path, variable=name)
        f = factor_to(nu, "kg / m**2 / s", "C", "CO2", file=path, variable=name)
        r = onto_grid(da, ds, grid, lat="lat", lon="lon") * f
        return r.assign_coords(lat=grid["lat"], lon=grid["lon"]).assign_attrs(
            units="kg m-2 s-1", reported_as="C", native_name=name, native_units=str(units or da.attrs.get("units")),
            source_file=str(path), sign_convention="positive = to the atmosphere (NBE, NCE, FF, dC_loss); "
                                                   "lateral terms positive = entering the land")

    missing = [v for v in LATERAL_VARIABLES if f"{v}{suffix}" not in ds]
    if missing:
        raise InputError(path, ", ".join(f"{m}{suffix}" for m in missing), "no such variable(s)",
                         f"the lateral fluxes {', '.join(LATERAL_VARIABLES)}")
    for v in LATERAL_VARIABLES:
        out[v] = conv(f"{v}{suffix}")
        if f"{v}_unc{suffix}" in ds:
            out[f"{v}_unc"] = conv(f"{v}_unc{suffix}")
    out["Wood_Crop"] = (out["Wood"] + out["Crop"]).assign_attrs(out["Wood"].attrs, native_name="Wood + Crop")
    per: dict[tuple[str, bool], dict[str, xr.DataArray]] = {}
    for name in ds.data_vars:
        base = str(name)[: -len(suffix)] if suffix and str(name).endswith(suffix) else str(name)
        if suffix and not str(name).endswith(suffix):
            continue
        m = _EXP.match(base)
        if m:
            per.setdefault((m["q"], bool(m["unc"])), {})[m["exp"]] = conv(str(name))
    for (q, unc), by_exp in per.items():
        exps = sorted(by_exp)
        out[q + ("_unc" if unc else "")] = xr.concat([by_exp[e] for e in exps], dim=pd.Index(exps, name="experiment"))
    if "year" in ds.variables and "year" in out.dims:
        out = out.assign_coords(year=ds["year"].values.astype(int))
    out.attrs.update({"source_file": str(path), "product": "CEOS pilot top-down CO2 budget grid"})
    return out


# --------------------------------------------------------------------------- country CSV
def write_ceos_grid(ds: xr.Dataset, path: str | PathLike) -> Path:
    """Write lateral fluxes (and per-experiment NBE/NCE/dC_loss) in the CEOS grid layout (gCO2 m-2 yr-1).

    The inverse of :func:`read_ceos_grid`: ``lat``, ``lon``, ``area``, ``FF``, ``Crop``, ``Wood``,
    ``River`` (+ ``_unc``) and ``{EXP}_NBE`` etc. on (year, lat, lon) or (lat, lon).

    Parameters
    ----------
    ds
        As returned by :func:`read_ceos_grid` (kg C m-2 s-1).
    path
        Output netCDF (written atomically).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    f = 1.0 / factor_to(parse_native("gCO2/m2/yr"), "kg / m**2 / s", "C", "CO2")
    out = xr.Dataset(coords={"lat": ("lat", ds["lat"].values, {"units": "degrees_north"}),
                             "lon": ("lon", ds["lon"].values, {"units": "degrees_east"})})
    if "year" in ds.dims:
        out = out.assign_coords(year=ds["year"].values)
    out["area"] = (("lat", "lon"), ds["cell_area"].values, {"units": "m2"})
    attrs = {"units": "gCO2/m2/yr"}
    for v in LATERAL_VARIABLES:
        for name in (v, f"{v}_unc"):
            if name in ds:
                out[name] = (ds[name] * f).assign_attrs(attrs).drop_vars(["cell_area"], errors="ignore")
    for q in ("NBE", "NCE", "dC_loss"):
        for unc in ("", "_unc"):
            if f"{q}{unc}" in ds:
                for e in ds["experiment"].values:
                    out[f"{e}_{q}{unc}"] = (ds[f"{q}{unc}"].sel(experiment=e, drop=True) * f).assign_attrs(attrs)
    out = out.drop_vars([c for c in out.coords if c not in ("lat", "lon", "year")])
    out.attrs.update({k: v for k, v in ds.attrs.items() if isinstance(v, (str, int, float))})
    with atomic_write(path) as tmp:
        out.to_netcdf(tmp)
    return path
