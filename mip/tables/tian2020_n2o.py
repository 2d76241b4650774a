"""The Tian et al. (2020) N2O budget table (bottom-up sources, 2007–2016), as tidied by RPGroup-PBoC/human_impacts."""

from __future__ import annotations

from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_tian2020", "n2o_sources", "TIAN2020_PERIOD"]

TIAN2020_PERIOD = "2007-2016"
_COLUMNS = {"mean_Tg_N_yr-1": "mean", "min_Tg_N_yr-1": "min", "max_Tg_N_yr-1": "max"}
_TOTALS = {"Anthropogenic_total": "anthropogenic_sources", "Natural_total": "natural_sources"}


def _bundled() -> Path:
    return Path(str(resources.files("mip") / "data" / "gcp-n2o-2020" / "Tian_et_al_table_1_processed.csv"))


def read_tian2020(path: str | PathLike | None = None) -> xr.Dataset:
    """Read the tidied Tian et al. (2020) Table 1 (bottom-up N2O sources, Tg N/yr, 2007–2016).

    Parameters
    ----------
    path
        The CSV (default: the bundled copy).

    Returns
    -------
    xarray.Dataset
        ``mean``, ``min``, ``max`` on ``source`` (the table's rows) in ``Tg yr-1`` of N, emissions positive;
        coordinate ``kind`` (``anthropogenic`` for the four anthropogenic categories, ``total`` for the two
        totals); ``attrs["period"]``.

    Raises
    ------
    InputError
        Not such a table: columns, units or a total its parts do not give within the table's rounding.
    """
    path = Path(path) if path else _bundled()
    try:
        df = pd.read_csv(path, encoding="utf-8-sig").dropna(how="all")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"not a readable CSV ({type(exc).__name__}: {exc})",
                         "the tidied Tian et al. 2020 Table 1") from None
    if "source" not in df.columns or set(_COLUMNS) - set(df.columns):
        raise InputError(path, None, f"columns {list(df.columns)}", f"source and {', '.join(_COLUMNS)} (Tg N/yr)")
    df = df.set_index("source").rename(columns=_COLUMNS)[list(_COLUMNS.values())].astype(float)
    missing = [t for t in _TOTALS if t not in df.index]
    if missing:
        raise InputError(path, "source", f"no row {missing}", "Anthropogenic_total and Natural_total")
    parts = [s for s in df.index if s not in _TOTALS]
    # each value is rounded to 0.1 Tg N/yr: the parts' sum may miss the total by half a step per value
    slack = 0.05 * (len(parts) + 1) + 1e-9
    if abs(df.loc[parts, "mean"].sum() - df.loc["Anthropogenic_total", "mean"]) > slack:
        raise InputError(path, "mean_Tg_N_yr-1", f"anthropogenic categories sum to {df.loc[parts, 'mean'].sum():.2f}, "
                         f"the total row says {df.loc['Anthropogenic_total', 'mean']}",
                         f"a total its parts give within the rounding ({slack:.2f})")
    ds = xr.Dataset({c: ("source", df[c].to_numpy(), {"units": "Tg yr-1", "reported_as": "N"}) for c in df.columns},
                    coords={"source": list(df.index),
                            "kind": ("source", np.where(df.index.isin(list(_TOTALS)), "total", "anthropogenic"))})
    ds.attrs.update(period=TIAN2020_PERIOD, source_file=str(path), approach="bottom-up",
                    reference="Tian et al. (2020), Nature 586, 248-256, Table 1 (tidied by RPGroup-PBoC/human_impacts)",
                    sign_convention="emissions positive")
    return ds


def n2o_sources(path: str | PathLike | None = None) -> xr.Dataset:
    """Global N2O sources of 2007–2016 as a budget for :func:`mip.budgets.multigas.co2eq_by_region`.

    Parameters
    ----------
    path
        The CSV (default: the bundled copy).

    Returns
    -------
    xarray.Dataset
        ``anthropogenic_sources`` and ``natural_sources`` (Tg N/yr, ``Tg yr-1``) on ``region = ["GLOBAL"]``,
        the table's published totals (not the sum of rounded parts); their min–max in ``attrs``.
    """
    t = read_tian2020(path)
    ds = xr.Dataset(coords={"region": ["GLOBAL"]})
    ranges = []
    for row, name in _TOTALS.items():
        r = t.sel(source=row)
        ds[name] = ("region", [float(r["mean"])], {"units": "Tg yr-1", "reported_as": "N",
                                                    "range": f"{float(r['min']):g}-{float(r['max']):g}"})
        ranges.append(f"{name} {float(r['mean']):g} [{float(r['min']):g}-{float(r['max']):g}]")
    ds.attrs.update(period=TIAN2020_PERIOD, source=f"Tian et al. (2020) bottom-up N2O, {TIAN2020_PERIOD}: "
                    + ", ".join(ranges) + " Tg N/yr")
    return ds
