"""Region totals from the files' own blocks, the unit factor applied to the totals (mip.budgets.unscaled)."""

from dask.callbacks import Callback
import numpy as np
import pytest
import xarray as xr

from conftest import R
from mip import open_ensemble, open_product
from mip.budgets.aggregation import _common_factor, aggregate
from mip.budgets.region_product import Combined
from mip.budgets.unscaled import unscaled
from mip.errors import InputError
from mip.regions import latitude_bands
from mip.testing import write_oco2mip

YEAR = 365.25 * 86400
#: kg C m-2 s-1 per native unit, by hand: g → kg over a Julian year; kg CO2 → kg C by 12.011 / 44.0095
TO_KGC_M2_S = {"gC per m2 per year": 1e-3 / YEAR, "kg CO2 m-2 s-1": 12.011 / 44.0095}


def _catalog(tmp_path, units_of):
    rng = np.random.default_rng(7)
    values = {}
    for m, units in units_of.items():
        land = rng.normal(size=(24, 180, 360)).astype("f4")
        land[3, 100:110, 180:200] = np.nan  # missing data in one month (10-20°N, 0-20°E)
        values[m] = land
        write_oco2mip(tmp_path / "IS" / f"{m}_gridded_fluxes_IS.nc4", land=land, months=24, units=units)
    return open_ensemble(str(_write_catalog(tmp_path, units_of)), "ens"), values


def _write_catalog(tmp_path, models):
    """The catalog of the OCO-2 MIP layout files of ``models`` (experiment IS, land only) under ``tmp_path``."""
    cat = tmp_path / "cat.yaml"
    cat.write_text(f"""metadata: {{version: 1}}
sources:
  ens:
    driver: mip.catalog.ProductSource
    args:
      family: oco2mip
      urlpath: "{tmp_path}/{{experiment}}/{{model}}_gridded_fluxes_{{experiment}}.nc4"
      models: [{", ".join(models)}]
      experiments: [IS]
      options: {{variables: [land]}}
""")
    return cat


def _band_sums(values, lo, hi):
    """Σ value × cell area (m²) over the cells between two latitudes of the 1° grid, NaN left out (by hand)."""
    edges = np.deg2rad(np.arange(-90, 91, 1.0))
    row_area = R**2 * np.deg2rad(1.0) * np.diff(np.sin(edges))  # every cell of a row alike
    rows = slice(lo + 90, hi + 90)
    return np.nansum(values[:, rows, :].astype("f8"), axis=2) @ row_area[rows]


def _all_land(lat_b, lon_b):
    return np.ones((len(lat_b), len(lon_b)))


def test_totals_from_the_files_blocks_equal_sums_by_hand(tmp_path):
    ens, values = _catalog(tmp_path, {"A": "gC per m2 per year", "B": "kg CO2 m-2 s-1"})
    out = aggregate(ens, latitude_bands(), attribution="area", land=_all_land)  # every NaN is missing data
    ran = []

    class Tasks(Callback):
        def _pretask(self, key, dsk, state):
            ran.append(str(key))

    with Tasks():
        got = out.land.isel(experiment=0).compute()
    # the files' blocks were read inside the product's tasks (one a block, then one per member gathering its
    # totals), and no float64 copy of their values was made
    blocks = ens.land.isel(experiment=0).data.numblocks  # (model, time, lat, lon)
    assert not any("scale_cells_first" in k or "mip-unscaled" in k for k in ran)
    assert sum("mip-region-product" in k for k in ran) == blocks[0] * blocks[1]
    assert sum("mip-region-totals" in k for k in ran) == blocks[0] == 2
    for m, units in (("A", "gC per m2 per year"), ("B", "kg CO2 m-2 s-1")):
        for band, (lo, hi) in {"south": (-90, -30), "tropics": (-30, 30), "north": (30, 90)}.items():
            to_pg = TO_KGC_M2_S[units] * YEAR / 1e12  # Pg C yr-1
            want = _band_sums(values[m], lo, hi) * to_pg
            # to the rounding of sums of ~10⁶ terms of either sign: 1e-12 of the sum of their sizes
            size = _band_sums(np.abs(values[m]), lo, hi) * to_pg
            assert (np.abs(got.sel(model=m, region=band).values - want) <= 1e-12 * size).all()
    # the missing cells are left out and reported as their share of the band
    cells = R**2 * np.deg2rad(1.0) * 20 * (np.sin(np.deg2rad(20)) - np.sin(np.deg2rad(10)))
    band = 4 * np.pi * R**2 / 2
    frac = out.missing_land.isel(experiment=0).sel(model="A", region="tropics").values
    assert frac[3] == pytest.approx(cells / band, rel=1e-12) and (np.delete(frac, 3) == 0).all()


def test_a_selected_member_computes_only_its_own_blocks(tmp_path):
    """The totals are gathered per member: selecting one model reads and sums that model's file alone."""
    ens, values = _catalog(tmp_path, {"A": "gC per m2 per year", "B": "gC per m2 per year", "C": "gC per m2 per year"})
    out = aggregate(ens, latitude_bands(), attribution="area", land=_all_land)
    ran = []

    class Tasks(Callback):
        def _pretask(self, key, dsk, state):
            ran.append(str(key))

    with Tasks():
        got = out.land.isel(experiment=0).sel(model="B", region="north").compute()
    assert sum("mip-region-product" in k for k in ran) == 1  # of 3 members
    to_pg = TO_KGC_M2_S["gC per m2 per year"] * YEAR / 1e12
    want = _band_sums(values["B"], 30, 90) * to_pg
    assert np.abs(got.values - want).max() <= 1e-12 * (_band_sums(np.abs(values["B"]), 30, 90) * to_pg).max()


def test_a_period_and_the_surface_split_see_the_files_blocks_too(tmp_path):
    ens, values = _catalog(tmp_path, {"A": "gC per m2 per year", "B": "kg CO2 m-2 s-1"})
    assert unscaled(ens.land.sel(time=slice("2015-03", "2016-02")).data) is not None  # a slice is a view
    lazy = aggregate(ens, latitude_bands(), period="2015-03:2016-02", attribution="surface").compute()
    held = aggregate(ens.compute(), latitude_bands(), period="2015-03:2016-02", attribution="surface")
    for v in ("land", "missing_land"):
        np.testing.assert_allclose(lazy[v].values, held[v].values, rtol=1e-12, atol=1e-300)


def test_other_steps_are_not_seen_through(tmp_path):
    ens, _ = _catalog(tmp_path, {"A": "gC per m2 per year"})
    assert unscaled(ens.land.data) is not None
    assert unscaled(ens.land.data * 2.0) is None  # arithmetic after the reader's scaling
    assert unscaled(ens.land.isel(lat=[0, 2, 1]).data) is None  # a fancy index (a copy, reordered)
    assert unscaled(ens.land.data.rechunk({2: 6}).rechunk({2: 12})) is None  # blocks joined (a copy)
    assert unscaled(ens.land.data.rechunk({2: 6})) is not None  # blocks split: views of the file's block
    doubled = aggregate(ens * 2.0, latitude_bands(), attribution="area").land.compute()
    once = aggregate(ens, latitude_bands(), attribution="area").land.compute()
    np.testing.assert_allclose(doubled.values, 2 * once.values, rtol=1e-12)


def test_a_fill_value_in_a_file_is_still_refused(tmp_path):
    land = np.ones((2, 180, 360), "f4")
    land[1, 50, 60] = 1e20
    p = write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", land=land, net=np.ones_like(land), months=2)
    ds = open_product("oco2mip", p)
    assert unscaled(ds.land.data) is not None
    with pytest.raises(InputError, match=r"CT_gridded_fluxes_IS\.nc4.*land.*1 value\(s\) of 1e\+20"):
        aggregate(ds, latitude_bands(), attribution="area").compute()


def test_a_fill_value_in_a_variable_summed_only_in_a_difference_is_refused(tmp_path):
    """With surface attribution ``net`` is summed only as ``net − land`` over ocean: its own values are still checked."""
    land = np.ones((2, 180, 360), "f4")
    net = np.full_like(land, 2.0)
    net[1, 50, 60] = 1e20
    p = write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", land=land, net=net, months=2)
    ds = open_product("oco2mip", p)
    assert unscaled(ds.net.data) is not None
    with pytest.raises(InputError, match=r"CT_gridded_fluxes_IS\.nc4.*net.*1 value\(s\) of 1e\+20"):
        aggregate(ds, latitude_bands(), attribution="surface").compute()


@pytest.mark.parametrize("ks", [(3.0,), (-2.0, 2.0), (2.0, -3.0, 1.0), (0.5, 0.5, -0.5)])
def test_combination_takes_the_common_factor_out(ks):
    xs = [np.array([[1.0, -2.0, 4.0]], "f4"), np.array([[0.5, 8.0, -1.0]], "f4"), np.array([[3.0, 0.0, 2.0]], "f4")]
    k, rel = _common_factor(list(ks))
    by_hand = sum(kk * x.astype("f8") for kk, x in zip(ks, xs))
    out = np.empty((3, 1))
    Combined(xs[:len(ks)], rel).write(out, slice(None), slice(None))
    np.testing.assert_allclose(k * out.T, by_hand, rtol=1e-15)
    assert rel[0] == 1.0  # the first input is summed as it is


def test_a_combination_is_formed_in_float64():
    # 2**24 + 1 is not a float32: a difference formed in float32 would lose the 1
    a, b = np.array([[2.0**24, 3.0]], "f4"), np.array([[-1.0, 0.25]], "f4")
    out = np.empty((2, 1))
    Combined([a, b], [1.0, -1.0]).write(out, slice(None), slice(None))
    assert out[:, 0].tolist() == [16777217.0, 2.75]
    Combined([a, b], [1.0, 0.5]).write(out, slice(None), slice(None))
    assert out[:, 0].tolist() == [16777215.5, 3.125]


def test_a_scaled_block_weighs_its_values():
    import sys

    from mip.budgets.unscaled import Scaled

    # dask.distributed weighs a result by sys.getsizeof: a block it thinks tiny is moved between workers freely
    assert sys.getsizeof(Scaled(np.zeros((10, 1000), "f4"), 2.0)) >= 40_000


def test_a_member_padded_to_the_common_time_axis(tmp_path):
    """A member with fewer months is padded with NaN by a reindex (a take whose keys are not named as its
    layer): the aggregation still computes, from the file's blocks, what it computes from the values."""
    rng = np.random.default_rng(11)
    for m, months, first in (("A", 24, (2015, 1)), ("B", 12, (2016, 1))):
        write_oco2mip(tmp_path / "IS" / f"{m}_gridded_fluxes_IS.nc4", months=months, first=first,
                      land=rng.normal(size=(months, 180, 360)).astype("f4"))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the padding is reported as a warning
        ens = open_ensemble(str(_write_catalog(tmp_path, ("A", "B"))), "ens")
    lazy = aggregate(ens, latitude_bands(), attribution="area", land=_all_land).land.compute()
    held = aggregate(ens.compute(), latitude_bands(), attribution="area", land=_all_land).land
    np.testing.assert_allclose(lazy.values, held.values, rtol=1e-12)
    assert np.isnan(lazy.sel(model="B").isel(experiment=0).values[:12, :3]).all()  # the padded year: NaN, not 0


def test_a_cf_file_on_a_reversed_grid_is_read_through_the_reorder(tmp_path):
    """A CF file with latitudes north to south and 0-360 longitudes is put in canonical order by index
    arrays (their tasks refer to keys named unlike their layer): totals as from the values."""
    import xarray as xr

    lat, lon = np.arange(89.5, -90, -1.0), np.arange(0.5, 360, 1.0)
    values = np.random.default_rng(1).normal(size=(3, 180, 360)) * 1e-9
    xr.Dataset({"co2flux": (("time", "lat", "lon"), values, {"units": "kg m-2 s-1", "positive": "up"})},
               coords={"time": ("time", [0.0, 31.0, 59.0], {"units": "days since 2015-01-01"}),
                       "lat": ("lat", lat, {"units": "degrees_north"}),
                       "lon": ("lon", lon, {"units": "degrees_east"})}).to_netcdf(tmp_path / "sub.nc")
    ds = open_product("cf", tmp_path / "sub.nc", gas="CO2", basis="C")
    assert unscaled(ds.co2flux.data) is not None
    lazy = aggregate(ds, latitude_bands(), attribution="area").co2flux.compute()
    held = aggregate(ds.compute(), latitude_bands(), attribution="area").co2flux
    np.testing.assert_allclose(lazy.values, held.values, rtol=1e-12)


def test_a_file_block_split_by_a_rechunk_is_read_once(tmp_path):
    ens, values = _catalog(tmp_path, {"A": "gC per m2 per year"})
    split = ens.chunk({"time": 6})  # four canonical blocks, views of the one block read from the file
    ran = []

    class Tasks(Callback):
        def _pretask(self, key, dsk, state):
            ran.append(str(key))

    with Tasks():
        got = aggregate(split, latitude_bands(), attribution="area", land=_all_land).land.compute()
    assert sum("'xarray-<this-array>" in k for k in ran) == 1  # the file's block read once, shared by the four
    whole = aggregate(ens, latitude_bands(), attribution="area", land=_all_land).land.compute()
    np.testing.assert_allclose(got.values, whole.values, rtol=1e-12)


def test_a_land_part_summed_in_two_products_is_read_once(tmp_path, monkeypatch):
    """Surface attribution sums ``land`` over land and ``net − land`` over ocean: each file block is read once."""
    import collections

    import mip.budgets.unscaled as unscaled_module

    rng = np.random.default_rng(11)
    # small integers: the file's net (land + ocean in float32) is then exact
    p = write_oco2mip(tmp_path / "IS" / "A_gridded_fluxes_IS.nc4", months=24,
                      land=rng.integers(-4, 5, size=(24, 180, 360)).astype("f4"),
                      ocean=rng.integers(-4, 5, size=(24, 180, 360)).astype("f4"))
    ds = open_product("oco2mip", p)
    blocks = int(np.prod(ds.land.data.numblocks))
    reads = collections.Counter()
    block = unscaled_module._scaled_block

    def counted(raw, factor, index, file, variable):
        reads[variable] += 1
        return block(raw, factor, index, file, variable)

    monkeypatch.setattr(unscaled_module, "_scaled_block", counted)
    out = aggregate(ds, latitude_bands(), attribution="surface").compute()
    assert reads == {"land": blocks, "ocean": blocks, "net": blocks}
    # net's total is its land part over land plus the rest over ocean: land + ocean, band by band
    both = (out.land + out.ocean).values
    np.testing.assert_allclose(out.net.values, both, rtol=0, atol=1e-12 * np.abs(both).max())


def test_a_file_handle_goes_into_the_tasks_only_while_it_holds_no_values(tmp_path):
    """The lazy handle a cluster's block task carries is small only while xarray's cache has not read the values."""
    from mip.budgets.unscaled import _file_array

    xr.Dataset({"v": (("t", "x"), np.arange(6.0).reshape(2, 3))}).to_netcdf(tmp_path / "f.nc")
    with xr.open_dataset(tmp_path / "f.nc") as ds:
        handle = ds["v"].variable._data
        assert _file_array(handle)
        assert ds["v"].values.sum() == 15.0  # fills xarray's memory cache in place
        assert not _file_array(handle)
    assert not _file_array(np.arange(3.0))
