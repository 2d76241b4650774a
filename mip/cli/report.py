"""``mip report``: the intercomparison report, one HTML page with figures and tables."""

from __future__ import annotations

import argparse
import sys

from mip.cli._common import Parents, pairs, period_arg, read_options, regrid_arg, spec_path, variables_option


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip report``."""
    from mip.regions.parse import spec_help

    r = sub.add_parser("report", help="the intercomparison report: one HTML page with figures and tables",
                       parents=[parents.catalog_entry, parents.data_root, parents.regrid, parents.compute,
                                parents.attribution, parents.model_files])
    r.add_argument("--regions", action="append", help=spec_help() + " (default: bands + land-ocean)")
    r.add_argument("--constraints", action="append", help="constraint spec (name in constraints/ or path)")
    r.add_argument("--protocol", help="protocol for the submission checks (default: the catalog's)")
    r.add_argument("--ch4-workbook", help="'bundled' or a GCP-CH4 workbook path: adds TD vs BU and CO2-eq")
    r.add_argument("--real-co2", action="store_true",
                   help="add the bundled real CO2 data: v10 MIP by latitude, GCB 2023 budget, NOAA growth rate")
    r.add_argument("--period", help="FIRST:LAST: only the steps of this period, the last included (2015:2020, "
                   "2015-01:2015-06; as in budget)")
    r.add_argument("--no-cf", action="store_true", help="skip the CF conformance suite in the submission checks")
    r.add_argument("--evaluate", action="append", help="an Earth system model's CMIP file: adds its evaluation "
                   "against the ensemble (repeat for each file; read as --calendar, --sign, ... say)")
    r.add_argument("--out", required=True, help="output directory")
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the intercomparison report (index.html with figures and CSV tables beside it)."""
    from mip.report import build_report

    from mip.io.scheduler import scheduler

    constraints = [spec_path(c) for c in (args.constraints or [])]
    period = period_arg(args.period)
    if period == "annual":
        period = None  # the report's budgets are annual anyway
    with scheduler(args.scheduler):
        page = build_report(args.catalog, args.entry, args.out, region_specs=args.regions, constraints=constraints,
                            protocol=args.protocol, data_root=args.data_root,
                            ch4_workbook=(True if args.ch4_workbook == "bundled" else args.ch4_workbook),
                            real_co2=args.real_co2, evaluate=args.evaluate,
                            evaluate_options={"calendar": args.calendar, **read_options(args)},
                            regrid=regrid_arg(args.regrid), period=period, cf=not args.no_cf,
                            progress=sys.stderr.isatty() and not args.quiet, attribution=args.attribution,
                            surfaces=pairs(args.surfaces, "--surfaces"),
                            read_options=variables_option(args.variables))
    print(f"report written to {page}")
    return 0
