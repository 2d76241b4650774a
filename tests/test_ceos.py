"""The CEOS country budget CSV, read from the real published file (Byrne et al. 2023)."""

import csv

import numpy as np
import pytest
from conftest import real_file

from mip import open_product
from mip.errors import InputError, MipError
from mip.budgets.lateral import dc_loss, nce
from mip.products.ceos import read_ceos_countries, write_ceos_countries

CEOS = "ceos-pilot-2023/pilot_topdown_CO2_Budget_countries_v1.csv"
C_PER_CO2 = 12.011 / 44.0095


def raw_rows():
    """The table as the csv module reads it (independent of the reader under test)."""
    with open(real_file(CEOS), newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[52], rows[53:]


@pytest.fixture(scope="module")
def co2():
    return read_ceos_countries(real_file(CEOS), basis="CO2")


def test_real_layout(co2):
    header, rows = raw_rows()
    assert len(rows) == 1407 and len(header) == 37
    assert co2.sizes == {"country": 201, "year": 6, "experiment": 4}
    assert list(co2.experiment.values) == ["IS", "LNLG", "LNLGIS", "LNLGOGIS"]
    # values read off the file's AFG 2015 and AFG mean lines
    afg = co2.sel(country="AFG")
    assert float(afg.dC_loss.sel(year=2015, experiment="IS")) == 1.19713
    assert float(afg.NBE.sel(year=2015, experiment="IS")) == 2.82076
    assert float(afg.NBE.sel(year=2015, experiment="LNLG")) == 56.2585
    assert float(afg.dC_loss_mean.sel(experiment="IS")) == -0.299316
    assert float(afg.FUR.sel(year=2015, experiment="LNLG")) == 0.2
    # groups of countries are rows too, and are marked
    groups = sorted({r[0] for r in rows if not (len(r[0]) == 3 and r[0].isupper())})
    assert sorted(co2.country.values[co2.is_group.values]) == groups
    assert "Region_EU" in groups and not bool(co2.is_group.sel(country="USA"))
    # the published sign: positive = to the atmosphere; NaN where the file says nan
    assert np.isnan(float(co2.NBE_unc.sel(country="FSM", year=2015, experiment="IS")))


def test_basis_c():
    import mip

    ds = mip.tables.read_table("ceos_countries", real_file(CEOS))  # C basis by default
    with pytest.raises(MipError, match="read_ceos_countries"):  # a table, not the oco2mip family's gridded files
        open_product("oco2mip", real_file(CEOS))
    assert ds.NBE.attrs["units"] == "Tg yr-1" and ds.NBE.attrs["reported_as"] == "C"
    assert float(ds.NBE.sel(country="AFG", year=2015, experiment="IS")) == pytest.approx(2.82076 * C_PER_CO2, rel=1e-15)
    assert "River unc (TgCO2)" in ds.Rivers_unc.attrs["native_columns"]


def test_mean_rows_are_read_not_recomputed(co2):
    header, rows = raw_rows()
    col = header.index("IS NBE unc (TgCO2)")
    by = {}
    for r in rows:
        by.setdefault(r[0], {})[r[1]] = float(r[col])
    differs = [c for c, v in by.items()
               if not np.isnan(v["mean"]) and abs(v["mean"] - np.mean([v[str(y)] for y in range(2015, 2021)])) > 1e-3 * abs(v["mean"])]
    assert differs  # the README's point: the mean row is not always the plain mean
    for c in differs:
        assert float(co2.NBE_unc_mean.sel(country=c, experiment="IS")) == by[c]["mean"]


def test_identities_on_every_row(co2):
    """NCE = NBE + FF and dC_loss = NBE − Rivers − (Wood+Crop) with mip.budgets.lateral, to the file's 6 digits."""
    n = 0
    for sfx in ("", "_mean"):
        nbe, ff, riv, wc = (co2[f"{v}{sfx}"] for v in ("NBE", "FF", "Rivers", "Wood_Crop"))
        tol_nce = 5e-6 * (abs(co2[f"NCE{sfx}"]) + abs(nbe) + abs(ff)) + 1e-12
        tol_dcl = 5e-6 * (abs(co2[f"dC_loss{sfx}"]) + abs(nbe) + abs(riv) + abs(wc)) + 1e-12
        assert bool((abs(nce(nbe, ff) - co2[f"NCE{sfx}"]) <= tol_nce).all())
        assert bool((abs(dc_loss(nbe, riv, wc) - co2[f"dC_loss{sfx}"]) <= tol_dcl).all())
        n += nbe.size
    assert n == 1407 * 4  # every row, every experiment


def test_round_trip_is_byte_identical(tmp_path):
    """read (C basis) → write gives the file's table back, byte for byte, CRLF included."""
    src = real_file(CEOS)
    out = write_ceos_countries(read_ceos_countries(src), tmp_path / "out.csv")
    a, b = src.read_bytes().split(b"\r\n"), out.read_bytes().split(b"\r\n")
    assert len(a) == len(b) and a[52:] == b[52:]
    assert read_ceos_countries(out).attrs["header_lines"] == 52


def test_recomputed_columns_round_trip(tmp_path, co2):
    """NCE and dC_loss recomputed with mip.budgets.lateral and written back match the file's columns."""
    ds = co2.copy()
    for sfx in ("", "_mean"):
        ds[f"NCE{sfx}"] = nce(ds[f"NBE{sfx}"], ds[f"FF{sfx}"]).assign_attrs(co2[f"NCE{sfx}"].attrs)
        ds[f"dC_loss{sfx}"] = dc_loss(ds[f"NBE{sfx}"], ds[f"Rivers{sfx}"], ds[f"Wood_Crop{sfx}"]).assign_attrs(
            co2[f"dC_loss{sfx}"].attrs)
    back = read_ceos_countries(write_ceos_countries(ds, tmp_path / "r.csv"), basis="CO2")
    # each term carries the file's rounding (half a unit in the 6th digit), the result its own
    scale = abs(co2.NBE) + abs(co2.FF) + abs(co2.Rivers) + abs(co2.Wood_Crop)
    for v in ("NCE", "dC_loss"):
        assert bool((abs(back[v] - co2[v]) <= 1e-5 * (scale + abs(co2[v]))).all())


# ------------------------------------------------------------------ one defect per copy
def _defect(tmp_path, old: bytes, new: bytes, count: int = 1):
    data = real_file(CEOS).read_bytes()
    assert old in data
    p = tmp_path / "pilot_topdown_CO2_Budget_countries_v1.csv"
    p.write_bytes(data.replace(old, new, count))
    return p


@pytest.mark.parametrize("old, new, variable, found", [
    (b",River unc (TgCO2),", b",Rivers unc (TgCO2),", "River unc (TgCO2)", "no such column"),
    (b"LNLG NBE unc (TgCO2),", b"LNLG NBE unc,", "LNLG NBE unc (TgCO2)", "no such column"),
    (b"Alpha 3 Code,Year,", b"Country,Year,", "Alpha 3 Code", "no table header"),
    (b",IS NBE (TgCO2),", b",IS NBE (TgC),", "IS NBE (TgC)", "unit 'TgC'"),
    (b"AFG,2016,", b"AFG,2O16,", "Year", "'2O16'"),
    (b"AFG,2015,1.19713e+00,", b"AFG,2015,1.19713e+0O,", "IS dC_loss (TgCO2)", "'1.19713e+0O'"),
    (b"\r\nAFG,2017,", b"\r\nAFG,2016,", "Alpha 3 Code/Year", "second row for AFG 2016"),
])
def test_one_defect(tmp_path, old, new, variable, found):
    p = _defect(tmp_path, old, new)
    with pytest.raises(InputError) as e:
        read_ceos_countries(p)
    assert e.value.file == str(p) and e.value.variable == variable and found in e.value.found


def test_missing_year_row(tmp_path):
    data = real_file(CEOS).read_bytes()
    start = data.index(b"\r\nAFG,2018,")
    p = tmp_path / "c.csv"
    p.write_bytes(data[:start] + data[data.index(b"\r\n", start + 2):])
    with pytest.raises(InputError, match="AFG has no row for 2018"):
        read_ceos_countries(p)


def test_uncertainty_columns_reproduced_from_their_components_on_every_row():
    """The real file: NBE_unc = sqrt(NCE_unc^2 + FF_unc^2) on every row; dC_loss_unc = NBE_unc on annual rows and
    sqrt(NBE_unc^2 + Rivers_unc^2 + Wood_Crop_unc^2) on the period-mean rows (the file's 6 digits: rel < 1e-5)."""
    from mip.budgets.lateral import dc_loss_uncertainty, nbe_uncertainty

    ds = read_ceos_countries(real_file("ceos-pilot-2023/pilot_topdown_CO2_Budget_countries_v1.csv"))
    for sfx in ("", "_mean"):
        nbe = ds[f"NBE_unc{sfx}"]
        pred = nbe_uncertainty(ds[f"NCE_unc{sfx}"], ds[f"FF_unc{sfx}"])
        ok = np.isfinite(nbe) & np.isfinite(pred) & (nbe > 0)
        assert int(ok.sum()) > (4000 if not sfx else 700)
        assert float((abs(pred - nbe) / nbe).where(ok).max()) < 1e-5
    annual = dc_loss_uncertainty(ds.NBE_unc, uncertainty="ceos")
    ok = np.isfinite(ds.dC_loss_unc)
    assert float(abs(annual - ds.dC_loss_unc).where(ok).max()) == 0.0
    mean = dc_loss_uncertainty(ds.NBE_unc_mean, ds.Rivers_unc_mean, ds.Wood_Crop_unc_mean)
    ok = np.isfinite(ds.dC_loss_unc_mean) & (ds.dC_loss_unc_mean > 0)
    assert float((abs(mean - ds.dC_loss_unc_mean) / ds.dC_loss_unc_mean).where(ok).max()) < 1e-5
    # China 2017 (LNLGIS): the file gives NBE 325.3 and NCE 228.3 Tg CO2, NBE the larger
    c = ds.sel(country="CHN", year=2017, experiment="LNLGIS")
    assert float(c.NBE_unc) == pytest.approx(325.26, abs=0.01) and float(c.NCE_unc) == pytest.approx(228.26, abs=0.01)
