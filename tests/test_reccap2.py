"""RECCAP2 ocean masks and the river-flux adjustment, read from the real published files."""

import os
import shutil

import netCDF4
import numpy as np
import pytest
import xarray as xr
from conftest import R, real_file

import mip
from mip.errors import InputError, MipError
from mip.budgets.lateral import gcb_river_adjustment, river_split
from mip.io.reccap2_masks import parse_region_name, read_reccap2_masks as read_reccap2
from mip.products.reccap2 import read_river_flux
from mip.regions import from_mask, latitude_bands, reccap2

MASKS = "reccap2-ocean/RECCAP2_region_masks_all_v20221025.nc"
RIVER = "reccap2-ocean/fgco2_lacroix-river_v20220615.nc"
BASIN = "reccap2-ocean/river_adjustment_basin.nc"


def test_real_names_and_fallback():
    ds = read_reccap2(real_file(MASKS))
    assert ds.atlantic.attrs["region_names"] == ["NA SPSS", "NA STSS", "NA STPS", "AEQU", "SA STPS", "MED (not in FM14)"]
    assert ds.southern.attrs["region_names"] == ["SO STSS", "SO SPSS", "SO ICE"]
    assert ds.indian.attrs["region_names"][0] == "Arabian Sea"
    assert ds.arctic.attrs["region_names"] == [f"Arctic {i}" for i in range(1, 11)]
    assert "no region_name" in ds.arctic.attrs["names_source"]
    basins = read_reccap2(real_file(MASKS), basins=("open_ocean",))
    assert basins.open_ocean.attrs["region_names"] == ["Atlantic", "Pacific", "Indian", "Arctic", "Southern"]


def test_longitudes_normalised():
    ds = read_reccap2(real_file(MASKS))
    with netCDF4.Dataset(real_file(MASKS)) as nc:  # the file as stored: lon 0.5 … 359.5
        raw = nc["pacific"][:]
        lon = nc["lon"][:]
    assert lon[0] == 0.5 and lon[-1] == 359.5
    assert ds.lon.values[0] == -179.5 and np.all(np.diff(ds.lon.values) == 1.0)
    np.testing.assert_array_equal(ds.pacific.sel(lon=-0.5).values, raw[:, 359])
    np.testing.assert_array_equal(ds.pacific.sel(lon=-179.5).values, raw[:, 180])


def test_bundled_copy_and_region_set():
    rs = reccap2()  # no path: the bundled copy of the published file
    assert {"NA SPSS", "SO ICE", "Arabian Sea", "Arctic 10"} <= set(rs.names) and len(rs) == 6 + 6 + 4 + 10 + 3
    assert reccap2(level="basin").names == ("Atlantic", "Pacific", "Indian", "Arctic", "Southern")
    masks = read_reccap2(real_file(MASKS))  # the object constructor: the masks as read from the real file
    assert reccap2(masks).names == rs.names
    assert reccap2(masks, basins=("southern",)).names == ("SO STSS", "SO SPSS", "SO ICE")
    with pytest.raises(InputError, match="open_ocean"):  # the basin level needs the open_ocean mask
        reccap2(masks, level="basin")
    # the area of a region: the cells of its code, each R²·Δλ·(sin φ2 − sin φ1), summed by hand
    with netCDF4.Dataset(real_file(MASKS)) as nc:
        code = nc["southern"][:] == 3
        lat = nc["lat"][:]
    cell = R**2 * np.deg2rad(1.0) * (np.sin(np.deg2rad(lat + 0.5)) - np.sin(np.deg2rad(lat - 0.5)))
    expected = float((code * cell[:, None]).sum())
    ds = read_reccap2(real_file(MASKS))
    w = rs.weights(ds)
    assert float(w[rs.names.index("SO ICE")].sum()) == pytest.approx(expected, rel=1e-12)


def test_river_total_and_gcb_split():
    river = read_river_flux(real_file(RIVER))
    tot = float(mip.aggregate(river, latitude_bands((-90, 90), names=("globe",))).river.sel(region="globe"))
    assert round(tot, 2) == 0.65
    split = river_split(river)
    assert {k: round(v, 2) for k, v in split.items()} == {"south": 0.09, "tropics": 0.42, "north": 0.14, "total": 0.65}


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="open files are listed from /proc/self/fd (Linux)")
def test_river_file_closed_after_reading(tmp_path):
    copy = shutil.copy(real_file(RIVER), tmp_path / "river.nc")
    river = read_river_flux(copy)
    held = [f for f in os.listdir("/proc/self/fd") if os.path.realpath(f"/proc/self/fd/{f}") == os.path.realpath(copy)]
    assert held == []  # the reader closed its file
    assert float(river.river.sum()) != 0.0  # and its values were read before, not lazily after


def test_river_basins_equal_the_published_basin_totals():
    river = read_river_flux(real_file(RIVER))
    with netCDF4.Dataset(real_file(RIVER)) as nc:
        codes = np.asarray(nc["basins"][:])
        stored = np.asarray(nc["fgco2_basin"][:])  # Pg C/yr, sign as stored (into the ocean)
    # stored on lon 0.5…359.5, the canonical grid is −179.5…179.5: roll the stored mask by half the globe
    mask = xr.DataArray(np.roll(codes, 180, axis=1), dims=("lat", "lon"), coords={"lat": river.lat, "lon": river.lon})
    names = ["Atlantic", "Pacific", "Indian", "Arctic", "Southern"]
    rs = from_mask(mask, names=names)
    out = mip.aggregate(river, rs).river
    per, rest = out.sel(region=names).values, float(out.sel(region="unattributed"))
    # the file's own per-basin totals were integrated with a slightly different basin attribution
    # and cell areas (the sum: 0.65008 here, 0.65000 there; a basin within 0.5 %, the Pacific to 1e-5)
    assert rest + per.sum() == pytest.approx(-stored.sum(), rel=2e-4)
    np.testing.assert_allclose(per, -stored[1:], rtol=5e-3)
    assert per[1] == pytest.approx(-stored[2], rel=1e-5)
    with netCDF4.Dataset(real_file(BASIN)) as nc:  # g C/yr, the same split scaled to 0.615 Pg C/yr in all
        published = np.asarray(nc["__xarray_dataarray_variable__"][:]) / 1e15
    np.testing.assert_allclose(published * 0.65 / 0.615, -stored, rtol=1e-6)


def test_gcb_river_adjustment_from_the_grid():
    river = read_river_flux(real_file(RIVER))
    bands = ["south", "tropics", "north"]
    land = xr.DataArray([0.0, 0.0, 0.0], dims="region", coords={"region": bands})
    adj_land, adj_ocean = gcb_river_adjustment(land, -land, river=river)
    split = river_split(river)
    np.testing.assert_allclose(adj_land.values, [split[b] for b in bands], rtol=1e-12)
    assert float(adj_land.sum() + adj_ocean.sum()) == pytest.approx(0.0, abs=1e-12)
    const_land, _ = gcb_river_adjustment(land, -land)
    np.testing.assert_allclose(const_land.values, [0.09, 0.42, 0.14])


@pytest.mark.parametrize("attr, found", [
    ("1.NA SPSS; 2.NA STSS", "no name for code(s) [2, 3, 4, 5, 6]"),  # wrong separator
    ("NA SPSS, NA STSS", "item 'NA SPSS'"),              # no codes
    ("1.NA SPSS, 1.NA STSS", "item"),                    # a code twice
    ("1.NA SPSS, 2.NA STSS", "no name for code(s) [3, 4, 5, 6]"),   # codes left unnamed
])
def test_malformed_region_name(tmp_path, attr, found):
    ds = xr.open_dataset(real_file(MASKS)).load()
    ds["atlantic"].attrs["region_name"] = attr
    p = tmp_path / "masks.nc"
    ds.to_netcdf(p)
    with pytest.raises(InputError) as e:
        read_reccap2(p)
    assert e.value.variable == "atlantic:region_name" and found in e.value.found and e.value.file == str(p)


def test_renamed_mask_is_an_error(tmp_path):
    ds = xr.open_dataset(real_file(MASKS)).load().rename({"indian": "indian_ocean"})
    p = tmp_path / "masks.nc"
    ds.to_netcdf(p)
    with pytest.raises(InputError, match="'indian'"):
        read_reccap2(p)


def test_parse_region_name_doc():
    assert parse_region_name("1.Arabian Sea, 2.Bay of Bengal") == {1: "Arabian Sea", 2: "Bay of Bengal"}


def test_masks_are_not_a_product_family(tmp_path):
    """The masks are read in the I/O layer and become regions; no product family or path argument reads them."""
    from mip.products import families, open_product
    assert "reccap2" not in families()
    with pytest.raises(MipError, match="unknown product family 'reccap2'"):
        open_product("reccap2", real_file(MASKS))
    with pytest.raises(MipError, match=r"reccap2\(mip.io.reccap2_masks.read_reccap2_masks\(path\)\)"):
        reccap2(real_file(MASKS), level="basin")
    assert reccap2(read_reccap2(real_file(MASKS), basins=("open_ocean",)), level="basin").names[0] == "Atlantic"

