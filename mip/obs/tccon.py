"""TCCON GGG2020 public files: column averages with their averaging kernels and priors, and a model smoothed by them.

A model is compared with TCCON only through the retrieval's averaging kernel (Wunch et al. 2011; the GGG2020
file's own ``integration_operator`` description):

    x_model,smoothed = x_prior + Σ_j h_j a_j (f_model,j − f_prior,j)

with ``h`` the integration operator (its dot product with a *wet* mole-fraction profile gives the column
average), ``a`` the column averaging kernel on the same levels, ``f_prior`` the prior (wet) profile and
``f_model`` the model's profile converted to wet mole fraction with the prior's H2O (``f_wet = f_dry (1 −
h2o)``).  A model column without its profile cannot be compared: :func:`smooth` needs the profile and
refuses otherwise.  The real file checks ``h · f_prior = prior_x`` to 0.03 ppm (the tests).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError, MipError

__all__ = ["read_tccon", "smooth"]

#: Mole-fraction units of the files, as multiples of mol mol-1.
_PER_MOL = {"ppm": 1e-6, "ppb": 1e-9, "ppt": 1e-12}


def read_tccon(path: str | PathLike, gas: str = "co2") -> xr.Dataset:
    """One gas of a GGG2020 public file: the column average, its error, prior and averaging kernel.

    Parameters
    ----------
    path
        ``<site><date>_<date>.public.qc.nc``.
    gas
        ``co2``, ``ch4``, ``n2o``, ``co`` (the file's ``x<gas>``).

    Returns
    -------
    xarray.Dataset
        On ``time`` (and ``level``): ``x`` and ``x_error`` (the column's units; the prior profile converted to
        them where the file writes it in others, as for CH4: ppm and ppb), ``prior_x``, ``prior``
        (wet profile), ``prior_h2o``, ``ak`` (column averaging kernel), ``integration_operator``,
        ``altitude`` (km) and ``pressure`` (atm) of the levels, ``lat``, ``lon``; attrs ``site``, ``gas``,
        ``units``.

    Raises
    ------
    InputError
        A variable missing, kernels on other levels than the priors, or sizes that disagree.
    """
    from mip.io import open_netcdf

    path = Path(path)
    gas = gas.lower()
    ds = open_netcdf(path, chunks=None)
    need = [f"x{gas}", f"x{gas}_error", f"prior_x{gas}", f"prior_{gas}", f"ak_x{gas}", "integration_operator",
            "prior_h2o", "prior_altitude", "ak_altitude", "prior_pressure", "lat", "long"]
    missing = [v for v in need if v not in ds.variables]
    if missing:
        raise InputError(path, missing[0], "no such variable",
                         f"a TCCON GGG2020 file with {', '.join(need)} (missing: {', '.join(missing)})")
    alt_p, alt_a = ds["prior_altitude"].values, ds["ak_altitude"].values
    if alt_p.shape != alt_a.shape or not np.allclose(alt_p, alt_a):
        raise InputError(path, "ak_altitude", "kernel levels that are not the prior levels",
                         "the same altitude levels (GGG2020 writes both on one grid)")
    units = str(ds[f"x{gas}"].attrs.get("units", ""))
    scale = {}
    for v in (f"x{gas}_error", f"prior_x{gas}", f"prior_{gas}"):
        u = str(ds[v].attrs.get("units", ""))
        if u not in _PER_MOL or units not in _PER_MOL:
            raise InputError(path, v, f"units {u!r} (x{gas} in {units!r})", f"mole fractions in {', '.join(_PER_MOL)}")
        scale[v] = _PER_MOL[u] / _PER_MOL[units]  # the real file gives xch4 in ppm and prior_ch4 in ppb
    lev = {"prior_altitude": "level", "ak_altitude": "level"}
    out = xr.Dataset(coords={"time": ds["time"].values, "altitude": ("level", alt_p, {"units": "km"})})
    for name, src in (("x", f"x{gas}"), ("x_error", f"x{gas}_error"), ("prior_x", f"prior_x{gas}"),
                      ("lat", "lat"), ("lon", "long")):
        u = units if src in scale or src == f"x{gas}" else str(ds[src].attrs.get("units", ""))
        out[name] = ("time", np.asarray(ds[src].values, "f8") * scale.get(src, 1.0), {"units": u})
    for name, src in (("prior", f"prior_{gas}"), ("prior_h2o", "prior_h2o"), ("ak", f"ak_x{gas}"),
                      ("integration_operator", "integration_operator"), ("pressure", "prior_pressure")):
        da = ds[src].rename({d: lev.get(d, d) for d in ds[src].dims})
        u = units if src in scale else str(ds[src].attrs.get("units", ""))
        out[name] = (da.dims, np.asarray(da.values, "f8") * scale.get(src, 1.0), {"units": u})
    out.attrs.update({"site": str(ds.attrs.get("long_name", path.stem)), "gas": gas.upper(), "units": units,
                      "source_file": str(path), "product": "TCCON GGG2020"})
    return out


def smooth(tccon: xr.Dataset, model_profile: xr.DataArray | None, *, dry: bool = True) -> xr.DataArray:
    """The model's column average as TCCON would retrieve it (the averaging kernel applied).

    Parameters
    ----------
    tccon
        From :func:`read_tccon`.
    model_profile
        The model's mole fraction (same units as the prior) on ``(time, level)`` of the TCCON file: sampled
        at the site and times and interpolated to the prior's levels.  ``None`` is refused.
    dry
        The model profile is a dry-air mole fraction (the usual model output): converted to wet with the
        prior's H2O before the kernel is applied.

    Returns
    -------
    xarray.DataArray
        On ``time``, in the column's units.
    """
    if model_profile is None:
        raise MipError("a TCCON comparison needs the model's profile on the file's levels (time, level): a model "
                       "column without its profile cannot have the averaging kernel applied, and is not comparable")
    need = {"time", "level"}
    if set(model_profile.dims) != need or model_profile.sizes["level"] != tccon.sizes["level"]:
        raise MipError(f"model profile on dims {dict(model_profile.sizes)}: expected (time, level) with "
                       f"{tccon.sizes['level']} levels, those of the TCCON file")
    f = model_profile * (1 - tccon["prior_h2o"]) if dry else model_profile
    out = tccon["prior_x"] + (tccon["integration_operator"] * tccon["ak"] * (f - tccon["prior"])).sum("level")
    return out.assign_attrs(units=tccon.attrs["units"], smoothing="x_prior + sum_j h_j a_j (f_wet,j - f_prior,j)")
