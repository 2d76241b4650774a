import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from mip.constrain import (bootstrap_fits, constrain_bayes, constrain_bootstrap, constrain_multi, constrain_odr,
                           constrain_ols, constrain_wls, fit_odr, loo_skill, odr_predict)
from mip.errors import MipError

X4 = np.array([0.0, 1.0, 2.0, 3.0])
Y4 = np.array([0.0, 1.0, 2.0, 4.0])


def _data(n=15, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, 2 * x + 1 + rng.normal(scale=0.5, size=n)


def test_ols_hand_computed():
    # slope 6.5/5 = 1.3, intercept -0.2, SSE 0.30, s^2 0.15; at x*=2: 2.4 +- sqrt(0.15 (1 + 1/4 + 0.25/5))
    r = constrain_ols(X4, Y4, 2.0)
    assert (r.slope, r.intercept) == (pytest.approx(1.3), pytest.approx(-0.2))
    assert r.mean == pytest.approx(2.4, abs=1e-9)
    assert r.sd == pytest.approx(np.sqrt(0.195), rel=1e-6)


def test_ols_against_statsmodels_and_exact_quantiles():
    x, y = _data()
    r = constrain_ols(x, y, 0.7)
    pred = sm.OLS(y, sm.add_constant(x)).fit().get_prediction(np.array([[1.0, 0.7]]))
    se = float(pred.se_obs[0])
    assert r.mean == pytest.approx(float(pred.predicted_mean[0]), rel=1e-10)
    assert r.sd == pytest.approx(se, rel=1e-6)
    spread = np.std(y, ddof=1)
    for q, key in [(0.05, "p05"), (1 / 6, "p17"), (5 / 6, "p83"), (0.95, "p95"), (0.5, "median")]:
        assert abs(getattr(r, key) - stats.norm.ppf(q, r.mean, se)) < 1e-3 * spread


def test_convolution_against_monte_carlo():
    x, y = _data(n=8, seed=3)
    r = constrain_ols(x, y, 2.5, 0.6)  # far from the mean: sigma(x) varies across the x range
    f = sm.OLS(y, sm.add_constant(x)).fit()
    rng = np.random.default_rng(1)
    xs = rng.normal(2.5, 0.6, 1_000_000)
    s = np.sqrt(f.scale * (1 + 1 / 8 + (xs - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum()))
    ys = f.params[0] + f.params[1] * xs + s * rng.standard_normal(xs.size)
    assert r.mean == pytest.approx(ys.mean(), abs=3e-3 * ys.std())
    assert r.sd == pytest.approx(ys.std(), rel=3e-3)
    assert r.p95 == pytest.approx(np.quantile(ys, 0.95), abs=5e-3 * ys.std())


def test_wls_against_statsmodels():
    x, y = _data()
    w = np.where(np.arange(15) < 5, 1 / 5, 1.0)  # first five members from one family
    r = constrain_wls(x, y, 0.3, weights=w)
    res = sm.WLS(y, sm.add_constant(x), weights=w).fit()
    pred = res.get_prediction(np.array([[1.0, 0.3]]), weights=np.array([w.mean()]))
    assert r.mean == pytest.approx(float(pred.predicted_mean[0]), rel=1e-10)
    assert r.sd == pytest.approx(float(pred.se_obs[0]), rel=1e-6)
    assert r.slope == pytest.approx(res.params[1])


def test_odr_against_scipy_and_closed_form():
    scipy_odr = pytest.importorskip("scipy.odr")
    x, y = _data(n=20, seed=5)
    f = fit_odr(x, y, sx=1.0, sy=1.0, covariance="unscaled")  # scipy's RealData default: unit weights
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = scipy_odr.ODR(scipy_odr.RealData(x, y), scipy_odr.unilinear, beta0=[1.0, 0.0]).run()
    np.testing.assert_allclose([f["slope"], f["intercept"]], ref.beta, rtol=1e-6)
    np.testing.assert_allclose(f["cov"], ref.cov_beta, rtol=1e-5)
    # closed-form variance = Monte Carlo over the parameters and the observation
    mean, sd = odr_predict(f, 0.8, 0.3)
    rng = np.random.default_rng(0)
    b = rng.multivariate_normal([f["slope"], f["intercept"]], f["cov"], 1_000_000)
    xs = rng.normal(0.8, 0.3, 1_000_000)
    mc = b[:, 0] * xs + b[:, 1]
    assert mean == pytest.approx(mc.mean(), abs=3e-3 * mc.std()) and sd == pytest.approx(mc.std(), rel=3e-3)
    scaled = fit_odr(x, y, sx=1.0, sy=1.0, covariance="scaled")
    np.testing.assert_allclose(scaled["cov"], f["cov"] * f["res_var"])
    r = constrain_odr(x, y, 0.8, 0.3, sx=1.0, sy=1.0, covariance="unscaled")
    assert r.mean == pytest.approx(mean) and r.sd == pytest.approx(sd, rel=1e-4)
    assert fit_odr(x, y, sx=1.0, sy=1.0)["covariance"] == "scaled"  # the default: what the data support


def test_bootstrap_matches_a_loop():
    x, y = _data(n=20)
    b, a, s = bootstrap_fits(x, y, n_boot=200, seed=7)
    idx = np.random.default_rng(7).integers(0, 20, size=(200, 20))
    for i in range(0, 200, 20):
        slope, intercept = np.polyfit(x[idx[i]], y[idx[i]], 1)
        assert (b[i], a[i]) == (pytest.approx(slope), pytest.approx(intercept))
    r = constrain_bootstrap(x, y, 0.5, 0.1)
    ols = constrain_ols(x, y, 0.5, 0.1)
    assert r.mean == pytest.approx(ols.mean, abs=0.05) and r.sd == pytest.approx(ols.sd, rel=0.15)


def test_loo_skill_by_loop():
    x, y = _data(n=10, seed=2)
    press = 0.0
    for i in range(10):
        m = np.arange(10) != i
        slope, intercept = np.polyfit(x[m], y[m], 1)
        press += (y[i] - (intercept + slope * x[i])) ** 2
    assert loo_skill(x, y) == pytest.approx(1 - press / ((y - y.mean()) ** 2).sum(), rel=1e-10)


def test_bayes_close_to_t_predictive():
    x, y = _data(n=40, seed=4)
    r = constrain_bayes(x, y, 0.0, 0.0)
    pred = sm.OLS(y, sm.add_constant(x)).fit().get_prediction(np.array([[1.0, 0.0]]))
    t_sd = float(pred.se_obs[0]) * np.sqrt(38 / 36)  # Student-t with n-2 dof
    assert r.sd == pytest.approx(t_sd, rel=0.02)
    wide = constrain_bayes(x, y, 0.0, 0.0, discrepancy=1.0)
    assert wide.sd == pytest.approx(np.sqrt(r.sd**2 + 1.0), rel=0.02)


def test_multi_predictor():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(30, 2))
    y = 1.5 * X[:, 0] - 0.5 * X[:, 1] + 2 + rng.normal(scale=0.3, size=30)
    r = constrain_multi(X, y, [0.4, -0.2], [0.0, 0.0])
    fit = sm.OLS(y, sm.add_constant(X)).fit().get_prediction(np.array([[1.0, 0.4, -0.2]]))
    assert r.mean == pytest.approx(float(fit.predicted_mean[0]), abs=0.005)
    assert r.sd == pytest.approx(float(fit.se_obs[0]), rel=0.01)


def test_bad_input():
    with pytest.raises(MipError, match="at least 3"):
        constrain_ols([1.0, 2.0], [1.0, 2.0], 1.5)
    with pytest.raises(MipError, match="zero variance"):
        constrain_ols([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 1.0)
    xs = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"))
    ys = pd.Series([1.0, 2.0, 3.5, 4.0], index=list("abce"))
    with pytest.raises(MipError, match=r"only in x \['d'\], only in y \['e'\]"):
        constrain_ols(xs, ys, 2.0)
    ys = pd.Series([1.0, np.nan, 3.1, 3.9, 5.2], index=list("abcde"))
    r = constrain_ols(pd.Series([1.0, 2, 3, 4, 5], index=list("abcde")), ys, 9.0)
    assert "left out (NaN): b" in r.flags and any(f.startswith("extrapolation") for f in r.flags)
    assert r.members == ["a", "c", "d", "e"] and r.n == 4


def test_significance_gate():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=10), rng.normal(size=10)
    r = constrain_ols(x, y, 0.0, gate=0.05)
    assert any("not significant" in f for f in r.flags)
    assert r.mean == pytest.approx(y.mean(), abs=1e-6) and r.sd == pytest.approx(y.std(ddof=1), rel=1e-4)


@pytest.mark.parametrize("method", ["ols", "wls", "odr", "bayes", "bootstrap"])
@pytest.mark.parametrize("fx, fy", [(1.0, 10.0), (7.0, 1.0), (0.01, 1000.0)])
def test_every_method_is_invariant_to_units(method, fx, fy):
    """x in other units changes no result; y in other units scales mean and SD; the p-value never changes."""
    from mip.constrain import METHODS

    x, y = _data(n=15, seed=3)
    kw = {"weights": np.where(np.arange(15) < 5, 0.2, 1.0)} if method == "wls" else {}
    base = METHODS[method](x, y, 0.4, 0.1, **kw)
    other = METHODS[method](x * fx, y * fy, 0.4 * fx, 0.1 * fx, **kw)
    assert other.mean == pytest.approx(fy * base.mean, rel=1e-6)
    assert other.sd == pytest.approx(fy * base.sd, rel=1e-6)
    assert other.p_value == pytest.approx(base.p_value, rel=1e-6)
    assert other.prior_sd == pytest.approx(fy * base.prior_sd, rel=1e-12)


def test_odr_errors_both_or_neither():
    from mip.errors import MipError

    x, y = _data(n=15, seed=3)
    with pytest.raises(MipError, match="both"):
        fit_odr(x, y, sx=1.0)


def test_weighted_prior_is_consistent():
    x, y = _data(n=15, seed=3)
    w = np.where(np.arange(15) < 5, 0.2, 1.0)
    r = constrain_wls(x, y, 0.4, weights=w)
    mu = np.average(y, weights=w)
    v1, v2 = w.sum(), (w**2).sum()
    assert r.prior_mean == pytest.approx(mu)
    assert r.prior_sd == pytest.approx(np.sqrt((w * (y - mu) ** 2).sum() / (v1 - v2 / v1)))
    gated = constrain_wls(x, np.random.default_rng(1).normal(size=15), 0.4, weights=w, gate=1e-12)
    assert gated.mean == pytest.approx(gated.prior_mean, abs=1e-3 * gated.prior_sd)  # a gated result is its prior


def test_constrained_density_equals_scipys_kde_of_every_sample():
    from scipy import stats as st

    from mip.constrain.sampling import samples_to_pdf

    rng = np.random.default_rng(5)
    for s in (rng.normal(2.0, 0.5, 20_000), np.r_[rng.normal(0, 1, 3000), rng.normal(4, 0.5, 2000)]):
        grid, pdf = samples_to_pdf(s, 1.0)
        want = st.gaussian_kde(s)(grid)  # direct sum over every sample, Scott's bandwidth
        assert np.abs(pdf - want).max() < 1e-3 * want.max()
        assert grid[np.argmax(pdf)] == pytest.approx(grid[np.argmax(want)], abs=2 * (grid[1] - grid[0]))
