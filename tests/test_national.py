"""National emissions tables: the GCB 2023 national workbooks and one ISO alpha-3 mapping for every source."""

import json

import numpy as np
import openpyxl
import pytest
from conftest import real_file

from mip.errors import InputError, MipError
from mip.tables.country_names import iso3, map_names
from mip.tables.gcb_national import read_gcb_national_fossil, read_gcb_national_luc, read_national_subset

NAT = "national-emissions/gcb-2023-national"
FOSSIL = f"{NAT}/National_Fossil_Carbon_Emissions_2023v1.0.xlsx"
LUC = f"{NAT}/National_LandUseChange_Carbon_Emissions_2023v1.0.xlsx"


@pytest.fixture(scope="module")
def fossil():
    return read_gcb_national_fossil(real_file(FOSSIL))


@pytest.fixture(scope="module")
def luc():
    return read_gcb_national_luc(real_file(LUC))


def test_fossil_countries_plus_bunkers_and_difference_are_the_world(fossil):
    # the workbook's own note: the statistical difference closes countries + bunkers to the world total
    # (a real quirk: it closes exactly only from 2008; 1950-2007 leave up to 2.7 MtC, 0.06 %, unexplained)
    rest = fossil.aggregates.sel(group=["Bunkers", "Statistical Difference"]).sum("group")
    total = fossil.emissions.sum("country") + rest
    world = fossil.aggregates.sel(group="World")
    np.testing.assert_allclose(total.sel(year=slice(2008, None)), world.sel(year=slice(2008, None)), rtol=1e-9)
    gap = float(abs(total - world).max())
    assert 2.7 < gap < 2.8
    assert "World" not in fossil.country.values and "USA" in fossil.country.values  # groups never among countries


def test_fossil_japan_cell_read_directly(fossil):
    wb = openpyxl.load_workbook(real_file(FOSSIL), read_only=True, data_only=True)
    rows = list(wb["Territorial Emissions"].iter_rows(values_only=True))
    names = rows[11]
    col = names.index("Japan")
    row = next(r for r in rows if r[0] == 2017)
    assert float(fossil.emissions.sel(country="JPN", year=2017)) == row[col]


def test_land_use_countries_plus_other_and_disputed_are_global(luc):
    assert list(luc.model.values) == ["BLUE", "H&C2023", "OSCAR"]
    rest = luc.aggregates.sel(group=["OTHER", "DISPUTED"]).sum("group")
    np.testing.assert_allclose(luc.eluc.sum("country") + rest, luc.aggregates.sel(group="Global"), rtol=1e-6)
    assert set(np.unique(luc.quality_flag.values[np.isfinite(luc.quality_flag.values)])) <= {0.0, 1.0}


def test_the_bundled_subset_is_the_workbooks(fossil, luc):
    sub = read_national_subset()
    for c in sub.country.values:
        for y in (1990, 2005, 2017, 2022):
            want = fossil.aggregates.sel(group="World", year=y) if c == "WLD" else fossil.emissions.sel(country=c, year=y)
            assert float(sub.fossil.sel(country=c, year=y)) == pytest.approx(float(want), rel=1e-9)
            for m in sub.model.values:
                w = luc.aggregates.sel(model=m, group="Global", year=y) if c == "WLD" else \
                    luc.eluc.sel(model=m, country=c, year=y)
                assert float(sub.eluc.sel(model=m, country=c, year=y)) == pytest.approx(float(w), rel=1e-9)


def test_every_name_of_the_real_sources_is_a_country_or_a_group():
    wb = openpyxl.load_workbook(real_file(FOSSIL), read_only=True)
    names = [c for c in list(wb["Territorial Emissions"].iter_rows(min_row=12, max_row=12, values_only=True))[0] if c]
    un = []
    for gas in ("CH4", "N2O", "CO2"):
        d = json.loads(real_file(f"national-emissions/unfccc-crf-annex1/unfccc_total_noLULUCF_{gas}.json").read_text())
        un += [p["name"] for p in d["data"]]
    mapping, groups, unmatched = map_names(names + un)
    assert unmatched == []
    assert {"World", "EU27", "Bunkers", "European Union (Convention)"} <= set(groups)
    assert mapping["United States of America"] == mapping["USA"] == "USA"
    assert mapping["Russian Federation"] == mapping["Russia"] == "RUS"
    assert mapping["United Kingdom of Great Britain and Northern Ireland"] == "GBR"
    assert mapping["Côte d'Ivoire"] == "CIV" and mapping["Türkiye"] == mapping["Turkey"] == "TUR"


def test_codes_are_the_countries_region_codes():
    from mip.regions import countries

    known = set(countries().names)
    for name in ("France", "Norway", "Kosovo", "Somaliland"):
        assert iso3(name) in known  # the codes a national budget is aggregated to


def test_unknown_names_are_errors_not_drops(tmp_path):
    with pytest.raises(MipError, match="'Atlantis': not in the ISO alpha-3 table"):
        iso3("Atlantis")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Territorial Emissions"
    ws.append(["MtC/yr"])
    ws.append([None, "ATLANTIS", "FRANCE"])
    ws.append([None, "Atlantis", "France"])
    ws.append([2017, 1.0, 2.0])
    p = tmp_path / "bad.xlsx"
    wb.save(p)
    with pytest.raises(InputError, match="Atlantis"):
        read_gcb_national_fossil(p)
    ws["C4"] = "n/a"
    ws["B3"] = "Spain"
    wb.save(p)
    with pytest.raises(InputError, match="a cell 'n/a'"):
        read_gcb_national_fossil(p)
