"""National (or any region's) stock-change budgets from an inversion ensemble and lateral fluxes.

``national_budget`` aggregates the ensemble's NBE (``land``) and the lateral fields to the
regions, applies the identities of :mod:`mip.budgets.lateral` per model, and summarises the
ensemble with the OCO-2 MIP convention (median, spread = IQR/1.35).  Uncertainties:

* NCE: the ensemble spread (IQR/1.35 of the members' NCE) — the atmosphere constrains NCE;
* NBE: NCE's and the fossil uncertainty in quadrature, √(NCE_unc² + FF_unc²), as the CEOS pilot
  file states on every row;
* lateral terms: gridded uncertainties are summed over a region's cells (errors fully
  correlated within a region — the cautious choice when nothing says otherwise);
* ΔC_loss: NBE's and the lateral uncertainties in quadrature (default; the CEOS file's mean rows)
  or NBE's alone (``uncertainty="ceos"``; the CEOS file's annual rows).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from mip.budgets.aggregation import aggregate
from mip.errors import MemberWarning, MipError
from mip.geometry.grid import same_grid
from mip.budgets.lateral import dc_loss, dc_loss_uncertainty, nbe_uncertainty, nce
from mip.regions import RegionSet
from mip.budgets.stats import ensemble_stats
from mip.conventions.units import factor_to, parse_native

__all__ = ["aggregate_fields", "national_budget", "compare_inventory"]


def aggregate_fields(ds: xr.Dataset, regions: RegionSet, variables: list[str]) -> xr.Dataset:
    """Region totals (Tg C yr-1) of fields in kg C m-2 s-1 on any leading dims (e.g. ``year``).

    Parameters
    ----------
    ds
        Fields with ``lat``, ``lon``, their bounds and ``cell_area``.
    regions
        The region set.
    variables
        Which fields.

    Returns
    -------
    xarray.Dataset
        Dim ``region``.
    """
    out = aggregate(ds, regions, variables=variables) * 1e3  # Pg -> Tg
    for v in variables:
        out[v].attrs.update(units="Tg yr-1", reported_as="C")
    return out


def _lateral_on_grid(lateral: xr.Dataset, ens: xr.Dataset, regrid_lateral: bool) -> xr.Dataset:
    """The lateral fields on the ensemble's grid (regridded conservatively if allowed, else refused)."""
    if same_grid(lateral, ens):
        return lateral
    if not regrid_lateral:
        raise MipError("the lateral fluxes are on another grid than the ensemble; pass regrid_lateral=True")
    from mip.geometry.regrid import regrid

    lat_vars = [v for v in lateral.data_vars if "reported_as" in lateral[v].attrs]
    return regrid(lateral[lat_vars].assign_coords(lat_bounds=lateral["lat_bounds"],
                                                  lon_bounds=lateral["lon_bounds"]), ens)


def _common_years(years: list[int], lateral: xr.Dataset) -> list[int]:
    """The ensemble's years the lateral fluxes have (all, if they have no ``year``); those left out are named."""
    if "year" not in lateral.dims:
        return years
    lat_years = {int(y) for y in lateral["year"].values}
    missing = sorted(set(years) - lat_years)
    if missing:
        warnings.warn(f"lateral fluxes have no year(s) {missing}; those years are left out", MemberWarning,
                      stacklevel=3)
    kept = [y for y in years if y in lat_years]
    if not kept:
        raise MipError("no year in common between the ensemble and the lateral fluxes")
    return kept


def _lateral_totals(lateral: xr.Dataset, regions: RegionSet, years: list[int]) -> xr.Dataset:
    """Region totals of FF, River, Wood_Crop and their uncertainties (Wood_unc + Crop_unc if need be)."""
    names = ["FF", "River", "Wood_Crop"] + [f"{v}_unc" for v in ("FF", "River", "Wood_Crop") if f"{v}_unc" in lateral]
    if "Wood_Crop_unc" not in lateral and "Wood_unc" in lateral and "Crop_unc" in lateral:
        lateral = lateral.assign(Wood_Crop_unc=lateral["Wood_unc"] + lateral["Crop_unc"])
        names.append("Wood_Crop_unc")
    lat_t = aggregate_fields(lateral, regions, names)
    return lat_t.sel(year=years) if "year" in lateral.dims else lat_t


def national_budget(ens: xr.Dataset, regions: RegionSet, lateral: xr.Dataset, *, uncertainty: str = "quadrature",
                    mode: str = "region-first", regrid_lateral: bool = True) -> xr.Dataset:
    """NBE, NCE and ΔC_loss per region, year, experiment (and per model), with uncertainties.

    Parameters
    ----------
    ens
        Canonical ensemble with ``land`` (NBE).
    regions
        Countries (or any regions).
    lateral
        From :func:`mip.products.ceos.read_ceos_grid` (``FF``, ``River``, ``Wood_Crop`` and
        optionally their ``_unc``), with a ``year`` dim or without (then used for every year).
    uncertainty
        ``"quadrature"`` or ``"ceos"``.
    mode
        ``"region-first"`` (aggregate, then correct) or ``"grid-first"`` (correct each cell,
        then aggregate); the two agree to rounding.
    regrid_lateral
        Regrid lateral fields on another grid conservatively (else refuse).

    Returns
    -------
    xarray.Dataset
        ``NBE``, ``NCE``, ``dC_loss`` (medians) and ``*_unc``; ``FF``, ``Rivers``,
        ``Wood_Crop`` and ``*_unc``; per-model ``NBE_members``, ``NCE_members``,
        ``dC_loss_members``; dims ``country``, ``year``, ``experiment`` (Tg C yr-1).
    """
    if "land" not in ens:
        raise MipError("the ensemble has no 'land' (NBE) variable")
    if mode not in ("region-first", "grid-first"):
        raise MipError("mode must be 'region-first' or 'grid-first'")
    lateral = _lateral_on_grid(lateral, ens, regrid_lateral)
    nbe = aggregate(ens, regions, period="annual", variables=["land"])["land"] * 1e3  # Pg -> Tg
    years = _common_years([int(y) for y in nbe["year"].values], lateral)
    nbe = nbe.sel(year=years)
    lat_t = _lateral_totals(lateral, regions, years)
    if mode == "grid-first":
        per_cell = dc_loss(ens["land"], _annual_broadcast(lateral["River"], ens), _annual_broadcast(lateral["Wood_Crop"], ens))
        ds_cell = xr.Dataset({"dC": per_cell.assign_attrs(reported_as="C", units="kg m-2 s-1")}, coords=ens.coords)
        dcl_members = aggregate(ds_cell, regions, period="annual", variables=["dC"])["dC"] * 1e3
        dcl_members = dcl_members.sel(year=years)
    else:
        dcl_members = dc_loss(nbe, lat_t["River"], lat_t["Wood_Crop"])
    nce_members = nce(nbe, lat_t["FF"])
    nce_stats = ensemble_stats(nce_members)
    nce_unc = nce_stats["iqr_1_35"]  # the atmosphere constrains NCE: the ensemble spread is its uncertainty
    ff_unc = lat_t.get("FF_unc")
    nbe_unc = nbe_uncertainty(nce_unc, ff_unc if ff_unc is not None else 0 * nce_unc)
    out = xr.Dataset({
        "NBE": ensemble_stats(nbe)["median"], "NBE_unc": nbe_unc,
        "NCE": nce_stats["median"], "NCE_unc": nce_unc,
        "dC_loss": ensemble_stats(dcl_members)["median"],
        "FF": lat_t["FF"], "Rivers": lat_t["River"], "Wood_Crop": lat_t["Wood_Crop"],
        "NBE_members": nbe, "NCE_members": nce_members, "dC_loss_members": dcl_members,
        "n_models": nbe.notnull().sum("model"),
    })
    for k in ("FF_unc", "River_unc", "Wood_Crop_unc"):
        if k in lat_t:
            out[k.replace("River", "Rivers")] = lat_t[k]
    if uncertainty == "quadrature" and not {"River_unc", "Wood_Crop_unc"} <= set(lat_t):
        raise MipError("the lateral fluxes carry no uncertainty for River and Wood+Crop: "
                       "give River_unc and Wood_unc/Crop_unc, or use uncertainty='ceos'")
    out["dC_loss_unc"] = dc_loss_uncertainty(nbe_unc, lat_t.get("River_unc"), lat_t.get("Wood_Crop_unc"),
                                             uncertainty=uncertainty)
    from mip.regions.attribution import coastal_share

    out["coastal_land_share"] = coastal_share(regions, ens).reindex(region=out["region"].values)
    out = out.rename(region="country")
    for v in out.data_vars:
        if v not in ("n_models", "coastal_land_share"):
            out[v].attrs.update(units="Tg yr-1", reported_as="C")
    out.attrs.update({"uncertainty": uncertainty, "mode": mode,
                      "sign_convention": "NBE, NCE, dC_loss positive = to the atmosphere (stock loss); "
                                         "Rivers and Wood_Crop positive = carbon entering the land",
                      "spread": "median and IQR/1.35 across models (OCO-2 MIP)",
                      "uncertainties": "NCE_unc = IQR/1.35 of the members' NCE; NBE_unc = sqrt(NCE_unc^2 + FF_unc^2); "
                                       + ("dC_loss_unc = NBE_unc" if uncertainty == "ceos" else
                                          "dC_loss_unc = sqrt(NBE_unc^2 + Rivers_unc^2 + Wood_Crop_unc^2)")})
    return out


def _annual_broadcast(field: xr.DataArray, ens: xr.Dataset) -> xr.DataArray:
    """A per-year (or time-invariant) field on the ensemble's time axis."""
    if "year" not in field.dims:
        return field
    return field.sel(year=ens["time"].dt.year).drop_vars("year")


def compare_inventory(budget: xr.Dataset, table: pd.DataFrame, *, file: str = "inventory") -> tuple[pd.DataFrame, list[str]]:
    """Compare ΔC_loss with an inventory table (ISO-3 code, year, value, unit [, uncertainty]).

    Inventories report net emissions of the land sector positive (removals negative),
    the same sign as ΔC_loss.

    Parameters
    ----------
    budget
        From :func:`national_budget`.
    table
        Columns ``iso3``, ``year``, ``value``, ``unit`` and optionally ``uncertainty``.
    file
        Name of the table, for messages.

    Returns
    -------
    comparison, unknown
        One row per (country, year, experiment) with the budget, the inventory (Tg C/yr),
        the difference, the combined uncertainty and ``within`` (|difference| ≤ combined);
        and the inventory countries the region set does not know (listed, not dropped).
    """
    need = {"iso3", "year", "value", "unit"}
    if not need <= set(table.columns):
        raise MipError(f"{file}: columns {sorted(table.columns)}; expected {sorted(need)} (+ uncertainty)")
    known = set(map(str, budget["country"].values))
    unknown = sorted(set(table["iso3"].astype(str)) - known)
    rows = []
    for _, r in table.iterrows():
        iso, year = str(r["iso3"]), int(r["year"])
        if iso not in known or year not in set(int(y) for y in budget["year"].values):
            continue
        try:
            f = factor_to(parse_native(str(r["unit"]), file=file, variable="unit"), "Tg / year", "C", "CO2")
        except Exception as exc:
            raise MipError(f"{file}: unit {r['unit']!r} for {iso} {year}: {exc}") from exc
        inv = float(r["value"]) * f
        inv_unc = float(r["uncertainty"]) * f if "uncertainty" in r and pd.notna(r["uncertainty"]) else 0.0
        for e in budget["experiment"].values:
            b = budget.sel(country=iso, year=year, experiment=e)
            comb = float(np.hypot(float(b["dC_loss_unc"]), inv_unc))
            diff = float(b["dC_loss"]) - inv
            rows.append({"iso3": iso, "year": year, "experiment": str(e), "dC_loss": float(b["dC_loss"]),
                         "dC_loss_unc": float(b["dC_loss_unc"]), "inventory": inv, "inventory_unc": inv_unc,
                         "difference": diff, "combined_unc": comb, "within": abs(diff) <= comb})
    if unknown:
        warnings.warn(f"{file}: countries not in the region set (not compared): {', '.join(unknown)}",
                      MemberWarning, stacklevel=2)
    return pd.DataFrame(rows), unknown
