"""Figures of an emergent constraint: group scatter with fit and band, PDFs, per-case panels.

The figures draw a :class:`Drawing`: the outcome's tables and results with the OLS prediction bands
already computed, so that the report's figure process (:mod:`mip.io.figure_worker`) imports neither
the spec, the fitting code nor scipy.stats to draw them (about 1 s of that process's CPU time in ``mip demo``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mip.io import save_figure  # noqa: E402
from mip.io.figure_layout import fixed_margins  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from matplotlib.figure import Figure

    from mip.constrain.runner import Outcome

__all__ = ["Drawing", "drawing", "scatter_figure", "pdf_figure", "case_panels", "save"]

COLORS = plt.get_cmap("tab10").colors


@dataclass(frozen=True)
class Drawing:
    """What the constraint figures show, without the spec or the fitting code (light to pickle and import).

    ``bands``: per group of cases, the x values ``xx`` of its scatter, the OLS line ``mid`` through its
    points and the half-width ``half`` of its 66 % prediction band, z·s·sqrt(1 + 1/N + (x − x̄)²/Sxx) with z the
    standard normal quantile of 5/6.
    """

    name: str
    method: str
    predictor_units: str
    predictand: str
    predictand_units: str
    x: "pd.DataFrame"
    y: "pd.DataFrame"
    obs: "pd.DataFrame"
    results: dict[str, dict[str, Any]]
    group_of: dict[str, str]
    bands: dict[str, dict[str, np.ndarray]]


def drawing(outcome: "Outcome | Drawing") -> Drawing:
    """The :class:`Drawing` of an outcome, its OLS prediction bands computed here (a Drawing is returned as is).

    Parameters
    ----------
    outcome
        A :class:`mip.constrain.runner.Outcome`.

    Returns
    -------
    Drawing
    """
    if isinstance(outcome, Drawing):
        return outcome
    from mip.constrain.linear import fit_ols

    spec = outcome.spec
    z = NormalDist().inv_cdf(5 / 6)
    bands = {}
    for g, cases in _groups(outcome.group_of).items():
        x, y, _ = _points(outcome.x, outcome.y, cases)
        xx = np.linspace(min(x.min(), outcome.obs.loc[cases, "value"].min()) - 0.1,
                         max(x.max(), outcome.obs.loc[cases, "value"].max()) + 0.1, 100)
        f = fit_ols(x, y)
        bands[g] = {"xx": xx, "mid": f["intercept"] + f["slope"] * xx,
                    "half": z * f["s"] * np.sqrt(1 + 1 / f["n"] + (xx - f["xm"]) ** 2 / f["sxx"])}
    return Drawing(name=spec.name, method=spec.method, predictor_units=spec.predictor.units,
                   predictand=spec.predictand.variable, predictand_units=spec.predictand.units, x=outcome.x,
                   y=outcome.y, obs=outcome.obs, results=outcome.results, group_of=dict(outcome.group_of), bands=bands)


def save(fig: "Figure | Callable[[], Figure]", path: Path) -> Path:
    """Save a figure, or a drawing returning one, atomically and close it (:func:`mip.io.save_figure` at 100 dpi)."""
    return save_figure(fig, path, dpi=100)


def _groups(group_of: dict[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for c, g in group_of.items():
        groups.setdefault(g, []).append(c)
    return groups


def _points(x: "pd.DataFrame", y: "pd.DataFrame", cases: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    xs, ys, ms = [], [], []
    for c in cases:
        for m in x.columns:
            xv, yv = x.loc[c, m], y.loc[c, m]
            if np.isfinite(xv) and np.isfinite(yv):
                xs.append(xv), ys.append(yv), ms.append(m)
    return np.array(xs), np.array(ys), ms


def scatter_figure(outcome: "Outcome | Drawing", method: str | None = None) -> "Figure":
    """One panel per group: members, the fitted line, a 66 % OLS prediction band, the observations."""
    d = drawing(outcome)
    method = method or d.method
    groups = _groups(d.group_of)
    fig, axes = plt.subplots(1, len(groups), figsize=(5.5 * len(groups), 4.5), squeeze=False)
    models = list(d.x.columns)
    for ax, (g, cases) in zip(axes[0], groups.items()):
        x, y, ms = _points(d.x, d.y, cases)
        for m in models:
            sel = [i for i, mm in enumerate(ms) if mm == m]
            ax.scatter(x[sel], y[sel], s=18, color=COLORS[models.index(m) % 10], label=m)
        r = d.results[method][cases[0]]
        b = d.bands[g]
        xx = b["xx"]
        ax.plot(xx, r.slope * xx + r.intercept, "k-", lw=1.5, label=f"{method} fit (slope {r.slope:.2f})")
        ax.fill_between(xx, b["mid"] - b["half"], b["mid"] + b["half"], color="0.8", alpha=0.6,
                        label="OLS 66% prediction band")
        for c in cases:
            o, s = d.obs.loc[c, "value"], d.obs.loc[c, "sd"]
            ax.axvspan(o - s, o + s, color="tab:red", alpha=0.08)
            ax.axvline(o, color="tab:red", lw=0.8)
            ax.text(o, ax.get_ylim()[1], c, rotation=90, va="top", ha="right", fontsize=7, color="tab:red")
        ax.set_title(f"{g}: {len(x)} points")
        ax.set_xlabel(f"predictor ({d.predictor_units})")
        ax.set_ylabel(f"predictand ({d.predictand_units})")
    axes[0, -1].legend(fontsize=6, loc="lower right")
    fig.suptitle(d.name)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def pdf_figure(outcome: "Outcome | Drawing", case: str) -> "Figure":
    """Unconstrained (prior) vs constrained densities of every method for one case."""
    d = drawing(outcome)
    fig, ax = plt.subplots(figsize=(6, 4))
    first = next(iter(d.results.values()))[case]
    xx = np.linspace(first.prior_mean - 4 * first.prior_sd, first.prior_mean + 4 * first.prior_sd, 400)
    ax.plot(xx, np.vectorize(NormalDist(first.prior_mean, first.prior_sd).pdf)(xx), "k--", label="unconstrained ensemble")
    for i, (m, res) in enumerate(d.results.items()):
        r = res[case]
        ax.plot(r.grid, r.pdf / np.trapezoid(r.pdf, r.grid), color=COLORS[i % 10],
                label=f"{m}: {r.mean:.2f} [{r.p05:.2f}, {r.p95:.2f}]")
    lo = min([first.prior_mean - 4 * first.prior_sd] + [r[case].mean - 4 * r[case].sd for r in d.results.values()])
    hi = max([first.prior_mean + 4 * first.prior_sd] + [r[case].mean + 4 * r[case].sd for r in d.results.values()])
    ax.set_xlim(lo, hi)
    ax.set_xlabel(f"{d.predictand} ({d.predictand_units})")
    ax.set_ylabel("density")
    ax.set_title(f"{d.name}: {case}")
    ax.legend(fontsize=7)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def case_panels(outcome: "Outcome | Drawing", method: str | None = None) -> "Figure":
    """One panel per case: its members, the group fit, the observation and the constrained value."""
    d = drawing(outcome)
    method = method or d.method
    cases = list(d.results[method])
    ncol = min(5, len(cases))
    nrow = int(np.ceil(len(cases) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.2 * ncol, 3.0 * nrow), squeeze=False)
    models = list(d.x.columns)
    for ax, c in zip(axes.ravel(), cases):
        r = d.results[method][c]
        for m in models:
            xv, yv = d.x.loc[c, m], d.y.loc[c, m]
            if np.isfinite(xv) and np.isfinite(yv):
                ax.scatter(xv, yv, s=16, color=COLORS[models.index(m) % 10])
        o, s = d.obs.loc[c, "value"], d.obs.loc[c, "sd"]
        xx = np.linspace(np.nanmin([d.x.loc[c].min(), o - s]), np.nanmax([d.x.loc[c].max(), o + s]), 50)
        ax.plot(xx, r.slope * xx + r.intercept, "k-", lw=1)
        ax.axvspan(o - s, o + s, color="tab:red", alpha=0.15)
        ax.errorbar([o], [r.mean], yerr=[[r.mean - r.p17], [r.p83 - r.mean]], fmt="o", color="tab:red", ms=4)
        ax.set_title(f"{c}: {r.mean:.2f} ± {r.sd:.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.ravel()[len(cases):]:
        ax.set_visible(False)
    fig.suptitle(f"{d.name} ({method})")
    # fixed margins (mip.io.figure_layout): tick labels of 7 pt, a title of 8 pt over each panel
    fixed_margins(fig, left=0.5, right=0.15, top=0.7, bottom=0.35, wgap=0.5, hgap=0.45)
    return fig


def multi_scatter(outcome) -> "Figure":
    """Per target: each member's flux against the fit's prediction, the 1:1 line and the constrained band."""
    targets = list(outcome.fits)
    fig, axes = plt.subplots(1, len(targets), figsize=(4.2 * len(targets), 4), squeeze=False)
    res = outcome.results.set_index("region")
    for ax, t in zip(axes[0], targets):
        f = outcome.fits[t]
        preds = list(f["params"].index[1:])
        fitted = f["params"]["const"] + outcome.x[preds].to_numpy() @ f["params"][preds].to_numpy()
        exps = [m.rpartition("_")[2] for m in outcome.y.index]
        for e in dict.fromkeys(exps):
            sel = np.array([x == e for x in exps])
            ax.scatter(fitted[sel], outcome.y[t].to_numpy()[sel], s=14, label=e)
        lo, hi = np.nanmin(fitted), np.nanmax(fitted)
        ax.plot([lo, hi], [lo, hi], "k-", lw=0.8)
        m, s = res.loc[t, "mean"], res.loc[t, "sd"]
        ax.axhspan(m - s, m + s, color="tab:red", alpha=0.2, lw=0)
        ax.axvline(m, color="tab:red", lw=1)
        ax.set_title(f"{t}: r² = {f['r2']:.2f}; {m:.2f} ± {s:.2f}")
        ax.set_xlabel("predicted from the concentration metrics (Pg C/yr)")
        ax.set_ylabel("member's flux (Pg C/yr)")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"{outcome.spec.name}: members (points), fit (1:1) and constrained value ± SD (red)")
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig


def profile_figure(outcome) -> "Figure":
    """The latitudinal flux profile: prior members and median per band, and the constrained regional totals."""
    prof = outcome.profile
    lat = np.asarray(prof.columns, float)
    fig, ax = plt.subplots(figsize=(8, 4))
    for _, row in prof.iterrows():
        ax.plot(lat, row.to_numpy(), color="0.75", lw=0.6)
    ax.plot(lat, prof.median().to_numpy(), "k-", lw=1.5, label="prior ensemble median (per 10° band)")
    spec = outcome.spec
    res = outcome.results.set_index("region")
    for t in outcome.fits:
        lo, hi = spec.predictands[t].centres
        c = [x for x in lat if lo <= x <= hi]
        n = len(c)
        for val, sd, style, lab in ((res.loc[t, "prior_mean"], res.loc[t, "prior_sd"], "tab:blue", "prior mean ± SD"),
                                    (res.loc[t, "mean"], res.loc[t, "sd"], "tab:red", "constrained ± SD")):
            ax.fill_between([min(c) - 5, max(c) + 5], (val - sd) / n, (val + sd) / n, color=style, alpha=0.25, lw=0,
                            label=lab if t == next(iter(outcome.fits)) else None)
            ax.hlines(val / n, min(c) - 5, max(c) + 5, color=style)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel("latitude (band centre)")
    ax.set_ylabel("Pg C/yr per 10° band (regional totals spread evenly)")
    ax.legend(fontsize=7)
    ax.set_title(f"{spec.name}: prior vs constrained latitudinal flux")
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig
