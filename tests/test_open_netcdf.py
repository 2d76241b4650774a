"""open_netcdf decodes as xarray does, without masking a NaN fill (which would copy every block for nothing)."""

import numpy as np
import pytest
import xarray as xr

from conftest import real_file
from mip.io.files import open_netcdf

REAL = ["so-airborne-long2021/fluxes/CT2019B.nc", "so-airborne-long2021/profiles/observed.nc",
        "cmip6-fx/sftlf_fx_IPSL-CM6A-LR_historical_r1i1p1f1_gr.nc", "reccap2-ocean/fgco2_lacroix-river_v20220615.nc",
        "reccap2-ocean/RECCAP2_region_masks_all_v20221025.nc"]


@pytest.mark.parametrize("relative", REAL)
@pytest.mark.parametrize("decode_times", [True, False])
def test_real_files_open_as_xarray_opens_them(relative, decode_times):
    p = real_file(relative)
    ours = open_netcdf(p, decode_times=decode_times, chunks=None)
    with xr.open_dataset(p, engine="netcdf4", decode_times=decode_times) as theirs:
        assert set(ours.variables) == set(theirs.variables) and ours.attrs == theirs.attrs
        for k, v in theirs.variables.items():
            assert ours.variables[k].identical(v), k  # values, dims, attributes
            assert set(ours.variables[k].encoding) == set(v.encoding), k
            for key in ("_FillValue", "missing_value", "scale_factor", "add_offset"):
                a, b = ours.variables[k].encoding.get(key), v.encoding.get(key)
                assert (a is None and b is None) or np.array_equal(a, b, equal_nan=True), (k, key)


def test_declared_fills_are_masked_and_a_nan_fill_is_left_as_it_is(tmp_path):
    raw = np.array([[1.5, -9999.0, np.nan], [2.0, 3.0, 4.0]], "f4")
    ds = xr.Dataset({"sentinel": (("y", "x"), raw), "nanfill": (("y", "x"), raw),
                     "missing": (("y", "x"), raw), "packed": (("y", "x"), np.array([[1, 2, -1], [3, 4, 5]], "i2"))})
    p = tmp_path / "f.nc"
    ds.to_netcdf(p, encoding={"sentinel": {"_FillValue": -9999.0}, "nanfill": {"_FillValue": np.nan},
                              "missing": {"_FillValue": None}, "packed": {"_FillValue": -1}})
    import netCDF4

    with netCDF4.Dataset(p, "a") as nc:
        nc["missing"].missing_value = np.float32(np.nan)
        nc["packed"].scale_factor = 0.5
    out = open_netcdf(p, chunks=None)
    np.testing.assert_array_equal(out.sentinel.values, [[1.5, np.nan, np.nan], [2.0, 3.0, 4.0]])  # -9999 → NaN
    np.testing.assert_array_equal(out.nanfill.values, raw)
    np.testing.assert_array_equal(out.missing.values, raw)
    np.testing.assert_array_equal(out.packed.values, [[0.5, 1.0, np.nan], [1.5, 2.0, 2.5]])  # unpacked and masked
    assert "_FillValue" not in out.nanfill.attrs and np.isnan(out.nanfill.encoding["_FillValue"])
    assert "missing_value" not in out.missing.attrs and np.isnan(out.missing.encoding["missing_value"])
