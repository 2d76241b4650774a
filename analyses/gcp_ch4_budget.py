"""Reproduce the GCP-CH4 2020 budget tables (Saunois et al. 2020, Table 3) from the real workbook.

Usage::

    python analyses/gcp_ch4_budget.py --period 2008-2017 --out DIR

Writes ``DIR/td_summary.csv`` and ``DIR/bu_summary.csv`` (columns
``category,mean,min,max`` in Tg CH4/yr, categories named as in the workbook, plus the
counts used) for the GLOBAL region, ``DIR/td_regions.csv``/``DIR/bu_regions.csv`` for
every region, and ``DIR/td_vs_bu.png``: top-down vs bottom-up bars (mean with min–max)
per category, one panel per region.  The top-down rule is documented in
:mod:`mip.ch4budget`; bottom-up estimates each count once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from mip.ch4budget import bu_summary, td_summary  # noqa: E402
from mip.products.gcp_ch4 import PERIODS, read_workbook  # noqa: E402

#: TD label → the BU labels whose means add up to the comparable bottom-up value.
PAIRS = {
    "Wetlands": ["Wetland"],
    "Agriculture and Waste": ["Agriculture and Waste"],
    "Fossil fuels": ["Fossil fuel"],
    "Biomass and Biofuel Burning": ["Biomass burning", "Biofuel"],
}


def _atomic_csv(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".part")
    df.to_csv(tmp, index=False, float_format="%.2f")
    tmp.replace(path)


def _bars(td: pd.DataFrame, bu: pd.DataFrame, regions: list[str], period: str, path: Path) -> None:
    ncol = 5
    nrow = int(np.ceil(len(regions) / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(4 * ncol, 3 * nrow), squeeze=False)
    x = np.arange(len(PAIRS))
    for ax, reg in zip(axes.ravel(), regions):
        t = td[td.region == reg].set_index("category")
        b = bu[bu.region == reg].set_index("category")
        tm = [t["mean"].get(k, np.nan) for k in PAIRS]
        terr = [[tm[i] - t["min"].get(k, np.nan) for i, k in enumerate(PAIRS)],
                [t["max"].get(k, np.nan) - tm[i] for i, k in enumerate(PAIRS)]]
        bm = [sum(b["mean"].get(c, np.nan) for c in cs) for cs in PAIRS.values()]
        berr = [[bm[i] - sum(b["min"].get(c, np.nan) for c in cs) for i, cs in enumerate(PAIRS.values())],
                [sum(b["max"].get(c, np.nan) for c in cs) - bm[i] for i, cs in enumerate(PAIRS.values())]]
        ax.bar(x - 0.2, tm, 0.4, yerr=np.abs(terr), capsize=2, label="top-down", color="tab:blue")
        ax.bar(x + 0.2, bm, 0.4, yerr=np.abs(berr), capsize=2, label="bottom-up", color="tab:orange")
        ax.set_title(reg, fontsize=9)
        ax.set_xticks(x, ["wetl.", "agri.+waste", "fossil", "BB+BF"], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
    for ax in axes.ravel()[len(regions):]:
        ax.set_visible(False)
    axes[0, 0].legend(fontsize=7)
    axes[0, 0].set_ylabel("Tg CH4/yr")
    fig.suptitle(f"GCP-CH4 {period}: top-down vs bottom-up (mean, min-max)")
    fig.tight_layout()
    tmp = path.with_name(path.name + ".part.png")
    fig.savefig(tmp, dpi=90)
    plt.close(fig)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--period", choices=PERIODS, default="2008-2017")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--workbook", type=Path, default=None, help="default: the bundled real workbook")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    td_ds, bu_ds = read_workbook(a.workbook, approach="TD"), read_workbook(a.workbook, approach="BU")
    regions = [str(r) for r in td_ds.region.values]
    td = pd.concat([td_summary(td_ds, a.period, r).assign(region=r) for r in regions], ignore_index=True)
    bu = pd.concat([bu_summary(bu_ds, a.period, r).assign(region=r) for r in regions], ignore_index=True)
    cols = ["category", "mean", "min", "max", "n_groups", "n_runs"]
    _atomic_csv(td[td.region == "GLOBAL"][cols], a.out / "td_summary.csv")
    _atomic_csv(bu[bu.region == "GLOBAL"][cols], a.out / "bu_summary.csv")
    _atomic_csv(td[["region"] + cols], a.out / "td_regions.csv")
    _atomic_csv(bu[["region"] + cols], a.out / "bu_regions.csv")
    _bars(td, bu, regions, a.period, a.out / "td_vs_bu.png")
    g = td[td.region == "GLOBAL"].set_index("category")
    print(f"GCP-CH4 top-down {a.period}, GLOBAL, Tg CH4/yr (mean [min-max]):")
    for cat, r in g.iterrows():
        print(f"  {cat:30s} {r['mean']:6.0f} [{r['min']:.0f}-{r['max']:.0f}]  ({r['n_groups']} groups of {r['n_runs']} runs)")
    print(f"written: {', '.join(p.name for p in sorted(a.out.glob('*')) if p.suffix in ('.csv', '.png'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
