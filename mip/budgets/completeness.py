"""One completeness rule for every time mean: tables, maps and evaluations (pure compute).

A mean over a period (a calendar year, a window, the whole axis) is weighted by the real length of
each step (its time bounds) and uses **every** step in the period: a step with no data makes the
mean NaN — never a mean of the steps that happen to be there, and never a sum of nothing turned
into 0.  Annual means of monthly data also need the period to hold ``min_months`` steps (12 by
default), so a year the time axis covers only in part is NaN too.  After computing,
:func:`incomplete` names every member, variable and period that came out NaN for lack of data,
and :func:`annotate` writes that list into the result's attributes (``incomplete_years``,
``incomplete``) with an :class:`~mip.errors.IncompleteWarning`.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from mip.errors import IncompleteWarning

__all__ = ["step_weighted_means", "incomplete", "annotate", "name_all_nan_members"]


def _is_monthly(dt: xr.DataArray) -> bool:
    return bool(((dt > 27 * 86400) & (dt < 32 * 86400)).all())


def step_weighted_means(x: xr.DataArray, missing: xr.DataArray | None, dt: xr.DataArray, *, period: str | tuple[str, str],
                min_months: int = 12) -> tuple[xr.DataArray, xr.DataArray | None, list[int]]:
    """Time-weighted means of budget totals per calendar year (``"annual"``) or over the whole axis.

    The rule of :func:`mip.conventions.period.period_mean`, with the fraction of each value's
    surface that has no data carried along and the years a time axis covers only in part named.

    Parameters
    ----------
    x
        Values per time step (NaN = no data).
    missing
        The fraction of each value's surface with no data (or None): averaged the same way.
    dt
        Length of each step in seconds (:func:`mip.conventions.timeaxis.bounds_seconds`).
    period
        ``"annual"``, or ``"all"`` / a ``(start, end)`` window already selected: one mean.
    min_months
        Annual means of monthly data need this many steps in the year.

    Returns
    -------
    mean, missing mean, short years
        The means (coordinate ``n_steps``: steps in each period), the averaged missing fraction, and
        the years the time axis holds fewer than ``min_months`` steps of (their means are NaN).

    Examples
    --------
    Twelve months with one missing give NaN, not the mean of eleven:

    >>> import numpy as np, pandas as pd, xarray as xr
    >>> t = pd.date_range("2018-01-01", periods=12, freq="MS")
    >>> x = xr.DataArray(np.r_[np.ones(7), np.nan, np.ones(4)], dims="time", coords={"time": t})
    >>> dt = xr.DataArray(np.full(12, 30 * 86400.0), dims="time", coords={"time": t})
    >>> m, _, short = step_weighted_means(x, None, dt, period="annual")
    >>> float(m[0]), short
    (nan, [])
    """
    short: list[int] = []
    if period == "annual":
        g = dt.groupby("time.year")
        n = g.count()
        total = g.sum()
        mean = (x * dt).groupby("time.year").sum(skipna=False, min_count=1) / total
        miss = None if missing is None else (missing * dt).groupby("time.year").sum() / total
        if _is_monthly(dt):
            few = (n < min_months).values
            short = [int(y) for y in n["year"].values[few]]
            mean = mean.where(~xr.DataArray(few, dims="year", coords={"year": n["year"]}))
        return mean.assign_coords(n_steps=("year", n.values)), miss, short
    total = dt.sum("time")
    mean = (x * dt).sum("time", skipna=False, min_count=1) / total
    miss = None if missing is None else (missing * dt).sum("time") / total
    return mean.assign_coords(n_steps=int(dt.sizes["time"])), miss, short


def incomplete(totals: xr.Dataset) -> list[str]:
    """Every member, variable and period of computed totals that is NaN for lack of data.

    A value counts when a region of it is NaN: no data at all on the region's surface (a member missing
    a month, a land region a file has no values over) or a year the time axis covers in part; the
    largest missing fraction (coordinate ``missing_<variable>``) is quoted where there is one.

    Parameters
    ----------
    totals
        Computed output of :func:`mip.budgets.aggregation.aggregate`.

    Returns
    -------
    list of dict
        ``member``, ``variable``, ``when`` (a year, a date or ``"the period"``), ``year`` (int or None) and
        ``text`` (``"UoE/posterior land 2018: no value for every region; up to 8.3% of a region's surface-time
        without data"``).
    """
    out: list[dict] = []
    tdim = next((d for d in ("year", "time") if d in totals.dims), None)
    for v in totals.data_vars:
        da = totals[v]
        if "region" not in da.dims:
            continue
        regions = da.where(~totals["unattributed"], drop=True) if "unattributed" in totals.coords else da
        nan = regions.isnull()
        nan_any = nan.any("region")
        lead = list(nan_any.dims)
        miss = totals.coords.get(f"missing_{v}")
        for idx in zip(*np.nonzero(np.asarray(nan_any.values))):
            sel = dict(zip(lead, idx))
            labels = [str(nan_any[d].values[i]) for d, i in sel.items() if d in ("model", "experiment")]
            when = str(nan_any[tdim].values[sel[tdim]])[:10] if tdim in sel else "the period"
            names = [str(r) for r, b in zip(regions["region"].values, np.asarray(nan.isel(sel).values)) if b]
            where = "every region" if len(names) == regions.sizes["region"] else \
                ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            note = ""
            if miss is not None:
                mv = miss.isel(sel).max().values
                if np.isfinite(mv) and mv > 0:
                    note = f"; up to {float(mv):.1%} of a region's surface-time without data"
            if not note and "n_steps" in da.coords and tdim == "year" and da["n_steps"].ndim == 1:
                note = f"; the time axis holds {int(da['n_steps'].values[sel[tdim]])} steps of that year"
            member = "/".join(labels) or "all"
            out.append({"member": member, "variable": str(v), "when": when,
                        "year": int(when) if tdim == "year" else None,
                        "text": f"{member} {v} {when}: no value for {where}{note}"})
    return out


def annotate(totals: xr.Dataset, *, warn: bool = True) -> xr.Dataset:
    """Write :func:`incomplete` into computed totals' attributes, with a warning naming each.

    Parameters
    ----------
    totals
        Computed aggregate output.
    warn
        Also issue an :class:`~mip.errors.IncompleteWarning`.

    Returns
    -------
    xarray.Dataset
        The same object, its ``attrs["incomplete"]`` set and ``attrs["incomplete_years"]`` extended with
        the years of members that lack data.
    """
    found = incomplete(totals)
    items = [r["text"] for r in found]
    totals.attrs["incomplete"] = "; ".join(items)
    if "year" in totals.dims:
        years = {int(y) for y in str(totals.attrs.get("incomplete_years", "")).replace(",", " ").split()}
        years |= {r["year"] for r in found if r["year"] is not None}
        totals.attrs["incomplete_years"] = ", ".join(map(str, sorted(years)))
    if items and warn:
        warnings.warn(f"{len(items)} value(s) are NaN for lack of data (never a partial mean):\n  " + "\n  ".join(items),
                      IncompleteWarning, stacklevel=2)
    return totals


def name_all_nan_members(totals: xr.Dataset, ds: xr.Dataset) -> list[str]:
    """Name the members whose every region total is NaN: they contribute nothing and count as missing.

    ``open_ensemble(check_all_nan=True)`` finds them by reading the data first; a budget that reads
    them once finds them here, from its totals.  Members the catalog lists but that have no file
    (``ds.attrs["absent_pairs"]``) are already named there and are not repeated.

    Parameters
    ----------
    totals
        Region totals (:func:`mip.aggregate`) with ``model`` and ``experiment``.
    ds
        The ensemble they come from; its ``excluded_members`` attribute gets the new names.

    Returns
    -------
    list of str
        ``"<model>/<experiment>: all values NaN"`` per such member, also given as a
        :class:`~mip.errors.MemberWarning`.
    """
    import warnings

    from mip.errors import MemberWarning

    listed = ~np.isin(
        [[f"{m}/{e}" for e in totals.experiment.values] for m in totals.model.values],
        str(ds.attrs.get("absent_pairs", "")).split("; "))
    regions = totals.where(~totals["unattributed"], drop=True) if "unattributed" in totals.coords else totals
    nan = np.all([regions[v].isnull().all([d for d in regions[v].dims if d not in ("model", "experiment")]).values
                  for v in regions.data_vars], axis=0)
    bad = [f"{m}/{e}: all values NaN" for i, m in enumerate(totals.model.values)
           for j, e in enumerate(totals.experiment.values) if nan[i, j] and listed[i, j]]
    if bad:
        prev = ds.attrs.get("excluded_members")
        ds.attrs["excluded_members"] = "; ".join(([prev] if prev else []) + bad)
        warnings.warn("all-NaN member(s), counted as missing in the statistics: " + "; ".join(bad), MemberWarning,
                      stacklevel=2)
    return bad
