"""Regional totals: one sparse matrix product over the flattened grid, lazily over dask chunks."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping

import dask.array as dsa
import numpy as np
import scipy.sparse as sp
import xarray as xr

from mip.budgets.totals import TOTAL_UNITS
from mip.errors import IncompleteWarning, MipError, RegionWarning
from mip.conventions.model import flux_variables
from mip.regions import RegionSet
from mip.conventions.timeaxis import bounds_seconds, window_mask
from mip.conventions.units import SECONDS_PER_YEAR

__all__ = ["aggregate", "restore_bounds"]


_scratch = threading.local()
_SCRATCH_MAX_BYTES = 64 * 2**20  # scratch kept per thread at most this large
#: Time steps per sparse product: their cells-first copy stays in cache (measured on a 1° grid:
#: 12 rows cost 0.07 ms a row, 16 or more twice that, as numpy's transposing copy slows down).
_ROWS = 12


def _cells_first(flat: np.ndarray) -> np.ndarray:
    """``flat.T`` as a C-ordered float64 array, in a buffer reused by this thread.

    Scipy's sparse × dense product wants the dense operand cells-first; a fresh copy for
    every block costs more (the kernel maps new pages for it) than the product itself.
    """
    shape = flat.shape[::-1]
    if flat.size * 8 > _SCRATCH_MAX_BYTES:
        return np.ascontiguousarray(flat.T, dtype="f8")
    bufs = _scratch.__dict__.setdefault("bufs", {})
    buf = bufs.get(shape)
    if buf is None:
        if len(bufs) > 2:
            bufs.clear()
        buf = bufs[shape] = np.empty(shape)
    np.copyto(buf, flat.T)
    return buf


def _apply(w: sp.csc_matrix, x: np.ndarray) -> np.ndarray:
    """Region totals of a block: (..., lat, lon) → (..., region), ``_ROWS`` time steps at a time.

    ``w`` is in CSC form: the product then walks the cells in order, streaming through
    the data once (CSR gathers every region's cells from all over the block: slower).
    A float64 block laid out cells-first (as :func:`mip.products._common.scale_cells_first`
    writes the readers' blocks) goes to the product as it is; any other is copied cells-first.
    NaN cells reach only the regions that contain them.
    """
    lead = x.shape[:-2]
    ncell = x.shape[-2] * x.shape[-1]
    flat = x.reshape(-1, ncell)
    if flat.dtype == np.float64 and flat.T.flags.c_contiguous:  # already cells-first (the readers' blocks)
        return (w @ flat.T).T.reshape(lead + (w.shape[0],))
    out = np.empty((flat.shape[0], w.shape[0]))
    step = max(1, min(_ROWS, _SCRATCH_MAX_BYTES // (8 * ncell)))
    for s in range(0, flat.shape[0], step):
        out[s:s + step] = (w @ _cells_first(flat[s:s + step])).T
    return out.reshape(lead + (w.shape[0],))


def _region_totals(da: xr.DataArray, w: sp.csc_matrix) -> xr.DataArray:
    """``w @ cells`` for every leading index: (..., lat, lon) → (..., region), lazily if ``da`` is."""
    da = da.transpose(..., "lat", "lon")
    lead = da.dims[:-2]
    coords = {k: c for k, c in da.coords.items() if not ({"lat", "lon"} & set(c.dims))}
    data = da.data
    if hasattr(data, "dask"):
        if len(data.chunks[-2]) > 1 or len(data.chunks[-1]) > 1:
            data = data.rechunk({data.ndim - 2: -1, data.ndim - 1: -1})  # the product needs whole grids
        # concatenate=False: each block is handed over as it is (a single block in a list per
        # contracted grid axis) — with concatenation dask would copy every block first
        idx = "abcdefghijklmnop"[:data.ndim - 2]
        out = dsa.blockwise(lambda x: _apply(w, x[0][0]), idx + "r", data, idx + "yx", new_axes={"r": w.shape[0]},
                            dtype="f8", concatenate=False)
    else:
        out = _apply(w, np.asarray(data))
    return xr.DataArray(out, dims=lead + ("region",), coords=coords)


def restore_bounds(ds: xr.Dataset, *, time: bool = False) -> xr.Dataset:
    """Put back the bounds that ``ds[[...]]`` drops (they have a ``bnds`` dim no flux has).

    ``lat_bounds``/``lon_bounds`` are rebuilt from regular cell centres (exact for the regular grids
    the readers produce), ``time_bounds`` from month-start times ([start, next month)).  What cannot
    be rebuilt is an error that names it.

    Parameters
    ----------
    ds
        A canonical dataset, perhaps a selection of its variables.
    time
        Also make sure of ``time_bounds``.

    Returns
    -------
    xarray.Dataset
    """
    from mip.geometry.grid import centre_bounds
    from mip.conventions.timeaxis import month_keys, monthly_axis

    if "cell_area" not in ds.variables or "lat" not in ds.variables or "lon" not in ds.variables:
        missing = [c for c in ("lat", "lon", "cell_area") if c not in ds.variables]
        raise MipError(f"aggregate needs the grid's {', '.join(missing)}: pass a canonical dataset (mip.open_product, "
                       "mip.open_ensemble, or mip.validate to see what is missing)")
    add = {}
    for axis, limits in (("lat", (-90.0, 90.0)), ("lon", None)):
        if f"{axis}_bounds" not in ds.variables:
            add[f"{axis}_bounds"] = ((axis, "bnds"), centre_bounds(ds[axis].values, name=axis, limits=limits))
    if time and "time_bounds" not in ds.variables:
        if "time" not in ds.variables:
            raise MipError("a period needs a time axis: the dataset has no 'time'")
        keys = month_keys(ds["time"])
        cal = ds["time"].encoding.get("calendar") or getattr(ds["time"].values[0], "calendar", "standard")
        _, tb = monthly_axis([k[0] for k in keys], [k[1] for k in keys], calendar=cal or "standard")
        add["time_bounds"] = (("time", "bnds"), tb)
    return ds.assign_coords(add) if add else ds


def aggregate(ds: xr.Dataset, regions: RegionSet, *, period: str | tuple[str, str] | None = None,
              variables: list[str] | None = None, attribution: str = "surface", min_months: int = 12,
              surfaces: Mapping[str, str] | None = None,
              land: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> xr.Dataset:
    """Region totals of every flux variable (× model × experiment × time), plus what no region takes.

    Parameters
    ----------
    ds
        Canonical gridded dataset (any dims besides ``lat`` and ``lon`` are kept; ``time_bounds``
        is needed only for a ``period``).
    regions
        The region set.
    period
        ``None``: one total per time step; ``"annual"``: calendar-year means; ``"all"``: one
        mean over the whole time axis; a ``(start, end)`` pair of dates (``YYYY[-MM[-DD]]``, end
        exclusive, any calendar): one mean over the steps wholly inside it.  Means are weighted by
        the real length of each step (its time bounds) and carry the number of steps used
        (coordinate ``n_steps``).
    min_months
        Annual means of monthly data need this many months of the year (default all 12); a year
        with fewer is NaN and listed in ``attrs["incomplete_years"]``, never a partial mean.
    variables
        Flux variables to aggregate (default all).
    attribution
        ``"surface"`` (default): a land flux is shared among land regions by their share of the
        cell's land, an ocean flux by the share of its ocean (see :mod:`mip.regions.attribution`);
        ``"area"``: every region takes its share of the cell's area.
    surfaces
        Variable → ``"land"``, ``"ocean"`` or ``"both"`` for variables whose surface fluxmip
        cannot tell from their name or ``surface`` attribute.
    land
        ``land(lat_bounds, lon_bounds)`` → land fraction per cell; default the union of the
        bundled country polygons.

    Returns
    -------
    xarray.Dataset
        Dim ``region``: the set's regions, then ``unattributed`` (one per set combined with
        ``+``) holding what no region of that set takes, so that regions + unattributed = the
        global total.  Totals in ``Pg yr-1`` (C basis) or ``Tg yr-1`` (CH4, N), ``reported_as``
        kept; coordinates ``region_area`` (m², NaN for unattributed), ``abbrev``,
        ``region_surface``, ``region_group``, ``unattributed`` (bool); ``attrs``: ``attribution`` and the coverage,
        ``uncovered_area_fraction`` and ``overlapping_area_fraction``.

    Examples
    --------
    A uniform flux of 1e-9 kg C m-2 s-1 over the globe, to the three GCB latitude bands (Pg C/yr):
    the bands hold 1/4, 1/2 and 1/4 of the sphere, and nothing is left unattributed.

    >>> import numpy as np, xarray as xr
    >>> from mip.geometry.regrid import target_grid
    >>> from mip.regions import latitude_bands
    >>> g = target_grid(10.0, 10.0)
    >>> ds = xr.Dataset({"land": (("lat", "lon"), np.full((18, 36), 1e-9), {"reported_as": "C", "surface": "both"})},
    ...                 coords=g.coords)
    >>> out = aggregate(ds, latitude_bands(), attribution="area")
    >>> [round(float(x), 3) for x in out.land]  # 1e-9 × 4πR² × 365.25 d / 1e12, split 1:2:1
    [4.024, 8.048, 4.024, 0.0]
    """
    from mip.regions.attribution import ATTRIBUTIONS, LAND_PARTS, attribution_weights, unattributed_names, variable_surface

    if attribution not in ATTRIBUTIONS:
        raise MipError(f"attribution {attribution!r}: expected one of {', '.join(ATTRIBUTIONS)}")
    ds = restore_bounds(ds, time=period is not None)
    weights: dict[str, sp.csc_matrix] = {}
    overlap: dict[str, float] = {}

    def w(surface: str) -> sp.csc_matrix:
        if surface not in weights:
            m, rep = attribution_weights(regions, ds, surface, land)
            weights[surface], overlap[surface] = m.tocsc(), rep["overlap"]
        return weights[surface]

    if period is not None and not (period in ("annual", "all") or isinstance(period, tuple) and len(period) == 2):
        raise MipError(f"period {period!r}: expected None, 'annual', 'all' or a (start, end) pair of dates")
    dt = bounds_seconds(ds["time_bounds"]) if period is not None else None
    if isinstance(period, tuple):
        sel = window_mask(ds["time_bounds"], *period)
        if not sel.any():
            raise MipError(f"no complete time step inside {period[0]} .. {period[1]} (the data run from "
                           f"{str(ds['time_bounds'].values[0, 0])[:10]} to {str(ds['time_bounds'].values[-1, 1])[:10]})")
        ds, dt = ds.isel(time=sel), dt.isel(time=sel)
    monthly = dt is not None and bool(((dt > 27 * 86400) & (dt < 32 * 86400)).all())
    incomplete: list[int] = []
    out = xr.Dataset()
    done: dict[tuple[str, str], xr.DataArray] = {}  # (variable, surface) → its totals, reused by net/total

    def totals(name: str, surface: str) -> xr.DataArray:
        if (name, surface) not in done:
            done[name, surface] = _region_totals(ds[name], w(surface))
        return done[name, surface]

    for v in variables or flux_variables(ds):
        basis = ds[v].attrs["reported_as"]
        units, to = TOTAL_UNITS[basis]
        surface = variable_surface(ds, v, surfaces) if attribution == "surface" else "any"
        how = f"{surface} surface" if surface != "any" else "area"
        if surface == "both":
            parts = [p for p in LAND_PARTS.get(v, ()) if p in ds.data_vars]
            if parts and "ocean" in ds.data_vars:
                land_part = sum(ds[p] for p in parts)
                # by linearity the land parts' own totals serve (one sparse product fewer per block)
                land_tot = sum(totals(p, "land") for p in parts)
                tot = land_tot + _region_totals(ds[v] - land_part, w("ocean"))
                how = f"{' + '.join(parts)} over land, the rest ({v} − {' − '.join(parts)}) over ocean"
            else:
                tot, how = _region_totals(ds[v], w("any")), "area (its land and ocean parts are not in the dataset)"
        else:
            tot = totals(v, surface)  # kg s-1
        if period == "annual":
            n = dt.groupby("time.year").count()
            tot = (tot * dt).groupby("time.year").sum(skipna=False) / dt.groupby("time.year").sum()
            if monthly:
                short = n < min_months
                incomplete = [int(y) for y in n["year"].values[short.values]]
                tot = tot.where(~short)
            tot = tot.assign_coords(n_steps=("year", n.values))
        elif isinstance(period, tuple) or period == "all":
            tot = (tot * dt).sum("time", skipna=False) / dt.sum("time")
            tot = tot.assign_coords(n_steps=int(dt.sizes["time"]))
        out[v] = (tot * SECONDS_PER_YEAR * to).assign_attrs(
            units=units, reported_as=basis, year="Julian year, 365.25 days", regions=regions.description,
            attribution=how)
    frac = regions.weights(ds)
    area = np.asarray(frac.sum(axis=1)).ravel()
    cell = ds["cell_area"].values.ravel()
    covered = np.asarray(frac.sum(axis=0)).ravel() / cell
    total_area = float(cell.sum())
    extra = unattributed_names(regions)
    groups = regions.group_names
    if incomplete:
        warnings.warn(f"year(s) {incomplete} have fewer than {min_months} months: their annual means are NaN "
                      "(min_months sets the rule)", IncompleteWarning, stacklevel=2)
    out.attrs.update({
        "incomplete_years": ", ".join(map(str, incomplete)),
        "attribution": attribution,
        "uncovered_area_fraction": float(((1 - np.clip(covered, 0, 1)) * cell).sum() / total_area),
        "overlapping_area_fraction": float((np.clip(covered - 1, 0, None) * cell).sum() / total_area),
        "overlap_within_a_set": max(overlap.values(), default=0.0),
    })
    if out.attrs["overlap_within_a_set"] > 1e-6:  # below that: rounding of polygons that share edges
        warnings.warn(f"regions of one set overlap ({out.attrs['overlap_within_a_set']:.2%} of the grid's area is in "
                      "two regions of the same set): those cells are counted in each, and nothing of them is "
                      "reported unattributed", RegionWarning, stacklevel=2)
    return out.assign_coords(region=list(regions.names) + extra,
                             region_area=("region", np.concatenate([area, np.full(len(extra), np.nan)])),
                             abbrev=("region", list(regions.abbrevs) + ["UNATTR"] * len(extra)),
                             region_surface=("region", list(regions.region_surfaces) + ["-"] * len(extra)),
                             region_group=("region", list(regions.region_groups) + groups),
                             unattributed=("region", [False] * len(regions) + [True] * len(extra)))
