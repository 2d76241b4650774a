"""``mip demo``: the main job on the bundled data (a synthetic OCO-2 MIP sample, the real bundled tables, the report)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mip.cli._common import Parents, spec_path, write_text


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip demo``."""
    d = sub.add_parser("demo", help="run the main job on the bundled data")
    d.add_argument("--out", default="mip-demo", help="output directory (default: ./mip-demo)")
    d.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the report on the sample; meanwhile write the sample, print global totals and the real data."""
    from functools import partial

    from mip.io.figure_worker import prestart
    from mip.report import DRAWING_MODULES

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)  # an unusable folder is refused before a second process starts
    prestart(preload=DRAWING_MODULES)  # the figure process starts and imports while this one does
    from mip.io.scheduler import scheduler
    from mip.report import build_report
    from mip.testing import SAMPLE_CATALOG, write_cmip6_sample

    print(f"building the report in {out / 'report'} (checks, budgets, maps, the real v10 MIP / GCB 2023 / NOAA "
          "sections, GCP-CH4 TD vs BU, CO2-eq, the three-gas stocktake, a SYNTHETIC CMIP6 model's evaluation, the "
          "Southern Ocean airborne constraint) ...", flush=True)
    esm = write_cmip6_sample(out)
    # The report's first sections on bundled data are drawn by the figure process while the sample is
    # written and summarised here (meanwhile), before the report opens the sample's catalog.
    with scheduler():  # as mip report: $MIP_SCHEDULER, else the threaded scheduler
        page = build_report(out / SAMPLE_CATALOG, "gridded_fluxes", out / "report", ch4_workbook=True,
                            real_co2=True, cf=False, constraints=[spec_path("southern-ocean-airborne")],
                            evaluate=[str(f) for f in esm],
                            evaluate_options={"calendar": "by-month", "land_fraction": "natural-earth"},
                            progress=sys.stderr.isatty(), meanwhile=partial(_sample, out))
    print(f"report written to {page}")
    return 0


def _sample(out: Path) -> None:
    """Write the sample, open it through its catalog, print global totals per model; print the real data."""
    from mip.budgets.totals import global_total
    from mip.catalog import open_ensemble
    from mip.tables.gcp_ch4_workbook import read_workbook
    from mip.testing import write_oco2mip_sample

    print(f"writing the synthetic OCO-2-MIP-format sample to {out} ...", flush=True)
    cat = write_oco2mip_sample(out, compress=False)  # 73 MB instead of 23 MB, 1.5 s less CPU (written once, read 3 times)
    ds = open_ensemble(cat, "gridded_fluxes")
    tot = global_total(ds, ["land", "ocean"]).compute()
    df = tot.to_dataframe()[["land", "ocean"]].round(3)
    print("\nGlobal annual fluxes, Pg C/yr (positive = to the atmosphere; SYNTHETIC sample, "
          f"{str(ds.time.values[0])[:7]}..{str(ds.time.values[-1])[:7]}):")
    for exp in ds.experiment.values:
        sub = df.xs(exp, level="experiment")
        print(f"\n  experiment {exp}")
        print("    " + sub.to_string().replace("\n", "\n    "))
    write_text(out / "global_totals.csv", df.to_csv())
    td = read_workbook()
    g = td["total"].sel(region="GLOBAL")
    print("\nGCP-CH4 2020 workbook (real data), top-down total sources, GLOBAL, Tg CH4/yr:")
    for p in td.period.values:
        v = g.sel(period=p).dropna("model")
        print(f"  {p}: {v.size} runs, mean {float(v.mean()):.0f}, range {float(v.min()):.0f}-{float(v.max()):.0f}")
    print(f"\ntable written to {out / 'global_totals.csv'}")
    _real_co2()
    print(flush=True)


def _real_co2() -> None:
    """Print the real CO2 data the demo bundles: v10 MIP by latitude, GCB 2023, NOAA growth rate."""
    from mip.report.published_co2 import GCB_YEARS, V10_WINDOW, gcb_vs_inversions, growth_rate_table, v10mip_zonal_stats
    from mip.tables.gcb_workbook import paper_table, period_means, read_global_budget

    zonal = v10mip_zonal_stats()
    print(f"\nOCO-2 v10 MIP (REAL, Stephens et al. 2026 tables), {V10_WINDOW}, total flux by GCB band, "
          "Pg C/yr, median [IQR/1.35]:")
    g = zonal[(zonal.component == "total") & zonal.region_set.isin(["gcb", "globe"])]
    for e in dict.fromkeys(g.experiment):
        r = g[g.experiment == e]
        print(f"  {e:9s} " + "  ".join(f"{x.region} {x['median']:5.2f} [{x.iqr_1_35:.2f}]" for _, x in r.iterrows())
              + f"  ({int(r.n_members.iloc[0])} models)")
    t = paper_table(period_means(read_global_budget(), (2013, 2022)))
    print("\nGlobal Carbon Budget 2023 (REAL workbook), 2013-2022, Gt C/yr: "
          + "; ".join(f"{row.split(' (')[0]} {v:.1f}" for row, v in zip(t.row, t.rounded)))
    cmp_ = gcb_vs_inversions(zonal)
    print(f"GCB {GCB_YEARS[0]}-{GCB_YEARS[1]} vs v10 MIP LNLGIS median (river-adjusted), Pg C/yr to the atmosphere: "
          + "; ".join(f"{r.component} {r.gcb:.2f} vs {r.inversions_river_adjusted:.2f}" for _, r in cmp_.iterrows()))
    gr = growth_rate_table().tail(5)
    print("NOAA observed CO2 growth rate (REAL), ppm/yr [Pg C/yr]: "
          + "; ".join(f"{int(r.year)} {r.noaa_ppm_per_yr:.2f} [{r.noaa_pgc_per_yr:.2f}]" for _, r in gr.iterrows()))
