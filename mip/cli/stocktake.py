"""``mip stocktake``: the three-gas stocktake on the bundled real data (tables, figures and the conclusions)."""

from __future__ import annotations

import argparse
from pathlib import Path

from mip.cli._common import Parents, tolerance_arg, write_text


def add_parser(sub, parents: Parents) -> None:
    """Declare ``mip stocktake``."""
    st = sub.add_parser("stocktake", help="the three-gas stocktake on the bundled real data: CO2-eq by band and "
                                          "country, growth-rate closure, trends", parents=[parents.no_figures])
    st.add_argument("--out", default="stocktake-out", help="output directory (default ./stocktake-out)")
    st.add_argument("--year", type=int, default=2017, help="year of the CO2-eq tables (default 2017)")
    st.add_argument("--experiment", default="LNLGIS", help="v10 MIP experiment of the CO2 (default LNLGIS)")
    st.add_argument("--tolerance", type=tolerance_arg, default="stated",
                    help="closure tolerance: 'stated' (default: 2 x NOAA's stated growth-rate uncertainty each year) "
                    "or a positive number of Pg C/yr")
    st.add_argument("--co2", choices=["gcb", "ceos"], default="gcb",
                    help="CO2 of the countries: 'gcb' (default: emissions, GCB national fossil + land-use change) or "
                    "'ceos' (the CEOS pilot's NBE + fossil: net exchange over land, CH4 then with its soil sink)")
    st.add_argument("--ch4-weighting", choices=["groups", "each-run"], default="groups",
                    help="GCP-CH4 runs: one weight per group of runs as the budget does (default), or each run once")
    st.add_argument("--ceos", help="CEOS pilot country file for --co2 ceos (default: the bundled rows)")
    st.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """The three-gas stocktake on the bundled real data: tables (CSV), figures and a summary."""
    from mip.report.stocktake import CO2EQ_TABLES as eq, stocktake_files, stocktake_tables

    out = Path(args.out)
    t = stocktake_tables(year=args.year, experiment=args.experiment, tolerance=args.tolerance, ceos=args.ceos,
                         co2=args.co2, weighting=args.ch4_weighting)
    files = stocktake_files(t)
    tables = {name: df for name, (_, df) in files.items()}
    mon, nat = t["monitoring"], t["national"]
    out.mkdir(parents=True, exist_ok=True)
    for name, (header, df) in files.items():
        write_text(out / f"{name}.csv", header + df.to_csv(index=False, float_format="%.6g"))
    if not args.no_figures:
        from mip.report import figures as F

        for key, what in (("co2eq_countries", "Countries"), ("co2eq_bands", "Latitude bands"), ("co2eq_global", "Globe")):
            F.save(F.co2eq_bars(t[key], f"{what}, {t[key].attrs['period']}"), out / f"{key}.png")
        F.save(F.closure_bars(t["closure"], "Global total − observed growth"), out / "growth_closure.png")
        F.save(F.growth_trend(t["growth"], t["growth_trends"]), out / "growth_rate_trends.png")
        from mip.report.monitoring_figures import growth_without_enso, scenario_fan

        F.save(scenario_fan(mon["observed"], mon["scenarios"], mon["scenario_growth"]), out / "scenario_fan.png")
        F.save(growth_without_enso(mon["enso_fit"], mon["detectability"]), out / "growth_rate_enso.png")
    from mip.budgets.multigas import co2eq_table

    for key in eq:
        df, res = co2eq_table(t[key]), t[key]
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
    from mip.report.national_sections import reduction_conclusion

    print("observed growth against the SSP scenarios (NOAA vs RCMIP, REAL data):\n  "
          + "\n  ".join(scenario_conclusions(mon["scenario_growth"])))
    print("monitoring emission cuts in the CO2 growth rate: " + detectability_conclusion(
        mon["enso_fit"], mon["detectability"], mon["gcb"]))
    print("national reductions (REAL inventories): " + reduction_conclusion(nat["focus"]))
    print(f"written to {out}")
    return 0
