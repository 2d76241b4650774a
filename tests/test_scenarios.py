"""Observed growth against the SSP scenarios, on the real RCMIP and NOAA files, checked with pandas."""

import gzip
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import real_file

from mip.errors import InputError, MismatchError
from mip.monitoring.scenarios import growth_vs_scenarios, window_growth
from mip.obs.noaa import read_noaa
from mip.tables.rcmip import read_rcmip_concentrations

RCMIP = "ssp-concentrations/rcmip-concentrations-annual-means-5-1-0-ssp-only.csv"


def test_bundled_rows_are_lines_of_the_real_file():
    bundled = resources.files("mip") / "data" / "rcmip-ssp" / "rcmip-concentrations-ssp-co2-ch4-n2o.csv.gz"
    lines = gzip.decompress(bundled.read_bytes()).splitlines()
    real = real_file(RCMIP).read_bytes().splitlines()
    assert lines[0] == real[0] and set(lines) <= set(real) and len(lines) == 31


def test_reader_gives_the_values_the_data_set_states():
    """The data set's README: CO2 277.15 ppm in 1750, 397.55 in 2014; CH4 1831.5 and N2O 326.99 ppb in 2014;
    CO2 in 2100 under SSP1-1.9 / 1-2.6 / 2-4.5 / 3-7.0 / 5-8.5: 393.5, 445.6, 602.8, 867.2, 1135.2 ppm."""
    d = read_rcmip_concentrations(real_file(RCMIP))
    assert len(d.scenario) == 10 and d.attrs["history_end"] == 2014  # scenarios differ from 2015
    co2 = d.CO2.sel(scenario="ssp245")
    assert float(co2.sel(year=1750)) == pytest.approx(277.15, abs=0.005)
    assert float(co2.sel(year=2014)) == pytest.approx(397.55, abs=0.005)
    assert float(d.CH4.sel(scenario="ssp585", year=2014)) == pytest.approx(1831.5, abs=0.05)
    assert float(d.N2O.sel(scenario="ssp119", year=2014)) == pytest.approx(326.99, abs=0.005)
    for s, v in {"ssp119": 393.5, "ssp126": 445.6, "ssp245": 602.8, "ssp370": 867.2, "ssp585": 1135.2}.items():
        assert float(d.CO2.sel(scenario=s, year=2100)) == pytest.approx(v, abs=0.05)
    assert str(d.model.sel(scenario="ssp245").values) == "MESSAGE-GLOBIOM"


def test_noaa_2025_csv_annual_means():
    for gas in ("co2", "ch4", "n2o"):
        path = real_file(f"noaa-gml/2025/{gas}_annmean_gl.csv")
        ds = read_noaa(path)
        raw = pd.read_csv(path, comment="#").set_index("year")
        assert np.allclose(ds["mean"].sel(year=raw.index).values, raw["mean"].values)
        assert int(ds.year.max()) == 2024


def test_window_growth_by_hand():
    c = xr.DataArray([10.0, 11.0, 13.0, 16.0], dims="year", coords={"year": [2000, 2001, 2002, 2003]})
    u = xr.full_like(c, 0.3)
    g, s = window_growth(c, (2001, 2003), u)
    assert float(g) == pytest.approx(2.0) and float(s) == pytest.approx(np.sqrt(0.18) / 3)
    with pytest.raises(MismatchError, match="no annual mean for 1999"):
        window_growth(c, (2000, 2003))


def test_real_growth_against_pandas():
    """Growth, rank and verdict recomputed with pandas on the two real files."""
    scen = read_rcmip_concentrations(real_file(RCMIP))
    obs = {g: read_noaa(real_file(f"noaa-gml/2025/{g.lower()}_annmean_gl.csv")) for g in ("CO2", "CH4", "N2O")}
    t = growth_vs_scenarios(obs, scen).set_index(["gas", "window"])
    raw = pd.read_csv(real_file(RCMIP))
    for gas in ("CO2", "CH4", "N2O"):
        o = pd.read_csv(real_file(f"noaa-gml/2025/{gas.lower()}_annmean_gl.csv"), comment="#").set_index("year")["mean"]
        s = raw[raw.Variable == f"Atmospheric Concentrations|{gas}"].set_index("Scenario")
        for a, b in ((2015, 2024), (2005, 2024)):
            og = (o[b] - o[a - 1]) / (b - a + 1)
            sg = (s[str(b)] - s[str(a - 1)]) / (b - a + 1)
            row = t.loc[(gas, f"{a}-{b}")]
            assert row.observed == pytest.approx(og) and row.scenario_max == pytest.approx(sg.max())
            assert row.faster_than == (sg < og).sum() and row.scenario_years == min(10, b - 2014)
    # what the data say: N2O grew faster than under every SSP in both windows, beyond the uncertainty ...
    assert all(t.loc[("N2O", w), "verdict"].startswith("above every scenario (by more") for w in ("2015-2024", "2005-2024"))
    # ... and CO2 more slowly than under every one (not at the pace of a middle scenario)
    assert all(t.loc[("CO2", w), "verdict"].startswith("below every scenario (by more") for w in ("2015-2024", "2005-2024"))
    assert t.loc[("CH4", "2015-2024"), "verdict"].startswith("within the scenarios")


def test_a_scenario_file_without_a_gas_is_refused(tmp_path):
    raw = real_file(RCMIP).read_text().splitlines()
    keep = [raw[0]] + [ln for ln in raw[1:] if "|CO2," in ln or ("|N2O," in ln and ",ssp245," not in ln)]
    p = tmp_path / "partial.csv"
    p.write_text("\n".join(keep) + "\n")
    with pytest.raises(InputError, match=r"Atmospheric Concentrations\|N2O.*no row for scenario\(s\) \['ssp245'\]"):
        read_rcmip_concentrations(p, gases=("CO2", "N2O"))
    with pytest.raises(InputError, match=r"Atmospheric Concentrations\|CH4"):
        read_rcmip_concentrations(p, gases=("CO2", "CH4"))
    assert "CO2" in read_rcmip_concentrations(p, gases=("CO2",))


def test_a_value_that_is_not_a_number_is_named(tmp_path):
    import gzip

    from mip.tables.rcmip import bundled_rcmip_path

    lines = gzip.decompress(bundled_rcmip_path().read_bytes()).decode().splitlines()
    head = lines[0].split(",")
    col = head.index("2030")
    row = next(i for i, ln in enumerate(lines) if "|CH4," in ln)
    cells = lines[row].split(",")
    cells[col] = "n/a?"
    lines[row] = ",".join(cells)
    p = tmp_path / "bad.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"bad\.csv.*Atmospheric Concentrations\|CH4.*not a number"):
        read_rcmip_concentrations(p)
    assert float(read_rcmip_concentrations(p, gases=("CO2",)).CO2.sel(scenario="ssp245", year=2030)) > 400


def test_the_analysis_script_on_the_real_files(tmp_path):
    from conftest import run_script

    run_script("scenario_growth.py", "--out", str(tmp_path), "--scenarios", str(real_file(RCMIP)),
               "--noaa", str(real_file("noaa-gml/2025")), "--windows", "2015-2024")
    t = pd.read_csv(tmp_path / "scenario_growth.csv").set_index("gas")
    raw = pd.read_csv(real_file("noaa-gml/2025/n2o_annmean_gl.csv"), comment="#").set_index("year")["mean"]
    assert t.loc["N2O", "observed"] == pytest.approx((raw[2024] - raw[2014]) / 10)
    assert (tmp_path / "scenario_fan.png").stat().st_size > 20_000
