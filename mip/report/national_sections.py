"""The stocktake's national sections on the bundled real inventories.

CH4 and N2O reductions, the sources side by side,
and GCP-CH4 top-down beside the inventories.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import xarray as xr

__all__ = ["bundled_inventories", "national_tables", "reduction_conclusion", "add_national_sections"]

GASES = ("CH4", "N2O")


def _root() -> Path:
    return Path(str(resources.files("mip") / "data" / "national-inventories"))


def bundled_inventories() -> dict[str, dict[str, xr.DataArray]]:
    """The bundled inventories: ``{gas: {"UNFCCC CRF": da, "EDGAR v6.0": da, "OWID/Jones": da}}``.

    The CRF and EDGAR tables are in kt of the gas per year, OWID/Jones in t CO2-eq per year (GWP100 as Jones
    et al. apply it): compare its changes, not its levels, with the others.
    """
    from mip.tables.edgar import read_edgar
    from mip.tables.owid_ghg import read_owid_ghg
    from mip.tables.unfccc_crf import read_unfccc_crf

    owid = read_owid_ghg(_root() / "ghg-emissions-by-gas-1990.csv.gz")
    return {g: {"UNFCCC CRF": read_unfccc_crf(_root() / f"unfccc_total_noLULUCF_{g}.json.gz")[g],
                "EDGAR v6.0": read_edgar(_root() / f"v60_{g}_1970_2018_totals.csv.gz")[g],
                "OWID/Jones": owid[g]} for g in GASES}


def national_tables(*, first: int = 1990, last: int = 2018, focus: tuple[str, ...] = ("JPN",),
                    n: int = 10) -> dict[str, pd.DataFrame]:
    """Every national table on the bundled inventories.

    Parameters
    ----------
    first, last
        Years of the change (every source covers 1990-2018).
    focus
        Countries whose row of every source is shown (Japan: the synthesis names it).
    n
        Rows of the ranking per source.

    Returns
    -------
    dict
        ``changes`` (every country, source and gas), ``focus`` (the focus countries), ``largest_reductions``,
        ``source_comparison`` (CRF against EDGAR, every Annex-I party) and ``topdown_vs_inventories``.
    """
    from mip.budgets.inventory_trends import change_table, compare_sources, largest_reductions, topdown_vs_inventories
    from mip.tables.gcp_ch4_workbook import read_workbook
    from mip.report.three_gas import GCP_CH4_COUNTRIES

    inv = bundled_inventories()
    changes = pd.concat([change_table({f"{s} {g}": da for s, da in inv[g].items()}, first=first, last=last)
                         .assign(gas=g) for g in GASES], ignore_index=True)
    comp = pd.concat([compare_sources(inv[g]["UNFCCC CRF"], inv[g]["EDGAR v6.0"], labels=("CRF", "EDGAR"),
                                      years=(first, last)).assign(gas=g) for g in GASES], ignore_index=True)
    td = topdown_vs_inventories(read_workbook(approach="TD"), {k: inv["CH4"][k] for k in ("UNFCCC CRF", "EDGAR v6.0")},
                                GCP_CH4_COUNTRIES)
    return {"changes": changes, "focus": changes[changes.country.isin(focus)].reset_index(drop=True),
            "largest_reductions": largest_reductions(changes, n=n), "source_comparison": comp,
            "topdown_vs_inventories": td}


def reduction_conclusion(focus: pd.DataFrame) -> str:
    """One sentence per focus country and gas: its change in every source.

    Parameters
    ----------
    focus
        The ``focus`` table of :func:`national_tables`.

    Returns
    -------
    str
    """
    out = []
    for (c, gas), t in focus.groupby(["country", "gas"], sort=False):
        changes = ", ".join(f"{r.source.rsplit(' ', 1)[0]} {r.change_pct:+.0f} %" for _, r in t.iterrows())
        verdict = "cut in every source" if (t.change_pct < 0).all() else "not cut in every source"
        out.append(f"{t['name'].iloc[0]} {gas} {int(t['first'].iloc[0])}-{int(t['last'].iloc[0])}: {changes} ({verdict})")
    return "; ".join(out) + "."


def add_national_sections(page, t: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Append the national-inventory sections (real data) to a report page.

    Parameters
    ----------
    page
        The report page.
    t
        From :func:`national_tables`.

    Returns
    -------
    dict
        The tables shown.
    """
    page.h2("National CH4 and N2O inventories: reductions and the sources side by side")
    page.p("REAL data: UNFCCC CRF inventories (2021 submissions, Annex-I parties, totals without LULUCF, kt), EDGAR "
           "v6.0 (kt) and the OWID export of Jones et al. 2023 (t CO2-eq, GWP100 as they apply it; its levels are not "
           "compared with the others, its changes are). Countries keyed by ISO alpha-3 through one table; groups (the "
           "European Union, World, international transport) never summed with countries. Trend: OLS with the SE "
           "inflated for lag-1 autocorrelation, Theil-Sen and the Mann-Kendall p; % of the period's mean per year. "
           + reduction_conclusion(t["focus"]))
    cols = ["source", "gas", "country", "name", "value_first", "value_last", "units", "change_pct", "trend_pct_per_yr",
            "theil_sen", "p_value", "note"]
    page.table(t["focus"][cols].rename(columns={"theil_sen": "theil_sen (units per yr)"}), "national_focus",
               "the focus countries in every source (change and trend in %; Theil-Sen slope in the row's units per "
               "year)")
    page.table(t["largest_reductions"][["source", "rank", "country", "name", "change_pct", "trend_pct_per_yr",
                                        "ranked_among"]], "largest_reductions",
               "the largest reductions per source and gas (% change), among each source's 30 largest emitters of the "
               "first year", collapse=True)
    page.p("The sources differ in level but mostly agree in change: EDGAR against the UNFCCC inventory, per Annex-I "
           "party, the level ratio in both years and the two changes.")
    comp = t["source_comparison"]
    page.table(comp[["gas", "country", "name", "ratio_first", "ratio_last", "CRF change %", "EDGAR change %",
                     "change_difference_pts", "same_direction", "statement"]], "source_comparison",
               "EDGAR v6.0 against the UNFCCC CRF inventory (ratios EDGAR / CRF; changes in %)", collapse=True)
    td = t["topdown_vs_inventories"]
    page.p("Top-down beside bottom-up: the GCP-CH4 2020 top-down anthropogenic categories (agriculture and waste, "
           "fossil, biomass and biofuel burning; the mean of the runs by the Saunois et al. 2020 rule) of the "
           "countries the workbook reports on their own, against the inventories' decade means; a source that lacks "
           "a country of a region is named, not compared.")
    page.table(td, "topdown_vs_inventories", "CH4 top-down and bottom-up per country, decade means and their change "
               "(Tg CH4 yr-1)")
    return {"national_focus": t["focus"][cols], "topdown_vs_inventories": td}
