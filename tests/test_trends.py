"""Trends against statsmodels and scipy on synthetic series with known trends and AR(1) noise, and on the real GCB sink."""

import numpy as np
import pytest
import statsmodels.api as sm
import xarray as xr
from conftest import real_file
from scipy import stats

from mip.budgets.trends import linear_trend, td_bu_trends, trend_difference


def ar1(n, phi, sd, rng):
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = phi * e[i - 1] + rng.normal(0, sd)
    return e


def test_against_statsmodels_and_scipy():
    rng = np.random.default_rng(4)
    years = np.arange(1960, 2020)
    y = 0.05 * (years - 1960) + ar1(years.size, 0.6, 0.3, rng)
    y[7] += 1.0  # one outlier: Theil-Sen shrugs it off
    tr = linear_trend(xr.DataArray(y, dims="year", coords={"year": years}, attrs={"units": "Pg yr-1"}), "year")
    fit = sm.OLS(y, sm.add_constant(years.astype(float))).fit()
    assert float(tr.slope) == pytest.approx(fit.params[1], rel=1e-12)
    resid = fit.resid
    r1 = np.corrcoef(resid[:-1], resid[1:])[0, 1]
    n_eff = 60 * (1 - r1) / (1 + r1)
    assert float(tr.r1) == pytest.approx(r1, rel=1e-12) and r1 > 0.1
    assert float(tr.slope_se) == pytest.approx(fit.bse[1] * np.sqrt(58 / (n_eff - 2)), rel=1e-10)
    assert float(tr.slope_se) > fit.bse[1]  # positively autocorrelated noise: a wider interval
    assert float(tr.theil_sen) == pytest.approx(stats.theilslopes(y, years).slope, rel=1e-12)
    # Mann-Kendall with its variance inflated by n / n_eff, the same n_eff as the SE
    p_plain = stats.kendalltau(years, y).pvalue
    z = stats.norm.isf(p_plain / 2) * np.sqrt(n_eff / 60)
    assert float(tr.p_value) == pytest.approx(2 * stats.norm.sf(z), rel=1e-10)
    assert float(tr.p_value) > p_plain
    assert tr.slope.attrs["units"] == "(Pg yr-1) yr-1"


def test_inflated_se_covers_the_true_trend():
    """With AR(1) noise (φ = 0.5) the inflated 95 % interval holds the true slope about 95 % of the time."""
    rng = np.random.default_rng(11)
    years = np.arange(100)
    hits = plain = 0
    for _ in range(300):
        y = 0.02 * years + ar1(100, 0.5, 1.0, rng)
        tr = linear_trend(xr.DataArray(y, dims="year", coords={"year": years}), "year")
        hits += abs(float(tr.slope) - 0.02) < 1.96 * float(tr.slope_se)
        plain += abs(float(tr.slope) - 0.02) < 1.96 * stats.linregress(years, y).stderr
    assert 0.90 <= hits / 300 <= 0.99 and plain / 300 < hits / 300


def test_monthly_times_in_any_calendar():
    t = xr.date_range("2000-01-01", periods=120, freq="MS", calendar="noleap", use_cftime=True)
    y = 3.0 + 0.2 * np.arange(120) / 12
    tr = linear_trend(xr.DataArray(y, dims="time", coords={"time": t}))
    assert float(tr.slope) == pytest.approx(0.2, rel=2e-3)  # months are not all 1/12 of a year long


def test_the_land_sink_trend_and_the_difference_of_periods():
    """GCB 2023 land sink: the trends of 1990-2005 and 2006-2022, and their difference, by hand."""
    from mip.tables.gcb_workbook import read_global_budget

    land = read_global_budget(real_file("gcb-2023/Global_Carbon_Budget_2023v1.1.xlsx")).sel(component="land_sink")
    d = trend_difference(land, (1990, 2005), (2006, 2022), dim="year")
    a = stats.linregress(np.arange(1990, 2006), land.sel(year=slice(1990, 2005)).values)
    b = stats.linregress(np.arange(2006, 2023), land.sel(year=slice(2006, 2022)).values)
    assert float(d.difference) == pytest.approx(b.slope - a.slope, rel=1e-12)
    assert float(d.difference_se) >= np.hypot(a.stderr, b.stderr) * 0.999


def test_td_bu_table():
    years = np.arange(2000, 2020)
    rng = np.random.default_rng(0)
    def ens(slopes):
        return xr.DataArray(np.array([s * (years - 2000) + rng.normal(0, 0.01, years.size) for s in slopes])[:, None, :]
                            * np.ones((1, 2, 1)), dims=("model", "category", "year"),
                            coords={"model": [f"m{i}" for i in range(len(slopes))], "category": ["ocean", "land"],
                                    "year": years})
    td, bu = ens([0.10, 0.12, 0.14]), ens([0.13, 0.20])
    bu.loc[{"category": "land"}] = bu.sel(category="land") * 3  # land: no overlap
    t = td_bu_trends(td, bu).set_index("category")
    assert bool(t.loc["ocean", "ranges_overlap"]) and not bool(t.loc["land", "ranges_overlap"])
    assert t.loc["ocean", "td_median"] == pytest.approx(0.12, abs=2e-3)


def test_growth_rate_closure_of_the_real_v10_mip():
    """The v10 MIP members' global totals against NOAA's growth rate × 2.124, recomputed by hand for one member."""
    from mip.budgets.closure import growth_closure
    from mip.obs import read_noaa
    from mip.tables.v10mip_zonal import BANDS_10, read_zonal_ensemble

    ens = read_zonal_ensemble(real_file("stephens2026-v10mip/V10MIP"), experiments=["LNLG"])
    annual = ens.total.sel(region=list(BANDS_10)).sum("region", skipna=False).groupby("time.year").mean()
    gr = read_noaa(real_file("noaa-gml/2020/co2_gr_gl.txt")).growth_rate
    c = growth_closure(annual, gr)
    assert list(c.year.values) == [2015, 2016, 2017, 2018, 2019]
    ct = np.loadtxt(real_file("stephens2026-v10mip/V10MIP/CT/LNLG/flux_20X-90X_timeseries.txt"), skiprows=1)
    tr = np.loadtxt(real_file("stephens2026-v10mip/V10MIP/CT/LNLG/flux_20S-20N_timeseries.txt"), skiprows=1)
    total_2017 = (ct[24:36, 4] + ct[24:36, 5] + tr[24:36, 4] + tr[24:36, 5]).mean()  # net + fossil, all bands
    assert float(c.mismatch.sel(model="CT", experiment="LNLG", year=2017)) == pytest.approx(total_2017 - 2.14 * 2.124,
                                                                                          abs=2e-5)
    # an inversion's mass balance holds to within a few tenths of Pg C/yr on average over 2015-2019
    assert float(abs(c.mean_mismatch.sel(experiment="LNLG")).max()) < 0.6


def test_ocean_sink_trends_data_products_vs_models_on_the_real_gcb():
    """Each member's 2000-2022 slope by numpy.polyfit; the medians and ranges of the two groups."""
    from mip.report.stocktake import ocean_sink_trends
    from mip.tables.gcb_workbook import read_sink_sheet

    t = read_sink_sheet(sheet="Ocean Sink").sel(year=slice(2000, 2022))
    years = t.year.values.astype(float)
    # the sheet's own data-product average says "(excl. Watson.)": the range leaves UOEx-Watson out too
    slopes = {k: [np.polyfit(years, t.sel(model=m).values, 1)[0] for m, kk in zip(t.model.values, t.kind.values)
                  if kk == k and m != "UOEx-Watson"] for k in ("data product", "model")}
    row = ocean_sink_trends((2000, 2022)).iloc[0]
    assert row.td_median == pytest.approx(np.median(slopes["data product"]), rel=1e-10)
    assert row.bu_max == pytest.approx(max(slopes["model"]), rel=1e-10)
    assert row.n_products == len(slopes["data product"]) == 7 and row.n_models == 10
    assert row.products_left_out == "UOEx-Watson"
    # and the products' mean of the sheet is the mean of those seven
    avg = t.sel(model="Average data-products (excl. Watson.)").values
    used = [m for m, kk in zip(t.model.values, t.kind.values) if kk == "data product" and m != "UOEx-Watson"]
    np.testing.assert_allclose(t.sel(model=used).mean("model").values, avg, rtol=1e-6)
    # GCB 2023: the data products' sink grows faster than the models' since 2000
    assert row.td_median > row.bu_median


def _scipy_fields(t, y):
    """Each field of one series from scipy's own per-series functions (the definitions in the module docstring)."""
    ok = np.isfinite(y)
    t, y = t[ok], y[ok]
    n = t.size
    if n < 4:
        return [np.nan] * 6
    fit = stats.linregress(t, y)
    resid = y - (fit.intercept + fit.slope * t)
    perfect = np.abs(resid).max() <= 1e-12 * np.abs(y - y.mean()).max()  # a straight line: no autocorrelation
    with np.errstate(invalid="ignore", divide="ignore"):
        r1 = 0.0 if perfect else np.corrcoef(resid[:-1], resid[1:])[0, 1]
    n_eff = n * (1 - r1) / (1 + r1) if r1 > 0 else n
    p = stats.kendalltau(t, y).pvalue
    if n_eff < n and 0 < p < 1:
        p = 2 * stats.norm.sf(stats.norm.isf(p / 2) * np.sqrt(n_eff / n))
    stderr = fit.stderr if np.ptp(y) > 0 else 0.0  # scipy: NaN for a constant series; an exact fit's SE is 0
    return [fit.slope, stderr * np.sqrt((n - 2) / (n_eff - 2)) if n_eff > 2 else np.inf,
            stats.theilslopes(y, t).slope, p, n, r1]


@pytest.mark.parametrize("n", [4, 5, 12, 33, 34, 60])
def test_many_series_at_once_equal_scipy_series_by_series(n):
    """Every field of 200 series with NaN, tied values (exact and asymptotic Kendall paths) against scipy."""
    from mip.budgets.trends import trend_fields

    rng = np.random.default_rng(n)
    t = 1990.0 + np.arange(n)
    ys = 0.03 * rng.normal(size=(200, 1)) * (t - 1990) + np.cumsum(rng.normal(size=(200, n)), axis=1)
    ys[:40] = np.round(ys[:40])  # tied values: scipy's tie-corrected variance
    ys[40:80][rng.random((40, n)) < 0.15] = np.nan  # other NaN patterns, other n
    ys[80, :] = np.arange(n) % 2  # a zig-zag: strongly negative r1
    ys[81, :2] = [5.0, 6.0]
    ys[81, 2:] = np.nan  # too short: NaN everywhere
    got = trend_fields(t, ys)
    want = np.array([_scipy_fields(t, y) for y in ys])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_kendall_exact_path_below_34_points_is_scipys():
    """Without ties, n <= 33: the exact null distribution; one pair out of order at n = 40: exact too."""
    from mip.budgets.trends import trend_fields

    for n in (4, 7, 20, 33, 40):
        t = np.arange(n, dtype=float)
        y = t.copy()
        y[[1, 2]] = y[[2, 1]]  # one discordant pair
        for series in (y, np.random.default_rng(n).permutation(n).astype(float)):
            np.testing.assert_allclose(trend_fields(t, series[None])[0], _scipy_fields(t, series), rtol=1e-10)
