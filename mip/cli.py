"""The ``mip`` command: ``demo``, ``report``, ``check``, ``budget``, ``constrain``, ``stocktake``, ``catalog``, lists."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from mip.errors import MemberWarning, MipError

__all__ = ["main"]


def _write_atomic(path: Path, text: str) -> None:
    from mip.io import atomic_write

    with atomic_write(path) as tmp:
        tmp.write_text(text)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the intercomparison report (index.html with figures and CSV tables beside it)."""
    from mip.report import build_report

    from mip.io.scheduler import scheduler

    constraints = [_spec_path(c) for c in (args.constraints or [])]
    period = _period_arg(args.period)
    if period == "annual":
        period = None  # the report's budgets are annual anyway
    with scheduler(args.scheduler):
        page = build_report(args.catalog, args.entry, args.out, region_specs=args.regions, constraints=constraints,
                            protocol=args.protocol, data_root=args.data_root,
                            ch4_workbook=(True if args.ch4_workbook == "bundled" else args.ch4_workbook),
                            real_co2=args.real_co2, evaluate=args.evaluate,
                            evaluate_options={"calendar": args.calendar, **_read_options(args)},
                            regrid=_regrid_arg(args.regrid), period=period, cf=not args.no_cf,
                            progress=sys.stderr.isatty() and not args.quiet, attribution=args.attribution,
                            surfaces=_pairs(args.surfaces, "--surfaces"),
                            read_options=_variables_option(args.variables))
    print(f"report written to {page}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the sample, open it through its catalog, print global totals per model."""
    from mip.budgets.totals import global_total
    from mip.catalog import open_ensemble
    from mip.products.gcp_ch4 import read_workbook
    from mip.testing import write_cmip6_sample, write_oco2mip_sample

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"writing the synthetic OCO-2-MIP-format sample to {out} ...", flush=True)
    cat = write_oco2mip_sample(out)
    ds = open_ensemble(cat, "gridded_fluxes")
    tot = global_total(ds, ["land", "ocean"]).compute()
    df = tot.to_dataframe()[["land", "ocean"]].round(3)
    print("\nGlobal annual fluxes, Pg C/yr (positive = to the atmosphere; SYNTHETIC sample, "
          f"{str(ds.time.values[0])[:7]}..{str(ds.time.values[-1])[:7]}):")
    for exp in ds.experiment.values:
        sub = df.xs(exp, level="experiment")
        print(f"\n  experiment {exp}")
        print("    " + sub.to_string().replace("\n", "\n    "))
    _write_atomic(out / "global_totals.csv", df.to_csv())
    td = read_workbook()
    g = td["total"].sel(region="GLOBAL")
    print("\nGCP-CH4 2020 workbook (real data), top-down total sources, GLOBAL, Tg CH4/yr:")
    for p in td.period.values:
        v = g.sel(period=p).dropna("model")
        print(f"  {p}: {v.size} runs, mean {float(v.mean()):.0f}, range {float(v.min()):.0f}-{float(v.max()):.0f}")
    print(f"\ntable written to {out / 'global_totals.csv'}")
    _demo_real_co2()
    from mip.report import build_report

    print("\nbuilding the report (checks, budgets, maps, the real v10 MIP / GCB 2023 / NOAA sections, GCP-CH4 TD vs "
          "BU, CO2-eq, the three-gas stocktake, a SYNTHETIC CMIP6 model's evaluation, the Southern Ocean airborne "
          "constraint) ...", flush=True)
    esm = write_cmip6_sample(out)
    page = build_report(cat, "gridded_fluxes", out / "report", ch4_workbook=True, real_co2=True, cf=False,
                        constraints=[_spec_path("southern-ocean-airborne")], evaluate=[str(f) for f in esm],
                        evaluate_options={"calendar": "by-month", "land_fraction": "natural-earth"},
                        progress=sys.stderr.isatty())
    print(f"report written to {page}")
    return 0


def _demo_real_co2() -> None:
    """Print the real CO2 data the demo bundles: v10 MIP by latitude, GCB 2023, NOAA growth rate."""
    from mip.report.real import GCB_YEARS, V10_WINDOW, gcb_vs_inversions, growth_rate_table, v10mip_zonal_stats
    from mip.tables.gcb_workbook import paper_table, period_means, read_global_budget

    zonal = v10mip_zonal_stats()
    print(f"\nOCO-2 v10 MIP (REAL, Stephens et al. 2026 tables), {V10_WINDOW}, total flux by GCB band, "
          "Pg C/yr, median [IQR/1.35]:")
    g = zonal[(zonal.component == "total") & zonal.region_set.isin(["gcb", "globe"])]
    for e in dict.fromkeys(g.experiment):
        r = g[g.experiment == e]
        print(f"  {e:9s} " + "  ".join(f"{x.region} {x['median']:5.2f} [{x.iqr_1_35:.2f}]" for _, x in r.iterrows())
              + f"  ({int(r.n_members.iloc[0])} models)")
    t = paper_table(period_means(read_global_budget(), 2013, 2022))
    print("\nGlobal Carbon Budget 2023 (REAL workbook), 2013-2022, Gt C/yr: "
          + "; ".join(f"{row.split(' (')[0]} {v:.1f}" for row, v in zip(t.row, t.rounded)))
    cmp_ = gcb_vs_inversions(zonal)
    print(f"GCB {GCB_YEARS[0]}-{GCB_YEARS[1]} vs v10 MIP LNLGIS median (river-adjusted), Pg C/yr to the atmosphere: "
          + "; ".join(f"{r.component} {r.gcb:.2f} vs {r.inversions_river_adjusted:.2f}" for _, r in cmp_.iterrows()))
    gr = growth_rate_table().tail(5)
    print("NOAA observed CO2 growth rate (REAL), ppm/yr [Pg C/yr]: "
          + "; ".join(f"{int(r.year)} {r.noaa_ppm_per_yr:.2f} [{r.noaa_pgc_per_yr:.2f}]" for _, r in gr.iterrows()))


def cmd_list(args: argparse.Namespace) -> int:
    """``mip protocols|constraints|families list``: what is known, with where it comes from."""
    if args.command == "families":
        from mip.products import families

        for name in families():
            print(name)
        return 0
    if args.command == "protocols":
        from mip.checks.protocol import list_protocols as known
    else:
        from mip.constrain.spec import list_specs as known
    for name, path in known().items():
        print(f"{name:28s} {path}")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    """List the named catalogs or show one's entries."""
    from mip.catalog import list_catalogs, open_catalog

    if args.action == "list":
        for name, path in list_catalogs().items():
            cat = open_catalog(path)
            title = (cat.metadata or {}).get("title", "")
            print(f"{name:16s} {title}  [{', '.join(list(cat))}]")
        return 0
    if not args.name:
        raise MipError("mip catalog show needs a catalog NAME (see 'mip catalog list')")
    cat = open_catalog(args.name)
    md = cat.metadata or {}
    print(f"{args.name}: {md.get('title', '')} (version {md.get('product_version', '?')})")
    for entry in cat:
        d = cat[entry].describe()
        a = d.get("args", {})
        print(f"\n  {entry}: {d.get('description', '')}")
        print(f"    family:      {a.get('family')}")
        print(f"    files:       {a.get('urlpath')}")
        if a.get("models"):
            print(f"    models:      {', '.join(a['models'])}")
        if a.get("experiments"):
            print(f"    experiments: {', '.join(a['experiments'])}")
        if a.get("options"):
            print(f"    options:     {a['options']}")
        if a.get("model_options"):
            print(f"    per model:   {a['model_options']}")
        if a.get("unit_spellings"):
            print(f"    unit spellings: {a['unit_spellings']}")
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    """Regional budget table of a catalog entry: CSV, netCDF and ensemble statistics."""
    from mip.budgets.aggregation import aggregate
    from mip.catalog import open_ensemble
    from mip.catalog.ensemble import READ_FAILURES, unreadable_members
    from mip.io.scheduler import compute, scheduler
    from mip.regions import parse_regions
    from mip.tables import write_budget

    regions = parse_regions(args.regions)
    regrid = _regrid_arg(args.regrid)
    period = _period_arg(args.period)
    with scheduler(args.scheduler) as client:
        # all-NaN members are found from the totals below, so the data are read once, not twice
        def budget(exclude=None):
            ds = open_ensemble(args.catalog, args.entry, data_root=args.data_root, regrid=regrid,
                               check_all_nan=False, exclude=exclude, **_variables_option(args.variables))
            return ds, compute(aggregate(ds, regions, period=period, attribution=args.attribution,
                                         surfaces=_pairs(args.surfaces, "--surfaces")), client, progress=not args.quiet)

        try:
            ds, totals = budget()
        except READ_FAILURES:  # a damaged block: find whose, leave those members out (named), as missing ones are
            bad = unreadable_members(open_ensemble(args.catalog, args.entry, data_root=args.data_root, regrid=regrid,
                                                   check_all_nan=False, **_variables_option(args.variables)))
            if not bad:
                raise
            ds, totals = budget(exclude=bad)
    _report_all_nan(totals, ds)
    from mip.budgets.completeness import annotate

    annotate(totals)  # names every member, variable and period that is NaN for lack of data
    for k in ("excluded_members", "absent_pairs", "padded_members", "grid_tolerance"):
        if k in ds.attrs:
            totals.attrs[k] = ds.attrs[k]
    totals.attrs["catalog"] = f"{args.catalog}:{args.entry}"
    prefix = _out_prefix(args.out)
    files = write_budget(totals, f"{prefix}budget" if prefix.endswith("/") else prefix[:-1])
    if args.lateral:
        files += _national(args, ds, regions, prefix)
    print("written: " + ", ".join(str(f) for f in files))
    return 0


def _pairs(text: str | None, flag: str) -> dict[str, str] | None:
    """``a=b,c=d`` → {a: b, c: d}, or a clear error."""
    if not text:
        return None
    out = {}
    for part in text.split(","):
        k, eq, v = part.partition("=")
        if not eq or not k.strip() or not v.strip():
            raise MipError(f"{flag} {text!r}: expected NAME=VALUE[,NAME=VALUE...]")
        out[k.strip()] = v.strip()
    if flag == "--surfaces":
        bad = {k: v for k, v in out.items() if v not in ("land", "ocean", "both")}
        if bad:
            raise MipError(f"{flag} {text!r}: surfaces are land, ocean or both (found {bad})")
    return out


def _variables_option(text: str | None) -> dict:
    """``--variables land=NATIVE,ocean=NATIVE`` → the reader option ``variables={canonical: native}``."""
    pairs = _pairs(text, "--variables")
    return {"variables": pairs} if pairs else {}


def _add_budget_options(p: argparse.ArgumentParser) -> None:
    """The options budget and report share: how fluxes are attributed and which variables are which."""
    p.add_argument("--attribution", choices=["surface", "area"], default="surface",
                   help="surface (default): a land flux goes to land regions by their share of each cell's land, an "
                   "ocean flux to ocean regions; area: plain area weighting (regionmask, xagg)")
    p.add_argument("--variables", help="CANONICAL=NATIVE[,...]: which of the files' variables is the land, ocean, ... "
                   "flux (e.g. land=nee,ocean=fgco2; reader option 'variables')")
    p.add_argument("--surfaces", help="NAME=land|ocean|both[,...]: the surface of variables whose name does not say "
                   "(e.g. Landuse_Cflux=land)")


def _period_arg(text: str | None) -> str | tuple[str, str] | None:
    """``--period``: monthly (None), annual, or START:END → (start, end)."""
    if text in (None, "monthly"):
        return None
    if text in ("annual", "all"):
        return text
    a, _, b = text.partition(":")
    if not b:
        raise MipError(f"--period {text!r}: use monthly, annual, all or START:END (e.g. 2015-01-01:2021-01-01)")
    return a, b


def _out_prefix(out: str) -> str:
    """Where ``--out`` puts the files: a directory (``DIR/``); a ``.csv``/``.nc`` path is the old stem form."""
    p = Path(out)
    if p.suffix.lower() in (".csv", ".nc"):
        print(f"mip: warning: --out {out}: a file name is deprecated; --out is a directory in every command (files "
              f"written as {p.with_suffix('')}*.csv/.nc for now)", file=sys.stderr)
        return f"{p.with_suffix('')}_"
    p.mkdir(parents=True, exist_ok=True)
    return f"{p}/"


def _report_all_nan(totals, ds) -> None:
    """Name the listed members whose every total is NaN (they contribute nothing), as open_ensemble would."""
    import numpy as np

    listed = ~np.isin(
        [[f"{m}/{e}" for e in totals.experiment.values] for m in totals.model.values],
        str(ds.attrs.get("absent_pairs", "")).split("; "))
    regions = totals.where(~totals["unattributed"], drop=True) if "unattributed" in totals.coords else totals
    nan = np.all([regions[v].isnull().all([d for d in regions[v].dims if d not in ("model", "experiment")]).values
                  for v in regions.data_vars], axis=0)
    bad = [f"{m}/{e}: all values NaN" for i, m in enumerate(totals.model.values)
           for j, e in enumerate(totals.experiment.values) if nan[i, j] and listed[i, j]]
    if bad:
        prev = ds.attrs.get("excluded_members")
        ds.attrs["excluded_members"] = "; ".join(([prev] if prev else []) + bad)
        warnings.warn("all-NaN member(s), counted as missing in the statistics: " + "; ".join(bad), MemberWarning,
                      stacklevel=2)


def _national(args: argparse.Namespace, ds, regions, prefix: str) -> list[Path]:
    """Stock-change budgets per region with lateral fluxes (CEOS layout) and the inventory comparison."""
    import pandas as pd

    from mip.io import atomic_write
    from mip.budgets.national import compare_inventory, national_budget
    from mip.products.ceos import read_ceos_grid, write_ceos_countries

    lateral = read_ceos_grid(args.lateral)
    budget = national_budget(ds, regions, lateral, uncertainty=args.uncertainty).compute()
    out = [write_ceos_countries(budget, f"{prefix}national.csv",
                                header=[f"# National stock-change budgets by fluxmip from {args.catalog}:{args.entry}",
                                        f"# lateral fluxes: {args.lateral}; uncertainty: {args.uncertainty}",
                                        "# NBE, NCE, dC_loss: ensemble median; NCE unc: IQR/1.35 of the members' NCE; "
                                        "NBE unc: sqrt(NCE unc^2 + FF unc^2); dC_loss unc: "
                                        + ("NBE unc" if args.uncertainty == "ceos" else
                                           "sqrt(NBE unc^2 + Rivers unc^2 + Wood+Crop unc^2)")])]
    nc = Path(f"{prefix}national.nc")
    with atomic_write(nc) as tmp:
        budget.to_netcdf(tmp)
    out.append(nc)
    coastal = Path(f"{prefix}national_coastal.csv")  # how much of each country's land total comes from coastal cells
    _write_atomic(coastal, budget["coastal_land_share"].to_series().dropna().to_csv(float_format="%.4f"))
    out.append(coastal)
    if args.inventory:
        table = pd.read_csv(args.inventory)
        comp, unknown = compare_inventory(budget, table, file=str(args.inventory))
        p = Path(f"{prefix}inventory.csv")
        _write_atomic(p, comp.to_csv(index=False, float_format="%.6g"))
        out.append(p)
        if unknown:
            print(f"inventory countries not in the region set (not compared): {', '.join(unknown)}")
    return out


def cmd_constrain(args: argparse.Namespace) -> int:
    """Run a constraint spec and write its tables and figures."""
    from mip.constrain.output import write_outcome
    from mip.constrain.runner import run_spec
    from mip.constrain.spec import load_spec

    spec = load_spec(_spec_path(args.spec))
    if spec.__class__.__name__ == "MultiPredictorSpec":
        return _constrain_multi(spec, args)
    outcome = run_spec(spec)
    files = write_outcome(outcome, args.out, figures=not args.no_figures)
    t = outcome.table()
    print(f"{spec.name} ({spec.method}):")
    for _, r in t.iterrows():
        flags = f"  [{r['flags']}]" if r["flags"] else ""
        print(f"  {r['case']:10s} {r['mean']:8.3f} ± {r['sd']:.3f}  66% [{r['p17']:.3f}, {r['p83']:.3f}]  "
              f"variance reduction {r['variance_reduction']:.0%}{flags}")
    for n in outcome.notes:
        print(f"  note: {n}")
    print(f"written: {len(files)} files in {args.out}")
    return 0


def _constrain_multi(spec, args: argparse.Namespace) -> int:
    """Run a multi-predictor spec and print its regions' constrained values and reductions."""
    from mip.constrain.multi import run_multi
    from mip.constrain.output import write_multi

    outcome = run_multi(spec)
    files = write_multi(outcome, args.out, figures=not args.no_figures)
    priors = list(spec.priors)
    print(f"{spec.name} ({spec.method}, Monte Carlo {spec.monte_carlo.draws} draws x "
          f"{len(outcome.x_obs)} observations), Pg C/yr:")
    for _, r in outcome.results.iterrows():
        extra = "".join(f"; vs {p}: prior {r[f'prior_mean_{p}']:.2f} ± {r[f'prior_sd_{p}']:.2f}, "
                        f"reduction {r[f'reduction_pct_{p}']:.0f}%" for p in priors[1:])
        print(f"  {r['region']:5s} {r['mean']:7.3f} ± {r['sd']:.3f}  (prior {r['prior_mean']:.2f} ± {r['prior_sd']:.2f}, "
              f"reduction {r['reduction_pct']:.0f}%{extra})")
    for n in outcome.notes:
        print(f"  note: {n}")
    print(f"written: {len(files)} files in {args.out}")
    return 0


def _spec_path(name: str) -> str:
    from mip.constrain.spec import list_specs
    from mip.io.yamlspec import resolve_name

    return str(resolve_name(name, list_specs(), "constraint spec"))


def _regrid_arg(text: str | None) -> tuple[float, float] | None:
    """``--regrid DLATxDLON`` (e.g. ``1x1``, ``2x2.5``) → (dlat, dlon), or a clear error."""
    if not text:
        return None
    parts = text.lower().split("x")
    try:
        out = tuple(float(x) for x in parts)
    except ValueError:
        out = ()
    if len(out) != 2:
        raise MipError(f"--regrid {text!r}: expected DLATxDLON in degrees, e.g. 1x1 or 2x2.5")
    from mip.geometry.regrid import check_resolution

    return check_resolution(out, "--regrid")


def cmd_stocktake(args: argparse.Namespace) -> int:
    """The three-gas stocktake on the bundled real data: tables (CSV), figures and a summary."""
    from mip.budgets.multigas import co2eq_table
    from mip.report.stocktake import closure_table, co2eq_members_frame, stocktake_tables

    out = Path(args.out)
    t = stocktake_tables(year=args.year, experiment=args.experiment, tolerance=args.tolerance, ceos=args.ceos,
                         co2=args.co2, weighting=args.ch4_weighting)
    eq = ("co2eq_countries", "co2eq_bands", "co2eq_global")
    tables = {**{k: co2eq_table(t[k]) for k in eq}, "co2eq_members": co2eq_members_frame(t),
              "growth_closure": closure_table(t["closure"]), "growth_rate_trends": t["growth_trends"],
              "sink_trends": t["sink_trends"], "ocean_sink_trends": t["ocean_sink_trends"]}
    mon, nat = t["monitoring"], t["national"]
    yearly = mon["enso_fit"][["growth", "enso_index", "enso_part", "adjusted", "trend", "residual"]].to_dataframe()
    tables.update({"scenario_growth": mon["scenario_growth"], "scenario_growth_all": mon["scenario_growth_all"],
                   "growth_rate_enso": yearly.assign(volcanic=mon["enso_fit"].volcanic.values).reset_index(),
                   "detectability": mon["detectability"], "national_changes": nat["changes"],
                   "largest_reductions": nat["largest_reductions"], "source_comparison": nat["source_comparison"],
                   "topdown_vs_inventories": nat["topdown_vs_inventories"]})
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        header = ""
        if name in eq:  # the basis, periods and members as comment lines above the CSV header
            from mip.report.stocktake import basis_lines

            header = "".join(f"# {line}\n" for line in basis_lines(t[name]))
        if name.startswith("co2eq_"):  # units in the CSV headers (probabilities have none)
            df = df.rename(columns=lambda c: f"{c} (Tg CO2-eq yr-1)" if (c.split()[-1] in ("GWP100", "GWP20") and not
                                                                     c.startswith(("P(", "dominant"))) or c in (
                "central", "min", "max", "anthropogenic", "natural", "net land", "sink") else c)
        _write_atomic(out / f"{name}.csv", header + df.to_csv(index=False, float_format="%.6g"))
    if not args.no_figures:
        from mip.report import figures as F

        for key, what in (("co2eq_countries", "Countries"), ("co2eq_bands", "Latitude bands"), ("co2eq_global", "Globe")):
            F.save(F.co2eq_bars(t[key], f"{what}, {t[key].attrs['period']}"), out / f"{key}.png")
        F.save(F.closure_bars(t["closure"], "Global total − observed growth"), out / "growth_closure.png")
        F.save(F.growth_trend(t["growth"], t["growth_trends"]), out / "growth_rate_trends.png")
        from mip.report.monitoring_figures import growth_without_enso, scenario_fan

        F.save(scenario_fan(mon["observed"], mon["scenarios"], mon["scenario_growth"]), out / "scenario_fan.png")
        F.save(growth_without_enso(mon["enso_fit"], mon["detectability"]), out / "growth_rate_enso.png")
    for key in eq:
        df, res = tables[key], t[key]
        p_only = df.set_index("region")["P(CH4 > CO2 under GWP20 only)"].sort_values(ascending=False)
        print(f"{key} ({res.attrs['period']}, REAL data, basis: {res.attrs['basis']}; {res.attrs['members']}): "
              "dominant gas GWP100 / GWP20: "
              + "; ".join(f"{r.region} {r['dominant GWP100']}/{r['dominant GWP20']}" for _, r in df.iterrows())
              + "\n  P(CH4 outweighs CO2 under GWP20 only): " + ", ".join(f"{r} {p:.2f}" for r, p in p_only.items()))
    ct = tables["growth_closure"]
    off = ct[ct.years_beyond_tolerance != ""]
    tol = t["closure"].attrs.get("tolerance_range") or f"{t['closure'].attrs['tolerance']:g}"
    print(f"growth-rate closure (v10 MIP, tolerance ±{tol} Pg C/yr from stated uncertainties unless given): "
          f"{len(ct) - len(off)} of {len(ct)} members "
          f"close every year; beyond: " + (", ".join(f"{r.model}/{r.experiment}" for _, r in off.iterrows()) or "none"))
    g = tables["growth_rate_trends"]
    print("observed growth-rate trend, Pg C/yr per year: "
          + "; ".join(f"{r.period} {r.slope:+.3f} ± {r.slope_se:.3f} (p {r.p_value:.2g})" for _, r in g.iterrows()))
    o = tables["ocean_sink_trends"].iloc[0]
    print(f"ocean sink trend {o.period}, Pg C/yr per year: data products {o.td_median:+.3f} [{o.td_min:+.3f}, "
          f"{o.td_max:+.3f}], models {o.bu_median:+.3f} [{o.bu_min:+.3f}, {o.bu_max:+.3f}]; ranges "
          f"{'overlap' if o.ranges_overlap else 'do not overlap'}")
    from mip.report.monitoring import detectability_conclusion, scenario_conclusions
    from mip.report.national import reduction_conclusion

    print("observed growth against the SSP scenarios (NOAA vs RCMIP, REAL data):\n  "
          + "\n  ".join(scenario_conclusions(mon["scenario_growth"])))
    print("monitoring emission cuts in the CO2 growth rate: " + detectability_conclusion(
        mon["enso_fit"], mon["detectability"], mon["gcb"]))
    print("national reductions (REAL inventories): " + reduction_conclusion(nat["focus"]))
    print(f"written to {out}")
    return 0


def _tolerance_arg(text: str) -> str | float:
    """``stated`` or a finite positive number (argparse type)."""
    import math

    if text == "stated":
        return text
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: 'stated' or a positive number of Pg C/yr") from None
    if not math.isfinite(v) or v <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a tolerance must be finite and positive")
    return v


def _years(text: str | None, flag: str) -> tuple[int, int] | None:
    """``2015:2020`` → (2015, 2020); None stays None."""
    if text is None:
        return None
    a, _, b = text.partition(":")
    try:
        return int(a), int(b or a)
    except ValueError:
        raise MipError(f"{flag} {text!r}: use FIRST:LAST years (e.g. 2015:2020)") from None


def _read_options(args: argparse.Namespace) -> dict:
    return {k: v for k, v in (("sign", args.sign), ("sftlf", args.sftlf), ("sftof", args.sftof),
                              ("land_fraction", args.land_fraction), ("bounds", args.bounds)) if v is not None}


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Score an Earth system model's CMIP files against a catalog's inversion ensemble: CSV, figure, summary."""
    from mip.budgets.evaluate import evaluation_table
    from mip.regions import parse_regions
    from mip.report.evaluation import run_evaluation

    regions = parse_regions(args.regions) if args.regions else None
    scores, name = run_evaluation(args.files, args.catalog, args.entry, experiment=args.experiment, regions=regions,
                                  period=_years(args.period, "--period"), calendar=args.calendar,
                                  data_root=args.data_root, **_read_options(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table = evaluation_table(scores)
    _write_atomic(out / "scores.csv", table.to_csv(index=False, float_format="%.6g"))
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


def cmd_check(args: argparse.Namespace) -> int:
    """Check submission files against a protocol; exit 0 conforms, 1 errors, 2 could not run."""
    from mip.checks import check, expand_paths

    absent = [f for f in args.files if not Path(f).exists()]
    if absent:  # a typo in a path cannot be checked; a broken file that exists is a finding
        raise MipError(f"no such file or directory: {', '.join(absent)}")
    files = expand_paths(args.files)
    if not files:
        raise MipError(f"no files to check in {', '.join(args.files)}")
    report = check(files, args.protocol, cf=not args.no_cf, progress=len(files) > 1 and sys.stderr.isatty())
    text = {"text": report.to_text, "json": report.to_json, "html": report.to_html}[args.format]()
    if args.output:
        _write_atomic(Path(args.output), text)
        print(f"{report.n_errors} error(s), {report.n_warnings} warning(s) in {len(files)} file(s); "
              f"report written to {args.output}")
    else:
        sys.stdout.write(text)
    return report.exit_code


def cmd_evaluate_obs(args: argparse.Namespace) -> int:
    """Observation-space scores: CSVs headed by their basis, a Taylor diagram, a summary on standard output."""
    from mip.obs.evaluation import atom_evaluation, station_evaluation

    out = Path(_out_prefix(args.out))
    if args.what == "atom":
        if args.observed or args.model or args.stations or args.alias:
            raise MipError("evaluate-obs atom takes no --observed/--model/--stations/--alias (it reads the bundled "
                           "v10 MIP ATom fields)")
        res = atom_evaluation()
        tables = {"atom_scores": res["scores"], "atom_by_experiment": res["by_experiment"]}
        if args.weights:
            from mip.obs.weights import skill_weights, weighted_band_budgets
            from mip.tables.v10mip_zonal import bundled_annual

            w = skill_weights(res["scores"], metric=args.weights)
            wb = weighted_band_budgets(bundled_annual(), w)
            from mip.constrain.weighted import weighted_constraint_effect

            pooled = skill_weights(res["scores"].assign(all="all members"), metric=args.weights, within="all",
                                   member="member")
            tables.update(atom_weights=w, atom_weighted_budgets=wb,
                          atom_weighted_constraint=weighted_constraint_effect("latitudinal-airborne", pooled))
        summary = res["by_experiment"][res["by_experiment"].group == "all bins"].rename(columns={"experiment": "label"})
        title = "v10 MIP vs ATom, annual-mean CO2 on 15 x 7 bins: median over models per experiment"
    else:
        if args.weights:
            raise MipError("--weights applies to 'evaluate-obs atom' (the v10 MIP members and their band budgets)")
        if bool(args.observed) != bool(args.model):
            raise MipError("evaluate-obs stations needs --observed FILE and at least one --model NAME=FILE, or "
                           "neither (the bundled Southern Ocean stations of Long et al. 2021)")
        if args.observed:
            models = _pairs(",".join(args.model), "--model")
            aliases = _pairs(",".join(args.alias), "--alias") if args.alias else None
            res = station_evaluation(args.observed, models, stations=args.stations, aliases=aliases)
        else:
            from mip.obs.evaluation import bundled_stations

            b = bundled_stations()
            print("the bundled Southern Ocean stations (Long et al. 2021; REAL); alias stated: "
                  + ", ".join(f"{k} -> {v}" for k, v in b["aliases"].items()))
            res = station_evaluation(b["observed"], b["models"], stations=b["stations"], aliases=b["aliases"])
        tables = {"station_scores": res["scores"], "station_taylor": res["taylor"]}
        if "by_band" in res:
            tables["station_by_band"] = res["by_band"]
        summary = res["taylor"].rename(columns={"model": "label"})
        title = "models at the stations, detrended monthly CO2: median over series (season all)"
    from mip.io import write_csv

    for name, df in tables.items():
        write_csv(df, out / f"{name}.csv")
    if not args.no_figures:
        from mip.report import figures as F
        from mip.report.obs_figures import taylor_diagram

        F.save(taylor_diagram(summary, title, label="label"), out / f"{args.what}_taylor.png")
    cols = [c for c in ("label", "group", "sites", "models", "bias", "rmse", "r", "sd_ratio") if c in summary.columns]
    print(f"{title} (ppm):")
    print(summary[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if "atom_weighted_budgets" in tables:
        wb = tables["atom_weighted_budgets"]
        print(f"skill-weighted ensemble (optional; {wb.attrs['weights']}; sigma = {wb.attrs['sigma']}), "
              f"{wb.attrs['years']}, Pg C/yr to the atmosphere: largest change of a band's mean "
              f"{wb.change.abs().max():.3f}; weighted/unweighted SD {wb.sd_ratio.min():.2f}-{wb.sd_ratio.max():.2f}; "
              f"effective members {tables['atom_weights'].n_effective.min():.1f}-"
              f"{tables['atom_weights'].n_effective.max():.1f} of 10")
        wc = tables["atom_weighted_constraint"]
        print("latitudinal-airborne constraint, equal vs skill weights (Pg C/yr): "
              + "; ".join(f"{r.region} {r['mean']:.2f} ± {r.sd:.2f} vs {r.weighted_mean:.2f} ± {r.weighted_sd:.2f}"
                          for _, r in wc.iterrows()) + f" ({wc.attrs['caveat']})")
    print(f"written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``mip`` command."""
    from mip import __version__

    p = argparse.ArgumentParser(prog="mip", description="fluxmip: multi-inversion intercomparison toolkit",
                                epilog="exit status: 0 = done (for check: conforms), 1 = check found errors, "
                                       "2 = could not run (a wrong argument or unreadable input)")
    p.add_argument("--version", action="version", version=f"fluxmip {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="run the main job on the bundled data")
    d.add_argument("--out", default="mip-demo", help="output directory (default: ./mip-demo)")
    d.set_defaults(func=cmd_demo)
    from mip.regions.spec import SPEC_HELP

    b = sub.add_parser("budget", help="regional totals of an ensemble (CSV + netCDF + ensemble statistics)")
    b.add_argument("catalog", help="catalog name or path")
    b.add_argument("entry", help="catalog entry")
    b.add_argument("--regions", action="append", required=True, help=SPEC_HELP + "; repeat to combine")
    b.add_argument("--period", default="monthly", help="monthly (default), annual, all (one mean over the whole "
                   "time axis), or START:END (a mean over that window)")
    b.add_argument("--regrid", help="DLATxDLON: put members on other grids onto this grid (conservative)")
    b.add_argument("--data-root", help="root of the data tree (default $MIP_DATA)")
    b.add_argument("--out", required=True, help="output directory: budget.csv, budget.nc, budget_stats.csv (and "
                   "national*.csv/.nc, inventory.csv with --lateral)")
    b.add_argument("--scheduler", help="dask.distributed scheduler address (default $MIP_SCHEDULER, else threads)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--lateral", help="lateral-flux grid (CEOS layout): adds NBE/NCE/dC_loss per region (CEOS CSV)")
    b.add_argument("--inventory", help="CSV (iso3, year, value, unit[, uncertainty]) to compare dC_loss with")
    b.add_argument("--uncertainty", choices=["quadrature", "ceos"], default="quadrature",
                   help="how dC_loss and NCE uncertainties combine (default quadrature)")
    _add_budget_options(b)
    b.set_defaults(func=cmd_budget)
    ch = sub.add_parser("check", help="check submission files against a MIP protocol")
    ch.add_argument("files", nargs="+", help="files or directories of submissions")
    ch.add_argument("--protocol", required=True, help="protocol name (catalogs/protocols) or YAML path")
    ch.add_argument("--format", choices=["text", "json", "html"], default="text")
    ch.add_argument("--output", help="write the report here instead of standard output")
    ch.add_argument("--no-cf", action="store_true", help="skip the CF conformance suite")
    ch.set_defaults(func=cmd_check)
    k = sub.add_parser("constrain", help="run an emergent-constraint spec (constraints/*.yaml)")
    k.add_argument("spec", help="spec file, or the name of one in constraints/")
    k.add_argument("--out", default="constraint-out", help="output directory (default ./constraint-out)")
    k.add_argument("--no-figures", action="store_true", help="tables only")
    k.set_defaults(func=cmd_constrain)
    r = sub.add_parser("report", help="the intercomparison report: one HTML page with figures and tables")
    r.add_argument("catalog", help="catalog name or path")
    r.add_argument("entry", help="catalog entry")
    r.add_argument("--regions", action="append", help=SPEC_HELP + " (default: bands + land-ocean)")
    r.add_argument("--constraints", action="append", help="constraint spec (name in constraints/ or path)")
    r.add_argument("--protocol", help="protocol for the submission checks (default: the catalog's)")
    r.add_argument("--ch4-workbook", help="'bundled' or a GCP-CH4 workbook path: adds TD vs BU and CO2-eq")
    r.add_argument("--data-root", help="root of the data tree (default $MIP_DATA)")
    r.add_argument("--real-co2", action="store_true",
                   help="add the bundled real CO2 data: v10 MIP by latitude, GCB 2023 budget, NOAA growth rate")
    r.add_argument("--period", help="START:END: only the months inside this window (as in budget)")
    r.add_argument("--regrid", help="DLATxDLON: put members on other grids onto this grid (conservative)")
    r.add_argument("--scheduler", help="dask.distributed scheduler address (default $MIP_SCHEDULER, else threads)")
    r.add_argument("--no-cf", action="store_true", help="skip the CF conformance suite in the submission checks")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--evaluate", action="append", help="an Earth system model's CMIP file: adds its evaluation "
                   "against the ensemble (repeat for each file)")
    r.add_argument("--calendar", choices=["error", "by-month"], default="error", help="(with --evaluate) as in evaluate")
    r.add_argument("--sign", choices=["atmosphere", "surface"], help="(with --evaluate) as in evaluate")
    r.add_argument("--sftlf", help="(with --evaluate) as in evaluate")
    r.add_argument("--sftof", help="(with --evaluate) as in evaluate")
    r.add_argument("--land-fraction", choices=["natural-earth"], help="(with --evaluate) as in evaluate")
    r.add_argument("--bounds", choices=["file", "centres"], help="(with --evaluate) as in evaluate")
    r.add_argument("--out", required=True, help="output directory")
    _add_budget_options(r)
    r.set_defaults(func=cmd_report)
    ev = sub.add_parser("evaluate", help="score an Earth system model (CMIP files) against an inversion ensemble")
    ev.add_argument("catalog", help="catalog name or path of the inversion ensemble")
    ev.add_argument("entry", help="catalog entry")
    ev.add_argument("files", nargs="+", help="the model's CMIP-convention files (nbp, fgco2, ...; time chunks joined)")
    ev.add_argument("--experiment", help="ensemble experiment (default its first)")
    ev.add_argument("--regions", action="append", help=SPEC_HELP + " (default: bands + land-ocean)")
    ev.add_argument("--period", help="FIRST:LAST whole years (default every whole year both cover)")
    ev.add_argument("--calendar", choices=["error", "by-month"], default="error",
                    help="a model on another calendar: refuse (default) or compare months by their labels")
    ev.add_argument("--sign", choices=["atmosphere", "surface"], help="sign convention of variables whose metadata "
                    "do not give it (never guessed)")
    ev.add_argument("--sftlf", help="the model's land area fraction file (CMIP6 fx sftlf)")
    ev.add_argument("--sftof", help="the model's sea area fraction file (CMIP6 Ofx sftof)")
    ev.add_argument("--land-fraction", choices=["natural-earth"], help="without sftlf/sftof: the bundled Natural "
                    "Earth land fraction on the model's grid")
    ev.add_argument("--bounds", choices=["file", "centres"], help="cell bounds: the file's (default) or from "
                    "evenly spaced centres")
    ev.add_argument("--data-root", help="root of the data tree (default $MIP_DATA)")
    ev.add_argument("--out", default="evaluation-out", help="output directory (default ./evaluation-out)")
    ev.add_argument("--no-figures", action="store_true", help="tables only")
    ev.set_defaults(func=cmd_evaluate)
    eo = sub.add_parser("evaluate-obs", help="score inversions against observations: the v10 MIP against ATom "
                                             "(bundled), or models sampled at stations")
    eo.add_argument("what", choices=["atom", "stations"], help="'atom': the bundled v10 MIP ATom fields; "
                    "'stations': an observed station table against models sampled there")
    eo.add_argument("--observed", help="stations: the observed monthly table (year month <station>_<lab>_<method>); "
                    "without it and --model, the bundled Southern Ocean stations")
    eo.add_argument("--model", action="append", default=[], metavar="NAME=FILE",
                    help="stations: a model's table sampled at the same stations (repeat per model)")
    eo.add_argument("--stations", help="stations: the station list (positions, for the latitude bands)")
    eo.add_argument("--alias", action="append", default=[], metavar="MODEL_SERIES=OBSERVED_SERIES",
                    help="stations: a series a model names differently (e.g. MQA_CSIRO_flask=MQA_CSIRO_insitu)")
    eo.add_argument("--out", default="evaluate-obs-out", help="output directory (default ./evaluate-obs-out)")
    eo.add_argument("--weights", choices=["rmse", "crmse", "abs_bias"],
                    help="atom: also the optional skill-weighted ensemble (ClimWIP performance weights from this "
                    "score over all bins, per experiment) and its effect on the band budgets; never the default")
    eo.add_argument("--no-figures", action="store_true", help="tables only")
    eo.set_defaults(func=cmd_evaluate_obs)
    st = sub.add_parser("stocktake", help="the three-gas stocktake on the bundled real data: CO2-eq by band and "
                                          "country, growth-rate closure, trends")
    st.add_argument("--out", default="stocktake-out", help="output directory (default ./stocktake-out)")
    st.add_argument("--year", type=int, default=2017, help="year of the CO2-eq tables (default 2017)")
    st.add_argument("--experiment", default="LNLGIS", help="v10 MIP experiment of the CO2 (default LNLGIS)")
    st.add_argument("--tolerance", type=_tolerance_arg, default="stated",
                    help="closure tolerance: 'stated' (default: 2 x NOAA's stated growth-rate uncertainty each year) "
                    "or a positive number of Pg C/yr")
    st.add_argument("--co2", choices=["gcb", "ceos"], default="gcb",
                    help="CO2 of the countries: 'gcb' (default: emissions, GCB national fossil + land-use change) or "
                    "'ceos' (the CEOS pilot's NBE + fossil: net exchange over land, CH4 then with its soil sink)")
    st.add_argument("--ch4-weighting", choices=["groups", "each-run"], default="groups",
                    help="GCP-CH4 runs: one weight per group of runs as the budget does (default), or each run once")
    st.add_argument("--ceos", help="CEOS pilot country file for --co2 ceos (default: the bundled rows)")
    st.add_argument("--no-figures", action="store_true", help="tables only")
    st.set_defaults(func=cmd_stocktake)
    for kind, what in (("protocols", "MIP protocols (mip/protocols and $MIP_PROTOCOL_PATH)"),
                       ("constraints", "constraint specs (mip/constraints and $MIP_CONSTRAINT_PATH)"),
                       ("families", "product families (readers)")):
        lp = sub.add_parser(kind, help=f"list the {what}")
        lp.add_argument("action", choices=["list"])
        lp.set_defaults(func=cmd_list)
    c = sub.add_parser("catalog", help="list catalogs or show what one holds")
    c.add_argument("action", choices=["list", "show"])
    c.add_argument("name", nargs="?")
    c.set_defaults(func=cmd_catalog)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mip`` command.

    Parameters
    ----------
    argv
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 when the command could not run.
    """
    args = build_parser().parse_args(argv)
    with warnings.catch_warnings():
        from mip.errors import IncompleteWarning, RegionWarning

        ours = (MemberWarning, IncompleteWarning, RegionWarning)
        default_format = warnings.formatwarning

        def fmt(message, category, filename, lineno, line=None):  # ours as plain lines, without the source line
            if issubclass(category, ours):
                return f"mip: warning: {message}\n"
            return default_format(message, category, filename, lineno, line)

        warnings.formatwarning = fmt
        for c in ours:
            warnings.simplefilter("always", c)
        from mip.io.progress import showing

        try:
            with showing(sys.stderr.isatty() and not getattr(args, "quiet", False)):
                return int(args.func(args) or 0)
        except MipError as exc:
            print(f"mip: error: {exc}", file=sys.stderr)
            return 2
        except RuntimeError as exc:
            if not str(exc).startswith(("NetCDF:", "HDF")):
                raise
            print(f"mip: error: a data file could not be read while computing ({exc}); run 'mip check' on the "
                  "inputs to find the damaged one", file=sys.stderr)
            return 2
        except BrokenPipeError:  # the reader of our output went away (mip ... | head): not an error of ours
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            return 0
        except OSError as exc:  # an output folder that cannot be made, a file that cannot be written
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            print(f"mip: error: cannot read or write{where}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        finally:
            warnings.formatwarning = default_format


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
