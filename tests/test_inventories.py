"""National inventories (UNFCCC CRF, EDGAR v6.0, OWID/Jones): readers on the real files and their comparison,
checked against json/pandas reads of the same files and the values the data set's README states."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import real_file

from mip.budgets.inventory_trends import change_table, compare_sources, largest_reductions, topdown_vs_inventories
from mip.errors import InputError
from mip.tables.edgar import read_edgar
from mip.tables.owid_ghg import read_owid_ghg
from mip.tables.unfccc_crf import read_unfccc_crf

CRF = "national-emissions/unfccc-crf-annex1/unfccc_total_noLULUCF_{}.json"
EDGAR = "national-emissions/edgar-v6/v60_{}_1970_2018_totals.csv"
OWID = "national-emissions/owid-jones/ghg-emissions-by-gas.csv"


@pytest.fixture(scope="module")
def crf():
    return {g: read_unfccc_crf(real_file(CRF.format(g))) for g in ("CH4", "N2O")}


@pytest.fixture(scope="module")
def edgar():
    return {g: read_edgar(real_file(EDGAR.format(g))) for g in ("CH4", "N2O")}


def test_unfccc_japan_as_the_readme_states(crf):
    # README: Japan CH4 1753 kt (1990) -> 1137 kt (2019); N2O 106.8 kt -> 66.4 kt
    assert round(float(crf["CH4"].CH4.sel(country="JPN", year=1990))) == 1753
    assert round(float(crf["CH4"].CH4.sel(country="JPN", year=2019))) == 1137
    assert round(float(crf["N2O"].N2O.sel(country="JPN", year=1990)), 1) == 106.8
    assert round(float(crf["N2O"].N2O.sel(country="JPN", year=2019)), 1) == 66.4
    assert crf["CH4"].CH4.attrs["units"] == "kt yr-1"
    # the European Union is a group, never a country
    assert "European Union (KP)" in crf["CH4"].group.values and len(crf["CH4"].country) == 43


def test_unfccc_sectors_add_up_and_notation_keys_are_not_zeros(crf):
    ds = crf["CH4"]
    raw = json.loads(real_file(CRF.format("CH4")).read_text())
    total = ds.CH4_sectors.sum("sector", min_count=1)
    assert np.allclose(total, ds.CH4, rtol=1e-9)  # the sectors give the total in every country and year
    # a sector reported as a notation key ("NO", "NA", ...) is NaN, not 0
    years = {c["id"]: c["name"] for c in raw["columns"]}
    keys = [(p["name"], r["name"], int(years[c["column"]])) for p in raw["data"] for r in p["rows"]
            for c in r["cells"] if "stringValue" in c and years[c["column"]].isdigit()]
    name, sector, year = keys[0]
    code = str(ds.country.values[list(ds.name.values).index(name)])
    assert np.isnan(float(ds.CH4_sectors.sel(country=code, sector=sector, year=year)))


def test_edgar_totals_are_fossil_plus_bio(edgar):
    raw = pd.read_csv(real_file(EDGAR.format("CH4")), encoding="utf-8-sig")
    jp = raw[raw.Country_code_A3 == "JPN"][["Y_1990", "Y_2018"]].sum()
    assert float(edgar["CH4"].CH4.sel(country="JPN", year=1990)) == pytest.approx(jp["Y_1990"])
    assert float(edgar["CH4"].CH4.sel(country="JPN", year=2018)) == pytest.approx(jp["Y_2018"])
    assert round(float(edgar["CH4"].CH4.sel(country="JPN", year=1990)), -1) == 3130  # README: about 3130 kt
    assert set(edgar["CH4"].group.values) == {"Int. Shipping", "Int. Aviation"}


def test_owid_japan_and_groups_apart():
    ds = read_owid_ghg(real_file(OWID))
    raw = pd.read_csv(real_file(OWID)).set_index(["Entity", "Year"])
    col = [c for c in raw.columns if "methane" in c][0]
    assert float(ds.CH4.sel(country="JPN", year=2000)) == pytest.approx(raw.loc[("Japan", 2000), col])
    assert "World" in ds.group.values and "WLD" not in ds.country.values and "OWID_WRL" not in ds.country.values
    assert ds.CH4.attrs["units"] == "t yr-1" and "CO2-equivalent" in ds.CH4.attrs["basis"]
    assert str(ds.country.values[list(ds.name.values).index("Kosovo")]) == "KOS"


def test_japan_cut_ch4_and_n2o_in_every_source(crf, edgar):
    """Conclusion (b): Japan's CH4 and N2O fell by about a third from 1990 to 2018 in all three sources."""
    owid = read_owid_ghg(real_file(OWID))
    for gas in ("CH4", "N2O"):
        t = change_table({"CRF": crf[gas][gas], "EDGAR": edgar[gas][gas], "OWID": owid[gas]}, first=1990, last=2018,
                         countries=["JPN"]).set_index("source")
        raw = crf[gas][gas].sel(country="JPN")
        assert t.loc["CRF", "change_pct"] == pytest.approx(100 * (float(raw.sel(year=2018)) / float(raw.sel(year=1990)) - 1))
        assert (t.change_pct < -30).all(), t.change_pct
        slope = np.polyfit(np.arange(1990, 2019), raw.sel(year=slice(1990, 2018)).values, 1)[0]
        assert t.loc["CRF", "slope"] == pytest.approx(slope)
        ranked = largest_reductions(change_table({"EDGAR": edgar[gas][gas]}, first=1990, last=2018), n=10)
        assert "JPN" in ranked.country.values  # among the ten largest cuts of the 30 largest emitters


def test_sources_disagree_in_level_but_agree_in_change(crf, edgar):
    c = compare_sources(crf["CH4"].CH4, edgar["CH4"].CH4, labels=("CRF", "EDGAR"), years=(1990, 2018),
                        countries=["JPN"]).iloc[0]
    assert c.ratio_first == pytest.approx(3130.4 / 1753.139, rel=1e-4)  # EDGAR about twice (1.8 x) the inventory
    assert c.same_direction and abs(c.change_difference_pts) < 5


def test_topdown_beside_the_inventories(crf, edgar):
    from mip.tables.gcp_ch4_workbook import read_workbook
    from mip.report.three_gas import GCP_CH4_COUNTRIES

    t = topdown_vs_inventories(read_workbook(approach="TD"), {"CRF": crf["CH4"].CH4, "EDGAR": edgar["CH4"].CH4},
                               GCP_CH4_COUNTRIES).set_index(["region", "source"])
    raw = json.loads(real_file(CRF.format("CH4")).read_text())
    usa = next(p for p in raw["data"] if p["name"] == "United States of America")["rows"][0]["cells"]
    ids = {c["id"]: c["name"] for c in raw["columns"]}
    dec = [c["numberValue"] for c in usa if ids[c["column"]] in [str(y) for y in range(2008, 2018)]]
    assert t.loc[("USA", "CRF"), "mean 2008-2017"] == pytest.approx(np.mean(dec) / 1e3)
    assert "has no KOR" in t.loc[("Korean Japan", "CRF"), "note"]  # Korea is not an Annex-I party: named, not summed
    assert np.isfinite(t.loc[("Korean Japan", "EDGAR"), "change"])


def test_unknown_names_and_codes_are_refused(tmp_path):
    raw = json.loads(real_file(CRF.format("CH4")).read_text())
    raw["data"][0]["name"] = "Atlantis"
    p = tmp_path / "crf_CH4.json"
    p.write_text(json.dumps(raw))
    with pytest.raises(InputError, match=r"neither a known country nor a group: \['Atlantis'\]"):
        read_unfccc_crf(p)
    text = real_file(EDGAR.format("CH4")).read_text(encoding="utf-8-sig").replace(",JPN,Japan,", ",XXJ,Japan,")
    q = tmp_path / "v60_CH4_totals.csv"
    q.write_text(text)
    with pytest.raises(InputError, match=r"Japan \(XXJ\)"):
        read_edgar(q)


def test_bundled_inventories_are_the_real_files():
    import gzip
    from importlib import resources

    root = resources.files("mip") / "data" / "national-inventories"
    for gas in ("CH4", "N2O"):
        assert gzip.decompress((root / f"unfccc_total_noLULUCF_{gas}.json.gz").read_bytes()) == \
            real_file(CRF.format(gas)).read_bytes()
        assert gzip.decompress((root / f"v60_{gas}_1970_2018_totals.csv.gz").read_bytes()) == \
            real_file(EDGAR.format(gas)).read_bytes()
    lines = gzip.decompress((root / "ghg-emissions-by-gas-1990.csv.gz").read_bytes()).splitlines()
    real = real_file(OWID).read_bytes().splitlines()
    assert lines[0] == real[0] and set(lines) <= set(real)
    assert len(lines) - 1 == sum(1 for ln in real[1:] if int(ln.decode().rsplit(",", 4)[-4]) >= 1990)
    assert float(read_unfccc_crf(root / "unfccc_total_noLULUCF_CH4.json.gz").CH4.sel(country="JPN", year=1990)) == \
        pytest.approx(1753.139, abs=1e-3)


def test_the_analysis_script_on_the_real_files(tmp_path):
    from conftest import run_script

    run_script("national_reductions.py", "--out", str(tmp_path), "--focus", "JPN,GBR",
               "--inventories", str(real_file("national-emissions")))
    t = pd.read_csv(tmp_path / "national_changes.csv")
    assert set(t[t.country == "GBR"].gas) == {"CH4", "N2O"} and (t[t.country.isin(["JPN", "GBR"])].change_pct < -30).all()
    assert (tmp_path / "reductions.png").exists()
