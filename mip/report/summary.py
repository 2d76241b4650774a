"""The report's first section: what a coordinator acts on, before any detail.

Per member: the check verdict with the failing rules named, and its flags (likely sign error, outlier,
sign against physics, missing months, left out of the ensemble, no value for lack of data); then one
model × region table of the key budget (``net`` where there is one, else every flux), the mean over
the whole period with the ensemble median and IQR/1.35 beneath, units in the headers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["member_flags", "key_budget", "add_summary"]


def _by_member(text: str) -> dict[str, list[str]]:
    """``"M/E: reason; M2/E2: reason"`` → {"M/E": [reason, ...]}."""
    out: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in str(text or "").split("; "))):
        who, _, why = part.partition(": ")
        out.setdefault(who.strip(), []).append(why.strip())
    return out


def member_flags(ds, rep, members: list, whole) -> pd.DataFrame:
    """One row per member: model, experiment, check verdict, failing rules, flags.

    Parameters
    ----------
    ds
        The ensemble (its ``excluded_members``, ``padded_members`` attributes).
    rep
        The check report (:class:`mip.checks.Report`) or None.
    members
        ``(model, experiment, path, options)`` of the catalog entry.
    whole
        Computed whole-period totals, annotated (``attrs["incomplete"]``).

    Returns
    -------
    pandas.DataFrame
    """
    excluded = _by_member(ds.attrs.get("excluded_members"))
    padded = _by_member(ds.attrs.get("padded_members"))
    nodata: dict[str, list[str]] = {}
    for item in str(whole.attrs.get("incomplete", "") or "").split("; "):
        if item:
            who, var = item.split(" ")[:2]
            nodata.setdefault(who, []).append(var)
    rows = []
    listed = [(m, e, p) for m, e, p, _ in members] or [(str(m), str(e), None) for m in ds.model.values
                                                       for e in ds.experiment.values]
    for m, e, p in listed:
        e_label = e if e else (str(ds.experiment.values[0]) if ds.sizes.get("experiment") == 1 else "")
        key = f"{m}/{e_label}"
        flags: list[str] = []
        verdict, failing = "not checked", ""
        if rep is not None and p is not None and Path(p).exists():
            fs = rep.of(str(p))
            verdict = rep.status(str(p))
            failing = ", ".join(dict.fromkeys(f"{x.rule}" + (f" [{x.variable}]" if x.variable else "")
                                              for x in fs if x.severity == "error"))
            for kind, label in (("ensemble.sign", "likely sign error"), ("ensemble.outlier", "outlier"),
                                ("data.sign", "sign against physics")):
                vs = [x.variable for x in fs if x.rule == kind]
                if vs:
                    flags.append(f"{label}: {', '.join(dict.fromkeys(map(str, vs)))}")
            months = [x.observed for x in fs if x.rule in ("time.missing", "data.nan_month")]
            if months:
                flags.append("missing months: " + "; ".join(dict.fromkeys(months)))
        elif p is not None and not Path(p).exists():
            verdict = "file missing"
        for why in excluded.get(key, []):
            flags.append(f"left out of the ensemble: {why}")
        for why in padded.get(key, []):
            flags.append(f"covers part of the period: {why}")
        if nodata.get(key):
            flags.append(f"no value for the whole period (lack of data): {', '.join(dict.fromkeys(nodata[key]))}")
        rows.append({"model": m, "experiment": e_label, "check": verdict, "failing rules": failing,
                     "flags": "; ".join(flags)})
    return pd.DataFrame(rows)


def key_budget(whole, ds, surfaces=None) -> dict[str, tuple[pd.DataFrame, str]]:
    """Per experiment: the model × region table of the key budget, with the ensemble median and IQR/1.35 rows.

    Returns
    -------
    dict
        Experiment → (table, units).
    """
    from mip.report.build import _surface, _units, relevant_regions
    from mip.report.page import short_label

    keys = ["net"] if "net" in whole.data_vars else list(whole.data_vars)
    out = {}
    for e in whole.experiment.values:
        cols: dict[str, np.ndarray] = {}
        for v in keys:
            for r in relevant_regions(whole, v, _surface(ds, v, surfaces)):
                label = short_label(r) if len(keys) == 1 else f"{v}: {short_label(r)}"
                cols[label] = np.asarray(whole[v].sel(experiment=e, region=r).values, float)
        models = [str(m) for m in whole.model.values]
        df = pd.DataFrame(cols, index=models)
        q25, q75 = df.quantile(0.25), df.quantile(0.75)
        stats = pd.DataFrame([df.median(), (q75 - q25) / 1.35], index=["ensemble median", "IQR/1.35"])
        table = pd.concat([df, stats]).reset_index(names="model")
        out[str(e)] = (table, _units(whole, keys[0]))
    return out


def add_summary(page, ds, rep, members: list, whole, *, surfaces=None, period=None) -> None:
    """Build the summary section and put it at the top of the page (see :meth:`mip.report.page.Page.summary_here`)."""
    from mip.report.build import SIGN, span

    flags = member_flags(ds, rep, members, whole)
    when = span(ds) if period is None else period.label
    with page.capture() as c:
        page.h2("Summary")
        n_bad = int((flags["check"] == "does not conform").sum())
        n_flag = int((flags["flags"] != "").sum())
        page.p(f"{len(flags)} members: {n_bad} do not conform to the protocol, {n_flag} carry flags.",
               cls="bad" if n_bad or n_flag else "ok")
        page.table(flags, "summary_members", "each member's check verdict, failing rules and flags", collapse=False,
                   classes={"check": flags["check"].map(lambda s: "bad" if s in ("does not conform", "file missing")
                                                       else "ok" if s.startswith("conforms") else ""),
                            "flags": flags["flags"].map(lambda s: "bad" if s else "")})
        for e, (table, unit) in key_budget(whole, ds, surfaces).items():
            var = "net" if "net" in whole.data_vars else ", ".join(map(str, whole.data_vars))
            page.table(table, f"summary_budget_{e}", f"key budget, {var}, experiment {e}: mean over {when} per "
                       f"model and region ({unit}, {SIGN}; – = no value for lack of data)",
                       units={c: unit for c in table.columns if c != "model"}, collapse=False)
    page.insert_summary(c)  # the summary leads the page and its contents
