"""The CO2 growth rate without its ENSO part, its residual trend, and how soon a change in emissions shows.

**ENSO.** Each year's growth rate is regressed on a trend and on the ENSO index averaged over twelve
months ending ``lag`` months before the year ends (``growth = a + b (year − ȳ) + c · ENSO_lag``),
by ordinary least squares (statsmodels). The lag is chosen by the data: the one of ``lags`` with
the largest R² over the years every candidate lag covers. Years after a large volcanic eruption
(:data:`VOLCANIC`: the growth rate dropped after Agung, El Chichón and Pinatubo) are flagged and
left out of the fit by default — named in the output, never dropped silently.

**Detectability.** A change of fossil emissions by ``r`` % per year from a stated year changes the
growth rate's trend by ``ω = AF · E0 · r / 100`` (airborne fraction ``AF``, fossil emissions ``E0``;
Pg C yr⁻¹ per year, ÷ 2.124 for ppm). With the ENSO-removed residuals' standard deviation σ and
lag-1 autocorrelation φ, the OLS trend of ``n`` annual values has the standard error
``σ · √(12 / (n (n² − 1))) · √((1 + φ) / (1 − φ))`` (AR(1) inflation), so the change is detected at
the two-sided level α with probability ``power`` after the smallest ``n`` with
``|ω| ≥ (z₁₋α/₂ + z_power) · SE(n)`` — the Weatherhead et al. (1998) criterion written for annual
data. The trend before the change is taken as known (estimated from the long record). The AR(1)
inflation is asymptotic; in simulation (φ = 0.5, 20–40 years) it errs towards more years, and a
negative φ is not used to shorten the record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import MipError

__all__ = ["VOLCANIC", "annual_growth_from_monthly", "lagged_annual_index", "remove_enso", "years_to_detect",
           "detectability", "bundled_mlo_growth", "gcb_fossil_and_airborne_fraction"]

#: Eruptions after which the growth rate dropped: name → (first, last) year flagged.
VOLCANIC = {"Agung (Mar 1963)": (1963, 1964), "El Chichón (Apr 1982)": (1982, 1983), "Pinatubo (Jun 1991)": (1991, 1993)}


def annual_growth_from_monthly(monthly: xr.DataArray) -> xr.DataArray:
    """NOAA's annual growth rate from a deseasonalized monthly series.

    The increase from one December–January mean to the next, ``(Dec y + Jan y+1)/2 − (Dec y−1 + Jan y)/2``,
    labelled ``y``.

    Parameters
    ----------
    monthly
        Deseasonalized monthly means on ``time`` (month starts), e.g. ``read_noaa(...).deseasonalized``.

    Returns
    -------
    xarray.DataArray
        On ``year``, units per year; years without both December–January pairs left out.
    """
    s = monthly.to_series()
    s.index = pd.DatetimeIndex(s.index)
    dj = {}
    for y in range(s.index.year.min(), s.index.year.max()):
        dec, jan = pd.Timestamp(year=y, month=12, day=1), pd.Timestamp(year=y + 1, month=1, day=1)
        if dec in s.index and jan in s.index and np.isfinite(s[dec]) and np.isfinite(s[jan]):
            dj[y] = (s[dec] + s[jan]) / 2
    years = [y for y in sorted(dj) if y - 1 in dj]
    units = monthly.attrs.get("units", "")
    return xr.DataArray([dj[y] - dj[y - 1] for y in years], dims="year", coords={"year": years},
                        name="growth_rate", attrs={"units": f"{units} yr-1" if units else "yr-1",
                                                   "long_name": "annual increase, December-January to December-January"})


def lagged_annual_index(index: xr.DataArray, years: np.ndarray, lag: int) -> xr.DataArray:
    """The index averaged over the twelve months ``Jan y .. Dec y`` shifted ``lag`` months earlier.

    Parameters
    ----------
    index
        Monthly index on ``time``.
    years
        Years wanted (each must be covered without a gap: refused otherwise, naming the months).
    lag
        Months (0 = the calendar year).

    Returns
    -------
    xarray.DataArray
        On ``year``.
    """
    from mip.obs.enso import index_months

    years = np.asarray(years)
    # every window's twelve month starts at once (one reindex, not one per year: 14 lags x 60 years took 1.4 s)
    last = years.astype("i8") * 12 + 11 - lag - 1970 * 12  # months since 1970-01 of each window's last month
    months = (last[:, None] + np.arange(-11, 1)[None, :]).astype("datetime64[M]").astype("datetime64[ns]")
    vals = index.reindex(time=months.ravel()).values.reshape(months.shape)
    gap = np.isnan(vals).any(axis=1)
    if gap.any():  # refused by the one rule, naming that window's missing months
        k = int(np.argmax(gap))
        index_months(index, pd.Timestamp(months[k, 0]), pd.Timestamp(months[k, -1]))
    return xr.DataArray(vals.mean(axis=1), dims="year", coords={"year": years})


def _covered(index: xr.DataArray, years: np.ndarray, lag: int) -> np.ndarray:
    t = pd.DatetimeIndex(index.time.values[index.notnull().values])
    first, last = t.min(), t.max()
    ends = pd.to_datetime([f"{int(y)}-12-01" for y in years]) - pd.DateOffset(months=lag)
    return np.asarray((ends - pd.DateOffset(months=11) >= first) & (ends <= last))


def _flags(years: np.ndarray, volcanic: dict[str, tuple[int, int]]) -> np.ndarray:
    out = np.array([""] * len(years), dtype=object)
    for name, (a, b) in volcanic.items():
        out[(years >= a) & (years <= b)] = name
    return out


def remove_enso(growth: xr.DataArray, index: xr.DataArray, *, lags: range = range(0, 13),
                volcanic: dict[str, tuple[int, int]] | None = None, exclude_volcanic: bool = True) -> xr.Dataset:
    """Remove the ENSO part of an annual growth-rate series (lag chosen by the data), flag volcanic years.

    Parameters
    ----------
    growth
        Annual growth rate on ``year`` (ppm/yr, or Pg C/yr).
    index
        Monthly ENSO index on ``time`` (:mod:`mip.obs.enso`).
    lags
        Candidate lags in months.
    volcanic
        Years to flag (default :data:`VOLCANIC`).
    exclude_volcanic
        Leave the flagged years out of the fit (default); they are still adjusted and reported.

    Returns
    -------
    xarray.Dataset
        On ``year``: ``growth``, ``enso_index`` (at the chosen lag), ``enso_part`` (c · index),
        ``adjusted`` (growth − ENSO part), ``trend`` (a + b (year − ȳ)), ``residual``, ``volcanic`` (the
        eruption's name or ""), ``in_fit``. ``attrs``: ``lag``, ``coefficient`` and ``coefficient_se``
        (growth units per index unit), ``r2``, ``r2_by_lag``, ``sigma`` and ``phi`` of the residuals,
        ``n_fit``, ``not_adjusted`` (years the index does not cover), ``index``.

    Raises
    ------
    MipError
        Fewer than 10 years to fit.
    """
    from statsmodels.regression.linear_model import OLS  # not statsmodels.api: 0.3 s more to import
    from statsmodels.tools.tools import add_constant

    volcanic = VOLCANIC if volcanic is None else volcanic
    g = growth.dropna("year")
    years = g.year.values.astype(int)
    flags = _flags(years, volcanic)
    cand = np.all([_covered(index, years, L) for L in lags], axis=0) & ((flags == "") | (not exclude_volcanic))
    if cand.sum() < 10:
        raise MipError(f"growth-rate fit: only {int(cand.sum())} years have the ENSO index at every lag "
                       f"({min(lags)}-{max(lags)} months) and no volcanic flag; need 10")
    t0 = float(years[cand].mean())
    r2 = {}
    for L in lags:
        x = lagged_annual_index(index, years[cand], L).values
        X = add_constant(np.column_stack([years[cand] - t0, x]))
        r2[L] = OLS(g.values[cand], X).fit().rsquared
    lag = max(r2, key=r2.get)
    cov = _covered(index, years, lag)
    fit_mask = cov & ((flags == "") | (not exclude_volcanic))
    x_all = np.full(len(years), np.nan)
    x_all[cov] = lagged_annual_index(index, years[cov], lag).values
    X = add_constant(np.column_stack([years[fit_mask] - t0, x_all[fit_mask]]))
    res = OLS(g.values[fit_mask], X).fit()
    a, b, c = res.params
    part = c * x_all
    trend = a + b * (years - t0)
    resid = g.values - trend - part
    rf = np.where(fit_mask, resid, np.nan)
    pairs = np.isfinite(rf[:-1]) & np.isfinite(rf[1:]) & (np.diff(years) == 1)
    phi = float(np.corrcoef(rf[:-1][pairs], rf[1:][pairs])[0, 1]) if pairs.sum() > 3 else 0.0
    units = growth.attrs.get("units", "")
    out = xr.Dataset({"growth": ("year", g.values, {"units": units}),
                      "enso_index": ("year", x_all, {"units": index.attrs.get("units", ""),
                                                     "long_name": f"{index.attrs.get('index', 'ENSO')} averaged over "
                                                                  f"12 months ending {lag} months before December"}),
                      "enso_part": ("year", part, {"units": units}),
                      "adjusted": ("year", np.where(cov, g.values - part, np.nan),
                                   {"units": units, "long_name": "growth rate with its ENSO part removed"}),
                      "trend": ("year", trend, {"units": units}),
                      "residual": ("year", resid, {"units": units}),
                      "volcanic": ("year", flags.astype(str)),
                      "in_fit": ("year", fit_mask)},
                     coords={"year": years})
    out.attrs.update(lag=int(lag), coefficient=float(c), coefficient_se=float(res.bse[2]), r2=float(res.rsquared),
                     r2_by_lag="; ".join(f"{L}: {v:.3f}" for L, v in r2.items()),
                     sigma=float(np.sqrt(res.ssr / res.df_resid)), phi=phi, n_fit=int(fit_mask.sum()),
                     not_adjusted=" ".join(str(y) for y in years[~cov]) or "none",
                     volcanic_years=", ".join(f"{k}: {a_}-{b_}" for k, (a_, b_) in volcanic.items()),
                     volcanic_in_fit=not exclude_volcanic, index=index.attrs.get("index", "ENSO"),
                     index_source=index.attrs.get("source_file", ""))
    return out


def years_to_detect(sigma: float, phi: float, omega: float, *, alpha: float = 0.05, power: float = 0.5,
                    max_years: int = 500) -> int:
    """The fewest annual values whose OLS trend detects a trend ``omega`` (see the module docstring).

    Parameters
    ----------
    sigma
        Standard deviation of the annual residuals.
    phi
        Their lag-1 autocorrelation (−1 < φ < 1).
    omega
        The trend to detect, in the residuals' units per year.
    alpha
        Two-sided significance level.
    power
        Probability of detection (0.5: the expected trend just reaches significance).
    max_years
        Search limit (returned + 1 when not reached: "more than").

    Returns
    -------
    int

    Examples
    --------
    >>> years_to_detect(1.0, 0.0, 0.1)  # 1.96 × √(12 / (n (n² − 1))) ≤ 0.1 first at n = 17
    17
    """
    from scipy.stats import norm

    if not (-1 < phi < 1) or sigma <= 0 or omega == 0:
        raise MipError(f"years_to_detect: sigma {sigma} > 0, -1 < phi {phi} < 1 and omega {omega} != 0 needed")
    z = norm.isf(alpha / 2) + norm.ppf(power)
    infl = np.sqrt((1 + max(phi, 0.0)) / (1 - max(phi, 0.0)))
    for n in range(3, max_years + 1):
        if abs(omega) >= z * sigma * np.sqrt(12.0 / (n * (n * n - 1))) * infl:
            return n
    return max_years + 1


def detectability(fit: xr.Dataset, *, fossil: float, airborne_fraction: float, changes: tuple[float, ...] = (-1, -2, -5),
                  start_year: int = 2025, powers: tuple[float, ...] = (0.5, 0.9), alpha: float = 0.05,
                  pgc_per_ppm: float = 2.124) -> pd.DataFrame:
    """How many years of growth-rate record detect a change of fossil emissions of ``r`` % per year.

    Parameters
    ----------
    fit
        From :func:`remove_enso` on a growth rate in ppm/yr (its residual σ and φ).
    fossil
        Fossil emissions the change applies to, Pg C/yr.
    airborne_fraction
        Share of an emission change that stays in the atmosphere.
    changes
        Changes in % per year.
    start_year
        First year of the change.
    powers
        Probabilities of detection.
    alpha
        Two-sided significance level.
    pgc_per_ppm
        Conversion (the GCB's 2.124).

    Returns
    -------
    pandas.DataFrame
        ``change (% yr-1), growth-rate trend (ppm yr-2), growth-rate trend (Pg C yr-2)``, and for each power
        ``years (P=…)`` and ``detected in (P=…)``; ``sigma``, ``phi`` (of the residuals), ``airborne_fraction``,
        ``fossil``.
    """
    units = fit.growth.attrs.get("units", "")
    if not units.startswith("ppm"):
        raise MipError(f"detectability: the growth rate is in {units!r}; give it in ppm yr-1")
    rows = []
    for r in changes:
        omega_pgc = airborne_fraction * fossil * r / 100.0
        omega = omega_pgc / pgc_per_ppm
        row = {"change (% yr-1)": r, "growth-rate trend (ppm yr-2)": omega, "growth-rate trend (Pg C yr-2)": omega_pgc}
        for p in powers:
            n = years_to_detect(fit.attrs["sigma"], fit.attrs["phi"], omega, alpha=alpha, power=p)
            row[f"years (P={p:g})"] = n
            row[f"detected in (P={p:g})"] = start_year + n - 1
        row.update(sigma=fit.attrs["sigma"], phi=fit.attrs["phi"], airborne_fraction=airborne_fraction, fossil=fossil)
        rows.append(row)
    return pd.DataFrame(rows)


def bundled_mlo_growth() -> xr.DataArray:
    """Mauna Loa's annual growth rate 1959–2025 from the bundled monthly file (NOAA GML, created 2026, unchanged).

    Returns
    -------
    xarray.DataArray
        :func:`annual_growth_from_monthly` of the file's deseasonalized column, ppm/yr.
    """
    from importlib import resources
    from pathlib import Path

    from mip.obs.noaa import read_noaa

    m = read_noaa(Path(str(resources.files("mip") / "data" / "noaa-gml" / "2026" / "co2_mm_mlo.txt")))
    out = annual_growth_from_monthly(m.deseasonalized)
    out.attrs["source"] = "NOAA GML Mauna Loa monthly CO2 (file created 2026), December-January growth"
    return out


def gcb_fossil_and_airborne_fraction(first: int = 1960) -> dict[str, float]:
    """The bundled GCB 2023's latest fossil emissions and the airborne fraction since ``first``.

    The airborne fraction is Σ atmospheric growth / Σ (fossil + land-use change) over ``first`` to the
    last year, as the GCB computes it.

    Parameters
    ----------
    first
        First year of the sums.

    Returns
    -------
    dict
        ``fossil`` (Pg C/yr, last year), ``year`` (that year), ``airborne_fraction``, ``period``.
    """
    from mip.tables.gcb_workbook import read_global_budget

    g = read_global_budget()
    s = g.sel(year=slice(first, None))
    af = float(s.sel(component="atmospheric_growth").sum()
               / (s.sel(component="fossil_emissions").sum() + s.sel(component="land_use_change").sum()))
    last = int(g.year.values[-1])
    return {"fossil": float(g.sel(component="fossil_emissions", year=last)), "year": last, "airborne_fraction": af,
            "period": f"{first}-{last}"}
