"""Earth-system-model evaluation against an inversion ensemble, per region and period (pure compute).

Both inputs are regional monthly totals on the same regions (:func:`mip.aggregate` of the model's
canonical fields and of the ensemble). For each variable and region, over a period of whole years:

- ``model_mean`` against the ensemble's member means: ``in_range`` (inside [min, max] of the
  members) and ``distance`` = (model − median) / (IQR/1.35), the ensemble spread in units of a
  normal standard deviation;
- the seasonal cycle (the mean of each calendar month minus the period mean): its correlation with
  the ensemble median's cycle and the ratio of their amplitudes (max − min);
- the trend of the annual means (OLS, per year) minus that of the ensemble median, with the two
  lag-1-inflated standard errors in quadrature (:func:`mip.budgets.trends.linear_trend`).

Months are matched by their (year, month) labels. Models on other calendars (``noleap``,
``360_day``) are compared only when ``calendar="by-month"`` says so (each side's annual means are
weighted by its own month lengths); otherwise a calendar difference is an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from mip.conventions.period import Period
from mip.errors import MismatchError

__all__ = ["evaluate_model", "evaluation_table"]

SCORES = ("model_mean", "ensemble_median", "ensemble_min", "ensemble_max", "iqr_1_35", "in_range", "distance",
          "seasonal_correlation", "amplitude_ratio", "model_trend", "ensemble_trend", "trend_difference",
          "trend_difference_se", "n_members")


def _calendar(da: xr.DataArray) -> str:
    t = da["time"]
    if np.issubdtype(t.dtype, np.datetime64):
        return "standard"
    c = getattr(t.values[0], "calendar", "standard")
    return "standard" if c in ("standard", "gregorian", "proleptic_gregorian") else str(c)


def _by_month(da: xr.DataArray, years: tuple[int, int], who: str) -> xr.DataArray:
    """Values on a (year, month) MultiIndex for the whole years of the period, with the month lengths."""
    y, m = da["time"].dt.year.values, da["time"].dt.month.values
    keep = (y >= years[0]) & (y <= years[1])
    want = (years[1] - years[0] + 1) * 12
    if int(keep.sum()) != want:
        raise MismatchError(f"{who}: {int(keep.sum())} months in {years[0]}-{years[1]}, expected all {want}")
    sub = da.isel(time=np.nonzero(keep)[0])
    days = sub["time"].dt.days_in_month.values.astype(float)
    return sub.assign_coords(year=("time", y[keep]), month=("time", m[keep]), days=("time", days))


def _annual(da: xr.DataArray) -> xr.DataArray:
    """Annual means weighted by month length; a year with a month of no data is NaN (never a sum of nothing = 0)."""
    w = da["days"]
    return (da * w).groupby("year").sum("time", skipna=False) / w.groupby("year").sum("time")


def _cycle(da: xr.DataArray) -> xr.DataArray:
    clim = da.groupby("month").mean("time")
    return clim - clim.mean("month")


def evaluate_model(model: xr.Dataset, ensemble: xr.Dataset, *, period: tuple[int, int] | str | Period,
                   variables: list[str] | None = None, calendar: str = "error", member: str = "model") -> xr.Dataset:
    """Score a model's regional totals against the ensemble's, per variable and region.

    Parameters
    ----------
    model
        Monthly regional totals of the model (dims ``time``, ``region``; size-1 ``model`` and
        ``experiment`` dims are dropped).
    ensemble
        Monthly regional totals of the ensemble (dims ``model``, ``time``, ``region``; select one
        experiment first).
    period
        Whole years both must cover, the last included: ``(2015, 2020)``, ``"2015:2020"`` or a
        :class:`~mip.conventions.period.Period`.
    variables
        Variables to score (default those both have).
    calendar
        ``"error"`` (the default: the calendars must agree) or ``"by-month"`` (compare months by
        their labels across calendars).
    member
        The ensemble's member dimension.

    Returns
    -------
    xarray.Dataset
        One variable per score (:data:`SCORES`) on (``variable``, ``region``); ``attrs`` record the
        period, the calendars and the units.

    Raises
    ------
    MismatchError
        Different calendars (without ``calendar="by-month"``), regions, or a period either side
        does not cover.
    """
    from mip.budgets.stats import ensemble_stats
    from mip.budgets.trends import linear_trend

    period = Period.parse(period).years

    model = model.squeeze([d for d in ("model", "experiment") if d in model.dims and model.sizes[d] == 1], drop=True)
    if "experiment" in ensemble.dims:
        raise MismatchError(f"ensemble has {ensemble.sizes['experiment']} experiments; select one to compare with")
    variables = variables or [v for v in model.data_vars if v in ensemble.data_vars]
    if not variables:
        raise MismatchError(f"model variables {list(model.data_vars)} and ensemble variables "
                            f"{list(ensemble.data_vars)} share none")
    cm, ce = _calendar(model[variables[0]]), _calendar(ensemble[variables[0]])
    if cm != ce and calendar != "by-month":
        raise MismatchError(f"calendars differ: model {cm!r}, ensemble {ce!r}; pass calendar='by-month' to compare "
                            "months by their labels (each side's annual means weighted by its own month lengths)")
    rm, re_ = [str(r) for r in model.region.values], [str(r) for r in ensemble.region.values]
    if rm != re_:
        raise MismatchError(f"regions differ: model has {sorted(set(rm) - set(re_))}, ensemble has "
                            f"{sorted(set(re_) - set(rm))} beyond the other")
    out = {s: np.full((len(variables), len(rm)), np.nan) for s in SCORES}
    unscored: list[str] = []
    for i, v in enumerate(variables):
        mm = _by_month(model[v], period, f"model {v}")
        ee = _by_month(ensemble[v], period, f"ensemble {v}")
        m_ann, e_ann = _annual(mm), _annual(ee)
        m_mean, e_mean = m_ann.mean("year", skipna=False), e_ann.mean("year", skipna=False)
        st = ensemble_stats(e_mean, dim=member)
        med_series = ee.median(member)
        m_cyc, e_cyc = _cycle(mm), _cycle(med_series)
        m_tr = linear_trend(m_ann, "year")
        e_tr = linear_trend(_annual(med_series), "year")
        for j, r in enumerate(rm):
            a, b = m_cyc.sel(region=r).values, e_cyc.sel(region=r).values
            amp_e = np.ptp(b)
            sr = st.sel(region=r)
            vals = {"model_mean": float(m_mean.sel(region=r)), "ensemble_median": float(sr["median"]),
                    "ensemble_min": float(sr["min"]), "ensemble_max": float(sr["max"]), "iqr_1_35": float(sr["iqr_1_35"]),
                    "seasonal_correlation": float(np.corrcoef(a, b)[0, 1]) if np.ptp(a) > 0 and amp_e > 0 else np.nan,
                    "amplitude_ratio": float(np.ptp(a) / amp_e) if amp_e > 0 else np.nan,
                    "model_trend": float(m_tr.slope.sel(region=r)), "ensemble_trend": float(e_tr.slope.sel(region=r)),
                    "n_members": float(sr["n_members"])}
            vals["in_range"] = float(vals["ensemble_min"] <= vals["model_mean"] <= vals["ensemble_max"]) \
                if np.isfinite(vals["model_mean"]) else np.nan  # no data: not scored, never "outside"
            if not np.isfinite(vals["model_mean"]):
                unscored.append(f"{v} {r}")
            vals["distance"] = (vals["model_mean"] - vals["ensemble_median"]) / vals["iqr_1_35"] \
                if vals["iqr_1_35"] > 0 else np.nan
            vals["trend_difference"] = vals["model_trend"] - vals["ensemble_trend"]
            vals["trend_difference_se"] = float(np.hypot(m_tr.slope_se.sel(region=r), e_tr.slope_se.sel(region=r)))
            for s, x in vals.items():
                out[s][i, j] = x
    ds = xr.Dataset({s: (("variable", "region"), a) for s, a in out.items()},
                    coords={"variable": variables, "region": rm})
    ds["n_members"] = ds["n_members"].astype(int)
    ds["in_range"].attrs["meaning"] = "1 inside [min, max] of the members, 0 outside, NaN no model value (missing data)"
    if unscored:
        import warnings

        from mip.errors import IncompleteWarning

        warnings.warn(f"the model has no value (missing data in {period[0]}-{period[1]}) for: {', '.join(unscored)}; "
                      "those are not scored", IncompleteWarning, stacklevel=2)
    ds.attrs["unscored"] = "; ".join(unscored)
    ds.attrs.update(period=f"{period[0]}-{period[1]}", model_calendar=cm, ensemble_calendar=ce,
                    units=str(model[variables[0]].attrs.get("units", "")),
                    distance="(model - ensemble median) / (IQR/1.35)")
    return ds


def evaluation_table(scores: xr.Dataset) -> pd.DataFrame:
    """The scores as a table, one row per variable and region.

    Parameters
    ----------
    scores
        From :func:`evaluate_model`.

    Returns
    -------
    pandas.DataFrame
    """
    return scores.to_dataframe().reset_index()[["variable", "region", *SCORES]]
