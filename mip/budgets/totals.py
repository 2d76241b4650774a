"""Global totals of canonical gridded fluxes (regional aggregation builds on this).

Totals integrate over the real time bounds: the mean over a period is
``Σₜ Σᵢ F·A·Δt / Σₜ Δt``, expressed per Julian year (365.25 d).  NaN cells are not
skipped: a total over a field with gaps is NaN, never silently smaller.
"""

from __future__ import annotations

import xarray as xr

from mip.conventions.model import flux_variables

__all__ = ["global_total", "TOTAL_UNITS"]

#: Units of totals per reporting basis and their factor from kg.
TOTAL_UNITS: dict[str, tuple[str, float]] = {"C": ("Pg yr-1", 1e-12), "CH4": ("Tg yr-1", 1e-9), "N": ("Tg yr-1", 1e-9)}


def global_total(ds: xr.Dataset, variables: list[str] | None = None, *, annual_mean: bool = True) -> xr.Dataset:
    """Area-integrated global totals of every flux variable.

    Parameters
    ----------
    ds
        Canonical gridded dataset.
    variables
        Which flux variables (default all).
    annual_mean
        If True, average over the whole time axis weighted by the length of each
        step; otherwise return one total per time step.

    Returns
    -------
    xarray.Dataset
        Totals in ``Pg yr-1`` (C basis) or ``Tg yr-1`` (CH4, N basis), with
        ``reported_as``.
    """
    from mip.budgets.aggregation import aggregate
    from mip.regions import latitude_bands

    out = aggregate(ds, latitude_bands((-90.0, 90.0), names=("global",)), period="all" if annual_mean else None,
                    variables=variables or flux_variables(ds))
    out = out.sel(region="global", drop=True).drop_vars(["region_area", "abbrev", "region_surface", "region_group"],
                                                         errors="ignore")
    out.attrs = {}
    return out
