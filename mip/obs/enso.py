"""ENSO indices as NOAA publishes them: the PSL monthly text layout (Niño 3.4, MEI.v2) and the CPC ONI table.

PSL layout (``nina34.anom.data``, ``meiv2.data``): a first line with the first and last year, one line
per year with the year and 12 values, a line holding the missing-value marker alone (``-99.99``,
``-999.00``), then notes. MEI.v2 values are two-month seasons (DJ, JF, ..., ND): each is put on the
second month of its season (DJ → January), half a month later than its centre.

CPC ONI (``oni.ascii.txt``): ``SEAS YR TOTAL ANOM``, three-month running seasons (DJF, JFM, ..., NDJ)
labelled by the year of their middle month; each is put on its middle month (DJF 1950 → January 1950).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_psl_index", "read_oni", "read_enso_index", "bundled_oni", "index_months"]

_SEASONS = ("DJF", "JFM", "FMA", "MAM", "AMJ", "MJJ", "JJA", "JAS", "ASO", "SON", "OND", "NDJ")


def _text(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError(path, None, "no such file", "an ENSO index file (NOAA PSL or CPC ONI layout)")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable as text ({exc})", "an ENSO index file") from None


def read_psl_index(path: str | PathLike, name: str | None = None) -> xr.DataArray:
    """Read a NOAA PSL monthly index file (Niño 3.4 anomalies, MEI.v2, ...).

    Parameters
    ----------
    path
        The file.
    name
        Name of the index (default from the notes: ``nino34`` or ``meiv2``, else the file's stem).

    Returns
    -------
    xarray.DataArray
        On ``time`` (month start), missing values NaN; ``attrs``: ``index``, ``units`` (``K`` for a
        temperature anomaly, ``1`` for MEI), ``source_file``, ``missing`` (how many).

    Raises
    ------
    InputError
        A first line that is not two years, a year row without 12 values, years out of order, no
        missing-value marker line.
    """
    path = Path(path)
    lines = [ln for ln in _text(path) if ln.strip()]
    try:
        first, last = (int(x) for x in lines[0].split())
    except (ValueError, IndexError):
        raise InputError(path, "line 1", repr(lines[0][:40]) if lines else "an empty file",
                         "the first and last year (NOAA PSL layout)") from None
    n = last - first + 1
    rows = lines[1:1 + n]
    values = np.empty((n, 12))
    for k, ln in enumerate(rows):
        parts = ln.split()
        try:
            year, vals = int(parts[0]), [float(x) for x in parts[1:]]
        except (ValueError, IndexError):
            raise InputError(path, f"line {k + 2}", repr(ln[:60]), "a year and 12 numbers") from None
        if year != first + k or len(vals) != 12:
            raise InputError(path, f"line {k + 2}", f"year {year} with {len(vals)} values",
                             f"year {first + k} with 12 values")
        values[k] = vals
    try:
        marker = float(lines[1 + n].split()[0])
        assert len(lines[1 + n].split()) == 1
    except (ValueError, IndexError, AssertionError):
        raise InputError(path, f"line {n + 2}", repr(lines[1 + n][:40]) if len(lines) > 1 + n else "end of file",
                         "the missing-value marker alone after the last year") from None
    notes = " ".join(lines[2 + n:])
    low = notes.lower()
    name = name or ("meiv2" if "multivariate enso" in low else "nino34" if "nino" in low and "3.4" in low else path.stem)
    miss = np.isclose(values, marker)
    flat = np.where(miss, np.nan, values).ravel()
    time = pd.date_range(f"{first}-01-01", periods=12 * n, freq="MS")
    return xr.DataArray(flat, dims="time", coords={"time": time}, name=name,
                        attrs={"index": name, "units": "1" if name == "meiv2" else "K", "source_file": str(path),
                               "missing": int(miss.sum()), "notes": notes[:200],
                               "timing": "two-month seasons on their second month" if name == "meiv2" else "monthly"})


def read_oni(path: str | PathLike) -> xr.DataArray:
    """Read the CPC Oceanic Niño Index table (``SEAS YR TOTAL ANOM``).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    xarray.DataArray
        ``ANOM`` (K) on ``time`` (the middle month of each season); ``attrs``: ``index`` (``oni``),
        ``source_file``.

    Raises
    ------
    InputError
        Another header, an unknown season, a row that is not four fields, seasons missing or repeated.
    """
    path = Path(path)
    lines = [ln.split() for ln in _text(path) if ln.strip()]
    if not lines or [c.upper() for c in lines[0]] != ["SEAS", "YR", "TOTAL", "ANOM"]:
        raise InputError(path, "header", " ".join(lines[0]) if lines else "an empty file", "SEAS YR TOTAL ANOM")
    times, vals = [], []
    for k, parts in enumerate(lines[1:], start=2):
        if len(parts) != 4 or parts[0] not in _SEASONS:
            raise InputError(path, f"line {k}", " ".join(parts)[:50], "a season (DJF ... NDJ), a year and two numbers")
        try:
            year, anom = int(parts[1]), float(parts[3])
        except ValueError:
            raise InputError(path, f"line {k}", " ".join(parts)[:50], "a year and two numbers") from None
        times.append(pd.Timestamp(year=year, month=_SEASONS.index(parts[0]) + 1, day=1))
        vals.append(anom)
    t = pd.DatetimeIndex(times)
    step = np.diff(t.year * 12 + t.month)
    if np.any(step != 1):
        k = int(np.argmax(step != 1))
        raise InputError(path, "SEAS", f"seasons {'repeated or out of order' if step[k] < 1 else 'missing'} after "
                         f"{t[k]:%Y-%m}", "one row per season, consecutive")
    return xr.DataArray(np.asarray(vals), dims="time", coords={"time": t}, name="oni",
                        attrs={"index": "oni", "units": "K", "source_file": str(path), "missing": 0,
                               "timing": "three-month seasons on their middle month"})


def read_enso_index(path: str | PathLike) -> xr.DataArray:
    """Read any of the two layouts (ONI table or PSL monthly), recognised from the first line.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    xarray.DataArray
        From :func:`read_oni` or :func:`read_psl_index`.
    """
    lines = _text(Path(path))
    head = lines[0].split() if lines else []
    return read_oni(path) if [c.upper() for c in head] == ["SEAS", "YR", "TOTAL", "ANOM"] else read_psl_index(path)


def bundled_oni() -> xr.DataArray:
    """The CPC ONI as bundled (DJF 1950 – FMA 2025, real, unchanged; public domain)."""
    from importlib import resources

    return read_oni(Path(str(resources.files("mip") / "data" / "enso" / "oni.ascii.txt")))


def index_months(index: xr.DataArray, first: pd.Timestamp, last: pd.Timestamp) -> xr.DataArray:
    """The index's months ``first..last``, refusing a gap (a month absent or NaN) with its dates named.

    Parameters
    ----------
    index
        A monthly index on ``time``.
    first, last
        Month starts.

    Returns
    -------
    xarray.DataArray

    Raises
    ------
    InputError
        Months the index lacks.
    """
    want = pd.date_range(first, last, freq="MS")
    have = index.reindex(time=want)
    gaps = want[have.isnull().values]
    if len(gaps):
        shown = ", ".join(f"{g:%Y-%m}" for g in gaps[:6]) + (" ..." if len(gaps) > 6 else "")
        raise InputError(index.attrs.get("source_file", index.name or "index"), index.attrs.get("index", "index"),
                         f"no value for {len(gaps)} month(s): {shown}",
                         f"every month {want[0]:%Y-%m} to {want[-1]:%Y-%m} (an index with gaps is not filled in)")
    return have
