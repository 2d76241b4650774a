"""Regional totals: one sparse matrix product over the flattened grid, lazily over dask chunks."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import xarray as xr

from mip.budgets.cluster import PackedMask, cluster_threads, distributed_client, packed, scattered
from mip.budgets.prepared import Prepared
from mip.budgets.region_product import Combined, RegionWeights
from mip.budgets.unscaled import unscaled
from mip.budgets.totals import TOTAL_UNITS
from mip.errors import IncompleteWarning, MipError, RegionWarning
from mip.io.heap import keep_freed_memory
from mip.conventions.model import flux_variables
from mip.regions import RegionSet
from mip.conventions.period import Period, time_span
from mip.conventions.timeaxis import bounds_seconds
from mip.conventions.units import SECONDS_PER_YEAR

__all__ = ["aggregate", "restore_bounds"]


def _common_factor(ks: list[float]) -> tuple[float, list[float]]:
    """(k, rel): ``Σ ks[i]·x[i] == k · Σ rel[i]·x[i]``, with ``rel[0] == 1`` where it can be.

    The common factor ``k`` is taken out so that the (few) totals are scaled, not the (many) values: a
    single input is summed as it is, ``net − land`` of one unit is one subtraction.
    """
    k = ks[0] if ks[0] != 0.0 else 1.0
    return k, [x / k for x in ks]


def _apply(w: RegionWeights, xs: list, coefs: tuple[float, ...] = (1.0,),
           offs: tuple[np.ndarray | None, ...] = (None,), on_inverse: np.ndarray | None = None,
           scale: float = 1.0) -> np.ndarray:
    """Region totals of Σ coef·x over a block, and the fraction of each region's surface without data.

    (..., lat, lon) blocks → (..., 2R): the first half of the last axis holds the totals × ``scale``,
    the second the missing fraction (the weight a region takes from cells with no data ×
    ``on_inverse``, 1 / the region's weight on the surface).  A NaN of an input in a cell where its
    ``off`` is True (off that variable's surface: land flux over the open ocean) is a fill value and
    counts as zero flux; any other NaN is missing data: left out of the total and counted in the
    fraction; a region whose surface has no data at all is NaN.  Clean blocks cost one product (a
    combination such as ``net − land`` is formed piece by piece where the product reads it,
    :class:`~mip.budgets.region_product.Combined`): a NaN shows in the totals of the regions that hold
    it, and only then is the block looked at.  Everything is done in this one task,
    so that a block is read, scaled, multiplied and reported without further tasks.  An input may be
    a :class:`~mip.budgets.unscaled.Scaled` block (the file's values and their unit factor): the product
    is linear, so the factor multiplies the totals, not every value.
    """
    from mip.budgets.unscaled import Scaled

    keep_freed_memory()  # once per process (a cluster's workers too): blocks reuse the heap (mip.io.heap)
    raws = [x.raw if isinstance(x, Scaled) else x for x in xs]
    ks = [c * (x.factor if isinstance(x, Scaled) else 1.0) for c, x in zip(coefs, xs)]
    lead = raws[0].shape[:-2]
    ncell = raws[0].shape[-2] * raws[0].shape[-1]
    flats = [x.reshape(-1, ncell) for x in raws]
    k, rel = _common_factor(ks)
    # the fill-value check of each file's block, piece by piece as the product reads its values
    inspectors = [x.inspector() if isinstance(x, Scaled) else None for x in xs]
    tot = w.apply(Combined(flats, rel, inspectors))
    frac = np.zeros_like(tot)
    if np.isnan(tot).any():
        nans = [np.isnan(f) for f in flats]
        tot = w.apply(Combined([np.where(n, 0.0, f) for n, f in zip(nans, flats)], rel))
        missing = np.zeros_like(nans[0])
        for n, off in zip(nans, offs):
            off = off.unpack() if isinstance(off, PackedMask) else off
            missing |= n if off is None else n & ~off[None, :]
        if missing.any():
            frac = np.clip(w.apply(missing.astype("f8")) * (1.0 if on_inverse is None else on_inverse), 0.0, 1.0)
            tot[frac >= 1.0 - 1e-9] = np.nan  # no data at all on the region's surface: NaN, never 0
    if k * scale != 1.0:
        tot *= k * scale
    return np.concatenate([tot, frac], axis=-1).reshape(lead + (2 * w.shape[0],))


def _apply_shared(w: RegionWeights, offs: tuple, on_inverse: np.ndarray | None, *blocks: np.ndarray,
                  coefs: tuple[float, ...], scale: float) -> np.ndarray:
    """:func:`_apply` with the weights, fill masks and inverse surface weights first (on a cluster: futures)."""
    return _apply(w, list(blocks), coefs, offs, on_inverse, scale)


def _region_totals(das: list[xr.DataArray], w: RegionWeights, coefs: tuple[float, ...] = (1.0,),
                   offs: tuple[np.ndarray | None, ...] = (None,), on_inverse: np.ndarray | None = None,
                   scale: float = 1.0, shared: tuple[bool, ...] | None = None,
                   sent: dict | None = None, names: tuple[str | None, ...] | None = None
                   ) -> tuple[xr.DataArray, xr.DataArray]:
    """``w @ Σ coef·cells`` × ``scale`` for every leading index, and the missing fraction (see :func:`_apply`).

    (..., lat, lon) → two (..., region) arrays, lazily if the inputs are.  ``shared``: per input, whether
    another product sums it too; its file's blocks are then read in tasks of their own, once for both,
    rather than inside each product's task.  ``sent``: on a cluster, what earlier products of the same
    aggregation sent to the workers (see :func:`mip.budgets.cluster.scattered`); ``names``: what says the
    content of ``w``, ``offs`` and ``on_inverse`` exactly, for the workers to keep them for later aggregations.
    """
    das = [da.transpose(..., "lat", "lon") for da in das]
    lead = das[0].dims[:-2]
    coords = {k: c for k, c in das[0].coords.items() if not ({"lat", "lon"} & set(c.dims))}
    nreg = w.shape[0]
    if any(hasattr(da.data, "dask") for da in das):
        import dask.array as _d

        from mip.budgets.region_graph import region_blocks, run_length

        datas, inline = [], []
        for da, other in zip(das, shared or (False,) * len(das)):
            data = da.data if hasattr(da.data, "dask") else _d.from_array(da.data)
            if len(data.chunks[-2]) > 1 or len(data.chunks[-1]) > 1:
                data = data.rechunk({data.ndim - 2: -1, data.ndim - 1: -1})  # the product needs whole grids
            raw = unscaled(data)  # the file's blocks and their unit factors, where they can be seen
            datas.append(data if raw is None else raw)
            inline.append(raw is not None and not other)  # this product's alone: read inside its task
        args, group = (w, offs, on_inverse), 1  # threads: shared by reference, a task per block
        client = distributed_client()
        if client is not None:  # a cluster: sent to each worker once, not inside every task (mip.budgets.cluster)
            sent = {} if sent is None else sent
            args = scattered(client, (w, packed(offs, sent), on_inverse), sent, names)
            group = run_length(datas[0].numblocks[:-2], cluster_threads(client, sent))  # fewer, longer tasks
        func = partial(_apply_shared, coefs=coefs, scale=scale)
        # the key names: the futures' keys on a cluster, else the objects themselves (held by the graph, so
        # their ids cannot be reused while it lives)
        token = ([getattr(a, "key", id(a)) for a in args], coefs, scale)
        tot, miss = region_blocks(datas, func, 2 * nreg, nreg, args=args, inline=tuple(inline), token=token,
                                  group=group)
        return (xr.DataArray(tot, dims=lead + ("region",), coords=coords),
                xr.DataArray(miss, dims=lead + ("region",), coords=coords))
    out = _apply(w, [np.asarray(da.data) for da in das], coefs, offs, on_inverse, scale)
    tot = xr.DataArray(out[..., :nreg], dims=lead + ("region",), coords=coords)
    miss = xr.DataArray(out[..., nreg:], dims=lead + ("region",), coords=coords)
    return tot, miss


def _domain_coverage(regions: RegionSet, ds: xr.Dataset, area: np.ndarray) -> np.ndarray | None:
    """For a grid that does not cover the globe: the share of each region's area inside it (else None)."""
    lb, ob = np.asarray(ds["lat_bounds"].values, "f8"), np.asarray(ds["lon_bounds"].values, "f8")
    span_lon = float(np.sum(ob[:, 1] - ob[:, 0]))
    if lb.min() <= -90 + 1e-6 and lb.max() >= 90 - 1e-6 and abs(span_lon - 360.0) < 1e-6:
        return None
    from mip.geometry.regrid import target_grid

    full = np.asarray(regions.weights(target_grid(1.0, 1.0)).sum(axis=1)).ravel()
    return np.divide(area, full, out=np.zeros_like(area), where=full > 0).clip(0.0, 1.0)


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


class _Products:
    """The sparse products of one aggregation, each made once and shared by every variable.

    The weights per surface, the land fraction and the fill masks; a variable and its land parts reuse
    one product.
    """

    def __init__(self, ds: xr.Dataset, regions: RegionSet, attribution: str, surfaces: Mapping[str, str] | None,
                 land: Callable[[np.ndarray, np.ndarray], np.ndarray] | None) -> None:
        self.ds, self.regions, self.attribution, self.surfaces, self.land = ds, regions, attribution, surfaces, land
        self.lb = np.asarray(ds["lat_bounds"].values, "f8")
        self.ob = np.asarray(ds["lon_bounds"].values, "f8")
        self._prepared: dict[str, Prepared] = {}
        self._grid_id: str | None = None
        self.overlap: dict[str, float] = {}
        self._land: np.ndarray | None = None
        self._done: dict[tuple, tuple[xr.DataArray, xr.DataArray, np.ndarray]] = {}
        #: on a cluster, what this aggregation sent to the workers (:func:`mip.budgets.cluster.scattered`)
        self._sent: dict[object, object] = {}  # also the cluster's thread count (cluster_threads)
        #: variables summed by two products (a land part: over land, and in its total's rest over ocean)
        self.read_twice: set[str] = set()

    def land_of_cells(self, lat_b: np.ndarray | None = None, lon_b: np.ndarray | None = None) -> np.ndarray:
        """The land fraction of this grid's cells, computed once (weights and fills share it)."""
        if self._land is None:
            if self.land is None:
                from mip.regions.natural_earth import land_fraction as rule
            else:
                rule = self.land
            lf = np.asarray(rule(self.lb, self.ob), "f8").reshape(-1)
            inside = lf.size == 0 or (np.fmin.reduce(lf) >= 0.0 and np.fmax.reduce(lf) <= 1.0)
            self._land = lf if inside else np.clip(lf, 0.0, 1.0)  # a copy only when a rule strays
        return self._land

    def prepared(self, surface: str, steps: int, names: tuple[str, ...]) -> Prepared:
        """The weights on a surface (``land``, ``ocean``, ``any``), made once (cached on disk: :mod:`mip.budgets.prepared`).

        With the off-land and off-ocean cells whenever a variable of the dataset or of ``names`` lives on
        land or ocean (made again if an earlier call did not need them).
        """
        with_land = any(self.own_surface(v) in ("land", "ocean") for v in {*flux_variables(self.ds), *names})
        prep = self._prepared.get(surface)
        if prep is None or (with_land and "land" not in prep.off):
            from mip.budgets.prepared import prepare

            prep = self._prepared[surface] = prepare(self.regions, self.ds, surface, steps, self.land_of_cells,
                                                     self.grid_id() if self.land is None else None, with_land)
            self.overlap[surface] = prep.overlap
        return prep

    def grid_id(self) -> str | None:
        """The grid's digest for the on-disk cache (None without ``$MIP_CACHE_DIR``), computed once."""
        from mip._options import get_option

        if self._grid_id is None and get_option("cache_dir"):
            from mip.budgets.prepared import grid_id

            self._grid_id = grid_id(self.ds)
        return self._grid_id

    def own_surface(self, name: str) -> str | None:
        """The surface a variable's values live on (for what a NaN means), whatever the attribution."""
        from mip.regions.attribution import variable_surface

        try:
            return variable_surface(self.ds, name, self.surfaces)
        except MipError:
            return None if self.attribution == "area" else variable_surface(self.ds, name, self.surfaces)

    def off_surface(self, name: str, prep: Prepared) -> np.ndarray | None:
        """Cells where a NaN of ``name`` is a fill value off its surface (zero flux), not missing data."""
        own = self.own_surface(name)
        return prep.off[own] if own in ("land", "ocean") else None

    def totals(self, names: tuple[str, ...], surface: str, scale: float,
               coefs: tuple[float, ...] = (1.0,)) -> tuple[xr.DataArray, xr.DataArray, np.ndarray]:
        """(totals of Σ coef·variable × scale, missing fraction, the regions' weight on the surface) of one product."""
        key = (names, surface, coefs)
        if key not in self._done:
            prep = self.prepared(surface, max(_steps_per_block(self.ds[n]) for n in names), names)
            offs = tuple(self.off_surface(n, prep) for n in names)
            own = self.own_surface(names[0])
            on = own if offs[0] is not None else "any"
            on_w = prep.on[on]
            inv = np.divide(1.0, on_w, out=np.zeros_like(on_w), where=on_w > 0)
            # the cache entry's key says what each is (for a cluster to keep them), when there is one
            offs_of = ",".join(self.own_surface(n) if o is not None else "-" for n, o in zip(names, offs))
            sent_as = (f"{prep.key}|weights", f"{prep.key}|off {offs_of}", f"{prep.key}|inverse on {on}") \
                if prep.key else None
            self._done[key] = (*_region_totals([self.ds[n] for n in names], prep.weights, coefs, offs, inv, scale,
                                               tuple(n in self.read_twice for n in names), self._sent, sent_as),
                               on_w)
        return self._done[key]

    def land_parts(self, v: str) -> list[str]:
        """The land parts a flux on both surfaces is split into (its rest goes over ocean); none if it is not split."""
        from mip.regions.attribution import LAND_PARTS

        parts = [p for p in LAND_PARTS.get(v, ()) if p in self.ds.data_vars]
        return parts if "ocean" in self.ds.data_vars else []

    def plan(self, variables: list[str]) -> None:
        """Note the variables two products will sum (:attr:`read_twice`), before any product is made."""
        from mip.regions.attribution import variable_surface

        for v in variables:
            try:
                both = self.attribution == "surface" and variable_surface(self.ds, v, self.surfaces) == "both"
            except MipError:  # :meth:`variable` says so, in its turn
                continue
            if both:
                self.read_twice.update(self.land_parts(v))

    def variable(self, v: str, scale: float) -> tuple[xr.DataArray, xr.DataArray, str]:
        """(totals, missing fraction, how it was attributed) of one flux variable."""
        from mip.regions.attribution import variable_surface

        surface = variable_surface(self.ds, v, self.surfaces) if self.attribution == "surface" else "any"
        if surface != "both":
            tot, frac, _ = self.totals((v,), surface, scale)
            return tot, frac, f"{surface} surface" if surface != "any" else "area"
        parts = self.land_parts(v)
        if not parts:
            tot, frac, _ = self.totals((v,), "any", scale)
            return tot, frac, "area (its land and ocean parts are not in the dataset)"
        # v = its land parts + the rest over ocean; by linearity the land parts' own totals serve, and
        # the rest (v − Σ parts, each NaN read by its own variable's rule) is one product over ocean
        pieces = [self.totals((p,), "land", scale) for p in parts]
        pieces.append(self.totals((v, *parts), "ocean", scale, (1.0,) + (-1.0,) * len(parts)))
        tot = sum(t for t, _, _ in pieces)
        on = sum(o for _, _, o in pieces)
        frac = sum(f * xr.DataArray(o, dims="region") for _, f, o in pieces)
        frac = frac * xr.DataArray(np.divide(1.0, on, out=np.zeros_like(on), where=on > 0), dims="region")
        return tot, frac, f"{' + '.join(parts)} over land, the rest ({v} − {' − '.join(parts)}) over ocean"


def _period_label(period: str | Period | None, ds: xr.Dataset) -> str:
    """What a total is a mean over: ``monthly``, ``annual``, a period's label, or the whole axis's span."""
    if isinstance(period, Period):
        return period.label
    if period != "all":
        return period or "monthly"
    return f"{time_span(ds['time_bounds'], chars=7)} (the whole time axis)"


def _steps_per_block(da: xr.DataArray) -> int:
    """The most (time × member) steps one block of ``da`` holds (all of them for an array in memory)."""
    lead = [d for d in da.dims if d not in ("lat", "lon")]
    chunks = getattr(da, "chunksizes", None) or {}
    return int(np.prod([max(chunks[d]) if d in chunks else da.sizes[d] for d in lead], dtype=np.int64))


def _checked_period(period: object) -> str | Period | None:
    """``None``, ``"annual"``, ``"all"`` or a :class:`Period` (refusing anything else by name)."""
    if period is None or (isinstance(period, str) and period in ("annual", "all")):
        return period
    if isinstance(period, str) and period.isalpha():
        raise MipError(f"period {period!r}: expected None, 'annual', 'all' or a period such as '2015:2020'")
    return Period.parse(period)


def aggregate(ds: xr.Dataset, regions: RegionSet, *, period: str | tuple | Period | None = None,
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
        mean over the whole time axis; a period (``"2015:2020"``, ``("2015-03", "2016-02")``, a
        :class:`~mip.conventions.period.Period`: the last included, any calendar): one mean over its
        steps, which must cover it exactly (no step cut, none missing).  Means are weighted by
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
    from mip.budgets.completeness import step_weighted_means
    from mip.regions.attribution import ATTRIBUTIONS

    if attribution not in ATTRIBUTIONS:
        raise MipError(f"attribution {attribution!r}: expected one of {', '.join(ATTRIBUTIONS)}")
    period = _checked_period(period)
    ds = restore_bounds(ds, time=period is not None)
    if isinstance(period, Period):
        ds = period.select(ds)
    dt = bounds_seconds(ds["time_bounds"]) if period is not None else None
    products = _Products(ds, regions, attribution, surfaces, land)
    products.plan(variables or flux_variables(ds))
    incomplete: list[int] = []
    out = xr.Dataset()
    missing: dict[str, xr.DataArray] = {}
    for v in variables or flux_variables(ds):
        basis = ds[v].attrs["reported_as"]
        units, to = TOTAL_UNITS[basis]
        # kg s-1 → Pg (Tg) per Julian year, inside the block's own task
        tot, frac, how = products.variable(v, SECONDS_PER_YEAR * to)
        if period is not None:
            tot, frac, short = step_weighted_means(tot, frac, dt, period=period, min_months=min_months)
            incomplete = sorted(set(incomplete) | set(short))
        out[v] = tot.assign_attrs(
            units=units, reported_as=basis, year="Julian year, 365.25 days", regions=regions.description,
            attribution=how)
        missing[v] = frac.assign_attrs(units="1", long_name=f"fraction of each region's "
                                       f"{products.own_surface(v) or 'area'} with no {v} data (left out of the "
                                       "total; 1 = none: the total is NaN)")
    if incomplete:
        warnings.warn(f"year(s) {incomplete} have fewer than {min_months} months: their annual means are NaN "
                      "(min_months sets the rule)", IncompleteWarning, stacklevel=2)
    out.attrs.update({"period": _period_label(period, ds),
                      "incomplete_years": ", ".join(map(str, incomplete)), "attribution": attribution})
    return _with_coverage(out.assign_coords({f"missing_{v}": m for v, m in missing.items()}), ds, regions,
                          max(products.overlap.values(), default=0.0), products.grid_id())


def _with_coverage(out: xr.Dataset, ds: xr.Dataset, regions: RegionSet, overlap: float,
                   grid: str | None = None) -> xr.Dataset:
    """The region coordinates, the unattributed rows' labels, and what the regions cover of the grid (warned)."""
    from mip.budgets.prepared import coverage
    from mip.regions.attribution import unattributed_names

    area, uncovered, overlapping = coverage(regions, ds, grid)
    extra = unattributed_names(regions)
    groups = regions.group_names
    out.attrs.update({"uncovered_area_fraction": uncovered, "overlapping_area_fraction": overlapping,
                      "overlap_within_a_set": overlap})
    if overlap > 1e-6:  # below that: rounding of polygons that share edges
        warnings.warn(f"regions of one set overlap ({overlap:.2%} of the grid's area is in "
                      "two regions of the same set): those cells are counted in each, and nothing of them is "
                      "reported unattributed", RegionWarning, stacklevel=3)
    domain = _domain_coverage(regions, ds, area)
    if domain is not None:
        part = [f"{n} {c:.0%}" for n, c in zip(regions.names, domain) if 1e-9 < c < 1 - 1e-6]
        outside = [n for n, c in zip(regions.names, domain) if c <= 1e-9]
        out.attrs["domain"] = "regional grid: region totals cover the part of each region inside it"
        if part or outside:
            out.attrs["partly_outside_domain"] = "; ".join(part)
            out.attrs["outside_domain"] = ", ".join(outside)
            warnings.warn(f"the grid is a regional domain: {len(part)} region(s) lie partly outside it and their "
                          f"totals cover only the part inside (share of each region's area inside: {'; '.join(part[:12])}"
                          f"{' ...' if len(part) > 12 else ''})" + (f"; {len(outside)} lie wholly outside (totals 0)"
                                                                   if outside else ""), RegionWarning, stacklevel=3)
    return out.assign_coords(region=list(regions.names) + extra,
                             region_area=("region", np.concatenate([area, np.full(len(extra), np.nan)])),
                             **({"region_in_domain": ("region", np.concatenate([domain, np.full(len(extra), np.nan)]))}
                                if domain is not None else {}),
                             abbrev=("region", list(regions.abbrevs) + ["UNATTR"] * len(extra)),
                             region_surface=("region", list(regions.region_surfaces) + ["-"] * len(extra)),
                             region_group=("region", list(regions.region_groups) + groups),
                             unattributed=("region", [False] * len(regions) + [True] * len(extra)))
