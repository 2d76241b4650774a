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


@lru_cache(maxsize=8)
def prescribed_fossil(source: str = "gcb-2023") -> pd.Series:
    """Fossil CO2 emissions (Pg C/yr per year) a MIP prescribes, by name or from a file.

    Parameters
    ----------
    source
        ``"oco2mip-v10"``: the v10 MIP's own prescribed fossil, total − land − ocean of the bundled band
        files (Stephens et al. 2026; the same in every member, which is checked); ``"gcb-2023"``: the GCB
        2023 fossil emissions net of cement carbonation; or the path of a CSV with columns ``year``,
        ``fossil`` (Pg C/yr).

    Returns
    -------
    pandas.Series
        Indexed by year.
    """
    from mip.errors import MipError

    if source == "gcb-2023":
        from mip.tables.gcb_workbook import read_global_budget

        g = read_global_budget()
        return (g.sel(component="fossil_emissions") - g.sel(component="cement_carbonation_sink")).to_series()
    if source == "oco2mip-v10":
        from mip.tables.v10mip_zonal import bundled_annual

        f = bundled_annual()["fossil"].sum("region", skipna=False).stack(member=("model", "experiment")).dropna("member")
        spread = float((f.max("member") - f.min("member")).max())
        if spread > 1e-6:
            raise MipError(f"the v10 MIP members' fossil emissions differ by up to {spread:.3g} Pg C/yr: not one "
                           "prescribed series")
        return f.isel(member=0, drop=True).to_series()
    path = Path(source)
    if not path.exists():
        raise MipError(f"closure fossil {source!r}: expected 'oco2mip-v10', 'gcb-2023' or a CSV path (year, fossil)")
    df = pd.read_csv(path)
    if not {"year", "fossil"} <= set(df.columns):
        raise MipError(f"{path}: columns {list(df.columns)}; expected year, fossil (Pg C/yr)")
    return df.set_index("year")["fossil"].astype(float)


def fossil_rel_unc(spec) -> float:
    """The relative one-sigma uncertainty of the fossil added.

    The spec's, else 5 % for the GCB, else 0 (the MIP's own prescribed emissions, which the inversions
    used as they are).
    """
    from mip.budgets.closure import FOSSIL_REL_UNC_GCB

    if spec.fossil_uncertainty is not None:
        return spec.fossil_uncertainty
    return FOSSIL_REL_UNC_GCB if spec.fossil == "gcb-2023" else 0.0


@lru_cache(maxsize=8)
def growth_uncertainty(source: str = "noaa-gml") -> pd.Series:
    """NOAA's stated uncertainty of each year's growth rate, ppm/yr."""
    from mip.obs.noaa import bundled_growth_rate, read_noaa

    ds = bundled_growth_rate() if source == "noaa-gml" else read_noaa(Path(source))
    return ds.unc.to_series()


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
    from mip.budgets.closure import stated_tolerance

    label = " + ".join(spec.variables)
    fossil = None
    if spec.fossil != "none":
        fossil = prescribed_fossil(spec.fossil).reindex(annual.index)
        annual = annual + fossil
        label += f" + fossil ({spec.fossil})"
    mismatch = (annual - observed_growth(spec.growth).reindex(annual.index)).dropna()
    if mismatch.empty:
        return
    if spec.tolerance == "stated":
        rel = fossil_rel_unc(spec)
        tol = stated_tolerance(growth_uncertainty(spec.growth).reindex(mismatch.index),
                               None if fossil is None else fossil.reindex(mismatch.index), rel, sigmas=spec.sigmas)
        how = (f"{spec.sigmas:g} × the stated uncertainty: NOAA's growth-rate uncertainty × 2.124"
               + (f" and {rel:.0%} of the fossil emissions" if fossil is not None and rel else "")
               + f" ({tol.min():.2f}-{tol.max():.2f} Pg C/yr)")
    else:
        tol = pd.Series(float(spec.tolerance), index=mismatch.index)
        how = f"±{spec.tolerance:g} Pg C/yr (the protocol's fixed tolerance)"
    bad = mismatch[np.abs(mismatch) > tol]
    if bad.empty:
        return
    years = ", ".join(f"{y}: {v:+.2f} (±{tol[y]:.2f})" for y, v in bad.items())
    ctx.add("data.growth_closure", spec.severity, label,
            f"global total − observed growth (Pg C/yr) {years}; mean over {len(mismatch)} year(s) {mismatch.mean():+.2f}",
            f"within {how} of NOAA's growth rate × 2.124 Pg C/ppm each year",
            "check the sign convention, units and the mass balance of the inversion")
