"""Regular latitude-longitude grids: bounds, spherical cell areas, which coordinate is which, and orientation.

Cell areas are computed on a sphere of the authalic radius,
``A = R² Δλ (sin φ₂ − sin φ₁)``, so that the whole grid sums to ``4πR²`` exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from mip.errors import InputError

__all__ = ["AUTHALIC_RADIUS", "centre_bounds", "cell_area", "standardise_grid", "grid_signature", "grid_offset", "same_grid", "GRID_TOLERANCE", "find_axis", "onto_grid"]

from mip.conventions.model import AUTHALIC_RADIUS  # noqa: E402  (the data model's sphere)


def centre_bounds(centres: np.ndarray, *, name: str, file: object = None,
                  limits: tuple[float, float] | None = None) -> np.ndarray:
    """Cell bounds (n, 2) of a regular axis from its (ascending) cell centres.

    Parameters
    ----------
    centres
        Ascending, evenly spaced cell centres.
    name
        Axis name, for messages.
    file
        Source file, for messages.
    limits
        Clip the outer bounds to these limits (``(-90, 90)`` for latitude).

    Returns
    -------
    numpy.ndarray
        Array of shape ``(n, 2)``.

    Raises
    ------
    InputError
        If the axis has fewer than two points or is not evenly spaced.
    """
    c = np.asarray(centres, dtype="f8")
    if c.size < 2:
        raise InputError(file, name, f"{c.size} point(s)", "a regular axis with at least 2 cells")
    d = np.diff(c)
    step = float(np.median(d))
    if not np.allclose(d, step, rtol=1e-4, atol=1e-6):
        raise InputError(file, name, f"uneven spacing (steps from {d.min():g} to {d.max():g})",
                         "a regular grid with evenly spaced cell centres")
    edges = np.concatenate([[c[0] - step / 2], c + step / 2])
    if limits is not None:
        edges = np.clip(edges, *limits)
    return np.stack([edges[:-1], edges[1:]], axis=1)


def cell_area(lat_bounds: np.ndarray, lon_bounds: np.ndarray,
              radius: float = AUTHALIC_RADIUS) -> np.ndarray:
    """Spherical areas (m²) of lat-lon cells, ``R² Δλ (sin φ₂ − sin φ₁)``.

    Parameters
    ----------
    lat_bounds, lon_bounds
        Bounds in degrees, shape ``(nlat, 2)`` and ``(nlon, 2)``.
    radius
        Sphere radius in metres.

    Returns
    -------
    numpy.ndarray
        Areas of shape ``(nlat, nlon)``.

    Examples
    --------
    The two hemispheres of a 2-cell grid each hold half the sphere (authalic radius):

    >>> import numpy as np
    >>> a = cell_area(np.array([[-90.0, 0.0], [0.0, 90.0]]), np.array([[-180.0, 180.0]]))
    >>> bool(np.isclose(a.sum(), 4 * np.pi * 6371007.2**2)), bool(a[0, 0] == a[1, 0])
    (True, True)
    """
    lb = np.deg2rad(np.asarray(lat_bounds, dtype="f8"))
    ob = np.deg2rad(np.asarray(lon_bounds, dtype="f8"))
    band = np.sin(lb[:, 1]) - np.sin(lb[:, 0])
    dlon = ob[:, 1] - ob[:, 0]
    return radius**2 * np.outer(band, dlon)


def standardise_grid(ds: xr.Dataset, *, lat: str, lon: str, file: object = None,
                     area: str | None = None) -> xr.Dataset:
    """Rename, orient and annotate the horizontal grid of a dataset.

    Latitude becomes ascending, longitude moves to [−180, 180) ascending (rolled, not
    interpolated), ``lat_bounds``/``lon_bounds`` and ``cell_area`` are added.  What
    was changed is recorded in ``ds.attrs['grid_changes']``.

    Parameters
    ----------
    ds
        Dataset with 1-D latitude and longitude coordinates.
    lat, lon
        Their names in ``ds``.
    file
        Source file, for messages.
    area
        Name of a product's own cell-area variable (m²) to honour, if any.

    Returns
    -------
    xarray.Dataset
    """
    for name in (lat, lon):
        if name not in ds.variables:
            raise InputError(file, name, "no such coordinate", f"a 1-D {name} coordinate")
    if area is None and set(ds.variables) == {lat, lon}:
        # members of an ensemble share their grid: a grid seen before is not rebuilt
        key = (lat, lon, ds[lat].dtype.str, ds[lon].dtype.str, ds[lat].values.tobytes(), ds[lon].values.tobytes())
        if key not in _GRID_CACHE:
            if len(_GRID_CACHE) >= 16:
                _GRID_CACHE.pop(next(iter(_GRID_CACHE)))
            _GRID_CACHE[key] = _standardise(ds, lat=lat, lon=lon, file=file, area=None)
        return _GRID_CACHE[key].copy(deep=False)
    return _standardise(ds, lat=lat, lon=lon, file=file, area=area)


_GRID_CACHE: dict[tuple, xr.Dataset] = {}


def _standardise(ds: xr.Dataset, *, lat: str, lon: str, file: object, area: str | None) -> xr.Dataset:
    changes: list[str] = []
    if lat != "lat" or lon != "lon":
        ds = ds.rename({lat: "lat", lon: "lon"})
    latv = np.asarray(ds["lat"].values, dtype="f8")
    lonv = np.asarray(ds["lon"].values, dtype="f8")
    if not np.all(np.isfinite(latv)) or not np.all(np.isfinite(lonv)):
        raise InputError(file, "lat/lon", "non-finite coordinate values", "finite cell centres")
    if np.any(np.abs(latv) > 90):
        raise InputError(file, lat, f"values up to {np.abs(latv).max():g}", "latitudes within [-90, 90]")
    if latv.size > 1 and latv[0] > latv[-1]:
        ds = ds.isel(lat=slice(None, None, -1))
        changes.append("latitude reversed to ascending")
    wrapped = ((lonv + 180.0) % 360.0) - 180.0
    if not np.array_equal(wrapped, lonv):
        changes.append("longitude moved from [0, 360) to [-180, 180)")
    order = np.argsort(wrapped, kind="stable")
    if not np.array_equal(order, np.arange(order.size)):
        ds = ds.isel(lon=order)
        if "longitude moved" not in " ".join(changes):
            changes.append("longitude sorted ascending")
    ds = ds.assign_coords(lon=("lon", wrapped[order]))
    latv = np.asarray(ds["lat"].values, dtype="f8")
    lat_b = centre_bounds(latv, name=lat, file=file, limits=(-90.0, 90.0))
    lon_b = centre_bounds(ds["lon"].values, name=lon, file=file)
    ds = ds.assign_coords(
        lat=("lat", latv, {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bounds"}),
        lon=("lon", ds["lon"].values.astype("f8"),
             {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bounds"}),
    )
    ds["lat_bounds"] = (("lat", "bnds"), lat_b)
    ds["lon_bounds"] = (("lon", "bnds"), lon_b)
    if area is not None and area in ds:
        a = ds[area]
        if set(a.dims) != {"lat", "lon"}:
            raise InputError(file, area, f"dims {a.dims}", "cell areas on (lat, lon)")
        ds = ds.drop_vars(area)
        ds["cell_area"] = a.transpose("lat", "lon").astype("f8").assign_attrs(
            units="m2", standard_name="cell_area", source="product's own cell area")
    else:
        ds["cell_area"] = (("lat", "lon"), cell_area(lat_b, lon_b),
                           {"units": "m2", "standard_name": "cell_area",
                            "earth_radius": AUTHALIC_RADIUS,
                            "description": "R^2 dlon (sin lat2 - sin lat1), authalic R"})
    ds = ds.set_coords(["lat_bounds", "lon_bounds", "cell_area"])
    ds.attrs["earth_radius"] = AUTHALIC_RADIUS
    if changes:
        ds.attrs["grid_changes"] = "; ".join(changes)
    return ds


def grid_signature(ds: xr.Dataset) -> tuple:
    """A hashable description of a dataset's grid, to compare members' grids.

    Parameters
    ----------
    ds
        A canonical dataset.

    Returns
    -------
    tuple
        ``(nlat, nlon, first lat, first lon, dlat, dlon)`` rounded to 1e-6 degrees.
    """
    la, lo = ds["lat"].values, ds["lon"].values
    r = lambda v: round(float(v), 6)  # noqa: E731
    return (la.size, lo.size, r(la[0]), r(lo[0]), r(la[1] - la[0]) if la.size > 1 else 0.0,
            r(lo[1] - lo[0]) if lo.size > 1 else 0.0)


#: Two grids are the same when their sizes agree and no cell centre differs by more than this fraction of the
#: smallest cell spacing (float32 coordinates written by different tools differ by ~1e-5 of a 1° cell).
GRID_TOLERANCE: float = 1e-3


def grid_offset(a: xr.Dataset, b: xr.Dataset) -> float | None:
    """The largest difference between two grids' cell centres, as a fraction of the smallest cell spacing.

    Parameters
    ----------
    a, b
        Datasets with ``lat`` and ``lon``.

    Returns
    -------
    float or None
        None when the sizes differ.
    """
    out = 0.0
    for axis in ("lat", "lon"):
        x, y = np.asarray(a[axis].values, "f8"), np.asarray(b[axis].values, "f8")
        if x.shape != y.shape:
            return None
        if x.size == 0:
            continue
        step = float(np.min(np.abs(np.diff(x)))) if x.size > 1 else 1.0
        out = max(out, float(np.max(np.abs(x - y))) / step if step > 0 else np.inf)
    return out


def same_grid(a: xr.Dataset, b: xr.Dataset, tolerance: float = GRID_TOLERANCE) -> bool:
    """Whether two datasets are on one grid: equal sizes, centres equal within ``tolerance`` × the spacing.

    Examples
    --------
    >>> g = xr.Dataset(coords={"lat": [-0.5, 0.5], "lon": [0.5, 1.5]})
    >>> same_grid(g, g.assign_coords(lon=g.lon + 8e-6)), same_grid(g, g.assign_coords(lon=g.lon + 0.25))
    (True, False)
    """
    off = grid_offset(a, b)
    return off is not None and off <= tolerance


def find_axis(ds: xr.Dataset, key: str, candidates: tuple[str, ...], file: object) -> str:
    """Name of the latitude/longitude/time coordinate, by cf_xarray or common names."""
    import cf_xarray  # noqa: F401

    try:
        names = ds.cf.coordinates.get(key, []) or ds.cf.axes.get({"latitude": "Y", "longitude": "X", "time": "T"}[key], [])
    except Exception:  # cf_xarray is best effort on odd files
        names = []
    for n in list(names) + list(candidates):
        if n in ds.variables and ds[n].ndim == 1:
            return n
    raise InputError(file, key, "no such coordinate", f"a 1-D {key} coordinate (one of {', '.join(candidates)})")


def onto_grid(da: xr.DataArray, native: xr.Dataset, grid: xr.Dataset, *, lat: str, lon: str,
              rename: Mapping[str, str] | None = None) -> xr.DataArray:
    """Put a native array on the canonical grid's orientation (no interpolation).

    Renames ``lat``/``lon`` (and any ``rename`` dims) to canonical names, drops native
    coordinates and selects the canonical (ascending, [−180, 180)) cell order.

    Parameters
    ----------
    da
        Native array.
    native
        The dataset it came from (for the native coordinate values).
    grid
        Canonical grid from :func:`mip.geometry.grid.standardise_grid`.
    lat, lon
        Native coordinate names.
    rename
        Other dimensions to rename (e.g. ``{"n_months": "time"}``).

    Returns
    -------
    xarray.DataArray
    """
    da = da.rename({lat: "lat", lon: "lon", **(rename or {})})
    da = da.drop_vars(list(da.coords), errors="ignore")
    nlat = np.asarray(native[lat].values, "f8")
    nlon = ((np.asarray(native[lon].values, "f8") + 180.0) % 360.0) - 180.0
    if np.array_equal(nlat, grid["lat"].values) and np.array_equal(nlon, grid["lon"].values):
        return da  # already in canonical order: no reindexing copy
    ilat = np.searchsorted(nlat[np.argsort(nlat)], grid["lat"].values)
    ilon = np.searchsorted(nlon[np.argsort(nlon)], grid["lon"].values)
    return da.isel(lat=np.argsort(nlat)[ilat], lon=np.argsort(nlon)[ilon])
