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

__all__ = ["GCP_CH4_BANDS", "ch4_topdown_by_region", "co2_v10mip_on", "three_gas_bands", "v10mip_closure",
           "growth_rate_monitoring", "sink_trends"]

#: GCP-CH4 latitude regions as sums of the v10 MIP 10° bands (exact: both are bounded at 30°N and 60°N).
GCP_CH4_BANDS = {"GLOBAL": slice(0, 18), "<30°N": slice(0, 12), "30°N-60°N": slice(12, 15), "60°N-90°N": slice(15, 18)}
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
    from mip.ch4budget import td_summary
    from mip.products.gcp_ch4 import read_workbook

    td = read_workbook(workbook, approach="TD")
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

    ann = bundled_annual()[["land", "ocean", "fossil"]].sel(experiment=experiment, year=year)
    ann = ann.dropna("model", how="all", subset=["land"])
    parts = [ann.isel(region=s).sum("region", skipna=False).expand_dims(region=[name]) for name, s in regions.items()]
    out = xr.concat(parts, "region")
    for v in out.data_vars:
        out[v].attrs.update(units="Pg yr-1", reported_as="C")
    out.attrs.update(period=str(year), source=f"OCO-2 v10 MIP {experiment} (Stephens et al. 2026), {year}")
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
        From :func:`mip.multigas.co2eq_by_region`.
    """
    from mip.multigas import co2eq_by_region

    co2 = co2_v10mip_on(GCP_CH4_BANDS, year, experiment)
    ch4 = ch4_topdown_by_region(str(year), list(GCP_CH4_BANDS))
    out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    out.attrs["sources"] = f"{co2.attrs['source']}; {ch4.attrs['source']}"
    return out


def v10mip_closure(experiments: tuple[str, ...] = ("prior", "IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG"),
                   tolerance: float = 0.5) -> xr.Dataset:
    """Every v10 MIP member's global total (land + ocean + fossil) against NOAA's growth rate, per year.

    Parameters
    ----------
    experiments
        v10 MIP experiments.
    tolerance
        Pg C/yr.

    Returns
    -------
    xarray.Dataset
        From :func:`mip.closure.growth_closure`.
    """
    from mip.closure import growth_closure
    from mip.obs.noaa import read_noaa
    from mip.tables.v10mip_zonal import bundled_annual

    ann = bundled_annual()
    total = ann["total"].sel(experiment=list(experiments)).sum("region", skipna=False)
    gr = read_noaa(Path(str(resources.files("mip") / "data" / "noaa-gml" / "co2_gr_gl.txt"))).growth_rate
    return growth_closure(total, gr, tolerance=tolerance)


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
    from mip.obs.noaa import read_noaa
    from mip.trends import linear_trend, trend_difference

    gr = read_noaa(Path(str(resources.files("mip") / "data" / "noaa-gml" / "co2_gr_gl.txt"))).growth_rate_pgc
    return _trend_rows(gr, periods, linear_trend, trend_difference)


def _trend_rows(da: xr.DataArray, periods, linear_trend, trend_difference) -> pd.DataFrame:
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
    from mip.trends import linear_trend, trend_difference

    g = read_global_budget()
    out = [_trend_rows(g.sel(component=c), periods, linear_trend, trend_difference).assign(component=c)
           for c in ("land_sink", "ocean_sink")]
    df = pd.concat(out, ignore_index=True)
    return df[["component", "period", "slope", "slope_se", "theil_sen", "p_value"]]
