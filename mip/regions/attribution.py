"""Attribution of gridded fluxes to regions by the surface each flux lives on (pure compute).

An OCO-2 MIP ``land`` flux (NBE) is a flux per m² of the whole cell that happens entirely on the
cell's land, so a coastal cell's land flux belongs to the countries in it in proportion to their
share of the cell's *land*, not of the cell's area.  Each variable has a surface
(:data:`SURFACES`, or a ``surface`` attribute, or ``surfaces=`` given to :func:`mip.aggregate`):

* ``land`` — shared among the set's land regions by ``area(region ∩ cell) / area(land ∩ cell)``,
  the land of a cell being the union of the bundled country polygons (or the ``land`` given);
* ``ocean`` — the same with the cell's ocean (1 − land) and the ocean regions;
* ``both`` (``net``, ``total``) — split into its land parts and the rest (attributed as ocean)
  when the dataset has the parts and an ``ocean`` variable; otherwise by area.

Regions of surface ``any`` (latitude bands, masks of both) always take their area share.  What a
set of regions does not take of a flux (land flux on a cell the polygons call sea, ocean flux
outside every basin, land outside every country of the set) is one more row per set,
``unattributed``, so that the regions plus ``unattributed`` add up to the global total exactly.
``attribution="area"`` gives plain area weighting (what regionmask, xagg and exactextract do).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import scipy.sparse as sp
import xarray as xr

from mip.errors import MipError
from mip.regions.core import RegionSet

__all__ = ["SURFACES", "LAND_PARTS", "variable_surface", "attribution_weights", "unattributed_names",
           "coastal_share", "ATTRIBUTIONS"]

ATTRIBUTIONS = ("surface", "area")
#: Surface of every canonical flux name (CO2, CH4, N2O, the CEOS lateral fields, the RECCAP2 river flux).
SURFACES: dict[str, str] = {
    "land": "land", "fossil": "land", "fire": "land", "ocean": "ocean", "net": "both", "total": "both",
    "wetlands": "land", "agriculture_waste": "land", "biomass_biofuel_burning": "land", "soil_sink": "land",
    "other_natural": "both", "anthropogenic": "land", "natural": "both",
    "FF": "land", "Crop": "land", "Wood": "land", "River": "land", "Wood_Crop": "land", "NBE": "land",
    "NCE": "land", "dC_loss": "land", "dC": "land", "river": "ocean",
}
#: For a ``both`` variable: the land-surface parts it is the sum of, with the ocean flux (the rest).
LAND_PARTS: dict[str, tuple[str, ...]] = {"net": ("land",), "total": ("land", "fossil")}
#: Relative tolerance under which a cell counts as fully attributed (rounding of the fractions).
_EXACT = 1e-9


def variable_surface(ds: xr.Dataset, name: str, declared: Mapping[str, str] | None = None) -> str:
    """The surface of a flux variable: declared, then its ``surface`` attribute, then :data:`SURFACES`.

    Parameters
    ----------
    ds
        The dataset.
    name
        The variable.
    declared
        Variable → ``"land"``, ``"ocean"`` or ``"both"``, overriding the rest.

    Returns
    -------
    str

    Raises
    ------
    MipError
        When the surface cannot be told, saying how to declare it.
    """
    base = name[:-4] if name.endswith("_unc") else name
    s = (declared or {}).get(name) or ds[name].attrs.get("surface") or SURFACES.get(name) or SURFACES.get(base)
    if s not in ("land", "ocean", "both"):
        raise MipError(f"cannot tell which surface variable {name!r} lives on (found {s!r}): say which flux it is "
                       f"(--variables land={name} on the command line, or the catalog entry's options: variables: "
                       f"{{land: {name}}}), or declare its surface (--surfaces {name}=land|ocean|both; "
                       f"aggregate(..., surfaces={{{name!r}: 'land'}}); ds[{name!r}].attrs['surface'] = 'land'), or "
                       "use area weighting (--attribution area; attribution='area')")
    return s


def unattributed_names(regions: RegionSet) -> list[str]:
    """Names of the unattributed rows: one per group of the set (``"unattributed"`` when there is one)."""
    groups = regions.group_names
    return ["unattributed"] if len(groups) == 1 else [f"unattributed ({g})" for g in groups]


def attribution_weights(regions: RegionSet, ds: xr.Dataset, surface: str,
                        land: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
                        ) -> tuple[sp.csr_matrix, dict[str, float]]:
    """(region + unattributed) × cell weights in m² for a flux of one surface.

    Parameters
    ----------
    regions
        The region set.
    ds
        Canonical grid (``lat_bounds``, ``lon_bounds``, ``cell_area``).
    surface
        ``"land"``, ``"ocean"`` or ``"any"`` (area weighting).
    land
        ``land(lat_bounds, lon_bounds)`` → land fraction per cell (flattened); default the union
        of the bundled country polygons (:func:`mip.regions.land_fraction`).

    Returns
    -------
    weights, report
        The sparse weights (rows: the regions, then one unattributed row per group) and
        ``{"overlap": ...}``, the area fraction of the grid counted twice within a group.
    """
    area = np.asarray(ds["cell_area"].values, "f8").reshape(-1)
    ncell = area.size
    frac = regions.fractions(ds)
    if not frac.has_canonical_format:  # repeated cells summed, cells in order
        frac = frac.copy()
        frac.sum_duplicates()
    # worked on the CSR arrays themselves, one entry per (region, cell) with a fraction: at 0.1 degree
    # (6.6 M entries) the COO copies, a string array of each entry's surface and dense intermediates
    # took 0.9 s and 450 MB; this takes a third of each
    group_names = regions.group_names
    gidx = np.array([group_names.index(g) for g in regions.region_groups], dtype=np.intp)
    col = frac.indices
    row = np.repeat(np.arange(len(regions), dtype=np.int32), np.diff(frac.indptr)) if len(group_names) > 1 else None
    data = area[col]
    data *= frac.data
    if surface != "any":
        other = "ocean" if surface == "land" else "land"
        region_surfaces = np.asarray(regions.region_surfaces)
        for r in np.flatnonzero(region_surfaces == other):  # regions of the other surface take none of this flux
            data[frac.indptr[r]:frac.indptr[r + 1]] = 0.0
        same_region = region_surfaces == surface
        if same_region.any():
            same = np.concatenate([np.arange(frac.indptr[r], frac.indptr[r + 1]) for r in np.flatnonzero(same_region)])
            lb, ob = np.asarray(ds["lat_bounds"].values, "f8"), np.asarray(ds["lon_bounds"].values, "f8")
            if land is None:
                from mip.regions.natural_earth import land_fraction as land
            lf = np.clip(np.asarray(land(lb, ob), "f8").reshape(-1), 0.0, 1.0)
            share = lf if surface == "land" else 1.0 - lf
            # per group and cell: the larger of the cell's share of this surface and what the group's
            # regions of this surface cover of it; a region takes its part of that
            cells = col[same]
            key = cells if len(group_names) == 1 else gidx[row[same]] * ncell + cells
            claimed = np.bincount(key, weights=frac.data[same], minlength=len(group_names) * ncell)
            denom = np.maximum(share[cells], claimed[key])
            del claimed, key
            data[same] = frac.data[same] * np.divide(area[cells], denom, out=np.zeros(same.size), where=denom > 0)
    taken = np.bincount(col if len(group_names) == 1 else gidx[row] * ncell + col, weights=data,
                        minlength=len(group_names) * ncell)
    unattr_idx, unattr_val, overlap = [], [], 0.0
    total_area = area.sum()
    for g in range(len(group_names)):
        rest = taken[g * ncell:(g + 1) * ncell]
        np.subtract(area, rest, out=rest)  # what the group's regions leave of each cell (in place: 52 MB at 0.1°)
        rel = np.abs(rest)
        np.divide(rel, area, out=rel, where=area > 0)
        rest[rel <= _EXACT] = 0.0  # rounding of the fractions: fully attributed
        del rel
        overlap += float(-rest[rest < 0].sum() / total_area)
        keep = np.flatnonzero(rest > 0)
        unattr_idx.append(keep.astype(col.dtype))
        unattr_val.append(rest[keep])
    del taken
    n = frac.indptr[-1]
    indptr = np.concatenate([frac.indptr, n + np.cumsum([k.size for k in unattr_idx])]).astype(frac.indptr.dtype)
    out = sp.csr_matrix((np.concatenate([data, *unattr_val]), np.concatenate([col, *unattr_idx]), indptr),
                        shape=(frac.shape[0] + len(group_names), ncell))
    # a region of the other surface, or a cell with none of this surface, weighs 0: not stored, or every
    # product reads it (a fifth of the entries for a land flux to the countries, land/ocean and the bands
    # on 1°) and a cell wholly in one region is not seen as such (runs, region_product)
    out.eliminate_zeros()
    return out, {"overlap": overlap}


def coastal_share(regions: RegionSet, ds: xr.Dataset,
                  land: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> xr.DataArray:
    """Per region, the share of its land weight that comes from coastal cells (0 < land < 1).

    It says how much of a country's land flux total depends on how coastal cells are attributed
    (area weighting would give such a country only part of the flux on its land there).

    Parameters
    ----------
    regions
        The region set.
    ds
        Canonical grid.
    land
        Land fraction rule (default the bundled countries' union).

    Returns
    -------
    xarray.DataArray
        Dim ``region`` (the set's regions), values in [0, 1]; NaN for a region with no land weight.
    """
    if land is None:
        from mip.regions.natural_earth import land_fraction as land
    w, _ = attribution_weights(regions, ds, "land", land)
    w = w[: len(regions)]
    lf = np.asarray(land(np.asarray(ds["lat_bounds"].values, "f8"), np.asarray(ds["lon_bounds"].values, "f8"))).ravel()
    coastal = ((lf > _EXACT) & (lf < 1 - _EXACT)).astype("f8")
    total = np.asarray(w.sum(axis=1)).ravel()
    part = np.asarray(w @ coastal).ravel()
    share = np.divide(part, total, out=np.full_like(total, np.nan), where=total > 0)
    return xr.DataArray(share, dims="region", coords={"region": list(regions.names)},
                        attrs={"units": "1", "long_name": "share of the region's land weight in coastal cells"})
