import numpy as np
import pandas as pd
import pytest
import xarray as xr

from mip.budgets.stats import ensemble_stats, group_means


def _da(values, names):
    return xr.DataArray(np.asarray(values, "f8"), dims="model", coords={"model": names})


def test_each_member_once_by_hand():
    st = ensemble_stats(_da([1.0, 2.0, 4.0, 9.0], list("abcd")))
    assert float(st["mean"]) == 4.0
    assert float(st["median"]) == 3.0
    assert float(st["sd"]) == pytest.approx(np.sqrt(((1 - 4) ** 2 + 4 + 0 + 25) / 3))
    # numpy linear quantiles: q25 = 1.75, q75 = 5.25
    assert float(st["iqr_1_35"]) == pytest.approx((5.25 - 1.75) / 1.35)
    assert (float(st["min"]), float(st["max"]), int(st["n"])) == (1.0, 9.0, 4)


def test_grouped_and_nan_reported():
    da = _da([1.0, 3.0, np.nan, 10.0], ["X/1", "X/2", "Y/1", "Z/1"])
    st = ensemble_stats(da, groups=lambda m: m.split("/")[0])
    # X averages to 2, Y is NaN (left out, counted), Z = 10
    assert float(st["mean"]) == 6.0
    assert int(st["n"]) == 2 and int(st["n_members"]) == 3 and int(st["n_missing"]) == 1
    g = group_means(da, groups={"X/1": "X", "X/2": "X"})
    assert g.sel(group="X").item() == 2.0 and int(g.n_runs.sel(group="X")) == 2


def test_range_exclusion_keeps_mean():
    st = ensemble_stats(_da([1.0, 2.0, 30.0], ["a", "b", "c"]), range_exclude=["c"])
    assert float(st["mean"]) == 11.0 and float(st["max"]) == 2.0


def test_other_dims_kept():
    da = xr.DataArray(np.arange(6.0).reshape(3, 2), dims=("model", "region"),
                      coords={"model": list("abc"), "region": ["n", "s"]})
    st = ensemble_stats(da)
    np.testing.assert_array_equal(st["mean"].values, [2.0, 3.0])


@pytest.mark.parametrize("shape, axis", [((9,), 0), ((4, 7), 1), ((5, 3, 6), 0), ((2, 40, 3), 1)])
def test_nan_quantiles_equal_numpy(shape, axis):
    import warnings

    from mip.budgets.stats import nan_quantiles

    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=shape)
    x[rng.random(shape) < 0.35] = np.nan  # some positions keep one value, some none
    qs = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy warns on the all-NaN positions
        want = np.nanquantile(x, qs, axis=axis)
    np.testing.assert_allclose(nan_quantiles(x, qs, axis=axis), want, rtol=1e-15, atol=0)
    assert np.isnan(nan_quantiles(np.full((3, 2), np.nan), 0.5, axis=0)).all()
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        nan_quantiles(x, 1.5)


def test_group_means_equal_pandas():
    rng = np.random.default_rng(3)
    names = ["A/1", "B/1", "A/2", "C/1", "A/3", "B/2"]
    vals = rng.normal(size=(4, len(names)))
    vals[rng.random(vals.shape) < 0.3] = np.nan
    da = xr.DataArray(vals, dims=("region", "model"), coords={"region": list("wxyz"), "model": names})
    g = group_means(da, groups=lambda m: m.split("/")[0])
    df = pd.DataFrame(vals.T, index=[m.split("/")[0] for m in names])
    want = df.groupby(level=0).mean().T  # pandas skips NaN; a group with none is NaN
    assert g.dims == ("region", "group") and list(g.group.values) == list(want.columns)
    np.testing.assert_allclose(g.values, want.values, rtol=1e-14)
    np.testing.assert_array_equal(g.n_runs.values, df.notna().groupby(level=0).sum().T.values)
