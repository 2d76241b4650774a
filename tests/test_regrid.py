import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings, strategies as st

from mip.budgets.aggregation import aggregate
from mip.budgets.totals import global_total
from mip.conventions.model import SIGN_CONVENTION
from mip.regions import latitude_bands
from mip.geometry.regrid import regrid, target_grid

LAT_STEPS = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 6.0, 7.5, 10.0]  # all divide 30 degrees
LON_STEPS = [0.5, 0.625, 1.0, 1.25, 2.0, 2.5, 3.0, 3.75, 5.0, 7.5, 10.0]


def _field(grid: xr.Dataset, seed: int, nt: int = 2) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(1, 1, nt, grid.sizes["lat"], grid.sizes["lon"])) * 1e-8
    t = np.array(["2015-01-01", "2015-02-01"][:nt], "M8[ns]")
    tb = np.stack([t, t + np.timedelta64(28, "D")], axis=1)
    ds = xr.Dataset({"land": (("model", "experiment", "time", "lat", "lon"), v,
                              {"units": "kg m-2 s-1", "reported_as": "C"})},
                    coords={"model": ["m"], "experiment": ["e"], "time": t, "time_bounds": (("time", "bnds"), tb)},
                    attrs={"sign_convention": SIGN_CONVENTION})
    return ds.assign_coords({k: grid[k] for k in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area")})


@settings(max_examples=25, deadline=None)
@given(a=st.sampled_from(LAT_STEPS), b=st.sampled_from(LON_STEPS), c=st.sampled_from(LAT_STEPS),
       d=st.sampled_from(LON_STEPS), off=st.sampled_from([0.0, 0.5]),
       seed=st.integers(0, 10_000))
def test_totals_conserved(a, b, c, d, off, seed):
    src = _field(target_grid(a, b), seed)
    out = regrid(src, target_grid(c, d, lon0=-180.0 + off * d))  # also grids offset in longitude
    g0 = global_total(src, time_mean=False).land.values
    g1 = global_total(out, time_mean=False).land.values
    np.testing.assert_allclose(g1, g0, rtol=1e-10)
    bands = latitude_bands()  # edges at ±30°, on every grid here
    r0 = aggregate(src, bands).land.values
    r1 = aggregate(out, bands).land.values
    np.testing.assert_allclose(r1, r0, rtol=1e-10, atol=1e-12 * np.abs(r0).max())


def test_constant_field_stays_constant():
    src = _field(target_grid(2.0, 2.5), 0)
    src["land"][:] = 3e-9
    out = regrid(src, (1.0, 1.0)).land.values
    np.testing.assert_allclose(out, 3e-9, rtol=1e-12)


def test_agrees_with_xarray_regrid():
    pytest.importorskip("xarray_regrid")  # registers the .regrid accessor
    src = _field(target_grid(1.0, 1.0), 3)
    tgt = target_grid(2.0, 2.5)
    ours = regrid(src, tgt).land
    plain = src.land.drop_vars(["cell_area"])
    theirs = plain.regrid.conservative(xr.Dataset(coords={"lat": tgt.lat.values, "lon": tgt.lon.values}),
                                       latitude_coord="lat")
    # identical away from the poles; xarray-regrid treats the polar rows differently
    diff = abs(ours.values - theirs.transpose(*ours.dims).values)[..., 1:-1, :]
    assert diff.max() < 1e-12 * float(abs(src.land).max())


def test_regional_source_gives_nan_outside():
    src = _field(target_grid(1.0, 1.0), 1).isel(lon=slice(0, 180))  # western hemisphere only
    out = regrid(src, (2.0, 2.5))
    assert np.isnan(out.land.sel(lon=1.25).values).all() and np.isfinite(out.land.sel(lon=-91.25).values).all()
    # the cell straddling 0° is partly covered: NaN unless asked
    assert np.isfinite(regrid(src, (2.0, 3.0), partial="keep").land.sel(lon=-178.5).values).all()
