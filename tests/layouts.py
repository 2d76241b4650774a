"""Writers of small files in the exact published layouts, for the reader tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

LAT1 = np.arange(-89.5, 90, 1.0)
LON1 = np.arange(-179.5, 180, 1.0)


def oco2mip_file(path: Path, *, land=None, ocean=None, units="gC per m2 per year", months=12, year=2015,
                 start_day=1, with_start_date=True, tdim="time", lat=LAT1, lon=LON1, extra_attrs=None,
                 start_dates=None, time_values=None, time_attrs=None) -> Path:
    """An OCO-2 v10 MIP gridded file: dims latitude, longitude, time|n_months, date_component.

    ``time_values`` adds a ``time`` variable on the time dimension (month indices, or CF times
    with ``time_attrs={"units": "days since ..."}``), as some published files have.
    """
    shape = (months, lat.size, lon.size)
    land = np.zeros(shape, "f4") if land is None else np.broadcast_to(land, shape).astype("f4")
    ocean = np.zeros(shape, "f4") if ocean is None else np.broadcast_to(ocean, shape).astype("f4")
    ds = xr.Dataset(
        {
            "land": ((tdim, "latitude", "longitude"), land, {"units": units}),
            "ocean": ((tdim, "latitude", "longitude"), ocean, {"units": units}),
            "net": ((tdim, "latitude", "longitude"), land + ocean, {"units": units}),
        },
        coords={"latitude": ("latitude", lat), "longitude": ("longitude", lon)},
        attrs=dict(extra_attrs or {}),
    )
    if with_start_date:
        if start_dates is None:
            idx = year * 12 + np.arange(months)
            start_dates = np.stack([idx // 12, idx % 12 + 1, np.full(months, start_day)], axis=1)
        ds["start_date"] = ((tdim, "date_component"), np.asarray(start_dates, "i4"))
    if time_values is not None:
        ds["time"] = ((tdim,), np.asarray(time_values), dict(time_attrs or {}))
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(path, format="NETCDF4", encoding={"time": {"dtype": "f8"}} if time_values is not None else None)
    return path


def gcb_file(path: Path, names: list[str], land: np.ndarray, *, cell_area=None, ocean=None,
             lat=LAT1, lon=LON1, months=12, attrs=None) -> Path:
    """A GCB inversion ensemble file with a char-array ensemble_member_name."""
    nchar = max(len(n) for n in names) + 3
    chars = np.array([list(n.ljust(nchar)) for n in names], dtype="S1")
    time = pd.date_range("2015-01-01", periods=months, freq="MS") + pd.Timedelta(days=14)
    ds = xr.Dataset(
        {"land_flux_only_fossil_cement_adjusted": (("ensemble_member", "time", "latitude", "longitude"),
                                                   land.astype("f4"), {"units": "PgC/m2/yr"}),
         "ensemble_member_name": (("ensemble_member", "nchar"), chars)},
        coords={"latitude": ("latitude", lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "longitude": ("longitude", lon, {"standard_name": "longitude", "units": "degrees_east"}),
                "time": ("time", time)},
        attrs=dict(attrs or {}),
    )
    if ocean is not None:
        ds["ocean_flux_only"] = (("ensemble_member", "time", "latitude", "longitude"), ocean.astype("f4"),
                                 {"units": "PgC/m2/yr"})
    if cell_area is not None:
        ds["cell_area"] = (("latitude", "longitude"), cell_area, {"units": "m2"})
    ds.to_netcdf(path, format="NETCDF4")
    return path
