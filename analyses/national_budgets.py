"""National stock-change budgets on the sample ensemble: NBE → NCE and ΔC_loss with lateral fluxes.

Usage::

    python analyses/national_budgets.py --out DIR

On the REAL bundled countries (Natural Earth 1:50m, by ISO alpha-3 code; ``--synthetic-countries``
for the sample's boxes) with SYNTHETIC fluxes from :mod:`mip.testing`: the OCO-2-MIP-format sample
ensemble and a CEOS-layout lateral-flux grid.  Writes ``DIR/national_budgets.csv`` (CEOS country
layout, Tg CO2; the land flux no country takes is its ``unattributed`` row),
``DIR/national_budgets.nc`` (Tg C, per model too), ``DIR/coastal_share.csv`` (per country, the
share of its land total attributed from coastal cells), ``DIR/inventory_comparison.csv``
against a synthetic inventory table, and ``DIR/nbe_vs_dc_loss.png`` for the largest countries.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from mip import open_ensemble  # noqa: E402
from mip.errors import MemberWarning  # noqa: E402
from mip.io import atomic_write, save_figure  # noqa: E402
from mip.budgets.national import compare_inventory, national_budget  # noqa: E402
from mip.products.ceos import read_ceos_grid, write_ceos_countries  # noqa: E402
from mip.regions import read_regions  # noqa: E402
from mip.regions import countries  # noqa: E402
from mip.testing import write_country_sample, write_lateral_sample, write_oco2mip_sample  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--uncertainty", choices=["quadrature", "ceos"], default="quadrature")
    ap.add_argument("--synthetic-countries", action="store_true", help="the sample's box countries instead of the "
                    "bundled Natural Earth ones")
    a = ap.parse_args(argv)
    data = a.out / "sample-data"
    cat = write_oco2mip_sample(data)
    lateral = read_ceos_grid(write_lateral_sample(data / "pilot_topdown_CO2_Budget_grid_sample.nc"))
    regions = (read_regions(write_country_sample(data / "countries.gpkg"), field="ISO_A3", surface="land")
               if a.synthetic_countries else countries())
    ens = open_ensemble(cat, "gridded_fluxes")
    budget = national_budget(ens, regions, lateral, uncertainty=a.uncertainty).compute()
    write_ceos_countries(budget, a.out / "national_budgets.csv",
                         header=["# SYNTHETIC fluxes (the fluxmip sample) on the real Natural Earth countries: "
                                 "not a real national budget"])
    with atomic_write(a.out / "coastal_share.csv") as tmp:
        budget["coastal_land_share"].to_series().dropna().to_csv(tmp, float_format="%.4f")
    with atomic_write(a.out / "national_budgets.nc") as tmp:
        budget.to_netcdf(tmp)
    known = ["XNA", "XEU", "XAS"] if a.synthetic_countries else ["USA", "FRA", "CHN"]
    inv = pd.DataFrame({"iso3": known + ["XYZ"], "year": 2015, "value": [-250.0, -150.0, -700.0, -40.0],
                        "unit": "TgCO2", "uncertainty": [100.0, 60.0, 200.0, 10.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MemberWarning)  # the unknown countries are printed below
        comp, unknown = compare_inventory(budget, inv, file="synthetic inventory")
    with atomic_write(a.out / "inventory_comparison.csv") as tmp:
        comp.to_csv(tmp, index=False, float_format="%.4g")
    area = budget["region_area"].to_series() if "region_area" in budget.coords else None
    largest = list(area.sort_values(ascending=False).index[:6]) if area is not None else list(budget.country.values)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    x = np.arange(len(largest))
    for i, (v, lab) in enumerate([("NBE", "NBE (median)"), ("dC_loss", "ΔC_loss (stock loss)")]):
        vals = budget[v].sel(year=2015, experiment="IS", country=largest)
        unc = budget[f"{v}_unc"].sel(year=2015, experiment="IS", country=largest)
        ax.bar(x + (i - 0.5) * 0.38, vals, 0.38, yerr=unc, capsize=3, label=lab)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(x, largest)
    ax.set_ylabel("Tg C/yr (positive = to the atmosphere / stock loss)")
    ax.set_title("SYNTHETIC fluxes on the real countries, experiment IS, 2015: NBE vs ΔC_loss")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, a.out / "nbe_vs_dc_loss.png")
    print(budget[["NBE", "NCE", "dC_loss", "dC_loss_unc", "coastal_land_share"]].sel(year=2015, experiment="IS",
                                                                                     country=largest + ["unattributed"])
          .to_dataframe()[["NBE", "NCE", "dC_loss", "dC_loss_unc", "coastal_land_share"]].round(2).to_string())
    if unknown:
        print(f"inventory countries not in the region set (not compared): {', '.join(unknown)}")
    print(f"written: {', '.join(sorted(p.name for p in a.out.iterdir() if p.is_file()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
