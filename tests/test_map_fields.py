"""The maps' numbers (mip.report.figures.map_fields) against numpy by hand: time means, ensemble mean, IQR/1.35."""

import warnings

import numpy as np
import xarray as xr

from mip.conventions.timeaxis import monthly_axis
from mip.report.figures import map_fields

DAYS = np.array([31.0, 28.0, 31.0])  # 2015-01..03
TO_G_PER_YEAR = 1e3 * 86400 * 365.25  # kg m-2 s-1 -> g m-2 yr-1


def _ensemble() -> xr.Dataset:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 1, 3, 2, 3)) * 1e-8  # model, experiment, time, lat, lon; kg m-2 s-1
    x[3, 0, 1, 0, 0] = np.nan  # member 3 misses February in one cell: no time mean there
    x[:, 0, 2, 1, 2] = np.nan  # no member has March in this cell: no value at all
    t, tb = monthly_axis([2015] * 3, [1, 2, 3])
    return xr.Dataset(
        {"land": (("model", "experiment", "time", "lat", "lon"), x, {"reported_as": "C"})},
        coords={"model": ["a", "b", "c", "d"], "experiment": ["IS"], "time": t, "lat": [-45.0, 45.0],
                "lon": [-120.0, 0.0, 120.0], "time_bounds": (("time", "bnds"), tb),
                "lat_bounds": (("lat", "bnds"), [[-90.0, 0.0], [0.0, 90.0]]),
                "lon_bounds": (("lon", "bnds"), [[-180.0, -60.0], [-60.0, 60.0], [60.0, 180.0]])})


def test_map_fields_are_numpys_time_means_ensemble_mean_and_iqr():
    ds = _ensemble()
    got = map_fields(ds, ["land"], "IS")
    x = ds["land"].values[:, 0]  # (model, time, lat, lon)
    member_means = np.einsum("mtyx,t->myx", x, DAYS) / DAYS.sum() * TO_G_PER_YEAR  # NaN where a month is missing
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the cell no member has: all-NaN slices
        mean = np.nanmean(member_means, axis=0)
        spread = (np.nanpercentile(member_means, 75, axis=0) - np.nanpercentile(member_means, 25, axis=0)) / 1.35
    np.testing.assert_allclose(got["land_mean"].values, mean, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got["land_spread"].values, spread, rtol=1e-12, equal_nan=True)
    # the cell member d misses a month of: the mean of a, b, c only (not d's two months averaged in)
    abc = member_means[:3, 0, 0]
    assert np.isclose(got["land_mean"].values[0, 0], abc.mean(), rtol=1e-12, atol=0)
    assert np.isnan(got["land_mean"].values[1, 2]) and np.isnan(got["land_spread"].values[1, 2])
    assert got.attrs["lon_extent"] == [-180.0, 180.0] and got.attrs["lat_extent"] == [-90.0, 90.0]
    assert got["land_mean"].attrs["reported_as"] == "C"
