"""``mip report``: one HTML page (figures and CSV tables beside it) for a whole intercomparison.

The page opens with what a coordinator acts on (:mod:`mip.report.summary`: each member's check
verdict, its failing rules and flags, and the key budget per model and region with the ensemble
median and IQR/1.35), then the sections in detail.  Every table and figure goes through
:class:`mip.report.page.Page`, which formats numbers, states units and folds long tables.
"""

from __future__ import annotations

import datetime as _dt
import importlib.metadata as im
import platform
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mip.report import DRAWING_MODULES
from mip.report import figures as F
from mip.report.page import Page, short_label, units_label
from mip.io import safe_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from mip.conventions.period import Period

__all__ = ["build_report", "relevant_regions", "span"]

SIGN = "positive = to the atmosphere"


def span(ds) -> str:
    """``2018-01 to 2019-12``: the months a dataset covers."""
    return f"{str(ds.time.values[0])[:7]} to {str(ds.time.values[-1])[:7]}"


def relevant_regions(totals, variable: str, surface: str | None) -> list[str]:
    """The regions where ``variable`` is not zero by construction.

    A land flux over an ocean region (RECCAP2 basins, the ocean of a land/ocean split) and an ocean flux
    over a land region (countries) are zero by construction and left out, as is the ``unattributed`` row
    of a set made only of such regions (it is the whole flux again); any other ``unattributed`` row is
    kept only where some member has a value other than 0 there.

    Parameters
    ----------
    totals
        Computed aggregate output.
    variable
        The flux variable.
    surface
        Its surface (``land``, ``ocean``, ``both``) or None.

    Returns
    -------
    list of str
    """
    out = []
    n = totals.sizes["region"]
    surf = totals["region_surface"].values if "region_surface" in totals.coords else ["any"] * n
    unattr = totals["unattributed"].values if "unattributed" in totals.coords else [False] * n
    group = totals["region_group"].values if "region_group" in totals.coords else [""] * n
    other = {"land": "ocean", "ocean": "land"}.get(str(surface))
    # a set made only of the other surface's regions (countries for an ocean flux) takes none of the flux: its
    # unattributed row is the whole flux again, and says nothing
    foreign = {g for g in set(group) if other and all(s == other for s, u, g2 in zip(surf, unattr, group)
                                                      if g2 == g and not u)}
    for r, rs, un, g in zip(totals.region.values, surf, unattr, group):
        if (surface, rs) in (("land", "ocean"), ("ocean", "land")) or (un and g in foreign):
            continue
        if un:
            vals = np.asarray(totals[variable].sel(region=r).values, float)
            if not np.any(np.nan_to_num(vals) != 0):
                continue
        out.append(str(r))
    return out


def _surface(ds, v: str, surfaces: dict | None) -> str | None:
    from mip.errors import MipError
    from mip.regions.attribution import variable_surface

    try:
        return variable_surface(ds, v, surfaces)
    except MipError:
        return None


def _units(totals, v: str) -> str:
    return units_label(totals[v].attrs.get("units", ""), totals[v].attrs.get("reported_as"))


def _checks(page: Page, catalog, entry: str, protocol, data_root, cf: bool = False):
    """The submission-check section; returns (report, members) for the summary, or (None, members)."""
    from mip.catalog import entry_members
    from mip.checks import check
    from mip.io import atomic_write

    page.h2("Submission checks")
    try:
        members = entry_members(catalog, entry, data_root=data_root)
    except Exception as exc:  # the budgets below still run from what opened
        page.p(f"Could not list the entry's members: {exc}")
        return None, []
    if protocol is None:
        page.p("No protocol given for this catalog entry (metadata: protocol: or --protocol): checks skipped.")
        return None, members
    files = [p for _, _, p, _ in members if p.exists()]
    missing = [f"{m}/{e}" for m, e, p, _ in members if not p.exists()]
    if not files:
        page.p("No member file exists: nothing to check.")
        return None, members
    # no child process per file (mip.io.probe): the ensemble was opened in this process already, so a
    # file that hangs the HDF5 library has hung it before here; `mip check` is where such a file is found
    rep = check(files, protocol, cf=cf, probe_timeout=None)
    page.p(f"Protocol {rep.protocol}: {len(files)} file(s), {rep.n_errors} error(s), {rep.n_warnings} warning(s)"
           + (f"; missing: {', '.join(missing)}" if missing else "") + ". Every finding with how to fix it: "
           "checks.html.")
    flags = rep.flags()
    if flags:
        page.p("Flags (each file against the protocol and against the other files):", cls="bad")
        page.items(flags)
    rows = []
    for m, e, p, _ in members:
        if not p.exists():
            continue
        errs = rep.of(str(p), "error")
        rows.append({"model": m, "experiment": e, "file": p.name, "errors": len(errs),
                     "warnings": len(rep.of(str(p), "warning")), "status": rep.status(str(p)),
                     "failing rules": ", ".join(dict.fromkeys(f"{x.rule}" + (f" [{x.variable}]" if x.variable else "")
                                                             for x in errs))})
    df = pd.DataFrame(rows)
    page.table(df, "checks", "per member", classes={"status": df["status"].map(
        lambda s: "bad" if s == "does not conform" else "ok")} if len(df) else None)
    with atomic_write(page.out / "checks.html") as tmp:  # never a half-written report under its final name
        tmp.write_text(rep.to_html())
    t = pd.DataFrame(rep.totals_table())
    if len(t):
        page.table(t, "check_totals", "global totals per file and year, as the check read them (positive = to the "
                   "atmosphere)", units={c: str(t["unit"].iloc[0]) for c in t.columns if str(c).isdigit() or c == "mean"}
                   if t["unit"].nunique() == 1 else None)
    return rep, members


def _budget_tables(ds, regions, period, agg: dict):
    """Monthly, annual (or the window's) and whole-period totals, read once, each NaN for lack of data named."""
    import dask

    from mip.budgets.aggregation import aggregate
    from mip.budgets.completeness import annotate

    monthly = aggregate(ds, regions, **agg)
    main = aggregate(ds, regions, period=period or "annual", **agg)
    whole = aggregate(ds, regions, period="all", **agg)
    monthly, main, whole = dask.compute(monthly, main, whole)
    annotate(main, warn=False)
    annotate(whole, warn=False)
    return monthly, main, whole


def _budgets(page: Page, ds, main, whole, period, surfaces) -> pd.DataFrame:
    from mip.report.budget_files import stats_table

    when = f"mean over {period.label}" if period is not None else "annual means"
    page.h2("Global and regional budgets")
    n = ds.sizes["model"]
    page.p(f"Region totals ({when}; {SIGN}): per member, and the ensemble median, IQR/1.35 (the OCO-2 MIP spread: "
           f"the interquartile range as a normal SD), min and max over {n} models. Rows where a flux is zero by "
           "construction (land flux over ocean regions, ocean flux over land regions) are left out. "
           "missing_<variable>: the fraction of the region's surface without data (left out of the total).")
    if main.attrs.get("incomplete"):
        page.p(f"No value for lack of data (never a partial mean): {main.attrs['incomplete']}", cls="bad")
    stats, rows = [], []
    for v in main.data_vars:
        keep = relevant_regions(main, v, _surface(ds, v, surfaces))
        st = stats_table(main[[v]].sel(region=keep))
        stats.append(st)
        df = main[v].sel(region=keep).to_dataframe().reset_index()
        rows.append(df[[c for c in ("model", "experiment", "year", "region", v, f"missing_{v}") if c in df]])
    st = pd.concat(stats, ignore_index=True)
    if period is not None:
        st.insert(2, "period", period.label)
    cols = [c for c in ("variable", "experiment", "year", "period", "region", "median", "iqr_1_35", "mean", "min",
                        "max", "n") if c in st]
    unit = _units(main, next(iter(main.data_vars)))
    page.table(st[cols].rename(columns={"iqr_1_35": "IQR/1.35"}), "budgets_stats",
               f"ensemble statistics per {'period' if period else 'year'} and region",
               units={c: unit for c in ("median", "IQR/1.35", "mean", "min", "max")})
    members = rows[0]
    for df in rows[1:]:
        members = members.merge(df, how="outer", on=[c for c in ("model", "experiment", "year", "region") if c in df])
    if period is not None:
        members.insert(2, "period", period.label)
    page.table(members, "budgets_members", "every member",
               units={v: _units(main, v) for v in main.data_vars} | {f"missing_{v}": "fraction" for v in main.data_vars})
    whole_st = pd.concat([stats_table(whole[[v]].sel(region=relevant_regions(whole, v, _surface(ds, v, surfaces))))
                          for v in whole.data_vars], ignore_index=True)
    full = span(ds) if period is None else period.label
    for e in ds.experiment.values:
        page.figure(partial(F.budget_bars, whole_st, str(e), unit, f"{e}: ensemble median, mean over {full} (bars: IQR/1.35)"),
                    f"budget_{e}", f"Region totals of {', '.join(map(str, whole.data_vars))}, experiment {e}, mean "
                    f"over {full}, {unit}, {SIGN}; bars the median of {n} members, whiskers IQR/1.35.")
    return whole_st


def _timeseries(page: Page, ds, monthly, surfaces) -> None:
    page.h2("Time series per region")
    page.p(f"Monthly region totals, every member and the ensemble median and IQR, {span(ds)}; only regions where the "
           "flux is not zero by construction.")
    for v in monthly.data_vars:
        keep = relevant_regions(monthly, v, _surface(ds, v, surfaces))[:12]
        unit = _units(monthly, v)
        for e in ds.experiment.values:
            page.figure(partial(F.region_timeseries, monthly[v], str(e), unit, f"{v}, {e}: monthly totals", regions=keep),
                        f"timeseries_{v}_{e}", f"{v}, experiment {e}, monthly totals {span(ds)}, {unit}, {SIGN}; "
                        f"{ds.sizes['model']} members (thin), median (black), IQR (grey).")


def _maps(page: Page, ds) -> None:
    from mip.conventions.model import flux_variables

    fv = flux_variables(ds)
    shown = [v for v in ("land", "ocean", "net") if v in fv] or fv[:3]
    page.h2("Maps")
    page.p("Time-mean flux per cell: ensemble mean and spread (IQR/1.35 across members). A member missing a month "
           "has no time mean and is left out; grey cells have no value in any member. Coastlines and borders: "
           "Natural Earth 1:50m (bundled).")
    for e in ds.experiment.values[:2]:
        basis = ds[shown[0]].attrs.get("reported_as", "C")
        page.figure(partial(F.draw_maps, F.map_fields(ds, shown, str(e)), f"{e}: mean over {span(ds)}"), f"map_{e}",
                    f"{', '.join(shown)}, experiment {e}, time mean {span(ds)}, g {basis} m-2 yr-1, {SIGN}; "
                    f"{ds.sizes['model']} members: ensemble mean (left), IQR/1.35 (right).")


def _ch4(page: Page, workbook, period: str = "2008-2017") -> pd.DataFrame:
    from mip.budgets.ch4 import TD_BU_PAIRS, bu_summary, td_summary
    from mip.tables.gcp_ch4_workbook import read_workbook

    td_ds = read_workbook(None if workbook is True else workbook, approach="TD")
    bu_ds = read_workbook(None if workbook is True else workbook, approach="BU")
    regions = [str(r) for r in td_ds.region.values]
    td = td_summary(td_ds, period, None)  # every region at once: one ensemble computation per category
    bu = bu_summary(bu_ds, period, None)
    page.h2("Top-down vs bottom-up (GCP-CH4)")
    page.p(f"GCP-CH4 2020 workbook (Saunois et al. 2020; the file is named in the provenance), {period}, "
           "Tg CH4 yr-1, emissions positive: top-down by the rule of Saunois et al. (2020) (runs averaged within "
           "their reference groups, TOMCAT out of the fossil and agriculture ranges); bottom-up estimates each "
           "counted once.")
    page.table(td[td.region == "GLOBAL"].drop(columns="region"), "ch4_topdown_global", f"top-down, GLOBAL, {period}",
               units="Tg CH4 yr-1")
    page.table(bu[bu.region == "GLOBAL"].drop(columns="region"), "ch4_bottomup_global",
               f"bottom-up, GLOBAL, {period}", units="Tg CH4 yr-1")
    page.figure(partial(F.td_bu_bars, td, bu, regions, period, TD_BU_PAIRS), "ch4_td_vs_bu",
                f"CH4 emissions by category and region, {period}, Tg CH4 yr-1, emissions positive: top-down mean "
                f"(min-max over {td_ds.sizes.get('model', 0)} runs) beside bottom-up mean (min-max).")
    return td[td.region == "GLOBAL"].assign(period=period)


def _co2eq(page: Page, ds, ch4_td: pd.DataFrame | None) -> None:
    """CH4's emissions in CO2-eq, natural and anthropogenic apart; the intercomparison's CO2 is a net flux, not summed."""
    from mip.budgets.gwp import CH4_KIND, ch4_category, gwp_factor
    from mip.errors import MipError

    if ch4_td is None:
        return
    rows = []
    for _, r in ch4_td.iterrows():
        try:
            cat = ch4_category(r["category"])
        except MipError:  # totals ("Total Sources", ...) are not categories: their parts are listed
            continue
        kind = CH4_KIND[cat]
        v = (-1.0 if kind == "sink" else 1.0) * r["mean"]
        rows.append({"CH4 category": r["category"], "kind": kind, "Tg CH4 yr-1": v,
                     "GWP100": v * gwp_factor("CH4", cat, "GWP100"), "GWP20": v * gwp_factor("CH4", cat, "GWP20")})
    if not rows:
        return
    df = pd.DataFrame(rows)
    for kind in ("natural", "anthropogenic"):
        part = df[df.kind == kind]
        rows.append({"CH4 category": f"{kind} sources", "kind": "sum", "Tg CH4 yr-1": part["Tg CH4 yr-1"].sum(),
                     "GWP100": part.GWP100.sum(), "GWP20": part.GWP20.sum()})
    page.h2("GWP-weighted CO2-equivalent summary")
    period = str(ch4_td["period"].iloc[0]) if "period" in ch4_td else "period not stated"
    page.p(f"CH4 top-down emissions, GLOBAL, {period} (GCP-CH4 mean by the Saunois et al. 2020 rule) in Tg CO2-eq yr-1, IPCC AR6 WG1 Table 7.15: "
           "fossil categories 29.8 (GWP100) / 82.5 (GWP20), other CH4 27.0 / 79.7; natural and anthropogenic sources "
           "summed apart, the soil sink listed but not in either sum (a GWP is an emission metric). The "
           "intercomparison's CO2 above is a net flux after the land and ocean sinks, not an emission, so it is not "
           "put in CO2-eq here: the three-gas stocktake section compares emissions of CO2, CH4 and N2O.")
    page.table(pd.DataFrame(rows), "co2eq", f"CH4 emissions in CO2-equivalent, GLOBAL, {period} (basis: emissions; "
               "sink listed apart)",
               units={"GWP100": "Tg CO2-eq yr-1", "GWP20": "Tg CO2-eq yr-1"})


def _constraints(page: Page, specs: list[str]) -> None:
    from mip.constrain.output import write_outcome
    from mip.constrain.runner import run_spec
    from mip.constrain.spec import load_spec

    page.h2("Emergent constraints")
    for s in specs:
        spec = load_spec(s)
        outcome = run_spec(spec)
        d = page.inside(page.out / "constraints" / safe_name(spec.name))
        first = next(iter(outcome.results[spec.method]))
        write_outcome(outcome, d, pdf_cases=[first])  # figures only where the report shows them
        page.h3(spec.name)
        when = outcome.period or "the spec's period"
        page.p(f"{spec.description} Reference: {spec.reference}. Method {spec.method}"
               + (f", compared with {', '.join(spec.compare)}" if spec.compare else "") + f"; {when}.")
        t = outcome.table()[["case", "group", "mean", "sd", "p05", "p95", "prior_mean", "prior_sd",
                             "variance_reduction", "slope", "slope_se", "r", "n"]]
        page.table(t, f"constraint_{spec.name}", f"{spec.name} ({spec.method}), {when}",
                   units={c: "Pg C yr-1" for c in ("mean", "sd", "p05", "p95", "prior_mean", "prior_sd")})
        n = outcome.x.shape[1]
        page.image(d / "scatter.png", f"{spec.name}: flux (Pg C yr-1, {SIGN}) against the predictor (ppm) of {n} "
                   f"members per case, {when}, with the fit and its prediction band.")
        page.image(d / "cases.png", f"{spec.name}: constrained and unconstrained flux per case, Pg C yr-1, {SIGN}, "
                   f"{when}; {n} members.")
        page.image(d / f"pdf_{safe_name(first)}.png", f"{spec.name}: prior and constrained PDFs of case {first}, Pg C yr-1, "
                   f"{SIGN}, {when}; {n} members.")
        for note in outcome.notes:
            page.p(note)


def _independent_sections(page: Page, real_co2: bool, ch4_workbook, bar) -> dict:
    """The sections built from bundled data alone that draw the most for their computing: v10 MIP, GCB, GCP-CH4.

    Each is captured, to be put in its place later; :func:`_more_independent_sections` adds the others.
    Returns ``{"real CO2 data", "GCP-CH4": captured sections (empty when not asked), "ch4": the GCP-CH4
    top-down global table or None}``.
    """
    out: dict[str, Any] = {"ch4": None, "real CO2 data": page.capture()}
    with out["real CO2 data"]:
        if real_co2:
            from mip.report.published_co2 import add_real_sections

            add_real_sections(page)
    with page.capture() as out["GCP-CH4"]:
        if ch4_workbook:
            out["ch4"] = _ch4(page, ch4_workbook)
            bar.update()
    return out


def _more_independent_sections(page: Page, out: dict, real_co2: bool, constraints: list[str] | None, bar) -> None:
    """The rest of the sections from bundled data and specs: constraints, stocktake, observation space.

    Added to ``out`` (from :func:`_independent_sections`): ``"constraints"``; the stocktake and
    observation-space sections to its ``"real CO2 data"`` capture, after the real CO2 sections.  The
    constraints come first: their three figures take as long to draw as the section to compute, the
    observation-space section's two the least (the last figures are what the report waits for).
    """
    with page.capture() as out["constraints"]:
        if constraints:
            _constraints(page, constraints)
            bar.update()
    with out["real CO2 data"]:  # the same capture again: what follows the real CO2 sections on the page
        if real_co2:
            from mip.report.obs_evaluation import add_obs_evaluation_sections
            from mip.report.stocktake import add_stocktake_sections

            add_stocktake_sections(page)
            add_obs_evaluation_sections(page)
            bar.update()


def _provenance(page: Page, ds, regions, settings: dict[str, Any]) -> None:
    page.h2("Provenance")
    files = sorted({str(f) for f in np.ravel(ds["source_file"].values) if str(f)}) if "source_file" in ds.coords else []
    versions = {}
    for pkg in ("fluxmip", "xarray", "numpy", "dask", "pandas", "scipy", "statsmodels", "odrpack", "intake",
                "compliance-checker", "matplotlib"):
        try:
            versions[pkg] = im.version(pkg)
        except im.PackageNotFoundError:
            versions[pkg] = "not installed"
    groups = list(dict.fromkeys(regions.region_groups))
    page.table(pd.DataFrame({"label": [short_label(g) for g in groups], "region set (full)": groups}),
               "region_sets", "region sets: the short labels used above and what they are")
    page.table(pd.DataFrame({"setting": list(settings), "value": [str(v) for v in settings.values()]}),
               "settings", "settings", collapse=True)
    page.table(pd.DataFrame({"package": list(versions), "version": list(versions.values())}), "versions",
               f"software (Python {platform.python_version()})", collapse=True)
    page.table(pd.DataFrame({"file": files}), "files", "input files", collapse=True)
    page.p(f"Generated {_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')} by fluxmip.")


def build_report(catalog, entry: str, out: str | Path, *, regions=None, region_specs: list[str] | None = None,
                 constraints: list[str] | None = None, protocol=None, data_root=None, ch4_workbook=None,
                 real_co2: bool = False, evaluate: list[str] | None = None,
                 evaluate_options: dict[str, Any] | None = None, regrid: tuple[float, float] | None = None,
                 period: str | tuple | Period | None = None, cf: bool = True, progress: bool = True,
                 attribution: str = "surface", surfaces: dict[str, str] | None = None,
                 read_options: dict[str, Any] | None = None,
                 meanwhile: Callable[[], object] | None = None) -> Path:
    """Write ``out/index.html``: the summary, checks, budgets, time series, maps, TD/BU, CO2-eq, constraints, provenance.

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
        three-gas stocktake.
    evaluate
        CMIP-convention files of an Earth system model to score against the ensemble (a section).
    evaluate_options
        ``calendar``, ``period`` and the reader's options for the evaluation.
    regrid
        ``(dlat, dlon)``: put members on other grids onto this grid (conservative), as ``mip budget --regrid``.
    period
        A period (``"2015:2020"``, ``"2015-01:2015-06"``: the last included, see
        :mod:`mip.conventions.period`): every section uses only its steps.
    cf
        Run the CF conformance suite in the submission checks (slower).
    progress
        Progress bar on standard error.
    attribution, surfaces
        As :func:`mip.aggregate` (``--attribution``, ``--surfaces``).
    read_options
        Reader options for every member (``variables={canonical: native}``, as ``--variables``).
    meanwhile
        The caller's own work, called before ``catalog`` is opened, once the first sections that need
        no ensemble (the real CO2 data, GCP-CH4) are computed and their figures handed to the figure
        process: it runs while those figures are drawn.  ``mip demo`` writes its sample catalog here.
        Its return value is not used.

    Returns
    -------
    pathlib.Path
        The index.html.
    """
    from tqdm import tqdm

    from mip.catalog import open_catalog, open_ensemble
    from mip.catalog.ensemble import READ_FAILURES, unreadable_members
    from mip.conventions.period import Period

    period = None if period is None else Period.parse(period, what="--period")
    from mip.regions import land_ocean, latitude_bands, parse_regions
    from mip.io.figure_worker import rendering_in_background
    from mip.report.summary import add_summary

    with rendering_in_background(preload=DRAWING_MODULES):  # figures drawn by the second core; all written before the page
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        regions = regions or (parse_regions(region_specs) if region_specs else latitude_bands() + land_ocean())
        page = Page(out)
        steps = ["open", "checks", "budgets", "time series", "maps"] + (["real CO2 data"] if real_co2 else []) + \
            (["GCP-CH4"] if ch4_workbook else []) + \
            ["CO2-eq"] + (["evaluation"] if evaluate else []) + (["constraints"] if constraints else []) + ["provenance"]
        bar = tqdm(total=len(steps), desc="report", unit="step", disable=not progress)
        # The report's figures are drawn by a second process (rendering_in_background). So that it always has a
        # figure to draw, the sections are computed out of their order on the page (each captured and put in its
        # place below): first those from bundled data that draw the most for their computing (1.5 s of figures a
        # second), then the caller's work (meanwhile) and the ensemble's sections (a third of the drawing, with
        # the two maps) and evaluation, then the other sections from bundled data while those figures are drawn.
        independent = _independent_sections(page, real_co2, ch4_workbook, bar)
        if meanwhile is not None:
            meanwhile()
        cat = open_catalog(catalog) if isinstance(catalog, (str, Path)) else catalog
        if protocol is None:
            proto = (cat.metadata or {}).get("protocol")
            if proto and isinstance(catalog, (str, Path)) and not Path(str(proto)).is_absolute() and Path(str(catalog)).suffix:
                proto = str(Path(catalog).parent / proto)
            protocol = proto

        def opened(exclude=None):
            ds = open_ensemble(cat, entry, data_root=data_root, regrid=regrid, exclude=exclude, **(read_options or {}))
            if period is None:
                return ds
            return period.select(ds, where=f"{catalog}:{entry}")

        ds = opened()
        agg = {"attribution": attribution, "surfaces": surfaces}
        title = f"Intercomparison report: {(cat.metadata or {}).get('title', entry)}"
        page.p(f"{ds.sizes['model']} models ({', '.join(map(str, ds.model.values))}) × {ds.sizes['experiment']} "
               f"experiments ({', '.join(map(str, ds.experiment.values))}), {span(ds)}; region sets: "
               f"{'; '.join(short_label(g) for g in dict.fromkeys(regions.region_groups))}; {SIGN}."
               + (" SYNTHETIC sample data." if (cat.metadata or {}).get("synthetic") else ""), cls="intro")
        page.summary_here()
        bar.update()
        rep, members = _checks(page, cat, entry, protocol, data_root, cf=cf)
        bar.update()
        try:
            monthly, main, whole = _budget_tables(ds, regions, period, agg)
        except READ_FAILURES:  # a damaged block: the members whose data cannot be read are named and left out
            bad = unreadable_members(ds)
            if not bad:
                raise
            ds = opened(exclude=bad)
            monthly, main, whole = _budget_tables(ds, regions, period, agg)
        _budgets(page, ds, main, whole, period, surfaces)
        bar.update()
        _timeseries(page, ds, monthly, surfaces)
        bar.update()
        _maps(page, ds)
        bar.update()
        with page.capture() as evaluation:
            if evaluate:
                from mip.report.esm_evaluation import add_evaluation_section, run_evaluation

                opts = dict(evaluate_options or {})
                scores, name = run_evaluation(evaluate, cat, entry, regions=regions, ensemble=ds, **opts)
                add_evaluation_section(page, scores, name)
                bar.update()
        _more_independent_sections(page, independent, real_co2, constraints, bar)
        page.add(independent["real CO2 data"])
        page.add(independent["GCP-CH4"])
        _co2eq(page, ds, independent["ch4"])
        bar.update()
        page.add(evaluation)
        page.add(independent["constraints"])
        _provenance(page, ds, regions, {"catalog": catalog if isinstance(catalog, (str, Path)) else "(object)",
                                        "entry": entry, "regions": regions.description, "protocol": protocol,
                                        "constraints": constraints, "ch4_workbook": ch4_workbook, "real_co2": real_co2,
                                        "data_root": data_root, "evaluate": evaluate, "evaluate_options": evaluate_options,
                                        "regrid": regrid, "period": period, "cf": cf, "attribution": attribution,
                                        "surfaces": surfaces, "read_options": read_options})
        add_summary(page, ds, rep, members, whole, surfaces=surfaces, period=period)
        bar.update()
        bar.close()
    return page.write(title)
