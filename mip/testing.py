"""Writers of test data in the published layouts (synthetic, labelled as such), for tests and examples.

``write_cmip6`` writes one variable in the CMIP6 layout the ESGF serves: the file name
``<var>_<table>_<source_id>_<experiment_id>_<variant>_<grid>_<YYYYMM>-<YYYYMM>.nc``, the global
attributes of the CMIP6 data request (``variable_id``, ``source_id``, ``experiment_id``,
``variant_label``, ``grid_label``, ``table_id``, ``frequency``, ``mip_era``), ``time`` with
``time_bnds`` in ``days since 1850-01-01`` on the model's calendar, ``lat``/``lon`` (0–360) with
``lat_bnds``/``lon_bnds``, and the variable as the CMOR tables define it (``standard_name``,
``units``, ``cell_methods``, ``cell_measures``, ``positive`` where CMIP sets it, ``_FillValue`` 1e20).
``write_fx`` writes the ``sftlf``/``sftof`` fraction files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from mip.io import atomic_write

__all__ = ["CMOR", "write_cmip6", "write_fx", "gaussian_latitudes"]

#: The CMOR table entries of the variables written here (CMIP6 data request).
CMOR: dict[str, dict[str, str]] = {
    "nbp": {"table": "Lmon", "standard_name": "surface_net_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon_"
            "due_to_all_land_processes", "units": "kg m-2 s-1", "cell_methods": "area: mean where land time: mean",
            "cell_measures": "area: areacella",
            "long_name": "Carbon Mass Flux out of Atmosphere Due to Net Biospheric Production on Land"},
    "fgco2": {"table": "Omon", "standard_name": "surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon",
              "units": "kg m-2 s-1", "cell_methods": "area: mean where sea time: mean", "positive": "down",
              "cell_measures": "area: areacello", "long_name": "Surface Downward Mass Flux of Carbon as CO2 [kgC m-2 s-1]"},
    "fco2fos": {"table": "Amon", "standard_name": "tendency_of_atmosphere_mass_content_of_carbon_dioxide_expressed_as_"
                "carbon_due_to_emission_from_fossil_fuel_combustion", "units": "kg m-2 s-1",
                "cell_methods": "area: time: mean", "cell_measures": "area: areacella",
                "long_name": "Carbon Mass Flux into Atmosphere Due to Fossil Fuel Emissions of CO2"},
    "wetlandCH4": {"table": "Emon", "standard_name": "surface_upward_mass_flux_of_methane_due_to_emission_from_"
                   "wetland_biological_processes", "units": "kg m-2 s-1", "cell_methods": "area: mean where land "
                   "time: mean", "cell_measures": "area: areacella", "positive": "up",
                   "long_name": "Grid Averaged Methane Emissions from Wetlands"},
}

_DAYS = {"noleap": [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], "360_day": [30] * 12}


def gaussian_latitudes(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres and bounds of an ``n``-row Gaussian grid (bounds from the Gauss weights, as models write them).

    Parameters
    ----------
    n
        Number of latitude rows.

    Returns
    -------
    centres, bounds
        Degrees, south to north; bounds (n, 2) with sin-latitude steps equal to half the weights.
    """
    x, w = np.polynomial.legendre.leggauss(n)
    edges = np.concatenate([[-1.0], -1.0 + np.cumsum(w)])
    edges[-1] = 1.0
    return np.rad2deg(np.arcsin(x)), np.rad2deg(np.arcsin(np.clip(np.stack([edges[:-1], edges[1:]], 1), -1, 1)))


def _month_days(calendar: str, year: int) -> list[int]:
    if calendar in _DAYS:
        return _DAYS[calendar]
    feb = 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return [31, feb, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _days_since_1850(calendar: str, year: int) -> float:
    return float(sum(sum(_month_days(calendar, y)) for y in range(1850, year)))


def write_cmip6(folder: str | Path, variable: str, values: Callable[[np.ndarray, np.ndarray, int, int], np.ndarray], *,
                source_id: str = "TOY-ESM1-0", experiment_id: str = "historical", calendar: str = "noleap",
                years: tuple[int, int] = (2015, 2020), lat: tuple[np.ndarray, np.ndarray] | None = None,
                nlon: int = 128, bounds: bool = True, attrs: dict[str, str | None] | None = None) -> Path:
    """Write one CMIP6-layout file of monthly means.

    Parameters
    ----------
    folder
        Where to write (created).
    variable
        A key of :data:`CMOR`.
    values
        ``values(lat2d, lon2d, year, month)`` → the (lat, lon) field of that month in the file's
        units and sign (kg m-2 s-1, CMIP's convention for the variable).
    source_id, experiment_id, calendar
        Labels and the calendar (``noleap``, ``360_day``, ``standard``, ...).
    years
        First and last year (whole years).
    lat
        ``(centres, bounds)`` of the latitudes (default a 64-row Gaussian grid).
    nlon
        Number of longitudes, 0 … 360.
    bounds
        Write ``lat_bnds``/``lon_bnds`` (a real file always does; ``False`` to test their absence).
    attrs
        Variable attributes to override (``None`` deletes one).

    Returns
    -------
    pathlib.Path
    """
    spec = dict(CMOR[variable])
    table = spec.pop("table")
    latc, latb = lat if lat is not None else gaussian_latitudes(64)
    dlon = 360.0 / nlon
    lonc = dlon * (np.arange(nlon) + 0.5) - (dlon / 2 if nlon % 2 else 0.0)
    lonb = np.stack([lonc - dlon / 2, lonc + dlon / 2], 1)
    lat2d, lon2d = np.meshgrid(latc, lonc, indexing="ij")
    data, t, tb = [], [], []
    for y in range(years[0], years[1] + 1):
        start = _days_since_1850(calendar, y)
        for m, nd in enumerate(_month_days(calendar, y), start=1):
            data.append(values(lat2d, lon2d, y, m))
            tb.append((start, start + nd))
            t.append(start + nd / 2)
            start += nd
    for k, v in (attrs or {}).items():
        if v is None:
            spec.pop(k, None)
        else:
            spec[k] = v
    ds = xr.Dataset({variable: (("time", "lat", "lon"), np.asarray(data, "f4"), spec)},
                    coords={"time": ("time", np.asarray(t), {"units": "days since 1850-01-01", "calendar": calendar,
                                                            "standard_name": "time", "axis": "T", "bounds": "time_bnds"}),
                            "lat": ("lat", latc, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"}),
                            "lon": ("lon", lonc, {"standard_name": "longitude", "units": "degrees_east", "axis": "X"})})
    ds["time_bnds"] = (("time", "bnds"), np.asarray(tb))
    if bounds:
        ds["lat"].attrs["bounds"] = "lat_bnds"
        ds["lon"].attrs["bounds"] = "lon_bnds"
        ds["lat_bnds"] = (("lat", "bnds"), latb)
        ds["lon_bnds"] = (("lon", "bnds"), lonb)
    ds.attrs = {"Conventions": "CF-1.7 CMIP-6.2", "activity_id": "CMIP", "mip_era": "CMIP6", "frequency": "mon",
                "variable_id": variable, "table_id": table, "source_id": source_id, "experiment_id": experiment_id,
                "variant_label": "r1i1p1f1", "grid_label": "gn", "institution_id": "TOY",
                "title": f"{source_id} output prepared for CMIP6 (SYNTHETIC, written by mip.testing)"}
    name = f"{variable}_{table}_{source_id}_{experiment_id}_r1i1p1f1_gn_{years[0]}01-{years[1]}12.nc"
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    enc = {variable: {"_FillValue": np.float32(1e20)}, "time": {"dtype": "f8"}}
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, encoding=enc)
    return path


def write_fx(folder: str | Path, name: str, fraction: np.ndarray, *, lat: tuple[np.ndarray, np.ndarray] | None = None,
             nlon: int = 128, source_id: str = "TOY-ESM1-0") -> Path:
    """Write a CMIP6 ``sftlf`` or ``sftof`` file (percent) on the same grid as :func:`write_cmip6`.

    Parameters
    ----------
    folder
        Where to write.
    name
        ``"sftlf"`` or ``"sftof"``.
    fraction
        (lat, lon) fraction in [0, 1].
    lat, nlon, source_id
        As in :func:`write_cmip6`.

    Returns
    -------
    pathlib.Path
    """
    latc, latb = lat if lat is not None else gaussian_latitudes(64)
    dlon = 360.0 / nlon
    lonc = dlon * (np.arange(nlon) + 0.5) - (dlon / 2 if nlon % 2 else 0.0)
    ds = xr.Dataset({name: (("lat", "lon"), 100.0 * np.asarray(fraction, "f4"),
                            {"units": "%", "standard_name": "land_area_fraction" if name == "sftlf"
                             else "sea_area_fraction"})},
                    coords={"lat": ("lat", latc, {"units": "degrees_north"}), "lon": ("lon", lonc, {"units": "degrees_east"})},
                    attrs={"variable_id": name, "table_id": "fx" if name == "sftlf" else "Ofx", "source_id": source_id})
    path = Path(folder) / f"{name}_fx_{source_id}_historical_r1i1p1f1_gn.nc"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp)
    return path
