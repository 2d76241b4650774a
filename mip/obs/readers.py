"""Readers for the airborne profile, flask, campaign and zonal-flux files (Long et al. 2021 layout)."""

from __future__ import annotations

import functools
from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError
from mip.io import open_netcdf

__all__ = ["bundled_so_airborne", "read_campaigns", "read_profiles", "read_flasks", "read_zonal_flux",
           "zonal_band_total", "model_info"]


def bundled_so_airborne() -> Path:
    """Folder of the vendored Long et al. (2021) subset."""
    return Path(str(resources.files("mip") / "data" / "so-airborne-long2021"))


def read_campaigns(path: str | PathLike | None = None) -> pd.DataFrame:
    """The campaign table (``campaigns.csv``): name, flights, mean date, start, end.

    Parameters
    ----------
    path
        The CSV; default the bundled one.

    Returns
    -------
    pandas.DataFrame
        Indexed by campaign, dates parsed.
    """
    path = Path(path) if path else bundled_so_airborne() / "campaigns.csv"
    if not path.exists():
        raise InputError(path, None, "no such file", "campaigns.csv")
    df = pd.read_csv(path)
    for c in ("campaign", "mean_date", "start", "end"):
        if c not in df:
            raise InputError(path, c, "no such column", "columns campaign, mean_date, start, end")
    for c in ("mean_date", "start", "end"):
        df[c] = pd.to_datetime(df[c])
    return df.set_index("campaign")


def read_profiles(path: str | PathLike) -> xr.Dataset:
    """A binned-profile file: (profile, theta) with per-profile ``campaign``, ``lat``, ``time``.

    Parameters
    ----------
    path
        ``profiles/<MODEL>.nc`` or ``profiles/observed.nc``.

    Returns
    -------
    xarray.Dataset
    """
    ds = open_netcdf(path, chunks=None).load()
    for v in ("campaign", "lat", "theta"):
        if v not in ds.variables:
            raise InputError(path, v, "no such variable", "per-profile campaign and lat, and theta bins")
    if set(ds["campaign"].dims) != {"profile"}:
        raise InputError(path, "campaign", f"dims {ds['campaign'].dims}", "(profile,)")
    return ds


def read_flasks(path: str | PathLike, campaigns: pd.DataFrame) -> pd.DataFrame:
    """A flask file (whitespace-separated, ``NA`` missing) with each sample's campaign.

    Campaigns are assigned from the sample date and the campaign table's start and end
    (inclusive), so files without a ``camp`` column (ORCAS) work too.

    Parameters
    ----------
    path
        ``flasks/<PROGRAM>_SO_mSPO_<medusa|pfp>.txt``.
    campaigns
        From :func:`read_campaigns`.

    Returns
    -------
    pandas.DataFrame
        With a ``campaign`` column (rows outside every campaign are dropped: they belong
        to transit flights, not to a campaign).
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, sep=r"\s+", na_values=["NA", "NaN"])
    except Exception as exc:
        raise InputError(path, None, f"unreadable ({exc})", "a whitespace-separated flask table") from exc
    for c in ("year", "mon", "day", "lat", "theta", "co2"):
        if c not in df:
            raise InputError(path, c, "no such column", "columns year mon day ... lat theta co2")
    date = pd.to_datetime(dict(year=df.year, month=df.mon, day=df.day))
    df["campaign"] = None
    for name, row in campaigns.iterrows():
        df.loc[(date >= row.start) & (date <= row.end), "campaign"] = name
    return df[df.campaign.notna()].reset_index(drop=True)


def read_zonal_flux(path: str | PathLike) -> xr.Dataset:
    """Monthly zonal fluxes ``SFCO2*`` (Pg C yr-1 per degree of latitude on the model's grid).

    Parameters
    ----------
    path
        ``fluxes/<MODEL>.nc``.

    Returns
    -------
    xarray.Dataset
        With ``dlat`` (the model's grid spacing, degrees) in the attributes.
    """
    ds = open_netcdf(path, chunks=None).load()
    if "lat" not in ds.variables or "time" not in ds.variables:
        raise InputError(path, "lat/time", "missing coordinate", "dims (time, lat)")
    lat = ds["lat"].values
    ds.attrs["dlat"] = float(np.median(np.diff(lat))) if lat.size > 1 else float("nan")
    return ds


def zonal_band_total(ds: xr.Dataset, variable: str, band: tuple[float, float]) -> xr.DataArray:
    """Band total (Pg C yr-1): Σ value × Δlat over the cells whose centres lie in the band.

    Parameters
    ----------
    ds
        From :func:`read_zonal_flux`.
    variable
        ``SFCO2_OCN`` etc.
    band
        ``(south, north)`` in degrees; a centre on the northern edge is excluded.

    Returns
    -------
    xarray.DataArray
        On ``time``.
    """
    lat = ds["lat"]
    sel = (lat >= band[0]) & (lat < band[1])
    return (ds[variable].where(sel) * ds.attrs["dlat"]).sum("lat", skipna=True, min_count=1)


def model_info(path: str | PathLike | None = None) -> dict[str, dict[str, str]]:
    """Each inversion's group and transport model (``model-description.yaml``).

    Parameters
    ----------
    path
        The YAML file; default the bundled one.

    Returns
    -------
    dict
        Model → ``{"group": ..., "transport": ...}``.
    """
    path = Path(path) if path else bundled_so_airborne() / "model-description.yaml"
    try:
        st = path.stat()
    except OSError as exc:
        raise InputError(path, None, f"cannot be read ({exc.strerror or exc})", "a model description (YAML)") from exc
    # parsed once per file version: a constraint asks for it once per campaign
    return {m: dict(d) for m, d in _model_info(str(path), st.st_mtime_ns, st.st_size).items()}


@functools.lru_cache(maxsize=8)
def _model_info(path: str, mtime_ns: int, size: int) -> dict[str, dict[str, str]]:
    from mip.io.yamlspec import read_yaml

    raw = read_yaml(path, "a model description (YAML)")
    if not isinstance(raw, dict) or not all(isinstance(d, dict) and isinstance(d.get("info"), dict)
                                            and {"group", "transport"} <= set(d["info"]) for d in raw.values()):
        raise InputError(path, None, "entries without info: group and transport",
                         "model → {info: {group, transport}} for every model")
    return {m: {"group": d["info"]["group"], "transport": d["info"]["transport"]} for m, d in raw.items()}
