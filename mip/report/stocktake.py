"""The three-gas stocktake on the bundled real data: CO2-eq by latitude band, the growth-rate closure, sink trends.

Every table here is built from real published files bundled with the package (``mip/data/``):

- CO2: the OCO-2 v10 MIP annual band means (Stephens et al. 2026, derived from the band time series);
- CH4: the GCP-CH4 2020 top-down budget (Saunois et al. 2020), whose regions include three
  latitude bands (<30°N, 30–60°N, 60–90°N) that the v10 MIP's 10° bands reproduce exactly;
- the observed growth rate: NOAA GML (2020 vintage) × 2.124 Pg C/ppm;
- the land and ocean sinks: the Global Carbon Budget 2023.

No N2O table is bundled (the GCP-N2O reader is still a guess), so the multi-gas table has two gases.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["GCP_CH4_BANDS", "GCP_CH4_COUNTRIES", "ch4_topdown_by_region", "co2_v10mip_on", "co2_ceos_on",
           "three_gas_bands", "three_gas_countries", "v10mip_closure",
           "growth_rate_monitoring", "sink_trends", "ocean_sink_trends", "stocktake_tables", "closure_table", "add_stocktake_sections"]

#: GCP-CH4 latitude regions as sums of the v10 MIP 10° bands (exact: both are bounded at 30°N and 60°N).
GCP_CH4_BANDS = {"GLOBAL": slice(0, 18), "<30°N": slice(0, 12), "30°N-60°N": slice(12, 15), "60°N-90°N": slice(15, 18)}
#: GCP-CH4 regions that are countries (Korea and Japan together) → their ISO codes in the CEOS file.
GCP_CH4_COUNTRIES = {"USA": ("USA",), "Canada": ("CAN",), "Brazil": ("BRA",), "China": ("CHN",),
                     "Russia": ("RUS",), "Korean Japan": ("KOR", "JPN")}
#: TD categories that add up to the net CH4 flux to the atmosphere (sources, minus the soil sink).
CH4_PARTS = {"Wetlands": "wetlands", "Other Natural Sources": "other_natural", "Agriculture and Waste":
             "agriculture_waste", "Fossil fuels": "fossil", "Biomass and Biofuel Burning": "biomass_biofuel_burning",
             "Soil Sink": "soil_sink"}


def ch4_topdown_by_region(period: str, regions: list[str], workbook: str | Path | None = None) -> xr.Dataset:
    """GCP-CH4 top-down means per category and region (Saunois et al. 2020 rule), as fluxes to the atmosphere.

    Parameters
    ----------
    period
        ``"2000-2009"``, ``"2008-2017"`` or ``"2017"``.
    regions
        Regions of the workbook.
    workbook
        The workbook (default the bundled one).

    Returns
    -------
    xarray.Dataset
        One variable per category in ``Tg yr-1`` of CH4 on ``region``; the soil sink negative;
        ``attrs["period"]``.
    """
    from mip.budgets.ch4 import td_summary
    from mip.products.gcp_ch4 import read_workbook

    from mip.errors import MismatchError

    td = read_workbook(workbook, approach="TD")
    if period not in td.period.values:
        raise MismatchError(f"CH4: the GCP-CH4 workbook has no period {period!r}; it has "
                            f"{', '.join(map(str, td.period.values))}")
    missing = [r for r in regions if r not in td.region.values]
    if missing:
        raise MismatchError(f"CH4: the GCP-CH4 workbook has no region {missing}")
    vals = {v: [] for v in CH4_PARTS.values()}
    for r in regions:
        t = td_summary(td, period, r).set_index("category")["mean"]
        for label, v in CH4_PARTS.items():
            vals[v].append((-1.0 if v == "soil_sink" else 1.0) * float(t.get(label, np.nan)))
    ds = xr.Dataset({v: ("region", np.asarray(x), {"units": "Tg yr-1", "reported_as": "CH4"}) for v, x in vals.items()},
                    coords={"region": regions})
    ds.attrs.update(period=period, source=f"GCP-CH4 2020 top-down, {period} (Saunois et al. 2020)")
    return ds


def co2_v10mip_on(regions: dict[str, slice], year: int, experiment: str = "LNLGIS") -> xr.Dataset:
    """The v10 MIP members' land, ocean and fossil CO2 of one calendar year, summed into latitude regions.

    Parameters
    ----------
    regions
        Region name → slice of the 18 10° bands (south to north).
    year
        2015 … 2020.
    experiment
        v10 MIP experiment.

    Returns
    -------
    xarray.Dataset
        ``land``, ``ocean``, ``fossil`` (Pg C/yr) on (model, region), members with data only;
        ``attrs["period"]``.
    """
    from mip.tables.v10mip_zonal import bundled_annual

    from mip.errors import MismatchError

    ann = bundled_annual()[["land", "ocean", "fossil"]]
    if experiment not in ann.experiment.values or year not in ann.year.values:
        raise MismatchError(f"CO2: the v10 MIP table has experiments {', '.join(map(str, ann.experiment.values))} "
                            f"and years {int(ann.year.min())}-{int(ann.year.max())}; asked for {experiment} {year}")
    ann = ann.sel(experiment=experiment, year=year)
    ann = ann.dropna("model", how="all", subset=["land"])
    parts = [ann.isel(region=s).sum("region", skipna=False).expand_dims(region=[name]) for name, s in regions.items()]
    out = xr.concat(parts, "region")
    for v in out.data_vars:
        out[v].attrs.update(units="Pg yr-1", reported_as="C")
    out.attrs.update(period=str(year), source=f"OCO-2 v10 MIP {experiment} (Stephens et al. 2026), {year}")
    return out


def co2_ceos_on(regions: dict[str, tuple[str, ...]], year: int, experiment: str = "LNLGIS",
                path: str | Path | None = None) -> xr.Dataset:
    """CEOS pilot national CO2 (NBE and fossil, Byrne et al. 2023) of one year, summed into regions of countries.

    Parameters
    ----------
    regions
        Region name → ISO alpha-3 codes it sums.
    year
        2015 … 2020.
    experiment
        v10 MIP experiment of the NBE.
    path
        The CEOS country file (default the bundled subset).

    Returns
    -------
    xarray.Dataset
        ``NBE`` and ``fossil`` (Tg C/yr, ``Tg yr-1``) on ``region``; ``attrs["period"]``. The NBE is
        the file's ensemble median of each country; a region of several countries sums them.
    """
    from mip.errors import InputError
    from mip.products.ceos import read_ceos_countries

    path = Path(path) if path else Path(str(resources.files("mip") / "data" / "ceos-pilot-2023"
                                             / "pilot_topdown_CO2_Budget_countries_v1.csv"))
    from mip.errors import MismatchError

    ds = read_ceos_countries(path)
    if experiment not in ds.experiment.values or year not in ds.year.values:
        raise MismatchError(f"CO2: {path} has experiments {', '.join(map(str, ds.experiment.values))} and years "
                            f"{int(ds.year.min())}-{int(ds.year.max())}; asked for {experiment} {year}")
    codes = [c for cs in regions.values() for c in cs]
    unknown = [c for c in codes if c not in ds.country.values]
    if unknown:
        raise InputError(path, "Alpha 3 Code", f"no rows for {unknown}", "every country of the regions")
    sel = ds.sel(year=year)
    nbe = [float(sel.NBE.sel(experiment=experiment, country=list(cs)).sum()) for cs in regions.values()]
    ff = [float(sel.FF.sel(country=list(cs)).sum()) for cs in regions.values()]
    attrs = {"units": "Tg yr-1", "reported_as": "C"}
    out = xr.Dataset({"NBE": ("region", nbe, attrs), "fossil": ("region", ff, attrs)}, coords={"region": list(regions)})
    out.attrs.update(period=str(year), source=f"CEOS pilot national CO2 budgets, {experiment} NBE + FF, {year} "
                                              "(Byrne et al. 2023)")
    return out


def three_gas_countries(year: int = 2017, experiment: str = "LNLGIS", ceos: str | Path | None = None) -> xr.Dataset:
    """CO2 (CEOS pilot NBE + fossil) and CH4 (GCP-CH4 top-down) of one year in CO2-eq for the workbook's countries.

    Parameters
    ----------
    year
        The year both cover (2017: the GCP-CH4 2020 budget's own year).
    experiment
        v10 MIP experiment of the NBE.
    ceos
        The CEOS country file (default the bundled subset).

    Returns
    -------
    xarray.Dataset
        From :func:`mip.budgets.multigas.co2eq_by_region`.
    """
    from mip.budgets.multigas import co2eq_by_region

    co2 = co2_ceos_on(GCP_CH4_COUNTRIES, year, experiment, ceos)
    ch4 = ch4_topdown_by_region(str(year), list(GCP_CH4_COUNTRIES))
    out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    out.attrs["sources"] = f"{co2.attrs['source']}; {ch4.attrs['source']}"
    return out


def three_gas_bands(year: int = 2017, experiment: str = "LNLGIS") -> xr.Dataset:
    """CO2 (v10 MIP) and CH4 (GCP-CH4 top-down) of one year in CO2-eq on the GCP-CH4 latitude bands.

    Parameters
    ----------
    year
        The year both cover (the GCP-CH4 2020 budget gives 2017 as its own period).
    experiment
        v10 MIP experiment.

    Returns
    -------
    xarray.Dataset
        From :func:`mip.budgets.multigas.co2eq_by_region`.
    """
    from mip.budgets.multigas import co2eq_by_region

    co2 = co2_v10mip_on(GCP_CH4_BANDS, year, experiment)
    ch4 = ch4_topdown_by_region(str(year), list(GCP_CH4_BANDS))
    out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    out.attrs["sources"] = f"{co2.attrs['source']}; {ch4.attrs['source']}"
    return out


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
                     ceos: str | Path | None = None) -> dict[str, object]:
    """Every table of the three-gas stocktake on the bundled real data.

    Parameters
    ----------
    year
        Year of the CO2-eq tables (CO2 and CH4 must both cover it; the GCP-CH4 2020 budget gives 2017).
    experiment
        v10 MIP experiment of the CO2 fluxes.
    tolerance
        Pg C/yr of the growth-rate closure.
    ceos
        CEOS pilot country file (default the bundled subset).

    Returns
    -------
    dict
        ``co2eq_bands`` and ``co2eq_countries`` (:func:`mip.budgets.multigas.co2eq_by_region` results),
        ``closure`` (:func:`mip.budgets.closure.growth_closure` of every v10 MIP member), ``growth`` (NOAA, Pg
        C/yr), ``growth_trends``, ``sink_trends`` and ``ocean_sink_trends`` (DataFrames).
    """
    from mip.obs.noaa import bundled_growth_rate

    return {"co2eq_bands": three_gas_bands(year, experiment),
            "co2eq_countries": three_gas_countries(year, experiment, ceos),
            "closure": v10mip_closure(tolerance=tolerance),
            "growth": bundled_growth_rate().growth_rate_pgc,
            "growth_trends": growth_rate_monitoring(), "sink_trends": sink_trends(),
            "ocean_sink_trends": ocean_sink_trends()}


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
    from mip.budgets.multigas import co2eq_table
    from mip.report import figures as F

    t = tables or stocktake_tables()
    bands, countries = t["co2eq_bands"], t["co2eq_countries"]
    page.h2("Three-gas stocktake: CO2 and CH4 in CO2-equivalent")
    page.p(f"REAL data, {bands.attrs['period']}: {bands.attrs['sources']}; {countries.attrs['sources'].split(';')[0]}. "
           "Tg CO2-eq/yr, positive = to the atmosphere; IPCC AR6 GWP100 and GWP20 (fossil CH4 29.8 / 82.5, other "
           "CH4 27.0 / 79.7). CO2 is the net surface flux (fossil + land + ocean); CH4 is emissions minus the soil "
           "sink (its atmospheric OH sink is not a surface flux). The dominant gas has the largest CO2-eq; flagged: "
           "CH4 outweighs CO2 under GWP20 but not under GWP100. No N2O table is bundled.")
    tb = co2eq_table(bands)
    eq = {c: "Tg CO2-eq yr-1" for c in tb.columns if len(c.split()) == 2 and c.split()[1] in ("GWP100", "GWP20")
          and c.split()[0] != "dominant"}
    page.table(tb, "co2eq_bands", f"CO2-eq by latitude band, {bands.attrs['period']} (v10 MIP bands summed exactly to "
               "the GCP-CH4 bands)", units=eq)
    page.figure(F.co2eq_bars(bands, f"Latitude bands, {bands.attrs['period']}"), "co2eq_bands",
                f"CO2 and CH4 by latitude band, {bands.attrs['period']}, Pg CO2-eq yr-1 (Tg CO2-eq yr-1 / 1000), "
                "positive = to the atmosphere; GWP100 (left) and GWP20 (right, hatched); CO2 the v10 MIP median, "
                "CH4 the GCP-CH4 top-down mean.")
    tc = co2eq_table(countries)
    eq = {c: "Tg CO2-eq yr-1" for c in tc.columns if len(c.split()) == 2 and c.split()[1] in ("GWP100", "GWP20")
          and c.split()[0] != "dominant"}
    page.table(tc, "co2eq_countries", f"CO2-eq of the countries the GCP-CH4 workbook reports on their own, "
               f"{countries.attrs['period']}", units=eq)
    page.figure(F.co2eq_bars(countries, f"Countries, {countries.attrs['period']}"), "co2eq_countries",
                f"CO2 and CH4 by country, {countries.attrs['period']}, Pg CO2-eq yr-1, positive = to the atmosphere; "
                "GWP100 (left) and GWP20 (right, hatched); CO2 the CEOS pilot NBE + FF median, CH4 the GCP-CH4 "
                "top-down mean.")
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
    page.figure(F.closure_bars(clo, "Global total − observed growth, mean over 2015-2019"), "growth_closure",
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
    page.figure(F.growth_trend(g, t["growth_trends"]), "growth_rate_trends",
                f"NOAA global CO2 growth rate {int(g.year.min())}-{int(g.year.max())}, Pg C yr-1 (× 2.124 Pg C/ppm), "
                "with the OLS trend of each period (Pg C yr-1 per year, SE inflated for lag-1 autocorrelation).")
    page.table(t["sink_trends"], "sink_trends", "trends of the GCB 2023 sinks (positive = uptake)", units=trend_units)
    page.p("Do observation-based and model estimates of the ocean sink agree on its trend? The GCB 2023 data "
           "products (pCO2-based) as the top-down side, its ocean models as the bottom-up side: the range of member "
           "trends of each, and whether the ranges overlap.")
    page.table(t["ocean_sink_trends"], "ocean_sink_trends", "ocean sink trends, data products vs models",
               units={c: "Pg C yr-1 per year" for c in t["ocean_sink_trends"].columns if c.startswith(("td_", "bu_"))})
    return {"ocean_sink_trends": t["ocean_sink_trends"], "co2eq_bands": tb, "co2eq_countries": tc, "growth_closure": ct, "growth_rate_trends": t["growth_trends"],
            "sink_trends": t["sink_trends"]}
