import numpy as np
import pandas as pd
import pytest
import xarray as xr

from mip.errors import InputError
from mip.obs import (growth_rate, interhemispheric_gradient, layer_weights, multi_instrument, point_gradient,
                     read_campaigns, read_flasks, read_profiles, read_zonal_flux, seasonal_amplitude,
                     vertical_gradient, weighted_median, window_mean, zonal_band_total)

THETA = np.arange(270.0, 325.0, 5.0)


def test_weighted_median_by_hand():
    assert weighted_median([3, 1, 2], [1, 1, 1]) == 2
    assert weighted_median([1, 2, 3, 4], [1, 1, 1, 1]) == 2.5  # = numpy.median
    assert weighted_median([1, 2, 3], [0.5, 0.5, 2]) == 3       # cumulative 0.5, 1.0, 3.0; half = 1.5
    assert weighted_median([1, np.nan, 5], [1, 1, 1]) == 3.0
    assert np.isnan(weighted_median([], []))


def test_layer_weights_half_bins():
    lo = layer_weights(THETA, 5.0, (-np.inf, 280.0))
    up = layer_weights(THETA, 5.0, (295.0, 305.0))
    np.testing.assert_allclose(lo[:4], [1, 1, 0.5, 0])
    np.testing.assert_allclose(up[4:9], [0, 0.5, 1, 0.5, 0])


def _profiles(values: np.ndarray, lat, campaign):
    n = values.shape[0]
    return xr.Dataset({"co2": (("profile", "theta"), values), "strat": (("profile", "theta"), np.zeros_like(values))},
                      coords={"theta": THETA, "lat": ("profile", lat), "campaign": ("profile", campaign),
                              "profile": [f"p{i}" for i in range(n)]})


def test_vertical_gradient_by_hand():
    # every profile: 400 below 280 K (bins 270, 275; 280 half), 401 at 295-305 K
    v = np.full((3, THETA.size), np.nan)
    v[:, :3] = 400.0
    v[:, 5:8] = 401.0
    v[2] += 10  # a profile north of the band, ignored
    ds = _profiles(v, [-60.0, -50.0, -30.0], ["A", "A", "A"])
    g = vertical_gradient(ds.co2, lat=ds.lat, campaign=ds.campaign, strat=ds.strat)
    assert g["A"] == pytest.approx(-1.0)
    ds["strat"][0, :] = 1.0  # stratospheric bins are left out
    v2 = v.copy()
    v2[0, :3] = 500.0
    ds2 = _profiles(v2, [-60.0, -50.0, -30.0], ["A", "A", "A"])
    ds2["strat"][0, :] = 1.0
    assert vertical_gradient(ds2.co2, lat=ds2.lat, campaign=ds2.campaign, strat=ds2.strat)["A"] == pytest.approx(-1.0)


def test_point_gradient_and_instruments():
    df = pd.DataFrame({"campaign": ["X"] * 6, "lat": [-50.0] * 6, "strat": [0] * 6,
                       "theta": [270, 275, 279, 296, 300, 304], "co2": [1, 2, 3, 10, 11, 15.0]})
    assert point_gradient(df, "co2")["X"] == pytest.approx(2 - 11)
    g = pd.DataFrame({"p": [1.0, 2.0], "a": [1.5, np.nan], "b": [0.0, 2.5]}, index=["c1", "c2"])
    m = multi_instrument(g, "p")
    assert m.loc["c1", "value"] == pytest.approx((1 + 1.5 + 0) / 3)
    assert m.loc["c1", "sd"] == pytest.approx(np.std([0, 0.5, -1.0]))
    assert m.loc["c2", "sd"] == pytest.approx(np.std([0, 0.5])) and m.loc["c2", "n_instruments"] == 2


def test_window_mean_by_hand():
    t = pd.date_range("2008-09-01", periods=6, freq="MS") + pd.Timedelta(days=14)  # Sep..Feb mid-month
    s = xr.DataArray([9.0, 10.0, 11.0, 12.0, 1.0, 2.0], dims="time", coords={"time": t})
    # 90 days ending 2009-01-20: Oct 23-31 (9), Nov (30), Dec (31), Jan 1-20 (20)
    assert window_mean(s, "2009-01-20") == pytest.approx((9 * 10 + 30 * 11 + 31 * 12 + 20 * 1) / 90)
    assert np.isnan(window_mean(s, "2008-10-15"))  # the window starts in July: not covered


def test_station_metrics():
    t = pd.date_range("2000-01-01", periods=120, freq="MS") + pd.Timedelta(days=14)
    dec = t.year + (t.day_of_year - 0.5) / 365.25
    y = 370 + 2.0 * (dec - 2000) + 3.0 * np.sin(2 * np.pi * dec)
    s = xr.DataArray(y, dims="time", coords={"time": t})
    assert seasonal_amplitude(s) == pytest.approx(6.0, rel=1e-3)
    assert growth_rate(s) == pytest.approx(2.0, rel=1e-3)
    south = s - 3.5
    assert interhemispheric_gradient(s, south) == pytest.approx(3.5)


def test_readers_in_layout(tmp_path):
    camps = tmp_path / "campaigns.csv"
    camps.write_text("campaign,flights,mean_date,start,end,co2_midtrop_ppm\n"
                     "ORCAS-J,x,2016-01-21,2016-01-12,2016-01-30,399.4\nORCAS-F,y,2016-02-16,2016-02-05,2016-02-29,399.5\n")
    c = read_campaigns(camps)
    assert list(c.index) == ["ORCAS-J", "ORCAS-F"]
    fl = tmp_path / "ORCAS_SO_mSPO_medusa.txt"
    fl.write_text("year mon day hour min sec flt prof lat lon alt pressure theta co2 strat\n"
                  "2016 1 15 13 2 26.69 1 0 -53.2 -70.6 2991 701 302.5 399.86 0\n"
                  "2016 2 10 13 2 26.69 1 0 -60.2 -70.6 2991 701 276.5 NA 0\n"
                  "2016 3 10 13 2 26.69 1 0 -60.2 -70.6 2991 701 276.5 400.1 0\n")
    df = read_flasks(fl, c)
    assert df.campaign.tolist() == ["ORCAS-J", "ORCAS-F"] and np.isnan(df.co2[1])  # March is no campaign
    zf = tmp_path / "M.nc"
    xr.Dataset({"SFCO2_OCN": (("time", "lat"), np.ones((2, 4)))},
               coords={"time": pd.date_range("2016-01-15", periods=2, freq="MS"),
                       "lat": [-57.0, -51.0, -45.0, -39.0]}).to_netcdf(zf)
    z = read_zonal_flux(zf)
    assert z.attrs["dlat"] == 6.0
    # centres -57 and -51 lie south of 45S (the -45 centre is on the edge: excluded): 2 cells x 6 degrees
    assert float(zonal_band_total(z, "SFCO2_OCN", (-90, -45))[0]) == 12.0
    with pytest.raises(InputError, match="campaign"):
        xr.Dataset({"co2": (("profile", "theta"), np.zeros((1, 2)))}, coords={"theta": [270.0, 275.0]}).to_netcdf(
            tmp_path / "bad.nc")
        read_profiles(tmp_path / "bad.nc")
