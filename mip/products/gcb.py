"""Global Carbon Budget inversion ensemble (``GCP2024_inversions_1x1_version1_2_*.nc``).

Layout: ``land_flux_only_fossil_cement_adjusted[ensemble_member, time, latitude,
longitude]`` in PgC/m2/yr (and ``ocean_flux_only`` where present), member names in
the char array ``ensemble_member_name[ensemble_member, nchar]``, the product's own
``cell_area``.  Members whose values are all NaN (they occur) are removed with a
:class:`~mip.errors.MemberWarning` and listed in ``ds.attrs['excluded_members']``;
they are never averaged in.  Sign: positive = to the atmosphere unless the file or the
``sign`` option says otherwise.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import xarray as xr

from mip.errors import InputError, MemberWarning
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import as_paths, onto_grid, find_axis, months_of, read_sign, require, to_canonical_flux
from mip.conventions.model import SIGN_CONVENTION

__all__ = ["read_gcb", "member_names", "DEFAULT_VARIABLES", "RIVER_ADJUSTMENT"]

DEFAULT_VARIABLES = {"land": "land_flux_only_fossil_cement_adjusted", "ocean": "ocean_flux_only"}
#: GCB river-flux adjustment (Pg C/yr) and its ocean split by latitude band.
RIVER_ADJUSTMENT = {"total": 0.65, "north": 0.14, "tropics": 0.42, "south": 0.09}


def member_names(ds: xr.Dataset, file: object) -> list[str]:
    """Decode ``ensemble_member_name`` (a char array or strings) into Python strings."""
    if "ensemble_member_name" not in ds.variables:
        return [f"member_{i}" for i in range(ds.sizes["ensemble_member"])]
    raw = np.asarray(ds["ensemble_member_name"].values)
    if raw.ndim == 2:
        names = [b"".join(x if isinstance(x, bytes) else str(x).encode() for x in row).decode("utf-8", "replace")
                 for row in raw]
    else:
        names = [x.decode() if isinstance(x, bytes) else str(x) for x in raw]
    names = [re.sub(r"[\x00\s]+$", "", n).strip() for n in names]
    if len(set(names)) != len(names):
        raise InputError(file, "ensemble_member_name", f"duplicate names {names}", "unique member names")
    return names


@register("gcb", labels=())
def read_gcb(paths, *, variables: dict[str, str] | None = None, sign: str | None = None,
             experiment: str = "GCB", version: str = "2024", check_all_nan: bool = True,
             systems: dict[str, str] | None = None) -> xr.Dataset:
    """Read the GCB inversion ensemble file.

    Parameters
    ----------
    paths
        The single ensemble file.
    variables
        Canonical name → native name; default :data:`DEFAULT_VARIABLES` (``ocean`` only
        if present in the file).
    sign
        ``"atmosphere"`` or ``"surface"`` when the file does not state one (a guess of the layout: the GCB
        convention, positive = to the atmosphere, applies otherwise).
    experiment
        Label of the experiment dimension.
    version
        GCB release, for provenance.
    check_all_nan
        Scan members for all-NaN values (one pass over the data).
    systems
        Model → inversion family; default: the model name up to the first ``-``/``_``.

    Returns
    -------
    xarray.Dataset
    """
    (path,) = as_paths(paths)
    ds = open_netcdf(path)
    req = dict(variables or {k: v for k, v in DEFAULT_VARIABLES.items() if k == "land" or v in ds.variables})
    require(ds, list(req.values()) + ["ensemble_member_name"], path)
    lat = find_axis(ds, "latitude", ("latitude", "lat"), path)
    lon = find_axis(ds, "longitude", ("longitude", "lon"), path)
    tname = find_axis(ds, "time", ("time",), path)
    names = member_names(ds, path)
    time, tb = months_of(ds, tname, path)
    area = "cell_area" if "cell_area" in ds.variables else None
    gvars = [lat, lon] + ([area] if area else [])
    grid = standardise_grid(ds[gvars].reset_coords(drop=False).set_coords([lat, lon]), lat=lat, lon=lon,
                            file=path, area=area)
    data = {}
    for canon, native in req.items():
        da = ds[native]
        want = {"ensemble_member", tname, lat, lon}
        if set(da.dims) != want:
            raise InputError(path, native, f"dims {da.dims}", f"({', '.join(sorted(want))})")
        da = onto_grid(da, ds, grid, lat=lat, lon=lon, rename={tname: "time", "ensemble_member": "model"})
        s = read_sign(ds[native].attrs, ds.attrs, option=sign, convention="atmosphere",
                      convention_name="the GCB inversions (positive = to the atmosphere)", file=path, variable=native)
        f = to_canonical_flux(da, gas="CO2", file=path, native_name=native, product="gcb",
                              version=version, sign=s)
        data[canon] = f.assign_coords(time=time, model=names).transpose("model", "time", "lat", "lon") \
                       .expand_dims(experiment=[experiment], axis=1)
    out = xr.Dataset(data).assign_coords(
        lat=grid["lat"], lon=grid["lon"], lat_bounds=grid["lat_bounds"], lon_bounds=grid["lon_bounds"],
        cell_area=grid["cell_area"], time_bounds=(("time", "bnds"), tb),
        system=("model", [(systems or {}).get(n, re.split(r"[-_ ]", n)[0]) for n in names]))
    out.attrs.update({"sign_convention": SIGN_CONVENTION, "earth_radius": grid.attrs["earth_radius"],
                      "product": "Global Carbon Budget inversions", "product_version": version,
                      "source_file": str(path)})
    if check_all_nan:
        first = next(iter(data))
        allnan = out[first].isnull().all(("experiment", "time", "lat", "lon")).compute().values
        bad = [n for n, b in zip(names, allnan) if b]
        if bad:
            warnings.warn(f"{path}: members with only NaN values excluded: {', '.join(bad)}",
                          MemberWarning, stacklevel=2)
            out = out.sel(model=[n for n in names if n not in bad])
            out.attrs["excluded_members"] = "; ".join(f"{n}: all values NaN" for n in bad)
    return out
