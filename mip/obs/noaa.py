"""NOAA GML "trends" files: monthly station and global series, annual means and growth rates.

The layouts read (all real files, checked in the tests; the column header is the last ``#``
comment line(s) before the data, or the first line of a CSV):

=========================  ========================================================  ================
file                       columns                                                   missing markers
=========================  ========================================================  ================
``co2_mm_mlo.txt`` now     year month decimal average deseasonalized ndays sdev unc  -1, -9.99, -0.99
``co2_mm_mlo.txt`` old     year month decimal average interpolated trend ndays       -99.99, -1
``*_mm_gl.txt|.csv``       year month decimal average average_unc trend trend_unc    -9.99
``*_annmean_gl.txt|.csv``  year mean unc                                             -9.99 (unc)
``*_gr_gl.txt``            year ann_inc unc                                          -9.99 (unc)
=========================  ========================================================  ================

Values of one month differ between vintages (recalibration, up to 0.32 ppm for MLO CO2), so the
layout is recognised from the header, never assumed.  CSV files have a blank line after their
header (a real quirk).  Missing-value markers become NaN only in the columns where NOAA uses
them (growth rates may be negative: CH4 in 2000, 2001 and 2004).  Units: CO2 ppm, CH4 and N2O
ppb, SF6 ppt (dry-air mole fractions); growth rates per year.

NOAA's annual growth rate ("ann inc") is not the difference of annual means: it is the
increase from the average of one December–January to the next (2019 CO2: 2.54 ppm/yr against
2.46 ppm between the annual means).
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_noaa", "bundled_growth_rate", "LAYOUTS", "UNITS", "PGC_PER_PPM"]

#: Pg C per ppm of atmospheric CO2 (the Global Carbon Budget's conversion).
PGC_PER_PPM = 2.124
#: Mole-fraction units of each gas.
UNITS = {"co2": "ppm", "ch4": "ppb", "n2o": "ppb", "sf6": "ppt"}
#: Layout name → (how its header is recognised, column names, {column: missing markers}).
LAYOUTS: dict[str, tuple[str, tuple[str, ...], dict[str, tuple[float, ...]]]] = {
    "monthly_mlo": (r"de-?season", ("year", "month", "decimal", "average", "deseasonalized", "ndays", "sdev", "unc"),
                    {"ndays": (-1,), "sdev": (-9.99,), "unc": (-0.99,), "average": (-99.99,),
                     "deseasonalized": (-99.99,)}),
    "monthly_mlo_2019": (r"interpolated", ("year", "month", "decimal", "average", "interpolated", "deseasonalized",
                                           "ndays"),
                         {"average": (-99.99,), "interpolated": (-99.99,), "deseasonalized": (-99.99,), "ndays": (-1,)}),
    "monthly_global": (r"average_unc", ("year", "month", "decimal", "average", "average_unc", "deseasonalized",
                                        "trend_unc"),
                       {"average_unc": (-9.99,), "trend_unc": (-9.99,), "average": (-99.99,),
                        "deseasonalized": (-99.99,)}),
    "annual_mean": (r"^year\s+mean\s+unc$", ("year", "mean", "unc"), {"unc": (-9.99,), "mean": (-99.99,)}),
    "growth_rate": (r"ann\.?\s*inc", ("year", "growth_rate", "unc"), {"unc": (-9.99,)}),
}
_NAME = re.compile(r"(?P<gas>co2|ch4|n2o|sf6)_(?P<kind>mm|annmean|gr)_(?P<site>[a-z]{2,3})", re.IGNORECASE)
_LONG = {"average": "monthly mean", "deseasonalized": "deseasonalized monthly mean (NOAA trend)",
         "interpolated": "monthly mean with missing months interpolated", "ndays": "days with data",
         "sdev": "standard deviation of the daily means", "unc": "uncertainty",
         "average_unc": "uncertainty of the monthly mean", "trend_unc": "uncertainty of the trend",
         "mean": "annual mean", "growth_rate": "annual increase (NOAA growth rate)"}


def _header_and_rows(path: Path) -> tuple[str, list[list[str]], int]:
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable as text ({exc})", "a NOAA GML trends file") from exc
    lines = text.splitlines()
    comments = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("#")]
    first_data = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first_data is None:
        raise InputError(path, None, "no data rows", "a NOAA GML trends file")
    if path.suffix.lower() == ".csv":
        header = " ".join(c.strip() for c in lines[first_data].strip().lower().split(","))
        data_start = first_data + 1
        split = lambda ln: [c.strip() for c in ln.split(",")]  # noqa: E731
    else:
        before = [lines[i].lstrip("#").strip().lower() for i in comments if i < first_data][-2:]
        header = " ".join(b for b in before if b)
        data_start = first_data
        split = str.split  # type: ignore[assignment]
    rows = [split(ln) for ln in lines[data_start:] if ln.strip() and not ln.lstrip().startswith("#")]
    return header, rows, data_start


def read_noaa(path: str | PathLike, *, gas: str | None = None, site: str | None = None) -> xr.Dataset:
    """Read a NOAA GML trends file (any layout of :data:`LAYOUTS`).

    Parameters
    ----------
    path
        The file, e.g. ``co2_mm_mlo.txt``, ``ch4_mm_gl.txt``, ``n2o_mm_gl.csv``,
        ``co2_annmean_gl.txt``, ``co2_gr_gl.txt``.
    gas, site
        ``co2``/``ch4``/``n2o``/``sf6`` and the site code (``mlo``, ``gl`` = global); default
        from the file name (``<gas>_<kind>_<site>``).

    Returns
    -------
    xarray.Dataset
        Monthly files: dim ``time`` (month start, with ``decimal`` as coordinate); annual files:
        dim ``year``.  Each variable has ``units`` (``ppm``, ``ppb``, ``ppt``, or per ``yr`` for
        growth rates) and ``missing`` (how many marker values became NaN).  ``attrs``: ``gas``,
        ``site``, ``layout``, ``source_file``.

    Raises
    ------
    InputError
        Naming the file and column: an unknown header, a row of another width, a value that is
        not a number, a month missing or repeated, a gas that cannot be told.

    Examples
    --------
    >>> gr = read_noaa("co2_gr_gl.txt")                     # doctest: +SKIP
    >>> float(gr.growth_rate.sel(year=2019))                # doctest: +SKIP
    2.54
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, None, "no such file", "a NOAA GML trends file")
    m = _NAME.search(path.name)
    gas = (gas or (m["gas"] if m else "")).lower()
    site = (site or (m["site"] if m else "")).lower()
    if gas not in UNITS:
        raise InputError(path, "gas", f"file name {path.name!r} names no gas",
                         "'<gas>_<kind>_<site>' (co2, ch4, n2o, sf6) or give gas=")
    header, rows, start = _header_and_rows(path)
    layout = next((k for k, (pat, _, _) in LAYOUTS.items() if re.search(pat, header)), None)
    if layout is None:
        raise InputError(path, "header", f"column header {header[:90]!r}",
                         "one of the NOAA GML trends layouts (monthly, annual mean, growth rate)")
    _, columns, markers = LAYOUTS[layout]
    bad = next((k for k, r in enumerate(rows) if len(r) != len(columns)), None)
    if bad is not None:
        raise InputError(path, "row", f"{len(rows[bad])} columns in data row {bad + 1}: {' '.join(rows[bad])[:60]!r}",
                         f"{len(columns)} columns ({' '.join(columns)})")
    try:
        table = pd.DataFrame(rows, columns=list(columns)).apply(pd.to_numeric, errors="raise")
    except ValueError as exc:
        raise InputError(path, None, f"a value that is not a number ({exc})", "numbers in every column") from exc
    unit = UNITS[gas]
    out = xr.Dataset(attrs={"gas": gas.upper(), "site": site, "layout": layout, "source_file": str(path),
                            "product": "NOAA GML trends", "citation": "NOAA Global Monitoring Laboratory (Lan et al.)"})
    monthly = "month" in columns
    if monthly:
        years, months = table["year"].to_numpy(int), table["month"].to_numpy(int)
        keys = years * 12 + months - 1
        if np.any(months < 1) or np.any(months > 12):
            raise InputError(path, "month", f"month numbers {sorted(set(months.tolist()) - set(range(1, 13)))}", "1..12")
        step = np.diff(keys)
        if np.any(step != 1):
            k = int(np.argmax(step != 1))
            what = "repeated or out of order" if step[k] < 1 else "missing"
            gap = f"{years[k]}-{months[k]:02d} → {years[k + 1]}-{months[k + 1]:02d}"
            raise InputError(path, "month", f"months {what} ({gap})", "one row per month, consecutive")
        dim = "time"
        coords = {"time": pd.to_datetime({"year": years, "month": months, "day": 1}).to_numpy(),
                  "decimal": ("time", table["decimal"].to_numpy())}
        skip = ("year", "month", "decimal")
    else:
        years = table["year"].to_numpy(int)
        if np.any(np.diff(years) != 1):
            raise InputError(path, "year", "years missing, repeated or out of order", "one row per year, consecutive")
        dim, coords, skip = "year", {"year": years}, ("year",)
    out = out.assign_coords(coords)
    for c in columns:
        if c in skip:
            continue
        vals = table[c].to_numpy(float)
        miss = np.isin(vals, markers.get(c, ()))
        vals = np.where(miss, np.nan, vals)
        u = "days" if c == "ndays" else (f"{unit} yr-1" if layout == "growth_rate" else unit)
        out[c] = xr.DataArray(vals, dims=dim).assign_attrs(units=u, long_name=_LONG.get(c, c), missing=int(miss.sum()),
                                                           missing_markers=str(markers.get(c, ())))
    if layout == "growth_rate" and gas == "co2":
        out["growth_rate_pgc"] = (out["growth_rate"] * PGC_PER_PPM).assign_attrs(
            units="Pg yr-1", reported_as="C", long_name=f"growth rate × {PGC_PER_PPM} Pg C per ppm (GCB)")
    return out


def bundled_growth_rate() -> xr.Dataset:
    """NOAA GML's global CO2 annual increase as bundled with the package (2020 vintage, real, unchanged).

    Returns
    -------
    xarray.Dataset
        From :func:`read_noaa`: ``growth_rate`` (ppm/yr) and ``growth_rate_pgc`` (× 2.124 Pg C/ppm) on ``year``.
    """
    from importlib import resources

    return read_noaa(Path(str(resources.files("mip") / "data" / "noaa-gml" / "co2_gr_gl.txt")))
