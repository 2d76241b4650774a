"""OCO-2 v10 MIP: gridded ``<Model>_gridded_fluxes_<EXP>.nc4`` and the CEOS country CSV.

Gridded layout: dims ``latitude`` (180), ``longitude`` (360), ``time`` (named
``n_months`` in some files) and ``date_component`` (3); variables ``land``, ``ocean``
and ``net`` (= land + ocean, fossil excluded) in "gC per m2 per year", positive = to
the atmosphere; ``start_date(time, date_component)`` = [year, month, day] of each
month.  Known quirks handled: ``start_date`` absent (LoFI: give ``start="2015-01"``),
mid-month ``start_date`` days, the ``n_months`` dimension, and the ``EnsMean``,
``EnsStd`` and ``Prior`` files.

The CEOS country budget CSV (``pilot_topdown_CO2_Budget_countries_v1.csv``) is a table, read by
:func:`mip.tables.ceos_countries.read_ceos_countries`.
"""

from __future__ import annotations

import hashlib
import re
from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError, MipError
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf, time_chunk
from mip.products import register
from mip.products._common import as_paths, onto_grid, assemble, read_sign, require, to_canonical_flux
from mip.conventions.timeaxis import monthly_axis

__all__ = ["read_oco2mip", "read_gridded", "parse_name", "EXPERIMENTS", "MODELS"]

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


def _months(ds: xr.Dataset, path: Path, start: str | None, quirks: list[str]) -> tuple[np.ndarray, np.ndarray, str]:
    """Year and month of every step: from ``start_date``, else a CF ``time`` variable, else ``start``.

    A ``time`` variable without CF units (``<unit> since <date>``) holds month indices: they fix
    the order and spacing of the months, and ``start`` (the month of index 0 or 1) anchors them.
    """
    nt = ds.sizes["time"]
    if "start_date" in ds.variables:
        sd = np.asarray(ds["start_date"].values)
        if sd.ndim != 2 or sd.shape[1] < 2 or sd.shape[0] != nt:
            raise InputError(path, "start_date", f"shape {sd.shape}", f"({nt}, 3) = [year, month, day]")
        if not np.all(np.isfinite(sd)):
            raise InputError(path, "start_date", "missing values", "a [year, month, day] for every month")
        if sd.shape[1] > 2 and np.any(sd[:, 2] != 1):
            quirks.append("start_date days are not the 1st (mid-month dates); months taken from year/month")
        return sd[:, 0].astype(int), sd[:, 1].astype(int), "start_date"
    tv = ds["time_native"] if "time_native" in ds.variables else None
    if tv is not None and tv.dims != ("time",):
        raise InputError(path, "time", f"dims {tv.dims}", "a 1-D time variable on the time dimension")
    units = str(tv.attrs.get("units", "")) if tv is not None else ""
    if tv is not None and " since " in units:
        import cftime

        try:
            dates = cftime.num2date(np.asarray(tv.values), units, tv.attrs.get("calendar", "standard"))
        except (ValueError, TypeError, OverflowError) as exc:
            raise InputError(path, "time", f"values not decodable with units {units!r} ({exc})",
                             "CF times such as 'days since 2015-01-01'") from exc
        quirks.append(f"no start_date; months from the CF time variable ({units})")
        return np.array([d.year for d in dates]), np.array([d.month for d in dates]), "time"
    if start is None:
        what = "no start_date, and a time variable of month indices without a date" if tv is not None \
            else "no such variable (as in LoFI's files)"
        raise InputError(path, "start_date", what, "a start_date(time, date_component) variable",
                         "give start='YYYY-MM' (e.g. in the catalog entry) to assume consecutive months")
    try:
        y0, m0 = (int(x) for x in str(start).split("-")[:2])
    except ValueError as exc:
        raise InputError(path, "start", f"{start!r}", "'YYYY-MM'") from exc
    offset = np.arange(nt)
    if tv is not None:
        idx = np.asarray(tv.values, dtype="f8")
        if not np.all(np.isfinite(idx)) or np.any(idx != np.round(idx)):
            raise InputError(path, "time", f"values {idx[:4].tolist()}...", "integer month indices")
        offset = (idx - idx[0]).astype(int)
        quirks.append(f"no start_date; month indices of the time variable ({int(idx[0])}..{int(idx[-1])}) from {start}")
    else:
        quirks.append(f"no start_date; months assumed consecutive from {start}")
    k = (y0 * 12 + m0 - 1) + offset
    return k // 12, k % 12 + 1, "time" if tv is not None else "start_date"


def read_gridded(path: str | PathLike, *, model: str | None = None, experiment: str | None = None,
                 start: str | None = None, sign: str | None = None, system: str | None = None,
                 version: str = "v10", variables: tuple[str, ...] | dict[str, str] = VARIABLES) -> xr.Dataset:
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
        ``"atmosphere"`` or ``"surface"``, for files whose metadata do not say; the MIP's published
        convention (positive = to the atmosphere) applies otherwise.  A variable's ``positive`` or a global
        ``sign_convention`` attribute is read (:func:`mip.conventions.sign.read_sign`).
    system
        Inversion family (defaults to the model).
    version
        Product version, for provenance.
    variables
        Which of ``land``, ``ocean``, ``net`` to read, or ``{canonical: native}`` to read a file's own name
        as a canonical one.

    Returns
    -------
    xarray.Dataset
    """
    path = Path(path)
    pairs = dict(variables) if isinstance(variables, dict) else {v: v for v in variables}
    variables = tuple(pairs.values())
    if model is None or experiment is None:
        pm, pe = parse_name(path)
        model, experiment = model or pm, experiment or pe
    ds = open_netcdf(path, decode_times=False, chunks=None)  # coordinates and dates read directly
    require(ds, ("latitude", "longitude", *variables), path)
    quirks: list[str] = []
    if "n_months" in ds.dims:
        if "time" in ds.dims:
            raise InputError(path, "n_months", "both an 'n_months' and a 'time' dimension", "one time dimension")
        if "time" in ds.variables:  # a 'time' variable on n_months (month indices or CF times): keep it apart
            ds = ds.rename_vars({"time": "time_native"})
        ds = ds.rename_dims({"n_months": "time"})
        quirks.append("time dimension named 'n_months'")
    elif "time" in ds.variables:
        ds = ds.rename_vars({"time": "time_native"})
    if "time" not in ds.dims:
        raise InputError(path, variables[0], f"dims {ds[variables[0]].dims}",
                         "a 'time' (or 'n_months') dimension")
    nt = ds.sizes["time"]
    years, months, source = _months(ds, path, start, quirks)
    time, tb = monthly_axis(years, months, file=path, variable=source)
    grid = standardise_grid(ds[["latitude", "longitude"]].reset_coords(drop=True)
                            .set_coords(["latitude", "longitude"]),
                            lat="latitude", lon="longitude", file=path)
    is_spread = model.lower().startswith("ensstd")
    fluxes = {}
    for canon, v in pairs.items():
        da = ds[v]
        if set(da.dims) != {"time", "latitude", "longitude"}:
            raise InputError(path, v, f"dims {da.dims}", "(time, latitude, longitude)")
        block = time_chunk(nt, da.sizes["latitude"] * da.sizes["longitude"])
        # the dask name from the file's identity: tokenising the lazy array would pickle it (~5 ms a variable)
        st = path.stat()
        token = hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{v}|{block}".encode()).hexdigest()
        da = onto_grid(da.chunk({d: block if d == "time" else -1 for d in da.dims}, token=token), ds, grid,
                       lat="latitude", lon="longitude")
        s = 1 if is_spread else read_sign(ds[v].attrs, ds.attrs, option=sign, convention="atmosphere",
                                          convention_name="the OCO-2 v10 MIP", file=path, variable=v)
        fluxes[canon] = to_canonical_flux(da, gas="CO2", file=path, native_name=v, product="oco2mip",
                                          version=version, sign=s)
        if is_spread:
            fluxes[canon].attrs["statistic"] = "ensemble standard deviation (not a flux; not sign-flipped)"
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
        Passed to :func:`read_gridded`.

    Returns
    -------
    xarray.Dataset
    """
    ps = as_paths(paths)
    if len(ps) == 1 and ps[0].suffix.lower() == ".csv":
        raise MipError(f"{ps[0]}: the oco2mip family reads the gridded .nc4 files; the CEOS country CSV is a table: "
                       "mip.tables.ceos_countries.read_ceos_countries (family 'table:ceos_countries' in a catalog)")
    parts = [read_gridded(p, **options) for p in ps]
    return parts[0] if len(parts) == 1 else xr.combine_by_coords(parts, combine_attrs="drop_conflicts")
