"""Ensemble statistics with a configurable grouping rule and reported member counts.

Grouping: either every member counts once, or members of one group (e.g. the runs
of one inversion system) are averaged first and each group then counts once.  Members
whose value is NaN are left out and counted (``n_missing``), never silently.  The
OCO-2 MIP spread is IQR/1.35 (the SD of a normal distribution with that IQR).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import xarray as xr

__all__ = ["ensemble_stats", "group_means", "STATISTICS"]

STATISTICS = ("mean", "median", "sd", "min", "max", "iqr_1_35")


def _group_labels(members: Iterable[str], groups: Mapping[str, str] | Callable[[str], str] | None) -> list[str]:
    members = [str(m) for m in members]
    if groups is None:
        return members
    if callable(groups):
        return [groups(m) for m in members]
    return [groups.get(m, m) for m in members]


def group_means(da: xr.DataArray, *, dim: str = "model",
                groups: Mapping[str, str] | Callable[[str], str] | None = None) -> xr.DataArray:
    """Average the members of each group (NaN members skipped); dim ``group`` replaces ``dim``.

    Parameters
    ----------
    da
        Values with a member dimension.
    dim
        The member dimension.
    groups
        Member → group (mapping or function); ``None`` = each member its own group.

    Returns
    -------
    xarray.DataArray
        With a ``group`` dimension and a ``n_runs`` coordinate (non-NaN members averaged).
    """
    labels = _group_labels(da[dim].values, groups)
    lab = xr.DataArray(labels, dims=dim, coords={dim: da[dim]}, name="group")
    valid = da.notnull()
    total = da.where(valid).groupby(lab).sum(dim, skipna=True, min_count=1)
    count = valid.groupby(lab).sum(dim)
    return (total / count.where(count > 0)).assign_coords(n_runs=count)


def ensemble_stats(da: xr.DataArray, *, dim: str = "model",
                   groups: Mapping[str, str] | Callable[[str], str] | None = None,
                   range_exclude: Iterable[str] = ()) -> xr.Dataset:
    """Mean, median, SD, min, max and IQR/1.35 across an ensemble.

    Parameters
    ----------
    da
        Values with a member dimension (other dims are kept: region, time, ...).
    dim
        The member dimension.
    groups
        Grouping rule (see :func:`group_means`); ``None`` = every member counts once.
    range_exclude
        Groups left out of min and max only (e.g. a run flagged as an outlier for a
        category, still counted in the mean, as Saunois et al. 2020 did).

    Returns
    -------
    xarray.Dataset
        Variables ``mean``, ``median``, ``sd`` (ddof=1), ``min``, ``max``,
        ``iqr_1_35``, ``n`` (groups used), ``n_members`` (members used) and
        ``n_missing`` (members that were NaN).

    Examples
    --------
    >>> import xarray as xr
    >>> st = ensemble_stats(xr.DataArray([1.0, 2.0, 3.0, 4.0, 5.0], dims="model"))
    >>> float(st["median"]), round(float(st["iqr_1_35"]), 4), int(st["n"])
    (3.0, 1.4815, 5)
    """
    import warnings

    with warnings.catch_warnings():  # a region/period no member has a value for is NaN, and counted as such
        warnings.filterwarnings("ignore", r"All-NaN slice|Mean of empty slice|Degrees of freedom", RuntimeWarning)
        return _stats(da, dim, groups, range_exclude)


def _stats(da: xr.DataArray, dim: str, groups, range_exclude) -> xr.Dataset:
    g = group_means(da, dim=dim, groups=groups)
    ok = g.notnull()
    excl = set(range_exclude)
    in_range = g.where(~g["group"].isin(list(excl))) if excl else g
    q25, q75 = g.quantile(0.25, dim="group", skipna=True), g.quantile(0.75, dim="group", skipna=True)
    out = xr.Dataset({
        "mean": g.mean("group", skipna=True),
        "median": g.median("group", skipna=True),
        "sd": g.std("group", ddof=1, skipna=True),
        "min": in_range.min("group", skipna=True),
        "max": in_range.max("group", skipna=True),
        "iqr_1_35": ((q75 - q25) / 1.35).drop_vars("quantile", errors="ignore"),
        "n": ok.sum("group"),
        "n_members": da.notnull().sum(dim),
        "n_missing": da.isnull().sum(dim),
    })
    out.attrs.update({"grouping": "members averaged within groups first" if groups is not None else "each member once",
                      "range_excludes": ", ".join(sorted(excl)) or "none"})
    for v in ("mean", "median", "sd", "min", "max", "iqr_1_35"):
        out[v].attrs.update({k: da.attrs[k] for k in ("units", "reported_as") if k in da.attrs})
    return out
