"""The stocktake's monitoring sections on the bundled real data.

Observed growth against the SSP scenarios, and the CO2
growth rate without ENSO with the years needed to detect an emission change.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import xarray as xr

__all__ = ["monitoring_tables", "scenario_conclusions", "detectability_conclusion", "add_monitoring_sections"]


def monitoring_tables(*, start_year: int = 2025, changes: tuple[float, ...] = (-1, -2, -5)) -> dict[str, object]:
    """Every monitoring table on the bundled data.

    Parameters
    ----------
    start_year
        First year of the emission change whose detection is asked.
    changes
        Changes of fossil emissions, % per year.

    Returns
    -------
    dict
        ``scenario_growth`` (:func:`mip.monitoring.scenarios.growth_vs_scenarios`), ``scenario_growth_all``
        (every scenario's growth), ``observed`` and ``scenarios`` (the inputs), ``enso_fit``
        (:func:`mip.monitoring.growth_rate.remove_enso` of Mauna Loa's growth on the ONI), ``detectability``
        and ``gcb`` (the fossil emissions and airborne fraction used).
    """
    from mip.monitoring.growth_rate import (bundled_mlo_growth, detectability, gcb_fossil_and_airborne_fraction,
                                            remove_enso)
    from mip.monitoring.scenarios import bundled_observations, growth_vs_scenarios, scenario_growth_table
    from mip.obs.enso import bundled_oni
    from mip.tables.rcmip import read_rcmip_concentrations

    obs, scen = bundled_observations(), read_rcmip_concentrations()
    fit = remove_enso(bundled_mlo_growth(), bundled_oni())
    gcb = gcb_fossil_and_airborne_fraction()
    return {"observed": obs, "scenarios": scen, "scenario_growth": growth_vs_scenarios(obs, scen),
            "scenario_growth_all": scenario_growth_table(obs, scen), "enso_fit": fit, "gcb": gcb,
            "detectability": detectability(fit, fossil=gcb["fossil"], airborne_fraction=gcb["airborne_fraction"],
                                           changes=changes, start_year=start_year)}


def scenario_conclusions(table: pd.DataFrame) -> list[str]:
    """One sentence per gas and window: the observed growth, the scenarios' range and the verdict.

    Parameters
    ----------
    table
        From :func:`mip.monitoring.scenarios.growth_vs_scenarios`.

    Returns
    -------
    list of str
    """
    out = []
    for _, r in table.iterrows():
        out.append(f"{r.gas} {r.window} ({r.scenario_years} of {r.years} years after the shared history): observed "
                   f"{r.observed:.3g} ± {r.combined_unc:.2g} {r.units} against {r.scenario_min:.3g}-{r.scenario_max:.3g} "
                   f"in the {r.n_scenarios} scenarios: {r.verdict} (faster than {r.faster_than} of {r.n_scenarios})")
    return out


def detectability_conclusion(fit: xr.Dataset, table: pd.DataFrame, gcb: dict[str, float]) -> str:
    """What the detectability table says, with its assumptions.

    Parameters
    ----------
    fit, table, gcb
        From :func:`monitoring_tables`.

    Returns
    -------
    str
    """
    parts = [f"{r['change (% yr-1)']:+g} %/yr from {int(r['detected in (P=0.5)']) - int(r['years (P=0.5)']) + 1}: "
             f"{int(r['years (P=0.5)'])} years (by {int(r['detected in (P=0.5)'])}; {int(r['years (P=0.9)'])} for a 90 % "
             "chance)" for _, r in table.iterrows()]
    return ("A change of fossil emissions shows in the ENSO-adjusted growth rate (95 % two-sided) after " + "; ".join(parts)
            + f". Assumptions: fossil emissions {gcb['fossil']:.2f} Pg C/yr (GCB {gcb['year']}), airborne fraction "
            f"{gcb['airborne_fraction']:.2f} (GCB {gcb['period']}), residual σ {fit.attrs['sigma']:.2f} ppm/yr and "
            f"lag-1 autocorrelation {fit.attrs['phi']:.2f} after removing ENSO ({fit.attrs['index']}, lag "
            f"{fit.attrs['lag']} months, R² {fit.attrs['r2']:.2f}); the trend before the change taken as known.")


def add_monitoring_sections(page, t: dict[str, object]) -> dict[str, pd.DataFrame]:
    """Append the scenario and growth-rate monitoring sections (real data) to a report page.

    Parameters
    ----------
    page
        The report page.
    t
        From :func:`monitoring_tables`.

    Returns
    -------
    dict
        The tables shown.
    """
    from mip.report.monitoring_figures import growth_without_enso, scenario_fan

    sg = t["scenario_growth"]
    page.h2("Observed growth against the SSP scenarios (CO2, CH4, N2O)")
    page.p("REAL data: NOAA GML global annual means (2025 files, to 2024) against the CMIP6 SSP concentrations (RCMIP "
           "v5.1.0, Meinshausen et al. 2020). Growth over a window = the mean annual increase of the annual means, the "
           "same for both (levels differ by tenths of a ppm / a few ppb and are never compared). Every scenario carries "
           f"the shared CMIP6 history up to {t['scenarios'].attrs['history_end']}; over its last decade NOAA's and "
           "CMIP6's growth differ a little, and that difference enters the combined uncertainty with NOAA's stated "
           "uncertainty of the annual means. " + " ".join(s + "." for s in scenario_conclusions(sg)))
    show = sg[["gas", "window", "scenario_years", "observed", "combined_unc", "scenario_min", "scenario_median",
               "scenario_max", "faster_than", "n_scenarios", "nearest", "verdict"]]
    page.table(show, "scenario_growth", "observed growth against the scenarios' growth, per gas and window (units: ppm "
               "yr-1 for CO2, ppb yr-1 for CH4 and N2O)")
    page.table(t["scenario_growth_all"], "scenario_growth_all", "every scenario's growth per gas and window",
               collapse=True)
    first, last = 1995, 2035
    page.figure(partial(scenario_fan, t["observed"], t["scenarios"], sg, first_year=first, last_year=last), "scenario_fan",
                "Annual increase of the global annual mean of CO2 (ppm yr-1), CH4 and N2O (ppb yr-1): every SSP scenario "
                "(lines), NOAA with ±2σ (points), and each window's observed mean ± 2 × the combined uncertainty (red); "
                f"{len(t['scenarios'].scenario)} scenarios, years {first}-{last}; windows "
                + ", ".join(sorted(set(sg["window"].astype(str)))) + ".")
    fit, det = t["enso_fit"], t["detectability"]
    page.h2("Monitoring emission cuts in the CO2 growth rate")
    page.p(f"REAL data: Mauna Loa's annual growth rate (NOAA GML monthly file of 2026, December-January to "
           f"December-January, ppm yr-1) regressed on a trend and the Oceanic Niño Index averaged over 12 months ending "
           f"{fit.attrs['lag']} months before December (the lag of largest R² among 0-12 months: "
           f"{fit.attrs['r2_by_lag']}); ENSO coefficient {fit.attrs['coefficient']:.2f} ± "
           f"{fit.attrs['coefficient_se']:.2f} ppm yr-1 per K. Volcanic years flagged and left out of the fit: "
           f"{fit.attrs['volcanic_years']}. Not adjusted (the index ends first): {fit.attrs['not_adjusted']}. "
           + detectability_conclusion(fit, det, t["gcb"]))
    yearly = fit[["growth", "enso_index", "enso_part", "adjusted", "trend", "residual"]].to_dataframe().reset_index()
    yearly["volcanic"] = fit.volcanic.values
    yearly["in_fit"] = fit.in_fit.values
    page.table(yearly, "growth_rate_enso", "the growth rate, its ENSO part and what is left, per year (ppm yr-1; the "
               "index in K)", collapse=True)
    page.table(det.rename(columns={"sigma": "sigma (ppm yr-1)", "fossil": "fossil (Pg C yr-1)"}), "detectability", "years of growth-rate record that detect a change of fossil emissions (95 % "
               "two-sided; P = the chance of detection)")
    page.figure(partial(growth_without_enso, fit, det), "growth_rate_enso",
                f"Mauna Loa CO2 growth rate {int(fit.year.min())}-{int(fit.year.max())}, ppm yr-1: observed, with its "
                "ENSO part removed, and the fitted trend; shaded: volcanic years (not fitted). Right: years of record "
                "after the change that detect it.")
    return {"scenario_growth": show, "detectability": det}
