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

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from mip.errors import MipError

__all__ = ["linear_trend", "trend_difference", "td_bu_trends", "series_trend"]

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
    ok = np.isfinite(t) & np.isfinite(y)
    t, y = t[ok], y[ok]
    n = t.size
    if n < 4 or np.ptp(t) == 0:
        return np.array([np.nan] * 5 + [np.nan])
    slope, intercept, _, _, se = stats.linregress(t, y)
    resid = y - (intercept + slope * t)
    r1 = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if np.std(resid) > 0 else 0.0
    n_eff = n * (1 - r1) / (1 + r1) if r1 > 0 else n
    se_adj = se * np.sqrt((n - 2) / (n_eff - 2)) if n_eff > 2 else np.inf
    ts = stats.theilslopes(y, t).slope
    p = stats.kendalltau(t, y).pvalue
    if n_eff < n and 0 < p < 1:  # the same effective sample size as the SE: z / sqrt(n / n_eff)
        z = stats.norm.isf(p / 2) * np.sqrt(n_eff / n)
        p = 2 * stats.norm.sf(z)
    return np.array([slope, se_adj, ts, p, n, r1], float)


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
    res = xr.apply_ufunc(lambda y: series_trend(t, y), obj, input_core_dims=[[dim]], output_core_dims=[["field"]],
                         vectorize=True, dask="parallelized", output_dtypes=[float],
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
