"""Trends of budget tables (pure compute): OLS with an autocorrelation-aware SE, Theil–Sen, Mann–Kendall.

For every series along ``dim`` (years, or monthly/annual times turned into decimal years):

* ``slope``: the OLS trend per year; ``slope_se``: its standard error inflated for lag-1
  autocorrelation of the residuals, with the effective sample size n_eff = n (1 − r₁)/(1 + r₁)
  (Santer et al. 2000): se × sqrt((n − 2)/(n_eff − 2)) (unchanged when r₁ ≤ 0);
* ``theil_sen``: the median of pairwise slopes (scipy), robust to outliers;
* ``p_value``: the Mann–Kendall test of a monotonic trend (Kendall's τ between time and value), its
  variance inflated for autocorrelation with the same effective sample size as the SE (the normal
  score z of the test divided by sqrt(n / n_eff); Yue & Wang 2004), so the two agree on significance;
* ``n``, ``r1``: the points used (NaN left out) and the residuals' lag-1 autocorrelation.

:func:`trend_difference` compares two periods (is the sink's growth slowing?), and
:func:`td_bu_trends` puts top-down and bottom-up trends side by side with whether their member
ranges overlap.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from mip.errors import MipError

__all__ = ["linear_trend", "trend_difference", "td_bu_trends", "series_trend", "trend_fields"]

_FIELDS = ("slope", "slope_se", "theil_sen", "p_value", "n", "r1")


def _decimal_years(coord: xr.DataArray) -> np.ndarray:
    """Years as numbers: numbers as they are; datetimes (any calendar) as year + fraction of that year."""
    v = np.asarray(coord.values)
    if np.issubdtype(v.dtype, np.number):
        return v.astype(float)
    dt = coord.dt
    frac = (dt.dayofyear.values - 1 + dt.hour.values / 24.0) / dt.days_in_year.values
    return dt.year.values + frac


def series_trend(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The :data:`_FIELDS` of one series (NaN points left out); NaN everywhere with fewer than 4 points."""
    return trend_fields(np.asarray(t, float), np.asarray(y, float)[None, :])[0]


#: Pairwise differences held at once (series × pairs) when many series are computed together.
_PAIR_BLOCK = 4_000_000


def trend_fields(t: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The :data:`_FIELDS` of every row of ``ys`` against ``t``, many series in one pass.

    Series that have the same points (the same NaN pattern) are computed together: OLS and the
    lag-1 autocorrelation of its residuals by array sums, Theil–Sen as the median of the pairwise
    slopes, Kendall's S from the signs of the pairwise differences with scipy's p-value rule (the
    exact null distribution without ties when n ≤ 33 or at most one pair is discordant or
    concordant, else the normal approximation); a series with tied times or values gets its
    Kendall p-value from :func:`scipy.stats.kendalltau` itself.  972 national series: 0.03 s,
    where one scipy call per statistic and series took 1.4 s; the tests compare every field with
    scipy's per-series results.

    Parameters
    ----------
    t
        Times as decimal years, (n,).
    ys
        Series, (m, n).

    Returns
    -------
    numpy.ndarray
        (m, 6): ``slope, slope_se, theil_sen, p_value, n, r1``.
    """
    ys = np.atleast_2d(np.asarray(ys, float))
    out = np.full((ys.shape[0], len(_FIELDS)), np.nan)
    ok = np.isfinite(ys) & np.isfinite(t)[None, :]
    if ys.shape[0] == 0:
        return out
    patterns, which = np.unique(ok, axis=0, return_inverse=True)
    for k, pat in enumerate(patterns):
        rows = np.nonzero(which.ravel() == k)[0]
        tt = t[pat]
        if tt.size < 4 or np.ptp(tt) == 0:
            continue
        step = max(1, _PAIR_BLOCK // (tt.size * (tt.size - 1) // 2))
        for s0 in range(0, rows.size, step):
            r = rows[s0:s0 + step]
            out[r] = _dense_trends(tt, ys[np.ix_(r, pat)])
    return out


def _dense_trends(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`trend_fields` of series without NaN sharing the times ``t`` (n ≥ 4 points, not all equal)."""
    m, n = y.shape
    tm, ym = t.mean(), y.mean(axis=1, keepdims=True)
    dt = t - tm
    sxx = float(dt @ dt)
    sxy = (y - ym) @ dt
    slope = sxy / sxx
    intercept = ym[:, 0] - slope * tm
    resid = y - (intercept[:, None] + slope[:, None] * t[None, :])
    ssr = np.maximum(((y - ym) ** 2).sum(axis=1) - slope * sxy, 0.0)
    se = np.sqrt(ssr / (n - 2) / sxx)
    # lag-1 autocorrelation of the residuals (Pearson of resid[:-1] with resid[1:]); 0 for a perfect fit
    a = resid[:, :-1] - resid[:, :-1].mean(axis=1, keepdims=True)
    b = resid[:, 1:] - resid[:, 1:].mean(axis=1, keepdims=True)
    den = np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))
    scale = np.abs(y - ym).max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r1 = np.where(np.abs(resid).max(axis=1) > 1e-12 * np.maximum(scale, 1e-300), (a * b).sum(axis=1) / den, 0.0)
        pos = r1 > 0
        n_eff = np.where(pos, n * (1 - r1) / (1 + r1), n)
        se_adj = np.where(n_eff > 2, se * np.sqrt((n - 2) / np.where(n_eff > 2, n_eff - 2, 1.0)), np.inf)
    # pairwise differences (i < j): Theil-Sen and Kendall's S
    i, j = np.triu_indices(n, 1)
    dx = t[j] - t[i]
    dy = y[:, j] - y[:, i]
    use = dx != 0
    theil = np.median(dy[:, use] / dx[use], axis=1)
    p = _kendall_p(t, y, np.sign(dx), np.sign(dy))
    with np.errstate(invalid="ignore", divide="ignore"):
        adjust = (n_eff < n) & (p > 0) & (p < 1)  # the same effective sample size as the SE: z / sqrt(n / n_eff)
        z = stats.norm.isf(np.where(adjust, p, 0.5) / 2) * np.sqrt(n_eff / n)
        p = np.where(adjust, 2 * stats.norm.sf(z), p)
    return np.column_stack([slope, se_adj, theil, p, np.full(m, float(n)), r1])


def _kendall_p(t: np.ndarray, y: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Two-sided p-value of Kendall's tau for each row, by scipy's rule (see :func:`trend_fields`)."""
    m, n = y.shape
    tot = n * (n - 1) // 2
    prod = sx[None, :] * sy
    dis = (prod < 0).sum(axis=1)
    s_stat = prod.sum(axis=1)
    tied = (sy == 0).any(axis=1) | bool((sx == 0).any())
    p = np.empty(m)
    low = np.minimum(dis, tot - dis)
    exact = ~tied & ((n <= 33) | (low <= 1))
    if exact.any():
        if n <= 33:
            cdf = _concordance_cdf(n)
            p[exact] = np.minimum(1.0, 2.0 * cdf[low[exact]])
        else:  # at most one pair out of order: P(C <= 0) = 1/n!, P(C <= 1) = n/n!
            p[exact] = np.minimum(1.0, 2.0 * np.exp(np.log(np.where(low[exact] == 0, 1.0, n)) - math.lgamma(n + 1)))
    normal = ~tied & ~exact
    if normal.any():
        var = n * (n - 1.0) * (2 * n + 5) / 18
        p[normal] = 2 * stats.norm.sf(np.abs(s_stat[normal]) / np.sqrt(var))
    for r in np.nonzero(tied)[0]:  # ties: scipy's tie-corrected variance, series by series
        p[r] = stats.kendalltau(t, y[r]).pvalue
    return p


@functools.lru_cache(maxsize=64)
def _concordance_cdf(n: int) -> np.ndarray:
    """P(at most k of the n(n−1)/2 pairs concordant), k = 0 … n(n−1)/2, for n values in random order.

    The count of concordant pairs of a random permutation is Mahonian: its generating function is
    Π_{j=1..n} (1 + x + … + x^(j−1)) / j, built here as repeated moving sums (probabilities throughout).
    """
    pmf = np.ones(1)
    for j in range(2, n + 1):
        pmf = np.convolve(pmf, np.full(j, 1.0 / j))
    return np.cumsum(pmf)


def linear_trend(obj: xr.DataArray, dim: str = "time", *, period: tuple[object, object] | None = None) -> xr.Dataset:
    """Trend per year of every series in ``obj`` along ``dim`` (per member, region, ...).

    Parameters
    ----------
    obj
        A region × time table (any other dims are kept), e.g. :func:`mip.aggregate` with
        ``period="annual"`` (``dim="year"``) or monthly totals (``dim="time"``).
    dim
        The time dimension: numbers (years) or datetimes (any calendar).
    period
        ``(first, last)`` inclusive, in the units of ``dim`` (years, or dates); default all.

    Returns
    -------
    xarray.Dataset
        ``slope``, ``slope_se`` (lag-1 inflated), ``theil_sen``, ``p_value`` (Mann–Kendall), ``n``,
        ``r1``; units of ``obj`` per year.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> da = xr.DataArray(2.0 + 0.5 * np.arange(10.0), dims="year", coords={"year": np.arange(2000, 2010)})
    >>> round(float(linear_trend(da, "year").slope), 6)
    0.5

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> years = np.arange(2000, 2010)
    >>> tr = linear_trend(xr.DataArray(0.5 * years + 3.0, dims="year", coords={"year": years}), "year")
    >>> round(float(tr.slope), 6), round(float(tr.theil_sen), 6)
    (0.5, 0.5)
    """
    if dim not in obj.dims:
        raise MipError(f"linear_trend: no dimension {dim!r} in {obj.dims}")
    if period is not None:
        obj = obj.sel({dim: slice(*period)})
    t = _decimal_years(obj[dim])

    def fields(y: np.ndarray) -> np.ndarray:  # (..., time) -> (..., field), every series at once
        return trend_fields(t, y.reshape(-1, y.shape[-1])).reshape(y.shape[:-1] + (len(_FIELDS),))

    res = xr.apply_ufunc(fields, obj, input_core_dims=[[dim]], output_core_dims=[["field"]],
                         dask="parallelized", output_dtypes=[float],
                         dask_gufunc_kwargs={"output_sizes": {"field": len(_FIELDS)}})
    res = res.assign_coords(field=list(_FIELDS))
    units = obj.attrs.get("units", "")
    out = xr.Dataset({f: res.sel(field=f, drop=True) for f in _FIELDS})
    for f in ("slope", "slope_se", "theil_sen"):
        out[f].attrs["units"] = f"({units}) yr-1" if units else "yr-1"
    out["p_value"].attrs["long_name"] = ("Mann-Kendall p-value of a monotonic trend, corrected for lag-1 "
                                         "autocorrelation with the SE's effective sample size")
    out.attrs["period"] = f"{obj[dim].values[0]} .. {obj[dim].values[-1]}" if obj.sizes[dim] else "empty"
    return out


def trend_difference(obj: xr.DataArray, first: tuple[object, object], second: tuple[object, object],
                     dim: str = "time") -> xr.Dataset:
    """The trend of a second period minus that of a first, with its SE and a two-sided p-value.

    Parameters
    ----------
    obj
        As in :func:`linear_trend`.
    first, second
        ``(first, last)`` of each period.
    dim
        The time dimension.

    Returns
    -------
    xarray.Dataset
        ``slope_first``, ``slope_second``, ``difference``, ``difference_se`` (the two inflated SEs in
        quadrature), ``p_value`` (normal approximation).
    """
    a, b = linear_trend(obj, dim, period=first), linear_trend(obj, dim, period=second)
    diff = b.slope - a.slope
    se = np.sqrt(a.slope_se**2 + b.slope_se**2)
    p = xr.apply_ufunc(lambda z: 2 * stats.norm.sf(np.abs(z)), diff / se)
    return xr.Dataset({"slope_first": a.slope, "slope_second": b.slope, "difference": diff, "difference_se": se,
                       "p_value": p}, attrs={"first": a.attrs["period"], "second": b.attrs["period"]})


def td_bu_trends(td: xr.DataArray, bu: xr.DataArray, *, dim: str = "year", member: str = "model",
                 period: tuple[object, object] | None = None) -> pd.DataFrame:
    """Top-down and bottom-up trends side by side, per category or region, and whether their ranges overlap.

    Parameters
    ----------
    td, bu
        Series per member (``member`` dim) and per category/region (any other dim), on ``dim``.
    dim, member
        The time and member dimensions.
    period
        Optional ``(first, last)``.

    Returns
    -------
    pandas.DataFrame
        One row per category/region: ``td_median, td_min, td_max, bu_median, bu_min, bu_max``
        (member trends per year) and ``ranges_overlap``.
    """
    rows = {}
    for name, da in (("td", td), ("bu", bu)):
        s = linear_trend(da, dim, period=period).slope
        rows[name] = xr.Dataset({"median": s.median(member), "min": s.min(member), "max": s.max(member)})
    out = xr.Dataset({f"{k}_{f}": rows[k][f] for k in rows for f in ("median", "min", "max")})
    out["ranges_overlap"] = (out.td_min <= out.bu_max) & (out.bu_min <= out.td_max)
    return out.to_dataframe().reset_index()
