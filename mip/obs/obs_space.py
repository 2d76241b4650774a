"""Two observation-space evaluations end to end: the v10 MIP against ATom, and inversions at Southern Ocean stations.

Pure computation on readers' output; the command line (``mip evaluate-obs``) and ``analyses/`` write the
tables and figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from os import PathLike
from pathlib import Path

import pandas as pd
import xarray as xr

from mip.obs.scores import pattern_scores, score_table, taylor_summary

__all__ = ["atom_evaluation", "station_evaluation", "bundled_stations", "ATOM_BANDS", "ATOM_LAYERS", "STATION_BANDS"]

#: Latitude bands (°N) and pressure layers (hPa, bin centres) of the ATom fields (15 × 7 bins).
ATOM_BANDS = {"south (<20S)": (-90, -20), "tropics (20S-20N)": (-20, 20), "north (>20N)": (20, 90)}
ATOM_LAYERS = {"lower (750-950 hPa)": (700, 1000), "middle (550-650 hPa)": (500, 700), "upper (350-450 hPa)": (300, 500)}
#: Latitude bands of the Southern Ocean stations.
STATION_BANDS = {"Antarctica (<60S)": (-90, -60), "Southern Ocean (60S-45S)": (-60, -45),
                 "southern mid-latitudes (45S-30S)": (-45, -30)}


def _bundled_atom() -> Path:
    return Path(str(resources.files("mip") / "data" / "stephens2026-v10mip"))


def bundled_stations() -> dict:
    """The bundled Southern Ocean station files (Long et al. 2021).

    ``observed``, ``models``, ``stations``, ``aliases`` (Macquarie's label, stated) as
    :func:`station_evaluation` takes them.
    """
    root = Path(str(resources.files("mip") / "data" / "so-stations-cosampled"))
    return {"observed": root / "surface-obs_SO_CO2_monthly.txt",
            "models": {m: root / f"simulated-obs_{m}_SO_CO2_monthly.txt" for m in ("CT2019B", "MIROC", "CAMSv20r1")},
            "stations": root / "SO_CO2_stationlist.txt", "aliases": {"MQA_CSIRO_flask": "MQA_CSIRO_insitu"}}


def atom_evaluation(models: str | PathLike | None = None, observed: str | PathLike | None = None) -> dict:
    """Every v10 MIP member's ATom-sampled annual-mean CO2 field against the ATom observations.

    Parameters
    ----------
    models, observed
        The ``Annual_mean_2D_fields_as_columns.txt`` tables (default the bundled real ones); the observed
        table is joined to the models' by position (its pressure labels are wrong in the published file).

    Returns
    -------
    dict
        ``scores`` (member × group: all bins, each latitude band, each pressure layer), ``by_experiment``
        (the median over models of each score per experiment and group), ``fields`` (the model DataArray),
        ``observed`` (the NOAA Picarro field, ``CO2_OP``).
    """
    from mip.obs.binned import read_binned_columns

    root = _bundled_atom()
    mpath = Path(models) if models else root / "Annual_mean_2D_fields_as_columns.txt"
    opath = Path(observed) if observed else root / "OBS" / "Annual_mean_2D_fields_as_columns.txt"
    sim = read_binned_columns(mpath)
    obs_all = read_binned_columns(opath, labels_from=mpath)
    obs = obs_all.sel(member="CO2_OP").drop_vars("member")
    groups = {"all bins": xr.ones_like(obs, dtype=bool)}
    for name, (lo, hi) in ATOM_BANDS.items():
        groups[name] = (obs.lat > lo) & (obs.lat <= hi) & xr.ones_like(obs, dtype=bool)
    for name, (lo, hi) in ATOM_LAYERS.items():
        groups[name] = (obs.pressure > lo) & (obs.pressure <= hi) & xr.ones_like(obs, dtype=bool)
    scores = pattern_scores(obs, sim, groups=groups)
    by_exp = (scores.groupby(["experiment", "group"], sort=False)[["bias", "rmse", "r", "sd_ratio", "crmse"]]
              .median().reset_index())
    by_exp.insert(2, "models", scores.groupby(["experiment", "group"], sort=False).size().to_numpy())
    for df in (scores, by_exp):
        df.attrs.update(units="ppm (CO2 relative to the Mauna Loa deseasonalised trend)",
                        observed=f"{opath} (CO2_OP, NOAA Picarro; rows joined by position)", models=str(mpath),
                        basis="annual-mean fields on 15 latitude x 7 pressure bins; statistics over the bins of "
                              "each group; by_experiment: median over models")
    return {"scores": scores, "by_experiment": by_exp, "fields": sim, "observed": obs}


def station_evaluation(observed: str | PathLike, models: Mapping[str, str | PathLike], *,
                       stations: str | PathLike | None = None, aliases: Mapping[str, str] | None = None) -> dict:
    """Inversions sampled at surface stations against the observations (Long et al. 2021 layout).

    Parameters
    ----------
    observed, models, stations, aliases
        As :func:`mip.obs.stations.read_cosampled`.

    Returns
    -------
    dict
        ``scores`` (model × series × season, :func:`mip.obs.scores.score_table`), ``taylor`` (per model,
        median over series), ``by_band`` (per model and station latitude band: median over its series of
        each score, season ``all``), ``data`` (the aligned Dataset).
    """
    from mip.obs.stations import read_cosampled

    ds = read_cosampled(observed, models, stations=stations, aliases=aliases)
    scores = score_table(ds.observed, ds.simulated)
    tay = taylor_summary(scores)
    out = {"scores": scores, "taylor": tay, "data": ds}
    if "lat" in scores.columns:
        s = scores[(scores.season == "all") & scores.r.notna()].copy()
        s["band"] = pd.cut(s.lat, [lo for lo, _ in STATION_BANDS.values()] + [list(STATION_BANDS.values())[-1][1]],
                           labels=list(STATION_BANDS), right=True)
        cols = ["bias", "rmse", "r", "sd_ratio", "amplitude_ratio", "phase_difference"]
        g = s.groupby(["model", "band"], observed=True, sort=False)
        by = g[cols].median().reset_index()
        by.insert(2, "series", g.size().to_numpy())
        out["by_band"] = by
    for df in out.values():
        if isinstance(df, pd.DataFrame):
            df.attrs.update(units="ppm", observed=str(observed),
                            aliases="; ".join(f"{k} -> {v}" for k, v in (aliases or {}).items()) or "none",
                            not_sampled=ds.attrs["not_sampled"],
                            basis="monthly means; bias and RMSE on the values, r and SDs on detrended series; "
                                  "medians over series")
    return out
