"""Three-gas CO2-eq by region: hand-computed cases, the refusals, and the real 2017 CO2 + CH4 latitude bands."""

import gzip

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import real_file

from mip.budgets.multigas import co2eq_by_region, co2eq_table

C_TO_CO2 = 44.0095 / 12.0107  # molar masses (IUPAC), g CO2 per g C


def budget(values: dict, units: str, period="2017", regions=("A", "B", "C")) -> xr.Dataset:
    ds = xr.Dataset({k: ("region", np.asarray(v, float), {"units": units}) for k, v in values.items()},
                    coords={"region": list(regions)})
    ds.attrs["period"] = period
    return ds


def test_three_gases_by_hand():
    co2 = budget({"net": [0.1, -1.0, 0.5]}, "Pg yr-1")
    ch4 = budget({"fossil": [2.0, 0.0, 1.0], "wetlands": [3.0, 10.0, 0.0]}, "Tg yr-1")
    n2o = budget({"agriculture": [1.0, 0.0, 0.0]}, "Tg yr-1")
    out = co2eq_by_region({"CO2": co2, "CH4": ch4, "N2O": n2o})
    # A: CO2 0.1 Pg C = 100 × 44.0095/12.0107 Tg CO2; CH4 2 × 29.8 + 3 × 27.0 (GWP100), 2 × 82.5 + 3 × 79.7 (GWP20);
    # N2O 1 Tg N = 44.013/28.0134 Tg N2O × 273
    assert float(out.co2eq.sel(region="A", gas="CO2", horizon="GWP20")) == pytest.approx(100 * C_TO_CO2, rel=2e-4)
    assert float(out.co2eq.sel(region="A", gas="CH4", horizon="GWP100")) == pytest.approx(140.6)
    assert float(out.co2eq.sel(region="A", gas="CH4", horizon="GWP20")) == pytest.approx(404.1)
    assert float(out.co2eq.sel(region="A", gas="N2O", horizon="GWP100")) == pytest.approx(273 * 44.013 / 28.0134, rel=1e-4)
    assert float(out.total.sel(region="A", horizon="GWP100")) == pytest.approx(366.42 + 140.6 + 428.93, rel=1e-4)
    t = co2eq_table(out).set_index("region")
    # A: N2O (428.9) leads under GWP100, CH4 (404.1) does not pass CO2 (366.4)... under GWP20 it does
    assert t.loc["A", "dominant GWP100"] == "N2O" and t.loc["A", "dominant GWP20"] == "N2O"
    assert bool(t.loc["A", "CH4 > CO2 under GWP20 only"])
    # B: a CO2 sink — CH4 outweighs CO2 under both metrics, so it is not flagged
    assert t.loc["B", "dominant GWP100"] == "CH4" and not bool(t.loc["B", "CH4 > CO2 under GWP20 only"])
    # C: 0.5 Pg C = 1832 Tg CO2 against 29.8 / 82.5 of CH4: CO2 under both
    assert t.loc["C", "dominant GWP20"] == "CO2" and not bool(t.loc["C", "CH4 > CO2 under GWP20 only"])


def test_members_are_reduced_to_their_median():
    co2 = xr.Dataset({"net": (("model", "region"), [[0.1, 0.2], [0.3, 0.4], [1.0, 9.0]], {"units": "Pg yr-1"})},
                     coords={"model": ["a", "b", "c"], "region": ["A", "B"]}, attrs={"period": "2017"})
    ch4 = budget({"wetlands": [1.0, 1.0]}, "Tg yr-1", regions=("B", "A"))  # other order: matched by name
    out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    assert float(out.co2eq.sel(region="B", gas="CO2", horizon="GWP100")) == pytest.approx(400 * C_TO_CO2, rel=2e-4)
    assert "median of 3 models" in out.attrs["members"]


@pytest.mark.parametrize("kwargs, message", [
    ({"ch4": budget({"wetlands": [1, 1]}, "Tg yr-1", regions=("A", "D"))}, "different regions: CO2 has ['B', 'C']"),
    ({"ch4": budget({"wetlands": [1, 1, 1]}, "Tg yr-1", period="2008-2017")}, "different periods: CO2 2017, CH4 2008-2017"),
    ({"ch4": budget({"wetlands": [1, 1, 1]}, "Tg CH4/yr")}, "units 'Tg CH4/yr'"),
    ({"ch4": None}, "at least two gases"),
])
def test_mismatches_are_refused_with_names(kwargs, message):
    co2 = budget({"net": [0.1, -1.0, 0.5]}, "Pg yr-1")
    gases = {"CO2": co2}
    if kwargs["ch4"] is not None:
        gases["CH4"] = kwargs["ch4"]
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        co2eq_by_region(gases)


def test_different_periods_only_when_asked():
    co2 = budget({"net": [0.1, -1.0, 0.5]}, "Pg yr-1", period="2015-2020")
    ch4 = budget({"wetlands": [1, 1, 1]}, "Tg yr-1", period="2017")
    out = co2eq_by_region({"CO2": co2, "CH4": ch4}, allow_different_periods=True)
    assert out.attrs["period"] == "CO2 2015-2020 / CH4 2017"


def _v10_2017_total(model: str, exp: str = "LNLGIS") -> float:
    """Global land + ocean + fossil of 2017 from the real band files (days-weighted months), by hand."""
    root = real_file("stephens2026-v10mip/V10MIP")
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    tot = 0.0
    for band in ("20X-90X", "20S-20N"):
        a = np.loadtxt(root / model / exp / f"flux_{band}_timeseries.txt", skiprows=1)
        rows = a[a[:, 0] == 2017]
        tot += np.average(rows[:, 4] + rows[:, 5], weights=days)  # net + foss
    return tot


def test_real_2017_bands_co2_and_ch4():
    from mip.report.stocktake import three_gas_bands

    out = three_gas_bands(2017)
    root = real_file("stephens2026-v10mip/V10MIP")
    models = sorted(p.name for p in root.iterdir() if (p / "LNLGIS").is_dir())
    co2 = np.median([_v10_2017_total(m) for m in models]) * 1e3 * C_TO_CO2
    assert float(out.co2eq.sel(region="GLOBAL", gas="CO2", horizon="GWP100")) == pytest.approx(co2, rel=3e-4)
    # Saunois et al. (2020) Table 3, top-down 2017: total sources 596, fossil 108 Tg CH4/yr
    comp = out.component.sel(region="GLOBAL", horizon="GWP20")
    sources = float(comp.sel(gas_component=[c for c in comp.gas_component.values if c.startswith("CH4")
                                            and "soil" not in c]).sum())
    assert sources == pytest.approx(108 * 82.5 + (596 - 108) * 79.7, rel=5e-3)
    assert float(comp.sel(gas_component="CH4 fossil")) == pytest.approx(108 * 82.5, rel=5e-3)
    # the three bands add up to the globe, for each gas
    bands = out.co2eq.sel(region=["<30°N", "30°N-60°N", "60°N-90°N"]).sum("region")
    assert np.allclose(bands.sel(gas="CH4"), out.co2eq.sel(region="GLOBAL", gas="CH4"), rtol=0.02)
    assert out.attrs["period"] == "2017"


def test_bundled_annual_table_equals_the_real_time_series():
    """The derived bundled table is what tools/make_v10mip_annual.py computes from the real files."""
    from importlib import resources

    root = real_file("stephens2026-v10mip/V10MIP")
    path = resources.files("mip") / "data" / "stephens2026-v10mip" / "v10mip_annual_bylat.csv.gz"
    with gzip.open(str(path), "rt") as f:
        bundled = pd.read_csv(f).set_index(["experiment", "model", "year", "band"]).sort_index()
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    for model, exp, year, band in [("CT", "LNLGIS", 2017, "EQ-10N"), ("OU", "unopt", 2016, "80N-90N"),
                                   ("WEIR", "IS", 2020, "50S-40S")]:
        a = np.loadtxt(root / model / exp / f"flux_{band}_timeseries.txt", skiprows=1)
        rows = a[a[:, 0] == year]
        d = days.copy()
        d[1] = 29 if year % 4 == 0 else 28
        row = bundled.loc[(exp.replace("unopt", "prior"), model, year, band)]
        for col, k in (("land", 2), ("ocean", 3), ("fossil", 5)):
            assert row[col] == pytest.approx(np.average(rows[:, k], weights=d), rel=1e-6, abs=1e-9)
    n_members = sum(1 for m in root.iterdir() if m.is_dir() for e in m.iterdir() if e.is_dir())
    assert len(bundled) == n_members * 6 * 18


def test_real_2017_countries_from_the_bundled_ceos_rows():
    """USA and Korea+Japan CO2 of 2017 read from the real CEOS file with pandas (Tg CO2, no conversion needed)."""
    from mip.report.stocktake import three_gas_countries

    raw = pd.read_csv(real_file("ceos-pilot-2023/pilot_topdown_CO2_Budget_countries_v1.csv"), skiprows=52)
    raw = raw[raw["Year"] == "2017"].set_index("Alpha 3 Code")
    co2 = raw["LNLGIS NBE (TgCO2)"].astype(float) + raw["FF (TgCO2)"].astype(float)
    out = three_gas_countries(2017)
    got = out.co2eq.sel(gas="CO2", horizon="GWP100")
    assert float(got.sel(region="USA")) == pytest.approx(co2["USA"], rel=1e-5)
    assert float(got.sel(region="Korean Japan")) == pytest.approx(co2["KOR"] + co2["JPN"], rel=1e-5)
    # GCP-CH4 2020 workbook, USA 2017 top-down means: total sources 49.06, fossil 12.47, soil sink 2.84 Tg CH4/yr
    ch4_20 = 12.47 * 82.5 + (49.06 - 12.47 - 2.84) * 79.7
    ch4_100 = 12.47 * 29.8 + (49.06 - 12.47 - 2.84) * 27.0
    assert float(out.co2eq.sel(region="USA", gas="CH4", horizon="GWP20")) == pytest.approx(ch4_20, rel=2e-3)
    assert ch4_100 < co2["USA"] < ch4_20  # hence flagged: CH4 outweighs CO2 under GWP20 only
    assert bool(out.ch4_over_co2_gwp20_only.sel(region="USA"))


def test_bundled_ceos_rows_are_lines_of_the_real_file():
    from importlib import resources

    real = real_file("ceos-pilot-2023/pilot_topdown_CO2_Budget_countries_v1.csv").read_bytes().split(b"\r\n")
    bundled = (resources.files("mip") / "data" / "ceos-pilot-2023" / "pilot_topdown_CO2_Budget_countries_v1.csv")
    lines = bundled.read_bytes().split(b"\r\n")
    assert lines[:53] == real[:53] and set(lines) <= set(real)
    assert {ln.split(b",")[0] for ln in lines[53:] if ln} == {b"USA", b"CAN", b"BRA", b"CHN", b"RUS", b"KOR", b"JPN"}


def test_stocktake_command_writes_every_table(tmp_path, capsys):
    from mip.cli import main

    assert main(["stocktake", "--out", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "CH4 outweighs CO2 under GWP20 only: USA" in said
    names = {p.name for p in tmp_path.iterdir()}
    assert {"co2eq_bands.csv", "co2eq_countries.csv", "growth_closure.csv", "growth_rate_trends.csv",
            "sink_trends.csv", "co2eq_bands.png", "growth_closure.png"} <= names
    clo = pd.read_csv(tmp_path / "growth_closure.csv", keep_default_na=False)
    # priors are not fitted to the atmosphere: every prior misses the stated tolerance in some year, and by far more
    # than any posterior
    pri = clo[clo.experiment == "prior"]
    assert (pri.years_beyond_tolerance != "").all()
    assert pri.max_abs_mismatch.max() > 3 * clo[clo.experiment != "prior"].max_abs_mismatch.max()
