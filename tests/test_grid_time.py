import numpy as np
import pytest
import xarray as xr

from conftest import R
from mip.errors import InputError
from mip.geometry.grid import cell_area, centre_bounds, standardise_grid
from mip.conventions.timeaxis import bounds_seconds, check_monthly, monthly_axis


def _grid(dlat, dlon):
    lat = np.arange(-90 + dlat / 2, 90, dlat)
    lon = np.arange(-180 + dlon / 2, 180, dlon)
    return lat, lon, cell_area(centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon"))


@pytest.mark.parametrize("dlat,dlon", [(1, 1), (2, 2.5), (4, 5), (0.5, 0.625)])
def test_sphere_area(dlat, dlon):
    _, _, a = _grid(dlat, dlon)
    assert a.sum() == pytest.approx(4 * np.pi * R**2, rel=1e-12)


def test_band_area_analytic():
    lat, _, a = _grid(1, 1)
    # cap north of 30N: 2 pi R^2 (1 - sin 30) = pi R^2
    assert a[lat > 30].sum() == pytest.approx(np.pi * R**2, rel=1e-12)


def test_uneven_axis_refused():
    with pytest.raises(InputError, match="uneven spacing"):
        centre_bounds(np.array([0.5, 1.5, 3.5]), name="lat", file="f.nc")


def test_standardise_flips_lat_and_rolls_lon():
    lat = np.arange(89.5, -90, -1.0)  # descending
    lon = np.arange(0.5, 360, 1.0)    # 0..360
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    ds = xr.Dataset({"f": (("latitude", "longitude"), la * 1000 + lo)},
                    coords={"latitude": lat, "longitude": lon})
    out = standardise_grid(ds, lat="latitude", lon="longitude", file="f.nc")
    assert np.all(np.diff(out.lat) > 0) and out.lon[0] == -179.5 and out.lon[-1] == 179.5
    # the value at (10.5N, 20.5W) came from native lon 339.5
    assert float(out.f.sel(lat=10.5, lon=-20.5)) == 10.5 * 1000 + 339.5
    assert "latitude reversed" in out.attrs["grid_changes"] and "longitude moved" in out.attrs["grid_changes"]


def test_month_bounds_use_real_lengths():
    t, tb = monthly_axis([2016, 2016, 2016], [1, 2, 3])
    sec = bounds_seconds(xr.DataArray(tb, dims=("time", "bnds")))
    assert list(sec.values / 86400) == [31, 29, 31]


def test_noleap_calendar():
    t, tb = monthly_axis([2016], [2], calendar="noleap")
    sec = bounds_seconds(xr.DataArray(tb, dims=("time", "bnds")))
    assert float(sec[0]) / 86400 == 28


def test_duplicate_and_missing_months():
    with pytest.raises(InputError, match="duplicate month.*2015-03"):
        check_monthly([(2015, 1), (2015, 2), (2015, 3), (2015, 3)], file="f.nc")
    with pytest.raises(InputError, match="missing month.*2015-02"):
        check_monthly([(2015, 1), (2015, 3)], file="f.nc")
    with pytest.raises(InputError, match="out of order"):
        check_monthly([(2015, 2), (2015, 1)], file="f.nc")
