"""ENSO indices, the CO2 growth rate without ENSO and the years to detect an emission change (real files)."""

from importlib import resources

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import real_file

from mip.errors import InputError
from mip.monitoring.growth_rate import (annual_growth_from_monthly, lagged_annual_index, remove_enso,
                                        years_to_detect)
from mip.obs.enso import read_enso_index, read_oni, read_psl_index
from mip.obs.noaa import read_noaa


def test_enso_indices_give_the_values_the_data_set_states():
    oni = read_oni(real_file("enso/oni.ascii.txt"))
    assert float(oni.sel(time="1997-11-01")) == 2.40  # OND 1997
    assert float(oni.sel(time="2015-12-01")) == 2.64 == float(oni.max())  # NDJ 2015, the maximum
    assert float(oni.sel(time="2023-12-01")) == 1.95  # NDJ 2023
    n34 = read_psl_index(real_file("enso/nina34.anom.data"))
    assert n34.name == "nino34" and float(n34.sel(time="2015-11-01")) == 2.72 and float(n34.sel(time="2023-12-01")) == 2.03
    assert n34.attrs["missing"] == 30 and bool(n34.sel(time="1949-06-01").isnull())  # 1948-49 and Jul-Dec 2024
    mei = read_enso_index(real_file("enso/meiv2.data"))
    assert mei.name == "meiv2" and mei.attrs["units"] == "1" and mei.attrs["missing"] == 10
    bundled = resources.files("mip") / "data" / "enso" / "oni.ascii.txt"
    assert bundled.read_bytes() == real_file("enso/oni.ascii.txt").read_bytes()


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("  JFM 1950  25.17  -1.34\n", ""), "seasons missing after 1950-01"),
    (lambda t: t.replace("SEAS", "SEASON"), "SEAS YR TOTAL ANOM"),
])
def test_a_broken_oni_is_refused(tmp_path, edit, message):
    p = tmp_path / "oni.txt"
    p.write_text(edit(real_file("enso/oni.ascii.txt").read_text()))
    with pytest.raises(InputError, match=message) as e:
        read_oni(p)
    assert "oni.txt" in str(e.value)


def test_a_psl_row_of_eleven_values_is_refused(tmp_path):
    text = real_file("enso/nina34.anom.data").read_text().replace(" 1951  -1.30", " 1951 ", 1)
    p = tmp_path / "n34.data"
    p.write_text(text)
    with pytest.raises(InputError, match="year 1951 with 11 values"):
        read_psl_index(p)


def test_an_index_with_a_gap_is_refused_not_filled():
    idx = read_psl_index(real_file("enso/nina34.anom.data"))
    with pytest.raises(InputError, match="no value for 6 month"):
        lagged_annual_index(idx, np.array([2024]), 0)  # Jul-Dec 2024 are missing


def test_lagged_annual_index_is_a_trailing_twelve_month_mean():
    from mip.obs.enso import bundled_oni

    idx = bundled_oni()
    s = pd.Series(idx.values, index=pd.DatetimeIndex(idx.time.values)).rolling(12).mean()  # pandas, month by month
    years = np.arange(1960, 2024)
    for lag in (0, 3, 11):
        ends = pd.to_datetime([f"{y}-12-01" for y in years]) - pd.DateOffset(months=lag)
        np.testing.assert_allclose(lagged_annual_index(idx, years, lag).values, s.reindex(ends).values, rtol=1e-12)


def test_december_january_growth_is_noaas_definition():
    """From NOAA's global monthly CH4 (2025 file) the growth rate of each year equals NOAA's own growth-rate file
    (2020) within the uncertainty NOAA states for it; the 2020 file's own last year (2019) was preliminary when it
    was written (NOAA revises the latest year), so it is compared only to the years before."""
    monthly = read_noaa(real_file("noaa-gml/2025/ch4_mm_gl.txt"))
    official = read_noaa(real_file("noaa-gml/2020/ch4_gr_gl.txt"))
    ours = annual_growth_from_monthly(monthly.deseasonalized)
    years = np.intersect1d(ours.year, official.year)
    years = years[years < int(official.year.max())]
    assert len(years) >= 30
    diff = np.abs(ours.sel(year=years) - official.growth_rate.sel(year=years))
    assert bool((diff <= official.unc.sel(year=years)).all())


def _synthetic_index(n_months=900, seed=3):
    rng = np.random.default_rng(seed)
    x = np.zeros(n_months)
    for k in range(1, n_months):
        x[k] = 0.9 * x[k - 1] + rng.normal(0, 0.4)
    return xr.DataArray(x, dims="time", coords={"time": pd.date_range("1950-01-01", periods=n_months, freq="MS")},
                        attrs={"index": "synthetic", "units": "K"})


def test_remove_enso_recovers_a_known_lag_and_coefficient():
    idx = _synthetic_index()
    years = np.arange(1960, 2020)
    x3 = lagged_annual_index(idx, years, 3).values
    g = xr.DataArray(1.0 + 0.02 * (years - years.mean()) + 0.5 * x3, dims="year", coords={"year": years},
                     attrs={"units": "ppm yr-1"})
    g[years == 1992] = -5.0  # a "volcanic" year off the relation: flagged, left out, so the fit stays exact
    fit = remove_enso(g, idx)
    assert fit.attrs["lag"] == 3 and fit.attrs["coefficient"] == pytest.approx(0.5)
    assert fit.attrs["r2"] == pytest.approx(1.0)
    assert not bool(fit.in_fit.sel(year=1992)) and fit.volcanic.sel(year=1992).item().startswith("Pinatubo")
    assert float(fit.adjusted.sel(year=2000)) == pytest.approx(1.0 + 0.02 * (2000 - years.mean()))


def test_real_fit_against_numpy():
    """The chosen lag maximises R² (numpy least squares at every lag), and its coefficient is numpy's."""
    oni = read_oni(real_file("enso/oni.ascii.txt"))
    mlo = read_noaa(real_file("noaa-gml/2026/co2_mm_mlo.txt"))
    g = annual_growth_from_monthly(mlo.deseasonalized)
    fit = remove_enso(g, oni)
    used = fit.year.values[fit.in_fit.values]
    volcanic = {1963, 1964, 1982, 1983, 1991, 1992, 1993}
    assert not (set(used) & volcanic) and 2025 not in used  # 2025's lagged window runs past the index's end
    y = g.sel(year=used).values
    best = {}
    for lag in range(13):
        x = np.array([oni.sel(time=slice(pd.Timestamp(f"{t}-01-01") - pd.DateOffset(months=lag),
                                         pd.Timestamp(f"{t}-12-01") - pd.DateOffset(months=lag))).mean()
                      for t in used])
        A = np.column_stack([np.ones_like(x), used - used.mean(), x])
        coef, ss, *_ = np.linalg.lstsq(A, y, rcond=None)
        best[lag] = (1 - ss[0] / np.sum((y - y.mean()) ** 2), coef[2])
    lag = max(best, key=lambda k: best[k][0])
    assert fit.attrs["lag"] == lag and fit.attrs["coefficient"] == pytest.approx(best[lag][1], rel=1e-9)


def test_years_to_detect_by_hand_and_by_simulation():
    # phi = 0: 1.96 × sqrt(12 / (n (n² - 1))) × sigma ≤ |omega| first at n = 17 for sigma 1, omega 0.1
    # (n = 16: 1.96 × sqrt(12 / 4080) = 0.1063; n = 17: 1.96 × sqrt(12 / 4896) = 0.0970)
    assert years_to_detect(1.0, 0.0, 0.1) == 17 and years_to_detect(1.0, 0.0, -0.1) == 17
    # simulation with white noise: at n years the trend is significant (null quantile from simulation too) in
    # at least the asked share of series, at n - 1 in fewer
    rng = np.random.default_rng(11)
    sigma, omega, power = 0.33, 0.05, 0.9
    n = years_to_detect(sigma, 0.0, omega, power=power)

    def share(m, trend):
        t = np.arange(m)
        ys = trend * t + rng.normal(0, sigma, (20000, m))
        return np.polyfit(t, ys.T, 1)[0]

    for m, expect_ok in ((n, True), (n - 1, False)):
        crit = np.quantile(np.abs(share(m, 0.0)), 0.95)
        got = np.mean(share(m, omega) > crit)
        assert (got >= power - 0.01) if expect_ok else (got < power + 0.01)
    # autocorrelation asks for more years; with AR(1) noise (phi 0.5, marginal SD sigma) the asymptotic inflation
    # still gives at least the asked power in simulation (it errs towards more years)
    phi = 0.5
    n = years_to_detect(sigma, phi, 0.03, power=power)
    assert n > years_to_detect(sigma, 0.0, 0.03, power=power)

    def ar1(m, trend):
        e = np.zeros((20000, m))
        e[:, 0] = rng.normal(0, sigma, 20000)
        for k in range(1, m):
            e[:, k] = phi * e[:, k - 1] + rng.normal(0, sigma * np.sqrt(1 - phi ** 2), 20000)
        t = np.arange(m)
        return np.polyfit(t, (trend * t + e).T, 1)[0]

    crit = np.quantile(np.abs(ar1(n, 0.0)), 0.95)
    assert np.mean(ar1(n, 0.03) > crit) >= power - 0.01


def test_gcb_airborne_fraction_is_the_published_44_percent():
    """Friedlingstein et al. (2023): about 44 % of the emissions since 1960 stayed in the atmosphere."""
    from mip.monitoring.growth_rate import gcb_fossil_and_airborne_fraction

    d = gcb_fossil_and_airborne_fraction()
    assert round(d["airborne_fraction"], 2) == 0.44 and d["year"] == 2022
    assert d["fossil"] == pytest.approx(10.1, abs=0.05)  # GCB 2023: fossil CO2 emissions 2022, 10.1 Gt C


def test_the_analysis_script_on_the_real_files(tmp_path):
    from conftest import run_script

    run_script("growth_rate_monitoring.py", "--out", str(tmp_path), "--monthly",
               str(real_file("noaa-gml/2026/co2_mm_mlo.txt")), "--index", str(real_file("enso/nina34.anom.data")),
               "--changes", "-3")
    det = pd.read_csv(tmp_path / "detectability.csv")
    assert list(det["change (% yr-1)"]) == [-3.0]
    yearly = pd.read_csv(tmp_path / "growth_rate_enso.csv", keep_default_na=False)
    assert set(yearly.loc[yearly.volcanic != "", "year"]) == {1963, 1964, 1982, 1983, 1991, 1992, 1993}
    assert (tmp_path / "growth_rate_enso.png").exists()
