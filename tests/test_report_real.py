"""The report's real-data sections (bundled copies), against computations from the full real files."""

import numpy as np
import openpyxl
import pytest
from conftest import real_file

from mip.report.published_co2 import gcb_vs_inversions, growth_rate_table, v10mip_zonal_stats
from mip.tables.v10mip_zonal import read_zonal_ensemble


@pytest.fixture(scope="module")
def zonal():
    return v10mip_zonal_stats()


def test_bundled_tables_agree_with_the_band_files(zonal):
    """GCB-band medians from the bundled tables = medians of the band files' June 2016 – May 2018 means."""
    ens = read_zonal_ensemble(real_file("stephens2026-v10mip/V10MIP"))
    win = ens.sel(time=slice("2016-06", "2018-05")).mean("time")  # the tables are plain monthly means
    north = [f"{a}N-{a + 10}N" for a in range(30, 90, 10)]
    for exp in ("IS", "LNLGIS", "OG"):
        v = win.total.sel(experiment=exp, region=north).sum("region", skipna=False).values
        row = zonal[(zonal.experiment == exp) & (zonal.region == "north") & (zonal.component == "total")].iloc[0]
        assert row["median"] == pytest.approx(np.nanmedian(v), abs=6 * 0.0005)  # six bands of 3 decimals
        assert row["n_members"] == np.isfinite(v).sum()
    fossil = zonal[(zonal.experiment == "IS") & (zonal.region == "globe") & (zonal.component == "fossil")].iloc[0]
    assert fossil["median"] == pytest.approx(float(np.nanmedian(win.fossil.sel(experiment="IS", region=[
        b for b in ens.region.values if "X" not in b and b not in ("90S-20S", "20S-20N", "20N-90N")]).sum("region"))),
        abs=0.02)


def test_gcb_columns(zonal):
    wb = openpyxl.load_workbook(real_file("gcb-2023/Global_Carbon_Budget_2023v1.1.xlsx"), read_only=True, data_only=True)
    rows = {r[0]: r[1:8] for r in wb["Global Carbon Budget"].iter_rows(min_row=23, max_row=86, values_only=True)}
    wb.close()
    ff, luc, gatm, ocean, land, cement, bim = (np.mean([rows[2016][k], rows[2017][k]]) for k in range(7))
    t = gcb_vs_inversions(zonal).set_index("component")
    assert t.loc["land", "gcb"] == pytest.approx(luc - land, rel=1e-12)
    assert t.loc["ocean", "gcb"] == pytest.approx(-ocean, rel=1e-12)
    assert t.loc["fossil", "gcb"] == pytest.approx(ff - cement, rel=1e-12)
    assert t.loc["total", "gcb"] == pytest.approx(ff + luc - cement - ocean - land, rel=1e-12)  # = GATM + BIM
    # the Lacroix et al. (2020) river grid, 0.65 Pg C/yr in all, moved from the inversions' ocean to their land
    assert t.loc["land", "inversions_river_adjusted"] - t.loc["land", "inversions_median"] == pytest.approx(0.65, abs=5e-4)
    assert t.loc["ocean", "inversions_river_adjusted"] - t.loc["ocean", "inversions_median"] == pytest.approx(-0.65,
                                                                                                             abs=5e-4)


def test_growth_rate_table():
    t = growth_rate_table().set_index("year")
    assert t.loc[2019, "noaa_ppm_per_yr"] == 2.54 and t.loc[2019, "noaa_pgc_per_yr"] == pytest.approx(2.54 * 2.124)
    # the GCB's atmospheric growth is a NOAA growth rate (0.01 ppm steps) × 2.124 Pg C/ppm, of a later
    # vintage than the bundled 2020 file: the two differ by at most 0.09 ppm/yr (NOAA's recalibrations)
    both = t.loc[1980:2019]
    ppm = both.gcb_atmospheric_growth / 2.124
    assert float(np.abs(ppm - ppm.round(2)).max()) < 1e-9
    assert float(np.abs(ppm - both.noaa_ppm_per_yr).max()) == pytest.approx(0.09, abs=1e-9)
