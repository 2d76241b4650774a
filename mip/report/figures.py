"""Figures of the intercomparison report (matplotlib, Agg), each saved as a PNG."""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402

from mip.budgets.stats import nan_quantiles  # noqa: E402
from mip.io import save_figure  # noqa: E402
from mip.io.figure_layout import fixed_margins  # noqa: E402

__all__ = ["save", "budget_bars", "region_timeseries", "map_fields", "draw_maps", "td_bu_bars", "zonal_bars", "growth_rate", "co2eq_bars",
           "closure_bars", "growth_trend", "evaluation_ranges"]


def warm_up() -> None:
    """What the report's first figures would otherwise do, done by the figure process while it waits for one.

    The first xarray operation of a process imports the array libraries xarray checks its data against
    (dask, pint: 0.7 s of CPU), and the first map reads and simplifies the Natural Earth borders (0.6 s).
    """
    np.abs(xr.DataArray(np.zeros(1)))
    _borders()


def save(fig, path: Path) -> Path:
    """Save a figure, or a drawing returning one, atomically and close it (:func:`mip.io.save_figure` at 90 dpi)."""
    return save_figure(fig, path, dpi=90)


def budget_bars(stats: pd.DataFrame, experiment: str, units: str, title: str):
    """Bars of the ensemble median per region and variable, with IQR/1.35 error bars (one period's statistics)."""
    sub = stats[stats.experiment == experiment]
    regions = list(dict.fromkeys(sub.region))
    variables = list(dict.fromkeys(sub.variable))
    fig, ax = plt.subplots(figsize=(min(13, max(6, 0.9 * len(regions) + 2)), 4))
    w = 0.8 / max(len(variables), 1)
    x = np.arange(len(regions))
    for i, v in enumerate(variables):
        s = sub[sub.variable == v].set_index("region").reindex(regions)
        ax.bar(x + (i - (len(variables) - 1) / 2) * w, s["median"], w, yerr=s["iqr_1_35"], capsize=2, label=v)
    ax.axhline(0, color="k", lw=0.6)
    from mip.report.page import short_label

    ax.set_xticks(x, [textwrap.fill(short_label(r), 14) for r in regions], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(f"{units} (positive = to the atmosphere)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def region_timeseries(monthly: xr.DataArray, experiment: str, units: str, title: str,
                      regions: list[str] | None = None):
    """One panel per region: every member's monthly series, the median and the IQR band."""
    from mip.report.page import short_label

    da = monthly.sel(experiment=experiment)
    regions = regions if regions is not None else [str(r) for r in da.region.values]
    ncol = min(3, len(regions))
    nrow = int(np.ceil(len(regions) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.3 * ncol, 2.6 * nrow), squeeze=False, sharex=True)
    t = da["time"].values
    for ax, r in zip(axes.ravel(), regions):
        d = da.sel(region=r)
        for m in d.model.values:
            ax.plot(t, d.sel(model=m), lw=0.7, alpha=0.6, label=str(m))
        q25, q50, q75 = nan_quantiles(d.transpose(..., "model").values, (0.25, 0.5, 0.75))
        ax.fill_between(t, q25, q75, color="0.6", alpha=0.35, label="IQR")
        ax.plot(t, q50, "k-", lw=1.6, label="median")
        ax.axhline(0, color="k", lw=0.4)
        ax.set_title(short_label(r), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(regions):]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel(units, fontsize=8)
    axes[0, -1].legend(fontsize=6)
    fig.suptitle(title, fontsize=10)
    fig.autofmt_xdate()
    # fixed margins (mip.io.figure_layout): tick labels of 7 pt, dates slanted under the last row
    fixed_margins(fig, left=0.8, right=0.15, top=0.65, bottom=0.75, wgap=0.5, hgap=0.4)
    return fig


#: Coastlines are drawn simplified to this tolerance (degrees): a map panel's pixel spans 0.8°, and the
#: 101 000 vertices of the 1:50m rings become 33 000 (each map figure 0.2-0.3 s faster to draw).
BORDER_TOLERANCE = 0.05


@lru_cache(maxsize=1)
def _borders() -> np.ndarray:
    """Coastlines and borders of the bundled Natural Earth 1:50m countries, as one lon-lat line (cached).

    One (n, 2) array, the rings separated by NaN rows: one line of 1 600 rings draws faster than a
    collection of 1 600 paths.
    """
    import shapely

    from mip.io.regionfiles import read_natural_earth

    rings = []
    for g in read_natural_earth()["geometry"]:
        if g is None or g.is_empty:
            continue
        for poly in getattr(g, "geoms", [g]):
            for ring in [poly.exterior, *poly.interiors]:
                line = shapely.simplify(shapely.LineString(np.asarray(ring.coords)[:, :2]), BORDER_TOLERANCE)
                rings += [np.asarray(line.coords), np.full((1, 2), np.nan)]
    return np.concatenate(rings) if rings else np.empty((0, 2))


def map_fields(ds: xr.Dataset, variables: list[str], experiment: str) -> xr.Dataset:
    """Per variable, the ensemble mean and spread (IQR/1.35 across members) of the time-mean flux, g m-2 yr-1.

    Each member's time mean follows the one completeness rule (:func:`mip.conventions.period.period_mean`):
    a member missing a month has no time mean and is left out, never averaged in over the months it has;
    a cell no member has a value for is NaN.  The result is small and computed (what :func:`draw_maps`
    draws, possibly in the figure process): ``<v>_mean`` and ``<v>_spread`` on (lat, lon), with the
    flux's ``reported_as`` basis and the grid's extent in ``attrs``.
    """
    from mip.conventions.period import period_mean

    tb = ds["time_bounds"] if "time_bounds" in ds.variables else None
    # every variable's time mean in one computation (one pass over the files, not one per variable)
    means = xr.Dataset({v: period_mean(ds[v].sel(experiment=experiment), time_bounds=tb, where="the maps")
                        for v in variables}).compute()
    out = xr.Dataset(coords={"lat": ds.lat.values, "lon": ds.lon.values})
    for v in variables:
        da = (means[v] * 1e3 * 86400 * 365.25).transpose("lat", "lon", "model")
        q25, q75 = nan_quantiles(da.values, (0.25, 0.75))
        out[f"{v}_mean"] = (("lat", "lon"), da.mean("model", skipna=True).values,
                            {"reported_as": ds[v].attrs.get("reported_as", "C")})
        out[f"{v}_spread"] = (("lat", "lon"), (q75 - q25) / 1.35)
    bounds = {"lon": (-180.0, 180.0), "lat": (-90.0, 90.0)}
    for c in ("lon", "lat"):
        if f"{c}_bounds" in ds.coords:
            bounds[c] = (float(ds[f"{c}_bounds"].min()), float(ds[f"{c}_bounds"].max()))
    out.attrs.update(variables=list(variables), lon_extent=list(bounds["lon"]), lat_extent=list(bounds["lat"]))
    return out


def draw_maps(fields: xr.Dataset, title: str):
    """Maps of :func:`map_fields`: per variable the ensemble mean (left) and its spread (right).

    Cells without data are grey; coastlines and borders come from the bundled Natural Earth countries.
    """
    lines = _borders()
    variables = list(fields.attrs["variables"])
    fig, axes = plt.subplots(len(variables), 2, figsize=(13, 3.3 * len(variables)), squeeze=False)
    for row, v in zip(axes, variables):
        mean, spread = fields[f"{v}_mean"], fields[f"{v}_spread"]
        basis = mean.attrs.get("reported_as", "C")
        lim = float(np.nanpercentile(np.abs(mean), 99)) if np.isfinite(mean).any() else 1.0
        for ax, field, cmap, label, kw in ((row[0], mean, "RdBu_r", "ensemble mean", {"vmin": -(lim or 1.0),
                                                                                     "vmax": lim or 1.0}),
                                          (row[1], spread, "viridis", "spread (IQR/1.35)", {})):
            cm = plt.get_cmap(cmap).with_extremes(bad="0.85")
            m = ax.pcolormesh(fields.lon, fields.lat, np.ma.masked_invalid(field.values), cmap=cm, shading="auto", **kw)
            ax.plot(lines[:, 0], lines[:, 1], color="k", linewidth=0.3, scalex=False, scaley=False)
            ax.set_xlim(*fields.attrs["lon_extent"])
            ax.set_ylim(*fields.attrs["lat_extent"])
            ax.set_aspect("equal")
            ax.tick_params(labelsize=7)
            ax.set_title(f"{v}: {label}", fontsize=9)
            fig.colorbar(m, ax=ax, label=f"g {basis} m-2 yr-1", shrink=0.85)
    fig.suptitle(title, fontsize=10)
    # fixed margins (mip.io.figure_layout): tick labels of 7 pt; a colour bar and its labels inside its panel's cell
    fixed_margins(fig, left=0.45, right=0.1, top=0.55, bottom=0.35, wgap=0.45, hgap=0.4)
    return fig


def td_bu_bars(td: pd.DataFrame, bu: pd.DataFrame, regions: list[str], period: str,
               pairs: dict[str, list[str]]):
    """Top-down vs bottom-up bars (mean with min–max) per category, one panel per region."""
    ncol = min(5, len(regions))
    nrow = int(np.ceil(len(regions) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3 * nrow), squeeze=False)
    x = np.arange(len(pairs))
    for ax, reg in zip(axes.ravel(), regions):
        t = td[td.region == reg].set_index("category")
        b = bu[bu.region == reg].set_index("category")
        tm = np.array([t["mean"].get(k, np.nan) for k in pairs])
        tlo = np.array([t["min"].get(k, np.nan) for k in pairs])
        thi = np.array([t["max"].get(k, np.nan) for k in pairs])
        bm = np.array([sum(b["mean"].get(c, np.nan) for c in cs) for cs in pairs.values()])
        blo = np.array([sum(b["min"].get(c, np.nan) for c in cs) for cs in pairs.values()])
        bhi = np.array([sum(b["max"].get(c, np.nan) for c in cs) for cs in pairs.values()])
        ax.bar(x - 0.2, tm, 0.4, yerr=np.abs([tm - tlo, thi - tm]), capsize=2, label="top-down")
        ax.bar(x + 0.2, bm, 0.4, yerr=np.abs([bm - blo, bhi - bm]), capsize=2, label="bottom-up")
        ax.set_title(reg, fontsize=9)
        ax.set_xticks(x, [textwrap.fill(k, 12) for k in pairs], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
    for ax in axes.ravel()[len(regions):]:
        ax.set_visible(False)
    for k, ax in enumerate(axes.ravel()[:len(regions)]):  # categories named under each column's last panel only
        if k + ncol < len(regions):
            ax.tick_params(axis="x", labelbottom=False)
    axes[0, 0].legend(fontsize=7)
    axes[0, 0].set_ylabel("Tg CH4/yr")
    fig.suptitle(f"GCP-CH4 {period}: top-down vs bottom-up (mean, min-max)")
    # fixed margins (mip.io.figure_layout): tick labels of 7 pt, category names up to three lines under a panel
    fixed_margins(fig, left=0.65, right=0.15, top=0.85, bottom=0.7, wgap=0.5, hgap=0.75)
    return fig


def zonal_bars(stats: pd.DataFrame, title: str):
    """Median ± IQR/1.35 per GCB band and the globe, one panel per component (land, ocean, total), bars per experiment.

    ``stats`` has columns ``experiment, region_set, region, component, median, iqr_1_35`` (as written by
    ``analyses/v10mip_zonal.py`` and :func:`mip.report.published_co2.v10mip_zonal_stats`).
    """
    sub = stats[stats.region_set.isin(["gcb", "globe"])]
    regions = ["south", "tropics", "north", "globe"]
    exps = list(dict.fromkeys(sub.experiment))
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    w = 0.8 / max(len(exps), 1)
    for ax, comp in zip(axes, ("land", "ocean", "total")):
        s = sub[sub.component == comp]
        for i, e in enumerate(exps):
            r = s[s.experiment == e].set_index("region").reindex(regions)
            ax.bar(np.arange(len(regions)) + (i - (len(exps) - 1) / 2) * w, r["median"], w, yerr=r["iqr_1_35"],
                   capsize=2, label=e)
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xticks(range(len(regions)), regions)
        ax.set_title(comp)
    axes[0].set_ylabel("Pg C/yr (positive = to the atmosphere)")
    axes[0].legend(fontsize=7)
    fig.suptitle(f"{title}: ensemble median ± IQR/1.35")
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def growth_rate(table: pd.DataFrame):
    """NOAA's CO2 growth rate (Pg C/yr) per year with the GCB atmospheric growth over it."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(table["year"], table["noaa_pgc_per_yr"], color="0.7", label="NOAA growth rate × 2.124 Pg C/ppm")
    ax.plot(table["year"], table["gcb_atmospheric_growth"], "k.-", lw=1, label="GCB 2023 atmospheric growth")
    ax.set_ylabel("Pg C/yr")
    ax.legend(fontsize=8)
    ax.set_title("Observed atmospheric CO2 growth (real data)")
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def co2eq_bars(result: xr.Dataset, title: str):
    """Per region, each gas's central CO2-eq with its members' range as whiskers, GWP100 and GWP20 side by side.

    ``result`` is from :func:`mip.budgets.multigas.co2eq_by_region`; the total (sum of the central values)
    is a diamond.
    """
    regions = [str(r) for r in result.region.values]
    gases = [str(g) for g in result.gas.values]
    colours = {"CO2": "0.45", "CH4": "tab:orange", "N2O": "tab:green"}
    fig, axes = plt.subplots(1, 2, figsize=(max(7, 1.9 * len(regions) + 2), 4.2), sharey=True)
    x = np.arange(len(regions))
    w = 0.8 / len(gases)
    for ax, h in zip(axes, ("GWP100", "GWP20")):
        for k, g in enumerate(gases):
            v = result.co2eq.sel(gas=g, horizon=h).values / 1e3
            lo = result.co2eq_min.sel(gas=g, horizon=h).values / 1e3 if "co2eq_min" in result else v
            hi = result.co2eq_max.sel(gas=g, horizon=h).values / 1e3 if "co2eq_max" in result else v
            xs = x - 0.4 + (k + 0.5) * w
            ax.bar(xs, v, w * 0.9, color=colours.get(g, "tab:blue"), edgecolor="k", lw=0.4, label=g)
            ax.errorbar(xs, v, yerr=[v - lo, hi - v], fmt="none", ecolor="k", elinewidth=0.8, capsize=2)
        ax.plot(x, result.total.sel(horizon=h).values / 1e3, "kD", ms=4, label="total")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_xticks(x, regions, rotation=20, ha="right")
        ax.set_title(h)
    axes[0].set_ylabel("Pg CO2-eq/yr (positive = to the atmosphere)")
    axes[1].legend(fontsize=7)
    fig.suptitle(f"{title} ({result.attrs.get('basis', 'basis not stated')})", fontsize=10)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def closure_bars(closure: xr.Dataset, title: str):
    """Mean mismatch (global total − observed growth) per member, one group of bars per experiment, with the tolerance."""
    mm = closure.mean_mismatch.transpose("experiment", "model")
    exps, models = [str(e) for e in mm.experiment.values], [str(m) for m in mm.model.values]
    fig, ax = plt.subplots(figsize=(max(7, 0.5 * len(models) * len(exps) / 3), 3.8))
    w = 0.8 / max(len(models), 1)
    for j, m in enumerate(models):
        ax.bar(np.arange(len(exps)) + (j - (len(models) - 1) / 2) * w, mm.sel(model=m).values, w, label=m)
    tol = float(closure.attrs.get("tolerance", np.nan))
    for s in (-1, 1):
        ax.axhline(s * tol, color="r", ls="--", lw=0.8)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(range(len(exps)), exps)
    ax.set_ylabel("Pg C/yr")
    ax.set_title(f"{title} (dashed: ±{tol:.2f} Pg C/yr)")
    ax.legend(fontsize=6, ncol=4)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def growth_trend(growth: xr.DataArray, trends: pd.DataFrame):
    """The observed growth rate per year with the OLS trend line of each period in ``trends``."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    years = np.asarray(growth["year"].values)
    ax.bar(years, growth.values, color="0.75", label="NOAA growth rate × 2.124 Pg C/ppm")
    for _, r in trends[~trends.period.str.startswith("difference")].iterrows():
        a, b = (int(p) for p in r["period"].split("-"))
        sel = (years >= a) & (years <= b)
        y = growth.values[sel]
        x0 = years[sel].mean()
        ax.plot(years[sel], y.mean() + r["slope"] * (years[sel] - x0), lw=2,
                label=f"{r['period']}: {r['slope']:+.3f} ± {r['slope_se']:.3f} Pg C/yr per yr")
    ax.set_ylabel("Pg C/yr")
    ax.legend(fontsize=8)
    ax.set_title("Observed CO2 growth rate and its trend (real data)")
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def evaluation_ranges(scores: xr.Dataset, model_name: str, keep: dict[str, list[str]] | None = None):
    """Per variable, per region: the ensemble's range (line), IQR (box) and median (tick), and the model (diamond).

    ``scores`` is from :func:`mip.budgets.esm_scores.evaluate_model`; ``keep`` names the regions shown per variable.
    """
    from mip.report.page import short_label

    variables = [str(v) for v in scores.variable.values if keep is None or keep.get(str(v))]
    width = max(len(keep[v]) if keep else scores.sizes["region"] for v in variables)
    fig, axes = plt.subplots(1, len(variables), figsize=(min(13, max(5, 1.0 * width) * len(variables)), 3.8),
                             squeeze=False)
    for ax, v in zip(axes[0], variables):
        regions = keep[v] if keep else [str(r) for r in scores.region.values]
        x = np.arange(len(regions))
        s = scores.sel(variable=v, region=regions)
        med, half = s.ensemble_median.values, 0.675 * s.iqr_1_35.values
        ax.vlines(x, s.ensemble_min.values, s.ensemble_max.values, color="0.5", lw=1, label="ensemble range")
        ax.bar(x, 2 * half, 0.4, bottom=med - half, color="0.8", edgecolor="0.4", label="ensemble IQR")
        ax.hlines(med, x - 0.2, x + 0.2, color="k", lw=1.5, label="ensemble median")
        ax.plot(x, s.model_mean.values, "D", color="tab:red", ms=6, label=model_name)
        ax.axhline(0, color="k", lw=0.5)
        ax.set_xticks(x, [textwrap.fill(short_label(r), 14) for r in regions], rotation=25, ha="right", fontsize=8)
        ax.set_title(f"{v} ({scores.attrs.get('period', '')})")
        ax.set_ylabel(scores.attrs.get("units", ""))
    axes[0][0].legend(fontsize=7)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig
