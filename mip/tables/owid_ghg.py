"""The Our World in Data export of Jones et al. (2023): national CO2, CH4 and N2O emissions in CO2-equivalents.

Layout (real ``ghg-emissions-by-gas.csv``): ``Entity, Code, Year`` and one column per gas whose name carries the
unit words ("Annual methane emissions in CO₂ equivalents", with a Unicode subscript; "Annual CO₂ emissions"),
values in tonnes of CO2-equivalent per year (GWP100 as Jones et al. use it). Entities include groups (World,
continents, income groups, "Kuwaiti Oil Fires") with an empty or ``OWID_`` code: they are kept apart
(:mod:`mip.tables.country_names`), never summed with the countries.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_owid_ghg", "OWID_COLUMNS"]

#: Gas → words its column name contains (after folding the subscript ₂ to 2).
OWID_COLUMNS = {"CO2": "annual co2 emissions", "CH4": "annual methane emissions", "N2O": "annual nitrous oxide emissions"}


def read_owid_ghg(path: str | PathLike) -> xr.Dataset:
    """Read the OWID / Jones et al. (2023) national emissions by gas.

    Parameters
    ----------
    path
        ``ghg-emissions-by-gas.csv``.

    Returns
    -------
    xarray.Dataset
        ``CO2``, ``CH4``, ``N2O`` on (country, year) — ISO alpha-3 keys, ``name`` coordinate — and
        ``<gas>_groups`` on (group, year), in ``t yr-1`` of CO2-equivalent (``basis`` attribute: GWP100 as
        Jones et al. 2023 apply it; fluxmip does not convert them back to mass of the gas).

    Raises
    ------
    InputError
        A missing column, an entity that is neither a known country nor a group, a repeated entity-year.
    """
    from mip.tables.country_names import map_codes

    path = Path(path)
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"not a readable CSV ({type(exc).__name__}: {exc})",
                         "the OWID ghg-emissions-by-gas table") from None
    folded = {c: " ".join(str(c).replace("₂", "2").lower().split()) for c in df.columns}
    cols = {}
    for gas, words in OWID_COLUMNS.items():
        hit = [c for c, f in folded.items() if f.startswith(words)]
        if len(hit) != 1:
            raise InputError(path, gas, f"columns {list(df.columns)}", f"one column named like {words!r}")
        cols[gas] = hit[0]
    for c in ("Entity", "Code", "Year"):
        if c not in df.columns:
            raise InputError(path, c, f"columns {list(df.columns)}", "Entity, Code, Year and one column per gas")
    dup = df.duplicated(["Entity", "Year"])
    if dup.any():
        r = df[dup].iloc[0]
        raise InputError(path, "Entity, Year", f"{r.Entity} {r.Year} twice", "one row per entity and year")
    ents = df[["Code", "Entity"]].drop_duplicates("Entity")
    mapping, groups, unmatched = map_codes(ents.itertuples(index=False))
    if unmatched:
        raise InputError(path, "Entity", f"entities that are neither a known country nor a group: {unmatched}",
                         "countries of the ISO table, or groups", "add them to mip.tables.country_names")
    years = np.arange(int(df.Year.min()), int(df.Year.max()) + 1)
    country_names = [n for n in ents.Entity if n in mapping]
    out = xr.Dataset(coords={"year": years, "country": [mapping[n] for n in country_names], "group": groups})
    attrs = {"units": "t yr-1", "basis": "CO2-equivalent, GWP100 as Jones et al. (2023) apply it",
             "source_file": str(path), "sign_convention": "emissions positive"}
    for kind, names in (("country", country_names), ("group", groups)):
        sub = df[df.Entity.isin(names)]
        for gas, col in cols.items():
            wide = sub.pivot(index="Entity", columns="Year", values=col).reindex(index=names, columns=years)
            var = gas if kind == "country" else f"{gas}_groups"
            out[var] = ((kind, "year"), wide.to_numpy(float), {**attrs, "long_name": col})
    out = out.assign_coords(name=("country", country_names))
    out.attrs.update(source_file=str(path), product="OWID / Jones et al. (2023) national emissions by gas",
                     reference="Jones et al. (2023), Sci. Data 10, 155", groups=", ".join(groups))
    return out
