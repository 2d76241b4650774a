"""The growth-rate closure: an inversion's global total flux must equal the atmospheric growth (pure compute).

The global total of land + ocean + fossil fluxes (positive = to the atmosphere) of a year is the
carbon added to the atmosphere that year; NOAA's observed growth rate (ppm/yr) times 2.124 Pg C
per ppm (the Global Carbon Budget's conversion) is the same quantity observed.  The mismatch per
member and year says whether an inversion's mass balance holds — a check no metadata checker can
make.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from mip.obs.noaa import PGC_PER_PPM

__all__ = ["growth_closure"]


def growth_closure(total: xr.DataArray, growth_ppm: xr.DataArray, *, tolerance: float = 0.5,
                   pgc_per_ppm: float = PGC_PER_PPM) -> xr.Dataset:
    """Each member's annual global total flux against the observed atmospheric growth.

    Parameters
    ----------
    total
        Annual global total flux (land + ocean + fossil) in Pg C/yr, dim ``year`` (and any member
        dims, e.g. ``model``, ``experiment``).
    growth_ppm
        Observed growth rate in ppm/yr on ``year`` (e.g. ``read_noaa("co2_gr_gl.txt").growth_rate``).
    tolerance
        Pg C/yr: a member-year beyond it is flagged.
    pgc_per_ppm
        Conversion (GCB: 2.124 Pg C per ppm).

    Returns
    -------
    xarray.Dataset
        On the years both cover: ``observed`` (Pg C/yr), ``mismatch`` (total − observed),
        ``within_tolerance``, and ``mean_mismatch`` over the years per member.

    Examples
    --------
    A member whose 2017 total is 4.5 Pg C/yr, against NOAA's 2.14 ppm (× 2.124 = 4.545 Pg C):

    >>> import xarray as xr
    >>> total = xr.DataArray([4.5], dims="year", coords={"year": [2017]})
    >>> gr = xr.DataArray([2.14], dims="year", coords={"year": [2017]})
    >>> round(float(growth_closure(total, gr).mismatch.sel(year=2017)), 3)
    -0.045
    """
    total, growth = xr.align(total, growth_ppm, join="inner")
    if total.sizes.get("year", 0) == 0:
        raise ValueError("growth_closure: the totals and the growth rate share no year")
    observed = growth * pgc_per_ppm
    mismatch = total - observed
    out = xr.Dataset({"observed": observed.assign_attrs(units="Pg yr-1"),
                      "mismatch": mismatch.assign_attrs(units="Pg yr-1", long_name="global total − observed growth"),
                      "within_tolerance": np.abs(mismatch) <= tolerance,
                      "mean_mismatch": mismatch.mean("year").assign_attrs(units="Pg yr-1")})
    out.attrs.update(tolerance=tolerance, pgc_per_ppm=pgc_per_ppm)
    return out
