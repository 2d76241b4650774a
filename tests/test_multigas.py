"""Three-gas CO2-eq by region: hand-computed cases, the refusals, and the real 2017 CO2 + CH4 latitude bands."""

import gzip

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import real_file

from mip.budgets.multigas import co2eq_by_region, co2eq_table, weighted_central
from mip.errors import MipError, MismatchError

C_TO_CO2 = 44.0095 / 12.0107  # molar masses (IUPAC 2005), g CO2 per g C
MM = 1e-4  # relative tolerance for that factor: C's standard atomic weight spans 12.0096-12.0116 (IUPAC 2013)


def budget(values: dict, units: str, period="2017", regions=("A", "B", "C")) -> xr.Dataset:
    ds = xr.Dataset({k: ("region", np.asarray(v, float), {"units": units}) for k, v in values.items()},
                    coords={"region": list(regions)})
    ds.attrs["period"] = period
    return ds


def test_three_gases_by_hand():
    co2 = budget({"fossil": [0.1, 0.0, 0.5]}, "Pg yr-1")
    ch4 = budget({"fossil": [2.0, 0.0, 1.0], "wetlands": [3.0, 10.0, 0.0]}, "Tg yr-1")
    n2o = budget({"anthropogenic_sources": [1.0, 0.0, 0.0]}, "Tg yr-1")
    out = co2eq_by_region({"CO2": co2, "CH4": ch4, "N2O": n2o})
    # A: CO2 0.1 Pg C = 100 × 44.0095/12.0107 Tg CO2; CH4 2 × 29.8 + 3 × 27.0 (GWP100), 2 × 82.5 + 3 × 79.7 (GWP20);
    # N2O 1 Tg N = 44.013/28.0134 Tg N2O × 273
    assert float(out.co2eq.sel(region="A", gas="CO2", horizon="GWP20")) == pytest.approx(100 * C_TO_CO2, rel=2e-4)
    assert float(out.co2eq.sel(region="A", gas="CH4", horizon="GWP100")) == pytest.approx(140.6)
    assert float(out.co2eq.sel(region="A", gas="CH4", horizon="GWP20")) == pytest.approx(404.1)
    assert float(out.co2eq.sel(region="A", gas="N2O", horizon="GWP100")) == pytest.approx(273 * 44.013 / 28.0134, rel=1e-4)
    assert float(out.total.sel(region="A", horizon="GWP100")) == pytest.approx(366.42 + 140.6 + 428.93, rel=1e-4)
    # the natural / anthropogenic split of CH4 in A: wetlands 3 × 27.0, fossil 2 × 29.8
    assert float(out.by_origin.sel(region="A", gas="CH4", origin="natural", horizon="GWP100")) == pytest.approx(81.0)
    assert float(out.by_origin.sel(region="A", gas="CH4", origin="anthropogenic", horizon="GWP100")) == \
        pytest.approx(59.6)
    t = co2eq_table(out).set_index("region")
    # A: N2O (428.9) leads under both metrics; CH4 (404.1) passes CO2 (366.4) under GWP20 only (one member each)
    assert t.loc["A", "dominant GWP100"] == "N2O" and t.loc["A", "dominant GWP20"] == "N2O"
    assert t.loc["A", "P(CH4 > CO2 under GWP20 only)"] == 1.0
    # B: no CO2 emission — CH4 outweighs CO2 under both metrics, so not "GWP20 only"
    assert t.loc["B", "dominant GWP100"] == "CH4" and t.loc["B", "P(CH4 > CO2 under GWP20 only)"] == 0.0
    # C: 0.5 Pg C = 1832 Tg CO2 against 29.8 / 82.5 of CH4: CO2 under both
    assert t.loc["C", "dominant GWP20"] == "CO2" and t.loc["C", "P(CH4 > CO2) GWP20"] == 0.0


@pytest.mark.parametrize("gas, comp, basis, message", [
    ("CO2", "ocean", "emissions", "a GWP is an emission metric"),
    ("CO2", "land", "emissions", "a GWP is an emission metric"),
    ("CH4", "soil_sink", "emissions", "not part of the basis 'emissions'"),
    ("CO2", "ocean", "land NCE", "the ocean is not part of the exchange over land"),
])
def test_what_is_not_on_the_basis_is_refused(gas, comp, basis, message):
    co2 = budget({"fossil": [0.1, 0.2, 0.3]}, "Pg yr-1")
    ch4 = budget({"wetlands": [1.0, 1.0, 1.0]}, "Tg yr-1")
    gases = {"CO2": co2, "CH4": ch4}
    gases[gas] = gases[gas].assign({comp: gases[gas][next(iter(gases[gas].data_vars))] * 0 - 1})
    with pytest.raises(MismatchError, match=message):
        co2eq_by_region(gases, basis=basis)
    co2eq_by_region(gases, basis="net flux")  # the same on the basis that admits every flux, by choice


def test_an_unknown_component_is_refused():
    with pytest.raises(MipError, match="CO2 component 'coal'"):
        co2eq_by_region({"CO2": budget({"coal": [1, 1, 1]}, "Pg yr-1"), "CH4": budget({"wetlands": [1, 1, 1]},
                                                                                       "Tg yr-1")})


def test_members_are_reduced_to_their_median_of_the_totals():
    co2 = xr.Dataset({"fossil": (("model", "region"), [[0.1, 0.2], [0.3, 0.4], [1.0, 9.0]], {"units": "Pg yr-1"}),
                      "eluc": (("model", "region"), [[0.5, 0.0], [0.0, 0.0], [0.0, 0.0]], {"units": "Pg yr-1"})},
                     coords={"model": ["a", "b", "c"], "region": ["A", "B"]}, attrs={"period": "2017"})
    ch4 = budget({"wetlands": [1.0, 1.0]}, "Tg yr-1", regions=("B", "A"))  # other order: matched by name
    out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    assert float(out.co2eq.sel(region="B", gas="CO2", horizon="GWP100")) == pytest.approx(400 * C_TO_CO2, rel=2e-4)
    # A: member totals 0.6, 0.3, 1.0 → median 0.6 (the component medians 0.3 + 0.0 would give 0.3)
    assert float(out.co2eq.sel(region="A", gas="CO2", horizon="GWP100")) == pytest.approx(600 * C_TO_CO2, rel=2e-4)
    assert float(out.co2eq_min.sel(region="A", gas="CO2", horizon="GWP100")) == pytest.approx(300 * C_TO_CO2, rel=2e-4)
    assert "median of 3" in out.attrs["members"]


def test_weighted_central_against_numpy():
    rng = np.random.default_rng(1)
    for n in (1, 2, 5, 6, 17):
        x = rng.normal(size=n)
        assert weighted_central(x, np.ones(n), "median") == pytest.approx(np.median(x))
        w = rng.uniform(0.1, 2, n)
        assert weighted_central(x, w, "mean") == pytest.approx(np.average(x, weights=w))
    # a member of weight 0 or without a value does not count
    assert weighted_central(np.array([1.0, np.nan, 3.0, 100.0]), np.array([1, 1, 1, 0.0]), "median") == 2.0


def _pair(co2_members, ch4_members, ch4_weights=None):
    co2 = xr.Dataset({"fossil": (("model", "region"), np.asarray(co2_members, float)[:, None] / C_TO_CO2 / 1e3,
                                 {"units": "Pg yr-1"})}, coords={"model": [f"m{i}" for i in range(len(co2_members))],
                                                                 "region": ["A"]}, attrs={"period": "2017"})
    ch4 = xr.Dataset({"wetlands": (("run", "region"), np.asarray(ch4_members, float)[:, None] / 27.0,
                                   {"units": "Tg yr-1"})}, coords={"run": [f"r{i}" for i in range(len(ch4_members))],
                                                                   "region": ["A"]}, attrs={"period": "2017"})
    if ch4_weights is not None:
        ch4 = ch4.assign_coords(member_weight=("run", np.asarray(ch4_weights, float)))
    return co2eq_by_region({"CO2": co2, "CH4": ch4})


def test_probability_counted_by_hand():
    # CO2 members 1, 2, 3 and CH4 runs 1.5, 2.5 (Tg CO2-eq under GWP100): CH4 is larger in 3 of the 6 pairs
    out = _pair([1.0, 2.0, 3.0], [1.5, 2.5])
    assert float(out.p_ch4_over_co2.sel(region="A", horizon="GWP100")) == pytest.approx(0.5)
    # weights 3:1 on the runs: pairs (1.5 > 1) weigh 3/12, (2.5 > 1), (2.5 > 2) 1/12 each → 5/12
    out = _pair([1.0, 2.0, 3.0], [1.5, 2.5], [3, 1])
    assert float(out.p_ch4_over_co2.sel(region="A", horizon="GWP100")) == pytest.approx(5 / 12)
    # GWP20 multiplies non-fossil CH4 by 79.7/27.0: 1.5 → 4.43, 2.5 → 7.38, both above every CO2 member;
    # so CH4 > CO2 under GWP20 only in the pairs it was not under GWP100: 1 - 5/12
    assert float(out.p_ch4_over_co2_gwp20_only.sel(region="A")) == pytest.approx(7 / 12)


def test_probability_agrees_with_a_monte_carlo_over_members():
    rng = np.random.default_rng(7)
    co2, ch4, w = rng.normal(10, 3, 9), rng.normal(11, 2, 13), rng.uniform(0.2, 1, 13)
    exact = float(_pair(co2, ch4, w).p_ch4_over_co2.sel(region="A", horizon="GWP100"))
    n = 200_000
    draws = ch4[rng.choice(13, n, p=w / w.sum())] > co2[rng.integers(0, 9, n)]
    se = np.sqrt(exact * (1 - exact) / n)
    assert abs(draws.mean() - exact) < 5 * se


@pytest.mark.parametrize("kwargs, message", [
    ({"ch4": budget({"wetlands": [1, 1]}, "Tg yr-1", regions=("A", "D"))}, "different regions: CO2 has ['B', 'C']"),
    ({"ch4": budget({"wetlands": [1, 1, 1]}, "Tg yr-1", period="2008-2017")}, "different periods: CO2 2017, CH4 2008-2017"),
    ({"ch4": budget({"wetlands": [1, 1, 1]}, "Tg CH4/yr")}, "units 'Tg CH4/yr'"),
    ({"ch4": None}, "at least two gases"),
])
def test_mismatches_are_refused_with_names(kwargs, message):
    co2 = budget({"fossil": [0.1, 1.0, 0.5]}, "Pg yr-1")
    gases = {"CO2": co2}
    if kwargs["ch4"] is not None:
        gases["CH4"] = kwargs["ch4"]
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        co2eq_by_region(gases)


def test_different_periods_only_when_asked():
    co2 = budget({"fossil": [0.1, 1.0, 0.5]}, "Pg yr-1", period="2015-2020")
    ch4 = budget({"wetlands": [1, 1, 1]}, "Tg yr-1", period="2017")
    out = co2eq_by_region({"CO2": co2, "CH4": ch4}, allow_different_periods=True)
    assert out.attrs["period"] == "CO2 2015-2020 / CH4 2017"


def _v10_2017_land_nce(model: str, exp: str = "LNLGIS") -> float:
    """Global land + fossil (no ocean) of 2017 from the real band files (days-weighted months), by hand."""
    root = real_file("stephens2026-v10mip/V10MIP")
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    tot = 0.0
    for band in ("20X-90X", "20S-20N"):
        a = np.loadtxt(root / model / exp / f"flux_{band}_timeseries.txt", skiprows=1)
        rows = a[a[:, 0] == 2017]
        tot += np.average(rows[:, 2] + rows[:, 5], weights=days)  # land + foss
    return tot


def test_real_2017_bands_co2_land_nce_and_ch4():
    from mip.report.stocktake import three_gas_bands

    out = three_gas_bands(2017)
    assert out.attrs["basis"] == "land NCE" and "ocean left out" in out.attrs["sources"]
    root = real_file("stephens2026-v10mip/V10MIP")
    models = sorted(p.name for p in root.iterdir() if (p / "LNLGIS").is_dir())
    co2 = np.median([_v10_2017_land_nce(m) for m in models]) * 1e3 * C_TO_CO2
    assert float(out.co2eq.sel(region="GLOBAL", gas="CO2", horizon="GWP100")) == pytest.approx(co2, rel=3e-4)
    # Saunois et al. (2020) Table 3, top-down 2017: total sources 596, fossil 108 Tg CH4/yr (each rounded to 1 Tg)
    comp = out.component.sel(region="GLOBAL", horizon="GWP20")
    sources = float(comp.sel(gas_component=[c for c in comp.gas_component.values if c.startswith("CH4")
                                            and "soil" not in c]).sum())
    assert abs(sources - (108 * 82.5 + (596 - 108) * 79.7)) <= 0.5 * 82.5 + 1.0 * 79.7
    assert abs(float(comp.sel(gas_component="CH4 fossil")) - 108 * 82.5) <= 0.5 * 82.5
    # the three bands add up to the globe, for each gas
    bands = out.co2eq.sel(region=["<30°N", "30°N-60°N", "60°N-90°N"]).sum("region")
    assert np.allclose(bands.sel(gas="CH4"), out.co2eq.sel(region="GLOBAL", gas="CH4"), rtol=0.02)
    assert out.attrs["period"] == "2017"


PUBLISHED_2008_2017 = {"wetlands": 181, "other_natural": 37, "agriculture_waste": 217, "fossil": 111,
                       "biomass_biofuel_burning": 30}  # Saunois et al. (2020) Table 3, top-down means, Tg CH4/yr


def test_ch4_runs_weighted_by_group_give_the_published_means():
    """Weights one per group of runs: the weighted mean of each category is Saunois et al.'s Table 3 (to the Tg)."""
    from mip.report.three_gas import ch4_topdown_runs

    runs = ch4_topdown_runs("2008-2017", ["GLOBAL"], weighting="groups")
    w = runs.member_weight.sel(region="GLOBAL")
    assert float(w.sum()) == pytest.approx(1.0)
    for cat, published in PUBLISHED_2008_2017.items():
        assert abs(float((runs[cat].sel(region="GLOBAL") * w).sum()) - published) <= 0.5, cat
    # each run once is a different, stated choice: its mean is the plain mean of the 22 rows
    each = ch4_topdown_runs("2008-2017", ["GLOBAL"], weighting="each-run")
    plain = float(each.fossil.sel(region="GLOBAL").mean())
    assert float((each.fossil * each.member_weight).sum()) == pytest.approx(plain)
    assert abs(plain - 111) > 0.5  # not the published number: the weighting matters
    assert "each run once" in each.attrs["source"]


def test_real_global_three_gases_on_an_emissions_basis():
    from mip.report.stocktake import three_gas_global
    from mip.tables.gcb_workbook import read_global_budget

    out = three_gas_global()
    assert out.attrs["basis"] == "emissions"
    assert out.attrs["period"] == "CO2 2008-2017 / CH4 2008-2017 / N2O 2007-2016"
    # CO2: the GCB 2023 global budget's fossil + land-use change, 2008-2017 (its own workbook, Pg C/yr)
    g = read_global_budget().sel(year=slice(2008, 2017)).mean("year")
    co2 = float(g.sel(component="fossil_emissions") + g.sel(component="land_use_change")) * 1e3 * C_TO_CO2
    assert float(out.co2eq.sel(region="GLOBAL", gas="CO2", horizon="GWP20")) == pytest.approx(co2, rel=MM)
    # CH4: the published category means (each ± 0.5 Tg), fossil 29.8 / other 27.0 under GWP100
    ch4 = 111 * 29.8 + (181 + 37 + 217 + 30) * 27.0
    assert abs(float(out.co2eq.sel(region="GLOBAL", gas="CH4", horizon="GWP100")) - ch4) <= 0.5 * 29.8 + 2.0 * 27.0
    nat = float(out.by_origin.sel(region="GLOBAL", gas="CH4", origin="natural", horizon="GWP100"))
    assert abs(nat - 218 * 27.0) <= 0.5 * 27.0  # total natural sources 218
    # N2O: Tian et al. (2020) anthropogenic 7.3 + natural 9.7 Tg N/yr = 17.0 Tg N × 44.013/28.013 × 273
    assert float(out.co2eq.sel(region="GLOBAL", gas="N2O", horizon="GWP100")) == pytest.approx(
        17.0 * 44.013 / 28.0134 * 273, rel=1e-4)
    assert float(out.by_origin.sel(region="GLOBAL", gas="N2O", origin="anthropogenic", horizon="GWP100")) == \
        pytest.approx(7.3 * 44.013 / 28.0134 * 273, rel=1e-4)
    # every CH4 run's GWP20 emissions exceed every bookkeeping model's CO2: CH4 outweighs CO2 under GWP20 for sure
    assert float(out.p_ch4_over_co2.sel(region="GLOBAL", horizon="GWP20")) == pytest.approx(1.0, abs=1e-12)
    assert float(out.p_ch4_over_co2.sel(region="GLOBAL", horizon="GWP100")) == pytest.approx(0.0, abs=1e-12)


def test_real_2017_countries_on_an_emissions_basis():
    """CO2 = GCB national fossil + each bookkeeping model's ELUC (pandas on the bundled rows), CH4 = TD sources."""
    from importlib import resources

    from mip.report.stocktake import three_gas_countries

    out = three_gas_countries(2017)
    assert out.attrs["basis"] == "emissions"
    rows = pd.read_csv(resources.files("mip") / "data" / "gcb-2023-national" / "gcb2023_national_subset.csv",
                       comment="#").set_index(["iso3", "year"])
    usa = rows.loc[("USA", 2017)]
    members = usa["fossil_territorial"] + usa[["eluc_BLUE", "eluc_H&C2023", "eluc_OSCAR"]]
    got = out.co2eq.sel(region="USA", gas="CO2", horizon="GWP100")
    assert float(got) == pytest.approx(members.mean() * C_TO_CO2, rel=MM)  # the GCB's mean of the three
    assert float(out.co2eq_max.sel(region="USA", gas="CO2", horizon="GWP100")) == pytest.approx(
        members.max() * C_TO_CO2, rel=MM)
    kj = rows.loc[("KOR", 2017)] + rows.loc[("JPN", 2017)]
    assert float(out.co2eq.sel(region="Korean Japan", gas="CO2", horizon="GWP100")) == pytest.approx(
        (kj["fossil_territorial"] + kj[["eluc_BLUE", "eluc_H&C2023", "eluc_OSCAR"]].mean()) * C_TO_CO2, rel=MM)
    # GCP-CH4 2020 workbook, USA 2017 top-down means: total sources 49.06, fossil 12.47 Tg CH4/yr
    ch4_20 = 12.47 * 82.5 + (49.06 - 12.47) * 79.7
    assert float(out.co2eq.sel(region="USA", gas="CH4", horizon="GWP20")) == pytest.approx(ch4_20, rel=2e-3)
    # on emissions, the USA's CO2 (5.2 Gt) is above its CH4 even under GWP20 (3.9 Gt) in nearly every pair
    assert float(out.p_ch4_over_co2.sel(region="USA", horizon="GWP20")) < 0.1
    assert set(out.left_out.values.ravel()) == {""}


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


def test_real_2017_countries_with_the_ceos_land_nce():
    """The CEOS option: NBE + FF from the real CEOS file (Tg CO2, no conversion needed), CH4 with its soil sink."""
    from mip.report.stocktake import three_gas_countries

    raw = pd.read_csv(real_file("ceos-pilot-2023/pilot_topdown_CO2_Budget_countries_v1.csv"), skiprows=52)
    raw = raw[raw["Year"] == "2017"].set_index("Alpha 3 Code")
    co2 = raw["LNLGIS NBE (TgCO2)"].astype(float) + raw["FF (TgCO2)"].astype(float)
    out = three_gas_countries(2017, co2="ceos")
    assert out.attrs["basis"] == "land NCE"
    got = out.co2eq.sel(gas="CO2", horizon="GWP100")
    assert float(got.sel(region="USA")) == pytest.approx(co2["USA"], rel=1e-5)
    assert float(got.sel(region="Korean Japan")) == pytest.approx(co2["KOR"] + co2["JPN"], rel=1e-5)
    # GCP-CH4 2020 workbook, USA 2017 top-down means: total sources 49.06, fossil 12.47, soil sink 2.84 Tg CH4/yr
    ch4_20 = 12.47 * 82.5 + (49.06 - 12.47 - 2.84) * 79.7
    assert float(out.co2eq.sel(region="USA", gas="CH4", horizon="GWP20")) == pytest.approx(ch4_20, rel=2e-3)


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
    assert "basis: emissions" in said and "P(CH4 outweighs CO2 under GWP20 only)" in said
    names = {p.name for p in tmp_path.iterdir()}
    assert "N2O 2015-2024" in said and "Japan CH4 1990-2018" in said and "23 years" in said
    assert {"scenario_growth.csv", "detectability.csv", "national_changes.csv", "topdown_vs_inventories.csv",
            "scenario_fan.png", "growth_rate_enso.png"} <= {p.name for p in tmp_path.iterdir()}
    assert {"co2eq_bands.csv", "co2eq_countries.csv", "co2eq_global.csv", "co2eq_members.csv", "growth_closure.csv", "growth_rate_trends.csv",
            "sink_trends.csv", "co2eq_bands.png", "growth_closure.png"} <= names
    clo = pd.read_csv(tmp_path / "growth_closure.csv", keep_default_na=False)
    # priors are not fitted to the atmosphere: every prior misses the stated tolerance in some year, and by far more
    # than any posterior
    pri = clo[clo.experiment == "prior"]
    assert (pri.years_beyond_tolerance != "").all()
    assert pri.max_abs_mismatch.max() > 3 * clo[clo.experiment != "prior"].max_abs_mismatch.max()
