"""Reproduce the Southern Ocean airborne emergent constraint (Long et al. 2021) on the vendored data.

Usage::

    python analyses/southern_ocean_airborne.py --out DIR

Runs ``constraints/southern-ocean-airborne.yaml`` (ODR, two season groups, 90-day flux
windows, land+fossil correction, unscaled covariance) and writes

* ``DIR/campaign_fluxes.csv`` — ``campaign,flux,flux_unc,n_models,slope,intercept`` (Pg C/yr);
* ``DIR/methods.csv`` — every method side by side per campaign (ODR unscaled and scaled,
  OLS + convolution, bootstrap, WLS with 1/n per inversion family, Bayesian);
* ``DIR/annual_mean.csv`` — the annual-mean flux from a harmonic fit to the campaign estimates;
* ``DIR/results.csv``, ``DIR/inputs.csv`` and the figures (scatter, per-campaign panels, PDFs).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from mip.constrain.output import campaign_table, write_outcome
from mip.constrain.runner import run_spec
from mip.constrain.spec import load_spec
from mip.io import atomic_write
from mip.obs import read_campaigns

SPEC = Path(__file__).resolve().parents[1] / "constraints" / "southern-ocean-airborne.yaml"
PUBLISHED = {"slope_DJF": (0.96, 0.10), "slope_MAMJJASON": (2.48, 0.14), "annual_mean": (-0.53, 0.23)}


def annual_mean(table: pd.DataFrame, campaigns: pd.DataFrame) -> tuple[float, float]:
    """Annual mean of a one-harmonic seasonal cycle fitted to the campaign fluxes (weights 1/unc²).

    Returns the mean and its standard error from the campaign uncertainties.
    """
    doy = campaigns.loc[table["campaign"], "mean_date"].dt.day_of_year.to_numpy()
    ph = 2 * np.pi * (doy - 0.5) / 365.25
    X = np.column_stack([np.ones_like(ph), np.cos(ph), np.sin(ph)])
    w = 1 / table["flux_unc"].to_numpy() ** 2
    A = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = A @ X.T @ (w * table["flux"].to_numpy())
    return float(beta[0]), float(np.sqrt(A[0, 0]))


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--spec", type=Path, default=SPEC)
    a = ap.parse_args(argv)
    spec = load_spec(a.spec)
    outcome = run_spec(spec)
    write_outcome(outcome, a.out)
    scaled = run_spec(spec.model_copy(update={"covariance": "scaled", "compare": []}))
    camps = read_campaigns()
    rows = []
    for label, oc, m in [("odr (unscaled cov, paper)", outcome, "odr"), ("odr (scaled cov)", scaled, "odr")] + \
            [(m, outcome, m) for m in outcome.results if m != "odr"]:
        t = campaign_table(oc, m)
        rows.append(t.assign(method=label))
    methods = pd.concat(rows, ignore_index=True)
    wide = methods.pivot(index="campaign", columns="method", values="flux").loc[camps.index]
    unc = methods.pivot(index="campaign", columns="method", values="flux_unc").loc[camps.index]
    side = pd.concat({"flux": wide, "flux_unc": unc}, axis=1)
    side.columns = [f"{m} {q}" for q, m in side.columns]
    with atomic_write(a.out / "methods.csv") as tmp:
        side.reset_index().to_csv(tmp, index=False, float_format="%.4f")
    am = []
    for label in methods["method"].unique():
        mean, se = annual_mean(methods[methods.method == label], camps)
        am.append({"method": label, "annual_mean": mean, "annual_mean_se": se})
    am = pd.DataFrame(am)
    with atomic_write(a.out / "annual_mean.csv") as tmp:
        am.to_csv(tmp, index=False, float_format="%.4f")
    main_t = campaign_table(outcome)
    print("Southern Ocean flux south of 45°S, Pg C/yr (ODR, unscaled covariance, as Long et al. 2021):")
    print(main_t.round(3).to_string(index=False))
    djf = outcome.results["odr"]["HIPPO-1"]
    jas = outcome.results["odr"]["HIPPO-2"]
    print(f"slope DJF {djf.slope:.2f} (published {PUBLISHED['slope_DJF'][0]} ± {PUBLISHED['slope_DJF'][1]}), "
          f"MAMJJASON {jas.slope:.2f} (published {PUBLISHED['slope_MAMJJASON'][0]} ± {PUBLISHED['slope_MAMJJASON'][1]})")
    print("annual mean by method (published -0.53 ± 0.23):")
    print(am.round(3).to_string(index=False))
    print("per campaign, every method (flux):")
    print(wide.round(2).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
