"""``mip report``: one HTML page (figures and CSV tables beside it) for a whole intercomparison."""

from __future__ import annotations

import datetime as _dt
import html
import importlib.metadata as im
import platform
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mip.io import atomic_write
from mip.report import figures as F

__all__ = ["build_report"]

_CSS = ("body{font-family:sans-serif;margin:2em auto;max-width:1200px;color:#222}h1{font-size:1.6em}"
        "h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}table{border-collapse:collapse;"
        "margin:.8em 0;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
        "th{background:#f3f3f3}img{max-width:100%;border:1px solid #eee;margin:.5em 0}.note{color:#555;"
        "font-size:13px}.bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20}code{background:#f6f6f6}")


class _Page:
    def __init__(self, out: Path) -> None:
        self.out, self.parts, self.tables = out, [], []

    def h2(self, t: str) -> None:
        self.parts.append(f"<h2 id='{html.escape(t.lower().replace(' ', '-'))}'>{html.escape(t)}</h2>")

    def p(self, t: str, cls: str = "note") -> None:
        self.parts.append(f"<p class='{cls}'>{html.escape(t)}</p>")

    def table(self, df: pd.DataFrame, name: str, caption: str = "") -> None:
        csv = self.out / "tables" / f"{name}.csv"
        with atomic_write(csv) as tmp:
            df.to_csv(tmp, index=False, float_format="%.6g")
        self.tables.append(csv)
        cap = f"<caption>{html.escape(caption)} (<a href='tables/{csv.name}'>CSV</a>)</caption>"
        body = df.to_html(index=False, float_format=lambda v: f"{v:.3g}", border=0, escape=True)
        self.parts.append(body.replace('<table border="0" class="dataframe">', f"<table class='dataframe'>{cap}", 1))

    def figure(self, fig, name: str, alt: str) -> None:
        F.save(fig, self.out / "figures" / f"{name}.png")
        self.parts.append(f"<img src='figures/{name}.png' alt='{html.escape(alt)}'>")

    def image(self, path: Path, alt: str) -> None:
        rel = path.relative_to(self.out)
        self.parts.append(f"<img src='{rel.as_posix()}' alt='{html.escape(alt)}'>")

    def write(self, title: str) -> Path:
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>{''.join(self.parts)}</body></html>\n")
        p = self.out / "index.html"
        with atomic_write(p) as tmp:
            tmp.write_text(page)
        return p


def _checks(page: _Page, catalog, entry: str, protocol, data_root, cf: bool = False) -> None:
    from mip.catalog import entry_members
    from mip.checks import check

    page.h2("Submission checks")
    if protocol is None:
        page.p("No protocol given for this catalog entry: submission checks skipped.")
        return
    try:
        members = entry_members(catalog, entry, data_root=data_root)
    except Exception as exc:  # the budgets below still run from what opened
        page.p(f"Could not list the entry's members: {exc}")
        return
    files = [p for _, _, p, _ in members if p.exists()]
    missing = [f"{m}/{e}" for m, e, p, _ in members if not p.exists()]
    if not files:
        page.p("No member file exists: nothing to check.")
        return
    rep = check(files, protocol, cf=cf)
    rows = [{"model": m, "experiment": e, "file": p.name, "errors": len(rep.of(str(p), "error")),
             "warnings": len(rep.of(str(p), "warning")), "status": rep.status(str(p))}
            for m, e, p, _ in members if p.exists()]
    page.p(f"Protocol {rep.protocol}: {len(files)} file(s), {rep.n_errors} error(s), {rep.n_warnings} warning(s)"
           + (f"; missing: {', '.join(missing)}" if missing else "") + ". Full report: checks.html.")
    flags = rep.flags()
    if flags:
        page.p("Flags (each file against the protocol and against the other files): " + "; ".join(flags), cls="bad")
    page.table(pd.DataFrame(rows), "checks", "per member")
    from mip.io import atomic_write

    with atomic_write(page.out / "checks.html") as tmp:  # never a half-written report under its final name
        tmp.write_text(rep.to_html())


def _budgets(page: _Page, ds, regions, period: tuple[str, str] | None = None, agg: dict | None = None) -> pd.DataFrame:
    from mip.budgets.aggregation import aggregate
    from mip.budgets.completeness import annotate
    from mip.tables import stats_table

    totals = annotate(aggregate(ds, regions, period=period or "annual", **(agg or {})).compute())
    if totals.attrs.get("incomplete"):
        page.p(f"No value for lack of data (never a partial mean): {totals.attrs['incomplete']}", cls="bad")
    stats = stats_table(totals)
    if period is not None:
        stats.insert(2, "year", f"{period[0]} to {period[1]}")
        totals = totals.expand_dims(year=[f"{period[0]} to {period[1]}"])
    units = next(iter(totals.data_vars.values())).attrs.get("units", "")
    page.h2("Global and regional budgets")
    page.p(f"{'Annual region totals' if period is None else f'Region totals, mean over {period[0]} to {period[1]}'} "
           f"({units}, positive = to the atmosphere): ensemble median, IQR/1.35 "
           f"(the OCO-2 MIP spread), min and max over {ds.sizes['model']} models.")
    cols = ["variable", "experiment", "year", "region", "median", "iqr_1_35", "mean", "min", "max", "n"]
    page.table(stats[cols], "budgets_stats", "ensemble statistics")
    members = totals.to_dataframe().reset_index()
    page.table(members[[c for c in members.columns if c not in ("source_file", "abbrev", "system")]],
               "budgets_members", "every member")
    for e in ds.experiment.values:
        page.figure(F.budget_bars(stats[stats.year == stats.year.max()], str(e), units), f"budget_{e}",
                    f"budget bars {e}")
    return stats


def _timeseries(page: _Page, ds, regions, agg: dict | None = None) -> None:
    from mip.budgets.aggregation import aggregate

    monthly = aggregate(ds, regions, **(agg or {})).compute()
    page.h2("Time series per region")
    for v in list(monthly.data_vars)[:2]:
        for e in ds.experiment.values:
            page.figure(F.region_timeseries(monthly[v], str(e), monthly[v].attrs.get("units", ""), v),
                        f"timeseries_{v}_{e}", f"time series {v} {e}")


def _maps(page: _Page, ds) -> None:
    from mip.conventions.model import flux_variables

    fv = flux_variables(ds)
    v = "net" if "net" in fv else fv[0]
    page.h2("Maps")
    for e in ds.experiment.values[:2]:
        page.figure(F.maps(ds, v, str(e)), f"map_{v}_{e}", f"map {v} {e}")


def _ch4(page: _Page, workbook, period: str = "2008-2017") -> pd.DataFrame:
    from mip.budgets.ch4 import TD_BU_PAIRS, bu_summary, td_summary
    from mip.products.gcp_ch4 import read_workbook

    td_ds = read_workbook(None if workbook is True else workbook, approach="TD")
    bu_ds = read_workbook(None if workbook is True else workbook, approach="BU")
    regions = [str(r) for r in td_ds.region.values]
    td = pd.concat([td_summary(td_ds, period, r).assign(region=r) for r in regions], ignore_index=True)
    bu = pd.concat([bu_summary(bu_ds, period, r).assign(region=r) for r in regions], ignore_index=True)
    page.h2("Top-down vs bottom-up (GCP-CH4)")
    page.p(f"GCP-CH4 2020 workbook ({td_ds.attrs['source_file']}), {period}, Tg CH4/yr: top-down by the rule of "
           "Saunois et al. (2020) (runs averaged within their reference groups, TOMCAT out of the fossil and "
           "agriculture ranges); bottom-up estimates each counted once.")
    page.table(td[td.region == "GLOBAL"].drop(columns="region"), "ch4_topdown_global", "top-down, GLOBAL")
    page.table(bu[bu.region == "GLOBAL"].drop(columns="region"), "ch4_bottomup_global", "bottom-up, GLOBAL")
    page.figure(F.td_bu_bars(td, bu, regions, period, TD_BU_PAIRS), "ch4_td_vs_bu", "CH4 top-down vs bottom-up")
    return td[td.region == "GLOBAL"]


def _co2eq(page: _Page, ds, ch4_td: pd.DataFrame | None) -> None:
    from mip.budgets.totals import global_total
    from mip.budgets.gwp import gwp_factor

    rows = []
    if ds is not None and ds[next(iter(ds.data_vars))].attrs.get("reported_as") == "C":
        g = global_total(ds, [v for v in ("land", "ocean") if v in ds]).median("model").compute()
        f = gwp_factor("CO2") * 1e3  # Pg C -> Tg CO2
        for v in g.data_vars:
            for e in g.experiment.values:
                val = float(g[v].sel(experiment=e))
                rows.append({"gas": "CO2", "component": f"{v} ({e}, ensemble median)", "native": val,
                             "native_units": "Pg C/yr", "GWP100": val * f, "GWP20": val * f})
    ch4_cat = {"Wetlands": "wetlands", "Other Natural Sources": "other_natural", "Agriculture and Waste":
               "agriculture_waste", "Fossil fuels": "fossil", "Biomass and Biofuel Burning": "biomass_biofuel_burning",
               "Soil Sink": "soil_sink"}
    if ch4_td is not None:
        for _, r in ch4_td.iterrows():
            if r["category"] in ch4_cat:
                cat = ch4_cat[r["category"]]
                v = (-1.0 if cat == "soil_sink" else 1.0) * r["mean"]
                rows.append({"gas": "CH4", "component": r["category"], "native": v, "native_units": "Tg CH4/yr",
                             "GWP100": v * gwp_factor("CH4", cat, "GWP100"), "GWP20": v * gwp_factor("CH4", cat, "GWP20")})
    if len({r["gas"] for r in rows}) < 2:
        return
    page.h2("GWP-weighted CO2-equivalent summary")
    page.p("Tg CO2-eq/yr, positive = to the atmosphere. IPCC AR6 WG1 Table 7.15: CH4 from fossil categories 29.8 "
           "(GWP100) / 82.5 (GWP20), other CH4 27.0 / 79.7, N2O 273. CO2 from the intercomparison above (its "
           "period), CH4 from the GCP-CH4 top-down budget (its period): the periods differ, so the sum is indicative.")
    page.table(pd.DataFrame(rows), "co2eq", "CO2-equivalent budget")


def _constraints(page: _Page, specs: list[str]) -> None:
    from mip.constrain.output import write_outcome
    from mip.constrain.runner import run_spec
    from mip.constrain.spec import load_spec

    page.h2("Emergent constraints")
    for s in specs:
        spec = load_spec(s)
        outcome = run_spec(spec)
        d = page.out / "constraints" / spec.name
        write_outcome(outcome, d)
        page.parts.append(f"<h3>{html.escape(spec.name)}</h3>")
        page.p(f"{spec.description} Reference: {spec.reference}. Method {spec.method}"
               + (f", compared with {', '.join(spec.compare)}" if spec.compare else "") + ".")
        t = outcome.table()[["case", "group", "mean", "sd", "p05", "p95", "prior_mean", "prior_sd",
                             "variance_reduction", "slope", "slope_se", "r", "n"]]
        page.table(t, f"constraint_{spec.name}", f"{spec.name} ({spec.method})")
        page.image(d / "scatter.png", f"{spec.name} scatter")
        page.image(d / "cases.png", f"{spec.name} per case")
        first = next(iter(outcome.results[spec.method]))
        page.image(d / f"pdf_{first}.png", f"{spec.name} PDFs {first}")
        for n in outcome.notes:
            page.p(n)


def _provenance(page: _Page, ds, settings: dict[str, Any]) -> None:
    page.h2("Provenance")
    files = sorted({str(f) for f in np.ravel(ds["source_file"].values) if str(f)}) if "source_file" in ds.coords else []
    versions = {}
    for pkg in ("fluxmip", "xarray", "numpy", "dask", "pandas", "scipy", "statsmodels", "odrpack", "intake",
                "compliance-checker", "matplotlib"):
        try:
            versions[pkg] = im.version(pkg)
        except im.PackageNotFoundError:
            versions[pkg] = "not installed"
    page.table(pd.DataFrame({"setting": list(settings), "value": [str(v) for v in settings.values()]}),
               "settings", "settings")
    page.table(pd.DataFrame({"package": list(versions), "version": list(versions.values())}), "versions",
               f"software (Python {platform.python_version()})")
    page.table(pd.DataFrame({"file": files}), "files", "input files")
    page.p(f"Generated {_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')} by fluxmip.")


def build_report(catalog, entry: str, out: str | Path, *, regions=None, region_specs: list[str] | None = None,
                 constraints: list[str] | None = None, protocol=None, data_root=None, ch4_workbook=None,
                 real_co2: bool = False, evaluate: list[str] | None = None,
                 evaluate_options: dict[str, Any] | None = None, regrid: tuple[float, float] | None = None,
                 period: tuple[str, str] | None = None, cf: bool = True, progress: bool = True,
                 attribution: str = "surface", surfaces: dict[str, str] | None = None,
                 read_options: dict[str, Any] | None = None) -> Path:
    """Write ``out/index.html`` with checks, budgets, time series, maps, TD/BU, CO2-eq, constraints, provenance.

    Parameters
    ----------
    catalog, entry
        The intercomparison (catalog name or path, entry name).
    out
        Output directory (figures in ``figures/``, tables in ``tables/``).
    regions
        A RegionSet (default: ``region_specs`` or the GCB latitude bands + land/ocean).
    region_specs
        Region specs as on the command line.
    constraints
        Constraint spec files to run.
    protocol
        Protocol for the submission checks (default: the catalog's ``metadata.protocol``).
    data_root
        Data root of the catalog.
    ch4_workbook
        ``True`` for the bundled GCP-CH4 workbook, a path, or ``None``.
    real_co2
        Add the sections on real CO2 data bundled with the package: the OCO-2 v10 MIP by latitude
        (Stephens et al. 2026 tables), the GCB 2023 budget beside it, NOAA's growth rate, and the
        three-gas stocktake (CO2 and CH4 in CO2-eq by band and country, every v10 MIP member's
        growth-rate closure, the trends of the growth rate and the sinks).
    evaluate
        CMIP-convention files of an Earth system model to score against the ensemble (a section).
    evaluate_options
        ``calendar``, ``period`` and the reader's options (``sign``, ``sftlf``, ``sftof``,
        ``land_fraction``, ``bounds``) for the evaluation.
    regrid
        ``(dlat, dlon)``: put members on other grids onto this grid (conservative), as ``mip budget --regrid``.
    period
        ``(start, end)`` dates: every section uses only this window (``end`` exclusive, as ``mip budget --period``).
    cf
        Run the CF conformance suite in the submission checks (slower).
    progress
        Progress bar on standard error.
    attribution, surfaces
        As :func:`mip.aggregate` (``--attribution``, ``--surfaces``).
    read_options
        Reader options for every member (``variables={canonical: native}``, as ``--variables``).

    Returns
    -------
    pathlib.Path
        The index.html.
    """
    from tqdm import tqdm

    from mip.catalog import open_catalog, open_ensemble
    from mip.regions import land_ocean, latitude_bands, parse_regions

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cat = open_catalog(catalog) if isinstance(catalog, (str, Path)) else catalog
    if protocol is None:
        proto = (cat.metadata or {}).get("protocol")
        if proto and isinstance(catalog, (str, Path)) and not Path(str(proto)).is_absolute() and Path(str(catalog)).suffix:
            proto = str(Path(catalog).parent / proto)
        protocol = proto
    regions = regions or (parse_regions(region_specs) if region_specs else latitude_bands() + land_ocean())
    page = _Page(out)
    steps = ["open", "checks", "budgets", "time series", "maps"] + (["real CO2 data"] if real_co2 else []) + \
        (["GCP-CH4"] if ch4_workbook else []) + \
        ["CO2-eq"] + (["evaluation"] if evaluate else []) + (["constraints"] if constraints else []) + ["provenance"]
    bar = tqdm(total=len(steps), desc="report", unit="step", disable=not progress)
    ds = open_ensemble(cat, entry, data_root=data_root, regrid=regrid, **(read_options or {}))
    agg = {"attribution": attribution, "surfaces": surfaces}
    if period is not None:
        from mip.errors import MipError
        from mip.conventions.timeaxis import window_mask

        try:
            keep = window_mask(ds["time_bounds"], *period)
        except ValueError as exc:
            raise MipError(f"period {period[0]}:{period[1]}: {exc}") from exc
        if not keep.any():
            raise MipError(f"period {period[0]}:{period[1]}: no month of {entry} lies inside it")
        ds = ds.isel(time=np.nonzero(keep)[0])
    title = f"Intercomparison report: {(cat.metadata or {}).get('title', entry)}"
    page.p(f"{ds.sizes['model']} models ({', '.join(map(str, ds.model.values))}) × {ds.sizes['experiment']} "
           f"experiments ({', '.join(map(str, ds.experiment.values))}), {str(ds.time.values[0])[:7]} to "
           f"{str(ds.time.values[-1])[:7]}; regions: {regions.description}."
           + (" SYNTHETIC sample data." if (cat.metadata or {}).get("synthetic") else ""), cls="intro")
    for k in ("excluded_members", "absent_pairs"):
        if k in ds.attrs:
            page.p(f"{k.replace('_', ' ')}: {ds.attrs[k]}", cls="bad")
    bar.update()
    _checks(page, cat, entry, protocol, data_root, cf=cf)
    bar.update()
    _budgets(page, ds, regions, period, agg)
    bar.update()
    _timeseries(page, ds, regions, agg)
    bar.update()
    _maps(page, ds)
    bar.update()
    if real_co2:
        from mip.report.real import add_real_sections

        add_real_sections(page)
        from mip.report.stocktake import add_stocktake_sections

        add_stocktake_sections(page)
        bar.update()
    ch4 = None
    if ch4_workbook:
        ch4 = _ch4(page, ch4_workbook)
        bar.update()
    _co2eq(page, ds, ch4)
    bar.update()
    if evaluate:
        from mip.report.evaluation import add_evaluation_section, run_evaluation

        opts = dict(evaluate_options or {})
        scores, name = run_evaluation(evaluate, cat, entry, regions=regions, ensemble=ds, **opts)
        add_evaluation_section(page, scores, name)
        bar.update()
    if constraints:
        _constraints(page, constraints)
        bar.update()
    _provenance(page, ds, {"catalog": catalog if isinstance(catalog, (str, Path)) else "(object)", "entry": entry,
                           "regions": regions.description, "protocol": protocol, "constraints": constraints,
                           "ch4_workbook": ch4_workbook, "real_co2": real_co2, "data_root": data_root,
                           "evaluate": evaluate, "evaluate_options": evaluate_options,
                           "regrid": regrid, "period": period, "cf": cf})
    bar.update()
    bar.close()
    return page.write(title)
