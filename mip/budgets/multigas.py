"""Three-gas CO2-equivalent budgets by region (pure compute on region tables).

Given budgets of CO2, CH4 and/or N2O on the *same* regions and the *same* period (from any mix of
gridded ensembles aggregated with :func:`mip.aggregate` and published tables), each gas is put in
CO2-equivalent under GWP100 and GWP20 (IPCC AR6 WG1 Table 7.15, fossil vs non-fossil CH4 as in
:mod:`mip.budgets.gwp`), summed, and the regions are classified: which gas has the largest warming effect
under each metric, and where CH4 outweighs CO2 under GWP20 but not under GWP100.

Values are signed fluxes to the atmosphere: a region whose CO2 is a net sink has a negative CO2
term, and "CH4 outweighs CO2" compares the signed CO2-equivalents (the 20-year warming effect of
the region's CH4 is larger than that of its CO2).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import MismatchError
from mip.budgets.gwp import gwp_factor

__all__ = ["GASES", "HORIZONS", "co2eq_by_region", "co2eq_table"]

GASES = ("CO2", "CH4", "N2O")
HORIZONS = ("GWP100", "GWP20")
#: Units each gas's budget must carry (its reporting basis) and the factor to Tg of that basis.
_UNIT_SCALE = {"Pg yr-1": 1e3, "Tg yr-1": 1.0}
_BASIS = {"CO2": "C", "CH4": "CH4", "N2O": "N"}


def _shape(ds: xr.Dataset, gas: str, member_dim: str) -> tuple[xr.Dataset, str]:
    """The budget with dims ``region`` (and ``member_dim``) only."""
    extra = [d for d in ds.dims if d not in ("region", member_dim)]
    if "region" not in ds.dims or extra:
        raise ValueError(f"{gas} budget: dims {tuple(ds.dims)}, expected ('region',) (and optionally "
                         f"{member_dim!r}); select one period/experiment first")
    note = f"median of {ds.sizes[member_dim]} {member_dim}s" if member_dim in ds.dims else "as given"
    return ds, note


def _check_same(budgets: Mapping[str, xr.Dataset], allow_different_periods: bool) -> tuple[list[str], str]:
    gases = list(budgets)
    ref = gases[0]
    regions = list(map(str, budgets[ref].region.values))
    for g in gases[1:]:
        other = list(map(str, budgets[g].region.values))
        if set(other) != set(regions):
            raise MismatchError(f"gases on different regions: {ref} has {sorted(set(regions) - set(other)) or 'no other'} "
                             f"that {g} lacks, {g} has {sorted(set(other) - set(regions)) or 'no other'} that "
                             f"{ref} lacks; put every gas on the same region set")
    periods = {g: budgets[g].attrs.get("period") for g in gases}
    missing = [g for g, p in periods.items() if p is None]
    if missing and not allow_different_periods:
        raise MismatchError(f"{', '.join(missing)} budget has no attrs['period']; state the period of every gas "
                         "(e.g. ds.attrs['period'] = '2017')")
    if len({str(p) for p in periods.values()}) > 1 and not allow_different_periods:
        raise MismatchError("gases on different periods: " + ", ".join(f"{g} {p}" for g, p in periods.items())
                         + "; select the same period, or pass allow_different_periods=True to compare them anyway")
    period = " / ".join(f"{g} {p}" for g, p in periods.items()) if len({str(p) for p in periods.values()}) > 1 \
        else str(periods[ref])
    return regions, period


def co2eq_by_region(budgets: Mapping[str, xr.Dataset], *, member_dim: str = "model",
                    allow_different_periods: bool = False) -> xr.Dataset:
    """CO2-equivalent of each gas per region under GWP100 and GWP20, their total and the dominant gas.

    Parameters
    ----------
    budgets
        ``{"CO2": ds, "CH4": ds, "N2O": ds}`` (any subset of at least two gases). Each dataset has a
        ``region`` dim, one variable per component (CH4: per category, so that fossil and non-fossil
        CH4 get their own GWP; a variable named ``fossil`` or a fossil sub-category is fossil), units
        ``Pg yr-1`` or ``Tg yr-1`` of the gas's reporting basis (CO2 as C, CH4 as CH4, N2O as N),
        signed as fluxes to the atmosphere, and ``attrs["period"]``. A ``member_dim`` is reduced to
        its median: of each member's gas total for ``co2eq`` (so a gas's value is the median
        member's, not a sum of component medians), and of each component for ``component``.
    member_dim
        Member dimension to take the median over.
    allow_different_periods
        Compare gases whose ``period`` differs (recorded in the output's ``period`` attribute);
        otherwise that is an error.

    Returns
    -------
    xarray.Dataset
        ``co2eq`` (region, gas, horizon) and ``component`` (region, gas_component, horizon) in
        ``Tg CO2-eq yr-1``; ``total`` (region, horizon); ``dominant`` (region, horizon: the gas with
        the largest CO2-equivalent, i.e. the largest warming effect); ``ch4_over_co2_gwp20_only``
        (region: CH4 outweighs CO2 under GWP20 but not under GWP100).

    Raises
    ------
    MismatchError
        Gases on different regions or periods (a ``ValueError``).
    ValueError
        Fewer than two gases, an unknown gas, wrong units.

    Examples
    --------
    >>> import xarray as xr
    >>> co2 = xr.Dataset({"net": ("region", [0.1, -1.0])}, coords={"region": ["A", "B"]})
    >>> co2["net"].attrs["units"] = "Pg yr-1"; co2.attrs["period"] = "2017"
    >>> ch4 = xr.Dataset({"wetlands": ("region", [5.0, 1.0])}, coords={"region": ["A", "B"]})
    >>> ch4["wetlands"].attrs["units"] = "Tg yr-1"; ch4.attrs["period"] = "2017"
    >>> out = co2eq_by_region({"CO2": co2, "CH4": ch4})
    >>> round(float(out.co2eq.sel(region="A", gas="CH4", horizon="GWP20")), 1)  # 5 Tg × 79.7
    398.5
    >>> bool(out.ch4_over_co2_gwp20_only.sel(region="A"))  # CO2: 0.1 Pg C = 366.4 Tg CO2
    True
    """
    unknown = [g for g in budgets if g not in GASES]
    if unknown:
        raise ValueError(f"unknown gas {unknown}; expected some of {list(GASES)}")
    if len(budgets) < 2:
        raise ValueError(f"a multi-gas summary needs at least two gases, got {list(budgets)}")
    central, notes = {}, {}
    for g, ds in budgets.items():
        central[g], notes[g] = _shape(ds if isinstance(ds, xr.Dataset) else ds.to_dataset(name=g), g, member_dim)
    regions, period = _check_same(central, allow_different_periods)
    gases = [g for g in GASES if g in central]
    comp_names, comp_vals = [], []
    per_gas = np.zeros((len(regions), len(gases), len(HORIZONS)))
    hz = xr.DataArray(list(HORIZONS), dims="horizon")
    from mip.budgets.gwp import refuse_totals_beside_parts

    for j, g in enumerate(gases):
        ds = central[g].sel(region=regions)
        refuse_totals_beside_parts(list(ds.data_vars), f"{g} budget")
        gas_sum = None
        for v, da in ds.data_vars.items():
            units = da.attrs.get("units")
            if units not in _UNIT_SCALE:
                raise ValueError(f"{g} budget, variable {v!r}: units {units!r}, expected 'Pg yr-1' or 'Tg yr-1' "
                                 f"of {_BASIS[g]}")
            f = xr.DataArray([_UNIT_SCALE[units] * gwp_factor(g, str(v) if g == "CH4" else None, h)
                              for h in HORIZONS], dims="horizon", coords={"horizon": hz.values})
            eq = da.astype(float) * f
            gas_sum = eq if gas_sum is None else gas_sum + eq
            comp_names.append(f"{g} {v}")
            comp_vals.append(_median(eq, member_dim).transpose("region", "horizon").values)
        per_gas[:, j, :] = _median(gas_sum, member_dim).transpose("region", "horizon").values
    out = xr.Dataset(coords={"region": regions, "gas": gases, "horizon": list(HORIZONS),
                             "gas_component": comp_names})
    units = "Tg CO2-eq yr-1"
    out["co2eq"] = (("region", "gas", "horizon"), per_gas, {"units": units})
    out["component"] = (("region", "gas_component", "horizon"), np.stack(comp_vals, axis=1), {"units": units})
    out["total"] = out.co2eq.sum("gas").assign_attrs(units=units)
    out["dominant"] = (("region", "horizon"), np.asarray(gases)[per_gas.argmax(axis=1)])
    if "CH4" in gases and "CO2" in gases:
        over = out.co2eq.sel(gas="CH4") > out.co2eq.sel(gas="CO2")
        out["ch4_over_co2_gwp20_only"] = over.sel(horizon="GWP20") & ~over.sel(horizon="GWP100")
    out.attrs.update(period=period, gwp_source="IPCC AR6 WG1 Table 7.15",
                     members="; ".join(f"{g}: {notes[g]}" for g in gases),
                     sign="positive = to the atmosphere; the dominant gas has the largest (signed) CO2-equivalent")
    return out


def _median(da: xr.DataArray, member_dim: str) -> xr.DataArray:
    return da.median(member_dim) if member_dim in da.dims else da


def co2eq_table(result: xr.Dataset) -> pd.DataFrame:
    """One row per region: each gas under GWP100 and GWP20, the totals, the dominant gas and the flag.

    Parameters
    ----------
    result
        Output of :func:`co2eq_by_region`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``<gas> GWP100`` …, ``total GWP100``, ``total GWP20``,
        ``dominant GWP100``, ``dominant GWP20`` and ``CH4 > CO2 under GWP20 only`` (Tg CO2-eq/yr).
    """
    rows = []
    for r in result.region.values:
        row: dict[str, object] = {"region": str(r)}
        for h in HORIZONS:
            for g in result.gas.values:
                row[f"{g} {h}"] = float(result.co2eq.sel(region=r, gas=g, horizon=h))
        for h in HORIZONS:
            row[f"total {h}"] = float(result.total.sel(region=r, horizon=h))
        for h in HORIZONS:
            row[f"dominant {h}"] = str(result.dominant.sel(region=r, horizon=h).values)
        if "ch4_over_co2_gwp20_only" in result:
            row["CH4 > CO2 under GWP20 only"] = bool(result.ch4_over_co2_gwp20_only.sel(region=r))
        rows.append(row)
    return pd.DataFrame(rows)
