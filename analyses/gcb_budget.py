"""The Global Carbon Budget 2023 for any period, from the real workbook (Friedlingstein et al. 2023).

Usage::

    python analyses/gcb_budget.py --period 2013-2022 --out DIR [--workbook PATH]

Writes ``DIR/budget.csv`` (columns ``component,mean``, Gt C/yr, the period mean of each column
of the "Global Carbon Budget" sheet: ``fossil_emissions`` (excluding the cement carbonation
sink), ``land_use_change``, ``atmospheric_growth``, ``ocean_sink``, ``land_sink``,
``cement_carbonation_sink``, ``budget_imbalance``), ``DIR/budget_table.csv`` (the paper's
decadal-table layout: EFOS net of the carbonation sink, ELUC, their sum, GATM, SOCEAN, SLAND,
BIM, each also rounded to 0.1 as published) and ``DIR/sinks.csv`` (the ocean and land sinks of
the GCB estimate and of every model and data product over the period).  Without
``--workbook`` the bundled copy of the published workbook is read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from mip.errors import MipError
from mip.io import atomic_write
from mip.tables.gcb_workbook import paper_table, period_means, read_global_budget, read_sink_sheet


def _write(df: pd.DataFrame, path: Path) -> None:
    with atomic_write(path) as tmp:
        df.to_csv(tmp, index=False, float_format="%.6g")


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--period", default="2013-2022", help="FIRST-LAST (or FIRST:LAST) whole years, the last "
                    "included (default 2013-2022)")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--workbook", type=Path, default=None, help="default: the bundled real GCB 2023 workbook")
    a = ap.parse_args(argv)
    try:
        budget = read_global_budget(a.workbook)
        means = period_means(budget, a.period)
        sinks = []
        for sheet in ("Ocean Sink", "Terrestrial Sink"):
            m = period_means(read_sink_sheet(a.workbook, sheet), a.period)
            sinks.append(pd.DataFrame({"sheet": sheet, "model": m["model"].values, "kind": m["kind"].values,
                                       "mean": m.values}))
    except MipError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    a.out.mkdir(parents=True, exist_ok=True)
    _write(means.to_series().rename("mean").reset_index(), a.out / "budget.csv")
    table = paper_table(means)
    _write(table, a.out / "budget_table.csv")
    _write(pd.concat(sinks, ignore_index=True), a.out / "sinks.csv")
    print(f"Global Carbon Budget 2023, {means.attrs['period']} mean (Gt C/yr), from {budget.attrs['source_file']}:")
    for _, r in table.iterrows():
        print(f"  {r['row']:55s} {r['rounded']:5.1f}   ({r['mean']:.3f})")
    print(f"written: budget.csv, budget_table.csv, sinks.csv in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
