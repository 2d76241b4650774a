"""Reproduce the GCP-CH4 2020 budget tables (Saunois et al. 2020, Table 3) from the real workbook.

Usage::

    python analyses/gcp_ch4_budget.py --period 2008-2017 --out DIR

Writes ``DIR/td_summary.csv`` and ``DIR/bu_summary.csv`` (columns
``category,mean,min,max`` in Tg CH4/yr, categories named as in the workbook, plus the
counts used) for the GLOBAL region, ``DIR/td_regions.csv``/``DIR/bu_regions.csv`` for
every region, and ``DIR/td_vs_bu.png``: top-down vs bottom-up bars (mean with min–max)
per category, one panel per region.  The top-down rule is documented in
:mod:`mip.budgets.ch4`; bottom-up estimates each count once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from mip.budgets.ch4 import TD_BU_PAIRS as PAIRS
from mip.budgets.ch4 import bu_summary, td_summary
from mip.io import atomic_write
from mip.tables.gcp_ch4_workbook import PERIODS, read_workbook
from mip.report.figures import save, td_bu_bars

def _atomic_csv(df: pd.DataFrame, path: Path) -> None:
    with atomic_write(path) as tmp:
        df.to_csv(tmp, index=False, float_format="%.2f")


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
    save(td_bu_bars(td, bu, regions, a.period, PAIRS), a.out / "td_vs_bu.png")
    g = td[td.region == "GLOBAL"].set_index("category")
    print(f"GCP-CH4 top-down {a.period}, GLOBAL, Tg CH4/yr (mean [min-max]):")
    for cat, r in g.iterrows():
        print(f"  {cat:30s} {r['mean']:6.0f} [{r['min']:.0f}-{r['max']:.0f}]  ({r['n_groups']} groups of {r['n_runs']} runs)")
    print(f"written: {', '.join(p.name for p in sorted(a.out.glob('*')) if p.suffix in ('.csv', '.png'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
