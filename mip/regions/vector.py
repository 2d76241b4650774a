"""Regions from polygons (a GeoDataFrame or shapely geometries), with exact coverage of every cell."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from mip.errors import InputError, MipError
from mip.geometry.polygons import coverage_fractions, in_lonlat
from mip.regions.core import RegionSet

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["from_geodataframe", "from_geometries"]


def from_geodataframe(frame: gpd.GeoDataFrame, name: str, *, abbrev: str | None = None, surface: str = "any",
                      description: str | None = None) -> RegionSet:
    """Regions from the polygons of a GeoDataFrame, with exact spherical coverage of each cell.

    Each feature's area inside each cell is computed in closed form (edges straight in
    lon-lat, Green's theorem; :mod:`mip.geometry.polygons`), so small countries keep their share
    on coarse grids.  Features sharing a name are merged.  A file is read into such a frame
    by :func:`mip.io.regionfiles.read_vector` (or in one step, :func:`mip.regions.read_regions`).

    Parameters
    ----------
    frame
        Polygons: a GeoDataFrame (a projected CRS is converted to lon-lat degrees) or any
        DataFrame with a ``geometry`` column of shapely polygons in lon-lat degrees.
    name
        Column holding each region's name, e.g. ``"ISO_A3"``.
    abbrev
        Column with short names (default: ``name``).
    surface
        What the polygons are made of: ``"land"`` (countries, provinces), ``"ocean"`` or
        ``"any"`` (default); decides how surface attribution shares land and ocean fluxes.
    description
        For provenance (default: the frame's ``attrs["source"]`` and the column).

    Returns
    -------
    RegionSet
        Cached per grid (in memory, and on disk under ``$MIP_CACHE_DIR``) by a digest of the
        geometries and names, so a filtered or edited frame never reuses another's weights.

    Raises
    ------
    InputError
        A ``name`` column the frame does not have (the message lists those it has).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"ISO": ["A", "B", "A"]},
    ...                        geometry=[shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 6), shapely.box(2, 0, 3, 1)])
    >>> from_geodataframe(gdf, "ISO").names  # the two features of A merge
    ('A', 'B')
    """
    import shapely

    source = frame.attrs.get("source", "a GeoDataFrame")
    for col in (name, "geometry"):
        if col not in frame.columns:
            raise InputError(source, col, "no such attribute", f"one of {[c for c in frame.columns if c != 'geometry']}"
                             if col == name else "a geometry column of shapely polygons")
    frame = in_lonlat(frame)
    # a feature without a shape stays, as an empty polygon: its region is listed, with no area
    geom = np.asarray(frame["geometry"].values, dtype=object)
    geom = np.where(shapely.is_missing(geom), shapely.Polygon(), geom)
    label = frame[name].astype(str).to_numpy()
    short = frame[abbrev].astype(str).to_numpy() if abbrev and abbrev in frame.columns else label
    if len(set(label)) < label.size:  # features sharing a name merge (sorted by name, as geopandas' dissolve)
        names_u, first = np.unique(label, return_index=True)
        geom = np.array([shapely.union_all(geom[label == n]) for n in names_u], dtype=object)
        label, short = names_u, short[first]
    names, abbrevs = tuple(str(n) for n in label), tuple(str(a) for a in short)
    geoms = shapely.make_valid(geom)
    rs = from_geometries(geoms, names, abbrevs=abbrevs, surface=surface,
                         description=description or f"polygons of {source} by {name}")
    return replace(rs, cache_key=f"vector:{content_key(geoms, names, abbrevs)}:{surface}")


def content_key(geoms: np.ndarray, *labels: Sequence[str]) -> str:
    """A digest of geometries and their labels: the cache key of the weights they give (13 ms for 242 countries)."""
    import hashlib

    import shapely

    h = hashlib.sha256()
    for w in shapely.to_wkb(np.asarray(geoms, dtype=object)):
        h.update(w)
    for seq in labels:
        h.update("\x1f".join(seq).encode())
    return h.hexdigest()[:32]


def from_geometries(geoms, names: Sequence[str], *, abbrevs: Sequence[str] | None = None, surface: str = "any",
                    description: str = "polygons") -> RegionSet:
    """Regions from shapely (Multi)Polygons in lon-lat degrees, with exact spherical coverage of each cell.

    Parameters
    ----------
    geoms
        One geometry per region (edges straight in lon-lat, as in shapefiles).
    names
        Region names.
    abbrevs
        Short names (default the names).
    surface
        ``"land"``, ``"ocean"`` or ``"any"`` (see :class:`RegionSet`).
    description
        For provenance.

    Returns
    -------
    RegionSet

    Examples
    --------
    >>> import shapely
    >>> rs = from_geometries([shapely.box(0, 0, 10, 10)], ["square"], surface="land")
    >>> rs.names, rs.surfaces
    (('square',), ('land',))
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) != len(names):
        raise MipError(f"{len(geoms)} geometries for {len(names)} names")

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> sp.csr_matrix:
        return coverage_fractions(geoms, lat_b, lon_b)

    names = tuple(str(n) for n in names)
    return RegionSet(names, tuple(abbrevs) if abbrevs is not None else names, fraction, description,
                     (surface,) * len(names))
