"""An aggregation's prepared weights kept in $MIP_CACHE_DIR: read back, verified, never for a user's own land rule."""

import numpy as np
import pytest

from mip import aggregate, open_product
from mip.regions import countries
from mip.testing import write_oco2mip


@pytest.fixture
def member(tmp_path):
    land = np.random.default_rng(4).normal(size=(2, 180, 360)).astype("f4")
    land[1, :30] = np.nan  # Antarctica's months missing: the missing fractions come from the cache too
    ocean = np.random.default_rng(5).normal(size=(2, 180, 360)).astype("f4")
    return open_product("oco2mip", write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", land=land, ocean=ocean,
                                                 months=2)).chunk({"time": 1})


def _entries(root, kind):
    return sorted((root / kind).glob("*.npz")) if (root / kind).exists() else []


def test_a_second_run_reads_the_prepared_weights(member, tmp_path, monkeypatch):
    import mip.regions.attribution as attribution

    plain = aggregate(member, countries()).compute()  # no cache folder
    cache = tmp_path / "cache"
    monkeypatch.setenv("MIP_CACHE_DIR", str(cache))
    first = aggregate(member, countries()).compute()
    assert len(_entries(cache, "aggregation-weights")) == 2  # land and ocean surfaces (net: its land part + the rest)
    assert len(_entries(cache, "aggregation-coverage")) == 1

    def fail(*a, **k):
        raise AssertionError("recomputed")

    monkeypatch.setattr(attribution, "attribution_weights", fail)
    again = aggregate(member, countries()).compute()  # read back: no weights made
    for out in (first, again):
        for v in ("land", "ocean", "net", "missing_land", "region_area"):
            np.testing.assert_array_equal(out[v].values, plain[v].values)
        assert out.attrs["uncovered_area_fraction"] == plain.attrs["uncovered_area_fraction"]


def test_a_damaged_entry_is_named_and_made_again(member, tmp_path, monkeypatch):
    monkeypatch.setenv("MIP_CACHE_DIR", str(tmp_path))
    first = aggregate(member, countries(), attribution="area").compute()
    entry = _entries(tmp_path, "aggregation-weights")[0]
    entry.write_bytes(entry.read_bytes()[:-100])  # truncated
    with pytest.warns(UserWarning, match=f"{entry.name}: cache entry unreadable"):
        again = aggregate(member, countries(), attribution="area").compute()
    np.testing.assert_array_equal(again.land.values, first.land.values)
    assert aggregate(member, countries(), attribution="area").compute().land.equals(first.land)  # rewritten whole


def test_a_users_land_rule_is_not_cached_and_other_areas_are_another_entry(member, tmp_path, monkeypatch):
    monkeypatch.setenv("MIP_CACHE_DIR", str(tmp_path))
    aggregate(member, countries(), land=lambda lb, ob: np.ones((len(lb), len(ob)))).compute()
    assert _entries(tmp_path, "aggregation-weights") == []  # a function: nothing stable to key it by
    aggregate(member, countries(), attribution="area").compute()
    assert len(_entries(tmp_path, "aggregation-weights")) == 1
    bigger = member.assign_coords(cell_area=member.cell_area * 2.0)  # another Earth radius: other weights
    doubled = aggregate(bigger, countries(), attribution="area").compute()
    assert len(_entries(tmp_path, "aggregation-weights")) == 2
    once = aggregate(member, countries(), attribution="area").compute()
    np.testing.assert_allclose(doubled.land.values, 2 * once.land.values, rtol=1e-12)


def test_a_run_from_the_cache_never_builds_the_country_shapes(member, tmp_path, monkeypatch):
    """The countries' shapes (made valid and united: 30 ms of a 0.1° budget) are built only to compute weights."""
    import shapely

    import mip.regions.natural_earth as ne

    monkeypatch.setenv("MIP_CACHE_DIR", str(tmp_path))
    first = aggregate(member, countries(), attribution="area").compute()
    ne._bundled.cache_clear()  # a fresh process: nothing merged yet
    ne._MERGED.clear()
    ne._coverage.cache_clear()

    def fail(*a, **k):
        raise AssertionError("the shapes were built")

    monkeypatch.setattr(shapely, "make_valid", fail)
    again = aggregate(member, countries(), attribution="area").compute()
    np.testing.assert_array_equal(again.land.values, first.land.values)
    monkeypatch.undo()
    ne._bundled.cache_clear()
    ne._MERGED.clear()
