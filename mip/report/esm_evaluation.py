"""The evaluation of an Earth system model as a job, and its report section.

Read the model (``cmip`` family), regrid it onto the ensemble's grid, aggregate both to
the same regions, score (:mod:`mip.budgets.esm_scores`), and the report section.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import xarray as xr

__all__ = ["run_evaluation", "add_evaluation_section"]


def run_evaluation(files: Sequence[str | Path], catalog: Any, entry: str, *, experiment: str | None = None,
                   regions: Any = None, period: tuple[int, int] | None = None, calendar: str = "error",
                   data_root: str | None = None, ensemble: xr.Dataset | None = None,
                   **read_options: Any) -> tuple[xr.Dataset, str]:
    """Score CMIP-convention model files against a catalog's inversion ensemble.

    Parameters
    ----------
    files
        The model's files (:func:`mip.products.cmip.read_cmip`).
    catalog, entry
        The inversion ensemble.
    experiment
        Ensemble experiment (default its first).
    regions
        A RegionSet (default the GCB latitude bands + land/ocean).
    period
        Whole years ``(first, last)`` (default every whole year both cover).
    calendar
        ``"error"`` or ``"by-month"`` (see :func:`mip.budgets.esm_scores.evaluate_model`).
    data_root
        Data root of the catalog.
    ensemble
        An already opened ensemble (skips opening the catalog).
    **read_options
        ``sign``, ``sftlf``, ``sftof``, ``land_fraction``, ``bounds``.

    Returns
    -------
    (xarray.Dataset, str)
        The scores and the model's name.
    """
    from mip.budgets.aggregation import aggregate
    from mip.catalog import open_ensemble
    from mip.errors import MismatchError
    from mip.budgets.esm_scores import evaluate_model
    from mip.products.cmip import read_cmip
    from mip.regions import land_ocean, latitude_bands
    from mip.geometry.regrid import regrid

    ens = ensemble if ensemble is not None else open_ensemble(catalog, entry, data_root=data_root)
    exp = experiment or str(ens.experiment.values[0])
    if exp not in ens.experiment.values:
        raise MismatchError(f"the ensemble has no experiment {exp!r}; it has {', '.join(map(str, ens.experiment.values))}")
    model = read_cmip(list(files), **read_options)
    shared = [v for v in model.data_vars if v in ens.data_vars]
    if not shared:
        raise MismatchError(f"the model's variables {list(model.data_vars)} are not in the ensemble "
                            f"({list(ens.data_vars)})")
    model = regrid(model.drop_vars([v for v in model.data_vars if v not in shared]), ens)
    regions = regions or (latitude_bands() + land_ocean())
    mt = aggregate(model, regions).compute()
    et = aggregate(ens.drop_vars([v for v in ens.data_vars if v not in shared]).sel(experiment=exp), regions).compute()
    from mip.budgets.lateral import apply_river_adjustment, river_adjustment
    from mip.products.reccap2 import read_river_flux

    adj = None
    if ens[shared[0]].attrs.get("reported_as") == "C" and {"land", "ocean", "net"} & set(shared):
        # inversions include the river carbon (ocean outgassing, land uptake); a model's nbp/fgco2 do not: move it
        # as the GCB does before comparing (the same function as the report's GCB comparison)
        adj = river_adjustment(regions, ens, read_river_flux())
        et = apply_river_adjustment(et, adj)
    if period is None:
        ym = {int(y) for y in mt.time.dt.year.values} & {int(y) for y in et.time.dt.year.values}
        full = sorted(y for y in ym if (mt.time.dt.year == y).sum() == 12 and (et.time.dt.year == y).sum() == 12)
        if not full:
            raise MismatchError("the model and the ensemble share no whole year")
        period = (full[0], full[-1])
    scores = evaluate_model(mt, et, period=period, calendar=calendar)
    name = str(model.model.values[0])
    scores.attrs.update(model=name, experiment=exp, regions=regions.description,
                        model_files=", ".join(str(f) for f in files),
                        river_adjustment=("the inversions' land +, ocean − the river flux of Lacroix et al. (2020), "
                                          f"{adj.attrs['total']:.2f} Pg C/yr in all, before scoring (as the GCB)"
                                          if adj is not None else "none (not a carbon flux)"))
    return scores, name


def add_evaluation_section(page: Any, scores: xr.Dataset, name: str) -> None:
    """Append the evaluation table and figure to a report page.

    Parameters
    ----------
    page
        The report page.
    scores, name
        From :func:`run_evaluation`.
    """
    from mip.budgets.esm_scores import evaluation_table
    from mip.report import figures as F

    from pathlib import Path

    from mip.report.page import short_label, units_label

    unit = units_label(scores.attrs.get("units", ""), "C" if "Pg" in str(scores.attrs.get("units", "")) else None)
    files = ", ".join(Path(f.strip()).name for f in str(scores.attrs.get("model_files", "")).split(","))
    page.h2(f"Earth-system-model evaluation: {name}")
    page.p(f"{name} ({files}) against the inversion ensemble's {scores.attrs.get('experiment', '')} experiment on "
           f"{short_label(scores.attrs.get('regions', ''))}, {scores.attrs['period']} ({unit}, positive = to the "
           "atmosphere; the model's CMIP sign convention read from its standard names, its per-land/sea fluxes "
           "weighted by its area fractions, its grid regridded conservatively). Distance = (model − ensemble median) "
           "/ (IQR/1.35); seasonal cycle: correlation and amplitude ratio against the ensemble median's; trend "
           f"difference in units per year. Calendars: model {scores.attrs['model_calendar']}, ensemble "
           f"{scores.attrs['ensemble_calendar']}. River adjustment: {scores.attrs.get('river_adjustment', 'none')}."
           + (f" Not scored (no model value): {scores.attrs['unscored']}."
                                                       if scores.attrs.get("unscored") else ""))
    table = evaluation_table(scores)
    # a variable over a region where it is zero by construction (land flux over an ocean basin): the model and
    # every member are exactly 0 there; such rows say nothing and are left out
    zero = (table["model_mean"] == 0) & (table["ensemble_min"] == 0) & (table["ensemble_max"] == 0)
    table = table[~zero]
    keep = {v: list(table.loc[table.variable == v, "region"]) for v in dict.fromkeys(table.variable)}
    table = table[[c for c in table.columns if not (table[c].dtype.kind == "f" and table[c].isna().all())]]
    amounts = ("model_mean", "ensemble_median", "ensemble_min", "ensemble_max", "iqr_1_35")
    trends = ("model_trend", "ensemble_trend", "trend_difference", "trend_difference_se")
    page.table(table, f"evaluation_{name}", f"scores of {name}, {scores.attrs['period']}",
               units={c: unit for c in amounts} | {c: f"{unit} per year" for c in trends})
    page.figure(partial(F.evaluation_ranges, scores, name, keep), f"evaluation_{name}",
                f"{name} against the inversion ensemble, mean over {scores.attrs['period']}, {unit}, positive = to the "
                f"atmosphere: ensemble range, IQR and median of {int(scores.n_members.max())} members, and the model "
                "(diamond).")
