"""National inventories side by side: changes, trends, the largest reductions, and top-down beside bottom-up.

Every source is a (country, year) table of one gas with its units (:mod:`mip.tables.unfccc_crf`,
:mod:`mip.tables.edgar`, :mod:`mip.tables.owid_ghg`, :mod:`mip.tables.gcb_national`), keyed by the
shared ISO alpha-3 codes. Per country:

- the percentage change between two years (both must have a value; otherwise the row says which is
  missing, it is not dropped);
- the OLS trend with its lag-1-inflated SE, the Theil–Sen slope and the Mann–Kendall p-value of
  :func:`mip.budgets.trends.linear_trend`, also as % of the period's mean per year.

Sources disagree in level (EDGAR's Japan CH4 is about 1.8 times the UNFCCC inventory's) but may
agree in change; :func:`compare_sources` states both.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import MismatchError

__all__ = ["change_table", "largest_reductions", "compare_sources", "topdown_vs_inventories"]


def change_table(sources: Mapping[str, xr.DataArray], *, first: int, last: int,
                 countries: list[str] | None = None) -> pd.DataFrame:
    """Per source and country: the values of two years, the % change, and the trend over the years between.

    Parameters
    ----------
    sources
        ``{label: DataArray(country, year)}`` (one gas each, with ``units``).
    first, last
        The two years (inclusive period of the trend).
    countries
        Limit to these ISO codes (default every country of each source).

    Returns
    -------
    pandas.DataFrame
        ``source, country, name, units, first, last, value_first, value_last, change_pct, slope, slope_se,
        theil_sen, p_value, trend_pct_per_yr, note`` (``note`` names a missing year).
    """
    from mip.budgets.trends import linear_trend

    rows = []
    for label, da in sources.items():
        ys = da.year.values
        if first not in ys or last not in ys:
            raise MismatchError(f"{label}: covers {int(ys.min())}-{int(ys.max())}, not {first} and {last}")
        sel = da if countries is None else da.sel(country=[c for c in countries if c in da.country.values])
        per = sel.sel(year=slice(first, last))
        tr = linear_trend(per, "year")
        mean = per.mean("year")
        names = sel["name"].values if "name" in sel.coords else sel.country.values
        # arrays once, in the order of sel.country (per-country .sel was most of the time)
        va = sel.sel(year=first).transpose("country").values.astype(float)
        vb = sel.sel(year=last).transpose("country").values.astype(float)
        col = {f: tr[f].transpose("country").values.astype(float) for f in ("slope", "slope_se", "theil_sen",
                                                                            "p_value")}
        mv = mean.transpose("country").values.astype(float)
        for k, c in enumerate(sel.country.values):
            a, b, m = float(va[k]), float(vb[k]), float(mv[k])
            note = ", ".join(f"no value in {y}" for y, v in ((first, a), (last, b)) if not np.isfinite(v))
            rows.append({"source": label, "country": str(c), "name": str(names[k]), "units": da.attrs.get("units", ""),
                         "first": first, "last": last, "value_first": a, "value_last": b,
                         "change_pct": 100 * (b - a) / a if np.isfinite(a) and np.isfinite(b) and a != 0 else np.nan,
                         **{f: float(col[f][k]) for f in col},
                         "trend_pct_per_yr": 100 * float(col["slope"][k]) / m if m else np.nan,
                         "note": note})
    return pd.DataFrame(rows)


def largest_reductions(table: pd.DataFrame, *, n: int = 10, among_largest: int = 30) -> pd.DataFrame:
    """The ``n`` largest percentage reductions per source, among its ``among_largest`` largest emitters.

    Restricting to the largest emitters of the first year keeps countries with tiny emissions (whose
    percentages swing widely) out of the ranking; the restriction is stated in the ``ranked_among`` column.

    Parameters
    ----------
    table
        From :func:`change_table`.
    n
        Rows per source.
    among_largest
        How many of the first year's largest emitters are ranked.

    Returns
    -------
    pandas.DataFrame
        The rows of ``table`` ranked by ``change_pct`` (most negative first) with ``rank`` and ``ranked_among``.
    """
    out = []
    for src, t in table.groupby("source", sort=False):
        big = t.dropna(subset=["change_pct"]).nlargest(among_largest, "value_first")
        r = big.sort_values("change_pct").head(n).copy()
        r.insert(0, "rank", np.arange(1, len(r) + 1))
        r["ranked_among"] = f"the {len(big)} largest emitters of {int(t['first'].iloc[0])} in {src}"
        out.append(r)
    return pd.concat(out, ignore_index=True)


def compare_sources(a: xr.DataArray, b: xr.DataArray, *, labels: tuple[str, str], years: tuple[int, int],
                    countries: list[str] | None = None) -> pd.DataFrame:
    """Two sources of the same gas side by side: their levels, ratio and % change, per common country.

    Parameters
    ----------
    a, b
        (country, year) in the same units.
    labels
        Names of the two sources.
    years
        (first, last): the years compared.
    countries
        Limit to these ISO codes (default: every country both have).

    Returns
    -------
    pandas.DataFrame
        ``country, name``, each source's value in both years and % change, ``ratio_first``, ``ratio_last``
        (b / a), ``change_difference_pts`` (b − a, percentage points), ``same_direction`` and ``statement``.

    Raises
    ------
    MismatchError
        Different units.
    """
    if a.attrs.get("units") != b.attrs.get("units"):
        raise MismatchError(f"{labels[0]} in {a.attrs.get('units')!r}, {labels[1]} in {b.attrs.get('units')!r}: "
                            "convert one first")
    common = [c for c in a.country.values if c in set(b.country.values)]
    if countries is not None:
        common = [c for c in countries if c in common]
    y0, y1 = years
    rows = []
    la, lb = labels
    for c in common:
        va = [float(a.sel(country=c, year=y)) for y in years]
        vb = [float(b.sel(country=c, year=y)) for y in years]
        ca = 100 * (va[1] - va[0]) / va[0] if va[0] else np.nan
        cb = 100 * (vb[1] - vb[0]) / vb[0] if vb[0] else np.nan
        name = str(a["name"].sel(country=c).values) if "name" in a.coords else c
        r0, r1 = vb[0] / va[0] if va[0] else np.nan, vb[1] / va[1] if va[1] else np.nan
        same = bool(np.sign(ca) == np.sign(cb))
        rows.append({"country": c, "name": name, f"{la} {y0}": va[0], f"{la} {y1}": va[1], f"{la} change %": ca,
                     f"{lb} {y0}": vb[0], f"{lb} {y1}": vb[1], f"{lb} change %": cb,
                     "ratio_first": r0, "ratio_last": r1, "change_difference_pts": cb - ca, "same_direction": same,
                     "statement": (f"{lb} is {r0:.2f} x {la} in {y0}; both {'fall' if ca < 0 else 'rise'} "
                                   f"({ca:+.0f} % and {cb:+.0f} %)" if same else
                                   f"{lb} is {r0:.2f} x {la} in {y0}; they change in opposite directions "
                                   f"({ca:+.0f} % and {cb:+.0f} %)")})
    return pd.DataFrame(rows)


def topdown_vs_inventories(td: xr.Dataset, inventories: Mapping[str, xr.DataArray],
                           regions: Mapping[str, tuple[str, ...]], periods: tuple[str, str] = ("2000-2009", "2008-2017"),
                           categories: tuple[str, ...] = ("agriculture_waste", "fossil", "biomass_biofuel_burning"),
                           ) -> pd.DataFrame:
    """GCP-CH4 top-down anthropogenic CH4 per country beside inventories: decade means and their change.

    Parameters
    ----------
    td
        The GCP-CH4 top-down workbook (:func:`mip.tables.gcp_ch4_workbook.read_workbook`, ``approach="TD"``).
    inventories
        ``{label: DataArray(country, year)}`` of CH4 in ``kt yr-1``.
    regions
        Workbook region → ISO codes it sums (e.g. ``{"Korean Japan": ("KOR", "JPN")}``).
    periods
        Two of the workbook's periods, ``"YYYY-YYYY"``.
    categories
        The top-down categories that are anthropogenic (what an inventory counts).

    Returns
    -------
    pandas.DataFrame
        Per region and source (``top-down`` = the mean of the runs by the Saunois et al. 2020 rule):
        ``mean <period>`` (Tg CH4/yr), ``change`` and ``change_pct``, ``note`` (a source lacking a country
        of the region is named, not compared).
    """
    from mip.budgets.ch4 import TD_LABELS, td_summary
    from mip.budgets.gwp import ch4_category

    labels = {ch4_category(c): c for c in categories}
    every = {p: td_summary(td, p, None) for p in periods}  # all regions at once, once per period
    rows = []
    for region, codes in regions.items():
        means = []
        for p in periods:
            t = every[p][every[p].region == region].set_index("category")["mean"]
            means.append(float(sum(t.get(TD_LABELS[c], np.nan) for c in labels)))
        rows.append({"region": region, "source": "top-down (GCP-CH4, anthropogenic categories)",
                     **{f"mean {p}": m for p, m in zip(periods, means)}, "note": ""})
        for label, inv in inventories.items():
            lacking = [c for c in codes if c not in inv.country.values]
            if lacking:
                rows.append({"region": region, "source": label, **{f"mean {p}": np.nan for p in periods},
                             "note": f"{label} has no {', '.join(lacking)}: not compared"})
                continue
            ms = []
            for p in periods:
                a, b = (int(x) for x in p.split("-"))
                if a < inv.year.min() or b > inv.year.max():
                    ms.append(np.nan)
                    continue
                ms.append(float(inv.sel(country=list(codes), year=slice(a, b)).sum("country", min_count=len(codes))
                                .mean("year")) / 1e3)
            rows.append({"region": region, "source": label, **{f"mean {p}": m for p, m in zip(periods, ms)},
                         "note": "" if all(np.isfinite(ms)) else "the inventory does not cover both periods"})
    df = pd.DataFrame(rows)
    a, b = (f"mean {p}" for p in periods)
    df["change"] = df[b] - df[a]
    df["change_pct"] = 100 * df["change"] / df[a]
    df["units"] = "Tg CH4 yr-1"
    return df
