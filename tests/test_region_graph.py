"""A cluster's product tasks each sum a run of blocks, read in turn (issue #28)."""

import numpy as np
import pytest
import xarray as xr

from mip import open_product
from mip.budgets.aggregation import aggregate
from mip.budgets.region_graph import _grouped, run_length
from mip.regions import latitude_bands
from mip.testing import write_oco2mip


def test_a_run_reads_each_block_only_when_its_turn_comes():
    """Block k is read after block k-1 has been summed: one block's values held at a time."""
    from dask._task_spec import Task

    log = []

    def read(k):
        log.append(f"read {k}")
        return np.full((1, 2), float(k))

    def func(scale, block):
        log.append(f"sum {int(block[0, 0])}")
        return block * scale

    reads = tuple((Task(None, read, k),) for k in range(3))
    out = _grouped(func, 1, reads, 10.0)
    assert log == ["read 0", "sum 0", "read 1", "sum 1", "read 2", "sum 2"]
    np.testing.assert_array_equal(out, [[0, 0], [10, 10], [20, 20]])  # the runs put together along time


@pytest.mark.parametrize(("lead", "threads", "expected"), [
    ((3, 1, 12), 2, 6),   # 3 models x 12 months on 2 threads: 2 runs of 6 per model, 6 tasks = 3 per thread
    ((1, 1, 10), 1, 4),   # 3 tasks wanted: runs of 4, 4, 2
    ((4, 2, 12), 2, 12),  # 8 members already give 8 tasks on 2 threads: one run per member
    ((3, 1, 12), 64, 1),  # a large cluster: a task per block
    ((3, 1, 1), 2, 1),    # one block per member: nothing to group
])
def test_run_length(lead, threads, expected):
    assert run_length(lead, threads) == expected


def test_a_cluster_sums_runs_of_months_and_gets_the_threaded_totals(tmp_path, monkeypatch):
    """With one month a block (as at 0.1°), a one-thread cluster gets 3 tasks of 2 months, not 6, and the same totals."""
    distributed = pytest.importorskip("distributed")
    import mip.io.files

    monkeypatch.setattr(mip.io.files, "CHUNK_BYTES", 180 * 360 * 8)  # one month of 1° float64 a block
    rng = np.random.default_rng(0)
    land = rng.normal(size=(6, 180, 360)).astype("f4")
    land[4, 100, 200] = np.nan  # a land cell's gap: the missing fraction too must come through the runs
    ds = open_product("oco2mip", write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", land=land, months=6))[["land"]]
    assert ds.land.data.numblocks[-3] == 6
    threads = aggregate(ds, latitude_bands()).compute()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
            distributed.Client(lc):
        lazy = aggregate(ds, latitude_bands())
        graph = dict(lazy.land.data.__dask_graph__())
        products = [k for k in graph if k[0].startswith("mip-region-product-")]
        assert len(products) == 3
        on_cluster = lazy.compute()
    for v in ("land", "missing_land"):
        xr.testing.assert_allclose(on_cluster[v], threads[v], rtol=0, atol=0)
    # the global land total of each month, summed another way: cell areas times values
    lat = np.deg2rad(np.arange(-90, 91))
    area = (6371007.2**2 * np.deg2rad(1.0) * np.diff(np.sin(lat)))[:, None] * np.ones(360)
    glob = on_cluster.land.isel(model=0, experiment=0).sum("region")
    assert float(glob[0]) == pytest.approx(float(np.nansum(land[0] * area)) * 1e-15, rel=1e-6)
