"""An aggregation's prepared weights on one surface, kept on disk beside the region fractions.

What :func:`mip.budgets.aggregation.aggregate` derives from a region set's fractions on a grid before it
reads a value: the attribution weights (:func:`mip.regions.attribution.attribution_weights`), their runs
and remaining cells (:class:`~mip.budgets.region_product.RegionWeights`), each region's weight on the
surfaces a flux's values live on (for the missing fraction), the cells where a land (ocean) flux's NaN
is a fill value (no land, no ocean: from the land fraction) and the overlap within a set.  At 0.1° to
the 240 countries that is 0.75 s of work every run, against 0.1 s to read the fractions (issue #28).
With ``$MIP_CACHE_DIR`` set it is computed once and read back, verified like the fractions
(:mod:`mip.io.weights_cache`).  Only the default land rule (the bundled countries' union) is cached:
a user's own rule is a function, with nothing stable to key it by.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr

from mip.budgets.region_product import _MAX_RUN_SHARE, RUN_STEPS, SAME_WEIGHT, RegionWeights
from mip.regions import RegionSet

__all__ = ["Prepared", "prepare", "coverage", "grid_id"]

#: Bump when what is cached changes meaning (the attribution rule, the runs).
_VERSION = 5  # 4: zero weights no longer stored; 5: sets combined with + as atoms


@dataclass
class Prepared:
    """The weights of one surface, ready for the product.

    Attributes
    ----------
    weights
        The product's weights.
    on
        Each row's weight on the cells a flux's values live on, by the flux's own surface
        (``"any"``, ``"land"``, ``"ocean"``): the denominator of the missing fraction.
    off
        ``"land"``: the cells with no land (where a land flux's NaN is a fill value, zero flux);
        ``"ocean"``: the cells with no ocean.  Empty when no flux of the dataset has a surface.
    overlap
        Share of the grid's area counted twice within a group of the set.
    key
        The cache entry's key, which says the content exactly ("" when not cached): a cluster's workers keep
        what was sent under it for a later aggregation (:func:`mip.budgets.cluster.scattered`).
    """

    weights: RegionWeights
    on: dict[str, np.ndarray]
    off: dict[str, np.ndarray]
    overlap: float
    key: str = ""


def grid_id(ds: xr.Dataset) -> str:
    """A digest of what identifies a grid for the cache: its bounds and cell areas.

    Parameters
    ----------
    ds
        The canonical grid.

    Returns
    -------
    str
        SHA-256 of the bounds and areas (hashed in place: at 0.1° the areas are 52 MB, a copy of
        them cost as much as the hash).
    """
    import hashlib

    h = hashlib.sha256()
    for name in ("lat_bounds", "lon_bounds", "cell_area"):
        a = np.ascontiguousarray(np.asarray(ds[name].values, "f8"))
        h.update(f"{name}{a.shape}".encode())
        h.update(a.reshape(-1).view("u1"))
    return h.hexdigest()


def _key(regions: RegionSet, grid: str, surface: str, runs: bool, nlon: int) -> str:
    from mip import __version__

    return (f"aggregation weights v{_VERSION} fluxmip {__version__}|{regions.cache_key}|grid {grid}|groups "
            f"{regions.region_groups}|surface {surface}|runs {runs} (share {_MAX_RUN_SHARE}, same weight "
            f"{SAME_WEIGHT})|nlon {nlon}|land: the bundled countries' union")


def prepare(regions: RegionSet, ds: xr.Dataset, surface: str, steps: int,
            land_of_cells: Callable[[], np.ndarray], grid: str | None, with_land: bool) -> Prepared:
    """The prepared weights of ``regions`` on the grid of ``ds`` for a flux of ``surface``.

    Parameters
    ----------
    regions
        The region set.
    ds
        The canonical grid (``lat_bounds``, ``lon_bounds``, ``cell_area``).
    surface
        ``"land"``, ``"ocean"`` or ``"any"``.
    steps
        The most steps a block holds (runs only for short blocks: see :class:`RegionWeights`).
    land_of_cells
        The grid's land fraction per cell (computed only when needed).
    grid
        :func:`grid_id` of ``ds`` when the entry may be read and written (the land rule is the
        default one), else None.
    with_land
        Whether ``on`` and ``off`` are wanted for land and ocean fluxes (which needs the land fraction).

    Returns
    -------
    Prepared
    """
    from mip.io.weights_cache import entry_path, read_arrays, write_arrays

    nlon = ds.sizes["lon"]
    key = _key(regions, grid, surface, steps <= RUN_STEPS, nlon) if grid and regions.cache_key else ""
    path = entry_path("aggregation-weights", key)
    d = read_arrays(path, key) if path is not None else None
    if d is not None and (not with_land or "on_land" in d):
        try:
            out = _from_arrays(d, ds.sizes["lat"] * nlon)
            out.key = key
            return out
        except KeyError:  # an entry of an older layout under the same key: made again
            pass
    out = _compute(regions, ds, surface, steps, land_of_cells, nlon, with_land)
    if path is not None:
        write_arrays(path, key, {**out.weights.to_arrays("w_"), **{f"on_{k}": v for k, v in out.on.items()},
                                 **{f"off_{k}": np.packbits(v) for k, v in out.off.items()},
                                 "overlap": np.asarray(out.overlap)})
        out.key = key  # what a later read of the entry gives
    return out


def _from_arrays(d: dict[str, np.ndarray], ncell: int) -> Prepared:
    on = {k: d[f"on_{k}"] for k in ("any", "land", "ocean") if f"on_{k}" in d}
    off = {k: np.unpackbits(d[f"off_{k}"], count=ncell).view(bool) for k in ("land", "ocean") if f"off_{k}" in d}
    return Prepared(RegionWeights.from_arrays(d, "w_"), on, off, float(d["overlap"]))


def _compute(regions: RegionSet, ds: xr.Dataset, surface: str, steps: int, land_of_cells: Callable[[], np.ndarray],
             nlon: int, with_land: bool) -> Prepared:
    from mip.io.progress import stage
    from mip.regions.attribution import attribution_weights

    with stage(f"region weights: {len(regions)} regions on the {ds.sizes['lat']}x{nlon} grid ({surface} surface)"):
        m, rep = attribution_weights(regions, ds, surface, lambda lb, ob: land_of_cells())
        wm = m.tocsc()
    on = {"any": np.asarray(wm @ np.ones(wm.shape[1])).ravel()}
    off = {}
    if with_land:  # a land flux's NaN where there is no land is a fill value (zero), an ocean flux's likewise
        lf = land_of_cells()
        off = {"land": lf <= 0.0, "ocean": lf >= 1.0}
        on["land"] = np.asarray(wm @ (~off["land"]).astype("f8")).ravel()
        on["ocean"] = np.asarray(wm @ (~off["ocean"]).astype("f8")).ravel()
    sets = regions.group_names  # rows: the regions, then one unattributed row per group
    groups = np.array([sets.index(g) for g in regions.region_groups] + list(range(len(sets))))
    area = np.asarray(ds["cell_area"].values, "f8")
    return Prepared(RegionWeights(wm, nlon, area, groups, steps=steps), on, off, rep["overlap"])


def coverage(regions: RegionSet, ds: xr.Dataset, grid: str | None = None) -> tuple[np.ndarray, float, float]:
    """(each region's area in m², the uncovered and the doubly covered share of the grid's area).

    Parameters
    ----------
    regions
        The region set.
    ds
        The canonical grid.
    grid
        Its :func:`grid_id`, if known (else computed when ``$MIP_CACHE_DIR`` is set).

    Returns
    -------
    tuple
        Read from ``$MIP_CACHE_DIR`` when there (computed from the fractions once).
    """
    from mip import __version__
    from mip._options import get_option
    from mip.io.weights_cache import entry_path, read_arrays, write_arrays

    key = ""
    if regions.cache_key and get_option("cache_dir"):
        key = f"aggregation coverage v{_VERSION} fluxmip {__version__}|{regions.cache_key}|grid {grid or grid_id(ds)}"
    path = entry_path("aggregation-coverage", key)
    d = read_arrays(path, key) if path is not None else None
    if d is not None:
        return d["area"], float(d["uncovered"]), float(d["overlapping"])
    frac = regions.fractions(ds)
    cell = np.asarray(ds["cell_area"].values, "f8").ravel()
    area = np.asarray(frac @ cell).ravel()
    covered = np.bincount(frac.indices, weights=frac.data, minlength=cell.size)  # each cell's covered share
    total = float(cell.sum())
    # einsum, not np.dot: OpenBLAS hands a dot of this length to a second thread, which then spins for about
    # 0.1 s of CPU before it sleeps (a third of the 10 x 2 benchmark's CPU beyond the read floor, issue #28)
    uncovered = float(np.einsum("i,i->", 1.0 - np.minimum(covered, 1.0), cell) / total)
    overlapping = float(np.einsum("i,i->", np.maximum(covered - 1.0, 0.0), cell) / total)
    if path is not None:
        write_arrays(path, key, {"area": area, "uncovered": np.asarray(uncovered),
                                 "overlapping": np.asarray(overlapping)})
    return area, uncovered, overlapping
