"""The real OCO-2 v10 MIP ensemble by latitude (Stephens et al. 2026 band files): medians and spreads.

Usage::

    python analyses/v10mip_zonal.py --out DIR [--data ../shared/data/stephens2026-v10mip/V10MIP]
                                    [--period 2015-01:2020-12]

Reads every member's 10° band time series (13 models, 5 experiments + the prior), averages them
over the period (months weighted by their length) and writes ``DIR/zonal_stats.csv``: per
experiment, region set, region and component (land, ocean, fossil, total; Pg C/yr, positive = to
the atmosphere) the ensemble median, the spread IQR/1.35 (the OCO-2 MIP's measure), mean, SD,
min, max and the number of members.  Region sets: ``gcb`` (north > 30°N, tropics 30°S–30°N,
south < 30°S: exact, 30° is an edge of the 10° bands), ``20deg`` (the tables' 90S-20S, 20S-20N,
20N-90N) and ``globe``.  ``DIR/zonal_members.csv`` has every member's value, and
``DIR/zonal_bands.png`` the medians with their spread per experiment.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from mip.errors import MipError
from mip.io import atomic_write
from mip.budgets.stats import ensemble_stats
from mip.conventions.period import parse_period, period_mean
from mip.tables.v10mip_zonal import REGION_SETS, combine_bands, read_zonal_ensemble

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "stephens2026-v10mip" / "V10MIP"
COMPONENTS = ("land", "ocean", "fossil", "total")


def zonal_tables(ens, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(statistics, members) long tables for every region set, experiment and component."""
    stats, members = [], []
    for set_name, regions in REGION_SETS.items():
        tot = period_mean(combine_bands(ens[list(COMPONENTS)], regions), period, time_bounds=ens["time_bounds"])
        for comp in COMPONENTS:
            st = ensemble_stats(tot[comp]).to_dataframe().reset_index()
            stats.append(st.assign(region_set=set_name, component=comp))
            mem = tot[comp].to_dataframe(name="value").reset_index()
            members.append(mem.assign(region_set=set_name, component=comp))
    cols = ["experiment", "region_set", "region", "component", "median", "iqr_1_35", "mean", "sd", "min", "max",
            "n_members", "n_missing"]
    st = pd.concat(stats, ignore_index=True)[cols]
    mem = pd.concat(members, ignore_index=True)[["experiment", "region_set", "region", "component", "model", "value"]]
    return st, mem.dropna(subset=["value"])


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--data", type=Path, default=DEFAULT, help="the V10MIP folder (default ../shared/data/...)")
    ap.add_argument("--period", default="2015-01:2020-12", help="FIRST:LAST, the last included (default "
                    "2015-01:2020-12)")
    a = ap.parse_args(argv)
    try:
        ens = read_zonal_ensemble(a.data)
        stats, members = zonal_tables(ens, a.period)
    except MipError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    from mip.report.figures import save, zonal_bars

    a.out.mkdir(parents=True, exist_ok=True)
    for df, name in ((stats, "zonal_stats.csv"), (members, "zonal_members.csv")):
        with atomic_write(a.out / name) as tmp:
            df.to_csv(tmp, index=False, float_format="%.4f")
    period = parse_period(a.period).label
    save(zonal_bars(stats, f"OCO-2 v10 MIP (real band files), {period}"), a.out / "zonal_bands.png")
    print(f"OCO-2 v10 MIP, {period}, ensemble median [IQR/1.35] in Pg C/yr (missing: {ens.attrs['missing_members']}):")
    g = stats[(stats.region_set != "20deg") & (stats.component.isin(["land", "ocean", "total"]))]
    for e in dict.fromkeys(g.experiment):
        row = "  ".join(f"{r.region[:5]}/{r.component[:3]} {r['median']:6.2f} [{r.iqr_1_35:.2f}]"
                        for _, r in g[(g.experiment == e) & (g.component != "total")].iterrows())
        print(f"  {e:9s} {row}")
    print(f"written: zonal_stats.csv, zonal_members.csv, zonal_bands.png in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
