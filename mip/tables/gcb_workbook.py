"""The Global Carbon Budget workbook (``Global_Carbon_Budget_2023v1.1.xlsx``; real file checked in the tests).

Layout of the published workbook (Friedlingstein et al. 2023): every sheet starts with free-text
notes; the table header is the first row whose first cell is ``Year`` (any case), at a different
row in each sheet, and the row above it holds the unit (``GtC/yr``) in its first cell and, on
the sink sheets, group labels (``Individual models``, ``Data-based products``) above the first
column of each group.  The table runs until the first row without a year.

* "Global Carbon Budget": ``Year``, fossil emissions excluding carbonation, land-use change
  emissions, atmospheric growth, ocean sink, land sink, cement carbonation sink, budget
  imbalance (Gt C/yr, 1959–2022); the identity imbalance = fossil + land-use change −
  atmospheric growth − ocean sink − land sink − cement carbonation sink holds every year and is
  checked on read.
* "Ocean Sink", "Terrestrial Sink": the GCB estimate (and its 1σ uncertainty on the ocean sheet)
  beside every model, their mean and spread, and (ocean) every fCO2 data product, their average
  and spread.  Sinks are positive = from the atmosphere into the ocean or land, as published.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.conventions.period import Period
from mip.errors import InputError

__all__ = ["read_global_budget", "read_sink_sheet", "period_means", "paper_table", "bundled_workbook",
           "BUDGET_COMPONENTS"]

#: Canonical component name → the words that identify its column header in the workbook.
BUDGET_COMPONENTS: dict[str, str] = {
    "fossil_emissions": "fossil emissions excluding carbonation",
    "land_use_change": "land-use change emissions",
    "atmospheric_growth": "atmospheric growth",
    "ocean_sink": "ocean sink",
    "land_sink": "land sink",
    "cement_carbonation_sink": "cement carbonation sink",
    "budget_imbalance": "budget imbalance",
}
UNIT = "GtC/yr"
#: Tolerance of the budget identity on read (Gt C/yr): the workbook's rows close to 1e-13.
IDENTITY_TOLERANCE = 1e-6


def bundled_workbook() -> Path:
    """Path of the bundled copy of the published GCB 2023 workbook (v1.1)."""
    from importlib import resources

    return Path(str(resources.files("mip") / "data" / "gcb-2023" / "Global_Carbon_Budget_2023v1.1.xlsx"))


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def _sheet_rows(path: Path, sheet: str) -> tuple[tuple, ...]:
    """The rows of one sheet, read once per file version.

    The demo and report ask for the same sheet several times, and each opening of the workbook costs 0.5 s.
    """
    if not path.is_file():
        raise InputError(path, None, "no such file", "the Global Carbon Budget workbook (.xlsx)")
    st = path.stat()
    return _read_sheet(str(path), st.st_size, st.st_mtime_ns, sheet)


@lru_cache(maxsize=8)
def _read_sheet(path_s: str, _size: int, _mtime: int, sheet: str) -> tuple[tuple, ...]:
    from mip.io.workbook import read_sheets

    path = Path(path_s)
    return tuple(read_sheets(path, [sheet], "the Global Carbon Budget workbook (.xlsx)")[sheet])


def _table(path: Path, sheet: str) -> tuple[list[str | None], list[str | None], np.ndarray, np.ndarray]:
    """Header, the group/unit row above it, years and the values of one sheet's table."""
    rows = _sheet_rows(path, sheet)
    head = next((i for i, r in enumerate(rows) if r and _norm(r[0]) == "year"), None)
    if head is None:
        raise InputError(path, f"{sheet}!Year", "no row whose first cell is 'Year'", "a table header starting with 'Year'")
    above = list(rows[head - 1]) if head > 0 else [None] * len(rows[head])
    if _norm(above[0]).replace(" ", "") != UNIT.lower():
        raise InputError(path, f"{sheet}!A{head}", f"unit {above[0]!r} above the header", f"'{UNIT}'")
    header = [None if c is None else str(c).strip() for c in rows[head]]
    data = []
    for r in rows[head + 1:]:
        if not r or r[0] is None or (isinstance(r[0], str) and not r[0].strip()):
            break
        data.append(r)
    years = []
    for k, r in enumerate(data):
        try:
            years.append(int(r[0]))
        except (TypeError, ValueError):
            raise InputError(path, f"{sheet}!A{head + 2 + k}", f"{r[0]!r}", "a year") from None
    years_arr = np.asarray(years)
    if years_arr.size == 0 or np.any(np.diff(years_arr) != 1):
        gaps = [int(y) + 1 for y, d in zip(years_arr[:-1], np.diff(years_arr)) if d != 1]
        raise InputError(path, f"{sheet}!Year", f"years not consecutive (after {gaps[:3]})" if gaps else "no data rows",
                         "one row per year, consecutive")
    width = len(header)
    values = np.full((len(data), width), np.nan)
    for k, r in enumerate(data):
        for j, v in enumerate(r[:width]):
            if j == 0 or v is None or v == "":
                continue
            try:
                values[k, j] = float(v)
            except (TypeError, ValueError):
                raise InputError(path, f"{sheet}!{header[j]}", f"{v!r} in year {years[k]}", "a number") from None
    return header, above + [None] * (width - len(above)), years_arr, values


def read_global_budget(path: str | PathLike | None = None, *, sheet: str = "Global Carbon Budget") -> xr.DataArray:
    """The global budget sheet as a tidy (component × year) table in Gt C/yr.

    Parameters
    ----------
    path
        The workbook, e.g. ``Global_Carbon_Budget_2023v1.1.xlsx``; ``None``: the bundled copy.
    sheet
        The sheet name.

    Returns
    -------
    xarray.DataArray
        Dims ``component`` (:data:`BUDGET_COMPONENTS`) and ``year``; emissions positive, sinks
        positive as uptake (as published), ``units = "Pg yr-1"`` (1 Gt C = 1 Pg C).

    Raises
    ------
    InputError
        No header, another unit, a missing component column, a non-numeric cell, or a year whose
        budget does not close (imbalance ≠ fossil + LUC − growth − ocean − land − carbonation).

    Examples
    --------
    >>> b = read_global_budget("Global_Carbon_Budget_2023v1.1.xlsx")   # doctest: +SKIP
    >>> float(b.sel(component="atmospheric_growth", year=2022))         # doctest: +SKIP
    4.63032
    """
    path = bundled_workbook() if path is None else Path(path)
    header, _, years, values = _table(path, sheet)
    cols = {}
    for name, words in BUDGET_COMPONENTS.items():
        j = next((j for j, h in enumerate(header) if h and _norm(h) == words), None)
        if j is None:
            raise InputError(path, f"{sheet}!{words}", f"no such column (header: {[h for h in header if h]})",
                             f"a column '{words}'")
        cols[name] = values[:, j]
    da = xr.DataArray(np.stack(list(cols.values())), dims=("component", "year"),
                      coords={"component": list(cols), "year": years})
    c = {k: da.sel(component=k) for k in cols}
    resid = c["budget_imbalance"] - (c["fossil_emissions"] + c["land_use_change"] - c["atmospheric_growth"]
                                     - c["ocean_sink"] - c["land_sink"] - c["cement_carbonation_sink"])
    bad = np.abs(resid.values) > IDENTITY_TOLERANCE
    if np.any(bad | ~np.isfinite(resid.values)):
        y = int(years[np.argmax(bad | ~np.isfinite(resid.values))])
        raise InputError(path, f"{sheet}!budget imbalance", f"year {y}: imbalance off the identity by "
                         f"{float(resid.sel(year=y)):.3g} Gt C/yr",
                         "imbalance = fossil + land-use change − atmospheric growth − ocean sink − land sink − "
                         "cement carbonation sink")
    return da.assign_attrs(units="Pg yr-1", native_units=UNIT, reported_as="C", source_file=str(path), sheet=sheet,
                           sign_convention="emissions positive; sinks positive = uptake (as published)",
                           product="Global Carbon Budget workbook", identity_max_residual=float(np.abs(resid).max()))


def read_sink_sheet(path: str | PathLike | None = None, sheet: str = "Ocean Sink") -> xr.DataArray:
    """An ocean or land sink sheet as a (model × year) table in Gt C/yr.

    Parameters
    ----------
    path
        The workbook; ``None``: the bundled copy.
    sheet
        ``"Ocean Sink"`` or ``"Terrestrial Sink"`` (any sheet of that layout).

    Returns
    -------
    xarray.DataArray
        Dims ``model`` (every named column: ``GCB``, its uncertainty, each model, each data
        product and the sheet's own means and spreads) and ``year``; coordinate ``kind``:
        ``"GCB estimate"``, ``"GCB uncertainty"``, ``"model"``, ``"model statistic"``, ``"data
        product"``, ``"data product statistic"``; ``in_gcb_average``: the members the GCB's own averages
        use (the 2023 ocean sheet's data-product average leaves out UOEx-Watson, as its header says;
        ``attrs["excluded_from_gcb_average"]``).  Positive = uptake, as published.
    """
    path = bundled_workbook() if path is None else Path(path)
    header, groups, years, values = _table(path, sheet)
    group_start = [(j, _norm(g)) for j, g in enumerate(groups) if j > 0 and g]
    names, kinds, cols = [], [], []
    for j, h in enumerate(header):
        if j == 0 or not h:
            continue
        group = next((g for s, g in reversed(group_start) if s <= j), None)
        base = "data product" if group and "product" in group else "model" if group else None
        low = _norm(h)
        if base is None:
            kind = "GCB uncertainty" if ("sigma" in low or "uncertainty" in low) else "GCB estimate"
        elif re.search(r"\bmean\b|\baverage\b|\bsd\b|spread", low):
            kind = f"{base} statistic"
        else:
            kind = base
        names.append(h)
        kinds.append(kind)
        cols.append(values[:, j])
    if "GCB estimate" not in kinds:
        raise InputError(path, f"{sheet}!GCB", "no GCB estimate column", "a 'GCB' column after 'Year'")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(path, f"{sheet}!{dup}", "a column name twice", "distinct model names")
    # a statistic column may say who its average leaves out: "Average data-products (excl. Watson.)"
    excluded = []
    for n, k in zip(names, kinds):
        m = re.search(r"excl\.?\s*([A-Za-z][\w-]*)", n)
        if k.endswith("statistic") and m:
            base = k.replace(" statistic", "")
            excluded += [x for x, kx in zip(names, kinds) if kx == base and m.group(1).lower() in x.lower()]
    in_average = [k in ("model", "data product") and n not in excluded for n, k in zip(names, kinds)]
    return xr.DataArray(np.stack(cols), dims=("model", "year"),
                        coords={"model": names, "kind": ("model", kinds), "in_gcb_average": ("model", in_average),
                                "year": years},
                        attrs={"excluded_from_gcb_average": ", ".join(dict.fromkeys(excluded)),
                               "units": "Pg yr-1", "native_units": UNIT, "reported_as": "C", "source_file": str(path),
                               "sheet": sheet, "sign_convention": "positive = uptake (atmosphere to ocean/land), as published",
                               "product": "Global Carbon Budget workbook"})


def period_means(table: xr.DataArray, period: str | tuple[int, int] | Period) -> xr.DataArray:
    """Mean of every component over a period of whole years, the last included, all years required.

    Parameters
    ----------
    table
        From :func:`read_global_budget` (or any table with a ``year`` dim).
    period
        ``"2013-2022"``, ``"2013:2022"``, ``(2013, 2022)`` or a :class:`~mip.conventions.period.Period`
        of whole years.

    Returns
    -------
    xarray.DataArray
        The table without ``year``; ``attrs["period"] = "start-end"``, ``attrs["n_years"]``.
    """
    start, end = Period.parse(period).years
    have = set(int(y) for y in table["year"].values)
    want = list(range(start, end + 1))
    missing = [y for y in want if y not in have]
    if not want or missing:
        raise InputError(table.attrs.get("source_file"), "year", f"no data for {missing[:5] or 'an empty period'}",
                         f"years within {min(have)}-{max(have)}")
    out = table.sel(year=want).mean("year", skipna=False)  # a gap makes the mean NaN, never a partial mean
    return out.assign_attrs(table.attrs, period=Period.parse(period).label, n_years=len(want))


#: The rows of the paper's decadal budget table: label and how it is made from the components.
PAPER_ROWS: Sequence[tuple[str, dict[str, float]]] = (
    ("Fossil CO2 emissions (EFOS, incl. cement carbonation)", {"fossil_emissions": 1, "cement_carbonation_sink": -1}),
    ("Land-use change emissions (ELUC)", {"land_use_change": 1}),
    ("Total emissions (EFOS + ELUC)", {"fossil_emissions": 1, "cement_carbonation_sink": -1, "land_use_change": 1}),
    ("Growth rate in atmospheric CO2 (GATM)", {"atmospheric_growth": 1}),
    ("Ocean sink (SOCEAN)", {"ocean_sink": 1}),
    ("Terrestrial sink (SLAND)", {"land_sink": 1}),
    ("Budget imbalance (BIM)", {"budget_imbalance": 1}),
)


def paper_table(means: xr.DataArray, *, decimals: int = 1) -> pd.DataFrame:
    """The paper's decadal-table layout, rounded as published (0.1 Gt C/yr).

    EFOS (net of the cement carbonation sink), ELUC, their sum, GATM, SOCEAN, SLAND and BIM.

    Parameters
    ----------
    means
        From :func:`period_means` of :func:`read_global_budget`.
    decimals
        Rounding of the ``rounded`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``row``, ``mean`` (full precision) and ``rounded``.
    """
    rows = []
    for label, terms in PAPER_ROWS:
        v = float(sum(w * means.sel(component=k) for k, w in terms.items()))
        rows.append({"row": label, "mean": v, "rounded": round(v, decimals)})
    return pd.DataFrame(rows)
