"""The RCMIP wide CSV of CMIP6 scenario concentrations (Meinshausen et al. 2020; Nicholls et al. 2020).

Layout (real file ``rcmip-concentrations-annual-means-5-1-0-ssp-only.csv``): columns ``Model,
Scenario, Region, Variable, Unit, Activity_Id, Mip_Era`` then one column per year (1700…2500); one
row per scenario × variable, ``Variable`` like ``Atmospheric Concentrations|CO2``. There is no
``historical`` row: every scenario row carries the shared CMIP6 history up to 2014, and the
scenarios differ from 2015 (the reader finds the last shared year from the rows themselves and
records it as ``history_end``).
"""

from __future__ import annotations

from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_rcmip_concentrations", "RCMIP_PREFIX", "bundled_rcmip_path"]

RCMIP_PREFIX = "Atmospheric Concentrations|"
_META = ("Model", "Scenario", "Region", "Variable", "Unit")
_UNITS = {"CO2": "ppm", "CH4": "ppb", "N2O": "ppb"}


def bundled_rcmip_path() -> Path:
    """The bundled rows (CO2, CH4, N2O of every scenario, lines of the real file unchanged)."""
    return Path(str(resources.files("mip") / "data" / "rcmip-ssp" / "rcmip-concentrations-ssp-co2-ch4-n2o.csv.gz"))


def read_rcmip_concentrations(path: str | PathLike | None = None, gases: tuple[str, ...] = ("CO2", "CH4", "N2O"),
                              region: str = "World") -> xr.Dataset:
    """Read global scenario concentrations of some gases from an RCMIP wide CSV.

    Parameters
    ----------
    path
        The CSV (default: the bundled rows of the real file).
    gases
        Gases to read (``Atmospheric Concentrations|<gas>``).
    region
        The ``Region`` of the rows.

    Returns
    -------
    xarray.Dataset
        One variable per gas on (scenario, year) with its ``units``; coordinate ``model`` (the IAM of each
        scenario); ``attrs["history_end"]``: the last year every scenario shares (the CMIP6 history).

    Raises
    ------
    InputError
        Naming the file and what is wrong: a missing column, a scenario without a gas asked for, a
        repeated row, units other than the gas's, a year column that is not a year, a value that is
        not a number.
    """
    path = Path(path) if path else bundled_rcmip_path()
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"not a readable CSV ({type(exc).__name__}: {exc})",
                         "an RCMIP wide CSV (Model, Scenario, Region, Variable, Unit, then years)") from None
    missing = [c for c in _META if c not in df.columns]
    if missing:
        raise InputError(path, None, f"columns {list(df.columns)[:8]}...", f"{', '.join(_META)} then one per year")
    year_cols = [c for c in df.columns if c not in _META and c not in ("Activity_Id", "Mip_Era")]
    try:
        years = np.array([int(c) for c in year_cols])
    except ValueError:
        bad = next(c for c in year_cols if not str(c).strip().isdigit())
        raise InputError(path, str(bad), f"column {bad!r} among the years", "one column per year") from None
    if np.any(np.diff(years) != 1):
        raise InputError(path, "years", "year columns not consecutive", "one column per year, in order")
    df = df[df["Region"] == region]
    if df.empty:
        raise InputError(path, "Region", "no rows", f"rows of region {region!r}")
    scenarios = list(dict.fromkeys(df["Scenario"]))
    out = xr.Dataset(coords={"scenario": scenarios, "year": years})
    models = {}
    for gas in gases:
        var = RCMIP_PREFIX + gas
        rows = df[df["Variable"] == var]
        lacking = [s for s in scenarios if s not in set(rows["Scenario"])]
        if lacking:
            raise InputError(path, var, f"no row for scenario(s) {lacking}", f"a row of {var} for every scenario")
        dup = rows["Scenario"][rows["Scenario"].duplicated()].tolist()
        if dup:
            raise InputError(path, var, f"more than one row for {dup}", "one row per scenario")
        units = set(rows["Unit"])
        if units != {_UNITS.get(gas, next(iter(units)))}:
            raise InputError(path, f"{var} Unit", f"{sorted(units)}", _UNITS.get(gas, "one unit"))
        rows = rows.set_index("Scenario").loc[scenarios]
        block = rows[year_cols]
        if all(dt.kind in "fiu" for dt in block.dtypes):  # read as numbers already (column by column: 0.4 s)
            vals = block.to_numpy(float)
        else:
            try:
                vals = block.apply(pd.to_numeric, errors="raise").to_numpy(float)
            except ValueError as exc:
                raise InputError(path, var, f"a value that is not a number ({exc})", "numbers") from None
        out[gas] = (("scenario", "year"), vals, {"units": next(iter(units)), "long_name": var,
                                                  "source_file": str(path)})
        models.update(rows["Model"].to_dict())
    out = out.assign_coords(model=("scenario", [models[s] for s in scenarios]))
    stack = out[list(gases)].to_array()
    same = (stack.max("scenario") - stack.min("scenario")).max("variable") == 0
    differ = out.year.values[~same.values]
    out.attrs.update(source_file=str(path), history_end=int(differ.min() - 1) if differ.size else int(years[-1]),
                     reference="Meinshausen et al. (2020), GMD 13, 3571 (CMIP6 SSP concentrations, RCMIP v5.1.0)",
                     note="every scenario row carries the shared CMIP6 history up to history_end")
    return out
