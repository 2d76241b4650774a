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

The polygons are read by :func:`mip.io.regionfiles.read_natural_earth` (pyogrio alone: no
geopandas needed); every function here also takes another admin-0 frame (``frame=``: a
DataFrame or GeoDataFrame with ``ADM0_A3``, ``ISO_A3_EH``, ``NAME`` and shapely ``geometry``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp

from mip.errors import InputError, MipError
from mip.geometry.polygons import coverage_fractions, in_lonlat
from mip.regions.core import RegionSet
from mip.regions.vector import content_key

__all__ = ["countries", "country_table", "land_ocean", "land_fraction"]

#: The Natural Earth attributes the countries are built from.
_FIELDS = ("ADM0_A3", "ISO_A3_EH", "NAME")
#: Countries merged per ISO code, by content key of the frame they came from (a few at most).
_MERGED: dict[str, tuple["_Merged", pd.DataFrame]] = {}


class _Merged:
    """Each country's geometry (its Natural Earth rows, made valid and united), built when first asked for.

    A run whose region weights come from ``$MIP_CACHE_DIR`` needs the countries' names and content key,
    not their shapes: making the 1:50m shapes valid and uniting them (30 ms of a 0.1° budget's 0.8 s) waits
    until a coverage is computed.
    """

    def __init__(self, raw: np.ndarray, groups: list[np.ndarray]) -> None:
        self._raw, self._groups, self._array = raw, groups, None

    @property
    def array(self) -> np.ndarray:
        """One (multi)polygon per country, in the table's order."""
        if self._array is None:
            import shapely

            geoms = shapely.make_valid(self._raw)
            self._array = np.asarray([geoms[idx[0]] if idx.size == 1 else shapely.union_all(geoms[idx])
                                      for idx in self._groups], dtype=object)
        return self._array


def _merge(frame: pd.DataFrame) -> tuple[str, _Merged, pd.DataFrame]:
    """Geometries merged per ISO code (built when first used) and the table of codes and names, with the frame's content key."""
    import shapely

    source = frame.attrs.get("source", "the countries frame")
    missing = [f for f in _FIELDS if f not in frame.columns]
    if missing:
        raise InputError(source, missing[0], "no such attribute", f"the Natural Earth attributes {', '.join(_FIELDS)}")
    frame = in_lonlat(frame)
    raw = np.asarray(frame["geometry"].values, dtype=object)
    # a feature without a shape stays, as an empty polygon: its country is listed, with no area
    raw = np.where(shapely.is_missing(raw), shapely.Polygon(), raw)
    adm0, iso_eh, name = (np.asarray(frame[k], dtype=str) for k in _FIELDS)
    key = content_key(raw, adm0, iso_eh, name)
    if key in _MERGED:
        return key, *_MERGED[key]
    iso3 = np.where(iso_eh != "-99", iso_eh, adm0)
    groups, rows = [], []
    for iso in np.unique(iso3):
        idx = np.flatnonzero(iso3 == iso)
        groups.append(idx)
        own = idx[adm0[idx] == iso]  # the row whose own code it is names it
        rows.append({"iso3": str(iso), "name": str(name[(own if own.size else idx)[0]]),
                     "ne_rows": ", ".join(adm0[idx])})
    if len(_MERGED) >= 4:
        _MERGED.pop(next(iter(_MERGED)))
    _MERGED[key] = (_Merged(raw, groups), pd.DataFrame(rows))
    return key, *_MERGED[key]


@lru_cache(maxsize=1)
def _bundled() -> tuple[str, _Merged, pd.DataFrame]:
    from mip.io.regionfiles import read_natural_earth

    return _merge(read_natural_earth())


def _resolve(frame: pd.DataFrame | None) -> tuple[str, _Merged, pd.DataFrame]:
    """The merged countries of ``frame``, or of the bundled file."""
    return _bundled() if frame is None else _merge(frame)


def country_table(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """ISO alpha-3 codes, names and the Natural Earth rows of each country.

    Parameters
    ----------
    frame
        Natural Earth admin-0 countries (:func:`mip.io.regionfiles.read_natural_earth`); default
        the bundled 1:50m.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``name``, ``ne_rows`` (the ``ADM0_A3`` of the rows merged into it).
    """
    return _resolve(frame)[2].copy()


@lru_cache(maxsize=4)
def _coverage(key: str, lat_b: bytes, lon_b: bytes, shape: tuple[int, int]) -> sp.csr_matrix:
    return coverage_fractions(_MERGED[key][0].array, np.frombuffer(lat_b).reshape(shape[0], 2),
                              np.frombuffer(lon_b).reshape(shape[1], 2))


def _all_fractions(merged: tuple[str, _Merged, pd.DataFrame], lat_b: np.ndarray, lon_b: np.ndarray) -> sp.csr_matrix:
    key, geoms, table = merged
    _MERGED.setdefault(key, (geoms, table))  # evicted since: put back for the coverage cache
    lat_b, lon_b = np.ascontiguousarray(lat_b, "f8"), np.ascontiguousarray(lon_b, "f8")
    return _coverage(key, lat_b.tobytes(), lon_b.tobytes(), (lat_b.shape[0], lon_b.shape[0]))


def _computed_land_fraction(merged: tuple[str, _Merged, pd.DataFrame] | None, lat_b: np.ndarray,
                            lon_b: np.ndarray) -> np.ndarray:
    """The union of the countries on this grid; kept in ``$MIP_CACHE_DIR`` like the region fractions.

    Off the bundled 1° grid it is the coverage of every country (0.4 s on 0.1°), which a run with a
    cache folder pays once, not every time.
    """
    from mip.io.weights_cache import cache_path, read_cached, write_cached

    merged = merged or _bundled()
    key = f"land-fraction:{merged[0]}"
    disk = cache_path(key, np.ascontiguousarray(lat_b, "f8"), np.ascontiguousarray(lon_b, "f8"))
    ncell = lat_b.shape[0] * lon_b.shape[0]
    if disk is not None and disk.exists():
        hit = read_cached(disk, key, (1, ncell))
        if hit is not None:  # the land cells' fractions, put in place (scipy's toarray took 0.1 s at 0.1°)
            out = np.zeros(ncell)
            out[hit.indices] = hit.data
            return out
    out = np.clip(np.asarray(_all_fractions(merged, lat_b, lon_b).sum(axis=0)).ravel(), 0.0, 1.0)
    if disk is not None:
        write_cached(disk, key, sp.csr_matrix(out[None, :]))
    return out


def _is_global_1deg(lat_b: np.ndarray, lon_b: np.ndarray) -> bool:
    edges_lat, edges_lon = np.arange(-90.0, 91.0), np.arange(-180.0, 181.0)
    return (lat_b.shape == (180, 2) and lon_b.shape == (360, 2)
            and np.array_equal(lat_b[:, 0], edges_lat[:-1]) and np.array_equal(lat_b[:, 1], edges_lat[1:])
            and np.array_equal(lon_b[:, 0], edges_lon[:-1]) and np.array_equal(lon_b[:, 1], edges_lon[1:]))


def land_fraction(lat_b: np.ndarray, lon_b: np.ndarray, *, frame: pd.DataFrame | None = None) -> np.ndarray:
    """Land fraction of every cell (lat-major, flattened): the union of the country polygons.

    Parameters
    ----------
    lat_b, lon_b
        Cell bounds (n, 2) in degrees.
    frame
        Natural Earth admin-0 countries (default the bundled 1:50m).

    Returns
    -------
    numpy.ndarray
        Fractions in [0, 1], one per cell.
    """
    lat_b, lon_b = np.asarray(lat_b, "f8"), np.asarray(lon_b, "f8")
    if frame is None and _is_global_1deg(lat_b, lon_b):
        from mip.io.regionfiles import bundled_land_fraction_1deg

        return bundled_land_fraction_1deg()  # tools/make_land_fraction.py; tested equal to the computation
    return _computed_land_fraction(_resolve(frame), lat_b, lon_b)


def countries(codes: Sequence[str] | None = None, *, frame: pd.DataFrame | None = None) -> RegionSet:
    """Countries as land regions, from the bundled Natural Earth admin-0 polygons.

    Parameters
    ----------
    codes
        ISO alpha-3 codes or names (any case) to keep; default every country.
    frame
        Another Natural Earth admin-0 countries frame (attributes ``ADM0_A3``, ``ISO_A3_EH``,
        ``NAME``; e.g. :func:`mip.io.regionfiles.read_natural_earth` of the 1:10m file);
        default the bundled 1:50m.

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
    merged = _resolve(frame)
    key, _, table = merged
    idx = list(range(len(table)))
    if codes is not None:
        by_code = {c.upper(): i for i, c in enumerate(table["iso3"])}
        by_name = {n.lower(): i for i, n in enumerate(table["name"])}
        idx, unknown = [], []
        for c in codes:
            i = by_code.get(str(c).upper(), by_name.get(str(c).lower()))
            (unknown.append(str(c)) if i is None else idx.append(i))
        twice = sorted({table["iso3"].iloc[i] for i in idx if idx.count(i) > 1})
        if twice:
            raise MipError(f"countries listed more than once: {', '.join(twice)} (each country is one region; "
                           "a country listed twice would be counted twice)")
        if unknown:
            raise MipError(f"unknown country code(s) or name(s): {', '.join(unknown)} (not among the "
                           f"{len(table)} countries; see mip.regions.country_table())")
    names = tuple(table["iso3"].iloc[idx])
    rows = np.asarray(idx)

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> sp.csr_matrix:
        f = _all_fractions(merged, lat_b, lon_b)
        return f if codes is None else f[rows]

    label = "bundled Natural Earth 1:50m" if frame is None else "Natural Earth admin-0 frame"
    return RegionSet(names, names, fraction, f"countries ({label})", ("land",) * len(names),
                     cache_key=f"countries:{key}:{','.join(names)}")


def land_ocean(*, frame: pd.DataFrame | None = None) -> RegionSet:
    """Land and ocean from the bundled country polygons (exact coverage; land = their union).

    Parameters
    ----------
    frame
        Natural Earth admin-0 countries (default the bundled 1:50m).

    Returns
    -------
    RegionSet
        ``land`` (surface land) and ``ocean`` (surface ocean), a partition of the globe.
    """
    merged = None if frame is None else _resolve(frame)

    def fraction(lat_b: np.ndarray, lon_b: np.ndarray) -> np.ndarray:
        if merged is None:
            land = land_fraction(lat_b, lon_b)
        else:
            land = _computed_land_fraction(merged, lat_b, lon_b)
        land = land.reshape(lat_b.shape[0], lon_b.shape[0])
        return np.stack([land, 1.0 - land])

    label = "bundled Natural Earth 1:50m" if merged is None else "a Natural Earth admin-0 frame"
    return RegionSet(("land", "ocean"), ("LND", "OCN"), fraction,
                     f"land/ocean from the country polygons of {label}", ("land", "ocean"))
