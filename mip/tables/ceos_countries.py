"""The CEOS pilot national CO2 budget table (Byrne et al. 2023): read and write the country CSV.

Country CSV (``pilot_topdown_CO2_Budget_countries_v1.csv``; the real file is checked in the
tests): free-text header lines (52 in v1, the last a row of dashes), then a comma-separated
table with CRLF line ends whose header starts with ``Alpha 3 Code,Year``.  Rows are countries
*and groups of countries* (``Region_EU``, ``Region_ASEAN``, ...) × ``Year`` (2015–2020 and a
row ``mean``, which is not always the plain mean of the years: it is read, never recomputed).
Columns, all Tg CO2/yr: ``<EXP> dC_loss|NBE|NCE (TgCO2)`` and ``<EXP> ... unc (TgCO2)``,
``Rivers (TgCO2)`` with ``River unc (TgCO2)`` (singular, as published), ``Wood+Crop``,
``Wood+Crop unc``, ``FF``, ``FF unc``, then ``Z-statistic`` and ``FUR <EXP>`` (dimensionless).

Read → write gives the real file's table back byte for byte (tested). The lateral-flux *grid* of the
same release is a gridded product: :mod:`mip.products.ceos`.
"""

from __future__ import annotations

import io
import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.conventions.units import MOLAR_MASS
from mip.errors import InputError, MipError
from mip.io import atomic_write

__all__ = ["read_ceos_countries", "write_ceos_countries", "CEOS_HEADER", "CEOS_QUANTITIES", "CEOS_LATERAL"]

CEOS_HEADER = 52
CEOS_QUANTITIES = ("dC_loss", "NBE", "NCE")
#: Lateral and fossil columns as published: variable → (value column, uncertainty column).
CEOS_LATERAL = {"Rivers": ("Rivers (TgCO2)", "River unc (TgCO2)"),
                "Wood_Crop": ("Wood+Crop (TgCO2)", "Wood+Crop unc (TgCO2)"),
                "FF": ("FF (TgCO2)", "FF unc (TgCO2)")}
CEOS_UNIT = "TgCO2"
_KEY = "Alpha 3 Code"
_PER_EXP = re.compile(r"^(?P<exp>[A-Za-z]+) (?P<q>dC_loss|NBE|NCE)(?P<unc> unc)? \((?P<unit>[^()]*)\)$")
_FUR = re.compile(r"^FUR (?P<exp>[A-Za-z]+)$")
_UNIT = re.compile(r"^(?P<name>.+?) \((?P<unit>[^()]*)\)$")


def _header_row(lines: list[str], path: Path) -> int:
    for i, line in enumerate(lines):
        if line.lstrip("\ufeff").startswith(f"{_KEY},"):
            return i
    raise InputError(path, _KEY, "no table header line starting with 'Alpha 3 Code,'",
                     "the CEOS column header ('Alpha 3 Code,Year,IS dC_loss (TgCO2),...') after the free-text header")


def _numeric(df: pd.DataFrame, col: str, path: Path, first_line: int) -> pd.Series:
    raw = df[col].str.strip()
    vals = pd.to_numeric(raw, errors="coerce")
    bad = vals.isna() & ~raw.str.lower().isin(("nan", ""))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(path, col, f"{raw.iloc[i]!r} on line {first_line + i} ({df[_KEY].iloc[i]}, {df['Year'].iloc[i]})",
                         "a number (or 'nan')")
    return vals.astype("f8")


def _read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """The table below the free-text header, as strings, and the number of header lines."""
    if not path.is_file():
        raise InputError(path, None, "no such file", "the CEOS country budget CSV")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable as text ({exc})", "a UTF-8 CSV file") from exc
    head = _header_row(text.splitlines(), path)
    try:
        df = pd.read_csv(io.StringIO(text), skiprows=head, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(path, None, f"unreadable as CSV after {head} header lines ({exc})",
                         "a comma-separated table with the CEOS column layout") from exc
    df.columns = [str(c).strip() for c in df.columns]
    if list(df.columns[:2]) != [_KEY, "Year"]:
        raise InputError(path, "Year", f"columns {list(df.columns[:2])}", f"'{_KEY}' and 'Year' first")
    return df, head


def _experiment_columns(df: pd.DataFrame, path: Path) -> tuple[dict[tuple[str, bool], dict[str, str]], list[str]]:
    """Per (quantity, is uncertainty): experiment → column; and the experiments. Every unit must be Tg CO2."""
    for c in df.columns[2:]:
        m = _UNIT.match(c)
        if m and m["unit"] != CEOS_UNIT:
            raise InputError(path, c, f"unit {m['unit']!r}", f"'{CEOS_UNIT}' (every flux column is Tg CO2/yr)")
    per_exp: dict[tuple[str, bool], dict[str, str]] = {}
    for c in df.columns:
        if m := _PER_EXP.match(c):
            per_exp.setdefault((m["q"], bool(m["unc"])), {})[m["exp"]] = c
    exps = sorted({e for cols in per_exp.values() for e in cols})
    if not exps:
        raise InputError(path, "IS NBE (TgCO2)", "no '<EXP> NBE (TgCO2)' columns", "the CEOS per-experiment columns")
    wanted = [(q, unc, e) for q in CEOS_QUANTITIES for unc in (False, True) for e in exps]
    for q, unc, e in wanted:
        if e not in per_exp.get((q, unc), {}):
            col = f"{e} {q}{' unc' if unc else ''} ({CEOS_UNIT})"
            raise InputError(path, col, "no such column", f"'{col}' beside the other {e} columns")
    for col in (c for cols in CEOS_LATERAL.values() for c in cols):
        if col not in df.columns:
            raise InputError(path, col, "no such column", f"'{col}' (published name; columns: {', '.join(df.columns)})")
    return per_exp, exps


def _rows(df: pd.DataFrame, path: Path, head: int) -> tuple[list[str], list[str]]:
    """Countries in file order and the periods (years, then ``mean``): every country has every period once."""
    df[_KEY] = df[_KEY].str.strip()
    years = df["Year"].str.strip()
    bad = ~(years.str.fullmatch(r"\d{4}") | (years == "mean"))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(path, "Year", f"{years.iloc[i]!r} on line {head + 2 + i}", "a year such as 2015, or 'mean'")
    df["Year"] = years
    dup = df.duplicated([_KEY, "Year"])
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise InputError(path, f"{_KEY}/Year", f"a second row for {df[_KEY].iloc[i]} {df['Year'].iloc[i]}",
                         "one row per country and year")
    countries = list(dict.fromkeys(df[_KEY]))
    periods = sorted(set(df["Year"]), key=lambda y: (y == "mean", y))
    for country, ys in df.groupby(_KEY, sort=False)["Year"].agg(set).items():
        if ys != set(periods):
            raise InputError(path, "Year", f"{country} has no row for {', '.join(sorted(set(periods) - ys))}",
                             f"rows for {', '.join(periods)} for every country")
    return countries, periods


def _sources(df: pd.DataFrame, per_exp: dict, exps: list[str], path: Path) -> dict[str, tuple[dict[str, str] | str, bool]]:
    """Output variable → (its column, or experiment → column; whether it is a flux). No column left over."""
    sources: dict[str, tuple[dict[str, str] | str, bool]] = {}
    for q in CEOS_QUANTITIES:
        sources[q] = (per_exp[(q, False)], True)
        sources[f"{q}_unc"] = (per_exp[(q, True)], True)
    for name, (val, unc) in CEOS_LATERAL.items():
        sources[name], sources[f"{name}_unc"] = (val, True), (unc, True)
    if "Z-statistic" in df.columns:
        sources["Z_statistic"] = ("Z-statistic", False)
    fur = {m["exp"]: c for c in df.columns if (m := _FUR.match(c))}
    if fur:
        missing = [e for e in exps if e not in fur]
        if missing:
            raise InputError(path, f"FUR {missing[0]}", "no such column", f"a FUR column for every experiment ({', '.join(exps)})")
        sources["FUR"] = (fur, False)
    known = {c for cols, _ in sources.values() for c in ([cols] if isinstance(cols, str) else cols.values())}
    unknown = [c for c in df.columns[2:] if c not in known]
    if unknown:
        raise InputError(path, unknown[0], "a column fluxmip does not know", "the CEOS v1 columns only (nothing is dropped silently)")
    return sources


def read_ceos_countries(path: str | PathLike, *, basis: str = "C", version: str = "v1", **_: object) -> xr.Dataset:
    """Read the CEOS pilot top-down country budget CSV (Byrne et al. 2023).

    Parameters
    ----------
    path
        ``pilot_topdown_CO2_Budget_countries_v1.csv``.  The free-text header may have any
        length: the table starts at the line beginning with ``Alpha 3 Code,``.
    basis
        ``"C"`` converts Tg CO2 to Tg C (× 12.011/44.0095); ``"CO2"`` keeps Tg CO2.
    version
        Product version, for provenance.

    Returns
    -------
    xarray.Dataset
        Dims ``country`` (the file's ``Alpha 3 Code``, in file order; coordinate ``is_group``
        marks the groups of countries such as ``Region_EU``), ``year`` (int) and, for
        ``NBE``, ``NCE``, ``dC_loss`` and ``FUR``, ``experiment``.  Variables ``<q>`` and
        ``<q>_unc`` for q in NBE, NCE, dC_loss, Rivers, Wood_Crop, FF in ``Tg yr-1`` of the
        basis, ``Z_statistic`` and ``FUR`` (dimensionless), and for each of them a
        ``<name>_mean`` variable (no ``year``) holding the file's ``mean`` rows as published.
        Each variable keeps its original column names in ``native_columns``.

    Raises
    ------
    InputError
        Naming the file, the column and what was found and expected: no header line, a
        missing column, a unit other than TgCO2, a value that is not a number, a year
        other than an integer or ``mean``, a duplicate row, a country without every year.

    Examples
    --------
    >>> ds = read_ceos_countries("pilot_topdown_CO2_Budget_countries_v1.csv", basis="CO2")  # doctest: +SKIP
    >>> float(ds.NBE.sel(country="AFG", year=2015, experiment="IS"))                     # doctest: +SKIP
    2.82076
    """
    path = Path(path)
    if basis not in ("C", "CO2"):
        raise MipError("basis must be 'C' or 'CO2'")
    df, head = _read_table(path)
    per_exp, exps = _experiment_columns(df, path)
    countries, periods = _rows(df, path, head)
    sources = _sources(df, per_exp, exps, path)
    year_ints = [int(y) for y in periods if y != "mean"]
    numeric = {c: _numeric(df, c, path, head + 2) for c in df.columns[2:]}
    annual = df["Year"] != "mean"
    factor = MOLAR_MASS["C"] / MOLAR_MASS["CO2"] if basis == "C" else 1.0

    def table(col: str, mean: bool) -> xr.DataArray:
        rows = ~annual if mean else annual
        s = numeric[col][rows.to_numpy()]
        if mean:
            s.index = df.loc[rows, _KEY].to_numpy()
            return xr.DataArray(s.reindex(countries).to_numpy(), dims="country")
        s.index = pd.MultiIndex.from_arrays([df.loc[rows, _KEY].to_numpy(), df.loc[rows, "Year"].astype(int).to_numpy()])
        return xr.DataArray(s.unstack().reindex(index=countries, columns=year_ints).to_numpy(), dims=("country", "year"))

    def variable(cols: dict[str, str] | str, mean: bool, flux: bool) -> xr.DataArray:
        if isinstance(cols, str):
            da = table(cols, mean)
        else:
            da = xr.concat([table(cols[e], mean) for e in exps], dim="experiment")
        names = cols if isinstance(cols, str) else ", ".join(cols[e] for e in exps)
        attrs = {"native_columns": names, "source_file": str(path), "product": "CEOS pilot top-down CO2 budget",
                 "product_version": version}
        if flux:
            da = da * factor
            attrs.update(units="Tg yr-1", reported_as=basis, native_units=CEOS_UNIT,
                         sign_convention="positive = to the atmosphere / stock loss (NBE, NCE, dC_loss, FF); "
                                         "Rivers and Wood_Crop positive = carbon entering the land")
        else:
            attrs["units"] = "1"
        if mean:
            attrs["period"] = "the file's 'mean' row (read as published, not recomputed)"
        return da.assign_attrs(attrs)

    out = xr.Dataset()
    for name, (cols, flux) in sources.items():
        out[name] = variable(cols, False, flux)
        if "mean" in periods:
            out[f"{name}_mean"] = variable(cols, True, flux)
    is_group = [not re.fullmatch(r"[A-Z]{3}", c) for c in countries]
    out = out.assign_coords(country=countries, year=year_ints, experiment=exps, is_group=("country", is_group))
    out.attrs.update({"source_file": str(path), "reported_as": basis, "header_lines": head,
                      "product": "CEOS pilot top-down CO2 budget (Byrne et al. 2023)"})
    return out


def write_ceos_countries(ds: xr.Dataset, path: str | PathLike, *, header: list[str] | None = None,
                         experiments: list[str] | None = None) -> Path:
    """Write per-country budgets in the published CEOS country CSV layout (Tg CO2, CRLF).

    Column order, names, number format (6 significant digits) and line ends are those of
    ``pilot_topdown_CO2_Budget_countries_v1.csv``, so :func:`read_ceos_countries` reads the
    result back to the same values.

    Parameters
    ----------
    ds
        Dims ``country`` and ``year``; ``NBE``, ``NCE``, ``dC_loss`` (dim ``experiment``),
        ``FF``, ``Rivers``, ``Wood_Crop`` and their ``_unc``, in ``Tg yr-1`` C basis (or CO2
        basis when ``reported_as`` is ``CO2``); optional ``Z_statistic`` and ``FUR`` and the
        ``<name>_mean`` variables, written as each country's ``mean`` row.
    path
        Output CSV (written atomically).
    header
        Free-text header lines (padded or cut to 51, then a row of dashes: 52 lines).
    experiments
        Experiments to write, in this order (default: the dataset's order).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)

    def co2(da: xr.DataArray) -> xr.DataArray:
        if da.attrs.get("units") == "1":
            return da
        return da * (MOLAR_MASS["CO2"] / MOLAR_MASS["C"]) if da.attrs.get("reported_as", "C") == "C" else da

    exps = experiments or [str(e) for e in ds["experiment"].values]
    columns: list[tuple[str, str, str | None]] = []  # (column, variable, experiment)
    for q in CEOS_QUANTITIES:
        for e in exps:
            columns += [(f"{e} {q} ({CEOS_UNIT})", q, e), (f"{e} {q} unc ({CEOS_UNIT})", f"{q}_unc", e)]
    for name, (val, unc) in CEOS_LATERAL.items():
        columns += [(val, name, None), (unc, f"{name}_unc", None)]
    columns.append(("Z-statistic", "Z_statistic", None))
    columns += [(f"FUR {e}", "FUR", e) for e in exps]
    columns = [c for c in columns if c[1] in ds]
    countries = [str(c) for c in ds["country"].values]
    years = [int(y) for y in ds["year"].values]
    has_mean = all(f"{v}_mean" in ds for _, v, _ in columns)
    keys = [(c, str(y)) for c in countries for y in years + (["mean"] if has_mean else [])]
    frame = pd.DataFrame({_KEY: [k[0] for k in keys], "Year": [k[1] for k in keys]})
    for col, var, e in columns:
        annual = co2(ds[var].sel(experiment=e) if e else ds[var]).transpose("country", "year").to_numpy()
        cells = [annual[:, j] for j in range(len(years))]
        if has_mean:
            mean = co2(ds[f"{var}_mean"].sel(experiment=e) if e else ds[f"{var}_mean"]).transpose("country")
            cells.append(mean.to_numpy())
        # the published formats: 6 significant digits for fluxes, Python's shortest repr for the statistics
        fmt = str if var in ("Z_statistic", "FUR") else "{:.5e}".format
        frame[col] = [("nan" if v != v else fmt(float(v))) for v in np.stack(cells, axis=1).ravel()]
    lines = list(header or ["CEOS-layout national CO2 budget table written by fluxmip"])
    lines = (lines + [""] * CEOS_HEADER)[:CEOS_HEADER - 1] + ["----------------"]
    with atomic_write(path) as tmp, tmp.open("w", newline="") as fh:
        fh.write("\r\n".join(lines) + "\r\n")
        frame.to_csv(fh, index=False, lineterminator="\r\n")
    return path
