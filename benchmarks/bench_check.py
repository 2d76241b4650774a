"""Benchmark: checking one conforming OCO-2-MIP-sized file vs reading all its data once.

Writes a conforming ``<Model>_gridded_fluxes_<EXP>.nc4`` (72 × 180 × 360 × 3 float32, random
values around realistic totals, uncompressed), warms the page cache, then times in one run:

* as whole processes, what a modelling team runs (``--repeat`` times each, the two taking turns,
  medians): (a) ``python -c`` opening the file with xarray and loading every variable, and (b)
  ``mip check FILE --protocol oco2mip-v10 --no-cf`` (with the CF suite: (c)); target b/a ≤ 2;
* in one process, after one call of each to import what they use (the first ``mip.check`` call
  imports the protocol machinery, which an earlier version of this script timed as the check):
  the best of ``--repeat`` reads against the best of ``--repeat`` checks.

Each check first reads the file's metadata in a child process (:mod:`mip.io.probe`: a damaged file can hang
the HDF5 library); ``*_without_probe`` is the check with ``--probe-timeout 0`` (``probe_timeout=None``), and
``probe_seconds`` the child alone (a Python start, ``import netCDF4``, the metadata).

Prints ``name = value`` lines, ratios last.
"""

from __future__ import annotations

import argparse
import statistics
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xarray as xr

from mip.checks import check
from mip.io.probe import MetadataProbe
from machine import print_machine

R = 6_371_007.2


def write(path: Path) -> Path:
    rng = np.random.default_rng(0)
    sphere = 4 * np.pi * R**2
    land = (-1.5e15 / sphere + rng.normal(0, 5, (72, 180, 360))).astype("f4")
    ocean = (-2.5e15 / sphere + rng.normal(0, 5, (72, 180, 360))).astype("f4")
    idx = 2015 * 12 + np.arange(72)
    ds = xr.Dataset({"land": (("time", "latitude", "longitude"), land, {"units": "gC per m2 per year"}),
                     "ocean": (("time", "latitude", "longitude"), ocean, {"units": "gC per m2 per year"}),
                     "net": (("time", "latitude", "longitude"), land + ocean, {"units": "gC per m2 per year"}),
                     "start_date": (("time", "date_component"),
                                    np.stack([idx // 12, idx % 12 + 1, np.ones(72, int)], 1).astype("i4"))},
                    coords={"latitude": np.arange(-89.5, 90, 1.0), "longitude": np.arange(-179.5, 180, 1.0)})
    ds.to_netcdf(path, format="NETCDF4")
    return path


def read_all(path: Path) -> float:
    t = time.perf_counter()
    with xr.open_dataset(path) as ds:
        for v in ds.data_vars:
            ds[v].load()
    return time.perf_counter() - t


def whole_process(args: list[str]) -> float:
    t = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # compiled modules, as installed
    res = subprocess.run(args, capture_output=True, text=True, env=env)
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed:\n{res.stderr[-2000:]}")
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    print_machine()
    d = Path(tempfile.mkdtemp(prefix="mip-bench-check-"))
    p = write(d / "CAMS_gridded_fluxes_LNLG.nc4")
    read_all(p)  # warm the page cache
    mip_exe = str(Path(sys.executable).with_name("mip"))
    reader = [sys.executable, "-c", "import sys, xarray as xr\nwith xr.open_dataset(sys.argv[1]) as ds:\n"
              "    [ds[v].load() for v in ds.data_vars]", str(p)]
    checker = [mip_exe, "check", str(p), "--protocol", "oco2mip-v10", "--no-cf"]
    runs: dict[str, list[float]] = {"read": [], "check": [], "check_cf": [], "check_no_probe": []}
    for _ in range(a.repeat):
        runs["read"].append(whole_process(reader))
        runs["check"].append(whole_process(checker))
        runs["check_cf"].append(whole_process(checker[:-1]))
        runs["check_no_probe"].append(whole_process(checker + ["--probe-timeout", "0"]))
    proc = {k: statistics.median(v) for k, v in runs.items()}
    # in one process, imports paid before the clock on both sides
    rep = check(p, "oco2mip-v10", cf=False)
    check(p, "oco2mip-v10", cf=True)
    t_read = min(read_all(p) for _ in range(a.repeat))
    t_check = t_cf = t_bare = t_probe = np.inf
    for _ in range(a.repeat):
        t = time.perf_counter()
        rep = check(p, "oco2mip-v10", cf=False)
        t_check = min(t_check, time.perf_counter() - t)
        t = time.perf_counter()
        check(p, "oco2mip-v10", cf=False, probe_timeout=None)
        t_bare = min(t_bare, time.perf_counter() - t)
        t = time.perf_counter()
        assert MetadataProbe(p).failure() is None
        t_probe = min(t_probe, time.perf_counter() - t)
        t = time.perf_counter()
        rep_cf = check(p, "oco2mip-v10", cf=True)
        t_cf = min(t_cf, time.perf_counter() - t)
    assert rep.n_errors == 0 and rep_cf.n_errors == 0, rep.to_text()
    print(f"file_mb = {p.stat().st_size / 2**20:.0f}")
    print(f"process_read_seconds = {proc['read']:.2f}")
    print(f"process_check_seconds = {proc['check']:.2f}")
    print(f"process_check_with_cf_seconds = {proc['check_cf']:.2f}")
    print(f"process_check_without_probe_seconds = {proc['check_no_probe']:.2f}")
    print(f"read_all_seconds = {t_read:.3f}")
    print(f"check_seconds = {t_check:.3f}")
    print(f"check_with_cf_seconds = {t_cf:.3f}")
    print(f"check_without_probe_seconds = {t_bare:.3f}")
    print(f"probe_seconds = {t_probe:.3f}")
    print(f"ratio_process_check_over_read = {proc['check'] / proc['read']:.2f}")
    print(f"ratio_process_check_with_cf_over_read = {proc['check_cf'] / proc['read']:.2f}")
    print(f"ratio_check_over_read = {t_check / t_read:.2f}")
    print(f"ratio_check_with_cf_over_read = {t_cf / t_read:.2f}")
    print(f"ratio_process_check_without_probe_over_read = {proc['check_no_probe'] / proc['read']:.2f}")
    print(f"ratio_check_without_probe_over_read = {t_bare / t_read:.2f}")


if __name__ == "__main__":
    main()
