"""``mip budget``: regional totals of a catalog entry (CSV + netCDF + ensemble statistics)."""

from __future__ import annotations

import argparse

from mip.cli._common import Parents, out_dir, pairs, period_arg, regrid_arg, variables_option


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip budget``."""
    from mip.regions.parse import spec_help

    b = sub.add_parser("budget", help="regional totals of an ensemble (CSV + netCDF + ensemble statistics)",
                       parents=[parents.catalog_entry, parents.data_root, parents.regrid, parents.compute,
                                parents.attribution])
    b.add_argument("--regions", action="append", required=True, help=spec_help() + "; repeat to combine")
    b.add_argument("--period", default="monthly", help="monthly (default), annual, all (one mean over the whole "
                   "time axis), or FIRST:LAST (one mean over that period, the last included: 2015:2020, "
                   "2015-03:2016-02)")
    b.add_argument("--out", required=True, help="output directory: budget.csv, budget.nc, budget_stats.csv (and "
                   "national*.csv/.nc, inventory.csv with --lateral)")
    b.add_argument("--lateral", help="lateral-flux grid (CEOS layout): adds NBE/NCE/dC_loss per region (CEOS CSV)")
    b.add_argument("--inventory", help="CSV (iso3, year, value, unit[, uncertainty]) to compare dC_loss with")
    b.add_argument("--uncertainty", choices=["quadrature", "ceos"], default="quadrature",
                   help="how dC_loss and NCE uncertainties combine (default quadrature)")
    b.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Regional budget table of a catalog entry: CSV, netCDF and ensemble statistics."""
    from mip.budgets.aggregation import aggregate
    from mip.budgets.completeness import annotate, name_all_nan_members
    from mip.catalog import open_ensemble
    from mip.catalog.ensemble import READ_FAILURES, unreadable_members
    from mip.io.scheduler import compute, scheduler
    from mip.regions import parse_regions
    from mip.report.budget_files import write_budget

    regions = parse_regions(args.regions)
    regrid = regrid_arg(args.regrid)
    period = period_arg(args.period)
    out_dir(args.out, make=False)  # a wrong --out is refused before the work, and nothing is made for a failed run
    with scheduler(args.scheduler) as client:
        # all-NaN members are found from the totals below, so the data are read once, not twice
        def budget(exclude=None):
            ds = open_ensemble(args.catalog, args.entry, data_root=args.data_root, regrid=regrid,
                               check_all_nan=False, exclude=exclude, **variables_option(args.variables))
            return ds, compute(aggregate(ds, regions, period=period, attribution=args.attribution,
                                         surfaces=pairs(args.surfaces, "--surfaces")), client, progress=not args.quiet)

        try:
            ds, totals = budget()
        except READ_FAILURES:  # a damaged block: find whose, leave those members out (named), as missing ones are
            bad = unreadable_members(open_ensemble(args.catalog, args.entry, data_root=args.data_root, regrid=regrid,
                                                   check_all_nan=False, **variables_option(args.variables)))
            if not bad:
                raise
            ds, totals = budget(exclude=bad)
    name_all_nan_members(totals, ds)
    annotate(totals)  # names every member, variable and period that is NaN for lack of data
    for k in ("excluded_members", "absent_pairs", "padded_members", "grid_tolerance"):
        if k in ds.attrs:
            totals.attrs[k] = ds.attrs[k]
    totals.attrs["catalog"] = f"{args.catalog}:{args.entry}"
    prefix = out_dir(args.out)
    files = write_budget(totals, f"{prefix}budget")
    if args.lateral:
        from mip.report.national_files import write_national

        more, unknown = write_national(ds, regions, args.lateral, prefix, source=f"{args.catalog}:{args.entry}",
                                       uncertainty=args.uncertainty, inventory=args.inventory)
        files += more
        if unknown:
            print(f"inventory countries not in the region set (not compared): {', '.join(unknown)}")
    print("written: " + ", ".join(str(f) for f in files))
    return 0
