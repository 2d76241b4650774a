"""Countries and land from the bundled Natural Earth 1:50m admin-0 polygons (offline, public domain).

One region per ISO 3166 alpha-3 code: ``ISO_A3_EH`` where Natural Earth gives one, else ``ADM0_A3``
(France and Norway have ``ISO_A3 = -99`` but ``ISO_A3_EH`` FRA/NOR; Kosovo, N. Cyprus, Somaliland
and Siachen keep their NE codes KOS, CYN, SOL, KAS; Ashmore and Cartier Is. and Indian Ocean
Ter. have ``ISO_A3_EH = AUS`` and count as Australia).  Coverage of every cell is exact on the
sphere (:mod:`mip.geometry.polygons`), so countries smaller than a cell keep their share.

The land of a cell is the union of the same polygons (:func:`land_fraction`), so countries,
land/ocean and surface attribution agree exactly: for a land flux, the countries' totals plus
the unattributed amount are the global land total.  (The separate Natural Earth land layer
differs from the union of the countries by about 400 km² worldwide, mostly small islands.)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mip.errors import InputError, MipError
from mip.geometry.polygons import coverage_fractions
from mip.regions.core import RegionSet

__all__ = ["countries", "country_table", "land_ocean", "land_fraction", "bundled_countries"]

_FIELDS = ["ADM0_A3", "ISO_A3", "ISO_A3_EH", "NAME", "TYPE"]


def bundled_countries() -> Path:
    """Path of the bundled ``ne_50m_admin_0_countries.zip`` (Natural Earth v5.1.1, unchanged)."""
    return Path(str(resources.files("mip") / "data" / "natural-earth" / "ne_50m_admin_0_countries.zip"))


@lru_cache(maxsize=2)
def _read(path: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Geometries merged per ISO code, and the table of codes and names (read once per process)."""
    import shapely
    from pyogrio import raw

    try:
        meta, _, wkb, fields = raw.read(path, columns=_FIELDS)
    except Exception as exc:  # pyogrio/GDAL raise several kinds on a broken file
        raise InputError(path, None, f"unreadable vector file ({exc})", "the Natural Earth admin-0 countries") from exc
    cols = dict(zip(meta["fields"], fields))
    missing = [f for f in _FIELDS if f not in cols]
    if missing:
        raise InputError(path, missing[0], "no such attribute", f"the Natural Earth attributes {', '.join(_FIELDS)}")
    adm0, iso_eh, name = (np.asarray(cols[k], dtype=str) for k in ("ADM0_A3", "ISO_A3_EH", "NAME"))
    iso3 = np.where(iso_eh != "-99", iso_eh, adm0)
    geoms = shapely.make_valid(shapely.from_wkb(wkb))
    merged, rows = [], []
    for iso in np.unique(iso3):
        idx = np.flatnonzero(iso3 == iso)
        merged.append(geoms[idx[0]] if idx.size == 1 else shapely.union_all(geoms[idx]))
        own = idx[adm0[idx] == iso]  # the row whose own code it is names it
        rows.append({"iso3": str(iso), "name": str(name[(own if own.size else idx)[0]]),
                     "ne_rows": ", ".join(adm0[idx])})
    return np.asarray(merged, dtype=object), pd.DataFrame(rows)


def country_table(path: str | Path | None = None) -> pd.DataFrame:
    """ISO alpha-3 codes, names and the Natural Earth rows of each country.

    Parameters
    ----------
    path
        An admin-0 countries file (default the bundled Natural Earth 1:50m).

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``name``, ``ne_rows`` (the ``ADM0_A3`` of the rows merged into it).
    """
    return _read(str(path or bundled_countries()))[1].copy()


@lru_cache(maxsize=4)
def _coverage(path: str, lat_b: bytes, lon_b: bytes, shape: tuple[int, int]) -> sp.csr_matrix:
    geoms, _ = _read(path)
    return coverage_fractions(geoms, np.frombuffer(lat_b).reshape(shape[0], 2),
                              np.frombuffer(lon_b).reshape(shape[1], 2))


def _all_fractions(path: str, lat_b: np.ndarray, lon_b: np.ndarray) -> sp.csr_matrix:
    lat_b, lon_b = np.ascontiguousarray(lat_b, "f8"), np.ascontiguousarray(lon_b, "f8")
    return _coverage(path, lat_b.tobytes(), lon_b.tobytes(), (lat_b.shape[0], lon_b.shape[0]))


def _computed_land_fraction(src: str, lat_b: np.ndarray, lon_b: np.ndarray) -> np.ndarray:
    f = _all_fractions(src, lat_b, lon_b)
    return np.clip(np.asarray(f.sum(axis=0)).ravel(), 0.0, 1.0)


def _is_global_1deg(lat_b: np.ndarray, lon_b: np.ndarray) -> bool:
    edges_lat, edges_lon = np.arange(-90.0, 91.0), np.arange(-180.0, 181.0)
    return (lat_b.shape == (180, 2) and lon_b.shape == (360, 2)
            and np.array_equal(lat_b[:, 0], edges_lat[:-1]) and np.array_equal(lat_b[:, 1], edges_lat[1:])
            and np.array_equal(lon_b[:, 0], edges_lon[:-1]) and np.array_equal(lon_b[:, 1], edges_lon[1:]))


@lru_cache(maxsize=1)
def _precomputed_1deg() -> np.ndarray:
    p = Path(str(resources.files("mip") / "data" / "natural-earth" / "land_fraction_1deg.npz"))
    with np.load(p) as z:
        return z["land_fraction"].ravel()


def land_fraction(lat_b: np.ndarray, lon_b: np.ndarray, *, path: str | Path | None = None) -> np.ndarray:
    """Land fraction of every cell (lat-major, flattened): the union of the country polygons.

    Parameters
    ----------
    lat_b, lon_b
        Cell bounds (n, 2) in degrees.
    path
        Countries file (default the bundled one).

    Returns
    -------
    numpy.ndarray
        Fractions in [0, 1], one per cell.
    """
    lat_b, lon_b = np.asarray(lat_b, "f8"), np.asarray(lon_b, "f8")
    if path is None and _is_global_1deg(lat_b, lon_b):
        return _precomputed_1deg()  # tools/make_land_fraction.py; tested equal to the computation
    return _computed_land_fraction(str(path or bundled_countries()), lat_b, lon_b)


def countries(codes: Sequence[str] | None = None, *, path: str | Path | None = None) -> RegionSet:
    """Countries as land regions, from the bundled Natural Earth admin-0 polygons.

    Parameters
    ----------
    codes
        ISO alpha-3 codes or names (any case) to keep; default every country.
    path
        Another admin-0 countries file with the Natural Earth attributes.

    Returns
    -------
    RegionSet
        Regions named by ISO alpha-3 code, surface ``"land"``.

    Raises
    ------
    MipError
        Naming every code or name the countries do not know (none is dropped silently).

    Examples
    --------
    >>> countries(["FRA", "norway"]).names
    ('FRA', 'NOR')
    """
    src = str(path or bundled_countries())
    table = _read(src)[1]
    idx = list(range(len(table)))
    if codes is not None:
        by_code = {c.upper(): i for i, c in enumerate(table["iso3"])}
        by_name = {n.lower(): i for i, n in enumerate(table["name"])}
        idx, unknown = [], []
        for c in codes:
            i = by_code.get(str(c).upper(), by_name.get(str(c).lower()))
            (unknown.append(str(c)) if i is None else idx.append(i))
        if unknown:
            raise MipError(f"unknown country code(s) or name(s): {', '.join(unknown)} (not in {Path(src).name}; "
                           "see mip.regions.country_table())")
    names = tuple(table["iso3"].iloc[idx])
    rows = np.asarray(idx)

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> sp.csr_matrix:
        f = _all_fractions(src, lat_b, lon_b)
        return f if codes is None else f[rows]

    st = Path(src).stat()
    key = f"countries:{Path(src).resolve()}:{st.st_size}:{st.st_mtime_ns}:{','.join(names)}"
    return RegionSet(names, names, fraction, f"countries ({Path(src).name})", ("land",) * len(names), cache_key=key)


def land_ocean(*, path: str | Path | None = None) -> RegionSet:
    """Land and ocean from the bundled country polygons (exact coverage; land = their union).

    Parameters
    ----------
    path
        Countries file (default the bundled Natural Earth 1:50m).

    Returns
    -------
    RegionSet
        ``land`` (surface land) and ``ocean`` (surface ocean), a partition of the globe.
    """
    src = path or bundled_countries()

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> np.ndarray:
        land = land_fraction(lat_b, lon_b, path=src).reshape(lat_b.shape[0], lon_b.shape[0])
        return np.stack([land, 1.0 - land])

    return RegionSet(("land", "ocean"), ("LND", "OCN"), fraction,
                     f"land/ocean from the country polygons of {Path(str(src)).name}", ("land", "ocean"))
