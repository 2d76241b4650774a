"""EDGAR v6.0 national totals of one gas (kt per year), as distributed in CSV.

Layout (real ``v60_<gas>_1970_2018_totals.csv``): a UTF-8 byte-order mark, then ``IPCC_annex,
C_group_IM24_sh, Country_code_A3, Name, fossil_bio`` and one column per year ``Y_1970`` ... ``Y_2018``;
each country has a ``fossil`` and a ``bio`` row (the origin of the carbon), which add up to its total.
International shipping (``SEA``) and aviation (``AIR``) are groups; codes Natural Earth does not draw (French
overseas departments, the Netherlands Antilles, Serbia and Montenegro) stay entities of their own.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_edgar"]

_META = ("Country_code_A3", "Name", "fossil_bio")


def read_edgar(path: str | PathLike, gas: str | None = None) -> xr.Dataset:
    """Read an EDGAR v6.0 national totals CSV.

    Parameters
    ----------
    path
        ``v60_<gas>_1970_2018_totals.csv``.
    gas
        ``CO2``, ``CH4`` or ``N2O``; default from the file name.

    Returns
    -------
    xarray.Dataset
        ``<gas>`` (country, year) = fossil + bio in ``kt yr-1`` of the gas, ``<gas>_fossil`` and
        ``<gas>_bio`` (country, year), ``<gas>_groups`` (group, year); ``name`` coordinate.

    Raises
    ------
    InputError
        Missing columns, year columns not ``Y_<year>``, an origin other than fossil/bio, a repeated row, a code
        that is neither a country nor a group.
    """
    from mip.tables.country_names import map_codes

    path = Path(path)
    gas = (gas or next((g for g in ("CO2", "CH4", "N2O") if re.search(rf"(^|_){g}(_|$)", path.stem, re.IGNORECASE)),
                       "")).upper()
    if gas not in ("CO2", "CH4", "N2O"):
        raise InputError(path, "gas", f"file name {path.name!r} names no gas", "'v60_<gas>_..._totals.csv' or give gas=")
    try:
        df = pd.read_csv(path, encoding="utf-8-sig")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"not a readable CSV ({type(exc).__name__}: {exc})", "an EDGAR totals CSV") from None
    missing = [c for c in _META if c not in df.columns]
    ycols = [c for c in df.columns if re.fullmatch(r"Y_\d{4}", str(c))]
    if missing or not ycols:
        raise InputError(path, None, f"columns {list(df.columns)[:8]}", f"{', '.join(_META)} and Y_<year> columns")
    years = [int(c[2:]) for c in ycols]
    if np.any(np.diff(years) != 1):
        raise InputError(path, "Y_<year>", "year columns not consecutive", "one column per year")
    bad = sorted(set(df.fossil_bio) - {"fossil", "bio"})
    if bad:
        raise InputError(path, "fossil_bio", f"origins {bad}", "fossil or bio")
    dup = df.duplicated(["Country_code_A3", "fossil_bio"])
    if dup.any():
        r = df[dup].iloc[0]
        raise InputError(path, "Country_code_A3", f"{r.Country_code_A3} {r.fossil_bio} twice", "one row per origin")
    try:
        df[ycols] = df[ycols].apply(pd.to_numeric, errors="raise")
    except ValueError as exc:
        raise InputError(path, None, f"a value that is not a number ({exc})", "numbers") from None
    ents = df[["Country_code_A3", "Name"]].drop_duplicates("Country_code_A3")
    mapping, groups, unmatched = map_codes(ents.itertuples(index=False))
    if unmatched:
        raise InputError(path, "Country_code_A3", f"codes that are neither a country nor a group: {unmatched}",
                         "ISO alpha-3 codes or groups", "add them to mip.tables.country_names")
    names = [n for n in ents.Name if n in mapping]
    code_of = dict(zip(ents.Name, ents.Country_code_A3))
    attrs = {"units": "kt yr-1", "reported_as": gas, "source_file": str(path), "sign_convention": "emissions positive"}
    out = xr.Dataset(coords={"country": [mapping[n] for n in names], "year": years, "group": groups})
    out = out.assign_coords(name=("country", names))
    parts = {}
    for origin in ("fossil", "bio"):
        sub = df[df.fossil_bio == origin].set_index("Country_code_A3")[ycols]
        parts[origin] = sub.reindex([code_of[n] for n in names]).to_numpy(float)
        out[f"{gas}_{origin}"] = (("country", "year"), parts[origin], {**attrs, "long_name": f"{gas}, {origin} carbon"})
    # a country without one of the two rows has nothing of that origin (EDGAR leaves the row out): 0, not missing
    total = np.nansum([parts["fossil"], parts["bio"]], axis=0)
    total[np.isnan(parts["fossil"]) & np.isnan(parts["bio"])] = np.nan
    out[gas] = (("country", "year"), total, {**attrs, "long_name": f"{gas} total (fossil + bio), EDGAR v6.0"})
    g = df[df.Country_code_A3.isin([code_of[n] for n in groups])].groupby("Name")[ycols].sum(min_count=1)
    out[f"{gas}_groups"] = (("group", "year"), g.reindex(groups).to_numpy(float), attrs)
    out.attrs.update(source_file=str(path), product="EDGAR v6.0 national totals", gas=gas,
                     groups=", ".join(groups))
    return out
