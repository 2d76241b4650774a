import numpy as np
import pytest

from conftest import R
from mip.testing import write_oco2mip
from mip import global_total, open_product, validate
from mip.errors import InputError

GC_YR_TO_PG = 1e-15


def test_constant_flux_global_total(tmp_path):
    # 1 gC m-2 yr-1 everywhere → 4 pi R^2 g/yr of carbon, to the atmosphere
    p = write_oco2mip(tmp_path / "CAMS_gridded_fluxes_LNLG.nc4", land=np.float32(1.0), ocean=np.float32(-2.0))
    ds = validate(open_product("oco2mip", p))
    assert ds.model.values.tolist() == ["CAMS"] and ds.experiment.values.tolist() == ["LNLG"]
    assert dict(ds.sizes) == {"model": 1, "experiment": 1, "time": 12, "lat": 180, "lon": 360, "bnds": 2}
    tot = global_total(ds).compute()
    assert tot.land.item() == pytest.approx(4 * np.pi * R**2 * GC_YR_TO_PG, rel=1e-9)
    assert tot.ocean.item() == pytest.approx(-2 * 4 * np.pi * R**2 * GC_YR_TO_PG, rel=1e-9)
    assert ds.land.attrs["native_units"] == "gC per m2 per year"
    assert ds.land.attrs["source_file"] == str(p)


def test_time_weighting_by_month_length(tmp_path):
    # flux 1 in February only (28 days in 2015) → annual mean = 28/365 of the constant case
    land = np.zeros((12, 1, 1), "f4")
    land[1] = 1.0
    p = write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", land=land)
    tot = global_total(open_product("oco2mip", p)).compute()
    assert tot.land.item() == pytest.approx(4 * np.pi * R**2 * GC_YR_TO_PG * 28 / 365, rel=1e-9)


def test_quirk_no_start_date(tmp_path):
    p = write_oco2mip(tmp_path / "LoFI_gridded_fluxes_IS.nc4", with_start_date=False, months=3)
    with pytest.raises(InputError, match="start_date.*LoFI") as e:
        open_product("oco2mip", p)
    assert "start='YYYY-MM'" in str(e.value)
    ds = open_product("oco2mip", p, start="2016-11")
    assert [str(t)[:7] for t in ds.time.values] == ["2016-11", "2016-12", "2017-01"]


def test_quirk_n_months_and_mid_month(tmp_path):
    p = write_oco2mip(tmp_path / "WOMBAT_gridded_fluxes_OG.nc4", tdim="n_months", start_day=16, months=2)
    ds = validate(open_product("oco2mip", p))
    assert str(ds.time.values[0])[:10] == "2015-01-01"
    assert "n_months" in ds.attrs["quirks"] and "mid-month" in ds.attrs["quirks"]


@pytest.mark.parametrize("with_start_date", [True, False])
def test_n_months_with_a_time_variable_of_month_indices(tmp_path, with_start_date):
    p = write_oco2mip(tmp_path / "CAMS_gridded_fluxes_IS.nc4", tdim="n_months", months=3, first=(2016, 1),
                     with_start_date=with_start_date, time_values=[0, 1, 2])
    ds = validate(open_product("oco2mip", p, **({} if with_start_date else {"start": "2016-01"})))
    assert [str(t)[:7] for t in ds.time.values] == ["2016-01", "2016-02", "2016-03"]
    if not with_start_date:
        assert "month indices" in ds.attrs["quirks"]
        with pytest.raises(InputError) as e:  # indices alone do not say which months
            open_product("oco2mip", p)
        assert e.value.variable == "start_date" and "month indices" in e.value.found


def test_n_months_with_cf_times(tmp_path):
    p = write_oco2mip(tmp_path / "CAMS_gridded_fluxes_IS.nc4", tdim="n_months", months=3, with_start_date=False,
                     time_values=[0.0, 31.0, 59.0], time_attrs={"units": "days since 2017-01-01"})
    ds = validate(open_product("oco2mip", p))
    assert [str(t)[:7] for t in ds.time.values] == ["2017-01", "2017-02", "2017-03"]


@pytest.mark.parametrize("kw, variable, found", [
    ({"time_values": [0, 1, 3], "with_start_date": False}, "time", "missing month(s) 2015-03"),
    ({"time_values": [0.0, 0.5, 1.0], "with_start_date": False}, "time", "values"),
    ({"time_values": [0.0, 1e30, 2.0], "time_attrs": {"units": "days since 2017-01-01"}, "with_start_date": False},
     "time", "not decodable"),
])
def test_time_axis_failures_are_input_errors(tmp_path, kw, variable, found):
    p = write_oco2mip(tmp_path / "CAMS_gridded_fluxes_IS.nc4", tdim="n_months", months=3, **kw)
    with pytest.raises(InputError) as e:
        open_product("oco2mip", p, start="2015-01")
    assert e.value.file == str(p) and e.value.variable == variable and found in str(e.value), str(e.value)


def test_prior_and_ensemble_files(tmp_path):
    p = write_oco2mip(tmp_path / "Baker_gridded_fluxes_Prior.nc4", months=1)
    assert open_product("oco2mip", p).experiment.values.tolist() == ["prior"]
    s = write_oco2mip(tmp_path / "EnsStd_gridded_fluxes_IS.nc4", land=np.float32(3.0), months=1,
                     attrs={"sign_convention": "surface"})
    ds = open_product("oco2mip", s)
    assert float(ds.land.max()) > 0  # a spread is never sign-flipped
    assert "standard deviation" in ds.land.attrs["statistic"]


def test_sign_flag(tmp_path):
    p = write_oco2mip(tmp_path / "UT_gridded_fluxes_IS.nc4", land=np.float32(1.0), months=1,
                     attrs={"sign_convention": "surface"})
    assert float(open_product("oco2mip", p).land.max()) < 0
    q = write_oco2mip(tmp_path / "OU_gridded_fluxes_IS.nc4", months=1, attrs={"sign_convention": "sideways"})
    with pytest.raises(InputError, match="sign convention flag 'sideways'"):
        open_product("oco2mip", q)


def test_orientation_is_normalised(tmp_path):
    lat, lon = np.arange(89.5, -90, -1.0), np.arange(0.5, 360, 1.0)
    land = np.zeros((1, 180, 360), "f4")
    land[0, 0, 0] = 5.0  # native (89.5N, 0.5E)
    p = write_oco2mip(tmp_path / "JHU_gridded_fluxes_IS.nc4", land=land, months=1, lat=lat, lon=lon)
    ds = validate(open_product("oco2mip", p))
    assert float(ds.land.sel(lat=89.5, lon=0.5).squeeze()) > 0
    assert float(ds.land.isel(lat=-1, lon=180).squeeze()) > 0


@pytest.mark.parametrize("case,match", [
    ("units", "unknown unit string 'gC/m2/fortnight'"),
    ("duplicate", "duplicate month"),
    ("missing_month", "missing month"),
    ("missing_var", "variable 'ocean'"),
])
def test_bad_files(tmp_path, case, match):
    p = tmp_path / "CSU_gridded_fluxes_IS.nc4"
    if case == "units":
        write_oco2mip(p, units="gC/m2/fortnight", months=1)
    elif case == "duplicate":
        write_oco2mip(p, months=3, start_dates=[[2015, 1, 1], [2015, 2, 1], [2015, 2, 1]])
    elif case == "missing_month":
        write_oco2mip(p, months=2, start_dates=[[2015, 1, 1], [2015, 3, 1]])
    else:
        import xarray as xr
        write_oco2mip(p, months=1)
        xr.load_dataset(p).drop_vars("ocean").to_netcdf(tmp_path / "x.nc4")
        p = tmp_path / "x.nc4"
        with pytest.raises(InputError, match=match):
            open_product("oco2mip", p, model="CSU", experiment="IS")
        return
    with pytest.raises(InputError, match=match) as e:
        open_product("oco2mip", p)
    assert str(p) in str(e.value)


def test_broken_bytes(tmp_path):
    empty = tmp_path / "A_gridded_fluxes_IS.nc4"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        open_product("oco2mip", empty)
    junk = tmp_path / "B_gridded_fluxes_IS.nc4"
    junk.write_text("this is not netCDF")
    with pytest.raises(InputError, match="not a netCDF/HDF5 signature"):
        open_product("oco2mip", junk)
    good = write_oco2mip(tmp_path / "C_gridded_fluxes_IS.nc4", months=2)
    trunc = tmp_path / "D_gridded_fluxes_IS.nc4"
    trunc.write_bytes(good.read_bytes()[:4000])
    with pytest.raises(InputError, match="unreadable"):
        open_product("oco2mip", trunc)
    with pytest.raises(InputError, match="no such file"):
        open_product("oco2mip", tmp_path / "E_gridded_fluxes_IS.nc4")


def test_bad_file_name(tmp_path):
    p = write_oco2mip(tmp_path / "fluxes.nc4", months=1)
    with pytest.raises(InputError, match="_gridded_fluxes_"):
        open_product("oco2mip", p)
