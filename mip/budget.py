"""Global totals of canonical gridded fluxes (regional aggregation builds on this).

Totals integrate over the real time bounds: the mean over a period is
``Σₜ Σᵢ F·A·Δt / Σₜ Δt``, expressed per Julian year (365.25 d).  NaN cells are not
skipped: a total over a field with gaps is NaN, never silently smaller.
"""

from __future__ import annotations

import xarray as xr

from mip.model import flux_variables
from mip.timeaxis import bounds_seconds
from mip.units import SECONDS_PER_YEAR

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
    out = xr.Dataset()
    dt = bounds_seconds(ds["time_bounds"])
    for v in variables or flux_variables(ds):
        basis = ds[v].attrs["reported_as"]
        units, to = TOTAL_UNITS[basis]
        per_step = (ds[v] * ds["cell_area"]).sum(("lat", "lon"), skipna=False)  # kg s-1
        if annual_mean:
            per_step = (per_step * dt).sum("time", skipna=False) / dt.sum("time")
        out[v] = (per_step * SECONDS_PER_YEAR * to).assign_attrs(
            units=units, reported_as=basis, year="Julian year, 365.25 days",
            long_name=f"global total {v}" + (" (time-weighted mean)" if annual_mean else ""))
    return out
