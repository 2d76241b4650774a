"""Scores of models against observations at the same places and times (observation-space evaluation).

Matching: a model value and an observation pair up when both are finite at the same site and month (the
co-sampled tables are already on the observations' months); months a model did not sample are not
counted, and ``n`` says how many pairs each score rests on.  Times are month centres (year + (month −
0.5)/12): each value is a monthly mean.

Per model × site × season (``all``, ``DJF``, ``MAM``, ``JJA``, ``SON``):

* ``bias`` = mean(model − observation) and ``rmse`` = √mean((model − observation)²), on the values as
  they are (ppm);
* ``r`` (Pearson) and ``sd_ratio`` = SD(model)/SD(observation) on **detrended** series: each series less
  its own least-squares quadratic in time over the matched months, so that a shared trend (2 ppm yr⁻¹)
  does not make every correlation 1; ``crmse`` = the centred RMS difference of the detrended series,
  √(σm² + σo² − 2σmσo r), the third side of a Taylor diagram;
* for ``all``: the mean seasonal cycle of each series (two harmonics fitted with a quadratic trend over
  the matched months): its peak-to-trough ``amplitude`` and the ``phase`` (month of the minimum, 1-12.99,
  circular) for the observation and the model, their ratio and difference (months, in −6..6).

A site needs at least :data:`MIN_PAIRS` matched months (24 for the seasonal cycle) for a score; fewer
leave NaN with ``n`` stating why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["score_table", "taylor_summary", "pattern_scores", "SEASONS", "MIN_PAIRS"]

SEASONS = {"all": tuple(range(1, 13)), "DJF": (12, 1, 2), "MAM": (3, 4, 5), "JJA": (6, 7, 8), "SON": (9, 10, 11)}
#: The fewest matched months a score is given for (24 for the seasonal cycle, which fits 7 parameters).
MIN_PAIRS = 6


def _years(time: np.ndarray) -> np.ndarray:
    """Decimal years at the middle of each month (a monthly value is the month's mean)."""
    t = pd.DatetimeIndex(time)
    return np.asarray(t.year + (t.month - 0.5) / 12, float)


def _detrend(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    t0 = t - t.mean()
    return y - np.polyval(np.polyfit(t0, y, 2), t0)


def _cycle(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Peak-to-trough amplitude and month of the minimum of the two-harmonic mean seasonal cycle."""
    t0 = t - t.mean()
    w = 2 * np.pi * t
    X = np.column_stack([np.ones_like(t0), t0, t0**2, np.sin(w), np.cos(w), np.sin(2 * w), np.cos(2 * w)])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    phase = np.linspace(0, 1, 1200, endpoint=False)
    wp = 2 * np.pi * phase
    cyc = beta[3] * np.sin(wp) + beta[4] * np.cos(wp) + beta[5] * np.sin(2 * wp) + beta[6] * np.cos(2 * wp)
    return float(cyc.max() - cyc.min()), float(1 + 12 * phase[int(cyc.argmin())])


def _row(t: np.ndarray, o: np.ndarray, m: np.ndarray, season: str) -> dict:
    ok = np.isfinite(o) & np.isfinite(m)
    t, o, m = t[ok], o[ok], m[ok]
    out = {"n": int(ok.sum()), "bias": np.nan, "rmse": np.nan, "r": np.nan, "sd_obs": np.nan, "sd_model": np.nan,
           "sd_ratio": np.nan, "crmse": np.nan}
    if out["n"] < MIN_PAIRS:
        return out
    d = m - o
    out.update(bias=float(d.mean()), rmse=float(np.sqrt((d**2).mean())))
    do, dm = _detrend(t, o), _detrend(t, m)
    so, sm = float(do.std()), float(dm.std())
    r = float(np.corrcoef(do, dm)[0, 1]) if so > 0 and sm > 0 else np.nan
    out.update(r=r, sd_obs=so, sd_model=sm, sd_ratio=sm / so if so > 0 else np.nan,
               crmse=float(np.sqrt(np.mean(((dm - dm.mean()) - (do - do.mean())) ** 2))))
    if season == "all" and out["n"] >= 24:
        ao, po = _cycle(t, o)
        am, pm = _cycle(t, m)
        dp = (pm - po + 6) % 12 - 6
        out.update(amplitude_obs=ao, amplitude_model=am, amplitude_ratio=am / ao if ao > 0 else np.nan,
                   phase_obs=po, phase_model=pm, phase_difference=dp)
    return out


def score_table(observed: xr.DataArray, simulated: xr.DataArray, *, seasons: tuple[str, ...] = tuple(SEASONS),
                site_dim: str = "series") -> pd.DataFrame:
    """Every score per model × site × season (see the module's description for each definition).

    Parameters
    ----------
    observed
        (time, site) observations.
    simulated
        (model, time, site) model values at the same sites and months.
    seasons
        Which of :data:`SEASONS`.
    site_dim
        The site dimension's name.

    Returns
    -------
    pandas.DataFrame
        One row per model, site and season: ``n, bias, rmse, r, sd_obs, sd_model, sd_ratio, crmse`` and, for
        ``all``, ``amplitude_obs, amplitude_model, amplitude_ratio, phase_obs, phase_model, phase_difference``;
        site coordinates (``lat`` ...) carried over.

    Examples
    --------
    >>> import numpy as np, pandas as pd, xarray as xr
    >>> t = pd.date_range("2000-01-01", periods=48, freq="MS")
    >>> o = xr.DataArray(np.sin(2 * np.pi * t.month.to_numpy() / 12)[:, None], dims=("time", "series"),
    ...                  coords={"time": t, "series": ["X"]})
    >>> m = (o + 0.5).expand_dims(model=["M"])
    >>> row = score_table(o, m, seasons=("all",)).iloc[0]
    >>> [round(float(row[k]), 6) for k in ("bias", "rmse", "r", "sd_ratio")]
    [0.5, 0.5, 1.0, 1.0]
    """
    from mip.errors import MipError

    if site_dim not in observed.dims or "time" not in observed.dims:
        raise MipError(f"observations on dims {observed.dims}: expected (time, {site_dim})")
    unknown = [s for s in seasons if s not in SEASONS]
    if unknown:
        raise MipError(f"unknown season(s) {unknown}; known: {', '.join(SEASONS)}")
    sim = simulated.transpose("model", "time", site_dim)
    obs = observed.transpose("time", site_dim)
    t_all = _years(obs.time.values)
    months = pd.DatetimeIndex(obs.time.values).month.to_numpy()
    extra = [c for c, v in obs.coords.items() if v.dims == (site_dim,) and c != site_dim]
    rows = []
    for k, model in enumerate(sim.model.values):
        for j, site in enumerate(obs[site_dim].values):
            o_all, m_all = obs.values[:, j], sim.values[k, :, j]
            for season in seasons:
                sel = np.isin(months, SEASONS[season])
                row = {"model": str(model), "site": str(site), "season": season,
                       **{c: obs[c].values[j] for c in extra}}
                row.update(_row(t_all[sel], o_all[sel], m_all[sel], season))
                rows.append(row)
    df = pd.DataFrame(rows)
    df.attrs.update(units=observed.attrs.get("units", ""),
                    detrending="each series less its own quadratic in time over the matched months (r, SDs, crmse)",
                    matching="a model value and an observation at the same site and month, both finite")
    return df


def taylor_summary(scores: pd.DataFrame, *, season: str = "all") -> pd.DataFrame:
    """Per model: the median over sites of the Taylor-diagram coordinates (sd_ratio, r, crmse/sd_obs), n sites.

    Parameters
    ----------
    scores
        From :func:`score_table`.
    season
        Which season's rows.

    Returns
    -------
    pandas.DataFrame
        ``model, sites, sd_ratio, r, crmse_normalised, bias, rmse`` (medians over the sites with a score).
    """
    s = scores[(scores.season == season) & scores.r.notna()].copy()
    s["crmse_normalised"] = s.crmse / s.sd_obs
    g = s.groupby("model", sort=False)
    out = g[["sd_ratio", "r", "crmse_normalised", "bias", "rmse"]].median()
    out.insert(0, "sites", g.size())
    out = out.reset_index()
    out.attrs["statistic"] = "median over the sites with at least the minimum number of matched months"
    return out


def pattern_scores(observed: xr.DataArray, simulated: xr.DataArray, *, groups: dict[str, xr.DataArray] | None = None,
                   member_dim: str = "member") -> pd.DataFrame:
    """Scores of binned fields (e.g. aircraft CO2 on latitude × pressure bins) per member and group of bins.

    Over the bins of a group: ``n`` (bins with both values), ``bias`` = mean(model − observation),
    ``rmse``, the pattern correlation ``r`` and ``sd_ratio`` of the values across the bins (no detrending:
    the bins are places, not times) and the centred RMS difference ``crmse``.

    Parameters
    ----------
    observed
        The observed field (any dims).
    simulated
        The same dims plus ``member_dim``.
    groups
        Group name → a boolean mask on the observed dims (e.g. latitude bands, pressure layers); default one
        group ``all``.
    member_dim
        The members' dimension.

    Returns
    -------
    pandas.DataFrame
        One row per member and group, with the member's other coordinates (``model``, ``experiment``).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> o = xr.DataArray(np.arange(6.0).reshape(2, 3), dims=("lat", "pressure"))
    >>> m = xr.concat([o + 1, 2 * o], dim="member").assign_coords(member=["plus1", "double"])
    >>> df = pattern_scores(o, m)
    >>> df[["member", "bias", "r", "sd_ratio"]].values.tolist()
    [['plus1', 1.0, 1.0, 1.0], ['double', 2.5, 1.0, 2.0]]
    """
    groups = groups or {"all": xr.ones_like(observed, dtype=bool)}
    extra = [c for c, v in simulated.coords.items() if v.dims == (member_dim,) and c != member_dim]
    obs = np.asarray(observed.values, float).ravel()
    sims = np.asarray(simulated.transpose(member_dim, *observed.dims).values, float).reshape(simulated.sizes[member_dim], -1)
    masks = {g: mask.broadcast_like(observed).transpose(*observed.dims).values.astype(bool).ravel()
             for g, mask in groups.items()}
    extras = {c: simulated[c].values for c in extra}
    members = [str(m) for m in simulated[member_dim].values]
    cols: dict[str, list] = {k: [] for k in ("group", "n", "bias", "rmse", "r", "sd_obs", "sd_model", "sd_ratio", "crmse")}
    order: list[tuple[int, str]] = []
    for g, mask in masks.items():  # every member at once: (member, bin) arrays with the unmatched bins masked
        sel = mask[None, :] & np.isfinite(obs)[None, :] & np.isfinite(sims)
        n = sel.sum(axis=1)
        cnt = np.maximum(n, 1)
        o = np.where(sel, obs[None, :], 0.0)
        m = np.where(sel, sims, 0.0)
        om, mm = o.sum(axis=1) / cnt, m.sum(axis=1) / cnt
        oc, mc = np.where(sel, o - om[:, None], 0.0), np.where(sel, m - mm[:, None], 0.0)
        so, sm = np.sqrt((oc**2).sum(axis=1) / cnt), np.sqrt((mc**2).sum(axis=1) / cnt)
        d = m - o
        ok = n >= 3
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.where((so > 0) & (sm > 0), (oc * mc).sum(axis=1) / (cnt * so * sm), np.nan)
            stats = {"bias": d.sum(axis=1) / cnt, "rmse": np.sqrt((d**2).sum(axis=1) / cnt), "r": r, "sd_obs": so,
                     "sd_model": sm, "sd_ratio": np.where(so > 0, sm / np.where(so > 0, so, 1.0), np.nan),
                     "crmse": np.sqrt(((mc - oc) ** 2).sum(axis=1) / cnt)}
        for k in range(len(members)):
            order.append((k, g))
            cols["group"].append(g)
            cols["n"].append(int(n[k]))
            for f, v in stats.items():
                cols[f].append(float(v[k]) if ok[k] else np.nan)
    rows = [{member_dim: members[k], **{c: extras[c][k] for c in extra}, **{f: cols[f][i] for f in cols}}
            for i, (k, g) in enumerate(order)]
    rows.sort(key=lambda row: members.index(row[member_dim]))  # member by member, groups in order, as before
    df = pd.DataFrame(rows)
    df.attrs.update(units=observed.attrs.get("units", ""), matching="the same bin, both finite")
    return df
