"""Any CF-compliant gridded flux file, for products without a family of their own.

Axes are found with cf_xarray (``standard_name``/``axis``) or common names; flux
variables are those named in ``variables`` (canonical → native) or, by default,
every (time, lat, lon) variable whose units are in :data:`mip.conventions.units.NATIVE_UNITS`.
The sign comes from each variable's CF ``positive`` attribute (``up`` = to the
atmosphere), else from the ``sign`` option.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import as_paths, onto_grid, assemble, find_axis, months_of, sign_factor, to_canonical_flux
from mip.conventions.units import NATIVE_UNITS, _normalise

__all__ = ["read_cf"]


@register("cf")
def read_cf(paths, *, variables: dict[str, str] | None = None, gas: str = "CO2", sign: str | None = None,
            model: str | None = None, experiment: str = "default", system: str | None = None,
            version: str = "unknown") -> xr.Dataset:
    """Read a CF-compliant monthly gridded flux file.

    Parameters
    ----------
    paths
        One file.
    variables
        Canonical name → native name; default every flux-like variable, name kept.
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    sign
        Sign convention for variables without a CF ``positive`` attribute; required then.
    model, experiment, system, version
        Labels and provenance; ``model`` defaults to the file stem.

    Returns
    -------
    xarray.Dataset
    """
    (path,) = as_paths(paths)
    path = Path(path)
    ds = open_netcdf(path)
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    tname = find_axis(ds, "time", ("time",), path)
    if variables is None:
        variables = {str(v): str(v) for v, da in ds.data_vars.items()
                     if set(da.dims) == {tname, lat, lon} and _normalise(str(da.attrs.get("units", ""))) in NATIVE_UNITS}
        if not variables:
            raise InputError(path, None, "no (time, lat, lon) variable with known flux units",
                             "at least one flux variable, or variables={canonical: native}")
    time, tb = months_of(ds, tname, path)
    area = next((a for a in ("cell_area", "area") if a in ds.variables and ds[a].ndim == 2), None)
    grid = standardise_grid(ds[[lat, lon] + ([area] if area else [])].reset_coords(drop=False)
                            .set_coords([lat, lon]), lat=lat, lon=lon, file=path, area=area)
    fluxes = {}
    for canon, native in variables.items():
        if native not in ds.variables:
            raise InputError(path, native, "no such variable", f"variable '{native}' for '{canon}'")
        da = ds[native]
        if set(da.dims) != {tname, lat, lon}:
            raise InputError(path, native, f"dims {da.dims}", f"({tname}, {lat}, {lon})")
        flag = da.attrs.get("positive", sign)
        if flag is None:
            raise InputError(path, native, "no CF 'positive' attribute and no sign option",
                             "positive='up' (to the atmosphere) or 'down', or sign='atmosphere'|'surface'")
        s = sign_factor(flag, file=path, variable=native)
        da = onto_grid(da, ds, grid, lat=lat, lon=lon, rename={tname: "time"})
        fluxes[canon] = to_canonical_flux(da, gas=gas, file=path, native_name=native, product="cf",
                                          version=version, sign=s)
    return assemble(fluxes, grid, time, tb, model=model or path.stem, experiment=experiment, system=system,
                    attrs={"product": ds.attrs.get("title", "CF flux file"), "product_version": version,
                           "source_file": str(path)})
