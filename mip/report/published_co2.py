"""Report sections on real published data: the OCO-2 v10 MIP by latitude, the GCB budget, the NOAA growth rate.

Each section reads the bundled copies of the real files (``mip/data/``), so it works offline from
an installed wheel; every number is labelled with its source.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

import pandas as pd

__all__ = ["v10mip_zonal_stats", "gcb_vs_inversions", "growth_rate_table", "add_real_sections"]

#: The inversions' window of the bundled v10 MIP tables, and the GCB years closest to it.
V10_WINDOW = "June 2016 - May 2018"
GCB_YEARS = (2016, 2017)


def v10mip_zonal_stats() -> pd.DataFrame:
    """Ensemble median and IQR/1.35 per experiment of the real v10 MIP (bundled June 2016 – May 2018 tables).

    Returns
    -------
    pandas.DataFrame
        ``experiment, region_set, region, component, median, iqr_1_35, n_members`` for the GCB
        bands (exact at 30°), the 20° bands and the globe; components land, ocean, fossil
        (= total − land − ocean) and total, Pg C/yr positive = to the atmosphere.
    """
    return _zonal_stats().copy()  # the bundled tables do not change within a process: computed once


@lru_cache(maxsize=1)
def _zonal_stats() -> pd.DataFrame:
    from mip.budgets.stats import ensemble_stats
    from mip.tables.v10mip_zonal import REGION_SETS, bundled_summary, combine_bands, summary_as_bands

    comp = {c: summary_as_bands(bundled_summary(c)) for c in ("total", "land", "ocean")}
    comp["fossil"] = comp["total"] - comp["land"] - comp["ocean"]
    rows = []
    for set_name, regions in REGION_SETS.items():
        for name in ("land", "ocean", "fossil", "total"):
            st = ensemble_stats(combine_bands(comp[name], regions)).to_dataframe().reset_index()
            rows.append(st.assign(region_set=set_name, component=name))
    cols = ["experiment", "region_set", "region", "component", "median", "iqr_1_35", "n_members"]
    return pd.concat(rows, ignore_index=True)[cols]


def gcb_vs_inversions(zonal: pd.DataFrame, *, experiment: str = "LNLGIS") -> pd.DataFrame:
    """Global GCB 2023 fluxes next to the v10 MIP median, as fluxes to the atmosphere (Pg C/yr).

    The GCB land flux is ELUC − SLAND, its ocean flux −SOCEAN, its fossil flux EFOS net of the
    cement carbonation sink, all averaged over :data:`GCB_YEARS`; the inversions' land and ocean
    are also shown after the GCB river adjustment (0.65 Pg C/yr moved from land to ocean, as the
    GCB does before comparing).

    Parameters
    ----------
    zonal
        From :func:`v10mip_zonal_stats`.
    experiment
        The v10 MIP experiment to compare.

    Returns
    -------
    pandas.DataFrame
        ``component, gcb, inversions_median, inversions_iqr_1_35, inversions_river_adjusted``.
    """
    from mip.budgets.lateral import river_adjustment
    from mip.geometry.regrid import target_grid
    from mip.products.reccap2 import read_river_flux
    from mip.regions import latitude_bands
    from mip.tables.gcb_workbook import period_means, read_global_budget

    g = period_means(read_global_budget(), GCB_YEARS)
    gcb = {"land": float(g.sel(component="land_use_change") - g.sel(component="land_sink")),
           "ocean": -float(g.sel(component="ocean_sink")),
           "fossil": float(g.sel(component="fossil_emissions") - g.sel(component="cement_carbonation_sink")),
           "total": float(g.sel(component="atmospheric_growth") + g.sel(component="budget_imbalance"))}
    inv = zonal[(zonal.region_set == "globe") & (zonal.experiment == experiment)].set_index("component")
    # the same function mip evaluate uses: the Lacroix et al. (2020) river flux moved from ocean to land
    adj = river_adjustment(latitude_bands((-90.0, 90.0), names=("globe",)), target_grid(1.0, 1.0), read_river_flux())
    river = {"land": float(adj.land.sel(region="globe")), "ocean": -float(adj.ocean.sel(region="globe")),
             "fossil": 0.0, "total": 0.0}
    return pd.DataFrame([{"component": c, "gcb": gcb[c], "inversions_median": float(inv.loc[c, "median"]),
                          "inversions_iqr_1_35": float(inv.loc[c, "iqr_1_35"]),
                          "inversions_river_adjusted": float(inv.loc[c, "median"]) + river[c]} for c in gcb])


def growth_rate_table() -> pd.DataFrame:
    """NOAA's observed global CO2 growth rate (bundled 2020 vintage) beside the GCB's atmospheric growth.

    Returns
    -------
    pandas.DataFrame
        ``year, noaa_ppm_per_yr, noaa_pgc_per_yr`` (× 2.124 Pg C/ppm), ``gcb_atmospheric_growth``.
    """
    from mip.obs.noaa import bundled_growth_rate
    from mip.tables.gcb_workbook import read_global_budget

    gr = bundled_growth_rate()
    gcb = read_global_budget().sel(component="atmospheric_growth")
    df = pd.DataFrame({"year": gr.year.values, "noaa_ppm_per_yr": gr.growth_rate.values,
                       "noaa_pgc_per_yr": gr.growth_rate_pgc.values})
    return df.merge(gcb.to_series().rename("gcb_atmospheric_growth").reset_index(), on="year", how="left")


def add_real_sections(page: Any) -> dict[str, pd.DataFrame]:
    """Append the three real-data sections to a report page (see :mod:`mip.report.build`).

    Parameters
    ----------
    page
        The report page (``h2``, ``p``, ``table``, ``figure``).

    Returns
    -------
    dict
        The tables shown, by name.
    """
    from mip.report import figures as F

    zonal = v10mip_zonal_stats()
    page.h2("Real data: the OCO-2 v10 MIP by latitude")
    page.p(f"REAL data: the published v10 MIP band tables of Stephens et al. (2026, PNAS), {V10_WINDOW} means of "
           "every model and experiment (GPL-3, bundled unchanged). Ensemble median and IQR/1.35, Pg C/yr, positive "
           "= to the atmosphere; GCB bands exact at 30°; fossil = total − land − ocean.")
    wide = zonal.pivot_table(index=["experiment", "region_set", "region"], columns="component",
                             values=["median", "iqr_1_35"], sort=False)
    wide.columns = [f"{c} {'median' if s == 'median' else 'IQR/1.35'}" for s, c in wide.columns]
    order = [f"{c} {s}" for c in ("land", "ocean", "fossil", "total") for s in ("median", "IQR/1.35")]
    page.table(wide[order].reset_index(), "v10mip_zonal", f"v10 MIP zonal ensemble statistics, {V10_WINDOW}",
               units="Pg C yr-1")
    n = int(zonal["n_members"].max())
    page.figure(partial(F.zonal_bars, zonal, f"OCO-2 v10 MIP (real), {V10_WINDOW}"), "v10mip_zonal",
                f"OCO-2 v10 MIP land, ocean and total flux by GCB band and the globe, {V10_WINDOW} mean, Pg C yr-1, "
                f"positive = to the atmosphere; ensemble median (bars) and IQR/1.35 (whiskers) of up to {n} members "
                "per experiment.")
    cmp_ = gcb_vs_inversions(zonal)
    page.h2("Real data: the Global Carbon Budget 2023 next to the inversions")
    page.p(f"REAL data: GCB 2023 workbook (Friedlingstein et al. 2023, CC BY 4.0), {GCB_YEARS[0]}-{GCB_YEARS[1]} mean, "
           f"as fluxes to the atmosphere (land = ELUC − SLAND, ocean = −SOCEAN, fossil net of cement carbonation, total "
           f"= GATM + BIM), beside the v10 MIP LNLGIS median for {V10_WINDOW} (raw and after the GCB river "
           "adjustment of 0.65 Pg C/yr). The periods differ by five months at each end.")
    page.table(cmp_, "gcb_vs_inversions", f"GCB 2023 ({GCB_YEARS[0]}-{GCB_YEARS[1]}) vs v10 MIP ({V10_WINDOW}), "
               "global", units="Pg C yr-1")
    gr = growth_rate_table()
    page.h2("Real data: the observed CO2 growth rate (NOAA)")
    page.p("REAL data: NOAA GML global CO2 annual increase (2020 vintage), in ppm/yr and × 2.124 Pg C/ppm, beside the "
           "GCB's atmospheric growth, which is built from the same NOAA record.")
    page.table(gr, "noaa_growth_rate", f"observed growth rate {int(gr.year.min())}-{int(gr.year.max())}",
               units={"noaa_ppm_per_yr": "ppm yr-1", "noaa_pgc_per_yr": "Pg C yr-1",
                      "gcb_atmospheric_growth": "Pg C yr-1"})
    page.figure(partial(F.growth_rate, gr), "noaa_growth_rate",
                f"Observed atmospheric CO2 growth {int(gr.year.min())}-{int(gr.year.max())}: NOAA global growth rate "
                "(ppm yr-1 × 2.124 Pg C/ppm, bars) and the GCB 2023 atmospheric growth (line), Pg C yr-1.")
    return {"v10mip_zonal": zonal, "gcb_vs_inversions": cmp_, "noaa_growth_rate": gr}
