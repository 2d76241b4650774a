"""Regions from polygons in a vector file (shapefile, GeoPackage, GeoJSON), exact coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from os import PathLike
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from mip.errors import InputError
from mip.geometry.polygons import coverage_fractions
from mip.regions.core import RegionSet

__all__ = ["from_vector", "from_geometries"]


def from_vector(path: str | PathLike, name: str, *, abbrev: str | None = None,
                layer: str | None = None, surface: str = "any") -> RegionSet:
    """Regions from the polygons of a vector file, with exact spherical coverage of each cell.

    Each feature's area inside each cell is computed in closed form (edges straight in
    lon-lat, Green's theorem; :mod:`mip.geometry.polygons`), so small countries keep their share
    on coarse grids.  Features sharing a name are merged.

    Parameters
    ----------
    path
        Vector file readable by geopandas (offline).
    name
        Attribute (column) holding each region's name, e.g. ``"ISO_A3"``.
    abbrev
        Column with short names (default: ``name``).
    layer
        Layer of a multi-layer file.
    surface
        What the polygons are made of: ``"land"`` (countries, provinces), ``"ocean"`` or
        ``"any"`` (default); decides how surface attribution shares land and ocean fluxes.

    Returns
    -------
    RegionSet
    """
    import geopandas as gpd
    import shapely

    try:
        gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:
        raise InputError(path, None, f"unreadable vector file ({exc})", "a shapefile, GeoPackage or GeoJSON") from exc
    if name not in gdf.columns:
        raise InputError(path, name, "no such attribute", f"one of {[c for c in gdf.columns if c != 'geometry']}")
    if gdf.crs is not None and not gdf.crs.is_geographic:
        gdf = gdf.to_crs(4326)
    gdf = gdf[~gdf.geometry.is_empty & gdf.geometry.notna()]
    merged = gdf.dissolve(by=name, as_index=False) if gdf[name].duplicated().any() else gdf
    names = tuple(str(n) for n in merged[name])
    abbrevs = tuple(str(a) for a in merged[abbrev]) if abbrev and abbrev in merged else names
    geoms = shapely.make_valid(np.asarray(merged.geometry.values, dtype=object))
    rs = from_geometries(geoms, names, abbrevs=abbrevs, surface=surface, description=f"polygons of {path} by {name}")
    st = Path(path).stat()
    return replace(rs, cache_key=f"vector:{Path(path).resolve()}:{st.st_size}:{st.st_mtime_ns}:{name}:{layer}")


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
        raise ValueError(f"{len(geoms)} geometries for {len(names)} names")

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> sp.csr_matrix:
        return coverage_fractions(geoms, lat_b, lon_b)

    names = tuple(str(n) for n in names)
    return RegionSet(names, tuple(abbrevs) if abbrevs is not None else names, fraction, description,
                     (surface,) * len(names))
