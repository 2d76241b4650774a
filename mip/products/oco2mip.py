"""OCO-2 v10 MIP: gridded ``<Model>_gridded_fluxes_<EXP>.nc4`` and the CEOS country CSV.

Gridded layout: dims ``latitude`` (180), ``longitude`` (360), ``time`` (named
``n_months`` in some files) and ``date_component`` (3); variables ``land``, ``ocean``
and ``net`` (= land + ocean, fossil excluded) in "gC per m2 per year", positive = to
the atmosphere; ``start_date(time, date_component)`` = [year, month, day] of each
month.  Known quirks handled: ``start_date`` absent (LoFI: give ``start="2015-01"``),
mid-month ``start_date`` days, the ``n_months`` dimension, and the ``EnsMean``,
``EnsStd`` and ``Prior`` files.

The CEOS country budget CSV (``pilot_topdown_CO2_Budget_countries_v1.csv``) is read by
:func:`read_ceos_countries` (also through ``open_product("oco2mip", "x.csv")``).
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError
from mip.grid import standardise_grid
from mip.io import open_netcdf, time_chunk
from mip.products import register
from mip.products._common import as_paths, onto_grid, assemble, require, sign_factor, to_canonical_flux
from mip.timeaxis import monthly_axis
from mip.units import MOLAR_MASS

__all__ = ["read_oco2mip", "read_gridded", "read_ceos_countries", "parse_name", "EXPERIMENTS", "MODELS"]

PRODUCT = "OCO-2 v10 MIP"
EXPERIMENTS = ("IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG", "Prior")
MODELS = ("Ames", "Baker", "CAMS", "CMS_FLUX", "COLA", "CSU", "CT", "JHU", "LoFI", "NIES", "OU",
          "TM5_4DVAR", "UT", "WOMBAT")
VARIABLES = ("land", "ocean", "net")
_NAME = re.compile(r"^(?P<model>.+)_gridded_fluxes_(?P<exp>[A-Za-z]+)\.nc4?$")


def parse_name(path: str | PathLike) -> tuple[str, str]:
    """Model and experiment from a ``<Model>_gridded_fluxes_<EXP>.nc4`` file name.

    Parameters
    ----------
    path
        File path.

    Returns
    -------
    (model, experiment)
        ``Prior`` is returned as ``prior`` (the canonical experiment name).
    """
    m = _NAME.match(Path(path).name)
    if not m:
        raise InputError(path, None, f"file name {Path(path).name!r}",
                         "'<Model>_gridded_fluxes_<EXP>.nc4' (or give model= and experiment=)")
    exp = m["exp"]
    return m["model"], "prior" if exp.lower() == "prior" else exp


def read_gridded(path: str | PathLike, *, model: str | None = None, experiment: str | None = None,
                 start: str | None = None, sign: str = "atmosphere", system: str | None = None,
                 version: str = "v10", variables: tuple[str, ...] = VARIABLES) -> xr.Dataset:
    """Read one OCO-2 v10 MIP gridded flux file into the canonical model.

    Parameters
    ----------
    path
        The ``.nc4`` file.
    model, experiment
        Labels; parsed from the file name when omitted.
    start
        ``"YYYY-MM"`` of the first month, used only when the file has no ``start_date``.
    sign
        Sign convention of the file (the MIP's is ``"atmosphere"``).
    system
        Inversion family (defaults to the model).
    version
        Product version, for provenance.
    variables
        Which of ``land``, ``ocean``, ``net`` to read.

    Returns
    -------
    xarray.Dataset
    """
    path = Path(path)
    if model is None or experiment is None:
        pm, pe = parse_name(path)
        model, experiment = model or pm, experiment or pe
    ds = open_netcdf(path, decode_times=False, chunks=None)  # coordinates and dates read directly
    require(ds, ("latitude", "longitude", *variables), path)
    quirks: list[str] = []
    if "n_months" in ds.dims:
        ds = ds.rename_dims({"n_months": "time"})
        quirks.append("time dimension named 'n_months'")
    if "time" not in ds.dims:
        raise InputError(path, variables[0], f"dims {ds[variables[0]].dims}",
                         "a 'time' (or 'n_months') dimension")
    nt = ds.sizes["time"]
    if "start_date" in ds.variables:
        sd = np.asarray(ds["start_date"].values)
        if sd.ndim != 2 or sd.shape[1] < 2 or sd.shape[0] != nt:
            raise InputError(path, "start_date", f"shape {sd.shape}", f"({nt}, 3) = [year, month, day]")
        if not np.all(np.isfinite(sd)):
            raise InputError(path, "start_date", "missing values", "a [year, month, day] for every month")
        years, months = sd[:, 0].astype(int), sd[:, 1].astype(int)
        if sd.shape[1] > 2 and np.any(sd[:, 2] != 1):
            quirks.append("start_date days are not the 1st (mid-month dates); months taken from year/month")
    elif start is not None:
        y0, m0 = (int(x) for x in str(start).split("-")[:2])
        idx = (y0 * 12 + m0 - 1) + np.arange(nt)
        years, months = idx // 12, idx % 12 + 1
        quirks.append(f"no start_date; months assumed consecutive from {start}")
    else:
        raise InputError(path, "start_date", "no such variable (as in LoFI's files)",
                         "a start_date(time, date_component) variable",
                         "give start='YYYY-MM' (e.g. in the catalog entry) to assume consecutive months")
    time, tb = monthly_axis(years, months, file=path, variable="start_date")
    grid = standardise_grid(ds[["latitude", "longitude"]].reset_coords(drop=True)
                            .set_coords(["latitude", "longitude"]),
                            lat="latitude", lon="longitude", file=path)
    is_spread = model.lower().startswith("ensstd")
    s = 1 if is_spread else sign_factor(ds.attrs.get("sign_convention", sign), file=path)
    fluxes = {}
    for v in variables:
        da = ds[v]
        if set(da.dims) != {"time", "latitude", "longitude"}:
            raise InputError(path, v, f"dims {da.dims}", "(time, latitude, longitude)")
        block = time_chunk(nt, da.sizes["latitude"] * da.sizes["longitude"])
        da = onto_grid(da.chunk({d: block if d == "time" else -1 for d in da.dims}), ds, grid,
                       lat="latitude", lon="longitude")
        fluxes[v] = to_canonical_flux(da, gas="CO2", file=path, native_name=v, product="oco2mip",
                                      version=version, sign=s)
        if is_spread:
            fluxes[v].attrs["statistic"] = "ensemble standard deviation (not a flux; not sign-flipped)"
    out = assemble(fluxes, grid, time, tb, model=model, experiment=experiment, system=system,
                   attrs={"product": PRODUCT, "product_version": version, "source_file": str(path),
                          "quirks": "; ".join(quirks) or None})
    return out


@register("oco2mip")
def read_oco2mip(paths, **options) -> xr.Dataset:
    """Reader of the ``oco2mip`` family: gridded ``.nc4`` files or the CEOS country CSV.

    Parameters
    ----------
    paths
        One or more gridded files of one model (several experiments are combined), or a
        CEOS ``.csv``.
    **options
        Passed to :func:`read_gridded` or :func:`read_ceos_countries`.

    Returns
    -------
    xarray.Dataset
    """
    ps = as_paths(paths)
    if len(ps) == 1 and ps[0].suffix.lower() == ".csv":
        return read_ceos_countries(ps[0], **options)
    parts = [read_gridded(p, **options) for p in ps]
    return parts[0] if len(parts) == 1 else xr.combine_by_coords(parts, combine_attrs="drop_conflicts")


# --------------------------------------------------------------------------- CEOS CSV
CEOS_HEADER_LINES = 52
CEOS_QUANTITIES = ("NBE", "NCE", "dC_loss")
CEOS_LATERAL = ("FF", "Rivers", "Wood+Crop")
_CEOS_COL = re.compile(r"^(?:(?P<exp>[A-Za-z]+) )?(?P<q>NBE|NCE|dC_loss|FF|Rivers|Wood\+Crop)"
                       r"(?P<unc> unc)? \(TgCO2\)$")


def read_ceos_countries(path: str | PathLike, *, header_lines: int = CEOS_HEADER_LINES,
                        basis: str = "C", version: str = "v1", **_: object) -> xr.Dataset:
    """Read the CEOS pilot top-down country budget CSV.

    Parameters
    ----------
    path
        ``pilot_topdown_CO2_Budget_countries_v1.csv``.
    header_lines
        Lines of free text before the column header (52 in the published file).
    basis
        ``"C"`` converts Tg CO2 to Tg C (× 12.011/44.0095); ``"CO2"`` keeps Tg CO2.
    version
        Product version, for provenance.

    Returns
    -------
    xarray.Dataset
        Dims ``country`` (ISO-3), ``year`` and, for NBE/NCE/dC_loss, ``experiment``;
        ``<q>`` and ``<q>_unc`` variables in ``Tg yr-1`` of the basis.  The original
        column names are kept in each variable's ``native_columns`` attribute.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, None, "no such file", "the CEOS country budget CSV")
    try:
        df = pd.read_csv(path, skiprows=header_lines)
    except Exception as exc:
        raise InputError(path, None, f"unreadable as CSV after {header_lines} header lines ({exc})",
                         "a CSV with the CEOS column layout") from exc
    df.columns = [str(c).strip() for c in df.columns]
    key_cols = [c for c in df.columns if c.lower().startswith("alpha 3")]
    if not key_cols or "Year" not in df.columns:
        raise InputError(path, None, f"columns {list(df.columns)[:4]}...",
                         f"'Alpha 3 Code' and 'Year' columns after {header_lines} header lines")
    df = df.rename(columns={key_cols[0]: "country", "Year": "year"}).set_index(["country", "year"])
    if df.index.duplicated().any():
        dup = df.index[df.index.duplicated()][0]
        raise InputError(path, "Alpha 3 Code/Year", f"duplicate row {dup}", "one row per country and year")
    factor = MOLAR_MASS["C"] / MOLAR_MASS["CO2"] if basis == "C" else 1.0
    found: dict[tuple[str, bool], dict[str | None, str]] = {}
    for c in df.columns:
        m = _CEOS_COL.match(c)
        if m:
            found.setdefault((m["q"], bool(m["unc"])), {})[m["exp"]] = c
    if not found:
        raise InputError(path, None, "no '<EXP> NBE (TgCO2)'-style columns", "the CEOS column layout")
    out = xr.Dataset()
    for (q, unc), cols in sorted(found.items()):
        name = q.replace("+", "_") + ("_unc" if unc else "")
        if None in cols:
            da = xr.DataArray.from_series(df[cols[None]].astype("f8"))
        else:
            exps = sorted(cols)
            da = xr.concat([xr.DataArray.from_series(df[cols[e]].astype("f8")) for e in exps],
                           dim=pd.Index(exps, name="experiment"))
        out[name] = (da * factor).assign_attrs(
            units="Tg yr-1", reported_as=basis, native_units="TgCO2", source_file=str(path),
            product="CEOS pilot top-down CO2 budget", product_version=version,
            native_columns=", ".join(cols.values()),
            sign_convention="positive = to the atmosphere / stock loss")
    for (q, unc) in [(q, False) for q in CEOS_QUANTITIES + CEOS_LATERAL]:
        name = q.replace("+", "_")
        if name in out and f"{name}_unc" not in out:
            raise InputError(path, f"{q} unc (TgCO2)", "no uncertainty column", f"a '{q} unc' column beside '{q}'")
    out.attrs.update({"source_file": str(path), "reported_as": basis})
    return out
