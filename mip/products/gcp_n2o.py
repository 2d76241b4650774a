"""GCP-N2O inversions (INVICAT, PyVAR, MIROC4-ACTM style monthly 1° files).

Variables ``flux_apri_<component>`` (prior) and ``flux_apos_<component>`` (posterior)
for components ``land``, ``ocean`` and ``fossil``.  The fossil flux is not optimised:
files carry only ``flux_apri_fossil``, and it is added unchanged to the posterior (and
prior) totals.  Output: experiments ``posterior`` and ``prior``, variables ``land``,
``ocean``, ``fossil`` and ``total`` on an N basis (kg N m-2 s-1).
"""

from __future__ import annotations

import re
from pathlib import Path

import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import as_paths, onto_grid, assemble, find_axis, months_of, read_sign, to_canonical_flux

__all__ = ["read_gcp_n2o"]

_VAR = re.compile(r"^flux_(?P<stage>apri|apos)_(?P<comp>[a-z_]+)$")


def _read_one(path: Path, *, model: str | None, sign: str | None, version: str, system: str | None) -> xr.Dataset:
    ds = open_netcdf(path)
    found: dict[str, dict[str, str]] = {"apri": {}, "apos": {}}
    for v in ds.data_vars:
        m = _VAR.match(str(v))
        if m:
            found[m["stage"]][m["comp"]] = str(v)
    if not found["apos"]:
        raise InputError(path, "flux_apos_*", "no posterior flux variable",
                         "variables flux_apos_<component> (and flux_apri_<component>)")
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    tname = find_axis(ds, "time", ("time",), path)
    time, tb = months_of(ds, tname, path)
    area = next((a for a in ("cell_area", "area") if a in ds.variables and ds[a].ndim == 2), None)
    grid = standardise_grid(ds[[lat, lon] + ([area] if area else [])].reset_coords(drop=False)
                            .set_coords([lat, lon]), lat=lat, lon=lon, file=path, area=area)

    def conv(name: str) -> xr.DataArray:
        da = ds[name]
        if set(da.dims) != {tname, lat, lon}:
            raise InputError(path, name, f"dims {da.dims}", f"({tname}, {lat}, {lon})")
        da = onto_grid(da, ds, grid, lat=lat, lon=lon, rename={tname: "time"})
        s = read_sign(ds[name].attrs, ds.attrs, option=sign, convention="atmosphere",
                      convention_name="GCP-N2O (emissions positive)", file=path, variable=name)
        return to_canonical_flux(da, gas="N2O", file=path, native_name=name, product="gcp_n2o",
                                 version=version, sign=s)

    fossil = conv(found["apri"]["fossil"]) if "fossil" in found["apri"] else None
    if fossil is None and "fossil" in found["apos"]:
        fossil = conv(found["apos"]["fossil"])
    parts = []
    name = model or path.stem
    for stage, exp in (("apos", "posterior"), ("apri", "prior")):
        comps = {c: conv(v) for c, v in found[stage].items() if c != "fossil"}
        if not comps:
            continue
        if fossil is not None:
            comps["fossil"] = fossil.copy()
            comps["fossil"].attrs["note"] = "unoptimised prior fossil flux, used in both prior and posterior"
        total = sum(comps.values())
        total.attrs = {**next(iter(comps.values())).attrs, "native_name": " + ".join(
            found[stage].get(c, found["apri"].get(c, c)) for c in comps), "long_name": "total N2O flux"}
        comps["total"] = total
        parts.append(assemble(comps, grid, time, tb, model=name, experiment=exp, system=system,
                              attrs={"product": "GCP-N2O inversions", "product_version": version,
                                     "source_file": str(path)}))
    if len(parts) == 1:
        return parts[0]
    out = xr.concat(parts, dim="experiment", combine_attrs="override")
    for v in out.data_vars:
        names = [f"{str(q.experiment.values[0])}: {q[v].attrs['native_name']}" for q in parts if v in q]
        out[v].attrs["native_name"] = "; ".join(names)
    return out


@register("gcp_n2o", labels=("model",))
def read_gcp_n2o(paths, *, model: str | None = None, sign: str | None = None, version: str = "2023",
                 system: str | None = None) -> xr.Dataset:
    """Read GCP-N2O inversion files (one model per file).

    Parameters
    ----------
    paths
        One file or several (each a model; then ``model`` must be omitted).
    model, system
        Labels; default the file stem.
    sign
        Sign convention when the file does not state one.
    version
        Product version, for provenance.

    Returns
    -------
    xarray.Dataset
    """
    ps = as_paths(paths)
    parts = [_read_one(p, model=model if len(ps) == 1 else None, sign=sign, version=version, system=system)
             for p in ps]
    return parts[0] if len(parts) == 1 else xr.concat(parts, dim="model", combine_attrs="drop_conflicts")
