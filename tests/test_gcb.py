import warnings

import numpy as np
import pytest

from conftest import R
from mip.testing import LAT1, LON1, write_gcb_inversions
from mip import global_total, open_product, validate
from mip.errors import InputError, MemberWarning


def test_gcb_members_units_and_all_nan(tmp_path):
    names = ["CAMS", "CTE-2024", "Jena CarboScope", "MIROC4-ACTM"]
    land = np.zeros((4, 12, 180, 360), "f4")
    land[0] = 1e-15          # 1e-15 PgC m-2 yr-1 = 1 gC m-2 yr-1
    land[1] = -2e-15
    land[2] = np.nan         # an all-NaN member, as occurs in the real file
    land[3] = 0.5e-15
    p = write_gcb_inversions(tmp_path / "GCP2024_inversions_1x1_version1_2_20240912.nc", names, land)
    with pytest.warns(MemberWarning, match="Jena CarboScope"):
        ds = open_product("gcb", p)
    validate(ds)
    assert ds.model.values.tolist() == ["CAMS", "CTE-2024", "MIROC4-ACTM"]
    assert ds.system.values.tolist() == ["CAMS", "CTE", "MIROC4"]
    assert "Jena CarboScope: all values NaN" in ds.attrs["excluded_members"]
    tot = global_total(ds).land.squeeze("experiment").compute()
    sphere_pg = 4 * np.pi * R**2 * 1e-15
    assert tot.sel(model="CAMS").item() == pytest.approx(sphere_pg, rel=1e-6)
    assert tot.sel(model="CTE-2024").item() == pytest.approx(-2 * sphere_pg, rel=1e-6)
    assert str(ds.time.values[0])[:10] == "2015-01-01"  # mid-month times → month labels


def test_gcb_honours_product_cell_area(tmp_path):
    area = np.full((180, 360), 2.0)  # 2 m2 per cell, deliberately not spherical
    land = np.full((1, 12, 180, 360), 1e-15, "f4")
    p = write_gcb_inversions(tmp_path / "g.nc", ["X"], land, cell_area=area)
    ds = open_product("gcb", p)
    assert ds.cell_area.attrs["source"] == "product's own cell area"
    # total = 1 g/m2/yr * 2 m2 * 64800 cells = 129600 g/yr
    assert global_total(ds).land.compute().item() == pytest.approx(129600 * 1e-15, rel=1e-6)


def test_gcb_duplicate_names(tmp_path):
    p = write_gcb_inversions(tmp_path / "g.nc", ["A", "A"], np.zeros((2, 1, 180, 360), "f4"), months=1)
    with pytest.raises(InputError, match="duplicate names"):
        open_product("gcb", p)


def test_gcb_ocean_and_lon_0_360(tmp_path):
    lon = np.arange(0.5, 360, 1.0)
    land = np.zeros((1, 1, 180, 360), "f4")
    ocean = np.zeros((1, 1, 180, 360), "f4")
    ocean[0, 0, 90, 359] = 1.0
    p = write_gcb_inversions(tmp_path / "g.nc", ["A"], land, ocean=ocean, lon=lon, months=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MemberWarning)  # an all-zero member is not all-NaN
        ds = open_product("gcb", p)
    assert float(ds.ocean.sel(lat=LAT1[90], lon=-0.5).squeeze()) > 0
    assert ds.lon.values[0] == LON1[0]
