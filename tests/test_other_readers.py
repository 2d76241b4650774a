import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import R
from mip import global_total, open_product, validate
from mip.errors import InputError
from mip.io.reccap2_masks import read_reccap2_masks

LAT, LON = np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0)
TIME = pd.date_range("2015-01-01", periods=12, freq="MS")


def test_n2o_fossil_prior_added_to_posterior(tmp_path):
    def f(v):
        return (("time", "lat", "lon"), np.full((12, 180, 360), v, "f4"), {"units": "gN/m2/yr"})
    ds = xr.Dataset({"flux_apri_land": f(0.5), "flux_apos_land": f(0.6), "flux_apri_ocean": f(0.2),
                     "flux_apos_ocean": f(0.1), "flux_apri_fossil": f(0.05)},
                    coords={"lat": LAT, "lon": LON, "time": TIME})
    p = tmp_path / "MIROC4-ACTM.nc"
    ds.to_netcdf(p)
    out = validate(open_product("gcp_n2o", p))
    assert sorted(out.experiment.values) == ["posterior", "prior"]
    tot = global_total(out).compute()
    sphere_tg = 4 * np.pi * R**2 * 1e-12  # 1 gN m-2 yr-1 over the sphere, in Tg N/yr
    assert tot.total.sel(experiment="posterior").item() == pytest.approx((0.6 + 0.1 + 0.05) * sphere_tg, rel=1e-6)
    assert tot.total.sel(experiment="prior").item() == pytest.approx((0.5 + 0.2 + 0.05) * sphere_tg, rel=1e-6)
    assert tot.total.attrs["units"] == "Tg yr-1" and out.total.attrs["reported_as"] == "N"


def test_reccap2_masks(tmp_path):
    lon360 = np.arange(0.5, 360, 1.0)
    atl = np.zeros((180, 360), "i2")
    atl[100:120, 300:340] = 1
    atl[60:80, 320:350] = 2
    ds = xr.Dataset({"atlantic": (("lat", "lon"), atl, {"flag_values": [1, 2], "flag_meanings": "NA_SPSS NA_STSS"}),
                     "land": (("lat", "lon"), np.where(atl > 0, 0, 3).astype("i2"))},
                    coords={"lat": LAT, "lon": lon360})
    p = tmp_path / "RECCAP2_region_masks_all_v20221025.nc"
    ds.to_netcdf(p)
    out = read_reccap2_masks(p, basins=("atlantic", "land"))
    assert out.atlantic.attrs["region_names"] == ["NA_SPSS", "NA_STSS"]
    assert out.land.attrs["region_names"][2] == "Europe"
    assert int(out.atlantic.sel(lat=LAT[110], lon=320.5 - 360)) == 1
    assert float(out.cell_area.sum()) == pytest.approx(4 * np.pi * R**2, rel=1e-12)


def test_cf_positive_down_is_flipped(tmp_path):
    ds = xr.Dataset({"fgco2": (("time", "latitude", "longitude"), np.full((12, 180, 360), 1e-9, "f4"),
                               {"units": "mol m-2 s-1", "positive": "down"})},
                    coords={"latitude": ("latitude", LAT, {"standard_name": "latitude"}),
                            "longitude": ("longitude", LON, {"standard_name": "longitude"}), "time": TIME})
    p = tmp_path / "ocean.nc"
    ds.to_netcdf(p)
    out = validate(open_product("cf", p, variables={"ocean": "fgco2"}))
    assert out.ocean.isel(time=0, lat=0, lon=0).compute().item() == pytest.approx(-1e-9 * 0.012011, rel=1e-6)


def test_cf_without_sign_is_refused(tmp_path):
    ds = xr.Dataset({"nbe": (("time", "lat", "lon"), np.zeros((12, 180, 360), "f4"), {"units": "kg m-2 s-1"})},
                    coords={"lat": LAT, "lon": LON, "time": TIME})
    p = tmp_path / "land.nc"
    ds.to_netcdf(p)
    with pytest.raises(InputError, match="no sign convention"):
        open_product("cf", p)
    with pytest.raises(InputError, match="whether the mass is of C or CO2"):  # kg of what? never assumed for CO2
        open_product("cf", p, sign="atmosphere")
    assert "nbe" in open_product("cf", p, sign="atmosphere", basis="C")
