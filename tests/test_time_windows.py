"""Time windows on every calendar, and no partial annual means."""

import cftime
import numpy as np
import pytest
import xarray as xr

import mip
from mip.errors import IncompleteWarning, MipError
from mip.regions import grid_weights, latitude_bands
from mip.conventions.timeaxis import monthly_axis

PG = 365.25 * 86400 * 1e-12


def ds_on(calendar, start=(2015, 1), months=24, value=None):
    y0, m0 = start
    k = y0 * 12 + m0 - 1 + np.arange(months)
    time, tb = monthly_axis(k // 12, k % 12 + 1, calendar=calendar)
    lat, lon = np.array([-45.0, 45.0]), np.array([-90.0, 90.0])
    lb, ob, area = grid_weights(lat, lon)
    vals = np.ones((months, 2, 2)) if value is None else value
    return xr.Dataset({"land": (("time", "lat", "lon"), vals, {"reported_as": "C", "units": "kg m-2 s-1"})},
                      coords={"time": time, "time_bounds": (("time", "bnds"), tb), "lat": lat, "lon": lon,
                              "lat_bounds": (("lat", "bnds"), lb), "lon_bounds": (("lon", "bnds"), ob),
                              "cell_area": (("lat", "lon"), area)})


@pytest.mark.parametrize("calendar", ["standard", "noleap", "360_day", "all_leap", "julian", "proleptic_gregorian"])
def test_window_on_every_calendar(calendar):
    ds = ds_on(calendar, value=np.arange(24, dtype=float)[:, None, None] * np.ones((1, 2, 2)))
    out = mip.aggregate(ds, latitude_bands((-90, 90), names=("globe",)), period=("2015-03", "2015-08"),
                        attribution="area")
    # March .. August 2015: months 2..7, weighted by their lengths in this calendar
    lengths = []
    for m in range(3, 9):
        a = cftime.datetime(2015, m, 1, calendar=calendar)
        b = cftime.datetime(2015, m + 1, 1, calendar=calendar)
        lengths.append((b - a).total_seconds())
    expected = np.average(np.arange(2, 8), weights=lengths) * float(ds.cell_area.sum()) * PG
    assert float(out.land.sel(region="globe")) == pytest.approx(expected, rel=1e-12)
    assert int(out.land.n_steps) == 6


def test_partial_years_are_not_annual_means():
    ds = ds_on("noleap", start=(2015, 7), months=12)  # July 2015 .. June 2016
    with pytest.warns(IncompleteWarning, match="2015, 2016"):
        out = mip.aggregate(ds, latitude_bands((-90, 90), names=("globe",)), period="annual", attribution="area")
    assert bool(out.land.isnull().all()) and list(out.land.n_steps.values) == [6, 6]
    assert out.attrs["incomplete_years"] == "2015, 2016"
    lenient = mip.aggregate(ds, latitude_bands((-90, 90), names=("globe",)), period="annual", min_months=6,
                            attribution="area")
    assert bool(lenient.land.notnull().all())


def test_bad_windows_are_clear():
    ds = ds_on("standard")
    rs = latitude_bands()
    with pytest.raises(MipError, match="period 2030-01:2031-01: no whole time step"):
        mip.aggregate(ds, rs, period=("2030-01", "2031-01"))
    with pytest.raises(MipError, match="month or day out of range"):
        mip.aggregate(ds, rs, period=("2015-13", "2016-01"))
    with pytest.raises(MipError, match="period 'weekly'"):
        mip.aggregate(ds, rs, period="weekly")


def test_selecting_variables_keeps_what_aggregate_needs():
    """ds[["land"]] drops the bounds (their 'bnds' dim); aggregate rebuilds them, same numbers."""
    ds = ds_on("standard", months=12)
    ds["ocean"] = ds["land"] * 2
    full = mip.aggregate(ds, latitude_bands(), period="annual", attribution="area")
    sub = ds[["land"]]
    assert "lat_bounds" not in sub.variables and "time_bounds" not in sub.variables
    part = mip.aggregate(sub, latitude_bands(), period="annual", attribution="area")
    np.testing.assert_allclose(part.land.values, full.land.values, rtol=1e-12)
    with pytest.raises(MipError, match="cell_area"):
        mip.aggregate(sub.drop_vars("cell_area"), latitude_bands())
