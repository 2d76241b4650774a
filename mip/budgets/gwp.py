"""GWP-weighted CO2-equivalent budgets across CO2, CH4 and N2O (IPCC AR6 WG1 Table 7.15).

Which CH4 value applies: fossil-origin CH4 (category ``fossil`` and its parts: coal
mining, oil and gas, industry, transport) uses the *fossil* GWP, which includes the CO2
its oxidation adds (29.8 for GWP100, 82.5 for GWP20); every other CH4 category
(wetlands, other natural, agriculture and waste, biomass and biofuel burning, ...)
uses the *non-fossil* value (27.0, 79.7), since the carbon came from the atmosphere.
A CH4 total that mixes origins must be split by category first.

Which category is which is an explicit table (:data:`CH4_ORIGIN`, with the spellings of the GCP-CH4
workbook in :data:`CH4_ALIASES`); a category it does not know is refused, never given the non-fossil
value by default ("FF", "coal" or a typo would otherwise silently lose 10 % of their GWP100).
"""

from __future__ import annotations

import xarray as xr

from mip.conventions.units import MOLAR_MASS, total_factor
from mip.errors import MipError

__all__ = ["GWP", "FOSSIL_CH4_CATEGORIES", "CH4_ORIGIN", "CH4_KIND", "CH4_ALIASES", "ch4_category", "gwp_factor", "co2eq",
           "MIXED", "refuse_totals_beside_parts"]

#: AR6 WG1 Table 7.15: gas/origin → {horizon: GWP}.
GWP: dict[str, dict[str, float]] = {
    "CO2": {"GWP100": 1.0, "GWP20": 1.0},
    "CH4_fossil": {"GWP100": 29.8, "GWP20": 82.5},
    "CH4_non_fossil": {"GWP100": 27.0, "GWP20": 79.7},
    "N2O": {"GWP100": 273.0, "GWP20": 273.0},
}
#: Every CH4 category fluxmip knows and the origin of its carbon (decides the GWP).
CH4_ORIGIN: dict[str, str] = {
    "fossil": "fossil", "coal_mining": "fossil", "oil_and_gas": "fossil", "industry": "fossil", "transport": "fossil",
    "wetlands": "non-fossil", "other_natural": "non-fossil", "agriculture_waste": "non-fossil",
    "biomass_biofuel_burning": "non-fossil", "soil_sink": "non-fossil", "enteric_fermentation_manure": "non-fossil",
    "landfills_waste": "non-fossil", "rice": "non-fossil", "biomass_burning": "non-fossil", "biofuel": "non-fossil",
    "freshwater": "non-fossil", "termites": "non-fossil", "wild_animals": "non-fossil", "permafrost": "non-fossil",
}
#: Whether a CH4 category is a natural or an anthropogenic source, or a sink (Saunois et al. 2020's split:
#: biomass and biofuel burning is anthropogenic).
CH4_KIND: dict[str, str] = {
    **{c: "anthropogenic" for c in ("fossil", "coal_mining", "oil_and_gas", "industry", "transport", "agriculture_waste",
                                    "biomass_biofuel_burning", "enteric_fermentation_manure", "landfills_waste", "rice",
                                    "biomass_burning", "biofuel")},
    **{c: "natural" for c in ("wetlands", "other_natural", "freshwater", "termites", "wild_animals", "permafrost")},
    "soil_sink": "sink",
}
#: Other spellings of those categories (the GCP-CH4 workbook's row labels among them) → the category.
CH4_ALIASES: dict[str, str] = {
    "fossil_fuels": "fossil", "wetland": "wetlands", "other_natural_sources": "other_natural",
    "agriculture_and_waste": "agriculture_waste", "biomass_and_biofuel_burning": "biomass_biofuel_burning",
    "oil_and_gas_production_and_use": "oil_and_gas",
}  # "coal" or "FF" alone are not categories: refused
FOSSIL_CH4_CATEGORIES = frozenset(c for c, o in CH4_ORIGIN.items() if o == "fossil")
#: Names of totals that mix components: a budget carrying one beside its parts would count them twice.
MIXED = {"total": "the total", "net": "net (land + ocean)", "natural": "the natural total",
         "anthropogenic": "the anthropogenic total", "total_sources": "total sources"}


def ch4_category(name: str) -> str:
    """The CH4 category a name means (explicit table and aliases), or an error listing the known ones.

    Examples
    --------
    >>> ch4_category("Fossil fuels"), ch4_category("Wetlands"), ch4_category("Agriculture and Waste")
    ('fossil', 'wetlands', 'agriculture_waste')
    """
    key = "_".join(str(name).strip().lower().replace("&", "and").replace("-", " ").split())
    key = CH4_ALIASES.get(key, key)
    if key not in CH4_ORIGIN:
        from mip.errors import MipError

        raise MipError(f"CH4 category {name!r}: not one fluxmip knows, so its GWP (fossil 29.8 / non-fossil 27.0 for "
                       f"GWP100) cannot be chosen; known: {', '.join(sorted(CH4_ORIGIN))} (and "
                       f"{', '.join(sorted(CH4_ALIASES))}); rename it, or split a mixed total into categories")
    return key


def refuse_totals_beside_parts(names: list[str], what: str) -> None:
    """Refuse a budget that carries a total (``total``, ``net``, ``natural``, ...) beside other components.

    Summing every variable of such a budget counts the parts twice.

    Raises
    ------
    MismatchError
        Naming the total and the parts.
    """
    from mip.errors import MismatchError

    names = [str(n) for n in names]
    mixed = [n for n in names if n.lower() in MIXED]
    if mixed and len(names) > 1:
        parts = [n for n in names if n not in mixed]
        raise MismatchError(f"{what}: {', '.join(mixed)} beside {', '.join(parts)}: summing them would count "
                            f"{'the parts' if parts else 'a component'} twice; keep the parts (or the total alone)")


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
            raise MipError("CH4 needs a category: fossil and non-fossil CH4 have different GWPs")
        key = "CH4_fossil" if CH4_ORIGIN[ch4_category(category)] == "fossil" else "CH4_non_fossil"
        return GWP[key][horizon]
    if gas == "N2O":
        return GWP["N2O"][horizon] * MOLAR_MASS["N2O"] / (2 * MOLAR_MASS["N"])
    raise MipError(f"unknown gas {gas!r}")


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
    refuse_totals_beside_parts(list(totals.data_vars), f"{gas} totals")
    out = xr.Dataset()
    for v, da in totals.data_vars.items():
        scale = total_factor(da.attrs.get("units"), "Tg yr-1", what=str(v))
        f = gwp_factor(gas, str(v) if gas == "CH4" else None, horizon)
        out[v] = (da * f * scale).assign_attrs(units="Tg CO2-eq yr-1", gwp=horizon, gas=gas,
                                               gwp_source="IPCC AR6 WG1 Table 7.15")
    return out
