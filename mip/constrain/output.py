"""Writing a constraint's results: CSV tables and figures, never partial files."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from mip.constrain.plots import case_panels, drawing, pdf_figure, save, scatter_figure
from mip.constrain.runner import Outcome
from mip.io import atomic_write, safe_name

__all__ = ["write_outcome", "campaign_table", "write_multi"]


def _csv(df: pd.DataFrame, path: Path) -> Path:
    with atomic_write(path) as tmp:
        df.to_csv(tmp, index=False, float_format="%.10g")
    return path


def campaign_table(outcome: Outcome, method: str | None = None) -> pd.DataFrame:
    """``campaign,flux,flux_unc,n_models,slope,intercept`` for one method (Long et al. layout)."""
    t = outcome.table(method)
    n_models = {c: int(outcome.x.loc[c].notna().mul(outcome.y.loc[c].notna()).sum()) for c in t["case"]}
    return pd.DataFrame({"campaign": t["case"], "flux": t["mean"], "flux_unc": t["sd"],
                         "n_models": [n_models[c] for c in t["case"]], "slope": t["slope"],
                         "intercept": t["intercept"]})


def write_outcome(outcome: Outcome, out: str | Path, *, figures: bool = True,
                  pdf_cases: list[str] | None = None) -> list[Path]:
    """Write ``results.csv`` (every method × case), ``inputs.csv`` and figures into ``out``.

    Airborne specs also get ``campaign_fluxes.csv`` (main method).

    Parameters
    ----------
    outcome
        From :func:`mip.constrain.runner.run_spec`.
    out
        Directory (created).
    figures
        Also write PNG figures.
    pdf_cases
        The cases whose PDF figure is written (default every case; the report shows one).

    Returns
    -------
    list of pathlib.Path
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    allm = pd.concat([outcome.table(m).assign(method=m) for m in outcome.results], ignore_index=True)
    cols = ["method", "case", "group", "mean", "sd", "median", "mode", "p05", "p17", "p83", "p95", "prior_mean",
            "prior_sd", "variance_reduction", "slope", "slope_se", "intercept", "intercept_se", "r", "p_value",
            "loo_skill", "n", "x_obs", "x_obs_sd", "members", "flags"]
    files.append(_csv(allm[cols], out / "results.csv"))
    inputs = pd.concat({"x": outcome.x, "y": outcome.y}, axis=1)
    inputs.columns = [f"{a}:{b}" for a, b in inputs.columns]
    inputs = inputs.join(outcome.obs.add_prefix("obs:"))
    files.append(_csv(inputs.reset_index(names="case"), out / "inputs.csv"))
    if outcome.spec.data.kind == "airborne":
        files.append(_csv(campaign_table(outcome), out / "campaign_fluxes.csv"))
    if figures:
        # drawings, not figures: inside a report the figure process builds them too (mip.io.figure_worker),
        # from what they show alone (a Drawing: no spec, no fitting code for that process to import)
        shown = drawing(outcome)
        files.append(save(partial(scatter_figure, shown), out / "scatter.png"))
        files.append(save(partial(case_panels, shown), out / "cases.png"))
        for c in outcome.results[outcome.spec.method]:
            if pdf_cases is None or c in pdf_cases:
                files.append(save(partial(pdf_figure, shown, c), out / f"pdf_{safe_name(c)}.png"))
    return files


def write_multi(outcome, out: str | Path, *, figures: bool = True) -> list[Path]:
    """Write a multi-predictor constraint's tables and figures into ``out``.

    ``results.csv``, ``coefficients.csv``, ``inputs.csv``, ``observations.csv`` and (with ``figures``)
    ``scatter.png`` and ``profile.png``.

    Parameters
    ----------
    outcome
        From :func:`mip.constrain.multi.run_multi`.
    out
        Directory (created).
    figures
        Also write PNG figures.

    Returns
    -------
    list of pathlib.Path
    """
    from mip.constrain.plots import multi_scatter, profile_figure

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = [_csv(outcome.results, out / "results.csv"), _csv(outcome.coefficients(), out / "coefficients.csv")]
    inputs = outcome.x.add_prefix("x:").join(outcome.y.add_prefix("y:"))
    files.append(_csv(inputs.reset_index(names="member"), out / "inputs.csv"))
    files.append(_csv(outcome.x_obs.reset_index(names="observation"), out / "observations.csv"))
    if figures:
        files.append(save(partial(multi_scatter, outcome), out / "scatter.png"))
        files.append(save(partial(profile_figure, outcome), out / "profile.png"))
    return files
