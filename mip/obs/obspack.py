"""NOAA ObsPack netCDF files (any species; flask, in-situ, tower): one observation per row.

Layout of the real files (GLOBALVIEWplus / CCGG ObsPack): dimension ``obs``; ``value`` and ``value_unc`` in
the units the file states (``mol mol-1``, ``nanomol mol-1``, ``micromol mol-1`` ... per dataset),
``time`` (seconds since 1970) and ``time_components`` (year, month, day, hour, minute, second),
``latitude``/``longitude``/``altitude`` per observation, ``qcflag`` (NOAA's three-character flag: ``.``
in the first two places is a retained sample) and, in some files, ``obs_flag`` (1 = representative, for
use); the species is the global ``dataset_parameter``.  Variable sets differ between flask and in-situ
files, and the species is never assumed.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_obspack", "monthly_means", "SPECIES_UNITS"]

#: Each species' reporting unit and the factor from mol mol-1.
SPECIES_UNITS = {"co2": ("ppm", 1e6), "ch4": ("ppb", 1e9), "n2o": ("ppb", 1e9), "co": ("ppb", 1e9),
                 "sf6": ("ppt", 1e12)}
#: Mole-fraction units a file may state, as a multiple of mol mol-1.
_AMOUNT = {"mol mol-1": 1.0, "mol/mol": 1.0, "1": 1.0, "micromol mol-1": 1e-6, "umol mol-1": 1e-6, "ppm": 1e-6,
           "nanomol mol-1": 1e-9, "nmol mol-1": 1e-9, "ppb": 1e-9, "picomol mol-1": 1e-12, "pmol mol-1": 1e-12,
           "ppt": 1e-12}


def read_obspack(path: str | PathLike) -> xr.Dataset:
    """One ObsPack file in the species' reporting unit, flags kept, nothing dropped.

    Parameters
    ----------
    path
        An ObsPack ``.nc`` file.

    Returns
    -------
    xarray.Dataset
        On ``obs``: ``value`` (and ``value_unc`` where given) in ppm (CO2) or ppb (CH4, N2O, CO), ``time``
        from ``time_components`` (checked against ``time``), ``latitude``, ``longitude``, ``altitude``,
        ``qcflag`` (text), ``obs_flag`` where given and ``usable`` (``obs_flag == 1`` where the file has
        it, else the first two ``qcflag`` characters ``..``); attrs ``species``, ``site_code``,
        ``project``, ``selection``, ``calibration_scale``.

    Raises
    ------
    InputError
        A file that is not ObsPack (no ``value``, no species, unknown units, times that disagree).
    """
    from mip.io import open_netcdf

    path = Path(path)
    ds = open_netcdf(path, decode_times=False, chunks=None)
    for v in ("value", "time_components", "latitude", "longitude"):
        if v not in ds.variables:
            raise InputError(path, v, "no such variable", "an ObsPack file (value, time_components, latitude, ...)")
    species = str(ds.attrs.get("dataset_parameter", "")).lower()
    if species not in SPECIES_UNITS:
        raise InputError(path, "dataset_parameter", repr(species), f"one of {', '.join(SPECIES_UNITS)}")
    units = " ".join(str(ds["value"].attrs.get("units", "")).split())
    if units not in _AMOUNT:
        raise InputError(path, "value", f"units {units!r}", f"a mole fraction unit ({', '.join(sorted(_AMOUNT))})")
    unit, per_mol = SPECIES_UNITS[species]
    factor = _AMOUNT[units] * per_mol
    tc = np.asarray(ds["time_components"].values, dtype="i8")
    if tc.ndim != 2 or tc.shape[1] != 6:
        raise InputError(path, "time_components", f"shape {tc.shape}", "(obs, 6): year month day hour minute second")
    try:
        time = pd.to_datetime(pd.DataFrame(tc, columns=["year", "month", "day", "hour", "minute", "second"]))
    except (ValueError, OverflowError) as exc:
        raise InputError(path, "time_components", f"dates that do not exist ({exc})", "valid dates") from exc
    if "time" in ds.variables and "since 1970-01-01" in str(ds["time"].attrs.get("units", "")):
        secs = np.asarray(ds["time"].values, dtype="f8")
        off = np.abs(secs - (time.to_numpy().astype("datetime64[s]").astype("i8")))
        if np.nanmax(off, initial=0) > 1:
            raise InputError(path, "time", f"times up to {np.nanmax(off):.0f} s from time_components",
                             "the same instant in both")
    val = np.asarray(ds["value"].values, dtype="f8") * factor
    out = xr.Dataset(coords={"time": ("obs", time.to_numpy())})
    out["value"] = ("obs", val, {"units": unit, "native_units": units, "species": species.upper()})
    if "value_unc" in ds.variables:
        out["value_unc"] = ("obs", np.asarray(ds["value_unc"].values, "f8") * factor, {"units": unit})
    for v in ("latitude", "longitude", "altitude", "intake_height", "elevation"):
        if v in ds.variables:
            out[v] = ("obs", np.asarray(ds[v].values, "f8"), {"units": str(ds[v].attrs.get("units", ""))})
    flag = _qcflag(ds, path)
    if flag is not None:
        out["qcflag"] = ("obs", flag)
    if "obs_flag" in ds.variables:
        out["obs_flag"] = ("obs", np.asarray(ds["obs_flag"].values, "i4"))
        usable, rule = out["obs_flag"].values == 1, "obs_flag == 1"
    elif flag is not None:
        usable, rule = np.array([f[:2] == ".." for f in flag]), "qcflag starts with '..' (NOAA: retained)"
    else:
        usable, rule = np.ones(len(val), bool), "no flag in the file: every value"
    out["usable"] = ("obs", usable & np.isfinite(val), {"rule": rule})
    out.attrs.update({"species": species.upper(), "site_code": str(ds.attrs.get("site_code", "")),
                      "project": str(ds.attrs.get("dataset_project", "")),
                      "selection": str(ds.attrs.get("dataset_selection", "")),
                      "calibration_scale": str(ds.attrs.get("dataset_calibration_scale", "")),
                      "source_file": str(path), "product": "NOAA ObsPack"})
    return out


def _qcflag(ds: xr.Dataset, path: Path) -> np.ndarray | None:
    if "qcflag" not in ds.variables:
        return None
    raw = np.asarray(ds["qcflag"].values)
    if raw.dtype.kind == "S" and raw.ndim == 2:  # char array (obs, n)
        return np.array([b"".join(x for x in r if x).decode("ascii", "replace") for r in raw])
    if raw.dtype.kind in "SO" and raw.ndim == 1:
        return np.array([x.decode("ascii", "replace") if isinstance(x, bytes) else str(x) for x in raw])
    if raw.dtype.kind == "U":
        return raw.astype(str)
    raise InputError(path, "qcflag", f"a {raw.dtype} array of shape {raw.shape}", "text flags")


def monthly_means(obs: xr.Dataset, *, usable_only: bool = True) -> pd.DataFrame:
    """Monthly means of the (usable) observations, with the count behind each.

    Parameters
    ----------
    obs
        From :func:`read_obspack`.
    usable_only
        Use only ``usable`` observations (default).

    Returns
    -------
    pandas.DataFrame
        Indexed by month start: ``value`` (mean), ``n``, ``sd``.
    """
    keep = obs["usable"].values if usable_only else np.isfinite(obs["value"].values)
    s = pd.Series(obs["value"].values[keep], index=pd.DatetimeIndex(obs["time"].values[keep]))
    g = s.groupby(s.index.to_period("M"))
    df = pd.DataFrame({"value": g.mean(), "n": g.size(), "sd": g.std()})
    df.index = df.index.to_timestamp()
    df.attrs.update(units=obs["value"].attrs["units"], species=obs.attrs["species"],
                    rule=obs["usable"].attrs["rule"] if usable_only else "every finite value")
    return df
