"""Figures of the monitoring sections: observed growth over the scenario fan, the CO2 growth rate without ENSO."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["scenario_fan", "growth_without_enso"]


def scenario_fan(observed: Mapping[str, xr.Dataset], scenarios: xr.Dataset, table: pd.DataFrame,
                 first_year: int = 1995, last_year: int = 2035):
    """Per gas: every scenario's annual increase (lines), NOAA's with ±2σ bars, and the windows' means.

    Parameters
    ----------
    observed
        ``{gas: ds}`` with ``mean`` and ``unc`` on ``year``.
    scenarios
        From :func:`mip.tables.rcmip.read_rcmip_concentrations`.
    table
        From :func:`mip.monitoring.scenarios.growth_vs_scenarios` (its windows are drawn as bars of the
        observed mean growth ± 2 x the combined uncertainty).
    first_year, last_year
        Span of the time axis.
    """
    from mip.monitoring.scenarios import annual_increase

    gases = list(observed)
    fig, axes = plt.subplots(1, len(gases), figsize=(4.4 * len(gases), 4.8))
    axes = np.atleast_1d(axes)
    hist_end = int(scenarios.attrs.get("history_end", 2014))
    cmap = plt.get_cmap("viridis")
    for ax, gas in zip(axes, gases):
        sc = scenarios[gas].sel(year=slice(first_year - 1, last_year))
        inc = sc.diff("year", label="upper")
        order = inc.sel(year=slice(hist_end + 1, None)).mean("year").argsort().values
        names = [str(s) for s in inc.scenario.values[order]]
        for k, s in enumerate(names):
            v = inc.sel(scenario=s)
            ax.plot(v.year, v, color=cmap(k / max(len(names) - 1, 1)), lw=1, label=s)
        o, u = annual_increase(observed[gas]["mean"], observed[gas]["unc"])
        o = o.sel(year=slice(first_year, last_year))
        u = u.sel(year=o.year)
        ax.errorbar(o.year, o, yerr=2 * u, fmt="o", color="k", ms=3, elinewidth=0.8, label="NOAA (±2σ)")
        for _, r in table[table.gas == gas].iterrows():
            a, b = (int(x) for x in r.window.split("-"))
            ax.hlines(r.observed, a - 0.5, b + 0.5, color="crimson", lw=2)
            ax.fill_between([a - 0.5, b + 0.5], r.observed - 2 * r.combined_unc, r.observed + 2 * r.combined_unc,
                            color="crimson", alpha=0.15, lw=0)
        ax.axvline(hist_end + 0.5, color="0.5", ls=":", lw=1)
        ax.set_title(f"{gas} ({observed[gas]['mean'].attrs.get('units', '')} yr-1)")
        ax.set_xlabel("year")
    axes[0].set_ylabel("annual increase of the global annual mean")
    handles, labels = axes[-1].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, ncol=6, loc="lower center", frameon=False)
    fig.suptitle("Observed growth (NOAA) over the CMIP6 SSP scenarios; red: the windows' observed mean ± 2 x combined "
                 "uncertainty; dotted: end of the shared history", fontsize=9)
    fig.set_layout_engine("tight", rect=(0, 0.1, 1, 1))  # laid out when drawn
    return fig


def growth_without_enso(fit: xr.Dataset, table: pd.DataFrame | None = None):
    """The growth rate, its ENSO part removed, the trend, volcanic years shaded; beside it, years to detect a change.

    Parameters
    ----------
    fit
        From :func:`mip.monitoring.growth_rate.remove_enso`.
    table
        From :func:`mip.monitoring.growth_rate.detectability` (right panel), optional.
    """
    ncol = 2 if table is not None else 1
    fig, axes = plt.subplots(1, ncol, figsize=(6.5 * ncol, 4.2), gridspec_kw={"width_ratios": [2, 1][:ncol]})
    axes = np.atleast_1d(axes)
    ax = axes[0]
    y = fit.year.values
    units = fit.growth.attrs.get("units", "")
    ax.plot(y, fit.growth, color="0.6", lw=1, marker="o", ms=2, label="observed")
    ax.plot(y, fit.adjusted, color="k", lw=1.2, label=f"ENSO part removed ({fit.attrs['index']}, lag "
                                                      f"{fit.attrs['lag']} months)")
    ax.plot(y, fit.trend, color="crimson", lw=1.2, label="fitted trend")
    for name in sorted({str(v) for v in fit.volcanic.values} - {""}):
        yy = y[fit.volcanic.values == name]
        ax.axvspan(yy.min() - 0.5, yy.max() + 0.5, color="tab:blue", alpha=0.15, lw=0)
        ax.text(yy.mean(), float(np.nanmax(fit.growth)), name.split(" (")[0],
                ha="center", va="top", fontsize=7, color="tab:blue")
    ax.set_ylabel(units)
    ax.set_title(f"Growth rate without ENSO (R² {fit.attrs['r2']:.2f}; shaded: volcanic years, not fitted)", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    if table is not None:
        ax2 = axes[1]
        pcols = [c for c in table.columns if c.startswith("years (P=")]
        for c in pcols:
            ax2.plot(table["change (% yr-1)"], table[c], marker="o", label=c.replace("years ", "detection "))
        ax2.set_xlabel("change of fossil emissions (% per year)")
        ax2.set_ylabel("years of record after the change")
        ax2.set_title(f"Years to detect (95 %; σ {fit.attrs['sigma']:.2f} {units})", fontsize=9)
        ax2.legend(fontsize=7)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig
