"""Benchmark: 10 000 pairs-bootstrap resamples of a 20-member ensemble.

Times, in one run, the vectorised refit (:func:`mip.constrain.bootstrap_fits`) against a
plain loop that refits statsmodels OLS on each resample (same resamples), checks that they
agree, and prints ``name = value`` lines with the ratio last.  Target: ratio ≥ 50.

Usage: ``python benchmarks/bench_constrain.py [--n-boot 10000] [--members 20]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import statsmodels.api as sm

from mip.constrain import bootstrap_fits
from machine import print_machine


def loop(x: np.ndarray, y: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    idx = np.random.default_rng(seed).integers(0, x.size, size=(n_boot, x.size))
    out = np.empty(n_boot)
    for i in range(n_boot):
        out[i] = sm.OLS(y[idx[i]], sm.add_constant(x[idx[i]], has_constant="add")).fit().params[1]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-boot", type=int, default=10_000)
    ap.add_argument("--members", type=int, default=20)
    a = ap.parse_args()
    print_machine()
    rng = np.random.default_rng(0)
    x = rng.normal(size=a.members)
    y = 2 * x + rng.normal(scale=0.5, size=a.members)
    t = time.perf_counter()
    slopes, _, _ = bootstrap_fits(x, y, a.n_boot, seed=1)
    t_vec = time.perf_counter() - t
    t = time.perf_counter()
    ref = loop(x, y, a.n_boot, seed=1)
    t_loop = time.perf_counter() - t
    print(f"n_boot = {a.n_boot}")
    print(f"members = {a.members}")
    print(f"max_abs_slope_difference = {np.nanmax(np.abs(slopes - ref)):.2e}")
    print(f"vectorised_seconds = {t_vec:.4f}")
    print(f"statsmodels_loop_seconds = {t_loop:.3f}")
    print(f"ratio_loop_over_vectorised = {t_loop / t_vec:.0f}")


if __name__ == "__main__":
    main()
