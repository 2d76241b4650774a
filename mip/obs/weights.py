"""An optional skill-weighted ensemble from observation-space scores, beside the unweighted one (never the default).

Method (the performance part of ClimWIP, Knutti et al. 2017; Brunner et al. 2020): each member's weight is
``w_i ∝ exp(−(D_i/σ_D)²)``, with ``D_i`` its distance from the observations (a score such as the RMSE over the
ATom bins) and ``σ_D`` the shape parameter, by default the median distance of the members weighted together
(stated with every result; it is never tuned to the budget the weights are applied to).  The independence
term of ClimWIP is not applied: the v10 MIP members share transport models and priors in ways no score here
measures, and that is said beside the result.  Weights sum to 1 within each group of members weighted
together (an experiment); ``n_effective`` = 1/Σw² says how many members the weighted ensemble rests on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import MipError

__all__ = ["skill_weights", "weighted_band_budgets", "BAND_GROUPS"]

#: The band groups of the weighted budgets (°N), as the v10 MIP's composite bands.
BAND_GROUPS = {"north (20N-90N)": (20, 90), "tropics (20S-20N)": (-20, 20), "south (90S-20S)": (-90, -20),
               "globe": (-90, 90)}


def skill_weights(scores: pd.DataFrame, *, metric: str = "rmse", group: str = "all bins", within: str = "experiment",
                  member: str = "model", sigma: float | None = None) -> pd.DataFrame:
    """Performance weights of the members from one score.

    Parameters
    ----------
    scores
        Scores with columns ``within``, ``member``, ``group`` and ``metric`` (e.g. from
        :func:`mip.obs.obs_space.atom_evaluation`).
    metric
        The distance: a score where smaller is better (``rmse``, ``crmse``; ``|bias|`` via ``abs_bias``).
    group
        Which group of bins or sites the distance is taken over.
    within
        Members are weighted together within each value of this column (each experiment).
    member
        The member column.
    sigma
        The shape parameter σ_D; default the median distance within each group of members.

    Returns
    -------
    pandas.DataFrame
        ``within, member, distance, sigma, weight`` (weights sum to 1 within each group), ``n_effective``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"experiment": ["E"] * 3, "model": ["a", "b", "c"], "group": ["all bins"] * 3,
    ...                   "rmse": [0.0, 1.0, 1.0]})
    >>> w = skill_weights(s, sigma=1.0)
    >>> [round(x, 4) for x in w.weight]  # 1 : e^-1 : e^-1, normalised
    [0.5761, 0.2119, 0.2119]
    """
    s = scores[scores["group"] == group].copy() if "group" in scores.columns else scores.copy()
    if metric == "abs_bias":
        s["abs_bias"] = s["bias"].abs()
    if metric not in s.columns:
        raise MipError(f"no score {metric!r} to weight by; scores have {', '.join(map(str, scores.columns))}")
    if s.empty:
        raise MipError(f"no scores in group {group!r}")
    lower_better = {"rmse", "crmse", "abs_bias"}
    if metric not in lower_better:
        raise MipError(f"weights need a distance (smaller = better): one of {', '.join(sorted(lower_better))}")
    rows = []
    for key, g in s.groupby(within, sort=False):
        d = g[metric].to_numpy(float)
        if not np.isfinite(d).all():
            bad = g.loc[~np.isfinite(d), member].tolist()
            raise MipError(f"{within} {key}: no {metric} for {bad}; a member without a score cannot be weighted")
        sig = float(np.median(d)) if sigma is None else float(sigma)
        if not sig > 0:
            raise MipError(f"{within} {key}: shape parameter sigma = {sig}; expected > 0")
        w = np.exp(-((d / sig) ** 2))
        w /= w.sum()
        rows.append(pd.DataFrame({within: key, member: g[member].to_numpy(), "distance": d, "sigma": sig,
                                  "weight": w, "n_effective": 1.0 / np.sum(w**2)}))
    out = pd.concat(rows, ignore_index=True)
    out.attrs.update(method=f"w ∝ exp(-({metric}/sigma)^2) within each {within} (ClimWIP performance term; no "
                            "independence term)",
                     sigma="the median distance within each group" if sigma is None else f"{sigma:g}, given",
                     distance=f"{metric} over {group}")
    return out


def weighted_band_budgets(annual: xr.Dataset, weights: pd.DataFrame, *, years: tuple[int, int] = (2015, 2020),
                          within: str = "experiment", member: str = "model") -> pd.DataFrame:
    """Unweighted and skill-weighted ensemble mean and spread of band budgets, and the change.

    Parameters
    ----------
    annual
        ``land``, ``ocean`` on (model, experiment, region = 10° bands ``"60S-50S"`` ..., year), Pg C/yr
        (:func:`mip.tables.v10mip_zonal.bundled_annual`).
    weights
        From :func:`skill_weights`.
    years
        First and last calendar year of the mean.
    within, member
        The columns of ``weights``.

    Returns
    -------
    pandas.DataFrame
        Per experiment, band group (:data:`BAND_GROUPS`) and flux (land, ocean, land + ocean): ``members``,
        ``mean``, ``sd`` (unweighted), ``weighted_mean``, ``weighted_sd``, ``change`` (weighted − unweighted
        mean), ``sd_ratio`` (weighted / unweighted), ``n_effective``.  SDs are population SDs (ddof 0) on both
        sides, so their ratio compares like with like.
    """
    from mip.tables.v10mip_zonal import band_edges

    span = annual.sel(year=slice(years[0], years[1]))
    if span.sizes.get("year", 0) != years[1] - years[0] + 1:
        raise MipError(f"years {years[0]}-{years[1]}: the table has {annual.year.values.min()}-"
                       f"{annual.year.values.max()}")
    mean = span[["land", "ocean"]].mean("year")
    edges = {str(r): band_edges(str(r)) for r in mean.region.values}
    rows = []
    for key, g in weights.groupby(within, sort=False):
        models = g[member].tolist()
        w = g["weight"].to_numpy(float)
        for bname, (lo, hi) in BAND_GROUPS.items():
            regs = [r for r, (a, b) in edges.items() if a >= lo and b <= hi]
            sub = mean.sel({within: key, member: models, "region": regs}).sum("region", min_count=1)
            for flux, vals in (("land", sub.land), ("ocean", sub.ocean), ("land + ocean", sub.land + sub.ocean)):
                x = vals.values.astype(float)
                if not np.isfinite(x).all():
                    lack = [m for m, v in zip(models, x) if not np.isfinite(v)]
                    raise MipError(f"{within} {key}: no {flux} budget for {lack} in {bname}")
                mu, wmu = float(x.mean()), float(np.sum(w * x))
                sd, wsd = float(x.std()), float(np.sqrt(np.sum(w * (x - wmu) ** 2)))
                rows.append({within: key, "band": bname, "flux": flux, "members": len(x), "mean": mu, "sd": sd,
                             "weighted_mean": wmu, "weighted_sd": wsd, "change": wmu - mu,
                             "sd_ratio": wsd / sd if sd > 0 else np.nan, "n_effective": 1.0 / np.sum(w**2)})
    out = pd.DataFrame(rows)
    out.attrs.update(units="Pg C yr-1, positive = to the atmosphere", years=f"{years[0]}-{years[1]} mean",
                     weights=weights.attrs.get("method", ""), sigma=weights.attrs.get("sigma", ""),
                     sd="population SD (ddof 0), unweighted and weighted alike")
    return out
