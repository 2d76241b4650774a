"""Ensemble statistics with a configurable grouping rule and reported member counts.

Grouping: either every member counts once, or members of one group (e.g. the runs
of one inversion system) are averaged first and each group then counts once.  Members
whose value is NaN are left out and counted (``n_missing``), never silently.  The
OCO-2 MIP spread is IQR/1.35 (the SD of a normal distribution with that IQR).
"""

from __future__ import annotations

from mip.errors import MipError

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import xarray as xr

__all__ = ["ensemble_stats", "group_means", "nan_quantiles", "STATISTICS"]

STATISTICS = ("mean", "median", "sd", "min", "max", "iqr_1_35")


def nan_quantiles(values: np.ndarray, q: float | Sequence[float], axis: int = -1) -> np.ndarray:
    """Quantiles along ``axis`` skipping NaN, as :func:`numpy.nanquantile` (``method="linear"``), in one pass.

    numpy falls back to one Python call per position when any value is NaN (a 1° map of 4 members with
    NaN over the ocean: 65 000 calls, 3.5 s); here the values are sorted once along ``axis`` (NaN last)
    and each position's quantile interpolated between its two order statistics, the same rule as numpy.
    A position with no value is NaN (no warning).

    Parameters
    ----------
    values
        Any float array.
    q
        One probability or several, in [0, 1].
    axis
        The axis reduced.

    Returns
    -------
    numpy.ndarray
        ``values``' shape without ``axis``; with a sequence ``q``, a leading axis of ``len(q)``.

    Examples
    --------
    >>> nan_quantiles(np.array([[1.0, np.nan, 3.0, 2.0], [np.nan] * 4]), [0.25, 0.5]).tolist()
    [[1.5, nan], [2.0, nan]]
    """
    qs = np.atleast_1d(np.asarray(q, dtype="f8"))
    if ((qs < 0) | (qs > 1)).any():
        raise MipError(f"quantiles must lie in [0, 1], got {qs.tolist()}")
    a = np.sort(np.moveaxis(np.asarray(values, dtype="f8"), axis, -1), axis=-1)  # NaN sorts last
    n = np.count_nonzero(~np.isnan(a), axis=-1)
    out = np.full((len(qs),) + a.shape[:-1], np.nan)
    has = n > 0
    for i, p in enumerate(qs):
        pos = p * (np.maximum(n, 1) - 1)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        t = pos - lo
        x0 = np.take_along_axis(a, lo[..., None], -1)[..., 0]
        x1 = np.take_along_axis(a, hi[..., None], -1)[..., 0]
        d = x1 - x0
        val = np.where(t >= 0.5, x1 - d * (1 - t), x0 + d * t)  # numpy's lerp, exact at both ends
        out[i] = np.where(has, val, np.nan)
    return out if np.ndim(q) else out[0]


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
    names, which = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    # one matrix product per statistic (members × groups indicator) instead of xarray's groupby: 72 calls
    # of the CH4 summaries took 2.4 s through groupby
    member_of = np.zeros((len(labels), len(names)))
    member_of[np.arange(len(labels)), which] = 1.0
    x = da.transpose(..., dim)
    vals = np.asarray(x.values, dtype="f8")
    valid = ~np.isnan(vals)
    count = valid.astype("f8") @ member_of
    total = np.where(valid, vals, 0.0) @ member_of
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
    dims = x.dims[:-1] + ("group",)
    coords = {k: c for k, c in x.coords.items() if dim not in c.dims}
    out = xr.DataArray(mean, dims=dims, coords={**coords, "group": np.asarray(names, dtype=object)},
                       attrs=dict(da.attrs))
    out = out.assign_coords(n_runs=(dims, count.astype("i8")))
    pos = list(da.dims).index(dim)  # the group axis where the member axis was
    return out.transpose(*(list(da.dims[:pos]) + ["group"] + [d for d in da.dims[pos + 1:]]))


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
    q25, q50, q75 = xr.apply_ufunc(lambda x: tuple(nan_quantiles(x, (0.25, 0.5, 0.75))), g,
                                   input_core_dims=[["group"]], output_core_dims=[[], [], []],
                                   dask="parallelized", output_dtypes=["f8"] * 3)
    out = xr.Dataset({
        "mean": g.mean("group", skipna=True),
        "median": q50,
        "sd": g.std("group", ddof=1, skipna=True),
        "min": in_range.min("group", skipna=True),
        "max": in_range.max("group", skipna=True),
        "iqr_1_35": (q75 - q25) / 1.35,
        "n": ok.sum("group"),
        "n_members": da.notnull().sum(dim),
        "n_missing": da.isnull().sum(dim),
    })
    out.attrs.update({"grouping": "members averaged within groups first" if groups is not None else "each member once",
                      "range_excludes": ", ".join(sorted(excl)) or "none"})
    for v in ("mean", "median", "sd", "min", "max", "iqr_1_35"):
        out[v].attrs.update({k: da.attrs[k] for k in ("units", "reported_as") if k in da.attrs})
    return out
