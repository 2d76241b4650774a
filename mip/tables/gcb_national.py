"""The Global Carbon Budget's national workbooks: fossil CO2 by country, and land-use-change emissions by country.

``National_Fossil_Carbon_Emissions_2023v1.0.xlsx`` (sheets ``Territorial Emissions``, ``Consumption
Emissions``, ``Emissions Transfers``): a block of notes, a units row (``MtC/yr``), a row of country names in
upper case and one in title case, then the years down column A.  World totals include bunker fuels, and
a ``Statistical Difference`` column closes the world total.

``National_LandUseChange_Carbon_Emissions_2023v1.0.xlsx``: one sheet per bookkeeping model (``BLUE``,
``H&C2023``, ``OSCAR``), a names row starting ``unit: Tg C/year``, a ``QF`` quality-flag row under it,
then the years.

Countries are keyed by ISO alpha-3 (:mod:`mip.tables.country_names`); the groups the files carry (World,
EU27, OECD, continents, bunkers, the statistical difference, OTHER, DISPUTED, …) are kept apart in
``aggregates`` and never mixed with the countries; a name neither a country nor a known group is an error
naming it.  MtC = Tg C: values are Tg C yr-1.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError, MipError

__all__ = ["read_gcb_national_fossil", "read_gcb_national_luc", "read_national_subset", "SUBSET_COUNTRIES"]

#: The countries of the bundled subset (the GCP-CH4 workbook's national regions) and the World row.
SUBSET_COUNTRIES = ("USA", "CAN", "BRA", "CHN", "RUS", "KOR", "JPN")


def _rows(path: Path, sheet: str) -> list[tuple]:
    from mip.io.workbook import read_sheets

    return read_sheets(path, [sheet], "the GCB national workbook (.xlsx)")[sheet]


def _split(path: Path, sheet: str, names: list[str], cols: list[int], years: list[int], values: np.ndarray):
    from mip.tables.country_names import map_names

    mapping, groups, unmatched = map_names(names)
    if unmatched:
        raise InputError(path, sheet, f"names that are neither a known country nor a known group: {unmatched}",
                         "country names of the ISO table, or groups", "add them to mip.tables.country_names")
    codes = [mapping.get(n) for n in names]
    dup = sorted({c for c in codes if c and codes.count(c) > 1})
    if dup:
        raise InputError(path, sheet, f"two columns for {dup}", "one column per country")
    ci = [i for i, c in enumerate(codes) if c]
    gi = [i for i, c in enumerate(codes) if not c]
    return ([codes[i] for i in ci], values[:, ci], [names[i] for i in gi], values[:, gi])


def _number(v: object) -> float:
    if v is None or (isinstance(v, str) and not v.strip()):
        return np.nan
    if isinstance(v, (int, float)):
        return float(v)
    raise MipError(v)


def read_gcb_national_fossil(path: str | PathLike, sheet: str = "Territorial Emissions") -> xr.Dataset:
    """Fossil CO2 emissions by country from the GCB national workbook.

    Parameters
    ----------
    path
        ``National_Fossil_Carbon_Emissions_<year>v*.xlsx``.
    sheet
        ``Territorial Emissions`` (default), ``Consumption Emissions`` or ``Emissions Transfers``.

    Returns
    -------
    xarray.Dataset
        ``emissions`` (country, year) and ``aggregates`` (group, year) in Tg C yr-1 (MtC/yr), ``reported_as``
        C, positive = emission; ``attrs``: sheet, source file, the groups' names.

    Raises
    ------
    InputError
        No units row, a name neither a country nor a group, a cell that is not a number.
    """
    path = Path(path)
    rows = _rows(path, sheet)
    unit_row = next((i for i, r in enumerate(rows) if r and str(r[0] or "").strip() == "MtC/yr"), None)
    if unit_row is None or unit_row + 2 >= len(rows):
        raise InputError(path, sheet, "no 'MtC/yr' units row", "a units row, two rows of names, then years")
    title = rows[unit_row + 2]
    cols = [j for j in range(1, len(title)) if title[j] not in (None, "")]
    names = [str(title[j]).strip() for j in cols]
    years, vals = [], []
    for i, r in enumerate(rows[unit_row + 3:], start=unit_row + 4):
        if not r or not isinstance(r[0], (int, float)):
            continue
        try:
            vals.append([_number(r[j]) if j < len(r) else np.nan for j in cols])
        except ValueError as exc:
            raise InputError(path, f"{sheet}!row {i}", f"a cell {exc.args[0]!r}", "numbers (MtC/yr) or empty") from None
        years.append(int(r[0]))
    if not years:
        raise InputError(path, sheet, "no year rows", "years down column A")
    codes, cv, groups, gv = _split(path, sheet, names, cols, years, np.asarray(vals, float))
    attrs = {"units": "Tg yr-1", "native_units": "MtC/yr", "reported_as": "C", "sign_convention": "emissions positive"}
    return xr.Dataset({"emissions": (("year", "country"), cv, attrs), "aggregates": (("year", "group"), gv, attrs)},
                      coords={"year": years, "country": codes, "group": groups},
                      attrs={"source_file": str(path), "sheet": sheet,
                             "product": "Global Carbon Budget national fossil CO2 emissions"}).transpose("country",
                                                                                                          "group", "year")


def read_gcb_national_luc(path: str | PathLike, models: tuple[str, ...] | None = None) -> xr.Dataset:
    """Land-use-change emissions by country and bookkeeping model from the GCB national workbook.

    Parameters
    ----------
    path
        ``National_LandUseChange_Carbon_Emissions_<year>v*.xlsx``.
    models
        Sheets to read (default every sheet but ``Summary``: BLUE, H&C2023, OSCAR in 2023).

    Returns
    -------
    xarray.Dataset
        ``eluc`` (model, country, year) and ``aggregates`` (model, group, year) in Tg C yr-1, positive =
        emission; ``quality_flag`` (model, country) from the ``QF`` row.
    """
    path = Path(path)
    if models is None:
        from mip.io.workbook import sheet_names

        models = tuple(s for s in sheet_names(path, "the GCB national land-use workbook (.xlsx)")
                       if s.lower() != "summary")
    parts = []
    for m in models:
        rows = _rows(path, m)
        head = next((i for i, r in enumerate(rows) if r and str(r[0] or "").lower().startswith("unit:")), None)
        if head is None:
            raise InputError(path, m, "no 'unit: Tg C/year' row", "a names row starting 'unit:'")
        unit = str(rows[head][0]).split(":", 1)[1].strip()
        if unit.replace(" ", "").lower() != "tgc/year":
            raise InputError(path, m, f"unit {unit!r}", "'Tg C/year'")
        cols = [j for j in range(1, len(rows[head])) if rows[head][j] not in (None, "")]
        names = [str(rows[head][j]).strip() for j in cols]
        qf_row = rows[head + 1] if head + 1 < len(rows) and str(rows[head + 1][0] or "") == "QF" else None
        years, vals = [], []
        for i, r in enumerate(rows[head + 1:], start=head + 2):
            if not r or not isinstance(r[0], (int, float)):
                continue
            try:
                vals.append([_number(r[j]) if j < len(r) else np.nan for j in cols])
            except ValueError as exc:
                raise InputError(path, f"{m}!row {i}", f"a cell {exc.args[0]!r}", "numbers (Tg C/yr) or empty") from None
            years.append(int(r[0]))
        values = np.asarray(vals, float)
        codes, cv, groups, gv = _split(path, m, names, cols, years, values)
        qf = np.asarray([_number(qf_row[j]) if qf_row else np.nan for j in cols], float)
        _, qv, _, _ = _split(path, m, names, cols, [0], qf[None, :])
        attrs = {"units": "Tg yr-1", "native_units": "Tg C/year", "reported_as": "C", "sign_convention": "emissions positive"}
        parts.append(xr.Dataset({"eluc": (("year", "country"), cv, attrs), "aggregates": (("year", "group"), gv, attrs),
                                 "quality_flag": ("country", qv[0])},
                                coords={"year": years, "country": codes, "group": groups}).expand_dims(model=[m]))
    out = xr.concat(parts, "model", join="outer")
    out.attrs.update(source_file=str(path), product="Global Carbon Budget national land-use-change emissions",
                     models=", ".join(models))
    return out.transpose("model", "country", "group", "year")


def read_national_subset() -> xr.Dataset:
    """The bundled subset of both GCB 2023 national workbooks (:data:`SUBSET_COUNTRIES` and the world, 1990–2022).

    Made by ``tools/make_national_subset.py`` from the real workbooks, which the tests compare it with.

    Returns
    -------
    xarray.Dataset
        ``fossil`` (country, year) territorial fossil emissions and ``eluc`` (model, country, year)
        land-use-change emissions, Tg C yr-1, emissions positive; country ``WLD`` is the World row
        (fossil: incl. bunkers; eluc: the workbook's ``Global``).
    """
    from importlib import resources

    import pandas as pd

    path = Path(str(resources.files("mip") / "data" / "gcb-2023-national" / "gcb2023_national_subset.csv"))
    df = pd.read_csv(path, comment="#")
    fossil = df.pivot(index="iso3", columns="year", values="fossil_territorial")
    models = [c[len("eluc_"):] for c in df.columns if c.startswith("eluc_")]
    eluc = np.stack([df.pivot(index="iso3", columns="year", values=f"eluc_{m}").loc[fossil.index].values for m in models])
    attrs = {"units": "Tg yr-1", "reported_as": "C", "sign_convention": "emissions positive"}
    return xr.Dataset({"fossil": (("country", "year"), fossil.values, attrs),
                       "eluc": (("model", "country", "year"), eluc, attrs)},
                      coords={"country": list(fossil.index), "year": list(fossil.columns), "model": models},
                      attrs={"source_file": str(path), "product": "GCB 2023 national fossil and land-use emissions "
                                                                   "(bundled subset)"})
