"""The growth-rate closure: an inversion's global total flux must equal the atmospheric growth (pure compute).

The global total of land + ocean + fossil fluxes (positive = to the atmosphere) of a year is the
carbon added to the atmosphere that year; NOAA's observed growth rate (ppm/yr) times 2.124 Pg C
per ppm (the Global Carbon Budget's conversion) is the same quantity observed.  The mismatch per
member and year says whether an inversion's mass balance holds — a check no metadata checker can
make.
"""

from __future__ import annotations

from mip.errors import MipError

import numpy as np
import xarray as xr

from mip.obs.noaa import PGC_PER_PPM

__all__ = ["growth_closure", "stated_tolerance", "FOSSIL_REL_UNC_GCB", "SIGMAS"]

#: The GCB's stated uncertainty of fossil emissions: ±5 % at one sigma (the 2023 workbook's sheets say so).
FOSSIL_REL_UNC_GCB: float = 0.05
#: The closure's default width: two standard uncertainties (≈ 95 % for normal errors).
SIGMAS: float = 2.0


def stated_tolerance(growth_unc_ppm, fossil=None, fossil_rel_unc: float = 0.0, *, sigmas: float = SIGMAS,
                     pgc_per_ppm: float = PGC_PER_PPM):
    """The closure's tolerance per year from stated uncertainties, never from the ensemble it judges.

    ``sigmas × sqrt((growth_unc × 2.124)² + (fossil_rel_unc × fossil)²)``: NOAA's stated uncertainty of
    each year's growth rate and, when the fossil emissions added are not the inversion's own, their stated
    relative uncertainty (GCB: 5 %).  With the inversion's own prescribed fossil the balance is internal and
    no fossil term enters.

    Parameters
    ----------
    growth_unc_ppm
        NOAA's uncertainty of the annual growth rate, ppm/yr (per year).
    fossil
        Fossil emissions added, Pg C/yr (per year), or None.
    fossil_rel_unc
        Their relative one-sigma uncertainty.
    sigmas
        How many standard uncertainties.
    pgc_per_ppm
        Conversion.

    Returns
    -------
    Same type as ``growth_unc_ppm``.

    Examples
    --------
    2017: NOAA's unc 0.09 ppm/yr, GCB fossil 9.9 Pg C/yr at 5 %: 2 × sqrt(0.191² + 0.495²) = 1.06 Pg C/yr.

    >>> round(float(stated_tolerance(0.09, 9.9, 0.05)), 2)
    1.06
    """
    import numpy as _np

    g = growth_unc_ppm * pgc_per_ppm
    f = 0.0 if fossil is None else fossil * fossil_rel_unc
    return sigmas * _np.sqrt(g**2 + f**2)


def growth_closure(total: xr.DataArray, growth_ppm: xr.DataArray, *, tolerance: float | xr.DataArray = 0.5,
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
        Pg C/yr: a member-year beyond it is flagged; a number, or per year (e.g. :func:`stated_tolerance`).
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
    if isinstance(tolerance, xr.DataArray):
        tolerance = tolerance.sel(year=total["year"])
    if total.sizes.get("year", 0) == 0:
        raise MipError("growth_closure: the totals and the growth rate share no year")
    observed = growth * pgc_per_ppm
    mismatch = total - observed
    out = xr.Dataset({"observed": observed.assign_attrs(units="Pg yr-1"),
                      "mismatch": mismatch.assign_attrs(units="Pg yr-1", long_name="global total − observed growth"),
                      "within_tolerance": np.abs(mismatch) <= tolerance,
                      "mean_mismatch": mismatch.mean("year").assign_attrs(units="Pg yr-1")})
    if isinstance(tolerance, xr.DataArray):
        out["tolerance"] = tolerance.assign_attrs(units="Pg yr-1")
        out.attrs.update(tolerance=float(tolerance.max()), tolerance_range=f"{float(tolerance.min()):.2f}-"
                         f"{float(tolerance.max()):.2f}", pgc_per_ppm=pgc_per_ppm)
    else:
        out.attrs.update(tolerance=tolerance, pgc_per_ppm=pgc_per_ppm)
    return out
