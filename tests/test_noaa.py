"""NOAA GML trend files, read from the real published files (several vintages and layouts)."""

import numpy as np
import pytest
from conftest import real_file

from mip.errors import InputError
from mip.obs import read_noaa


def test_mlo_current_layout():
    ds = read_noaa(real_file("noaa-gml/2026/co2_mm_mlo.txt"))
    assert ds.attrs["layout"] == "monthly_mlo" and ds.attrs["gas"] == "CO2" and ds.average.attrs["units"] == "ppm"
    first, last = ds.isel(time=0), ds.isel(time=-1)
    assert str(first.time.values)[:7] == "1958-03" and float(first.average) == 315.71
    assert float(first.deseasonalized) == 314.44 and np.isnan(float(first.ndays)) and np.isnan(float(first.unc))
    assert str(last.time.values)[:7] == "2026-01" and float(last.average) == 428.62 and float(last.ndays) == 25
    assert ds.sizes["time"] == (2026 - 1958) * 12 + 1 - 2  # March 1958 .. January 2026, every month


def test_mlo_2019_layout_and_vintages_differ():
    old = read_noaa(real_file("noaa-gml/2019/co2_mm_mlo.txt"))
    new = read_noaa(real_file("noaa-gml/2026/co2_mm_mlo.txt"))
    assert old.attrs["layout"] == "monthly_mlo_2019"
    june58 = old.sel(time="1958-06-01")
    assert np.isnan(float(june58.average)) and float(june58.interpolated) == 317.10  # -99.99 = missing
    diff = abs(old.average - new.average.sel(time=old.time)).max()  # the same month, two vintages
    assert 0.0 < float(diff) <= 0.32 + 1e-9


def test_annual_means_and_growth_rate_differ():
    mean = read_noaa(real_file("noaa-gml/2020/co2_annmean_gl.txt"))
    gr = read_noaa(real_file("noaa-gml/2020/co2_gr_gl.txt"))
    assert float(mean["mean"].sel(year=2019)) == 409.85 and float(gr.growth_rate.sel(year=2019)) == 2.54
    assert float(mean["mean"].sel(year=2019) - mean["mean"].sel(year=2018)) == pytest.approx(2.46)
    assert gr.growth_rate.attrs["units"] == "ppm yr-1"
    assert float(gr.growth_rate_pgc.sel(year=2019)) == pytest.approx(2.54 * 2.124)


@pytest.mark.parametrize("gas, unit", [("ch4", "ppb"), ("n2o", "ppb"), ("sf6", "ppt")])
def test_other_gases(gas, unit):
    ds = read_noaa(real_file(f"noaa-gml/2020/{gas}_gr_gl.txt"))
    assert ds.growth_rate.attrs["units"] == f"{unit} yr-1" and ds.attrs["gas"] == gas.upper()
    assert read_noaa(real_file(f"noaa-gml/2020/{gas}_annmean_gl.txt"))["mean"].attrs["units"] == unit
    if gas == "ch4":  # growth rates can be negative: not missing values
        assert float(ds.growth_rate.sel(year=2004)) == -4.88


def test_global_monthly_txt_and_csv_with_blank_line():
    ch4 = read_noaa(real_file("noaa-gml/2025/ch4_mm_gl.txt"))
    assert str(ch4.time.values[0])[:7] == "1983-07" and float(ch4.average[0]) == 1625.96
    assert np.isnan(float(ch4.average_unc.sel(time="2024-12-01"))) and float(ch4.average.sel(time="2024-12-01")) == 1937.52
    n2o = read_noaa(real_file("noaa-gml/2024/n2o_mm_gl.csv"))  # header, a blank line, then the data
    assert str(n2o.time.values[0])[:7] == "2001-01" and float(n2o.average[0]) == 316.30
    assert float(n2o.deseasonalized[0]) == 316.03 and n2o.attrs["layout"] == "monthly_global"
    assert read_noaa(real_file("noaa-gml/2024/sf6_mm_gl.csv")).average.attrs["units"] == "ppt"


def _copy(tmp_path, rel, edit):
    src = real_file(rel)
    p = tmp_path / src.name
    p.write_text(edit(src.read_text()))
    return p


@pytest.mark.parametrize("rel, edit, variable, found", [
    ("noaa-gml/2026/co2_mm_mlo.txt", lambda t: t.replace(" 2000    7 ", " 2000    6 ", 1),
     "month", "repeated or out of order"),
    ("noaa-gml/2026/co2_mm_mlo.txt", lambda t: "\n".join(ln for ln in t.splitlines() if not ln.startswith(" 2000    6")),
     "month", "missing (2000-05 → 2000-07)"),
    ("noaa-gml/2026/co2_mm_mlo.txt", lambda t: t.replace("de-season", "xx").replace("deseason", "xx"),
     "header", "column header"),
    ("noaa-gml/2020/co2_gr_gl.txt", lambda t: t.replace("  2019        2.54        0.09", "  2019        2.54"),
     "row", "2 columns"),
    ("noaa-gml/2024/n2o_mm_gl.csv", lambda t: t.replace("2001,1,2001.042,316.30", "2001,1,2001.042,316.3O"),
     None, "not a number"),
])
def test_one_defect(tmp_path, rel, edit, variable, found):
    p = _copy(tmp_path, rel, edit)
    with pytest.raises(InputError) as e:
        read_noaa(p)
    assert e.value.file == str(p) and e.value.variable == variable and found in e.value.found, str(e.value)


def test_unknown_gas(tmp_path):
    p = _copy(tmp_path, "noaa-gml/2020/co2_gr_gl.txt", lambda t: t)
    q = p.rename(tmp_path / "growth.txt")
    with pytest.raises(InputError, match="names no gas"):
        read_noaa(q)
    assert float(read_noaa(q, gas="co2").growth_rate.sel(year=2019)) == 2.54


def test_noaa_growth_rate_definition():
    """NOAA's growth rate from its own deseasonalised monthly CH4 (2025 vintage) vs its published rates (2020)."""
    from mip.obs import noaa_growth_rate

    trend = read_noaa(real_file("noaa-gml/2025/ch4_mm_gl.txt")).deseasonalized
    ours = noaa_growth_rate(trend).sel(year=slice(2000, 2018))
    published = read_noaa(real_file("noaa-gml/2020/ch4_gr_gl.txt")).growth_rate.sel(year=slice(2000, 2018))
    diff = abs(ours - published)
    assert float(diff.max()) < 0.17 and float(diff.mean()) < 0.06  # the vintages' recalibrations
    assert ours.attrs["units"] == "ppb yr-1"
    # a hand check of one year: 2014 = (Dec 2014 + Jan 2015)/2 − (Dec 2013 + Jan 2014)/2
    t = trend.to_series()
    by_hand = (t["2014-12-01"] + t["2015-01-01"]) / 2 - (t["2013-12-01"] + t["2014-01-01"]) / 2
    assert float(ours.sel(year=2014)) == pytest.approx(by_hand, rel=1e-12)


def test_station_metrics_on_the_real_mauna_loa_record():
    """Seasonal amplitude and growth rate (harmonic fit) against NOAA's own decomposition of the same record."""
    import xarray as xr

    from mip.obs import growth_rate, interhemispheric_gradient, seasonal_amplitude

    mlo = read_noaa(real_file("noaa-gml/2026/co2_mm_mlo.txt")).sel(time=slice("2010-01", "2019-12"))
    amp = seasonal_amplitude(mlo.average)
    cycle = (mlo.average - mlo.deseasonalized).groupby("time.month").mean()  # NOAA's seasonal component
    assert amp == pytest.approx(float(cycle.max() - cycle.min()), abs=0.3)
    years = mlo.decimal.values
    slope = np.polyfit(years, mlo.deseasonalized.values, 1)[0]
    assert growth_rate(mlo.average) == pytest.approx(slope, abs=0.05)
    shifted = xr.DataArray(mlo.average.values - 1.5, dims="time", coords={"time": mlo.time})
    assert interhemispheric_gradient(mlo.average, shifted) == pytest.approx(1.5, abs=1e-9)
