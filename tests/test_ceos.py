import pytest

from mip import open_product
from mip.errors import InputError

EXPS = ("IS", "LNLG")


def write_ceos(path, rows, *, drop_unc=False):
    header = [f"# line {i + 1} of the free-text header of the CEOS pilot top-down CO2 budget" for i in range(52)]
    cols = ["Alpha 3 Code", "Year"]
    for e in EXPS:
        for q in ("dC_loss", "NBE", "NCE"):
            cols += [f"{e} {q} (TgCO2)", f"{e} {q} unc (TgCO2)"]
    for q in ("Rivers", "Wood+Crop", "FF"):
        cols += [f"{q} (TgCO2)"] + ([] if drop_unc and q == "FF" else [f"{q} unc (TgCO2)"])
    lines = header + [",".join(cols)] + [",".join(map(str, r[: len(cols)])) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return cols


def test_ceos_layout(tmp_path):
    p = tmp_path / "pilot_topdown_CO2_Budget_countries_v1.csv"
    # per experiment: dC_loss, unc, NBE, unc, NCE, unc; then Rivers, unc, Wood+Crop, unc, FF, unc
    row = ["USA", 2015] + [-440.0, 100, -400.0, 100, 4600.0, 100] * 2 + [30.0, 5, 10.0, 2, 5000.0, 250]
    write_ceos(p, [row, ["FRA", 2015] + [1.0] * 16])
    ds = open_product("oco2mip", p)
    c = 12.011 / 44.0095
    assert float(ds.NBE.sel(country="USA", year=2015, experiment="IS")) == pytest.approx(-400 * c)
    assert float(ds.FF_unc.sel(country="USA", year=2015)) == pytest.approx(250 * c)
    assert float(ds.Wood_Crop.sel(country="USA", year=2015)) == pytest.approx(10 * c)
    assert ds.NBE.attrs["units"] == "Tg yr-1" and ds.NBE.attrs["reported_as"] == "C"
    assert sorted(ds.country.values) == ["FRA", "USA"]
    co2 = open_product("oco2mip", p, basis="CO2")
    assert float(co2.NCE.sel(country="USA", year=2015, experiment="LNLG")) == 4600.0


def test_ceos_missing_unc(tmp_path):
    p = tmp_path / "c.csv"
    write_ceos(p, [["USA", 2015] + [1.0] * 17], drop_unc=True)
    with pytest.raises(InputError, match="FF unc"):
        open_product("oco2mip", p)
