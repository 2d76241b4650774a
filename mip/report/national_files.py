"""Files of the national stock-change budgets (``mip budget --lateral``).

The CEOS-layout CSV, netCDF, the
coastal shares and the comparison with an inventory.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_national"]


def write_national(ds, regions, lateral: str | Path, prefix: str, *, source: str, uncertainty: str = "quadrature",
                   inventory: str | Path | None = None) -> tuple[list[Path], list[str]]:
    """Stock-change budgets per region with lateral fluxes, written beside a budget.

    Parameters
    ----------
    ds
        The ensemble (canonical, lazy is fine).
    regions
        The region set.
    lateral
        The lateral-flux grid (CEOS layout).
    prefix
        Where the files go (``DIR/`` + name).
    source
        What the ensemble is (``catalog:entry``), for the header.
    uncertainty
        ``"quadrature"`` or ``"ceos"`` (:func:`mip.budgets.national.national_budget`).
    inventory
        A CSV (iso3, year, value, unit[, uncertainty]) to compare dC_loss with.

    Returns
    -------
    files, not_compared
        The files written, and the inventory's countries the region set does not hold.
    """
    import pandas as pd

    from mip.budgets.national import compare_inventory, national_budget
    from mip.io import atomic_write
    from mip.products.ceos import read_ceos_grid, write_ceos_countries

    grid = read_ceos_grid(lateral)
    budget = national_budget(ds, regions, grid, uncertainty=uncertainty).compute()
    out = [write_ceos_countries(budget, f"{prefix}national.csv",
                                header=[f"# National stock-change budgets by fluxmip from {source}",
                                        f"# lateral fluxes: {lateral}; uncertainty: {uncertainty}",
                                        "# NBE, NCE, dC_loss: ensemble median; NCE unc: IQR/1.35 of the members' NCE; "
                                        "NBE unc: sqrt(NCE unc^2 + FF unc^2); dC_loss unc: "
                                        + ("NBE unc" if uncertainty == "ceos" else
                                           "sqrt(NBE unc^2 + Rivers unc^2 + Wood+Crop unc^2)")])]
    nc = Path(f"{prefix}national.nc")
    with atomic_write(nc) as tmp:
        budget.to_netcdf(tmp)
    out.append(nc)
    coastal = Path(f"{prefix}national_coastal.csv")  # how much of each country's land total comes from coastal cells
    with atomic_write(coastal) as tmp:
        tmp.write_text(budget["coastal_land_share"].to_series().dropna().to_csv(float_format="%.4f"))
    out.append(coastal)
    unknown: list[str] = []
    if inventory:
        table = pd.read_csv(inventory)
        comp, unknown = compare_inventory(budget, table, file=str(inventory))
        p = Path(f"{prefix}inventory.csv")
        with atomic_write(p) as tmp:
            tmp.write_text(comp.to_csv(index=False, float_format="%.6g"))
        out.append(p)
    return out, list(unknown)
