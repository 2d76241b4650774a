"""Observed growth of CO2, CH4 and N2O against the CMIP6 SSP scenarios' growth over the same windows.

Growth over a window of years ``a..b`` is the mean annual increase of the annual means,
``(C[b] − C[a−1]) / (b − a + 1)``, computed the same way for the observation (NOAA GML global
annual means) and for every scenario (RCMIP concentrations): levels are never compared, because
NOAA's network mean and the CMIP6 historical mean differ by tenths of a ppm / a few ppb.

Two things are stated with every comparison:

- **History inside the scenarios.** Every scenario row carries the shared CMIP6 history up to
  2014 (``history_end``); a window reaching back before 2015 compares partly with history, so each
  row says how many of its years are scenario years.
- **How well the two agree where they describe the same atmosphere.** Over the last ten years of
  the shared history the observed and the CMIP6 growth differ a little (the two global means are
  built differently); that difference is the ``history_difference`` and enters the comparison's
  uncertainty in quadrature with NOAA's stated uncertainty of the annual means (taken as
  independent between the two end years). An observation lies outside the scenarios when it is
  beyond their range by more than ``n_sigma`` times that combined uncertainty.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import MipError, MismatchError

__all__ = ["window_growth", "default_windows", "growth_vs_scenarios", "scenario_growth_table", "annual_increase",
           "bundled_observations"]


def window_growth(levels: xr.DataArray, window: tuple[int, int], unc: xr.DataArray | None = None
                  ) -> tuple[xr.DataArray, xr.DataArray | None]:
    """Mean annual increase over the years ``a..b`` of a series of annual means: ``(C[b] − C[a−1]) / (b − a + 1)``.

    Parameters
    ----------
    levels
        Annual means on ``year`` (other dims kept, e.g. ``scenario``).
    window
        ``(a, b)``, first and last year of the increases.
    unc
        Standard uncertainty of each annual mean (on ``year``); propagated as independent between the
        two end years.

    Returns
    -------
    (xarray.DataArray, xarray.DataArray or None)
        The growth per year and its uncertainty.

    Raises
    ------
    MismatchError
        The series lacks year ``a − 1`` or ``b``, or has no value there.

    Examples
    --------
    >>> c = xr.DataArray([1.0, 2.0, 4.0, 7.0], dims="year", coords={"year": [2000, 2001, 2002, 2003]})
    >>> float(window_growth(c, (2002, 2003))[0])  # (7 - 2) / 2
    2.5
    """
    a, b = window
    if b < a:
        raise MipError(f"window {window}: the last year comes before the first")
    years = levels.year.values
    for y in (a - 1, b):
        if y not in years or bool(levels.sel(year=y).isnull().any()):
            name = levels.name or "series"
            raise MismatchError(f"{name}: no annual mean for {y}, which the growth over {a}-{b} needs "
                                f"(it has {int(years.min())}-{int(years.max())})")
    n = b - a + 1
    g = (levels.sel(year=b) - levels.sel(year=a - 1)) / n
    u = None
    if unc is not None:
        u = np.sqrt(unc.sel(year=b) ** 2 + unc.sel(year=a - 1) ** 2) / n
    return g, u


def default_windows(last_year: int, lengths: tuple[int, ...] = (10, 20)) -> list[tuple[int, int]]:
    """The last ``n`` years with data for each length: ``[(last − n + 1, last), ...]``.

    Examples
    --------
    >>> default_windows(2024)
    [(2015, 2024), (2005, 2024)]
    """
    return [(last_year - n + 1, last_year) for n in lengths]


def _history_window(history_end: int, obs_years: np.ndarray, n: int = 10) -> tuple[int, int]:
    first = max(history_end - n + 1, int(obs_years.min()) + 1)
    return first, history_end


def growth_vs_scenarios(observed: Mapping[str, xr.Dataset], scenarios: xr.Dataset, *,
                        windows: list[tuple[int, int]] | None = None, n_sigma: float = 2.0) -> pd.DataFrame:
    """Each gas's observed growth against every scenario's over the same windows: rank, range, verdict.

    Parameters
    ----------
    observed
        ``{gas: ds}`` with ``mean`` and ``unc`` (annual means and their uncertainty) on ``year``, e.g. from
        :func:`mip.obs.read_noaa` on NOAA's ``<gas>_annmean_gl`` files.
    scenarios
        One variable per gas on (scenario, year), ``attrs["history_end"]``
        (:func:`mip.tables.rcmip.read_rcmip_concentrations`).
    windows
        ``(first, last)`` years of the increases; default: the last 10 and 20 years with an observation
        of each gas.
    n_sigma
        How many combined standard uncertainties beyond the scenarios' range make "outside".

    Returns
    -------
    pandas.DataFrame
        One row per gas and window: ``gas, window, units, scenario_years`` (how many of the window's
        years are scenario years, the rest shared history), ``observed, observed_unc`` (NOAA),
        ``history_difference`` (observed − CMIP6 growth over the last shared-history decade),
        ``combined_unc``, ``scenario_min, scenario_median, scenario_max``, ``slowest, fastest``,
        ``faster_than`` (scenarios growing slower than observed), ``n_scenarios``, ``rank`` (1 = fastest
        of scenarios and observation together), ``nearest``, and ``verdict``.

    Raises
    ------
    MismatchError
        A gas the scenario file lacks, or a window the observation or the scenarios do not cover.
    """
    hist_end = int(scenarios.attrs.get("history_end", -10**6))
    rows = []
    for gas, obs in observed.items():
        if gas not in scenarios:
            raise MismatchError(f"scenarios: no variable {gas!r} (they have {', '.join(scenarios.data_vars)})")
        if "mean" not in obs or "unc" not in obs:
            raise MismatchError(f"observed {gas}: variables {list(obs.data_vars)}, expected 'mean' and 'unc'")
        units = obs["mean"].attrs.get("units", scenarios[gas].attrs.get("units", ""))
        if scenarios[gas].attrs.get("units") and units != scenarios[gas].attrs["units"]:
            raise MismatchError(f"{gas}: observed in {units!r}, scenarios in {scenarios[gas].attrs['units']!r}")
        last = int(obs.year.values[obs["mean"].notnull().values].max())
        hw = _history_window(hist_end, obs.year.values)
        hist = float(window_growth(obs["mean"].rename(f"observed {gas}"), hw)[0]
                     - window_growth(scenarios[gas].rename(f"scenario {gas}"), hw)[0].isel(scenario=0))
        for a, b in windows or default_windows(last):
            g_obs, u_obs = window_growth(obs["mean"].rename(f"observed {gas}"), (a, b), obs["unc"])
            g_sc = window_growth(scenarios[gas].rename(f"scenario {gas}"), (a, b))[0]
            o, u = float(g_obs), float(u_obs)
            comb = float(np.hypot(u, hist))
            sc = pd.Series(g_sc.values, index=[str(s) for s in g_sc.scenario.values]).sort_values()
            lo, hi = float(sc.iloc[0]), float(sc.iloc[-1])
            faster_than = int((sc < o).sum())
            if o - n_sigma * comb > hi:
                verdict = f"above every scenario (by more than {n_sigma:g} x the combined uncertainty)"
            elif o + n_sigma * comb < lo:
                verdict = f"below every scenario (by more than {n_sigma:g} x the combined uncertainty)"
            elif o > hi:
                verdict = "above every scenario, within the uncertainty of the highest"
            elif o < lo:
                verdict = "below every scenario, within the uncertainty of the lowest"
            else:
                below, above = sc[sc <= o], sc[sc > o]
                verdict = f"within the scenarios, between {below.index[-1]} and {above.index[0]}"
            rows.append({"gas": gas, "window": f"{a}-{b}", "units": f"{units} yr-1",
                         "scenario_years": max(0, b - max(a, hist_end + 1) + 1), "years": b - a + 1,
                         "observed": o, "observed_unc": u, "history_difference": hist,
                         "history_window": f"{hw[0]}-{hw[1]}", "combined_unc": comb,
                         "scenario_min": lo, "scenario_median": float(sc.median()), "scenario_max": hi,
                         "slowest": sc.index[0], "fastest": sc.index[-1], "faster_than": faster_than,
                         "n_scenarios": len(sc), "rank": len(sc) - faster_than + 1,
                         "nearest": str((sc - o).abs().idxmin()), "verdict": verdict})
    return pd.DataFrame(rows)


def scenario_growth_table(observed: Mapping[str, xr.Dataset], scenarios: xr.Dataset,
                          windows: list[tuple[int, int]] | None = None) -> pd.DataFrame:
    """Every scenario's growth (and the observation's) per gas and window, long form.

    Parameters
    ----------
    observed, scenarios, windows
        As in :func:`growth_vs_scenarios`.

    Returns
    -------
    pandas.DataFrame
        ``gas, window, source`` (a scenario or ``observed (NOAA)``), ``model`` (the IAM), ``growth``, ``units``.
    """
    rows = []
    for gas, obs in observed.items():
        last = int(obs.year.values[obs["mean"].notnull().values].max())
        for a, b in windows or default_windows(last):
            g_obs = window_growth(obs["mean"].rename(f"observed {gas}"), (a, b))[0]
            units = f"{obs['mean'].attrs.get('units', '')} yr-1"
            rows.append({"gas": gas, "window": f"{a}-{b}", "source": "observed (NOAA)", "model": "",
                         "growth": float(g_obs), "units": units})
            g = window_growth(scenarios[gas].rename(f"scenario {gas}"), (a, b))[0]
            for s in g.scenario.values:
                rows.append({"gas": gas, "window": f"{a}-{b}", "source": str(s),
                             "model": str(g.model.sel(scenario=s).values) if "model" in g.coords else "",
                             "growth": float(g.sel(scenario=s)), "units": units})
    return pd.DataFrame(rows)


def annual_increase(levels: xr.DataArray, unc: xr.DataArray | None = None) -> tuple[xr.DataArray, xr.DataArray | None]:
    """Year-on-year increase of annual means, ``C[y] − C[y−1]`` (labelled by ``y``), and its uncertainty.

    Parameters
    ----------
    levels
        Annual means on ``year``.
    unc
        Their standard uncertainty (independent between years).

    Returns
    -------
    (xarray.DataArray, xarray.DataArray or None)
    """
    inc = levels.diff("year", label="upper")
    u = None if unc is None else np.sqrt(unc ** 2 + unc.shift(year=1) ** 2).isel(year=slice(1, None))
    return inc, u


def bundled_observations() -> dict[str, xr.Dataset]:
    """NOAA GML's global annual means of CO2, CH4 and N2O to 2024 as bundled (2025 files, real, unchanged).

    Returns
    -------
    dict
        ``{"CO2": ds, "CH4": ds, "N2O": ds}`` from :func:`mip.obs.read_noaa` (``mean``, ``unc`` on ``year``).
    """
    from importlib import resources
    from pathlib import Path

    from mip.obs.noaa import read_noaa

    root = Path(str(resources.files("mip") / "data" / "noaa-gml" / "2025"))
    return {g.upper(): read_noaa(root / f"{g}_annmean_gl.csv") for g in ("co2", "ch4", "n2o")}
