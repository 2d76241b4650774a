"""GCP-CH4 budgets: the published workbook and gridded ``flux_ch4_<category>`` files.

Workbook (``Global_Methane_Budget_2000_2017_v2.0_full.xlsx``): per period a TD
(top-down, inversions) and a BU (bottom-up) sheet; each holds blocks headed by a
category label (``Wetlands - Posterior``, ...), one row per run, one column per region
(``GLOBAL``, three latitude bands, 18 regions), values in Tg CH4/yr (``NA`` = not
available).  :func:`read_workbook` returns them as a Dataset with dims ``period``,
``model`` (run) and ``region``, one variable per category.

Gridded files: ``flux_ch4_<category>(time, lat, lon)`` in kg m-2 s-1; categories given
as a 12-month climatology on ``time_climato`` are repeated over the file's years.
"""

from __future__ import annotations

import re
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import openpyxl
import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import (
    as_paths, onto_grid, assemble, find_axis, months_of, sign_factor, to_canonical_flux,
)
from mip.conventions.timeaxis import month_keys

__all__ = ["read_gcp_ch4", "read_workbook", "read_gridded", "bundled_workbook", "PERIODS",
           "TD_CATEGORIES", "GRIDDED_CATEGORIES"]

PERIODS = ("2000-2009", "2008-2017", "2017")
#: Workbook TD block label → canonical variable name.
TD_CATEGORIES = {
    "total sources - prior": "total_prior",
    "total sources - posterior": "total",
    "total natural sources - posterior": "total_natural",
    "total anthropogenic sources - posterior": "total_anthropogenic",
    "wetlands - posterior": "wetlands",
    "other natural sources - posterior": "other_natural",
    "agriculture and waste - posterior": "agriculture_waste",
    "fossil fuels - posterior": "fossil",
    "biomass and biofuel burning - posterior": "biomass_biofuel_burning",
    "soil sink - posterior": "soil_sink",
}
#: Workbook BU block label (normalised) → canonical variable name; labels vary between periods.
BU_CATEGORIES = {
    "total anthropogenic excl biomass burning": "total_anthropogenic_excl_biomass_burning",
    "biomass burning": "biomass_burning",
    "biofuel": "biofuel",
    "total fossil fuel": "fossil",
    "fossil fuel": "fossil",
    "coal mining": "coal_mining",
    "oil and gas": "oil_and_gas",
    "industry": "industry",
    "transport": "transport",
    "total agriculture and waste": "agriculture_waste",
    "agriculture and waste": "agriculture_waste",
    "landfills and waste": "landfills_waste",
    "enteric fermentation and manure": "enteric_fermentation_manure",
    "rice cultivation": "rice_cultivation",
    "wetland": "wetlands",
    "wetlands": "wetlands",
}
#: Suffix of ``flux_ch4_<suffix>`` → canonical name.
GRIDDED_CATEGORIES = {
    "wetlands": "wetlands", "wet": "wetlands", "other_natural": "other_natural", "nat": "other_natural",
    "agriculture_waste": "agriculture_waste", "agw": "agriculture_waste", "ags": "agriculture_waste",
    "fossil": "fossil", "fos": "fossil", "biomass_biofuel_burning": "biomass_biofuel_burning",
    "bbur": "biomass_biofuel_burning", "bb": "biomass_biofuel_burning", "soil_sink": "soil_sink",
    "soil": "soil_sink", "total": "total", "tot": "total",
}


def bundled_workbook() -> Path:
    """Path of the real GCP-CH4 2020 workbook vendored with the package."""
    return Path(str(resources.files("mip") / "data" / "gcp-ch4-2020" /
                    "Global_Methane_Budget_2000_2017_v2.0_full.xlsx"))


def _snake(label: str) -> str:
    s = re.sub(r"[^0-9a-z]+", "_", label.lower().replace(" - posterior", "")).strip("_")
    return s


def _label_key(label: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", label.lower()).split())


def _category(label: str, approach: str) -> str:
    key = _label_key(label)
    if approach == "TD":
        return TD_CATEGORIES.get(label.strip().lower(), _snake(label))
    return BU_CATEGORIES.get(key, _snake(label))


def _number(v: object) -> float:
    if v is None:
        return np.nan
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip()
    if s.upper() in ("NA", "N/A", "", "-"):
        return np.nan
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return np.nan


def _parse_sheet(rows: list[tuple], sheet: str, file: Path, approach: str) -> tuple[list[str], dict]:
    """Blocks of a TD/BU sheet: region names and {category: {run: values}}."""
    regions: list[str] | None = None
    blocks: dict[str, dict[str, list[float]]] = {}
    labels: dict[str, str] = {}
    current: str | None = None
    for r in rows:
        cells = list(r)
        while cells and cells[-1] is None:
            cells.pop()
        if not cells:
            current = None
            continue
        if len(cells) > 2 and isinstance(cells[1], str) and cells[1].strip().lower() == "regions":
            names = [str(c).strip() for c in cells[2:] if c is not None]
            if regions is not None and names != regions:
                raise InputError(file, sheet, f"region header {names}", f"the same regions as above {regions}")
            regions = names
            continue
        if regions is None:
            continue
        if isinstance(cells[0], str) and len(cells) == 1:
            current = cells[0].strip()
            continue
        if current is not None and cells[0] is None and isinstance(cells[1], str) and len(cells) > 2:
            vals = [_number(v) for v in cells[2:2 + len(regions)]]
            vals += [np.nan] * (len(regions) - len(vals))
            key = _category(current, approach)
            labels.setdefault(key, current)
            run = re.sub(r"(?<=\d),(?=\d)", ".", str(cells[1]).strip())  # 'FINNv1,5' = 'FINNv1.5'

            if run in blocks.setdefault(key, {}):
                raise InputError(file, f"{sheet}/{current}", f"run {run!r} twice", "one row per run")
            blocks[key][run] = vals
    if regions is None or not blocks:
        raise InputError(file, sheet, "no 'Regions' header or no category blocks", "the GCP-CH4 sheet layout")
    return regions, {"blocks": blocks, "labels": labels}


def read_workbook(path: str | Path | None = None, *, approach: str = "TD",
                  periods: tuple[str, ...] = PERIODS) -> xr.Dataset:
    """Read the TD or BU sheets of a GCP-CH4 budget workbook.

    Parameters
    ----------
    path
        The workbook; default the bundled real 2020 release (:func:`bundled_workbook`).
    approach
        ``"TD"`` (inversions) or ``"BU"`` (bottom-up estimates).
    periods
        Periods whose sheets are read (``"2000-2009"``, ``"2008-2017"``, ``"2017"``).

    Returns
    -------
    xarray.Dataset
        Dims ``period``, ``model`` (run or estimate, with ``system`` = the part before
        ``/``), ``region``; one variable per category in ``Tg yr-1`` (``reported_as``
        ``CH4``); NaN where a run gives no value for a period, region or category.
        The workbook's category label is in each variable's ``workbook_label``.
    """
    approach = approach.upper()
    if approach not in ("TD", "BU"):
        raise ValueError("approach must be 'TD' or 'BU'")
    path = Path(path) if path is not None else bundled_workbook()
    if not path.exists():
        raise InputError(path, None, "no such file", "the GCP-CH4 budget workbook (.xlsx)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InputError(path, None, f"unreadable as .xlsx ({exc})", "an Excel workbook") from exc
    sheets = {s.lower().strip(): s for s in wb.sheetnames}
    per_period = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openpyxl: "Unknown extension is not supported"
        for period in periods:
            name = sheets.get(f"{period} {approach} budget".lower())
            if name is None:
                raise InputError(path, f"{period} {approach} budget", "no such sheet",
                                 f"one of the sheets {wb.sheetnames}")
            per_period[period] = _parse_sheet(list(wb[name].iter_rows(values_only=True)), name, path, approach)
    wb.close()
    regions = per_period[periods[0]][0]
    for p, (r, _) in per_period.items():
        if r != regions:
            raise InputError(path, f"{p} {approach} budget", f"regions {r}", f"regions {regions}")
    runs = sorted({run for _, b in per_period.values() for blk in b["blocks"].values() for run in blk})
    cats: dict[str, str] = {}
    for _, b in per_period.values():
        cats.update(b["labels"])
    ds = xr.Dataset(coords={"period": list(periods), "model": runs, "region": regions})
    for cat, label in cats.items():
        arr = np.full((len(periods), len(runs), len(regions)), np.nan)
        for i, p in enumerate(periods):
            blk = per_period[p][1]["blocks"].get(cat, {})
            for run, vals in blk.items():
                arr[i, runs.index(run)] = vals
        ds[cat] = (("period", "model", "region"), arr,
                   {"units": "Tg yr-1", "reported_as": "CH4", "workbook_label": label,
                    "native_units": "Tg CH4/yr", "source_file": str(path),
                    "product": "GCP-CH4", "product_version": "v2.0 (2020)", "native_name": label})
    ds = ds.assign_coords(system=("model", [r.split("/")[0] for r in runs]))
    ds.attrs.update({"approach": approach, "source_file": str(path), "product": "GCP-CH4 Global Methane Budget",
                     "product_version": "2000-2017 v2.0", "reference": "Saunois et al. (2020), ESSD 12, 1561-1623",
                     "sign_convention": "emissions and sinks as positive magnitudes, as in the workbook"})
    return ds


def read_gridded(path: str | Path, *, model: str | None = None, experiment: str = "posterior",
                 sign: str = "atmosphere", version: str = "2020", system: str | None = None) -> xr.Dataset:
    """Read one gridded GCP-CH4 top-down file (``flux_ch4_<category>`` variables).

    Parameters
    ----------
    path
        The netCDF file.
    model, experiment, system
        Labels; ``model`` defaults to the file stem.
    sign
        Sign convention of the file.
    version
        Product version, for provenance.

    Returns
    -------
    xarray.Dataset
    """
    path = Path(path)
    ds = open_netcdf(path)
    fvars = [v for v in ds.data_vars if str(v).startswith("flux_ch4_")]
    if not fvars:
        raise InputError(path, "flux_ch4_*", "no such variable", "variables named flux_ch4_<category>")
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    if "time" not in ds.variables:
        raise InputError(path, "time", "no such coordinate", "a monthly time axis (climatologies alone cannot be dated)")
    time, tb = months_of(ds, "time", path)
    months = np.array([m for _, m in month_keys(ds["time"])])
    grid = standardise_grid(ds[[lat, lon]].reset_coords(drop=True).set_coords([lat, lon]), lat=lat, lon=lon, file=path)
    s = sign_factor(ds.attrs.get("sign_convention", sign), file=path)
    fluxes = {}
    notes = []
    for v in fvars:
        da = ds[v]
        suffix = str(v)[len("flux_ch4_"):]
        canon = GRIDDED_CATEGORIES.get(suffix.lower(), suffix.lower())
        if "time_climato" in da.dims:
            if da.sizes["time_climato"] != 12:
                raise InputError(path, v, f"time_climato of size {da.sizes['time_climato']}", "12 months")
            da = da.isel(time_climato=xr.DataArray(months - 1, dims="time"))
            notes.append(f"{v}: 12-month climatology repeated over {len(set(month_keys(ds['time'])))} months")
        if set(da.dims) != {"time", lat, lon}:
            raise InputError(path, v, f"dims {da.dims}", f"(time or time_climato, {lat}, {lon})")
        da = onto_grid(da, ds, grid, lat=lat, lon=lon)
        fluxes[canon] = to_canonical_flux(da, gas="CH4", file=path, native_name=str(v), product="gcp_ch4",
                                          version=version, sign=s)
        if "time_climato" in ds[v].dims:
            fluxes[canon].attrs["climatology"] = "12-month climatology repeated every year"
    return assemble(fluxes, grid, time, tb, model=model or path.stem, experiment=experiment, system=system,
                    attrs={"product": "GCP-CH4 gridded top-down", "product_version": version,
                           "source_file": str(path), "notes": "; ".join(notes) or None})


@register("gcp_ch4")
def read_gcp_ch4(paths=None, **options) -> xr.Dataset:
    """Reader of the ``gcp_ch4`` family: a workbook (``.xlsx``) or gridded netCDF file(s).

    Parameters
    ----------
    paths
        A workbook, or gridded files (one model each); ``None`` means the bundled workbook.
    **options
        Passed to :func:`read_workbook` or :func:`read_gridded`.

    Returns
    -------
    xarray.Dataset
    """
    if paths is None:
        return read_workbook(None, **options)
    ps = as_paths(paths)
    if len(ps) == 1 and ps[0].suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(ps[0], **options)
    parts = [read_gridded(p, **options) for p in ps]
    return parts[0] if len(parts) == 1 else xr.concat(parts, dim="model", combine_attrs="drop_conflicts")
