"""The growth-rate closure rule: a submission's global total flux against the observed CO2 growth.

The mass balance of an inversion: its global total (land + ocean, plus the fossil flux the MIP
prescribes) of each year must equal the atmospheric growth NOAA observes (× 2.124 Pg C/ppm). The
rule needs the global totals :func:`mip.checks.rules.rule_data` computed; a file whose totals could
not be computed is not judged here (its other findings say why).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from mip.checks.rules import Context

__all__ = ["rule_closure", "observed_growth", "prescribed_fossil"]


@lru_cache(maxsize=8)
def observed_growth(source: str = "noaa-gml") -> pd.Series:
    """Observed global CO2 growth in Pg C/yr per year (NOAA × 2.124 Pg C/ppm).

    Parameters
    ----------
    source
        ``"noaa-gml"`` (bundled 2020 vintage) or the path of a NOAA ``co2_gr_gl.txt``.

    Returns
    -------
    pandas.Series
        Indexed by year.
    """
    from mip.obs.noaa import bundled_growth_rate, read_noaa

    ds = bundled_growth_rate() if source == "noaa-gml" else read_noaa(Path(source))
    return ds.growth_rate_pgc.to_series()


@lru_cache(maxsize=2)
def prescribed_fossil(source: str = "gcb-2023") -> pd.Series:
    """Fossil CO2 emissions net of cement carbonation (Pg C/yr per year) from the bundled GCB 2023 workbook.

    Parameters
    ----------
    source
        ``"gcb-2023"``.

    Returns
    -------
    pandas.Series
        Indexed by year.
    """
    from mip.tables.gcb_workbook import read_global_budget

    g = read_global_budget()
    return (g.sel(component="fossil_emissions") - g.sel(component="cement_carbonation_sink")).to_series()


def _experiment(ctx: Context) -> str | None:
    m = re.match(ctx.protocol.file_pattern, ctx.path.name)
    return m.groupdict().get("experiment") if m else None


def rule_closure(ctx: Context) -> None:
    """Global total (+ prescribed fossil) of each full year against the observed growth, within the tolerance."""
    spec = ctx.protocol.closure
    if spec is None or not ctx.months:
        return
    if spec.experiments is not None and _experiment(ctx) not in spec.experiments:
        return
    if any(v not in ctx.totals for v in spec.variables):
        return  # no totals (bad units, grid or NaN): reported by the other rules
    total = np.sum([ctx.totals[v] for v in spec.variables], axis=0)
    if total.size != len(ctx.months):
        return
    df = pd.DataFrame(ctx.months, columns=["year", "month"]).assign(total=total)
    df["days"] = [pd.Period(year=y, month=m, freq="M").days_in_month for y, m in ctx.months]
    full = df.groupby("year").filter(lambda g: g.month.nunique() == 12 and np.isfinite(g.total).all())
    if full.empty:
        return
    annual = full.groupby("year").apply(lambda g: np.average(g.total, weights=g.days), include_groups=False)
    label = " + ".join(spec.variables)
    if spec.fossil != "none":
        annual = annual + prescribed_fossil(spec.fossil).reindex(annual.index)
        label += f" + fossil ({spec.fossil})"
    mismatch = (annual - observed_growth(spec.growth).reindex(annual.index)).dropna()
    if mismatch.empty:
        return
    bad = mismatch[np.abs(mismatch) > spec.tolerance]
    if bad.empty:
        return
    years = ", ".join(f"{y}: {v:+.2f}" for y, v in bad.items())
    ctx.add("data.growth_closure", spec.severity, label,
            f"global total − observed growth (Pg C/yr) {years}; mean over {len(mismatch)} year(s) {mismatch.mean():+.2f}",
            f"within ±{spec.tolerance:g} Pg C/yr of NOAA's growth rate × 2.124 Pg C/ppm each year",
            "check the sign convention, units and the mass balance of the inversion")
