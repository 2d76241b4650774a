"""Region files → the objects the region constructors take.

:mod:`mip.regions` is pure compute: its constructors take a GeoDataFrame
(:func:`mip.regions.from_geodataframe`, :func:`mip.regions.countries`), a mask DataArray
(:func:`mip.regions.from_mask`, :func:`mip.regions.transcom`, :func:`mip.regions.gcp_ch4`) or
the RECCAP2 mask Dataset (:func:`mip.regions.reccap2`).  The files are read here:

* :func:`read_vector` — any vector file geopandas reads (shapefile, GeoPackage, GeoJSON);
* :func:`read_mask` — one mask variable of a netCDF file, on the canonical grid;
* :func:`read_natural_earth` — the bundled Natural Earth admin-0 countries (or another copy);
* (a path to a RegionSet in one step is :func:`mip.regions.read_regions`, which builds on these).

The RECCAP2 mask file has its own reader, :func:`mip.io.reccap2_masks.read_reccap2_masks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import xarray as xr

from mip.io.registry import Registry
from mip.errors import InputError, MipError

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = ["read_vector", "read_mask", "read_natural_earth", "bundled_countries", "read_mask_file", "bundled_land_fraction_1deg", "MASK_FILES", "NATURAL_EARTH_FIELDS"]

#: Published mask files a catalog entry can name as ``family: masks:<name>``; other packages add theirs
#: through the entry-point group ``fluxmip.masks``.
MASK_FILES = Registry("mask file", "fluxmip.masks")
MASK_FILES.register("reccap2", "mip.io.reccap2_masks:read_reccap2_masks")

#: The Natural Earth admin-0 attributes the countries need.
NATURAL_EARTH_FIELDS = ("ADM0_A3", "ISO_A3", "ISO_A3_EH", "NAME", "TYPE")


def read_vector(path: str | PathLike, *, layer: str | None = None,
                columns: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Read a vector file into a GeoDataFrame in lon-lat degrees (EPSG:4326), every feature kept.

    Parameters
    ----------
    path
        Shapefile (or its ``.zip``), GeoPackage or GeoJSON; read offline.
    layer
        Layer of a multi-layer file.
    columns
        Attributes to read (default all).

    Returns
    -------
    geopandas.GeoDataFrame
        With ``attrs["source"]``, the path (for messages and provenance).

    Raises
    ------
    InputError
        An unreadable file, or a requested attribute it does not have.
    MipError
        When geopandas (the ``vector`` extra) is not installed.
    """
    try:
        import geopandas as gpd
    except ImportError:
        raise MipError(f"reading the vector file {path} needs geopandas, an optional dependency: "
                       "pip install 'fluxmip[vector]' (the bundled countries need only pyogrio)") from None

    from mip.geometry.polygons import in_lonlat

    path = Path(path)
    kw = {"layer": layer} if layer else {}
    try:
        gdf = gpd.read_file(path, columns=list(columns) if columns else None, **kw)
    except Exception as exc:  # pyogrio/GDAL raise several kinds on a broken file
        raise InputError(path, None, f"unreadable vector file ({exc})", "a shapefile, GeoPackage or GeoJSON") from exc
    missing = [c for c in (columns or ()) if c not in gdf.columns]
    if missing:
        raise InputError(path, missing[0], "no such attribute", f"one of {[c for c in gdf.columns if c != 'geometry']}")
    gdf = in_lonlat(gdf)
    gdf.attrs["source"] = str(path)
    return gdf


def read_mask(path: str | PathLike, variable: str) -> xr.DataArray:
    """Read one integer or fractional region mask from a netCDF file, on the canonical grid.

    Parameters
    ----------
    path
        The netCDF file.
    variable
        The mask variable: (lat, lon) integer codes, or (region, lat, lon) fractions.

    Returns
    -------
    xarray.DataArray
        Ascending latitudes, longitudes in [−180, 180); the variable's attributes plus
        ``source_file``.

    Raises
    ------
    InputError
        Naming the file and the variables it has when ``variable`` is not one of them.
    """
    from mip.geometry.grid import find_axis, standardise_grid
    from mip.io.files import open_netcdf

    path = Path(path)
    ds = open_netcdf(path, chunks=None)
    if variable is None or variable not in ds.data_vars:
        raise InputError(path, variable, "no such variable", f"a mask variable (present: {', '.join(map(str, ds.data_vars))})")
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    g = standardise_grid(ds[[variable]].set_coords([]), lat=lat, lon=lon, file=path)
    return g[variable].load().assign_attrs({**ds[variable].attrs, "source_file": str(path)})


def bundled_countries() -> Path:
    """Path of the bundled ``ne_50m_admin_0_countries.zip`` (Natural Earth v5.1.1, unchanged)."""
    return Path(str(resources.files("mip") / "data" / "natural-earth" / "ne_50m_admin_0_countries.zip"))


@lru_cache(maxsize=2)
def _natural_earth(path: str) -> pd.DataFrame:
    import numpy as np
    import pandas as pd
    import shapely
    from pyogrio import raw

    try:
        meta, _, wkb, fields = raw.read(path, columns=list(NATURAL_EARTH_FIELDS))
    except Exception as exc:  # pyogrio/GDAL raise several kinds on a broken file
        raise InputError(path, None, f"unreadable vector file ({exc})", "the Natural Earth admin-0 countries") from exc
    cols = dict(zip(meta["fields"], fields))
    missing = [f for f in NATURAL_EARTH_FIELDS if f not in cols]
    if missing:
        raise InputError(path, missing[0], "no such attribute", f"the Natural Earth attributes {', '.join(NATURAL_EARTH_FIELDS)}")
    crs = meta.get("crs")
    if crs not in (None, "EPSG:4326", "OGC:CRS84"):
        raise InputError(path, "crs", str(crs), "longitude-latitude degrees (EPSG:4326), as Natural Earth ships")
    df = pd.DataFrame({k: np.asarray(cols[k]) for k in NATURAL_EARTH_FIELDS})
    df["geometry"] = shapely.from_wkb(wkb)
    df.attrs["source"] = path
    return df


def read_natural_earth(path: str | PathLike | None = None) -> pd.DataFrame:
    """The Natural Earth admin-0 countries, one row per Natural Earth feature (read once per process).

    Read with pyogrio alone (a core dependency), so the bundled countries work without geopandas.

    Parameters
    ----------
    path
        An admin-0 countries file with the attributes in :data:`NATURAL_EARTH_FIELDS`, in
        lon-lat degrees; default the bundled 1:50m copy.

    Returns
    -------
    pandas.DataFrame
        The attributes and ``geometry`` (shapely), a copy (the cached frame is never handed
        out); ``attrs["source"]`` is the path.

    Raises
    ------
    InputError
        An unreadable file, a missing attribute or a projected CRS.
    """
    df = _natural_earth(str(path or bundled_countries()))
    out = df.copy()
    out.attrs.update(df.attrs)
    return out


@lru_cache(maxsize=1)
def bundled_land_fraction_1deg() -> np.ndarray:
    """The bundled land fraction of the global 1° grid (lat-major, flattened), from the bundled countries.

    Made by ``tools/make_land_fraction.py``; a test checks it equals the exact computation.

    Returns
    -------
    numpy.ndarray
        64 800 fractions in [0, 1] (read-only: shared by every caller).
    """
    import numpy as np

    p = Path(str(resources.files("mip") / "data" / "natural-earth" / "land_fraction_1deg.npz"))
    with np.load(p) as z:
        out = z["land_fraction"].ravel()
    out.flags.writeable = False
    return out


def read_mask_file(name: str, path: str | PathLike | None = None, **options: object) -> xr.Dataset:
    """Read a published mask file by its name in :data:`MASK_FILES` (a catalog's ``family: masks:<name>``).

    Parameters
    ----------
    name
        ``reccap2``.
    path
        The file (``None``: the bundled copy).
    **options
        The reader's options (e.g. ``basins=("atlantic",)``).

    Returns
    -------
    xarray.Dataset
        Integer masks on the canonical grid, each with ``region_names``.
    """
    return MASK_FILES.get(name)(path, **options)
