"""Multi-predictor emergent constraints: several targets, each regressed on its own predictors (pure compute).

For each target t with predictors P(t): an ordinary least-squares fit y_t = b₀ + Σ b_p x_p over the
members (statsmodels); the constrained value is the fit evaluated at the observed predictors of
the primary instrument.  Its uncertainty is by Monte Carlo: coefficient sets drawn from the fit's
coefficient covariance, plus a prediction noise whose SD is that of the fit's residuals, evaluated
at the primary instrument's predictors and at one simulated observation per other instrument
(primary + that instrument's difference from it); the SD over all of them is the uncertainty.  The
uncertainty reduction is 1 − SD / SD of the prior ensemble (ddof = 1), for every prior of the spec.

Every statistic here is invariant to the units of x and y: OLS predictions and their Monte Carlo
spread scale with y and do not depend on how x is scaled (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from mip.constrain.spec import FieldMetricSpec, MemberRule, MultiPredictorSpec
from mip.errors import MipError

__all__ = ["field_metric", "band_sum", "select_members", "fit_target", "monte_carlo", "run_multi", "MultiOutcome"]


def field_metric(field_: xr.DataArray, spec: FieldMetricSpec) -> xr.DataArray:
    """Weighted mean of a binned field over a latitude (and pressure) range.

    Parameters
    ----------
    field_
        Dims ``lat``, ``pressure`` (and any others, e.g. ``member``).
    spec
        The range and weighting (``coslat``: cos(latitude) of the bin centre; every pressure bin equal).

    Returns
    -------
    xarray.DataArray
        The field without ``lat`` and ``pressure``.
    """
    lo, hi = spec.lat
    # numpy on the selected bins: xarray's where(drop=True), broadcasts and alignments cost 20 ms a call here
    lat = np.asarray(field_["lat"].values, float)
    sel = field_.isel(lat=np.flatnonzero((lat >= lo) & (lat <= hi)))
    if spec.pressure is not None:
        plo, phi = spec.pressure
        pres = np.asarray(sel["pressure"].values, float)
        sel = sel.isel(pressure=np.flatnonzero((pres >= plo) & (pres <= phi)))
    if sel.sizes.get("lat", 0) == 0 or sel.sizes.get("pressure", 0) == 0:
        raise MipError(f"no bin of the field in latitudes {spec.lat} / pressures {spec.pressure}")
    sel = sel.transpose(..., "lat", "pressure")
    v = np.asarray(sel.values, float)
    w_lat = np.cos(np.deg2rad(np.asarray(sel["lat"].values, float))) if spec.weight == "coslat" else np.ones(sel.sizes["lat"])
    w = np.broadcast_to(w_lat[:, None], v.shape[-2:])  # every pressure bin alike
    valid = ~np.isnan(v)
    with np.errstate(invalid="ignore", divide="ignore"):  # no valid bin at all: NaN
        mean = np.where(valid, v * w, 0.0).sum(axis=(-2, -1)) / (w * valid).sum(axis=(-2, -1))
    coords = {k: c for k, c in sel.coords.items() if not {"lat", "pressure"} & set(c.dims)}
    return xr.DataArray(mean, dims=sel.dims[:-2], coords=coords)


def band_sum(table: xr.DataArray, centres: tuple[float, float]) -> xr.DataArray:
    """Sum of the by-latitude bands whose centres lie in ``centres`` (inclusive); NaN stays NaN."""
    lo, hi = centres
    keep = [c for c in table["lat"].values if lo <= c <= hi]
    if not keep:
        raise MipError(f"no band centre in {centres}")
    return table.sel(lat=keep).sum("lat", skipna=False)


def select_members(members: list[str], rule: MemberRule) -> list[str]:
    """Members ``<MODEL>_<EXP>`` kept by a rule (experiments and models excluded by name)."""
    out = []
    for m in members:
        model, _, exp = m.rpartition("_")
        if exp in rule.exclude_experiments or model in rule.exclude_models:
            continue
        out.append(m)
    return out


def fit_target(X: pd.DataFrame, y: pd.Series, weights: pd.Series | None = None) -> dict:
    """OLS of ``y`` on the columns of ``X`` with an intercept (statsmodels), or WLS with member weights.

    Parameters
    ----------
    X, y
        Predictors and predictand per member.
    weights
        Optional member weights (e.g. skill weights, :mod:`mip.obs.weights`): weighted least squares, and
        the residuals' ``resid_weights`` kept for the prediction noise.

    Returns
    -------
    dict
        ``params`` (Series, ``const`` first), ``cov`` (DataFrame), ``resid`` (Series), ``r2``,
        ``n``, ``p_values`` (Series), ``resid_weights`` (None unweighted).
    """
    from statsmodels.regression.linear_model import OLS, WLS  # not statsmodels.api: 0.3 s more to import
    from statsmodels.tools.tools import add_constant

    if len(y) < X.shape[1] + 2:
        raise MipError(f"{len(y)} members for {X.shape[1]} predictors: too few to fit and estimate the noise")
    A = add_constant(X.to_numpy(float), has_constant="add")
    w = None if weights is None else weights.reindex(y.index).to_numpy(float)
    if w is not None and not (np.isfinite(w).all() and (w > 0).all()):
        raise MipError(f"member weights missing or not positive for {list(y.index[~(np.isfinite(w) & (w > 0))])}")
    fit = (OLS(y.to_numpy(float), A) if w is None else WLS(y.to_numpy(float), A, weights=w)).fit()
    names = ["const", *X.columns]
    return {"params": pd.Series(fit.params, index=names), "cov": pd.DataFrame(fit.cov_params(), index=names, columns=names),
            "resid": pd.Series(fit.resid, index=y.index), "r2": float(fit.rsquared), "n": int(fit.nobs),
            "p_values": pd.Series(fit.pvalues, index=names), "resid_weights": w}


def monte_carlo(fit: dict, x_obs: list[pd.Series], *, draws: int, seed: int, residual_ddof: int = 0) -> np.ndarray:
    """Samples of the constrained value: (observation sets, draws).

    Parameters
    ----------
    fit
        From :func:`fit_target`.
    x_obs
        One predictor vector per (real or simulated) observation, indexed like ``fit["params"]``
        without ``const``.
    draws
        Coefficient sets (the same sets are used for every observation).
    seed
        Random seed.
    residual_ddof
        The prediction noise's SD is ``std(resid, ddof=residual_ddof)``.

    Returns
    -------
    numpy.ndarray
    """
    rng = np.random.default_rng(seed)
    cov = fit["cov"].to_numpy()
    # β = b + L z with L the Cholesky factor: rescaling x or y rescales L the same way, so the
    # samples (not only their distribution) are invariant to the units
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError as exc:
        raise MipError("the fit's coefficient covariance is not positive definite (collinear predictors?)") from exc
    beta = fit["params"].to_numpy() + rng.standard_normal((draws, cov.shape[0])) @ chol.T
    s = _resid_sd(fit, residual_ddof)
    out = np.empty((len(x_obs), draws))
    for k, xo in enumerate(x_obs):
        xv = np.concatenate([[1.0], xo.reindex(fit["params"].index[1:]).to_numpy(float)])
        out[k] = beta @ xv + rng.normal(0.0, s, size=draws)
    return out


def _resid_sd(fit: dict, ddof: int) -> float:
    """The prediction noise's SD: ``std(resid, ddof)``, or with member weights the weighted RMS residual."""
    r = fit["resid"].to_numpy(float)
    w = fit.get("resid_weights")
    if w is None:
        return float(np.std(r, ddof=ddof))
    return float(np.sqrt(np.average((r - np.average(r, weights=w)) ** 2, weights=w)))


@dataclass
class MultiOutcome:
    """Inputs, fits and results of a multi-predictor constraint."""

    spec: MultiPredictorSpec
    x: pd.DataFrame                 # member × predictor
    y: pd.DataFrame                 # member × target (predictand)
    x_obs: pd.DataFrame             # observation (primary, simulated ...) × predictor
    fits: dict[str, dict] = field(default_factory=dict)
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    profile: pd.DataFrame = field(default_factory=pd.DataFrame)  # member × band centre (predictand table)
    notes: list[str] = field(default_factory=list)

    def coefficients(self) -> pd.DataFrame:
        """One row per target and term: estimate, SE, p-value, and the fit's r², n, residual SD."""
        rows = []
        for t, f in self.fits.items():
            se = np.sqrt(np.diag(f["cov"].to_numpy()))
            for (term, b), s, p in zip(f["params"].items(), se, f["p_values"]):
                rows.append({"target": t, "term": term, "estimate": b, "se": s, "p_value": p, "r2": f["r2"],
                             "n": f["n"], "residual_sd": _resid_sd(f, self.spec.monte_carlo.residual_ddof)})
        return pd.DataFrame(rows)


def run_multi(spec: MultiPredictorSpec, member_weights: pd.Series | None = None) -> MultiOutcome:
    """Run a multi-predictor spec: metrics, predictands, fits, Monte Carlo, reductions against every prior.

    Parameters
    ----------
    spec
        The spec (its data paths already resolved by :func:`mip.constrain.spec.load_spec`).
    member_weights
        Optional weights per member (``<MODEL>_<EXP>``), e.g. skill weights: weighted fits and weighted
        prior means and SDs (a sensitivity; the default is every member equal).

    Returns
    -------
    MultiOutcome
        ``results`` has one row per target: ``region, mean, sd, prior_mean, prior_sd, reduction_pct``
        (against the first prior), ``n_prior``, then ``prior_mean_<name>, prior_sd_<name>,
        reduction_pct_<name>, n_prior_<name>`` for every other prior, then ``n_members``, ``r2``.
    """
    from mip.obs.binned import read_binned_columns
    from mip.tables.v10mip_zonal import read_summary_table

    d = spec.data
    fields = read_binned_columns(d.fields)
    obs = read_binned_columns(d.observations, labels_from=d.fields if d.observations_join == "position" else None)
    table = read_summary_table(d.fluxes)
    members = select_members([str(m) for m in fields["member"].values], spec.members)
    if "model" not in fields.coords:
        raise MipError(f"{d.fields}: member columns are not '<MODEL>_<EXP>'")
    x = pd.DataFrame({p: field_metric(fields, ps).to_series() for p, ps in spec.predictors.items()}).loc[members]
    ys, missing = {}, []
    for t, bs in spec.predictands.items():
        # one table of (model, experiment) -> flux, not an xarray .sel a member (0.5 ms each)
        flux = band_sum(table, bs.centres).transpose("model", "experiment").to_series().to_dict()
        vals = {}
        for m in members:
            model, _, exp = m.rpartition("_")
            if (model, exp) in flux:
                vals[m] = float(flux[(model, exp)])
            else:
                missing.append(m)
        ys[t] = pd.Series(vals)
    if missing:
        raise MipError(f"{d.fluxes}: no flux for member(s) {sorted(set(missing))} of {d.fields}")
    y = pd.DataFrame(ys).loc[members]
    nan = y.index[y.isnull().any(axis=1) | x.isnull().any(axis=1)]
    notes = [f"members without a value, left out: {', '.join(nan)}"] if len(nan) else []
    x, y = x.drop(nan), y.drop(nan)
    primary = obs.sel(member=spec.observations.primary)
    xo_rows = {spec.observations.primary: {p: float(field_metric(primary, ps)) for p, ps in spec.predictors.items()}}
    for dname in spec.observations.differences:
        diff = obs.sel(member=dname)
        xo_rows[f"{spec.observations.primary} + {dname}"] = {
            p: xo_rows[spec.observations.primary][p] + float(field_metric(diff, ps)) for p, ps in spec.predictors.items()}
    x_obs = pd.DataFrame(xo_rows).T
    out = MultiOutcome(spec, x, y, x_obs, notes=notes)
    rows = []
    prior_names = list(spec.priors)
    for t, preds in spec.targets.items():
        f = fit_target(x[preds], y[t], None if member_weights is None else member_weights.reindex(y.index))
        out.fits[t] = f
        xo = [x_obs.loc[k, preds] for k in x_obs.index]
        central = float(f["params"].to_numpy() @ np.concatenate([[1.0], xo[0].to_numpy(float)]))
        samples = monte_carlo(f, xo, draws=spec.monte_carlo.draws, seed=spec.monte_carlo.seed,
                              residual_ddof=spec.monte_carlo.residual_ddof)
        sd = float(np.std(samples))
        row = {"region": t, "mean": central, "sd": sd}
        for k, name in enumerate(prior_names):
            keep = select_members(list(y.index), spec.priors[name])
            if member_weights is None:
                pm, ps = float(y.loc[keep, t].mean()), float(y.loc[keep, t].std(ddof=1))
            else:  # reliability weights: the unbiased weighted variance (equal weights give ddof = 1)
                wk = member_weights.reindex(keep).to_numpy(float)
                pm = float(np.average(y.loc[keep, t], weights=wk))
                v1, v2 = wk.sum(), (wk**2).sum()
                ps = float(np.sqrt(np.sum(wk * (y.loc[keep, t] - pm) ** 2) / (v1 - v2 / v1)))
            sfx = "" if k == 0 else f"_{name}"
            row.update({f"prior_mean{sfx}": pm, f"prior_sd{sfx}": ps, f"reduction_pct{sfx}": 100 * (1 - sd / ps),
                        f"n_prior{sfx}": len(keep)})
        row.update(n_members=len(y), r2=f["r2"])
        rows.append(row)
    out.results = pd.DataFrame(rows)
    out.profile = pd.DataFrame({m: table.sel(model=m.rpartition("_")[0], experiment=m.rpartition("_")[2]).to_series()
                                for m in y.index}).T
    return out
