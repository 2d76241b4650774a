"""Global totals of canonical gridded fluxes (regional aggregation builds on this).

Totals integrate over the real time bounds: the mean over a period is
``Σₜ Σᵢ F·A·Δt / Σₜ Δt``, expressed per Julian year (365.25 d).  NaN cells are not
skipped: a total over a field with gaps is NaN, never silently smaller.
"""

from __future__ import annotations

import xarray as xr

from mip.conventions.model import flux_variables
from mip.conventions.units import total_factor

__all__ = ["global_total", "TOTAL_UNITS"]

#: Units of totals per reporting basis, and their factor from kg (the one conversion, :func:`total_factor`).
TOTAL_UNITS: dict[str, tuple[str, float]] = {
    basis: (units, total_factor("kg yr-1", units)) for basis, units in (("C", "Pg yr-1"), ("CH4", "Tg yr-1"),
                                                                       ("N", "Tg yr-1"))}


def global_total(ds: xr.Dataset, variables: list[str] | None = None, *, time_mean: bool = True) -> xr.Dataset:
    """Area-integrated global totals of every flux variable.

    Parameters
    ----------
    ds
        Canonical gridded dataset.
    variables
        Which flux variables (default all).
    time_mean
        If True (default), one mean over the whole time axis (each step weighted by its length), per year;
        otherwise one total per time step.

    Returns
    -------
    xarray.Dataset
        Totals in ``Pg yr-1`` (C basis) or ``Tg yr-1`` (CH4, N basis), with
        ``reported_as``.
    """
    from mip.budgets.aggregation import aggregate
    from mip.regions import latitude_bands

    import warnings

    from mip.errors import RegionWarning

    with warnings.catch_warnings():  # on a regional grid the 'global' band is the domain, which is what is asked
        warnings.simplefilter("ignore", RegionWarning)
        out = aggregate(ds, latitude_bands((-90.0, 90.0), names=("global",)), period="all" if time_mean else None,
                        attribution="area",  # one band of every surface: the same weights, and any variable name
                        variables=variables or flux_variables(ds))
    out = out.sel(region="global", drop=True).drop_vars(["region_area", "abbrev", "region_surface", "region_group",
                                                          "region_in_domain", "unattributed"], errors="ignore")
    out.attrs = {"domain": "the grid's whole domain (a regional grid: only that domain)"} if "domain" in out.attrs else {}
    return out
