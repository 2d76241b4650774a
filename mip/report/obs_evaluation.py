"""The report's observation-space evaluation: the v10 MIP against ATom and inversions at Southern Ocean stations.

Unweighted scores first; the skill-weighted ensemble is shown only as a labelled sensitivity beside the
unweighted budgets, never in their place.
"""

from __future__ import annotations

from functools import partial
__all__ = ["obs_evaluation_tables", "add_obs_evaluation_sections", "evaluate_obs"]


def obs_evaluation_tables() -> dict:
    """The tables of the section, on the bundled real data.

    Returns
    -------
    dict
        ``atom`` (:func:`mip.obs.obs_space.atom_evaluation`), ``stations``
        (:func:`mip.obs.obs_space.station_evaluation` of the bundled files), ``weights`` and
        ``weighted_budgets`` (:mod:`mip.obs.weights`, RMSE over all ATom bins), ``weighted_constraint``
        (:func:`mip.constrain.weighted.weighted_constraint_effect`, the weights pooled over all members).
    """
    from mip.obs.obs_space import atom_evaluation, bundled_stations, station_evaluation
    from mip.obs.weights import skill_weights, weighted_band_budgets
    from mip.tables.v10mip_zonal import bundled_annual

    atom = atom_evaluation()
    b = bundled_stations()
    stations = station_evaluation(b["observed"], b["models"], stations=b["stations"], aliases=b["aliases"])
    from mip.constrain.weighted import weighted_constraint_effect

    w = skill_weights(atom["scores"])
    pooled = skill_weights(atom["scores"].assign(all="all members"), within="all", member="member")
    return {"atom": atom, "stations": stations, "weights": w, "weighted_budgets": weighted_band_budgets(
        bundled_annual(), w), "weighted_constraint": weighted_constraint_effect("latitudinal-airborne", pooled),
        "aliases": b["aliases"]}


def add_obs_evaluation_sections(page, t: dict | None = None) -> dict:
    """Append the section to a report page.

    Parameters
    ----------
    page
        A :class:`mip.report.page.Page`.
    t
        From :func:`obs_evaluation_tables` (computed if not given).

    Returns
    -------
    dict
        The tables shown.
    """
    from mip.report.obs_figures import taylor_diagram

    t = t or obs_evaluation_tables()
    atom, st = t["atom"], t["stations"]
    be = atom["by_experiment"]
    allb = be[be.group == "all bins"].sort_values("rmse")
    page.h2("Observation-space evaluation: the v10 MIP against ATom, inversions at Southern Ocean stations")
    page.p("REAL data. (1) Every OCO-2 v10 MIP member's CO2 sampled along the ATom flights, annual means on 15 "
           "latitude x 7 pressure bins relative to the Mauna Loa trend (Stephens et al. 2026), against the NOAA "
           "Picarro observations (CO2_OP; the observed table joined to the models' by row position, its pressure "
           "labels being wrong): bias, RMSE, pattern correlation and SD ratio over the bins of each group; the median "
           f"over the 10 models per experiment. Best RMSE: {allb.iloc[0].experiment} ({allb.iloc[0].rmse:.2f} ppm); "
           f"largest: {allb.iloc[-1].experiment} ({allb.iloc[-1].rmse:.2f} ppm, median bias "
           f"{allb.iloc[-1].bias:+.2f} ppm).")
    page.table(allb[["experiment", "models", "bias", "rmse", "r", "sd_ratio", "crmse"]], "obs_atom_by_experiment",
               "v10 MIP vs ATom (campaigns 2016-2018), all 105 bins, annual means: median over models per experiment (ppm; r and "
               "SD ratio across bins)", units={c: "ppm" for c in ("bias", "rmse", "crmse")})
    page.table(be[be.group != "all bins"], "obs_atom_by_group", "v10 MIP vs ATom per latitude band and pressure "
               "layer, median over models (ppm)", collapse=True)
    page.table(atom["scores"][["member", "group", "n", "bias", "rmse", "r", "sd_ratio", "crmse"]], "obs_atom_scores", "every member's scores against ATom, per group of bins (ppm)",
               collapse=True)
    page.figure(partial(taylor_diagram, allb.rename(columns={"experiment": "label"}), "v10 MIP vs ATom (annual means): median "
                               "over models per experiment", label="label"), "obs_atom_taylor",
                "Taylor diagram of the v10 MIP experiments against ATom CO2 (campaigns 2016-2018), annual means on 105 bins (ppm): "
                "SD ratio (radius) and pattern correlation (angle), median over 10 models each.")
    tay = st["taylor"]
    alias = ", ".join(f"{k} -> {v}" for k, v in t["aliases"].items())
    page.p("(2) CT2019B, MIROC and CAMSv20r1 sampled at the Southern Ocean surface stations of Long et al. (2021), "
           "monthly means 1998-2020 against the observations at the same station and month: bias and RMSE on the "
           "values, correlation and SD ratio of detrended series (each less its own quadratic), the two-harmonic "
           f"seasonal cycle's amplitude and phase. Stated alias: {alias}. Observed series no model samples (the "
           "ships, CGO CSIRO in situ) are named in the CSVs, not scored.")
    page.table(tay, "obs_station_taylor", "per model, the median over the 21 series it samples, 1998-2020 monthly "
               "means (ppm)", units={c: "ppm" for c in ("bias", "rmse")})
    if "by_band" in st:
        page.table(st["by_band"], "obs_station_by_band", "per model and station latitude band: median over the "
                   "series (ppm; amplitude ratio model/observed; phase difference in months)")
    cols = ["model", "site", "lat", "season", "n", "bias", "rmse", "r", "sd_ratio", "amplitude_ratio",
            "phase_difference"]
    page.table(st["scores"][[c for c in cols if c in st["scores"].columns]], "obs_station_scores",
               "every score per model, series and season (ppm; the CLI's CSV has every column)", collapse=True)
    page.figure(partial(taylor_diagram, tay, "Southern Ocean stations 1998-2020, detrended monthly CO2: median over series"),
                "obs_station_taylor", "Taylor diagram of three inversions at the Southern Ocean stations, 1998-2020 "
                "detrended monthly CO2 (ppm): SD ratio and correlation, median over 21 series each.")
    wb = t["weighted_budgets"]
    lg = wb[wb.experiment == "LNLGIS"]
    page.p("Sensitivity, not the default: a skill-weighted ensemble (ClimWIP performance weights w = exp(-(RMSE/"
           "sigma)^2) from the RMSE over all ATom bins, sigma = the median RMSE of each experiment's models; no "
           f"independence term, the members share transport models and priors). With it, LNLGIS's 2015-2020 band "
           f"budgets move by at most {lg.change.abs().max():.3f} Pg C/yr and their SD changes by a factor "
           f"{lg.sd_ratio.min():.2f}-{lg.sd_ratio.max():.2f}; across the experiments by at most "
           f"{wb.change.abs().max():.2f} Pg C/yr; effective members "
           f"{t['weights'].n_effective.min():.1f}-{t['weights'].n_effective.max():.1f} of 10.")
    page.table(wb[["experiment", "band", "flux", "mean", "sd", "weighted_mean", "weighted_sd", "change", "sd_ratio",
                   "n_effective"]], "obs_weighted_budgets", "band budgets 2015-2020, unweighted and skill-weighted side by side (Pg C "
               "yr-1, positive = to the atmosphere)", collapse=True)
    page.table(t["weights"], "obs_weights", "each member's skill weight within its experiment", collapse=True)
    wc = t["weighted_constraint"]
    page.p("The same weights, pooled over all 50 members, in the latitudinal airborne constraint (weighted least "
           "squares; prior mean and SD weighted): " + "; ".join(
               f"{r.region} {r['mean']:.2f} ± {r.sd:.2f} unweighted, {r.weighted_mean:.2f} ± {r.weighted_sd:.2f} "
               f"weighted" for _, r in wc.iterrows()) + f" Pg C/yr. Caveat: {wc.attrs['caveat']}.")
    page.table(wc, "obs_weighted_constraint", "the latitudinal airborne constraint with equal and with skill weights "
               "(Pg C yr-1, positive = to the atmosphere; ATom campaigns 2016-2018)", collapse=True)
    return {"atom": allb, "stations": tay}


def evaluate_obs(what: str, *, observed=None, models: dict | None = None, stations=None, aliases: dict | None = None,
                 weights: str | None = None) -> dict:
    """What ``mip evaluate-obs`` computes: the score tables, the Taylor summary and its title.

    Parameters
    ----------
    what
        ``"atom"`` (the bundled v10 MIP ATom fields) or ``"stations"``.
    observed, models, stations, aliases
        ``stations``: an observed table, ``{model: table}``, the station list and series aliases; none of them
        for the bundled Southern Ocean stations of Long et al. (2021).
    weights
        ``atom``: also the optional skill weights from this score (``rmse``, ``crmse``, ``abs_bias``), their
        effect on the band budgets and on the latitudinal constraint.

    Returns
    -------
    dict
        ``tables`` (name → DataFrame), ``summary`` (one row per label), ``title``, ``notes``.

    Raises
    ------
    MipError
        For options that do not go together.
    """
    from mip.errors import MipError
    from mip.obs.obs_space import atom_evaluation, station_evaluation

    notes: list[str] = []
    if what == "atom":
        if observed or models or stations or aliases:
            raise MipError("evaluate-obs atom takes no --observed/--model/--stations/--alias (it reads the bundled "
                           "v10 MIP ATom fields)")
        res = atom_evaluation()
        tables = {"atom_scores": res["scores"], "atom_by_experiment": res["by_experiment"]}
        if weights:
            from mip.constrain.weighted import weighted_constraint_effect
            from mip.obs.weights import skill_weights, weighted_band_budgets
            from mip.tables.v10mip_zonal import bundled_annual

            w = skill_weights(res["scores"], metric=weights)
            pooled = skill_weights(res["scores"].assign(all="all members"), metric=weights, within="all",
                                   member="member")
            tables.update(atom_weights=w, atom_weighted_budgets=weighted_band_budgets(bundled_annual(), w),
                          atom_weighted_constraint=weighted_constraint_effect("latitudinal-airborne", pooled))
        summary = res["by_experiment"][res["by_experiment"].group == "all bins"].rename(columns={"experiment": "label"})
        title = "v10 MIP vs ATom, annual-mean CO2 on 15 x 7 bins: median over models per experiment"
    elif what == "stations":
        if weights:
            raise MipError("--weights applies to 'evaluate-obs atom' (the v10 MIP members and their band budgets)")
        if bool(observed) != bool(models):
            raise MipError("evaluate-obs stations needs --observed FILE and at least one --model NAME=FILE, or "
                           "neither (the bundled Southern Ocean stations of Long et al. 2021)")
        if observed:
            res = station_evaluation(observed, models, stations=stations, aliases=aliases)
        else:
            from mip.obs.obs_space import bundled_stations

            b = bundled_stations()
            notes.append("the bundled Southern Ocean stations (Long et al. 2021; REAL); alias stated: "
                         + ", ".join(f"{k} -> {v}" for k, v in b["aliases"].items()))
            res = station_evaluation(b["observed"], b["models"], stations=b["stations"], aliases=b["aliases"])
        tables = {"station_scores": res["scores"], "station_taylor": res["taylor"]}
        if "by_band" in res:
            tables["station_by_band"] = res["by_band"]
        summary = res["taylor"].rename(columns={"model": "label"})
        title = "models at the stations, detrended monthly CO2: median over series (season all)"
    else:
        raise MipError(f"evaluate-obs {what!r}: expected atom or stations")
    return {"tables": tables, "summary": summary, "title": title, "notes": notes}
