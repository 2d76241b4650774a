"""GWP-weighted CO2-equivalent budgets across CO2, CH4 and N2O (IPCC AR6 WG1 Table 7.15).

Which CH4 value applies: fossil-origin CH4 (category ``fossil`` and its parts: coal
mining, oil and gas, industry, transport) uses the *fossil* GWP, which includes the CO2
its oxidation adds (29.8 for GWP100, 82.5 for GWP20); every other CH4 category
(wetlands, other natural, agriculture and waste, biomass and biofuel burning, ...)
uses the *non-fossil* value (27.0, 79.7), since the carbon came from the atmosphere.
A CH4 total that mixes origins must be split by category first.
"""

from __future__ import annotations

import xarray as xr

from mip.conventions.units import MOLAR_MASS

__all__ = ["GWP", "FOSSIL_CH4_CATEGORIES", "gwp_factor", "co2eq"]

#: AR6 WG1 Table 7.15: gas/origin → {horizon: GWP}.
GWP: dict[str, dict[str, float]] = {
    "CO2": {"GWP100": 1.0, "GWP20": 1.0},
    "CH4_fossil": {"GWP100": 29.8, "GWP20": 82.5},
    "CH4_non_fossil": {"GWP100": 27.0, "GWP20": 79.7},
    "N2O": {"GWP100": 273.0, "GWP20": 273.0},
}
FOSSIL_CH4_CATEGORIES = frozenset({"fossil", "coal_mining", "oil_and_gas", "industry", "transport"})


def gwp_factor(gas: str, category: str | None = None, horizon: str = "GWP100") -> float:
    """Factor from a total on the gas's reporting basis to mass of CO2-equivalent.

    Parameters
    ----------
    gas
        ``"CO2"`` (totals on a C basis), ``"CH4"`` (CH4 basis) or ``"N2O"`` (N basis).
    category
        For CH4, the category (decides fossil vs non-fossil); required for CH4.
    horizon
        ``"GWP100"`` or ``"GWP20"``.

    Returns
    -------
    float
        E.g. 1 Tg N (of N2O) → 273 × 44.013/28.0134 Tg CO2-eq.

    Examples
    --------
    >>> gwp_factor("CH4", "wetlands", "GWP20"), gwp_factor("CH4", "fossil", "GWP100")
    (79.7, 29.8)
    >>> round(gwp_factor("N2O"), 1)  # 273 × 44.013 / 28.013: per unit of N
    428.9
    """
    if gas == "CO2":
        return MOLAR_MASS["CO2"] / MOLAR_MASS["C"]
    if gas == "CH4":
        if category is None:
            raise ValueError("CH4 needs a category: fossil and non-fossil CH4 have different GWPs")
        key = "CH4_fossil" if category in FOSSIL_CH4_CATEGORIES else "CH4_non_fossil"
        return GWP[key][horizon]
    if gas == "N2O":
        return GWP["N2O"][horizon] * MOLAR_MASS["N2O"] / (2 * MOLAR_MASS["N"])
    raise ValueError(f"unknown gas {gas!r}")


def co2eq(totals: xr.Dataset, gas: str, *, horizon: str = "GWP100") -> xr.Dataset:
    """Convert every total of one gas (e.g. from :func:`mip.aggregate`) to CO2-equivalent.

    Parameters
    ----------
    totals
        Totals in ``Pg yr-1`` (CO2, C basis) or ``Tg yr-1`` (CH4, N2O as N), variable
        names = categories.
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    horizon
        ``"GWP100"`` or ``"GWP20"``.

    Returns
    -------
    xarray.Dataset
        The same variables in ``Tg CO2-eq yr-1``.
    """
    out = xr.Dataset()
    for v, da in totals.data_vars.items():
        units = da.attrs.get("units")
        scale = {"Pg yr-1": 1e3, "Tg yr-1": 1.0}.get(units)
        if scale is None:
            raise ValueError(f"{v}: units {units!r}, expected 'Pg yr-1' or 'Tg yr-1'")
        f = gwp_factor(gas, str(v) if gas == "CH4" else None, horizon)
        out[v] = (da * f * scale).assign_attrs(units="Tg CO2-eq yr-1", gwp=horizon, gas=gas,
                                               gwp_source="IPCC AR6 WG1 Table 7.15")
    return out
