"""The run-by-run product equals the plain (region × cell) product, NaNs included, on real country weights."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from mip.budgets.region_product import SAME_WEIGHT, RegionWeights
from mip.geometry.regrid import target_grid
from mip.regions import countries


@pytest.fixture(scope="module")
def weights():
    """The bundled countries on a 0.5° grid, plus a row for what no country takes (the ocean, mostly)."""
    g = target_grid(0.5, 0.5)
    w = countries().weights(g)
    area = g.cell_area.values.ravel()
    rest = np.clip(area - np.asarray(w.sum(axis=0)).ravel(), 0, None)
    rest[rest < 1e-9 * area] = 0.0
    return sp.vstack([w, sp.csr_matrix(rest[None, :])]).tocsr(), g.sizes["lon"], area


def expected(w: sp.spmatrix, flat: np.ndarray) -> np.ndarray:
    """Each region's Σ weight × value over its own cells, NaN if one of them is NaN (dense, by region)."""
    dense = w.toarray()
    out = np.empty((flat.shape[0], dense.shape[0]))
    for r, row in enumerate(dense):
        on = row != 0
        out[:, r] = (flat[:, on] * row[on]).sum(axis=1)
    return out


def test_runs_replace_most_weights(weights):
    w, nlon, area = weights
    rw = RegionWeights(w, nlon, area)
    assert 0 < rw.n_runs < w.nnz / 5
    assert len(rw.rest_cells) < w.shape[1] / 4


@pytest.mark.parametrize("steps, layout", [(1, "cells-first"), (7, "cells-first"), (7, "steps-first"),
                                           (30, "steps-first"), (3, "float32")])
def test_run_product_equals_the_plain_product(weights, steps, layout):
    w, nlon, area = weights
    rng = np.random.default_rng(steps)
    flat = rng.normal(size=(steps, w.shape[1]))
    if layout == "cells-first":
        flat = np.asfortranarray(flat)  # flat.T C-contiguous, as the readers' blocks
    elif layout == "float32":
        flat = flat.astype("f4")
    got = RegionWeights(w, nlon, area).apply(flat)
    # the runs take a whole cell's weight as its row's area (SAME_WEIGHT), and sum in another order
    bound = 2 * SAME_WEIGHT * (np.abs(flat.astype("f8")) @ np.abs(w).T.toarray())
    assert np.all(np.abs(got - expected(w, flat.astype("f8"))) <= bound)


def test_a_nan_reaches_only_the_regions_that_weigh_its_cell(weights):
    w, nlon, area = weights
    flat = np.ones((2, w.shape[1]))
    cell = int(np.nonzero(np.asarray((w != 0).sum(axis=0)).ravel() == 1)[0][1000])  # inside one region
    flat[0, cell] = np.nan
    unweighted = np.nonzero(np.asarray((w != 0).sum(axis=0)).ravel() == 0)[0]
    if len(unweighted):
        flat[:, unweighted[0]] = np.nan  # a fill value where nothing weighs the cell: no region sees it
    got = RegionWeights(w, nlon, area).apply(flat)
    owner = int(w[:, cell].nonzero()[0][0])
    assert np.isnan(got[0, owner]) and np.isfinite(np.delete(got[0], owner)).all() and np.isfinite(got[1]).all()
    np.testing.assert_allclose(got[1], np.asarray(w.sum(axis=1)).ravel(), rtol=2 * SAME_WEIGHT)


def test_weights_without_runs_keep_the_sparse_product():
    rng = np.random.default_rng(0)
    w = sp.csr_matrix(rng.uniform(size=(3, 40 * 60)))  # every cell in every region: nothing to run
    rw = RegionWeights(w, 60)
    assert rw.n_runs == 0
    flat = rng.normal(size=(4, 2400))
    np.testing.assert_allclose(rw.apply(flat), expected(w, flat), rtol=1e-12)


def test_a_worker_gets_the_runs_not_the_whole_matrix(weights):
    """On a cluster the weights are pickled once per worker: the runs and the other cells, a fraction of the matrix."""
    import pickle

    w, nlon, area = weights
    rw = RegionWeights(w, nlon, area)
    blob = pickle.dumps(rw)
    assert len(blob) < 0.5 * len(pickle.dumps(sp.csc_matrix(w)))
    back = pickle.loads(blob)
    flat = np.asfortranarray(np.random.default_rng(3).normal(size=(2, w.shape[1])))
    np.testing.assert_array_equal(back.apply(flat), rw.apply(flat))


def _countries_and_bands(overlap: bool = False):
    """Weights of the countries + the GCB bands on 1°; with ``overlap``, a tropics band joins the bands' set
    (its cells then count twice in that set)."""
    from mip.regions import latitude_bands
    from mip.regions.attribution import attribution_weights

    g = target_grid(1.0, 1.0)
    regions = countries() + latitude_bands()
    if overlap:
        regions = regions + latitude_bands((-30, 30), names=("low latitudes",))
    w, _ = attribution_weights(regions, g, "any")
    names = regions.group_names
    groups = np.array([names.index(x) for x in regions.region_groups] + list(range(len(names))))
    groups[groups == 2] = 1  # the tropics' set (rows and its unattributed row) merged into the bands'
    return w, groups, g.cell_area.values.ravel()


@pytest.mark.parametrize("steps", [1, 3, 30])
def test_sets_combined_with_plus_weigh_each_value_once(steps):
    """With countries + bands every cell lies in one region of each set: one partition into atoms, whose
    product equals the plain one (to SAME_WEIGHT), each cell read about once instead of once per set."""
    from mip.budgets.region_atoms import atoms
    from mip.budgets.region_product import RUN_STEPS

    w, groups, area = _countries_and_bands()
    assert RegionWeights(w, 360, area).n_runs == 0  # every cell has two weights: no single-region runs overall
    a, b = atoms(w, groups, SAME_WEIGHT)
    # A @ B gives every weight back, to SAME_WEIGHT of its cell's area
    assert np.all(abs(a @ b - w).max(axis=0).toarray().ravel() <= SAME_WEIGHT * area)
    assert b.nnz < 0.6 * w.nnz and set(np.unique(a.data)) == {1.0}
    rw = RegionWeights(w, 360, area, groups, steps=steps)
    # long blocks: the atoms (read once a cell); short ones: the runs set by set (the atoms cost more to build)
    assert (rw.atoms is not None) == (steps > RUN_STEPS) and (rw.n_runs > 0) == (steps <= RUN_STEPS)
    assert (len(rw.parts) == 2) == (steps <= RUN_STEPS)
    flat = np.asfortranarray(np.random.default_rng(5).normal(size=(steps, w.shape[1])))
    bound = 2 * SAME_WEIGHT * (np.abs(flat) @ np.abs(w).T.toarray())
    assert np.all(np.abs(rw.apply(flat) - expected(w, flat)) <= bound)
    assert np.all(np.abs(rw.apply(np.ascontiguousarray(flat).astype("f4")) - expected(w, flat.astype("f4").astype("f8")))
                  <= bound)
    back = RegionWeights.from_arrays(rw.to_arrays("w_"), "w_")  # the on-disk cache
    np.testing.assert_array_equal(back.apply(flat), rw.apply(flat))
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(rw)).apply(flat), rw.apply(flat))  # to a worker


def test_a_set_that_covers_a_cell_twice_is_multiplied_set_by_set():
    w, groups, area = _countries_and_bands(overlap=True)
    rw = RegionWeights(w, 360, area, groups, steps=30)
    assert rw.atoms is None and rw.n_runs == 0  # no atoms: the sets' totals differ in the overlap
    flat = np.asfortranarray(np.random.default_rng(6).normal(size=(30, w.shape[1])))
    bound = 2 * SAME_WEIGHT * (np.abs(flat) @ np.abs(w).T.toarray())
    assert np.all(np.abs(rw.apply(flat) - expected(w, flat)) <= bound)


def test_pieces_follow_every_set_split():
    """A cell of 10 split 2/8 by one set and 5/5 by another: pieces 0–2, 2–5, 5–10 (weights 2, 3, 5)."""
    from mip.budgets.region_atoms import atoms

    w = sp.csr_matrix(np.array([[2.0], [8.0], [5.0], [5.0]]))
    a, b = atoms(w, np.array([0, 0, 1, 1]), SAME_WEIGHT)
    pieces = sorted(zip(b.toarray().ravel(), [tuple(np.flatnonzero(col)) for col in a.T.toarray()]))
    assert pieces == [(2.0, (0, 2)), (3.0, (1, 2)), (5.0, (1, 3))]


def test_blocks_of_many_steps_keep_the_sparse_product(weights):
    """reduceat costs the same per step; the sparse product reads its weights once for all of a block's steps."""
    from mip.budgets.region_product import RUN_STEPS

    w, nlon, area = weights
    assert RegionWeights(w, nlon, area, steps=RUN_STEPS).n_runs > 0
    assert RegionWeights(w, nlon, area, steps=RUN_STEPS + 1).n_runs == 0


def test_aggregate_by_runs_conserves_and_equals_the_plain_product(tmp_path):
    """One month a block (runs) and a year a block (plain product) give the same totals, and the regions of
    each set plus its unattributed row add up to the global total, computed here as Σ flux × area."""
    from mip import aggregate, open_product
    from mip.regions import latitude_bands
    from mip.testing import write_oco2mip

    ds = open_product("oco2mip", write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", months=12))
    regions = countries() + latitude_bands()
    by_runs = aggregate(ds.chunk({"time": 1}), regions, attribution="area").compute()
    plain = aggregate(ds.chunk({"time": 12}), regions, attribution="area").compute()
    for v in ("land", "ocean"):
        np.testing.assert_allclose(by_runs[v].values, plain[v].values, rtol=1e-11, atol=1e-12)
        secs = 365.25 * 86400
        world = (ds[v] * ds.cell_area).sum(("lat", "lon")).values * secs * 1e-12  # kg/s -> Pg/yr
        for group in dict.fromkeys(by_runs.region_group.values):
            total = by_runs[v].where(by_runs.region_group == group).sum("region").values
            np.testing.assert_allclose(total, world, rtol=1e-10)


@pytest.mark.parametrize("steps, groups", [(1, False), (3, True), (12, False)])
def test_weights_rebuilt_from_their_arrays_give_the_same_sums(steps, groups):
    """What the on-disk cache keeps (numbers only) rebuilds weights that sum every block alike, to the bit."""
    from mip.regions import latitude_bands
    from mip.regions.attribution import attribution_weights

    g = target_grid(1.0, 1.0)
    regions = countries() + latitude_bands() if groups else countries()
    w, _ = attribution_weights(regions, g, "any")
    names = regions.group_names
    gr = np.array([names.index(x) for x in regions.region_groups] + list(range(len(names))))
    rw = RegionWeights(w, 360, g.cell_area.values.ravel(), gr, steps=steps)
    again = RegionWeights.from_arrays({k: v.copy() for k, v in rw.to_arrays("w_").items()}, "w_")
    assert all(isinstance(v, np.ndarray) and v.dtype != object for v in rw.to_arrays().values())
    flat = np.random.default_rng(steps).normal(size=(steps, w.shape[1])).astype("f4")
    np.testing.assert_array_equal(again.apply(flat), rw.apply(flat))
    bound = 2 * SAME_WEIGHT * (np.abs(flat.astype("f8")) @ np.abs(w).T.toarray())
    assert np.all(np.abs(again.apply(flat) - expected(w, flat.astype("f8"))) <= bound)


def test_every_value_is_inspected_once_and_a_refusal_stops_the_product(weights, monkeypatch):
    import mip.budgets.region_product as rp

    monkeypatch.setattr(rp, "_PIECE_CELLS", 1 << 14)  # pieces of 22 rows of the 0.5° grid
    w, nlon, area = weights
    rw = RegionWeights(w, nlon, area)
    flat = np.random.default_rng(3).normal(size=(2, w.shape[1])).astype("f4")
    seen = []
    rw.apply(flat, lambda x: seen.append(x.copy()))  # (a piece is a reused buffer)
    assert len(seen) > 1 and all(x.dtype == np.float32 for x in seen)  # pieces as stored (no copy to inspect them)
    # the pieces together are the block's values, each once (as a multiset: sorted)
    np.testing.assert_array_equal(np.sort(np.concatenate([x.ravel() for x in seen])), np.sort(flat.ravel()))

    def refuse(x):
        raise ValueError("a fill value")

    with pytest.raises(ValueError, match="a fill value"):
        rw.apply(flat, refuse)


def test_each_block_of_a_combination_is_inspected_as_stored(weights):
    from mip.budgets.region_product import Combined

    w, nlon, area = weights
    rng = np.random.default_rng(4)
    a = rng.normal(size=(15, w.shape[1])).astype("f4")  # 15 steps: the plain product, 12 steps a piece
    b = rng.normal(size=a.shape)
    seen = ([], [])
    rw = RegionWeights(w, nlon, area, steps=15)
    assert rw.n_runs == 0
    got = rw.apply(Combined([a, b], [1.0, -1.0], [seen[0].append, seen[1].append]))
    np.testing.assert_allclose(got, expected(w, a.astype("f8") - b), rtol=1e-12, atol=1e-12)
    for block, pieces in zip((a, b), seen):  # every value of each block once, in its own type
        assert len(pieces) == 2 and all(p.dtype == block.dtype for p in pieces)
        np.testing.assert_array_equal(np.concatenate(pieces), block)


def _unaligned(a: np.ndarray) -> np.ndarray:
    """The same values at an odd address (as arrays arrive in a worker's message buffer)."""
    buf = np.zeros(a.nbytes + 1, np.uint8)
    out = buf[1:].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


def test_weights_received_unaligned_are_realigned(weights):
    import pickle

    w, nlon, area = weights
    rw = RegionWeights(w, nlon, area)
    state = pickle.loads(pickle.dumps(rw)).__dict__
    state = {k: _unaligned(v) if isinstance(v, np.ndarray) else v for k, v in state.items()}
    assert not state["starts"].flags.aligned
    again = RegionWeights.__new__(RegionWeights)
    again.__setstate__(state)
    assert again.starts.flags.aligned and again.rest_cells.flags.aligned
    flat = np.random.default_rng(9).normal(size=(1, w.shape[1]))
    np.testing.assert_array_equal(again.apply(flat), rw.apply(flat))
