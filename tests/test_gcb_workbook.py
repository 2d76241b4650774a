"""The Global Carbon Budget 2023 workbook, read from the real published file."""

import shutil

import numpy as np
import openpyxl
import pytest
from conftest import real_file, run_script

from mip.errors import InputError
from mip.tables.gcb_workbook import paper_table, period_means, read_global_budget, read_sink_sheet

GCB = "gcb-2023/Global_Carbon_Budget_2023v1.1.xlsx"


@pytest.fixture(scope="module")
def cells():
    """The budget sheet's rows 23–86 (1959–2022) as openpyxl reads them, independent of the reader."""
    wb = openpyxl.load_workbook(real_file(GCB), read_only=True, data_only=True)
    rows = [r[:8] for r in wb["Global Carbon Budget"].iter_rows(min_row=23, max_row=86, values_only=True)]
    wb.close()
    return np.array(rows, dtype=float)


def test_global_budget_sheet(cells):
    b = read_global_budget(real_file(GCB))
    assert b.sizes == {"component": 7, "year": 64} and int(b.year[0]) == 1959 and int(b.year[-1]) == 2022
    assert float(b.sel(component="atmospheric_growth", year=2022)) == 4.63032
    assert float(b.sel(component="fossil_emissions", year=1959)) == pytest.approx(2.41666545551985, rel=1e-15)
    np.testing.assert_array_equal(b.transpose("year", "component").values, cells[:, 1:])
    assert b.attrs["identity_max_residual"] < 1e-12 and b.attrs["units"] == "Pg yr-1"


def test_decadal_means_reproduce_the_paper(cells):
    b = read_global_budget(real_file(GCB))
    m = period_means(b, "2013-2022")
    sel = (cells[:, 0] >= 2013) & (cells[:, 0] <= 2022)
    np.testing.assert_allclose(m.values, cells[sel, 1:].sum(axis=0) / 10, rtol=1e-13)
    # Friedlingstein et al. (2023), abstract and decadal table, 2013-2022 (Gt C/yr): EFOS 9.6 (net of
    # the cement carbonation sink), ELUC 1.3, GATM 5.2, SOCEAN 2.8, SLAND 3.3, BIM -0.4
    t = paper_table(m).set_index("row")["rounded"]
    assert list(t.values) == [9.6, 1.3, 10.9, 5.2, 2.8, 3.3, -0.4]
    with pytest.raises(InputError, match="within 1959-2022"):
        period_means(b, (1950, 1960))


def test_sink_sheets():
    b = read_global_budget(real_file(GCB))
    ocean = read_sink_sheet(real_file(GCB), "Ocean Sink")
    land = read_sink_sheet(real_file(GCB), "Terrestrial Sink")
    np.testing.assert_allclose(ocean.sel(model="GCB"), b.sel(component="ocean_sink"), rtol=1e-14)
    np.testing.assert_allclose(land.sel(model="GCB"), b.sel(component="land_sink"), rtol=1e-14)
    kinds = dict(zip(ocean.model.values, ocean.kind.values))
    assert sum(k == "model" for k in kinds.values()) == 10 and sum(k == "data product" for k in kinds.values()) == 8
    assert kinds["1 sigma uncertainty"] == "GCB uncertainty" and kinds["Multi-model mean"] == "model statistic"
    assert sum(k == "model" for k in land.kind.values) == 20  # "the average of 20 DGVMs"
    # the sheets' own statistics agree with the columns the reader classed as models / products
    models = ocean.where(ocean.kind == "model", drop=True)
    np.testing.assert_allclose(models.mean("model"), ocean.sel(model="Multi-model mean"), rtol=1e-9)
    prods = ocean.where((ocean.kind == "data product") & (ocean.model != "UOEx-Watson"), drop=True).sel(year=2010)
    assert float(prods.mean()) == pytest.approx(float(ocean.sel(model="Average data-products (excl. Watson.)", year=2010)),
                                                rel=1e-9)


def test_script(tmp_path):
    import pandas as pd

    run_script("gcb_budget.py", "--period", "2013-2022", "--out", str(tmp_path))
    df = pd.read_csv(tmp_path / "budget.csv")
    assert list(df.columns) == ["component", "mean"]
    assert list(df.component) == ["fossil_emissions", "land_use_change", "atmospheric_growth", "ocean_sink",
                                  "land_sink", "cement_carbonation_sink", "budget_imbalance"]
    assert round(float(df.set_index("component").loc["atmospheric_growth", "mean"]), 1) == 5.2
    assert (tmp_path / "budget_table.csv").exists() and (tmp_path / "sinks.csv").exists()
    run_script("gcb_budget.py", "--period", "1990-1999", "--out", str(tmp_path / "nineties"))


# ------------------------------------------------------------------ one defect per copy
def _defect(tmp_path, edit):
    p = tmp_path / "gcb.xlsx"
    shutil.copy(real_file(GCB), p)
    wb = openpyxl.load_workbook(p)
    edit(wb["Global Carbon Budget"])
    wb.save(p)
    return p


@pytest.mark.parametrize("edit, variable, found", [
    (lambda ws: ws.cell(22, 1, "Yr"), "Global Carbon Budget!Year", "no row"),                       # header
    (lambda ws: ws.cell(21, 1, "MtC/yr"), "Global Carbon Budget!A21", "unit 'MtC/yr'"),             # unit
    (lambda ws: ws.cell(22, 5, "ocean uptake"), "Global Carbon Budget!ocean sink", "no such column"),
    (lambda ws: ws.cell(50, 8, 0.5), "Global Carbon Budget!budget imbalance", "year 1986"),          # identity
    (lambda ws: ws.delete_rows(40), "Global Carbon Budget!Year", "not consecutive"),                # a year gone
    (lambda ws: ws.cell(30, 3, "n/a"), "Global Carbon Budget!land-use change emissions", "'n/a' in year 1966"),
])
def test_one_defect(tmp_path, edit, variable, found):
    p = _defect(tmp_path, edit)
    with pytest.raises(InputError) as e:
        read_global_budget(p)
    assert e.value.file == str(p) and e.value.variable == variable and found in e.value.found, str(e.value)


def test_not_a_workbook(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(real_file(GCB).read_bytes()[:1000])
    with pytest.raises(InputError, match="not an .xlsx archive"):
        read_global_budget(p)
