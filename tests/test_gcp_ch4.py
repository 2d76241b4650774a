"""The real GCP-CH4 2020 workbook (vendored): values checked against the sheets by eye."""

import numpy as np
import pandas as pd
import pytest

from mip.errors import MipError
import xarray as xr

from mip import open_product, validate
from mip.tables.gcp_ch4_workbook import read_workbook


@pytest.fixture(scope="module")
def td():
    return read_workbook()


def test_td_shape_and_counts(td):
    assert td.sizes["region"] == 22  # GLOBAL, 3 latitude bands, 18 regions
    assert td.region.values[:4].tolist() == ["GLOBAL", "<30°N", "30°N-60°N", "60°N-90°N"]
    assert td.region.values[-1] == "Russia"
    n = td.total.sel(region="GLOBAL").notnull().sum("model")
    assert n.sel(period="2000-2009").item() == 9
    assert n.sel(period="2008-2017").item() == 22
    assert n.sel(period="2017").item() == 17
    for v in ("wetlands", "other_natural", "agriculture_waste", "fossil", "biomass_biofuel_burning",
              "soil_sink", "total", "total_prior", "total_natural", "total_anthropogenic"):
        assert v in td and td[v].attrs["units"] == "Tg yr-1" and td[v].attrs["reported_as"] == "CH4"


@pytest.mark.parametrize("var,period,run,region,value", [
    ("wetlands", "2008-2017", "CTE-CH4/GOSAT", "GLOBAL", 171.04),      # sheet row 120
    ("fossil", "2008-2017", "TOMCAT/surf", "GLOBAL", 170.14),           # row 210
    ("soil_sink", "2008-2017", "GELCA/SURF", "GLOBAL", 33.92),          # row 240
    ("total_prior", "2008-2017", "PYVARLMDZ/GOSAT1", "Central America", 14.43),  # row 37
    ("agriculture_waste", "2008-2017", "TOMCAT/surf", "Central America", 17.31),  # row 187
])
def test_td_cells(td, var, period, run, region, value):
    assert td[var].sel(period=period, model=run, region=region).item() == value


def test_td_run_only_in_some_periods(td):
    # PYVARLMDZ/GOSAT3 has no prior total for 2008-2017 (its row is absent from that block)
    assert np.isnan(td.total_prior.sel(period="2008-2017", model="PYVARLMDZ/GOSAT3", region="GLOBAL").item())
    assert td.system.sel(model="TM5-4Dvar/SURF1").item() == "TM5-4Dvar"


def test_bu_names_and_na():
    bu = read_workbook(approach="BU")
    assert "FINNv1.5" in bu.model.values and "FINNv1,5" not in bu.model.values
    # USEPA's latitude bands are 'NA' in the sheet
    assert np.isnan(bu.fossil.sel(period="2008-2017", model="USEPA", region="<30°N").item())
    assert bu.fossil.sel(period="2008-2017", model="EDGARv432", region="GLOBAL").item() == 112.81
    assert bu.wetlands.sel(period="2008-2017", model="VISIT", region="GLOBAL").item() == 163.21
    assert bu.biomass_burning.sel(period="2008-2017", model="FINNv1.5", region="GLOBAL").item() == 14.81


def test_the_workbook_is_a_table_with_its_own_reader():
    import mip

    ds = mip.tables.read_gcp_ch4_workbook()
    assert ds.attrs["approach"] == "TD" and "lat" not in ds.dims
    with pytest.raises(MipError, match="the GCP-CH4 workbook is a table"):
        open_product("gcp_ch4", None)  # the gridded family does not read the workbook


def test_gridded_with_climatology(tmp_path):
    lat, lon = np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0)
    time = pd.date_range("2010-01-01", periods=24, freq="MS")
    clim = np.arange(1, 13, dtype="f4")[:, None, None] * np.ones((12, 180, 360), "f4") * 1e-12
    ds = xr.Dataset(
        {"flux_ch4_wetlands": (("time", "lat", "lon"), np.full((24, 180, 360), 2e-11, "f4"), {"units": "kg m-2 s-1"}),
         "flux_ch4_soil_sink": (("time_climato", "lat", "lon"), -clim, {"units": "kg m-2 s-1"})},
        coords={"lat": lat, "lon": lon, "time": time, "time_climato": np.arange(1, 13)})
    p = tmp_path / "TM5-CAMS_flux_ch4.nc"
    ds.to_netcdf(p)
    out = validate(open_product("gcp_ch4", p, model="TM5-CAMS"))
    assert out.soil_sink.attrs["reported_as"] == "CH4"
    # month 14 (Feb of year 2) takes the February climatology value
    assert out.soil_sink.isel(time=13, lat=0, lon=0).compute().item() == pytest.approx(-2e-12, rel=1e-6)
    assert "climatology" in out.soil_sink.attrs
