"""Region sets as sparse (region × cell) weight matrices with fractional coverage.

A :class:`RegionSet` holds region names and abbreviations and a rule that, for any
regular lat-lon grid, gives the weight of every cell in every region: the covered
fraction of the cell times its area (m²).  Aggregation (:func:`mip.aggregate`) is one
sparse matrix product with that matrix.  Sets combine with ``+``.

Implemented here: latitude bands (exact: the fraction of a cell between two
latitudes is a ratio of sines) and integer or fractional masks (DataArrays) on any grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import xarray as xr

from mip.errors import InputError, MipError
from mip.geometry.grid import cell_area, centre_bounds
from mip.geometry.overlap import remap_fraction_sparse
from mip.io.weights_cache import cache_path, read_cached, write_cached

__all__ = ["RegionSet", "latitude_bands", "from_mask", "GCB_BANDS", "grid_weights", "SURFACE_KINDS"]

#: GCB latitude bands: south < 30°S, tropics 30°S–30°N, north > 30°N.
GCB_BANDS = (-90.0, -30.0, 30.0, 90.0)

WeightRule = Callable[[np.ndarray, np.ndarray], np.ndarray]


#: Surfaces a region or a flux can belong to: ``"any"`` regions take a share of the cell by area.
SURFACE_KINDS = ("land", "ocean", "any")
_FRACTION_CACHE: dict[tuple, sp.csr_matrix] = {}
_FRACTION_CACHE_MAX = 16


@dataclass(frozen=True)
class RegionSet:
    """Named regions with a rule giving each cell's covered fraction.

    Attributes
    ----------
    names
        Region names (the ``region`` coordinate of aggregated data).
    abbrevs
        Short names.
    fraction
        ``fraction(lat_bounds, lon_bounds)`` → covered fractions in [0, 1], either a
        dense array (region, nlat, nlon) or a sparse matrix (region × cell, lat-major).
    description
        What the set is, for provenance.
    surfaces
        Per region, the surface it is made of: ``"land"`` (countries, the land of a land/ocean
        split), ``"ocean"`` (ocean basins) or ``"any"`` (latitude bands, masks of both); empty =
        all ``"any"``.  Surface attribution (:func:`mip.aggregate`) shares a land flux among land
        regions by their share of the cell's *land*, and among ``"any"`` regions by area.
    groups
        Per region, the set it came from (sets combined with ``+`` keep theirs); what a group
        leaves unattributed is reported per group.  Empty = one group, ``description``.
    cache_key
        A stable name of the set's geometry (e.g. a file's path, size and time): with it, and
        ``$MIP_CACHE_DIR`` set, the fractions of each grid are also cached on disk there.
    """

    names: tuple[str, ...]
    abbrevs: tuple[str, ...]
    fraction: WeightRule
    description: str = ""
    surfaces: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    cache_key: str = ""

    def __post_init__(self) -> None:
        """Refuse per-region surfaces or groups that do not match the names."""
        for field, vals in (("surfaces", self.surfaces), ("groups", self.groups)):
            if vals and len(vals) != len(self.names):
                raise MipError(f"RegionSet.{field} needs one entry per region ({len(self.names)}), got {len(vals)}")
        bad = sorted(set(self.surfaces) - set(SURFACE_KINDS))
        if bad:
            raise MipError(f"unknown region surface(s) {bad}; expected one of {SURFACE_KINDS}")

    @property
    def region_surfaces(self) -> tuple[str, ...]:
        """The surface of every region (``"any"`` where none was given)."""
        return self.surfaces or ("any",) * len(self.names)

    @property
    def region_groups(self) -> tuple[str, ...]:
        """The group of every region (the set's description where none was given)."""
        return self.groups or (self.description or "regions",) * len(self.names)

    @property
    def group_names(self) -> list[str]:
        """The groups, in the order their regions come (one ``unattributed`` row each)."""
        return list(dict.fromkeys(self.region_groups))

    def __add__(self, other: "RegionSet") -> "RegionSet":
        """Both sets as one (names must differ); each keeps its group, so each keeps its unattributed row."""
        dup = set(self.names) & set(other.names)
        if dup:
            raise MipError(f"region names occur in both sets: {sorted(dup)}")
        f1, f2 = self.fraction, other.fraction

        def both(lb: np.ndarray, ob: np.ndarray):
            a, b = f1(lb, ob), f2(lb, ob)
            if sp.issparse(a) or sp.issparse(b):
                flat = lambda m: m if sp.issparse(m) else sp.csr_matrix(m.reshape(m.shape[0], -1))  # noqa: E731
                return sp.vstack([flat(a), flat(b)], format="csr")
            return np.concatenate([a, b], axis=0)

        g1, g2 = self.region_groups, other.region_groups
        if set(g1) & set(g2):  # the same description twice: keep the groups apart
            g2 = tuple(f"{g} (2)" for g in g2)
        key = f"{self.cache_key} + {other.cache_key}" if self.cache_key and other.cache_key else ""
        return RegionSet(self.names + other.names, self.abbrevs + other.abbrevs, both,
                         f"{self.description} + {other.description}",
                         self.region_surfaces + other.region_surfaces, g1 + g2, key)

    def __len__(self) -> int:
        """The number of regions."""
        return len(self.names)

    def fractions(self, ds: xr.Dataset) -> sp.csr_matrix:
        """Sparse (region × cell) covered fractions for the grid of ``ds`` (cells lat-major), cached per grid.

        Parameters
        ----------
        ds
            Canonical dataset with ``lat_bounds`` and ``lon_bounds``.

        Returns
        -------
        scipy.sparse.csr_matrix
        """
        lb, ob = np.asarray(ds["lat_bounds"].values, "f8"), np.asarray(ds["lon_bounds"].values, "f8")
        key = (id(self.fraction), lb.tobytes(), ob.tobytes())
        hit = _FRACTION_CACHE.get(key)
        if hit is not None and hit[0] is self.fraction:
            return hit[1]
        disk = cache_path(self.cache_key, lb, ob)
        if disk is not None and disk.exists():
            out = read_cached(disk, self.cache_key, (len(self), lb.shape[0] * ob.shape[0]))
            if out is not None:
                _FRACTION_CACHE[key] = (self.fraction, out)
                return out
        frac = self.fraction(lb, ob)
        ncell = lb.shape[0] * ob.shape[0]
        if sp.issparse(frac):
            if frac.shape != (len(self), ncell):
                raise MipError(f"region fractions of shape {frac.shape} do not fit {len(self)} regions x {ncell} cells")
            out = sp.csr_matrix(frac)
        else:
            if frac.shape != (len(self), lb.shape[0], ob.shape[0]):
                raise MipError(f"region fractions of shape {frac.shape} do not fit the grid {(lb.shape[0], ob.shape[0])}")
            out = sp.csr_matrix(frac.reshape(len(self), -1))
        if len(_FRACTION_CACHE) >= _FRACTION_CACHE_MAX:
            _FRACTION_CACHE.pop(next(iter(_FRACTION_CACHE)))
        _FRACTION_CACHE[key] = (self.fraction, out)  # the rule is kept so that its id is not reused
        if disk is not None:
            write_cached(disk, self.cache_key, out)
        return out

    def weights(self, ds: xr.Dataset) -> sp.csr_matrix:
        """Sparse (region × cell) weights in m² (covered fraction × cell area) for the grid of ``ds``.

        Parameters
        ----------
        ds
            Canonical dataset with ``lat_bounds``, ``lon_bounds`` and ``cell_area``.

        Returns
        -------
        scipy.sparse.csr_matrix
        """
        area = ds["cell_area"].values.reshape(-1)
        return sp.csr_matrix(self.fractions(ds).multiply(area[None, :]))

    def coverage(self, ds: xr.Dataset) -> xr.DataArray:
        """Summed covered fraction of every cell (1 for a partition; above 1 where regions overlap)."""
        tot = np.asarray(self.fractions(ds).sum(axis=0)).reshape(ds["cell_area"].shape)
        return xr.DataArray(tot, dims=("lat", "lon"), coords={"lat": ds["lat"], "lon": ds["lon"]})


def grid_weights(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounds and areas of a regular grid given by its cell centres (helper for tests and users)."""
    lb = centre_bounds(lat, name="lat", limits=(-90, 90))
    ob = centre_bounds(lon, name="lon")
    return lb, ob, cell_area(lb, ob)


def latitude_bands(edges: Sequence[float] = GCB_BANDS, names: Sequence[str] | None = None) -> RegionSet:
    """Latitude bands with exact fractional coverage of the cells they cut.

    The area of a cell between latitudes a < b is proportional to ``sin b − sin a``,
    so the covered fraction is a ratio of sines: exact on the sphere.

    Parameters
    ----------
    edges
        Ascending band edges in degrees (default the GCB bands −90, −30, 30, 90).
    names
        Band names; default ``south``/``tropics``/``north`` for the GCB edges, else
        ``"<a>..<b>"``.

    Returns
    -------
    RegionSet

    Examples
    --------
    >>> bands = latitude_bands()
    >>> list(bands.names)
    ['south', 'tropics', 'north']
    """
    e = np.asarray(edges, dtype="f8")
    if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0) or e[0] < -90 or e[-1] > 90:
        raise MipError(f"band edges must be ascending within [-90, 90]; got {list(edges)}")
    if names is None:
        names = ("south", "tropics", "north") if tuple(e) == GCB_BANDS else tuple(
            f"{a:g}..{b:g}" for a, b in zip(e[:-1], e[1:]))
    if len(names) != e.size - 1:
        raise MipError("need one name per band")

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> np.ndarray:
        s1, s2 = np.sin(np.deg2rad(lat_b[:, 0])), np.sin(np.deg2rad(lat_b[:, 1]))
        lo = np.sin(np.deg2rad(e[:-1]))[:, None]
        hi = np.sin(np.deg2rad(e[1:]))[:, None]
        cover = np.clip(np.minimum(hi, s2) - np.maximum(lo, s1), 0.0, None) / (s2 - s1)
        return np.repeat(cover[:, :, None], lon_b.shape[0], axis=2)

    return RegionSet(tuple(names), tuple(names), fraction, "latitude bands " + ", ".join(f"{v:g}" for v in e))


def from_mask(mask: xr.DataArray, *, names: dict[int, str] | Sequence[str] | None = None, remap: bool = True,
              surface: str | Sequence[str] = "any") -> RegionSet:
    """Regions from an integer mask (codes 1..n, 0 or NaN outside) or fractional masks.

    On the data's own grid the mask's cells are used as they are; on another regular
    grid each target cell gets the exact area fraction that every region covers
    (:func:`mip.geometry.overlap.remap_fraction_sparse`), unless ``remap=False``, which refuses.

    Parameters
    ----------
    mask
        A (lat, lon) integer DataArray or a (region, lat, lon) fractional DataArray (a file's
        mask is read by :func:`mip.io.regionfiles.read_mask`).
    names
        Code → name (or list, index = code − 1); default the DataArray's
        ``region_names`` attribute or ``"region_<code>"``.
    remap
        Allow a mask on another grid (exact area fractions).
    surface
        What the regions are made of (``"land"``, ``"ocean"``, ``"any"``; one for all or one
        per region): decides how surface attribution shares a land or ocean flux.

    Returns
    -------
    RegionSet
    """
    if not isinstance(mask, xr.DataArray):
        raise MipError(f"from_mask takes the mask DataArray, not {type(mask).__name__} {mask!r}: read a file with "
                       "mip.io.regionfiles.read_mask(path, variable), or mip.regions.read_regions(path, "
                       "variable=...)")
    source = str(mask.attrs.get("source_file", "mask"))
    mlat, mlon = np.asarray(mask["lat"].values, "f8"), np.asarray(mask["lon"].values, "f8")
    var = str(mask.name or "mask")
    if "region" in mask.dims:
        frac = np.nan_to_num(mask.transpose("region", "lat", "lon").values.astype("f8"))
        rnames = [str(r) for r in mask["region"].values]
        bad = frac[(frac < 0) | (frac > 1 + 1e-9) | ~np.isfinite(frac)]
        if bad.size:
            raise InputError(source, var, f"{bad.size} fraction(s) outside [0, 1] (from {bad.min():g} to "
                             f"{bad.max():g})", "fractions of each cell between 0 and 1")
        over = frac.sum(axis=0)
        if (over > 1 + 1e-6).any():
            raise InputError(source, var, f"{int((over > 1 + 1e-6).sum())} cell(s) whose regions cover more than the "
                             f"whole cell (up to {over.max():.6g})", "region fractions summing to at most 1 per cell")
    else:
        codes_arr = np.nan_to_num(mask.transpose("lat", "lon").values.astype("f8"))
        odd = codes_arr[(codes_arr != np.round(codes_arr)) | (codes_arr < 0) | ~np.isfinite(codes_arr)]
        if odd.size:
            raise InputError(source, var, f"{odd.size} cell(s) with codes that are not whole numbers >= 0 (e.g. "
                             f"{odd[0]:g})", "integer region codes 1..n, 0 or missing outside every region")
        codes = sorted(int(c) for c in np.unique(codes_arr) if c > 0)
        if isinstance(names, dict):
            table = dict(names)
        else:
            seq = names if names is not None else mask.attrs.get("region_names")
            table = {i + 1: str(n) for i, n in enumerate(seq)} if seq is not None else {}
        rnames = [table.get(c, f"region_{c}") for c in codes]
        frac = np.stack([(codes_arr == c).astype("f8") for c in codes]) if codes else np.zeros((0,) + codes_arr.shape)

    mlat_b = centre_bounds(mlat, name="lat", file=source, limits=(-90.0, 90.0))
    mlon_b = centre_bounds(mlon, name="lon", file=source)

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> np.ndarray:
        clat, clon = lat_b.mean(axis=1), lon_b.mean(axis=1)
        if clat.shape == mlat.shape and clon.shape == mlon.shape and \
                np.allclose(clat, mlat, atol=1e-6) and np.allclose(clon, mlon, atol=1e-6):
            return frac
        if not remap:
            raise InputError(source, "lat/lon", f"a mask on a {mlat.size}×{mlon.size} grid",
                             f"the data's {clat.size}×{clon.size} grid", "pass remap=True or regrid first")
        return remap_fraction_sparse(frac, mlat_b, mlon_b, lat_b, lon_b)

    surfaces = (surface,) * len(rnames) if isinstance(surface, str) else tuple(surface)
    return RegionSet(tuple(rnames), tuple(rnames), fraction, f"mask {source}", surfaces)
