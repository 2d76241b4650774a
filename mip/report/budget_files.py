"""Writing budget tables: CSV and netCDF, never a partial file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from mip.io import atomic_write
from mip.budgets.stats import ensemble_stats

__all__ = ["write_budget", "stats_table"]


def _atomic(path: Path, write) -> None:
    with atomic_write(path) as tmp:
        write(tmp)


def stats_table(totals: xr.Dataset, *, groups=None) -> pd.DataFrame:
    """Ensemble statistics of every variable across ``model`` (per experiment, region, time).

    Parameters
    ----------
    totals
        Output of :func:`mip.aggregate`.
    groups
        Grouping rule passed to :func:`mip.budgets.stats.ensemble_stats`.

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``variable``, the other dims, ``mean, median, sd, min,
        max, iqr_1_35, n, n_members, n_missing``.
    """
    frames = []
    for v in totals.data_vars:
        st = ensemble_stats(totals[v], groups=groups)
        df = st.to_dataframe().reset_index()
        df.insert(0, "variable", v)
        frames.append(df.drop(columns=[c for c in ("region_area", "abbrev") if c in df]))
    return pd.concat(frames, ignore_index=True)


def write_budget(totals: xr.Dataset, out: str | Path) -> list[Path]:
    """Write region totals as ``<stem>.csv``, ``<stem>.nc`` and ``<stem>_stats.csv``.

    Parameters
    ----------
    totals
        Computed output of :func:`mip.aggregate`.
    out
        Output path (its suffix is replaced).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stem = out.with_suffix("")
    csv, nc, stats = stem.with_suffix(".csv"), stem.with_suffix(".nc"), Path(f"{stem}_stats.csv")
    df = totals.to_dataframe().reset_index()
    st = stats_table(totals)
    period = str(totals.attrs.get("period", ""))
    if period and period not in ("monthly", "annual") and "period" not in df:  # one mean: say over what
        for table in (df, st):
            table.insert(min(2, len(table.columns)), "period", period)
    from mip.conventions.units import basis_units

    units = {v: basis_units(totals[v].attrs.get("units", ""), totals[v].attrs.get("reported_as"))
             for v in totals.data_vars}
    df = df.rename(columns={v: f"{v} ({u})" for v, u in units.items()})
    _atomic(csv, lambda p: df.to_csv(p, index=False, float_format="%.6g"))
    enc = {v: {"zlib": True} for v in totals.data_vars}
    clean = totals.copy()
    for k in list(clean.attrs):
        if not isinstance(clean.attrs[k], (str, int, float)):
            clean.attrs[k] = str(clean.attrs[k])
    _atomic(nc, lambda p: clean.to_netcdf(p, encoding=enc))
    _atomic(stats, lambda p: st.to_csv(p, index=False, float_format="%.6g"))
    return [csv, nc, stats]
