"""Concentration metrics (pure compute): vertical gradients in θ coordinates, station metrics.

Vertical gradient (Long et al. 2021): ΔθCO2 = CO2(θ < 280 K) − CO2(295 ≤ θ < 305 K) over the
profile points of a campaign in a latitude band, each layer's value being the median of all
its points, pooled.  From per-profile bin statistics on 5 K bins the pooled median is
approximated by a weighted median of the bin values, each bin weighted by the fraction of
it inside the layer (½ for bins straddling 280, 295 and 305 K).
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["weighted_median", "layer_weights", "vertical_gradient", "point_gradient", "multi_instrument",
           "window_mean", "seasonal_amplitude", "growth_rate", "noaa_growth_rate", "interhemispheric_gradient"]

LOWER = (-np.inf, 280.0)
UPPER = (295.0, 305.0)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted median: the smallest value whose cumulative weight reaches half the total.

    When the cumulative weight equals exactly half at a value, the midpoint between it and
    the next value is returned (so equal weights reproduce :func:`numpy.median`).

    Parameters
    ----------
    values, weights
        1-D arrays; NaN values and non-positive weights are ignored.

    Returns
    -------
    float
        NaN when nothing is left.
    """
    v = np.asarray(values, float).ravel()
    w = np.asarray(weights, float).ravel()
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[ok], w[ok]
    if v.size == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cw = np.cumsum(w)
    half = cw[-1] / 2.0
    i = int(np.searchsorted(cw, half))
    if np.isclose(cw[i], half, rtol=1e-12, atol=0) and i + 1 < v.size:
        return float(0.5 * (v[i] + v[i + 1]))
    return float(v[i])


def layer_weights(centres: np.ndarray, width: float, layer: tuple[float, float]) -> np.ndarray:
    """Fraction of each bin ``[c − width/2, c + width/2)`` that lies inside ``layer``.

    Parameters
    ----------
    centres
        Bin centres (K).
    width
        Bin width (K).
    layer
        ``(low, high)``; ``-inf`` allowed.

    Returns
    -------
    numpy.ndarray
    """
    c = np.asarray(centres, float)
    lo, hi = c - width / 2, c + width / 2
    inside = np.clip(np.minimum(hi, layer[1]) - np.maximum(lo, layer[0]), 0, None)
    return inside / width


def vertical_gradient(values: xr.DataArray, *, lat: xr.DataArray, campaign: xr.DataArray,
                      lower: tuple[float, float] = LOWER, upper: tuple[float, float] = UPPER,
                      lat_band: tuple[float, float] = (-90.0, -45.0), strat: xr.DataArray | None = None,
                      strat_max: float = 0.0, bin_width: float | None = None) -> pd.Series:
    """Per-campaign vertical gradient (lower layer minus upper layer), pooled weighted medians.

    Parameters
    ----------
    values
        Bin values on dims (profile, theta), ppm.
    lat, campaign
        Per-profile latitude and campaign name.
    lower, upper
        θ layers (K); defaults θ < 280 and 295 ≤ θ < 305.
    lat_band
        Profiles whose latitude lies in ``[south, north]`` are used.
    strat
        Stratospheric-flag statistic per bin (0 = no stratospheric air); bins above
        ``strat_max`` are left out.
    strat_max
        Largest allowed ``strat`` value.
    bin_width
        θ bin width; default the spacing of the ``theta`` coordinate.

    Returns
    -------
    pandas.Series
        Gradient per campaign (ppm), NaN where a layer has no data.
    """
    theta = values["theta"].values
    width = bin_width or float(np.median(np.diff(theta)))
    wl = layer_weights(theta, width, lower)
    wu = layer_weights(theta, width, upper)
    use = (lat >= lat_band[0]) & (lat <= lat_band[1])
    vals = values.where(use)
    if strat is not None:
        vals = vals.where(strat.fillna(0) <= strat_max)
    out = {}
    camps = campaign.values
    for c in pd.unique(camps):
        sel = vals.values[camps == c]
        lo = weighted_median(sel, np.broadcast_to(wl, sel.shape))
        up = weighted_median(sel, np.broadcast_to(wu, sel.shape))
        out[str(c)] = lo - up
    return pd.Series(out, name="gradient")


def point_gradient(df: pd.DataFrame, value: str, *, theta: str = "theta", lat: str = "lat",
                   campaign: str = "campaign", lower: tuple[float, float] = LOWER,
                   upper: tuple[float, float] = UPPER, lat_band: tuple[float, float] = (-90.0, -45.0),
                   strat: str | None = "strat") -> pd.Series:
    """Per-campaign vertical gradient from individual points (e.g. flasks): exact pooled medians.

    Parameters
    ----------
    df
        One row per sample.
    value, theta, lat, campaign, strat
        Column names (``strat`` = 0 for tropospheric samples; ``None`` to skip the filter).
    lower, upper, lat_band
        As in :func:`vertical_gradient`.

    Returns
    -------
    pandas.Series
    """
    d = df[(df[lat] >= lat_band[0]) & (df[lat] <= lat_band[1]) & df[value].notna()]
    if strat is not None and strat in d:
        d = d[d[strat].fillna(0) == 0]
    out = {}
    for c, g in d.groupby(campaign, sort=False):
        lo = g.loc[(g[theta] >= lower[0]) & (g[theta] < lower[1]), value]
        up = g.loc[(g[theta] >= upper[0]) & (g[theta] < upper[1]), value]
        out[str(c)] = float(lo.median() - up.median()) if len(lo) and len(up) else float("nan")
    return pd.Series(out, name="gradient")


def multi_instrument(gradients: pd.DataFrame, primary: str) -> pd.DataFrame:
    """Observed metric and its uncertainty from several instruments (Long et al. 2021).

    Value = mean over the instruments available for a campaign; uncertainty = population
    SD of the instrument-minus-primary differences, the primary contributing a 0.

    Parameters
    ----------
    gradients
        Campaign × instrument table of gradients (NaN = not available).
    primary
        Column of the primary record.

    Returns
    -------
    pandas.DataFrame
        Columns ``value``, ``sd``, ``n_instruments``.
    """
    diff = gradients.sub(gradients[primary], axis=0)
    diff[primary] = 0.0
    return pd.DataFrame({"value": gradients.mean(axis=1, skipna=True),
                         "sd": diff.std(axis=1, ddof=0, skipna=True),
                         "n_instruments": gradients.notna().sum(axis=1)})


def window_mean(series: xr.DataArray, end: str | np.datetime64, days: int = 90) -> float:
    """Mean of a monthly series over the ``days`` days that end at ``end``.

    Months are weighted by their number of days inside the window (the end date itself is
    the last day included).  Monthly values are located by calendar month whatever day their
    time stamp carries.

    Parameters
    ----------
    series
        Monthly values on a ``time`` dimension.
    end
        Last day of the window.
    days
        Window length.

    Returns
    -------
    float
        NaN when the series does not cover the whole window.
    """
    end_day = pd.Timestamp(end).normalize()
    window = pd.date_range(end=end_day, periods=days, freq="D")
    key = pd.PeriodIndex(pd.DatetimeIndex(series["time"].values), freq="M")
    values = pd.Series(series.values, index=key)
    months = pd.PeriodIndex(window, freq="M")
    counts = pd.Series(1, index=months).groupby(level=0).sum()
    if not set(counts.index) <= set(values.index):
        return float("nan")
    v = values.loc[counts.index]
    if v.isna().any():
        return float("nan")
    return float((v.values * counts.values).sum() / counts.values.sum())


def _harmonic_fit(t_years: np.ndarray, y: np.ndarray, harmonics: int = 2, poly: int = 2) -> np.ndarray:
    cols = [t_years**k for k in range(poly + 1)]
    for h in range(1, harmonics + 1):
        cols += [np.sin(2 * np.pi * h * t_years), np.cos(2 * np.pi * h * t_years)]
    X = np.column_stack(cols)
    ok = np.isfinite(y)
    coef, *_ = np.linalg.lstsq(X[ok], y[ok], rcond=None)
    return coef


def _decimal_years(time: xr.DataArray) -> np.ndarray:
    t = pd.DatetimeIndex(time.values)
    start = pd.DatetimeIndex([pd.Timestamp(y, 1, 1) for y in t.year])
    length = np.array([366 if pd.Timestamp(y, 12, 31).day_of_year == 366 else 365 for y in t.year])
    return np.asarray(t.year, float) + np.asarray((t - start).total_seconds(), float) / 86400.0 / length


def seasonal_amplitude(series: xr.DataArray, harmonics: int = 2) -> float:
    """Peak-to-trough amplitude of the mean seasonal cycle (quadratic trend + harmonics).

    Parameters
    ----------
    series
        Station time series on ``time``.
    harmonics
        Number of annual harmonics fitted.

    Returns
    -------
    float
    """
    t = _decimal_years(series["time"])
    coef = _harmonic_fit(t - t.mean(), series.values.astype(float), harmonics)
    phase = np.linspace(0, 1, 1000, endpoint=False)
    cyc = sum(coef[3 + 2 * (h - 1)] * np.sin(2 * np.pi * h * phase) + coef[4 + 2 * (h - 1)] * np.cos(2 * np.pi * h * phase)
              for h in range(1, harmonics + 1))
    return float(cyc.max() - cyc.min())


def growth_rate(series: xr.DataArray) -> float:
    """Mean growth rate (units per year): slope of a linear trend fitted with the seasonal harmonics.

    Parameters
    ----------
    series
        Station time series on ``time``.

    Returns
    -------
    float
    """
    t = _decimal_years(series["time"])
    return float(_harmonic_fit(t - t.mean(), series.values.astype(float), 2, poly=1)[1])


def noaa_growth_rate(deseasonalized: xr.DataArray) -> xr.DataArray:
    """Annual growth rates as NOAA GML defines them, from a monthly deseasonalised (trend) series.

    NOAA's "annual increase" of year Y is the trend value on 1 January of Y+1 minus that on
    1 January of Y, each the mean of the deseasonalised December and January around it.  It is
    not the difference of annual means (2019 CO2: 2.54 ppm/yr against 2.46 ppm).

    Parameters
    ----------
    deseasonalized
        Monthly series on ``time`` (month starts), e.g. ``read_noaa(...).deseasonalized``.

    Returns
    -------
    xarray.DataArray
        Dim ``year``: every year whose December before and January after are in the series (NaN
        where one of the four months is missing); units per year.
    """
    s = deseasonalized.to_series()
    s.index = pd.DatetimeIndex(s.index)
    by = {(t.year, t.month): v for t, v in s.items()}
    years = sorted({t.year for t in s.index})
    jan1 = {y: 0.5 * (by.get((y - 1, 12), np.nan) + by.get((y, 1), np.nan)) for y in years + [years[-1] + 1]}
    out = [(y, jan1[y + 1] - jan1[y]) for y in years if (y - 1, 12) in by and (y + 1, 1) in by]
    units = deseasonalized.attrs.get("units", "")
    return xr.DataArray([v for _, v in out], dims="year", coords={"year": [y for y, _ in out]},
                        attrs={"units": f"{units} yr-1".strip(), "definition": "NOAA: trend on 1 Jan of Y+1 minus "
                               "1 Jan of Y, each the mean of the deseasonalised Dec and Jan"})


def interhemispheric_gradient(north: xr.DataArray, south: xr.DataArray) -> float:
    """Mean north-minus-south difference over the months both series cover.

    Parameters
    ----------
    north, south
        Monthly series on ``time`` (e.g. Mauna Loa and South Pole).

    Returns
    -------
    float
    """
    n, s = xr.align(north, south, join="inner")
    d = (n - s).values
    if not np.isfinite(d).any():
        return float("nan")
    return float(np.nanmean(d))
