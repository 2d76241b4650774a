"""The stocktake on the bundled real data: the three-gas CO2-eq tables, the growth-rate closure, the trends.

Every table here is built from real published files bundled with the package (``mip/data/``):

- CO2-equivalents of CO2, CH4 and N2O by country, latitude band and globally, each on its stated basis
  (:mod:`mip.report.three_gas`);
- the growth-rate closure of the OCO-2 v10 MIP members (Stephens et al. 2026 band files, the MIP's own
  prescribed fossil) against NOAA GML (2020 vintage) × 2.124 Pg C/ppm;
- the trends of the observed growth rate and of the Global Carbon Budget 2023 sinks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.report.three_gas import (GCP_CH4_BANDS, GCP_CH4_COUNTRIES, three_gas_bands, three_gas_countries,
                                  three_gas_global)

__all__ = ["stocktake_files", "GCP_CH4_BANDS", "GCP_CH4_COUNTRIES", "three_gas_bands", "three_gas_countries", "three_gas_global",
           "v10mip_closure", "growth_rate_monitoring", "sink_trends", "ocean_sink_trends", "stocktake_tables",
           "closure_table", "add_stocktake_sections", "basis_lines", "basis_statement", "co2eq_members_frame"]

def v10mip_closure(experiments: tuple[str, ...] = ("prior", "IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG"),
                   tolerance: float | str = "stated") -> xr.Dataset:
    """Every v10 MIP member's global total (land + ocean + fossil) against NOAA's growth rate, per year.

    Parameters
    ----------
    experiments
        v10 MIP experiments.
    tolerance
        ``"stated"`` (the default: each year 2 × NOAA's stated growth-rate uncertainty × 2.124 Pg C/ppm —
        the members' totals carry the MIP's own prescribed fossil, so no fossil uncertainty enters), or a
        number of Pg C/yr.

    Returns
    -------
    xarray.Dataset
        From :func:`mip.budgets.closure.growth_closure`.
    """
    from mip.budgets.closure import growth_closure
    from mip.obs.noaa import bundled_growth_rate
    from mip.tables.v10mip_zonal import bundled_annual

    ann = bundled_annual()
    total = ann["total"].sel(experiment=list(experiments)).sum("region", skipna=False)
    from mip.budgets.closure import stated_tolerance

    noaa = bundled_growth_rate()
    tol = stated_tolerance(noaa.unc) if tolerance == "stated" else float(tolerance)
    out = growth_closure(total, noaa.growth_rate, tolerance=tol)
    out.attrs["tolerance_source"] = ("2 × NOAA's stated growth-rate uncertainty × 2.124 Pg C/ppm per year (the members' "
                                     "own prescribed fossil is in their totals)" if tolerance == "stated"
                                     else "a fixed number given")
    return out


def growth_rate_monitoring(periods: tuple[tuple[int, int], ...] = ((1960, 1989), (1990, 2019))) -> pd.DataFrame:
    """The observed growth rate's trend per period and their difference (the monitoring the stocktake proposes).

    Parameters
    ----------
    periods
        Two (first, last) year ranges.

    Returns
    -------
    pandas.DataFrame
        ``period, slope, slope_se, theil_sen, p_value`` in Pg C/yr per year, and a last row with the
        difference of the two slopes and its standard error.
    """
    from mip.obs.noaa import bundled_growth_rate

    gr = bundled_growth_rate().growth_rate_pgc
    return _trend_rows(gr, periods)


def _trend_rows(da: xr.DataArray, periods: tuple[tuple[int, int], ...]) -> pd.DataFrame:
    """Each period's trend of a yearly series, and the difference of the two (last row)."""
    from mip.budgets.trends import linear_trend, trend_difference

    rows = []
    for a, b in periods:
        t = linear_trend(da, "year", period=(a, b))
        rows.append({"period": f"{a}-{b}", "slope": float(t.slope), "slope_se": float(t.slope_se),
                     "theil_sen": float(t.theil_sen), "p_value": float(t.p_value)})
    d = trend_difference(da, periods[0], periods[1], dim="year")
    rows.append({"period": f"difference ({periods[1][0]}-{periods[1][1]}) - ({periods[0][0]}-{periods[0][1]})",
                 "slope": float(d.difference), "slope_se": float(d.difference_se), "theil_sen": np.nan,
                 "p_value": float(d.p_value)})
    return pd.DataFrame(rows)


def sink_trends(periods: tuple[tuple[int, int], ...] = ((1960, 1989), (1990, 2022))) -> pd.DataFrame:
    """Trends of the GCB 2023 land and ocean sinks per period and their difference (is the sinks' growth slowing?).

    Parameters
    ----------
    periods
        Two (first, last) year ranges.

    Returns
    -------
    pandas.DataFrame
        ``component, period, slope, slope_se, theil_sen, p_value`` (Pg C/yr per year; sinks positive
        as the GCB reports them).
    """
    from mip.tables.gcb_workbook import read_global_budget

    g = read_global_budget()
    out = [_trend_rows(g.sel(component=c), periods).assign(component=c)
           for c in ("land_sink", "ocean_sink")]
    df = pd.concat(out, ignore_index=True)
    return df[["component", "period", "slope", "slope_se", "theil_sen", "p_value"]]


def ocean_sink_trends(period: tuple[int, int] = (2000, 2022)) -> pd.DataFrame:
    """Trends of the GCB 2023 ocean sink: the observation-based data products beside the ocean models.

    The GCB's own top-down/bottom-up pair for the ocean: pCO2-based data products against global
    ocean biogeochemistry models, each member's OLS trend over the period, and whether the two ranges
    of member trends overlap (:func:`mip.budgets.trends.td_bu_trends`).

    Parameters
    ----------
    period
        (first, last) year.

    Returns
    -------
    pandas.DataFrame
        One row: ``category`` (``ocean sink``), ``td_*`` = data products, ``bu_*`` = models (median,
        min, max of the member trends, Pg C/yr per year), ``ranges_overlap``, ``n_products``, ``n_models``,
        ``products_left_out`` (those the GCB leaves out of its own data-product average: UOEx-Watson in 2023).
    """
    from mip.tables.gcb_workbook import read_sink_sheet
    from mip.budgets.trends import td_bu_trends

    t = read_sink_sheet(sheet="Ocean Sink")
    kinds = np.asarray(t.kind.values)
    used = np.asarray(t.in_gcb_average.values)  # the GCB's own average leaves some products out: so do we
    products = t.isel(model=np.nonzero((kinds == "data product") & used)[0]).expand_dims(category=["ocean sink"])
    models = t.isel(model=np.nonzero(kinds == "model")[0]).expand_dims(category=["ocean sink"])
    out = td_bu_trends(products, models, dim="year", member="model", period=period)
    return out.assign(period=f"{period[0]}-{period[1]}", n_products=products.sizes["model"],
                      n_models=models.sizes["model"],
                      products_left_out=t.attrs.get("excluded_from_gcb_average", "") or "none")


def stocktake_tables(*, year: int = 2017, experiment: str = "LNLGIS", tolerance: float | str = "stated",
                     ceos: str | Path | None = None, co2: str = "gcb", weighting: str = "groups") -> dict[str, object]:
    """Every table of the three-gas stocktake on the bundled real data.

    Parameters
    ----------
    year
        Year of the CO2-eq tables by country and band (the GCP-CH4 2020 budget gives 2017).
    experiment
        v10 MIP experiment of the CO2 fluxes.
    tolerance
        ``"stated"`` or Pg C/yr, of the growth-rate closure.
    ceos
        CEOS pilot country file (default the bundled subset), for ``co2="ceos"``.
    co2
        CO2 of the countries: ``"gcb"`` (emissions: national fossil + land-use change) or ``"ceos"``
        (the CEOS pilot's land NCE).
    weighting
        CH4 run weighting: ``"groups"`` (as the GCP-CH4 budget) or ``"each-run"``.

    Returns
    -------
    dict
        ``co2eq_countries``, ``co2eq_bands`` and ``co2eq_global`` (:func:`mip.budgets.multigas.co2eq_by_region`
        results, each on its stated basis), ``closure`` (:func:`mip.budgets.closure.growth_closure` of every v10
        MIP member), ``growth`` (NOAA, Pg C/yr), ``growth_trends``, ``sink_trends`` and ``ocean_sink_trends``;
        ``monitoring`` (:func:`mip.report.monitoring.monitoring_tables`: observed growth against the SSP scenarios,
        the growth rate without ENSO, detectability) and ``national``
        (:func:`mip.report.national_sections.national_tables`: inventories, reductions, top-down beside bottom-up).
    """
    return {k: make() for k, make in _table_makers(year=year, experiment=experiment, tolerance=tolerance, ceos=ceos,
                                                  co2=co2, weighting=weighting).items()}


def _table_makers(*, year: int = 2017, experiment: str = "LNLGIS", tolerance: float | str = "stated",
                  ceos: str | Path | None = None, co2: str = "gcb", weighting: str = "groups") -> dict[str, Callable]:
    """:func:`stocktake_tables`'s tables, each as the call that computes it, in the order the page shows them."""
    from mip.obs.noaa import bundled_growth_rate
    from mip.report.monitoring import monitoring_tables
    from mip.report.national_sections import national_tables

    return {"co2eq_countries": partial(three_gas_countries, year, co2=co2, weighting=weighting, experiment=experiment,
                                       ceos=ceos),
            "co2eq_bands": partial(three_gas_bands, year, experiment, weighting=weighting),
            "co2eq_global": partial(three_gas_global, weighting=weighting),
            "closure": partial(v10mip_closure, tolerance=tolerance),
            "growth": lambda: bundled_growth_rate().growth_rate_pgc,
            "growth_trends": growth_rate_monitoring, "sink_trends": sink_trends,
            "ocean_sink_trends": ocean_sink_trends, "monitoring": monitoring_tables, "national": national_tables}


class _TablesOnDemand(Mapping):
    """The stocktake's tables, each computed when first looked up (and kept).

    The page asks for them in the order it shows them, so each section's figures go to the figure
    process as soon as its own tables are ready, instead of after every table of the stocktake.
    """

    def __init__(self, makers: dict[str, Callable]) -> None:
        self._makers, self._done = makers, {}

    def __getitem__(self, key: str) -> object:
        if key not in self._done:
            self._done[key] = self._makers[key]()
        return self._done[key]

    def __contains__(self, key: object) -> bool:  # without computing the table (Mapping's looks it up)
        return key in self._makers

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


def closure_table(closure: xr.Dataset) -> pd.DataFrame:
    """Per experiment and model: mean, largest mismatch and the years beyond the tolerance.

    Parameters
    ----------
    closure
        From :func:`mip.budgets.closure.growth_closure`.

    Returns
    -------
    pandas.DataFrame
        ``experiment, model, mean_mismatch, max_abs_mismatch, years_beyond_tolerance`` (Pg C/yr).
    """
    rows = []
    for e in closure.experiment.values:
        for m in closure.model.values:
            mm = closure.mismatch.sel(experiment=e, model=m)
            if bool(mm.isnull().all()):
                continue
            bad = [int(y) for y in mm.year.values[(~closure.within_tolerance.sel(experiment=e, model=m)).values
                                                  & mm.notnull().values]]
            rows.append({"experiment": str(e), "model": str(m), "mean_mismatch": float(mm.mean()),
                         "max_abs_mismatch": float(np.abs(mm).max()),
                         "years_beyond_tolerance": " ".join(map(str, bad))})
    return pd.DataFrame(rows)


def add_stocktake_sections(page, tables: dict[str, object] | None = None) -> dict[str, object]:
    """Append the three-gas stocktake sections (real data) to a report page.

    Parameters
    ----------
    page
        The report page (``h2``, ``p``, ``table``, ``figure``).
    tables
        From :func:`stocktake_tables` (computed when not given).

    Returns
    -------
    dict
        The tables shown.
    """
    from mip.report import figures as F

    t = tables or _TablesOnDemand(_table_makers())
    page.h2("Three-gas stocktake: CO2, CH4 and N2O in CO2-equivalent")
    page.p("REAL data. Tg CO2-eq/yr, positive = to the atmosphere; IPCC AR6 WG1 Table 7.15 GWP100 and GWP20 (fossil "
           "CH4 29.8 / 82.5, other CH4 27.0 / 79.7, N2O 273). A GWP is an emission metric, so the countries and the "
           "globe are on an emissions basis (CO2 from fossil fuels and land-use change, CH4 and N2O sources; no sink "
           "and never the ocean flux). No inventory of land-use emissions exists per latitude band, so the bands "
           "compare the net exchange over land (the inversions' fossil + land flux, CH4 sources minus the soil sink), "
           "as stated in their header. Each gas keeps its own members (CO2: bookkeeping models or inversions; CH4: "
           "inversion runs); P(CH4 > CO2) is the share of all (CH4 run, CO2 member) pairs, weighted, in which CH4's "
           "CO2-eq is the larger — exact over the pairs, what a Monte Carlo over members and runs converges to.")
    shown = {}
    for key, what in (("co2eq_countries", "Countries the GCP-CH4 workbook reports on their own"),
                      ("co2eq_bands", "Latitude bands (v10 MIP bands summed exactly to the GCP-CH4 bands)"),
                      ("co2eq_global", "Globe, three gases")):
        shown.update(_co2eq_section(page, t[key], key, what, F))
    shown["co2eq_members"] = co2eq_members_frame(t)
    page.table(shown["co2eq_members"], "co2eq_members", "Each gas's members per table and region (GWP100): the "
               "central value, the range over the members and the anthropogenic / natural / net-land parts",
               units={c: "Tg CO2-eq yr-1" for c in ("central", "min", "max", "anthropogenic", "natural", "net land",
                                                    "sink")}, collapse=True)
    clo = t["closure"]
    page.h2("Growth-rate closure of the OCO-2 v10 MIP members")
    page.p("REAL data: each member's global total (land + ocean + fossil, annual means of the Stephens et al. 2026 "
           "band files, each with the MIP's own prescribed fossil) minus NOAA's growth rate × 2.124 Pg C/ppm, per year "
           f"2015-2019. Tolerance: {clo.attrs.get('tolerance_source', '')}"
           + (f", {clo.attrs['tolerance_range']} Pg C/yr" if "tolerance_range" in clo.attrs else "")
           + " — from stated uncertainties, not from the ensemble (the oco2mip-v10 protocol's closure rule uses the "
           "same).")
    ct = closure_table(clo)
    page.table(ct, "growth_closure", "mismatch per member, 2015-2019",
               units={c: "Pg C yr-1" for c in ct.columns if "mismatch" in c})
    page.figure(partial(F.closure_bars, clo, "Global total − observed growth, mean over 2015-2019"), "growth_closure",
                f"Growth-rate closure per v10 MIP member and experiment, mean over 2015-2019, Pg C yr-1: global total "
                f"(land + ocean + fossil) minus NOAA's growth; dashed: the largest yearly tolerance "
                f"±{clo.attrs['tolerance']:.2f} Pg C yr-1; "
                f"{clo.sizes.get('model', 0)} members.")
    page.h2("Monitoring: the observed growth rate and the sinks' trends")
    page.p("REAL data: NOAA GML global growth rate (2020 vintage) × 2.124 Pg C/ppm with its trend per period (OLS "
           "with the standard error inflated for lag-1 autocorrelation, Theil-Sen, Mann-Kendall p), and the trends "
           "of the GCB 2023 land and ocean sinks (positive = uptake); the last row of each is the difference of the "
           "two periods' trends — is the growth, or the sink's growth, changing?")
    trend_units = {c: "Pg C yr-1 per year" for c in ("slope", "slope_se", "theil_sen", "ci_low", "ci_high")}
    g = t["growth"]
    page.table(t["growth_trends"], "growth_rate_trends", "trend of the observed growth rate", units=trend_units)
    page.figure(partial(F.growth_trend, g, t["growth_trends"]), "growth_rate_trends",
                f"NOAA global CO2 growth rate {int(g.year.min())}-{int(g.year.max())}, Pg C yr-1 (× 2.124 Pg C/ppm), "
                "with the OLS trend of each period (Pg C yr-1 per year, SE inflated for lag-1 autocorrelation).")
    page.table(t["sink_trends"], "sink_trends", "trends of the GCB 2023 sinks (positive = uptake)", units=trend_units)
    page.p("Do observation-based and model estimates of the ocean sink agree on its trend? The GCB 2023 data "
           "products (pCO2-based) as the top-down side, its ocean models as the bottom-up side: the range of member "
           "trends of each, and whether the ranges overlap.")
    page.table(t["ocean_sink_trends"], "ocean_sink_trends", "ocean sink trends, data products vs models",
               units={c: "Pg C yr-1 per year" for c in t["ocean_sink_trends"].columns if c.startswith(("td_", "bu_"))})
    from mip.report.monitoring import add_monitoring_sections
    from mip.report.national_sections import add_national_sections

    if "monitoring" in t:
        shown.update(add_monitoring_sections(page, t["monitoring"]))
    if "national" in t:
        shown.update(add_national_sections(page, t["national"]))
    return {**shown, "ocean_sink_trends": t["ocean_sink_trends"], "growth_closure": ct,
            "growth_rate_trends": t["growth_trends"], "sink_trends": t["sink_trends"]}


def basis_lines(result: xr.Dataset) -> list[str]:
    """A CO2-eq table's basis, period, members, sources, central statistic and probability, one line each.

    Parameters
    ----------
    result
        From :func:`mip.budgets.multigas.co2eq_by_region` (with ``attrs["sources"]``).

    Returns
    -------
    list of str
    """
    a = result.attrs
    return [f"Basis: {a['basis_text']}", f"Period: {a['period']}", f"Members: {a['members']}",
            f"Sources: {a.get('sources', 'not stated')}", f"Central values: {a['central']}, of each gas's member totals",
            f"P(CH4 > CO2): {a['probability']}"]


def basis_statement(result: xr.Dataset) -> str:
    """:func:`basis_lines` as one paragraph.

    Parameters
    ----------
    result
        From :func:`mip.budgets.multigas.co2eq_by_region`.

    Returns
    -------
    str
    """
    return ". ".join(basis_lines(result)) + "."


def _co2eq_section(page, result: xr.Dataset, key: str, what: str, F) -> dict[str, pd.DataFrame]:
    from mip.budgets.multigas import co2eq_table

    tab = co2eq_table(result)
    units = {c: "Tg CO2-eq yr-1" for c in tab.columns if c.split()[0] in ("CO2", "CH4", "N2O", "total")
             and c.split()[-1] in ("GWP100", "GWP20") and not c.startswith("P(")}
    page.p(f"{what} — {basis_statement(result)}")
    page.table(tab, key, f"{what}, {result.attrs['period']}, basis: {result.attrs['basis']} (central values; "
               "P over the members' pairs)", units=units)
    page.figure(partial(F.co2eq_bars, result, f"{what.split(' (')[0]}, {result.attrs['period']}"), key,
                f"{what}, {result.attrs['period']}, basis {result.attrs['basis']}: Pg CO2-eq yr-1 (Tg CO2-eq yr-1 / "
                "1000), positive = to the atmosphere; GWP100 (left panel) and GWP20 (right panel); whiskers: each gas's "
                f"range over its members; {result.attrs['members']}.")
    return {key: tab}


def co2eq_members_frame(tables: dict[str, object], horizon: str = "GWP100") -> pd.DataFrame:
    """The members table of every CO2-eq result in the stocktake, one block per table.

    Parameters
    ----------
    tables
        From :func:`stocktake_tables`.
    horizon
        ``"GWP100"`` or ``"GWP20"``.

    Returns
    -------
    pandas.DataFrame
        :func:`mip.budgets.multigas.co2eq_members_table` rows with a ``table`` column first.
    """
    from mip.budgets.multigas import co2eq_members_table

    frames = [co2eq_members_table(tables[k], horizon).assign(table=k.replace("co2eq_", ""))
              for k in ("co2eq_countries", "co2eq_bands", "co2eq_global") if k in tables]
    df = pd.concat(frames, ignore_index=True)
    parts = [c for c in df.columns if c not in ("table", "region", "gas", "members", "central", "min", "max", "left out")]
    df[parts] = df[parts].fillna(0.0)  # a part a table's gases do not have is zero there
    return df[["table", "region", "gas", "members", "central", "min", "max", *parts, "left out"]]


#: The CO2-eq tables of the stocktake (their CSVs carry the basis above the header).
CO2EQ_TABLES = ("co2eq_countries", "co2eq_bands", "co2eq_global")


def stocktake_files(t: dict) -> dict[str, tuple[str, pd.DataFrame]]:
    """The stocktake's tables as ``mip stocktake`` writes them: name → (comment lines, frame with units in its headers).

    Parameters
    ----------
    t
        From :func:`stocktake_tables`.

    Returns
    -------
    dict
        ``co2eq_*`` (headed by their basis, periods and members), ``co2eq_members``, ``growth_closure``, the trend
        tables, the scenario, ENSO and detectability tables and the national tables.
    """
    from mip.budgets.multigas import co2eq_table

    tables = {**{k: co2eq_table(t[k]) for k in CO2EQ_TABLES}, "co2eq_members": co2eq_members_frame(t),
              "growth_closure": closure_table(t["closure"]), "growth_rate_trends": t["growth_trends"],
              "sink_trends": t["sink_trends"], "ocean_sink_trends": t["ocean_sink_trends"]}
    mon, nat = t["monitoring"], t["national"]
    yearly = mon["enso_fit"][["growth", "enso_index", "enso_part", "adjusted", "trend", "residual"]].to_dataframe()
    tables.update({"scenario_growth": mon["scenario_growth"], "scenario_growth_all": mon["scenario_growth_all"],
                   "growth_rate_enso": yearly.assign(volcanic=mon["enso_fit"].volcanic.values).reset_index(),
                   "detectability": mon["detectability"], "national_changes": nat["changes"],
                   "largest_reductions": nat["largest_reductions"], "source_comparison": nat["source_comparison"],
                   "topdown_vs_inventories": nat["topdown_vs_inventories"]})
    out = {}
    for name, df in tables.items():
        header = "".join(f"# {line}\n" for line in basis_lines(t[name])) if name in CO2EQ_TABLES else ""
        if name.startswith("co2eq_"):  # units in the CSV headers (probabilities have none)
            df = df.rename(columns=lambda c: f"{c} (Tg CO2-eq yr-1)" if (c.split()[-1] in ("GWP100", "GWP20") and not
                                                                     c.startswith(("P(", "dominant"))) or c in (
                "central", "min", "max", "anthropogenic", "natural", "net land", "sink") else c)
        out[name] = (header, df)
    return out
