"""First-order conservative regridding between regular lat-lon grids, exact on the sphere.

On regular grids the area two cells share is ``R² · Δλ_overlap · Δ(sin φ)_overlap``
(:mod:`mip.geometry.overlap`), so conservative remapping is two small dense matrix products,
one per axis.  ``xarray-regrid``'s conservative method gives the same values to
rounding away from the poles, but treats the polar rows differently, which leaves
global totals off by ~1e-6 relative; here totals are conserved to rounding (1e-12),
which the budget tables need.  ``xarray-regrid`` is kept as the independent check in
the tests.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from mip.geometry.grid import cell_area, centre_bounds
from mip.conventions.model import flux_variables
from mip.geometry.overlap import lat_overlap, lon_overlap

__all__ = ["regrid", "target_grid", "check_resolution", "MAX_CELLS"]

#: The most cells a target grid may have: 0.05° (7200 × 3600, 26 M cells, 200 MB per float64 field). A finer
#: grid is refused before anything is allocated.
MAX_CELLS = 7200 * 3600


def check_resolution(value: object, where: str = "regrid") -> tuple[float, float]:
    """``(dlat, dlon)`` in degrees, checked: two finite positive numbers that tile the globe within :data:`MAX_CELLS`.

    Parameters
    ----------
    value
        A pair (a list from a catalog, a tuple from the command line).
    where
        What gave it, for the message (a catalog entry, ``--regrid``).

    Returns
    -------
    tuple of float

    Raises
    ------
    InputError
        Anything else, naming what was given.
    """
    from mip.errors import InputError

    try:
        dlat, dlon = (float(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise InputError(where, "regrid", repr(value), "two grid spacings in degrees, e.g. [1, 1] or [2, 2.5]") from None
    if not all(np.isfinite(v) and 0 < v <= 90 for v in (dlat, dlon)):
        raise InputError(where, "regrid", f"{dlat} x {dlon} degrees", "spacings above 0 and at most 90 degrees")
    nlat, nlon = 180.0 / dlat, 360.0 / dlon
    if abs(nlat - round(nlat)) > 1e-6 or abs(nlon - round(nlon)) > 1e-6:
        raise InputError(where, "regrid", f"{dlat} x {dlon} degrees", "spacings that divide 180 and 360 degrees")
    if round(nlat) * round(nlon) > MAX_CELLS:
        raise InputError(where, "regrid", f"{dlat} x {dlon} degrees ({round(nlat) * round(nlon):,} cells)",
                         f"a grid of at most {MAX_CELLS:,} cells (0.05 degrees)")
    return dlat, dlon


def target_grid(dlat: float, dlon: float, *, lon0: float = -180.0) -> xr.Dataset:
    """A global regular grid (canonical coordinates, bounds, spherical areas).

    Parameters
    ----------
    dlat, dlon
        Spacing in degrees (180/dlat and 360/dlon must be whole numbers).
    lon0
        Western edge of the first column.

    Returns
    -------
    xarray.Dataset
    """
    dlat, dlon = check_resolution((dlat, dlon), "target grid")
    nlat, nlon = 180.0 / dlat, 360.0 / dlon
    lat = -90.0 + dlat * (np.arange(round(nlat)) + 0.5)
    lon = lon0 + dlon * (np.arange(round(nlon)) + 0.5)
    lon = ((lon + 180.0) % 360.0) - 180.0
    lon = np.sort(lon)
    lb = centre_bounds(lat, name="lat", limits=(-90, 90))
    ob = centre_bounds(lon, name="lon")
    return xr.Dataset(coords={"lat": lat, "lon": lon, "lat_bounds": (("lat", "bnds"), lb),
                              "lon_bounds": (("lon", "bnds"), ob), "cell_area": (("lat", "lon"), cell_area(lb, ob))})


def _weights(src: xr.Dataset, tgt: xr.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    wl = lat_overlap(src["lat_bounds"].values, tgt["lat_bounds"].values)
    wo = lon_overlap(src["lon_bounds"].values, tgt["lon_bounds"].values)
    t_lat = np.diff(np.sin(np.deg2rad(tgt["lat_bounds"].values)), axis=1).ravel()
    t_lon = np.deg2rad(np.diff(tgt["lon_bounds"].values, axis=1)).ravel()
    return wl / t_lat[:, None], wo / t_lon[:, None], np.outer(wl.sum(1) / t_lat, wo.sum(1) / t_lon)


def regrid(ds: xr.Dataset, target: xr.Dataset | tuple[float, float], *, partial: str = "nan") -> xr.Dataset:
    """Regrid every flux variable conservatively onto a target grid.

    Parameters
    ----------
    ds
        Canonical dataset (``lat_bounds``, ``lon_bounds`` required).
    target
        A dataset with canonical ``lat``/``lon`` and bounds, or ``(dlat, dlon)``.
    partial
        Target cells the source grid covers only in part: ``"nan"`` (default; a
        regional source never yields a silently smaller value) or ``"keep"`` (the
        mean over the covered part).

    Returns
    -------
    xarray.Dataset
        On the target grid, with its spherical ``cell_area``; NaN in a source cell
        makes every target cell it overlaps NaN.
    """
    tgt = target_grid(*target) if isinstance(target, tuple) else target
    wl, wo, cover = _weights(ds, tgt)
    full = np.abs(cover - 1.0) < 1e-9

    def apply(x: np.ndarray) -> np.ndarray:
        y = np.einsum("ia,...ab,jb->...ij", wl, x, wo, optimize=True)
        if partial == "keep":
            return y / np.where(cover > 0, cover, np.nan)
        return np.where(full, y, np.nan)

    out = xr.Dataset(attrs=dict(ds.attrs))
    for v in flux_variables(ds):
        da = ds[v]
        r = xr.apply_ufunc(apply, da, input_core_dims=[["lat", "lon"]], output_core_dims=[["lat_t", "lon_t"]],
                           exclude_dims={"lat", "lon"}, dask="parallelized", output_dtypes=["f8"],
                           dask_gufunc_kwargs={"output_sizes": {"lat_t": tgt.sizes["lat"], "lon_t": tgt.sizes["lon"]},
                                               "allow_rechunk": True})
        out[v] = r.rename(lat_t="lat", lon_t="lon").assign_attrs(da.attrs)
    keep = [c for c in ds.coords if "lat" not in ds[c].dims and "lon" not in ds[c].dims]
    out = out.assign_coords({c: ds[c] for c in keep})
    out = out.assign_coords(lat=tgt["lat"], lon=tgt["lon"], lat_bounds=tgt["lat_bounds"],
                            lon_bounds=tgt["lon_bounds"], cell_area=tgt["cell_area"])
    out.attrs["regridded"] = (f"first-order conservative from {ds.sizes['lat']}x{ds.sizes['lon']} "
                              f"to {tgt.sizes['lat']}x{tgt.sizes['lon']} (mip.geometry.regrid, exact spherical overlaps)")
    return out
