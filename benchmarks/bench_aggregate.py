"""Benchmark: regional aggregation of a full-size ensemble.

Writes a synthetic ensemble (10 models × 2 experiments × 72 months on 1°, one
OCO-2-MIP-layout file per member, ``land`` only: ~370 MB of float32), then times in one
run, each step in a fresh process so that its peak memory can be read:

a. the floor: open every file with xarray and sum every value once;
b. fluxmip: ``open_ensemble`` + ``mip.aggregate`` to 250 country-like polygons (exact
   coverage) + TransCom-3 (22, from a mask) + the 3 GCB latitude bands; and the same on one
   thread (``fluxmip_one_thread``, dask's synchronous scheduler): the floors run on one core, and two
   cores reading memory at once each spend more CPU time on the same work (see :func:`with_one_thread`);
c. what a user would otherwise write: regionmask ``mask_3D`` (+ the TransCom and band
   masks) and ``weighted().sum()``.

Each step runs ``--repeat`` times (default 5, the steps taking turns), each time in a fresh
process; the median time and memory are printed, and ``disk_read_while_timing_mb``: what the disks
delivered meanwhile, ~0 when the page cache held the files (see :func:`machine.disk_read_mb`).  Times
exclude importing the libraries (each step imports what it uses, dask.array included, and runs one
tiny dask computation — which imports dask's scheduler machinery — and one full
garbage collection before the clock starts: the imports leave the collector a full pass over
every imported object due, ~0.1 s for the larger set of libraries the fluxmip step imports,
which would otherwise land in whichever step's timed part crosses the threshold first; the
collector stays on while timing); peak memory is the growth of the process's
peak RSS over its size after the imports.  Prints ``name = value`` lines, the ratios
last: the ratio of the medians, and ``_paired``, the median over the rounds of the ratio of the
two steps run back to back in that round (the host's slow spells hit both alike).  Targets
(issue #12): b/a ≤ 1.3, c/b ≥ 20, peak memory of b below half the ensemble's in-memory size.

``--full``: the full-MIP scale — 14 models × 6 experiments × 72 months × ``land``, ``ocean``,
``net`` on 1° (≈ 4.4 GB of float32 files) aggregated to the bundled countries + land/ocean + the
GCB bands with surface attribution (d), and on one thread (``full_one_thread``), against the floors only.  Targets: d/a ≤ 1.5, peak
memory below 1.5 GB.

``--baseline SRC``: also the fluxmip step (or ``--full``'s) with ``mip`` imported from another source tree
(a ``git worktree`` of an earlier commit), in the same rounds: ``ratio_*_over_baseline``.

Usage: ``python benchmarks/bench_aggregate.py [--dir DIR] [--models 10] [--months 72] [--repeat 5] [--full]
[--baseline SRC]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
from machine import disk_read_mb, print_machine


EXPERIMENTS = ("IS", "LNLG")
FULL_EXPERIMENTS = ("IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG", "Prior")


def write_ensemble(root: Path, models: int, months: int, experiments=EXPERIMENTS, variables=("land",)) -> Path:
    """Write the synthetic ensemble, the polygon file, the TransCom mask and a catalog."""
    import geopandas as gpd
    import shapely
    import xarray as xr

    lat, lon = np.arange(-89.5, 90, 1.0), np.arange(-179.5, 180, 1.0)
    rng = np.random.default_rng(1)
    names = [f"M{i:02d}" for i in range(models)]
    for exp in experiments:
        (root / exp).mkdir(parents=True, exist_ok=True)
        for m in names:
            p = root / exp / f"{m}_gridded_fluxes_{exp}.nc4"
            if p.exists():
                continue
            idx = 2015 * 12 + np.arange(months)
            sd = np.stack([idx // 12, idx % 12 + 1, np.ones(months, int)], axis=1).astype("i4")
            fields = {v: rng.normal(size=(months, 180, 360)).astype("f4") for v in variables if v != "net"}
            if "net" in variables:
                fields["net"] = fields["land"] + fields["ocean"]
            xr.Dataset({**{v: (("time", "latitude", "longitude"), a, {"units": "gC per m2 per year"})
                           for v, a in fields.items()},
                        "start_date": (("time", "date_component"), sd)},
                       coords={"latitude": lat, "longitude": lon}).to_netcdf(p)
    # 250 country-like polygons: a Voronoi partition of random points over the land-ish latitudes
    pts = shapely.multipoints(np.column_stack([rng.uniform(-179, 179, 250), rng.uniform(-55, 75, 250)]))
    vor = shapely.voronoi_polygons(pts, extend_to=shapely.box(-180, -60, 180, 80))
    polys = [shapely.segmentize(p.intersection(shapely.box(-180, -60, 180, 80)), 0.5) for p in vor.geoms]
    gpd.GeoDataFrame({"ISO_A3": [f"C{i:03d}" for i in range(len(polys))]}, geometry=polys,
                     crs="EPSG:4326").to_file(root / "countries.gpkg")
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    codes = (np.digitize(la, [-30, 30]) * 7 + np.digitize(lo, np.linspace(-180, 180, 8)[1:-1])) % 22 + 1
    xr.Dataset({"transcom_regions": (("lat", "lon"), codes.astype("i4"))},
               coords={"lat": lat, "lon": lon}).to_netcdf(root / "regions.nc")
    return write_catalog(root / "bench.yaml", root, names, experiments, variables)


def write_catalog(cat: Path, root: Path, models, experiments, variables) -> Path:
    """The intake catalog of a benchmark ensemble in the OCO-2 MIP layout under ``root``."""
    cat.write_text(textwrap.dedent(f"""\
        metadata: {{version: 1}}
        sources:
          ens:
            driver: mip.catalog.ProductSource
            args:
              family: oco2mip
              urlpath: "{root}/{{experiment}}/{{model}}_gridded_fluxes_{{experiment}}.nc4"
              models: [{", ".join(models)}]
              experiments: [{", ".join(experiments)}]
              options: {{variables: [{", ".join(variables)}]}}
              check_all_nan: false
        """))
    return cat


STEPS = {
    "floor": """
import glob, xarray as xr, dask.array, netCDF4
# --- work
files = sorted(glob.glob(f"{root}/*/*.nc4"))
total = 0.0
for f in files:
    with xr.open_dataset(f, chunks={{}}) as ds:
        for v in ("land", "ocean", "net"):
            if v in ds:
                total += float(ds[v].sum())
""",
    "stream": """
import glob, numpy as np, netCDF4, xarray, dask.array
# --- work
files = sorted(glob.glob(f"{root}/*/*.nc4"))
total = 0.0
for f in files:  # the streaming floor: one time step of one variable at a time, into one reused buffer
    with netCDF4.Dataset(f) as nc:
        for v in ("land", "ocean", "net"):
            if v in nc.variables:
                var = nc.variables[v]
                var.set_auto_maskandscale(False)
                for k in range(var.shape[0]):
                    total += float(var[k].sum(dtype="f8"))
""",
    "full": """
import mip, pyogrio, dask.array, netCDF4, fsspec, jinja2, pint
import mip.catalog.source, mip.io.yamlspec  # intake, pydantic, yaml (and pint above): libraries, imported before the clock as in the floor
from mip.regions import countries, land_ocean, latitude_bands
mip.families()  # load the reader modules
# --- work
ens = mip.open_ensemble("{root}/bench.yaml", "ens")
regions = countries() + land_ocean() + latitude_bands()
out = mip.aggregate(ens, regions).compute()
assert out.land.sizes["region"] == len(regions) + 3
""",
    "fluxmip": """
import mip, geopandas, pyogrio, dask.array, netCDF4, fsspec, jinja2, pint
import cf_xarray  # read_mask finds the mask's axes with it: a library (+ regex), 14 modules, ~0.06 s to import
import mip.catalog.source, mip.io.yamlspec  # intake, pydantic, yaml (and pint above): libraries, imported before the clock as in the floor
from mip.io.regionfiles import read_mask
from mip.regions import read_regions
from mip.regions import latitude_bands, transcom
mip.families()  # load the reader modules
# --- work
ens = mip.open_ensemble("{root}/bench.yaml", "ens")
regions = (read_regions("{root}/countries.gpkg", field="ISO_A3") + transcom(read_mask("{root}/regions.nc", "transcom_regions"))
           + latitude_bands())
out = mip.aggregate(ens, regions).compute()
assert out.land.sizes["region"] == len(regions) + 3  # + one unattributed row per set
""",
    "regionmask": """
import glob, numpy as np, xarray as xr, regionmask, geopandas as gpd, dask.array, netCDF4
from mip.geometry.grid import cell_area, centre_bounds
import shapely
# --- work
ds = xr.open_mfdataset(sorted(glob.glob(f"{root}/*/*.nc4")), combine="nested", concat_dim="member",
                       chunks={{}}, decode_times=False)["land"]
lat, lon = ds.latitude.values, ds.longitude.values
area = xr.DataArray(cell_area(centre_bounds(lat, name="lat", limits=(-90, 90)), centre_bounds(lon, name="lon")),
                    dims=("latitude", "longitude"), coords={{"latitude": lat, "longitude": lon}})
gdf = gpd.read_file("{root}/countries.gpkg")
grid = xr.Dataset(coords={{"lat": lat, "lon": lon}})
m1 = regionmask.from_geopandas(gdf, names="ISO_A3").mask_3D(grid)
codes = xr.open_dataset("{root}/regions.nc")["transcom_regions"].rename(lat="latitude", lon="longitude")
m2 = xr.concat([codes == k for k in range(1, 23)], dim="region").assign_coords(region=np.arange(1000, 1022))
bands = regionmask.Regions([shapely.box(-180, -90, 180, -30), shapely.box(-180, -30, 180, 30),
                            shapely.box(-180, 30, 180, 90)]).mask_3D(grid)
m1, bands = (m.rename(lat="latitude", lon="longitude") for m in (m1, bands))
mask = xr.concat([m1.drop_vars(["abbrevs", "names"], errors="ignore"), m2,
                  bands.drop_vars(["abbrevs", "names"], errors="ignore").assign_coords(region=[2000, 2001, 2002])],
                 dim="region")
out = ds.weighted(mask * area).sum(("latitude", "longitude")).compute()
""",
}

RUNNER = """
import time, json, sys
import numpy as np
{imports}
import dask, dask.array
dask.array.ones(2, chunks=1).sum().compute()  # dask's first compute imports its scheduler machinery
import gc
gc.collect()  # settle the collector's debt from the imports (as pyperf does), or it is paid in the timed part
def hwm_kb():  # this process's own peak RSS (VmHWM: ru_maxrss keeps the parent's across exec)
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
base = hwm_kb()
others = globals().get("other_processes_cpu", lambda: 0.0)  # a step's other processes (a cluster's workers)
o0 = others()
c0 = time.process_time()  # CPU time of every thread of the process, user + system
t0 = time.perf_counter()
{work}
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
cpu += others() - o0
peak = (hwm_kb() - base) / 1024
{after}
print(json.dumps({{"seconds": wall, "cpu_seconds": cpu, "peak_mb": peak}}))
"""


def with_bytecode_cache() -> dict[str, str]:
    """The environment for a step, with Python's bytecode cache on whatever ``PYTHONDONTWRITEBYTECODE`` says.

    An installed package has its modules compiled; without the cache every fresh process compiles
    each module it imports from source (0.05-0.1 s of fluxmip's modules in a timed step).
    """
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_step(name: str, root: Path, steps: dict[str, str] | None = None, **fmt: object) -> dict:
    """Run one step in a fresh process: its imports, then the timed ``# --- work``, then an untimed ``# --- after``."""
    text = textwrap.dedent((steps or STEPS)[name]).format(root=root, **fmt)
    imports, rest = text.split("# --- work")
    work, _, after = rest.partition("# --- after")
    res = subprocess.run([sys.executable, "-c", RUNNER.format(imports=imports, work=work, after=after)],
                         capture_output=True, text=True, env=with_bytecode_cache())
    if res.returncode != 0:
        raise SystemExit(f"step {name} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_steps(steps: tuple[str, ...], root: Path, repeat: int, table: dict[str, str] | None = None,
              warm: str = "floor", **fmt: object) -> dict[str, dict[str, float]]:
    """Warm the page cache, run every step ``repeat`` times (fresh processes, the order turning each round).

    Prints and returns the medians.
    """
    run_step(warm, root, table, **fmt)  # warm the page cache so every step reads from memory alike
    disk0 = disk_read_mb()
    runs: dict[str, list[dict]] = {k: [] for k in steps}
    for i in range(repeat):
        # the order turns each round: no step always follows the same one (a step after a memory-hungry one
        # ran 1.2-1.4x slower in the 0.1° benchmark than when the two were alternated in both orders)
        for k in steps[i % len(steps):] + steps[:i % len(steps)]:
            runs[k].append(run_step(k, root, table, **fmt))
    print({k: [round(x["seconds"], 2) for x in v] for k, v in runs.items()}, file=sys.stderr)
    # what the disks delivered while the steps ran (all processes): ~0 when the files stayed in the page cache
    print(f"disk_read_while_timing_mb = {disk_read_mb() - disk0:.0f}")
    r = {k: {f: float(np.median([x[f] for x in v])) for f in ("seconds", "cpu_seconds", "peak_mb")}
         for k, v in runs.items()}
    for k, v in r.items():
        print(f"{k}_seconds = {v['seconds']:.2f}")
        print(f"{k}_cpu_seconds = {v['cpu_seconds']:.2f}")
        print(f"{k}_peak_memory_mb = {v['peak_mb']:.0f}")
    # the ratio of two steps run back to back in the same round, median over the rounds: the host's
    # slow spells (CPU steal on a shared VM reaches 10-30 % for seconds at a time) hit both alike
    for k, v in r.items():
        v["paired"] = {o: float(np.median([x["seconds"] / y["seconds"] for x, y in zip(runs[k], runs[o])]))
                       for o in runs if o != k}
        v["paired_cpu"] = {o: float(np.median([x["cpu_seconds"] / y["cpu_seconds"] for x, y in zip(runs[k], runs[o])]))
                           for o in runs if o != k}
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", type=Path, default=None, help="where to write the ensemble (kept for reuse)")
    ap.add_argument("--models", type=int, default=10)
    ap.add_argument("--months", type=int, default=72)
    ap.add_argument("--repeat", type=int, default=5, help="runs of each step (median reported)")
    ap.add_argument("--full", action="store_true", help="14 models x 6 experiments x land/ocean/net to countries")
    ap.add_argument("--baseline", type=Path, default=None, help="source tree of another version, timed beside fluxmip")
    a = ap.parse_args()
    print_machine()
    if a.full:
        return full(a)
    root = a.dir or Path(tempfile.mkdtemp(prefix="mip-bench-"))
    t = time.perf_counter()
    write_ensemble(root, a.models, a.months)
    size_mb = a.models * 2 * a.months * 180 * 360 * 4 / 2**20
    print(f"ensemble_size_mb = {size_mb:.0f}")
    print(f"write_seconds = {time.perf_counter() - t:.1f}")
    table, extra = with_baseline(a.baseline, "fluxmip")
    r = run_steps(("floor", "stream", "fluxmip", "fluxmip_one_thread", "regionmask") + extra, root, a.repeat,
                  with_one_thread(table, "fluxmip"))
    ratios(r, "fluxmip")
    ratios(r, "fluxmip_one_thread")
    baseline_ratios(r, "fluxmip")
    print(f"ratio_regionmask_over_fluxmip = {r['regionmask']['seconds'] / r['fluxmip']['seconds']:.1f}")
    print(f"ratio_regionmask_over_fluxmip_paired = {r['regionmask']['paired']['fluxmip']:.1f}")
    print(f"ratio_fluxmip_peak_over_ensemble = {r['fluxmip']['peak_mb'] / size_mb:.2f}")


def full(a: argparse.Namespace) -> None:
    """The full-MIP-scale run: floor against fluxmip (countries + land/ocean + bands, surface attribution)."""
    root = a.dir or Path(tempfile.mkdtemp(prefix="mip-bench-full-"))
    t = time.perf_counter()
    write_ensemble(root, 14, a.months, FULL_EXPERIMENTS, ("land", "ocean", "net"))
    size_mb = 14 * len(FULL_EXPERIMENTS) * 3 * a.months * 180 * 360 * 4 / 2**20
    print(f"ensemble_size_mb = {size_mb:.0f}")
    print(f"write_seconds = {time.perf_counter() - t:.1f}")
    table, extra = with_baseline(a.baseline, "full")
    r = run_steps(("floor", "stream", "full", "full_one_thread") + extra, root, a.repeat, with_one_thread(table, "full"))
    ratios(r, "full")
    ratios(r, "full_one_thread")
    baseline_ratios(r, "full")


def with_baseline(src: Path | None, step: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The steps, plus ``<step>_baseline``: the same step importing ``mip`` from another source tree."""
    table = dict(STEPS)
    if src is None:
        return table, ()
    table[f"{step}_baseline"] = f"import sys; sys.path.insert(0, {str(src.resolve())!r})\n" + STEPS[step]
    return table, (f"{step}_baseline",)


def with_one_thread(table: dict[str, str], step: str) -> dict[str, str]:
    """The steps, plus ``<step>_one_thread``: the same with dask's synchronous scheduler.

    The floors run on one core; fluxmip's threads run on two, and two cores streaming through memory at
    once each need more CPU time for the same work (two one-thread fluxmip processes side by side took
    1.12x the CPU time of one alone). This step is fluxmip's work without that contention.
    """
    table = dict(table)
    table[f"{step}_one_thread"] = STEPS[step].replace("# --- work\n", "# --- work\ndask.config.set(scheduler='synchronous')\n")
    assert table[f"{step}_one_thread"] != STEPS[step]
    return table


def baseline_ratios(r: dict, step: str) -> None:
    """Wall and CPU ratios of ``step`` over the other tree's run of it (when there is one)."""
    if f"{step}_baseline" not in r:
        return
    print(f"ratio_{step}_over_baseline = {r[step]['seconds'] / r[step + '_baseline']['seconds']:.2f}")
    print(f"ratio_{step}_over_baseline_paired = {r[step]['paired'][step + '_baseline']:.2f}")
    print(f"ratio_{step}_over_baseline_cpu_paired = {r[step]['paired_cpu'][step + '_baseline']:.2f}")


def ratios(r: dict, step: str) -> None:
    """Wall and CPU ratios of ``step`` over both floors: xarray (open + sum) and streaming (netCDF4, a step at a time)."""
    for floor in ("floor", "stream"):
        name = "xarray_floor" if floor == "floor" else "streaming_floor"
        print(f"ratio_{step}_over_{name} = {r[step]['seconds'] / r[floor]['seconds']:.2f}")
        print(f"ratio_{step}_over_{name}_paired = {r[step]['paired'][floor]:.2f}")
        print(f"ratio_{step}_over_{name}_cpu = {r[step]['cpu_seconds'] / r[floor]['cpu_seconds']:.2f}")
        print(f"ratio_{step}_over_{name}_cpu_paired = {r[step]['paired_cpu'][floor]:.2f}")


if __name__ == "__main__":
    main()
