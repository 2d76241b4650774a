import numpy as np
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
