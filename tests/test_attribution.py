"""Attribution by surface: analytic islands and basins, and the real bundled countries."""

import numpy as np
import pytest
import shapely
import xarray as xr
from conftest import R

import mip
from mip.errors import MipError, RegionWarning
from mip.regions import countries, from_geometries, grid_weights, land_fraction, land_ocean, latitude_bands

PG_PER_KG_S = 365.25 * 86400 * 1e-12  # kg/s → Pg/yr (Julian year)


def grid(dlat=1.0, dlon=1.0, **fields):
    lat, lon = np.arange(-90 + dlat / 2, 90, dlat), np.arange(-180 + dlon / 2, 180, dlon)
    lb, ob, area = grid_weights(lat, lon)
    ds = xr.Dataset(coords={"lat": lat, "lon": lon, "lat_bounds": (("lat", "bnds"), lb),
                            "lon_bounds": (("lon", "bnds"), ob), "cell_area": (("lat", "lon"), area)})
    for k, v in fields.items():
        ds[k] = (("lat", "lon"), v, {"reported_as": "C", "units": "kg m-2 s-1"})
    return ds


def box_area(w, s, e, n):
    """Area on the sphere of a lon-lat box (independent of the coverage code)."""
    return R**2 * np.deg2rad(e - w) * (np.sin(np.deg2rad(n)) - np.sin(np.deg2rad(s)))


ISLAND_A = (10.2, 5.2, 10.6, 5.5)        # inside the cell 10–11°E, 5–6°N
ISLAND_B = (20.5, 0.2, 21.5, 0.8)        # across the cell edge at 21°E
STRAY = (-30.0, 40.0, -29.0, 41.0)       # a cell with land flux and no land


@pytest.fixture
def islands():
    geoms = [shapely.box(*ISLAND_A), shapely.box(*ISLAND_B)]
    regions = from_geometries(geoms, ["A", "B"], surface="land")
    land = from_geometries([shapely.union_all(geoms)], ["land"], surface="land")

    def land_rule(lb, ob):
        return np.asarray(land.fraction(lb, ob).sum(axis=0)).ravel()

    flux = 1e-8
    ds0 = grid()
    lf = land_rule(ds0.lat_bounds.values, ds0.lon_bounds.values).reshape(180, 360)
    field = np.where(lf > 0, flux, 0.0)
    field[130, 150] = flux  # the stray cell: lat 40–41, lon -30…-29
    return grid(land=field), regions, land_rule, flux


def test_islands_get_their_land_flux(islands):
    ds, regions, land_rule, flux = islands
    out = mip.aggregate(ds, regions, land=land_rule).land
    cell = lambda w, s: box_area(w, s, w + 1, s + 1)  # noqa: E731
    expect_a = flux * cell(10, 5) * PG_PER_KG_S
    expect_b = flux * (cell(20, 0) + cell(21, 0)) * PG_PER_KG_S
    stray = flux * cell(-30, 40) * PG_PER_KG_S
    assert float(out.sel(region="A")) == pytest.approx(expect_a, rel=1e-12)
    assert float(out.sel(region="B")) == pytest.approx(expect_b, rel=1e-12)
    assert float(out.sel(region="unattributed")) == pytest.approx(stray, rel=1e-12)
    glob = float((ds.land * ds.cell_area).sum()) * PG_PER_KG_S
    assert float(out.sum()) == pytest.approx(glob, rel=1e-12)
    assert out.attrs["attribution"] == "land surface"


def test_area_attribution_gives_the_smaller_share(islands):
    ds, regions, land_rule, flux = islands
    out = mip.aggregate(ds, regions, land=land_rule, attribution="area").land
    assert float(out.sel(region="A")) == pytest.approx(flux * box_area(*ISLAND_A) * PG_PER_KG_S, rel=1e-9)
    assert float(out.sel(region="B")) == pytest.approx(flux * box_area(*ISLAND_B) * PG_PER_KG_S, rel=1e-9)
    glob = float((ds.land * ds.cell_area).sum()) * PG_PER_KG_S
    assert float(out.sum()) == pytest.approx(glob, rel=1e-12)  # the rest is reported, not lost
    assert out.attrs["attribution"] == "area"


def test_ocean_flux_and_basins(islands):
    _, _, land_rule, _ = islands
    ds = grid(ocean=np.full((180, 360), 2e-9))
    north = shapely.box(-180, 0, 180, 90)
    basins = from_geometries([north], ["north"], surface="ocean")
    out = mip.aggregate(ds, basins, land=land_rule).ocean
    glob = float((ds.ocean * ds.cell_area).sum()) * PG_PER_KG_S
    assert float(out.sel(region="north")) == pytest.approx(glob / 2, rel=1e-12)  # all of the north's ocean flux
    assert float(out.sum()) == pytest.approx(glob, rel=1e-12)
    # a land flux has no place in an ocean basin: all unattributed
    ds["land"] = (("lat", "lon"), np.full((180, 360), 1e-9), {"reported_as": "C"})
    lo = mip.aggregate(ds, basins, land=land_rule).land
    assert float(lo.sel(region="north")) == 0 and float(lo.sel(region="unattributed")) > 0


def test_net_is_attributed_as_its_parts(islands):
    ds, regions, land_rule, flux = islands
    ocean = np.full((180, 360), -3e-9)
    ds = grid(land=ds.land.values, ocean=ocean, net=ds.land.values + ocean)
    rs = regions + from_geometries([shapely.box(0, 0, 30, 10)], ["sea"], surface="ocean")
    out = mip.aggregate(ds, rs, land=land_rule)
    np.testing.assert_allclose(out.net.values, (out.land + out.ocean).values, rtol=1e-12, atol=1e-18)
    assert "over land" in out.net.attrs["attribution"]


def test_undeclared_surface_is_an_error():
    ds = grid(mystery=np.ones((180, 360)))
    with pytest.raises(MipError, match="surfaces=\\{'mystery': 'land'\\}"):
        mip.aggregate(ds, latitude_bands())
    assert "mystery" in mip.aggregate(ds, latitude_bands(), surfaces={"mystery": "land"})
    assert "mystery" in mip.aggregate(ds, latitude_bands(), attribution="area")


def test_overlapping_regions_are_reported():
    ds = grid(1.0, 1.0, land=np.ones((180, 360)))
    rs = from_geometries([shapely.box(0, 0, 20, 20), shapely.box(10, 10, 30, 30)], ["a", "b"])
    with pytest.warns(RegionWarning, match="overlap"):
        out = mip.aggregate(ds, rs)
    assert out.attrs["overlap_within_a_set"] > 0


# ------------------------------------------------------------------ the real bundled countries
@pytest.fixture(scope="module")
def land_2x25():
    ds = grid(2.0, 2.5)
    lf = land_fraction(ds.lat_bounds.values, ds.lon_bounds.values).reshape(ds.cell_area.shape)
    return grid(2.0, 2.5, land=np.where(lf > 0, 1e-9, 0.0)), lf


def test_countries_conserve_the_land_flux(land_2x25):
    ds, lf = land_2x25
    out = mip.aggregate(ds, countries()).land
    glob = float((ds.land * ds.cell_area).sum()) * PG_PER_KG_S
    assert float(out.sum()) == pytest.approx(glob, rel=1e-12)
    assert abs(float(out.sel(region="unattributed"))) < 1e-12 * glob  # land = the countries' union
    assert int((out.drop_sel(region="unattributed") <= 0).sum()) == 0  # every country gets some
    # area weighting gives a coastal country a fraction of the flux on its land
    area = mip.aggregate(ds, countries(["JPN", "GBR"]), attribution="area").land
    surf = mip.aggregate(ds, countries(["JPN", "GBR"])).land
    assert float(area.sel(region="JPN") / surf.sel(region="JPN")) < 0.8


def test_land_ocean_puts_all_land_flux_on_land(land_2x25):
    ds, _ = land_2x25
    out = mip.aggregate(ds, land_ocean()).land
    glob = float((ds.land * ds.cell_area).sum()) * PG_PER_KG_S
    assert float(out.sel(region="land")) == pytest.approx(glob, rel=1e-12)
    assert float(out.sel(region="ocean")) == 0.0


def test_country_lookup():
    assert countries(["fra", "Norway"]).names == ("FRA", "NOR")
    with pytest.raises(MipError, match="XXX, Atlantis"):
        countries(["FRA", "XXX", "Atlantis"])
    rs = countries()
    assert {"FRA", "NOR", "KOS", "AUS"} <= set(rs.names) and "-99" not in rs.names
    assert len(rs) == 240  # 242 Natural Earth rows; Ashmore and Cartier Is. and Indian Ocean Ter. are AUS


def test_fractions_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("MIP_CACHE_DIR", str(tmp_path))
    ds = grid(2.0, 2.5)
    first = countries(["FRA", "ITA"]).fractions(ds)
    files = list((tmp_path / "region-fractions").glob("*.npz"))
    assert len(files) == 1
    import mip.regions.core as core
    import mip.regions.natural_earth as ctry

    core._FRACTION_CACHE.clear()
    rs = countries(["FRA", "ITA"])
    monkeypatch.setattr(ctry, "_all_fractions", lambda *a: (_ for _ in ()).throw(AssertionError("recomputed")))
    again = rs.fractions(ds)  # not recomputed: read back from disk
    assert (again != first).nnz == 0 and len(list((tmp_path / "region-fractions").glob("*.npz"))) == 1


def test_land_fraction_off_1deg_cached_on_disk(tmp_path, monkeypatch):
    import mip.regions.natural_earth as ctry

    ds = grid(2.0, 2.5)
    lb, ob = ds.lat_bounds.values, ds.lon_bounds.values
    plain = land_fraction(lb, ob)  # no cache folder: computed
    monkeypatch.setenv("MIP_CACHE_DIR", str(tmp_path))
    first = land_fraction(lb, ob)
    assert len(list((tmp_path / "region-fractions").glob("*.npz"))) == 1
    monkeypatch.setattr(ctry, "_all_fractions", lambda *a: (_ for _ in ()).throw(AssertionError("recomputed")))
    again = land_fraction(lb, ob)  # read back, not recomputed
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(first, plain)
    area = ds.cell_area.values.ravel()
    assert (plain * area).sum() / area.sum() == pytest.approx(0.29, abs=0.01)  # land is 29 % of the Earth's surface


def test_precomputed_1deg_land_fraction_equals_the_computation():
    from mip.regions.natural_earth import _computed_land_fraction

    ds = grid(1.0, 1.0)
    lb, ob = ds.lat_bounds.values, ds.lon_bounds.values
    np.testing.assert_array_equal(land_fraction(lb, ob), _computed_land_fraction(None, lb, ob))


@pytest.mark.parametrize("surface", ["land", "ocean"])
def test_weights_of_zero_are_not_stored(surface):
    """A land flux gives the ocean region nothing and an all-ocean cell's countries nothing: no stored zeros."""
    from mip.regions.attribution import attribution_weights

    regions = countries() + land_ocean() + latitude_bands()
    w, _ = attribution_weights(regions, grid(), surface)
    assert w.nnz > 0 and np.count_nonzero(w.data == 0.0) == 0
    other = regions.names.index("ocean" if surface == "land" else "land")
    assert w[other].nnz == 0  # the other surface's region takes none of this flux
