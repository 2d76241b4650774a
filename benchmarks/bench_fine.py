"""Benchmark: national totals of a 0.1° ensemble (3 models × 12 months, 3600 × 1800) to the 240 bundled countries.

Times, each step in a fresh process (``--repeat`` rounds, the steps taking turns, medians; page
cache warm), wall and CPU time (every thread) and peak memory above the imports:

stream
    the streaming read floor: netCDF4, one month of one file at a time, summed;
floor
    xarray: open every file and sum every value;
area
    fluxmip: ``open_ensemble`` + ``aggregate(..., countries(), attribution="area")``, the country
    fractions read from ``MIP_CACHE_DIR`` (filled once before the clock; the first run computes
    them: ``area_first_run_seconds``);
surface
    the same with attribution by surface (a land flux shared by each cell's land), the land
    fraction cached likewise;
exactextract
    exactextract's ``weighted_sum`` of every month with the cell areas as weights (the usual
    alternative for exact polygon totals), over the same countries;
area_baseline (``--baseline SRC``)
    ``area`` with another version's source tree first on ``sys.path`` (e.g. ``git worktree add
    /tmp/base <commit>``), taking turns with ``area``; the paired ratio and the largest difference
    between the two versions' totals are printed;
cluster (``--cluster``)
    ``area`` on a ``LocalCluster`` of 2 processes × 1 thread (started, and its workers' imports
    done, before the clock), its CPU time the driver's (client and scheduler) plus the workers';
    its workers' memory after the run (whole processes) and their peak
    growth over their size after the imports (the measure of the other steps), and whether its
    totals equal ``area``'s to the last bit are printed (not timed for ``--baseline``: with the same code
    both sides, the cluster with the other tree first on its ``sys.path`` took 1.2× as long, cause unknown);
area_again, cluster_again (``--cluster``)
    ``area`` and ``cluster`` timing a second aggregation, the first done before the clock in the same
    process (and cluster): what a coordinator who keeps a cluster running sees after the first run
    (their peak memory is counted over the first run's, so it says little).

The national totals of ``area`` and ``exactextract`` are compared for countries over 10 000 km²
(both are exact coverage; they differ by how each treats a polygon's edges on the sphere).  Prints
``name = value`` lines, the ratios last.  Targets (issue #28): ``area`` within 2× the streaming
floor, ahead of exactextract, peak memory ≤ 500 MB.

Usage: ``python benchmarks/bench_fine.py [--dir DIR] [--repeat 3] [--cluster] [--baseline SRC]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_aggregate import run_step, run_steps, write_catalog  # noqa: E402  (one runner and catalog writer)
from machine import print_machine  # noqa: E402  (the benchmarks folder is the script's path)

MODELS = ("A", "B", "C")
NLAT, NLON, MONTHS = 1800, 3600, 12
FMT = {"nlat": NLAT, "nlon": NLON, "months": MONTHS}


def write_ensemble(root: Path) -> Path:
    """Three models' 12 months of ``land`` on 0.1° (OCO-2 MIP layout) and a catalog of them."""
    import xarray as xr

    lat = -90 + 0.05 + 0.1 * np.arange(NLAT)
    lon = -180 + 0.05 + 0.1 * np.arange(NLON)
    rng = np.random.default_rng(2)
    (root / "IS").mkdir(parents=True, exist_ok=True)
    for m in MODELS:
        p = root / "IS" / f"{m}_gridded_fluxes_IS.nc4"
        if p.exists():
            continue
        sd = np.stack([np.full(MONTHS, 2016), np.arange(1, MONTHS + 1), np.ones(MONTHS, int)], axis=1).astype("i4")
        xr.Dataset({"land": (("time", "latitude", "longitude"), rng.normal(size=(MONTHS, NLAT, NLON)).astype("f4"),
                             {"units": "gC per m2 per year"}),
                    "start_date": (("time", "date_component"), sd)},
                   coords={"latitude": lat, "longitude": lon}).to_netcdf(p)
    return write_catalog(root / "fine.yaml", root, MODELS, ("IS",), ("land",))


STEPS = {
    "stream": """
import glob, numpy as np, netCDF4
# --- work
total = 0.0
for f in sorted(glob.glob(f"{root}/IS/*.nc4")):
    with netCDF4.Dataset(f) as nc:
        var = nc.variables["land"]
        var.set_auto_maskandscale(False)
        for k in range(var.shape[0]):
            total += float(var[k].sum(dtype="f8"))
""",
    "floor": """
import glob, xarray as xr, dask.array, netCDF4
# --- work
total = 0.0
for f in sorted(glob.glob(f"{root}/IS/*.nc4")):
    with xr.open_dataset(f, chunks={{}}) as ds:
        total += float(ds["land"].sum())
""",
    "area": """
import os; os.environ["MIP_CACHE_DIR"] = "{root}/cache"
import mip, pyogrio, dask.array, netCDF4, fsspec, jinja2, pint
import mip.catalog.source, mip.io.yamlspec  # intake, pydantic, yaml (and pint above): libraries, imported before the clock
from mip.regions import countries
mip.families()
# --- work
ens = mip.open_ensemble("{root}/fine.yaml", "ens")
out = mip.aggregate(ens, countries(), attribution="area").compute()
# --- after
np.savez("{root}/result_area.npz", land=out.land.isel(experiment=0, region=slice(0, -1)).values,
         area=out.region_area.values[:-1], names=np.asarray(out.region.values[:-1], dtype=str))
""",
    "cluster": """
import os; os.environ["MIP_CACHE_DIR"] = "{root}/cache"
import mip, pyogrio, dask.array, netCDF4, fsspec, jinja2, pint, psutil
import mip.catalog.source, mip.io.yamlspec  # intake, pydantic, yaml (and pint above): libraries, imported before the clock
from mip.regions import countries
from distributed import Client, LocalCluster
mip.families()
client = Client(LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None))
def _warm():  # each worker imports what the driver imported before the clock
    import mip, pyogrio, dask.array, netCDF4, fsspec, jinja2, pint
    import mip.catalog.source, mip.io.yamlspec
    from mip.regions import countries
    mip.families()
client.run(_warm)  # else its first tasks import 179 modules (dask.array, scipy.sparse, netCDF4, pint): +0.55 s
def _rss_kb():  # a worker's size after its imports; its peak is counted from here (clear_refs resets VmHWM)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return __import__("psutil").Process().memory_info().rss / 1024
def _hwm_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
base_kb = client.run(_rss_kb)
def other_processes_cpu():  # the workers' CPU time (every thread), counted in the step's (bench_aggregate.RUNNER)
    return sum(client.run(time.process_time).values())
# --- work
ens = mip.open_ensemble("{root}/fine.yaml", "ens")
out = mip.aggregate(ens, countries(), attribution="area").compute()
# --- after
rss = sum(client.run(lambda: __import__("psutil").Process().memory_info().rss).values()) / 2**20
peaks = client.run(_hwm_kb)
grow = sum(peaks[w] - base_kb[w] for w in base_kb) / 1024  # the workers' peak growth: the threaded step's measure
open("{root}/cluster_workers_mb.txt", "w").write(f"{{rss:.0f}} {{grow:.0f}}")
np.savez("{root}/result_cluster.npz", land=out.land.isel(experiment=0, region=slice(0, -1)).values)
client.close()
""",
    "surface": """
import os; os.environ["MIP_CACHE_DIR"] = "{root}/cache"
import mip, pyogrio, dask.array, netCDF4, fsspec, jinja2, pint
import mip.catalog.source, mip.io.yamlspec  # intake, pydantic, yaml (and pint above): libraries, imported before the clock
from mip.regions import countries
mip.families()
# --- work
ens = mip.open_ensemble("{root}/fine.yaml", "ens")
out = mip.aggregate(ens, countries(), attribution="surface").compute()
""",
    "exactextract": """
import glob, numpy as np, netCDF4, xarray as xr
from exactextract import exact_extract
from exactextract.raster import NumPyRasterSource
from mip.io.regionfiles import read_natural_earth
from mip.regions import countries
from mip.geometry.grid import cell_area, centre_bounds
import geopandas as gpd
# --- work
ne = gpd.GeoDataFrame(read_natural_earth(), geometry="geometry", crs="EPSG:4326")
gdf = ne.dissolve(by=np.where(ne["ISO_A3_EH"] != "-99", ne["ISO_A3_EH"], ne["ADM0_A3"])).reset_index(names="iso3")
lat = -90 + 0.05 + 0.1 * np.arange({nlat}); lon = -180 + 0.05 + 0.1 * np.arange({nlon})
area = cell_area(centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon"))[::-1]  # north up
weights = NumPyRasterSource(np.ascontiguousarray(area), -180, -90, 180, 90)
sums = {{}}
for f in sorted(glob.glob(f"{root}/IS/*.nc4")):
    with netCDF4.Dataset(f) as nc:
        var = nc.variables["land"]
        bands = [NumPyRasterSource(np.ascontiguousarray(var[k][::-1]), -180, -90, 180, 90, name=f"m{{k}}")
                 for k in range(var.shape[0])]
        res = exact_extract(bands, gdf, "weighted_sum", weights=weights, include_cols=["iso3"], output="pandas")
        sums[f] = res
# --- after
last = sums[sorted(sums)[-1]]
np.savez("{root}/result_exactextract.npz", iso3=np.asarray(last["iso3"].to_numpy(), dtype="U"),
         land=np.stack([last[f"m{{k}}__weighted_sum"].to_numpy(dtype="f8") for k in range({months})], axis=0))
""",
}

#: The untimed first aggregation of the ``*_again`` steps.
FIRST_RUN = ('mip.aggregate(mip.open_ensemble("{root}/fine.yaml", "ens"), countries(), attribution="area").compute()'
             "  # the first run, before the clock\n")


def again(step: str) -> str:
    """``step`` timing a second aggregation in the same process (its result not written again)."""
    text = STEPS[step].split("# --- after")[0]
    assert "# --- work\n" in text
    return text.replace("# --- work\n", FIRST_RUN + "# --- work\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=None, help="where to write the ensemble (kept for reuse)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cluster", action="store_true", help="also the area budget on a LocalCluster of 2 processes")
    ap.add_argument("--baseline", type=Path, default=None, help="source tree of another version, timed beside area")
    a = ap.parse_args()
    print_machine()
    root = a.dir or Path(tempfile.mkdtemp(prefix="mip-bench-fine-"))
    t = time.perf_counter()
    write_ensemble(root)
    print(f"ensemble_size_mb = {len(MODELS) * MONTHS * NLAT * NLON * 4 / 2**20:.0f}")
    print(f"write_seconds = {time.perf_counter() - t:.1f}")
    import shutil

    shutil.rmtree(root / "cache", ignore_errors=True)
    first = run_step("area", root, STEPS, **FMT)  # computes and caches the country fractions
    run_step("surface", root, STEPS, **FMT)  # and the land fraction
    print(f"area_first_run_seconds = {first['seconds']:.2f}")
    steps = ("stream", "floor", "area", "surface", "exactextract")
    table = dict(STEPS)
    if a.cluster:
        steps += ("cluster", "area_again", "cluster_again")
        table.update(area_again=again("area"), cluster_again=again("cluster"))
    if a.baseline:  # the same step with the other tree's mip imported, writing its own result
        table["area_baseline"] = (f"import sys; sys.path.insert(0, {str(a.baseline.resolve())!r})\n"
                                  + STEPS["area"].replace("result_area.npz", "result_area_baseline.npz"))
        steps += ("area_baseline",)
        run_step("area_baseline", root, table, **FMT)  # its own first run (its caches)
    med = run_steps(steps, root, a.repeat, table, warm="stream", **FMT)
    ours, theirs = np.load(root / "result_area.npz"), np.load(root / "result_exactextract.npz")
    names = list(ours["names"])
    idx = [names.index(c) for c in theirs["iso3"]]
    big = ours["area"][idx] > 1e10  # countries over 10 000 km²
    # the last model's months: fluxmip in Pg C/yr, exactextract in gC yr-1 (gC m-2 yr-1 × m²)
    ref = theirs["land"][:, big].T / 1e15
    mine = ours["land"][-1][:, idx][:, big].T
    rel = np.abs(mine - ref).max(axis=1) / np.abs(ref).max(axis=1)
    print(f"countries_compared = {int(big.sum())}")
    print(f"max_relative_difference_area_vs_exactextract = {rel.max():.1e}")

    for k in ("area", "surface"):
        print(f"ratio_{k}_over_streaming_floor = {med[k]['seconds'] / med['stream']['seconds']:.2f}")
        print(f"ratio_{k}_over_streaming_floor_paired = {med[k]['paired']['stream']:.2f}")
        print(f"ratio_{k}_over_streaming_floor_cpu = {med[k]['cpu_seconds'] / med['stream']['cpu_seconds']:.2f}")
        print(f"ratio_{k}_over_xarray_floor = {med[k]['seconds'] / med['floor']['seconds']:.2f}")
        print(f"ratio_exactextract_over_{k} = {med['exactextract']['seconds'] / med[k]['seconds']:.2f}")
        print(f"ratio_exactextract_over_{k}_paired = {med['exactextract']['paired'][k]:.2f}")
    print(f"ratio_surface_over_area = {med['surface']['seconds'] / med['area']['seconds']:.2f}")
    if a.baseline:
        base = np.load(root / "result_area_baseline.npz")["land"]
        scale = np.nanmax(np.abs(base), axis=-1, keepdims=True)  # each month's largest national total
        print(f"max_difference_area_vs_baseline_over_largest_total = {np.nanmax(np.abs(ours['land'] - base) / scale):.1e}")
        print(f"ratio_area_over_baseline = {med['area']['seconds'] / med['area_baseline']['seconds']:.2f}")
        print(f"ratio_area_over_baseline_paired = {med['area']['paired']['area_baseline']:.2f}")
        print(f"ratio_area_over_baseline_cpu_paired = {med['area']['paired_cpu']['area_baseline']:.2f}")
    if a.cluster:
        same = np.array_equal(np.load(root / "result_cluster.npz")["land"], ours["land"], equal_nan=True)
        rss, grow = (root / "cluster_workers_mb.txt").read_text().split()
        print(f"cluster_workers_rss_mb = {rss}")  # whole processes, their libraries included
        print(f"cluster_workers_peak_growth_mb = {grow}")  # over their size after the imports, summed
        print(f"ratio_cluster_peak_growth_over_area_peak = {float(grow) / med['area']['peak_mb']:.2f}")
        print(f"cluster_result_identical = {same}")
        print(f"ratio_cluster_over_area = {med['cluster']['seconds'] / med['area']['seconds']:.2f}")
        print(f"ratio_cluster_over_area_paired = {med['cluster']['paired']['area']:.2f}")
        print(f"ratio_cluster_again_over_area_again = {med['cluster_again']['seconds'] / med['area_again']['seconds']:.2f}")
        print(f"ratio_cluster_again_over_area_again_paired = {med['cluster_again']['paired']['area_again']:.2f}")
        print(f"ratio_cluster_over_area_cpu_paired = {med['cluster']['paired_cpu']['area']:.2f}")
        print(f"ratio_cluster_again_over_area_again_cpu_paired = "
              f"{med['cluster_again']['paired_cpu']['area_again']:.2f}")


if __name__ == "__main__":
    main()
