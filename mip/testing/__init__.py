"""Writers of data in the published layouts (synthetic, labelled as such).

The one place tests, examples and the demo get their files from.

- ``write_oco2mip``: one OCO-2 v10 MIP gridded file (``<Model>_gridded_fluxes_<EXP>.nc4``: ``land``, ``ocean``,
  ``net`` on (time|n_months, latitude, longitude), ``start_date`` (time, date_component) [year, month, day]),
  with every quirk of the published files as an option; ``write_oco2mip_sample`` a whole synthetic ensemble with
  its intake catalog and protocol (``SAMPLE_TOTALS`` prescribe each member's annual totals).
- ``write_gcb_inversions``: a GCB inversion-ensemble file (char-array ``ensemble_member_name``).
- ``write_cmip6`` / ``write_fx``: CMIP6-layout model output (see below), ``write_cmip6_sample``.
- ``write_country_sample``, ``write_lateral_sample``: synthetic countries and a lateral-flux grid (CEOS layout).

``write_cmip6`` writes one variable in the CMIP6 layout the ESGF serves: the file name
``<var>_<table>_<source_id>_<experiment_id>_<variant>_<grid>_<YYYYMM>-<YYYYMM>.nc``, the global
attributes of the CMIP6 data request (``variable_id``, ``source_id``, ``experiment_id``,
``variant_label``, ``grid_label``, ``table_id``, ``frequency``, ``mip_era``), ``time`` with
``time_bnds`` in ``days since 1850-01-01`` on the model's calendar, ``lat``/``lon`` (0–360) with
``lat_bnds``/``lon_bnds``, and the variable as the CMOR tables define it (``standard_name``,
``units``, ``cell_methods``, ``cell_measures``, ``positive`` where CMIP sets it, ``_FillValue`` 1e20).

Real files confirm the CEOS country CSV layout (written by :func:`mip.tables.ceos_countries.write_ceos_countries`,
byte-exact on the real file); the OCO-2 gridded layout and the CMIP6 layout here follow their
documentation (no real file of either is available to check against).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

from mip.geometry.grid import cell_area, centre_bounds
from mip.io import atomic_write

__all__ = ["CMOR", "write_cmip6", "write_fx", "gaussian_latitudes", "write_oco2mip", "write_gcb_inversions",
           "SAMPLE_TOTALS", "SAMPLE_MODELS", "SAMPLE_EXPERIMENTS", "SAMPLE_COUNTRIES", "SAMPLE_LATERAL_TOTALS",
           "SAMPLE_CATALOG", "write_oco2mip_sample", "write_country_sample", "write_lateral_sample", "write_cmip6_sample",
           "land_fraction_1deg", "LAT1", "LON1", "write_own_mip", "OWN_MIP_TOTALS", "OWN_MIP_GROUPS"]

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


LAT1 = np.arange(-89.5, 90, 1.0)
LON1 = np.arange(-179.5, 180, 1.0)


def write_oco2mip(path: str | Path, *, land: float | np.ndarray = 0.0, ocean: float | np.ndarray = 0.0,
                  net: float | np.ndarray | None = None, months: int = 12, first: tuple[int, int] = (2015, 1),
                  start_day: int = 1, start_dates: np.ndarray | None = None, with_start_date: bool = True,
                  start_dtype: str = "i4", tdim: str = "time", lat: np.ndarray = LAT1, lon: np.ndarray = LON1,
                  dims_order: tuple[str, str] = ("latitude", "longitude"), units: str | None = "gC per m2 per year",
                  flux_dtype: str = "f4", attrs: dict | None = None, long_names: dict | None = None,
                  extra: dict | None = None, drop: tuple[str, ...] = (), time_values: np.ndarray | None = None,
                  time_attrs: dict | None = None, compress: bool = True) -> Path:
    """Write one OCO-2 v10 MIP gridded flux file.

    Parameters
    ----------
    path
        The ``.nc4`` file (its folder is created).
    land, ocean
        Fluxes (gC m-2 yr-1 by default), broadcast to (months, lat, lon).
    net
        Default ``land + ocean`` (the MIP's identity); give another value to break it.
    months, first
        Number of months and the first (year, month).
    start_day, start_dates, with_start_date, start_dtype
        The ``start_date`` variable: [year, month, start_day] per month, or the given array, or none
        (LoFI's files have none); its integer type.
    tdim
        Name of the time dimension (some files say ``n_months``).
    lat, lon, dims_order
        Coordinates and the order of the two horizontal dims.
    units
        Units of the three fluxes (``None``: no units attribute).
    flux_dtype
        Storage type of the fluxes.
    attrs, long_names
        Global attributes; ``long_name`` of each flux variable.
    extra
        More variables ``{name: (dims, values[, attrs])}``.
    drop
        Variables to leave out.
    time_values, time_attrs
        A ``time`` variable on the time dimension (month indices, or CF times with units), as some
        published files have.
    compress
        zlib level 1 on the fluxes.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, xarray as xr
    >>> p = write_oco2mip(Path(tempfile.mkdtemp()) / "CAMS_gridded_fluxes_IS.nc4", land=-1.0, months=2)
    >>> ds = xr.open_dataset(p)
    >>> ds.start_date.values.tolist(), float(ds.net.mean())
    ([[2015, 1, 1], [2015, 2, 1]], -1.0)
    """
    path = Path(path)
    shape = (months, lat.size, lon.size)
    land64, ocean64 = (np.broadcast_to(np.asarray(a, "f8"), shape) for a in (land, ocean))
    L, O = land64.astype(flux_dtype), ocean64.astype(flux_dtype)  # noqa: E741
    N = (land64 + ocean64 if net is None else np.broadcast_to(np.asarray(net, "f8"), shape)).astype(flux_dtype)
    dims = (tdim, *dims_order)
    order = (lambda a: a) if tuple(dims_order) == ("latitude", "longitude") else (lambda a: a.transpose(0, 2, 1))
    va = {"units": units} if units is not None else {}
    names = dict(long_names or {})
    ds = xr.Dataset({v: (dims, order(a), va | ({"long_name": names[v]} if v in names else {}))
                     for v, a in (("land", L), ("ocean", O), ("net", N))},
                    coords={"latitude": ("latitude", lat, {"units": "degrees_north"}),
                            "longitude": ("longitude", lon, {"units": "degrees_east"})}, attrs=dict(attrs or {}))
    if with_start_date:
        if start_dates is None:
            idx = first[0] * 12 + first[1] - 1 + np.arange(months)
            start_dates = np.stack([idx // 12, idx % 12 + 1, np.full(months, start_day)], axis=1)
        ds["start_date"] = ((tdim, "date_component"), np.asarray(start_dates).astype(start_dtype),
                            {"long_name": "start date of each month [year, month, day]"})
    if time_values is not None:
        ds["time"] = ((tdim,), np.asarray(time_values), dict(time_attrs or {}))
    for k, v in (extra or {}).items():
        ds[k] = v
    ds = ds.drop_vars(list(drop))
    enc: dict = {v: {"zlib": True, "complevel": 1} for v in ("land", "ocean", "net") if v in ds and compress}
    if time_values is not None:
        enc["time"] = {"dtype": "f8"}
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4", encoding=enc)
    return path


def write_gcb_inversions(path: str | Path, names: list[str], land: np.ndarray, *, cell_area: np.ndarray | None = None,
                         ocean: np.ndarray | None = None, lat: np.ndarray = LAT1, lon: np.ndarray = LON1,
                         months: int = 12, attrs: dict | None = None) -> Path:
    """Write a GCB inversion-ensemble file: members on ``ensemble_member`` named by a char array.

    Parameters
    ----------
    path
        The file.
    names
        Member names (written as a padded char array, as the published file does).
    land, ocean
        (member, month, lat, lon) fluxes in PgC/m2/yr.
    cell_area
        The product's own cell areas (m²), if any.
    lat, lon, months, attrs
        Grid, number of months from 2015-01 (mid-month times), global attributes.

    Returns
    -------
    pathlib.Path
    """
    import pandas as pd

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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, format="NETCDF4")
    return path


SAMPLE_MODELS = ("Ames", "CAMS", "LoFI", "WOMBAT")
SAMPLE_EXPERIMENTS = ("IS", "LNLG")
#: (model, experiment) → (land, ocean) annual global totals in Pg C/yr, time-weighted by days.
SAMPLE_TOTALS: dict[tuple[str, str], tuple[float, float]] = {
    (m, e): (round(-1.5 + dl + (0.15 if e == "LNLG" else 0.0), 6), round(-2.5 + do, 6))
    for m, dl, do in zip(SAMPLE_MODELS, (0.3, 0.0, -0.4, 0.1), (0.1, -0.1, 0.0, 0.2))
    for e in SAMPLE_EXPERIMENTS
}
SYNTHETIC_NOTE = ("SYNTHETIC sample written by mip.testing in the OCO-2 v10 MIP file layout; "
                  "not real inversion output")


def land_fraction_1deg() -> np.ndarray:
    """Land fraction of each 1° cell: the exact coverage of the bundled Natural Earth country polygons.

    Returns
    -------
    numpy.ndarray
        Shape (180, 360), latitude ascending from −89.5, longitude from −179.5.
    """
    from mip.regions.natural_earth import land_fraction

    edges_lat, edges_lon = np.arange(-90.0, 91.0), np.arange(-180.0, 181.0)
    lb = np.stack([edges_lat[:-1], edges_lat[1:]], axis=1)
    ob = np.stack([edges_lon[:-1], edges_lon[1:]], axis=1)
    return land_fraction(lb, ob).reshape(180, 360)


def _fields(land_total: float, ocean_total: float, frac: np.ndarray, area: np.ndarray,
            days: np.ndarray, lat: np.ndarray, lon: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Land and ocean fields (gC m-2 yr-1, per cell area) with prescribed annual totals."""
    rng = np.random.default_rng(seed)
    month = np.arange(12)[:, None, None]
    phi = np.deg2rad(lat)[None, :, None]
    lam = np.deg2rad(lon)[None, None, :]
    land_frac = np.where(lat[:, None] < -60, 0.0, frac)[None]
    ocean_frac = (1.0 - frac)[None]
    # land: seasonal cycle, uptake in local summer, strongest in the northern extratropics
    hemi = np.sign(phi) + (phi == 0)
    amp = 150.0 * np.exp(-((np.rad2deg(phi) - 50.0) / 20.0) ** 2) + 40.0 * np.cos(phi) ** 2
    season = -amp * hemi * np.cos(2 * np.pi * (month + 0.5 - 7.0) / 12.0)
    pattern = (1.0 + 0.3 * np.cos(2 * lam + rng.uniform(0, 2 * np.pi))) * np.cos(phi)
    ocean_pat = (0.8 * np.cos(phi) ** 2 - 0.6 + 0.1 * np.sin(3 * lam)) * np.ones_like(month)
    w = days / days.sum()

    def scaled(base: np.ndarray, shape: np.ndarray, cover: np.ndarray, target: float) -> np.ndarray:
        # target Pg C/yr = sum_m w_m sum_cells (base + c*shape) * cover * area * 1e-15
        tot = lambda f: float(np.einsum("m,mij,ij->", w, f * cover, area) * 1e-15)  # noqa: E731
        c = (target - tot(base)) / tot(shape)
        return (base + c * shape) * cover

    land = scaled(season * np.ones((12,) + frac.shape), pattern * np.ones((12,) + frac.shape),
                  land_frac, land_total)
    ocean = scaled(np.zeros((12,) + frac.shape), -np.ones((12,) + frac.shape) + ocean_pat * 0.5,
                   ocean_frac, ocean_total)
    return land, ocean


#: The sample catalog's file name in the folder :func:`write_oco2mip_sample` writes.
SAMPLE_CATALOG = "sample-oco2mip.yaml"


def write_oco2mip_sample(root: str | Path, *, models: tuple[str, ...] = SAMPLE_MODELS,
                         experiments: tuple[str, ...] = SAMPLE_EXPERIMENTS, year: int = 2015,
                         compress: bool = True) -> Path:
    """Write an OCO-2-v10-MIP-format synthetic ensemble and a catalog describing it.

    Layout: ``root/oco2mip-v10/<EXP>/<Model>_gridded_fluxes_<EXP>.nc4`` plus
    ``root/sample-oco2mip.yaml`` (an intake catalog).  Quirks of the real files are
    reproduced: ``LoFI`` has no ``start_date``, ``WOMBAT`` has mid-month dates, ``CAMS``
    names its time dimension ``n_months``.

    Parameters
    ----------
    root
        Directory to write into (created).
    models, experiments
        Which members to write; totals come from :data:`SAMPLE_TOTALS`.
    year
        Calendar year of the 12 months.
    compress
        zlib level 1 on the fluxes (3 MB a file instead of 9 MB, for 0.1 s more to write and 0.03 s
        more to read each time).

    Returns
    -------
    pathlib.Path
        The catalog file.
    """
    root = Path(root)
    lat = np.arange(-89.5, 90, 1.0)
    lon = np.arange(-179.5, 180, 1.0)
    area = cell_area(centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon"))
    frac = land_fraction_1deg()
    days = np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)], dtype="f8")
    for i, model in enumerate(models):
        for j, exp in enumerate(experiments):
            land_t, ocean_t = SAMPLE_TOTALS.get((model, exp), (-1.5, -2.5))
            land, ocean = _fields(land_t, ocean_t, frac, area, days, lat, lon, seed=10 * i + j)
            write_oco2mip(root / "oco2mip-v10" / exp / f"{model}_gridded_fluxes_{exp}.nc4", land=land, ocean=ocean,
                          months=12, first=(year, 1), start_day=15 if model == "WOMBAT" else 1,
                          with_start_date=model != "LoFI", tdim="n_months" if model == "CAMS" else "time",
                          compress=compress,
                          lat=lat, lon=lon, long_names={"land": "land flux", "ocean": "ocean flux",
                                                        "net": "net flux (land + ocean), fossil excluded"},
                          attrs={"title": f"{model} {exp} gridded fluxes", "synthetic": "true",
                                 "comment": SYNTHETIC_NOTE, "positive": "flux to the atmosphere"})
    from mip.checks.protocol import list_protocols

    proto = yaml.safe_load(list_protocols()["oco2mip-v10"].read_text())
    proto.update(name="oco2mip-v10-sample", title="OCO-2 v10 MIP layout, sample period (12 months of one year)")
    proto["dims"]["time"] = 12
    proto["time"].update(first=f"{year}-01", months=12)
    (root / "sample-protocol.yaml").write_text(yaml.safe_dump(proto, sort_keys=False, allow_unicode=True))
    cat = root / SAMPLE_CATALOG
    cat.write_text(_SAMPLE_CATALOG.format(models=", ".join(models), experiments=", ".join(experiments),
                                          start=f"{year}-01", note=SYNTHETIC_NOTE))
    return cat


_SAMPLE_CATALOG = """\
# Intake catalog of the synthetic OCO-2-MIP-format sample written by mip.testing.
metadata:
  title: Synthetic OCO-2 v10 MIP sample
  version: 1
  synthetic: true
  note: "{note}"
  protocol: sample-protocol.yaml
sources:
  gridded_fluxes:
    description: Gridded land/ocean/net fluxes per model and experiment (synthetic sample)
    driver: mip.catalog.ProductSource
    args:
      family: oco2mip
      urlpath: "{{{{ CATALOG_DIR }}}}/oco2mip-v10/{{experiment}}/{{model}}_gridded_fluxes_{{experiment}}.nc4"
      models: [{models}]
      experiments: [{experiments}]
      options:
        start: "{start}"
"""


#: Synthetic "countries": ISO 3166 reserves the X.. codes for user assignment, so none is real.
SAMPLE_COUNTRIES = {
    "XNA": (-125.0, 25.0, -65.0, 50.0), "XEU": (-10.0, 36.0, 40.0, 60.0), "XAS": (60.0, 20.0, 130.0, 50.0),
    "XSA": (-75.0, -35.0, -35.0, 5.0), "XAF": (-15.0, -30.0, 45.0, 15.0), "XAU": (115.0, -40.0, 155.0, -12.0),
    "XTI": (7.2, 46.1, 8.1, 46.6),  # smaller than one 1° cell
}
#: Global totals (Pg C/yr) the synthetic lateral grid carries over land.
SAMPLE_LATERAL_TOTALS = {"FF": 9.6, "Crop": 0.0, "Wood": 0.0, "River": -0.65}


def write_country_sample(path: str | Path) -> Path:
    """Write synthetic country polygons (GeoPackage, field ``ISO_A3``), clearly labelled synthetic.

    Parameters
    ----------
    path
        Output ``.gpkg``.

    Returns
    -------
    pathlib.Path
    """
    import geopandas as gpd
    import shapely

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    boxes = {k: shapely.box(*b) for k, b in SAMPLE_COUNTRIES.items()}
    boxes["XEU"] = boxes["XEU"].difference(boxes["XTI"])  # XTI is an enclave: countries do not overlap
    gdf = gpd.GeoDataFrame({"ISO_A3": list(boxes), "NAME": [f"synthetic {k}" for k in boxes]},
                           geometry=list(boxes.values()), crs="EPSG:4326")
    gdf.to_file(path)
    return path


def write_lateral_sample(path: str | Path, *, years: tuple[int, ...] = (2015,)) -> Path:
    """Write a synthetic lateral-flux grid in the CEOS pilot layout (gCO2 m-2 yr-1, with uncertainties).

    ``FF``, ``Crop``, ``Wood``, ``River`` on (year, lat, lon), ``*_unc`` (30 % of |value| + a
    floor), ``*_meanYear`` variants and ``area``.  Totals over land are
    :data:`SAMPLE_LATERAL_TOTALS`; crop and wood trade sum to zero (exporters negative).

    Parameters
    ----------
    path
        Output netCDF.
    years
        Years of the per-year fields.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    lat = np.arange(-89.5, 90, 1.0)
    lon = np.arange(-179.5, 180, 1.0)
    lb, ob = centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon")
    area = cell_area(lb, ob)
    frac = np.where(lat[:, None] < -60, 0.0, land_fraction_1deg())
    la, lo = np.meshgrid(np.deg2rad(lat), np.deg2rad(lon), indexing="ij")
    to_gco2 = 44.0095 / 12.011

    def field(total_pgc: float, pattern: np.ndarray) -> np.ndarray:
        w = pattern * frac
        if total_pgc == 0.0:  # a trade pattern: exporters and importers balance exactly
            w = w - frac * (w * area).sum() / (frac * area).sum()
            return 0.8e15 * w / np.abs(w * area).sum() * to_gco2
        return total_pgc * 1e15 * w / (w * area).sum() * to_gco2

    base = {
        "FF": field(SAMPLE_LATERAL_TOTALS["FF"], np.exp(-((np.rad2deg(la) - 40) / 15) ** 2) + 0.2),
        "Crop": field(0.0, np.sin(2 * lo) * np.cos(la)),
        "Wood": field(0.0, np.cos(3 * lo + 1) * np.cos(la)),
        "River": field(SAMPLE_LATERAL_TOTALS["River"], np.cos(la) ** 2 + 0.1),
    }
    ny = len(years)
    ds = xr.Dataset(coords={"year": ("year", list(years)), "lat": ("lat", lat, {"units": "degrees_north"}),
                            "lon": ("lon", lon, {"units": "degrees_east"})},
                    attrs={"title": "SYNTHETIC lateral fluxes in the CEOS pilot budget grid layout",
                           "synthetic": "true", "comment": "written by mip.testing; not real data"})
    ds["area"] = (("lat", "lon"), area, {"units": "m2"})
    for k, v in base.items():
        scale = 1.0 + 0.02 * np.arange(ny)[:, None, None]
        data = v[None] * scale
        unc = 0.3 * np.abs(data) + 0.01 * frac[None]
        attrs = {"units": "gCO2/m2/yr"}
        ds[k] = (("year", "lat", "lon"), data.astype("f4"), attrs)
        ds[f"{k}_unc"] = (("year", "lat", "lon"), unc.astype("f4"), attrs)
        ds[f"{k}_meanYear"] = (("lat", "lon"), data.mean(0).astype("f4"), attrs)
        ds[f"{k}_unc_meanYear"] = (("lat", "lon"), unc.mean(0).astype("f4"), attrs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:
        ds.to_netcdf(tmp, encoding={v: {"zlib": True, "complevel": 1} for v in ds.data_vars})
    return path


def write_cmip6_sample(root: str | Path, *, year: int = 2015) -> list[Path]:
    """A synthetic Earth-system-model output in the CMIP6 layout (``nbp`` and ``fgco2``, ``noleap``, Gaussian grid).

    Land sink ≈ 1.5 Pg C/yr per land area with a northern summer uptake, ocean sink ≈ 2.4 Pg C/yr per
    sea area, CMIP's sign convention (positive into the surface); every file says SYNTHETIC in its title.

    Parameters
    ----------
    root
        Directory (the files go to ``root/cmip6-synthetic``).
    year
        The one year written.

    Returns
    -------
    list of pathlib.Path
    """
    folder = Path(root) / "cmip6-synthetic"

    def nbp(lat, lon, y, m):
        season = 1.5e-9 * np.cos(2 * np.pi * (m - 7) / 12) * np.clip(np.sin(np.deg2rad(lat)), 0, None)
        return 3.2e-10 + season

    def fgco2(lat, lon, y, m):
        return np.full(lat.shape, 2.1e-10)

    return [write_cmip6(folder, v, f, source_id="TOY-ESM1-0", calendar="noleap", years=(year, year))
            for v, f in (("nbp", nbp), ("fgco2", fgco2))]


from mip.testing.own_mip import OWN_MIP_GROUPS, OWN_MIP_TOTALS, write_own_mip  # noqa: E402  (after the helpers it uses)
