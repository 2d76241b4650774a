"""Running a constraint spec: build x, y and the observation, fit per group, apply per case."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from mip.constrain.methods import METHODS
from mip.constrain.result import ConstraintResult
from mip.constrain.spec import ConstraintSpec
from mip.errors import MipError
from mip.obs import (bundled_so_airborne, model_info, multi_instrument, point_gradient, read_campaigns,
                     read_flasks, read_profiles, read_zonal_flux, vertical_gradient, window_mean,
                     zonal_band_total)

__all__ = ["Outcome", "run_spec", "airborne_inputs"]


@dataclass
class Outcome:
    """Everything a constraint produced: inputs, per-case results per method, the main table."""

    spec: ConstraintSpec
    x: pd.DataFrame            # case × member predictor
    y: pd.DataFrame            # case × member predictand
    obs: pd.DataFrame          # case → value, sd (after corrections)
    results: dict[str, dict[str, ConstraintResult]] = field(default_factory=dict)  # method → case → result
    group_of: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    period: str = ""           # the span the cases cover ("campaigns 2009-2018"), for captions

    def table(self, method: str | None = None) -> pd.DataFrame:
        """Per-case table of one method's results."""
        m = method or self.spec.method
        rows = []
        for case, r in self.results[m].items():
            d = r.to_dict()
            d.update(case=case, group=self.group_of.get(case, ""))
            rows.append(d)
        return pd.DataFrame(rows)


def _root(spec: ConstraintSpec) -> Path:
    r = spec.data.root
    return bundled_so_airborne() if r == "bundled:so-airborne-long2021" else Path(r)


def airborne_inputs(spec: ConstraintSpec) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Model gradients (x), window fluxes (y) and the corrected observed gradient per campaign.

    Returns
    -------
    x, y : DataFrame (campaign × model)
    obs : DataFrame with ``value``, ``sd``, ``raw``, ``raw_sd``, ``correction``, ``correction_sd``
    notes : list of str
    """
    root = _root(spec)
    p, q, o = spec.predictor, spec.predictand, spec.observations
    camps = read_campaigns(root / "campaigns.csv")
    lower = (-np.inf if p.lower[0] is None else p.lower[0], p.lower[1])
    suffix = "" if p.statistic == "mean" else "_med"
    kw = dict(lower=lower, upper=tuple(p.upper), lat_band=tuple(p.lat_band), strat_max=p.strat_max)
    notes: list[str] = []

    def model_var(ds, tracer):
        if tracer == "ocean":
            return ds[f"co2{suffix}_total"] - ds[f"co2{suffix}_land"] - ds[f"co2{suffix}_fossil"]
        return ds[f"co2{suffix}_{tracer}"]

    x, lf = {}, {}
    for m in spec.data.models:
        path = root / "profiles" / f"{m}.nc"
        if not path.exists():
            raise MipError(f"{path}: no profile file for model {m!r} listed in the spec")
        ds = read_profiles(path)
        x[m] = vertical_gradient(model_var(ds, p.tracer), lat=ds.lat, campaign=ds.campaign, strat=ds.strat, **kw)
        if m in o.correction_models:
            lf[m] = vertical_gradient(model_var(ds, "land") + model_var(ds, "fossil"), lat=ds.lat,
                                      campaign=ds.campaign, strat=ds.strat, **kw)
    missing_corr = sorted(set(o.correction_models) - set(lf))
    for m in missing_corr:
        ds = read_profiles(root / "profiles" / f"{m}.nc")
        lf[m] = vertical_gradient(model_var(ds, "land") + model_var(ds, "fossil"), lat=ds.lat,
                                  campaign=ds.campaign, strat=ds.strat, **kw)
    x = pd.DataFrame(x).reindex(camps.index)
    obs_ds = read_profiles(root / "profiles" / "observed.nc")
    g = {}
    for v in o.instruments:
        if f"{v}{suffix}" not in obs_ds:
            raise MipError(f"{root / 'profiles/observed.nc'}: no instrument variable {v}{suffix!r}")
        g[v] = vertical_gradient(obs_ds[f"{v}{suffix}"], lat=obs_ds.lat, campaign=obs_ds.campaign,
                                 strat=obs_ds.strat, **kw)
    for kind in o.flasks:
        files = sorted((root / "flasks").glob(f"*_{kind}.txt"))
        if not files:
            raise MipError(f"{root / 'flasks'}: no *_{kind}.txt flask file")
        parts = [point_gradient(read_flasks(f, camps), "co2", lower=lower, upper=tuple(p.upper),
                                lat_band=tuple(p.lat_band)) for f in files]
        g[kind] = pd.concat(parts).groupby(level=0).mean()
    gr = pd.DataFrame(g).reindex(camps.index)
    ob = multi_instrument(gr, o.primary)
    obs = pd.DataFrame({"raw": ob["value"], "raw_sd": ob["sd"], "n_instruments": ob["n_instruments"]})
    if lf:
        lfd = pd.DataFrame(lf).reindex(camps.index)
        obs["correction"] = lfd.median(axis=1)
        obs["correction_sd"] = lfd.std(axis=1, ddof=0)
        obs["value"] = obs["raw"] - obs["correction"]
        obs["sd"] = np.sqrt(obs["raw_sd"] ** 2 + obs["correction_sd"] ** 2)
        notes.append(f"observed gradient corrected by the median land+fossil gradient of {', '.join(sorted(lf))}")
    else:
        obs["value"], obs["sd"] = obs["raw"], obs["raw_sd"]
    y = {}
    for m in spec.data.models:
        fl = read_zonal_flux(root / "fluxes" / f"{m}.nc")
        band = zonal_band_total(fl, q.variable, tuple(q.band))
        y[m] = pd.Series({c: window_mean(band, camps.loc[c, "mean_date"], q.window_days) for c in camps.index})
        gaps = [c for c in camps.index if np.isnan(y[m][c])]
        if gaps:
            notes.append(f"{m}: flux record does not cover the {q.window_days}-day window of {', '.join(gaps)}; "
                         "left out there")
    y = pd.DataFrame(y).reindex(camps.index)
    return x, y, obs, notes


def _weights(spec: ConstraintSpec, members: list[str]) -> np.ndarray:
    if spec.weights == "equal":
        return np.ones(len(members))
    info = model_info(_root(spec) / "model-description.yaml")
    fam = [info.get(m.split("@")[0], {}).get("group", m) for m in members]
    counts = pd.Series(fam).value_counts()
    return np.array([1.0 / counts[f] for f in fam])


def _fit(spec: ConstraintSpec, method: str, xs: pd.Series, ys: pd.Series, xo: float, sd: float) -> ConstraintResult:
    fn = METHODS[method]
    kw: dict = {"gate": spec.gate}
    if method == "odr":
        kw["covariance"] = spec.covariance
        if spec.odr_errors is not None:
            kw["sx"], kw["sy"] = spec.odr_errors
    if method == "wls":
        kw["weights"] = pd.Series(_weights(spec, list(xs.index)), index=xs.index)
    if method == "bayes":
        kw["discrepancy"] = spec.discrepancy
    return fn(xs, ys, xo, sd, **kw)


def run_spec(spec: ConstraintSpec) -> Outcome:
    """Run a constraint spec with its method and every method in ``compare``.

    For an airborne spec, each group of campaigns is fitted once on all its (model,
    campaign) points and the fit is applied to each campaign's observed gradient; members
    are named ``<model>@<campaign>``.  A table spec is one fit and one case.

    Parameters
    ----------
    spec
        A validated spec.

    Returns
    -------
    Outcome
    """
    if spec.data.kind == "table":
        df = pd.read_csv(spec.data.path)
        member = "member" if "member" in df else df.columns[0]
        df = df.set_index(member)
        x = df[[spec.predictor.column]].T.rename(index={spec.predictor.column: "all"})
        y = df[[spec.predictand.column]].T.rename(index={spec.predictand.column: "all"})
        obs = pd.DataFrame({"value": [spec.observations.value], "sd": [spec.observations.sd]}, index=["all"])
        notes: list[str] = []
        groups = {"all": ["all"]}
    else:
        x, y, obs, notes = airborne_inputs(spec)
        groups = spec.groups or {c: [c] for c in x.index}
    period = ""
    if spec.data.kind != "table":
        camps = read_campaigns(_root(spec) / "campaigns.csv")
        period = f"campaigns {camps['start'].min().year}-{camps['end'].max().year}"
    out = Outcome(spec, x, y, obs, notes=notes, period=period)
    unknown = sorted({c for cs in groups.values() for c in cs} - set(x.index))
    if unknown:
        raise MipError(f"spec {spec.name!r}: groups name unknown cases {unknown}; known: {list(x.index)}")
    for method in [spec.method] + [m for m in spec.compare if m != spec.method]:
        out.results[method] = {}
        for gname, cases in groups.items():
            xs = pd.concat([x.loc[c].rename(lambda m, c=c: f"{m}@{c}") for c in cases])
            ys = pd.concat([y.loc[c].rename(lambda m, c=c: f"{m}@{c}") for c in cases])
            for c in cases:
                out.group_of[c] = gname
                r = _fit(spec, method, xs, ys, float(obs.loc[c, "value"]), float(obs.loc[c, "sd"]))
                if len(cases) > 1:  # the unconstrained spread of a case is its own members' spread
                    own = y.loc[c].dropna()
                    r.prior_mean, r.prior_sd = float(own.mean()), float(own.std(ddof=1))
                    r.flags.append(f"fitted on the pooled group {gname} ({', '.join(cases)})")
                out.results[method][c] = r
    return out
