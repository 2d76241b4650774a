"""``mip evaluate``: score an Earth system model's CMIP files against a catalog's inversion ensemble."""

from __future__ import annotations

import argparse
from pathlib import Path

from mip.cli._common import Parents, period_arg, read_options, write_text


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip evaluate``."""
    from mip.regions.parse import spec_help

    ev = sub.add_parser("evaluate", help="score an Earth system model (CMIP files) against an inversion ensemble",
                        parents=[parents.catalog_entry, parents.data_root, parents.model_files, parents.no_figures])
    ev.add_argument("files", nargs="+", help="the model's CMIP-convention files (nbp, fgco2, ...; time chunks joined)")
    ev.add_argument("--experiment", help="ensemble experiment (default its first)")
    ev.add_argument("--regions", action="append", help=spec_help() + " (default: bands + land-ocean)")
    ev.add_argument("--period", help="FIRST:LAST whole years, the last included (e.g. 2015:2020; default every "
                    "whole year both cover)")
    ev.add_argument("--out", default="evaluation-out", help="output directory (default ./evaluation-out)")
    ev.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Score an Earth system model's CMIP files against a catalog's inversion ensemble: CSV, figure, summary."""
    from mip.budgets.esm_scores import evaluation_table
    from mip.regions import parse_regions
    from mip.report.esm_evaluation import run_evaluation

    regions = parse_regions(args.regions) if args.regions else None
    scores, name = run_evaluation(args.files, args.catalog, args.entry, experiment=args.experiment, regions=regions,
                                  period=period_arg(args.period, keywords=False), calendar=args.calendar,
                                  data_root=args.data_root, **read_options(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table = evaluation_table(scores)
    write_text(out / "scores.csv", table.to_csv(index=False, float_format="%.6g"))
    if not args.no_figures:
        from mip.report import figures as F

        F.save(F.evaluation_ranges(scores, name), out / "scores.png")
    print(f"{name} against {args.catalog}:{args.entry} ({scores.attrs['experiment']}), {scores.attrs['period']}, "
          f"{scores.attrs['units']}:")
    for _, r in table.iterrows():
        print(f"  {r.variable:8s} {r.region:14s} model {r.model_mean:8.3f}  ensemble median {r.ensemble_median:8.3f} "
              f"[{r.ensemble_min:.3f}, {r.ensemble_max:.3f}]  {'no data' if r.in_range != r.in_range else 'inside' if r.in_range else 'OUTSIDE'}  "
              f"distance {r.distance:+.2f}  seasonal r {r.seasonal_correlation:.2f}, amplitude x{r.amplitude_ratio:.2f}")
    print(f"written to {out}")
    return 0
