"""Combining members into one ensemble Dataset, reporting (never hiding) the misfits."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from mip.errors import InputError, MemberWarning, MipError
from mip.geometry.grid import GRID_TOLERANCE, grid_offset, grid_signature, same_grid
from mip.conventions.model import flux_variables

if TYPE_CHECKING:
    import dask.array as dsa

__all__ = ["combine_members", "Member", "unreadable_members", "READ_FAILURES"]

_SHARED = ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area", "time", "time_bounds")


def _block_array(parts: dict, lead: tuple[int, int], shape: tuple, chunks: tuple, dtype) -> "dsa.Array":
    """One dask array (model, experiment, ...) whose blocks are the members' own blocks.

    A single layer of aliases (plus NaN blocks for absent pairs): no stacking layers for
    the optimiser to fuse through, which for a large ensemble cost more than reading it.
    """
    import itertools

    import dask.array as dsa
    from dask._task_spec import Alias
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph

    want = ((1,), (1,)) + tuple(chunks)
    present = {}
    for k, part in parts.items():
        if part is not None:
            a, i, j = part
            if a.chunks[2:] != tuple(chunks) or any(c != 1 for c in a.chunks[0] + a.chunks[1]):
                a, i, j = a[i:i + 1, j:j + 1].rechunk(want), 0, 0
            present[k] = (a, i, j)
    if len(present) < len(parts):
        fill = dsa.full((1, 1) + tuple(shape), np.nan, chunks=want, dtype=dtype)
        present.update({k: (fill, 0, 0) for k in parts if k not in present})
    name = "mip-ensemble-" + tokenize(sorted((k, a.name, i, j) for k, (a, i, j) in present.items()), lead, chunks)
    blocks = list(itertools.product(*(range(len(c)) for c in chunks)))
    dsk = {}
    for (mi, ei), (a, i, j) in present.items():
        for b in blocks:
            key = (name, mi, ei) + b
            dsk[key] = Alias(key, (a.name, i, j) + b)
    deps = list({a.name: a for a, _, _ in present.values()}.values())
    graph = HighLevelGraph.from_collections(name, dsk, dependencies=deps)
    return dsa.Array(graph, name, ((1,) * lead[0], (1,) * lead[1]) + tuple(chunks), dtype=dtype)


def _stack(kept: list[xr.Dataset]) -> xr.Dataset:
    """Members (same grid and time axis) → one Dataset on (model, experiment, ...), NaN where absent.

    Built block by block from the members' (dask) arrays — no coordinate alignment, which
    costs more than the data for a large ensemble.
    """
    import dask.array as dsa

    models: list[str] = []
    exps: list[str] = []
    system: dict[str, str] = {}
    cells: dict[tuple[str, str], tuple[xr.Dataset, int, int]] = {}
    for g in kept:
        for i, m in enumerate(map(str, g["model"].values)):
            if m not in models:
                models.append(m)
            if "system" in g.coords:
                system.setdefault(m, str(g["system"].values[i]))
            for j, e in enumerate(map(str, g["experiment"].values)):
                if e not in exps:
                    exps.append(e)
                cells[(m, e)] = (g, i, j)
    ref = kept[0]
    names = list(dict.fromkeys(v for g in kept for v in g.data_vars))
    data = {}
    for v in names:
        proto = next(g[v] for g in kept if v in g)
        shape = proto.shape[2:]
        chunks = dsa.core.normalize_chunks(proto.data.chunks[2:] if hasattr(proto.data, "chunks") else shape, shape)

        def block(m: str, e: str):
            g, i, j = cells.get((m, e), (None, 0, 0))
            if g is None or v not in g:
                return None
            arr = g[v].data
            arr = arr if hasattr(arr, "dask") else dsa.from_array(arr, chunks=(1, 1) + chunks)
            return arr, i, j

        arr = _block_array({(mi, ei): block(m, e) for mi, m in enumerate(models) for ei, e in enumerate(exps)},
                           (len(models), len(exps)), shape, chunks, proto.dtype)
        data[v] = (proto.dims, arr, dict(proto.attrs))
    src = np.array([[str(cells[(m, e)][0]["source_file"].values[cells[(m, e)][1], cells[(m, e)][2]])
                     if (m, e) in cells and "source_file" in cells[(m, e)][0].coords else ""
                     for e in exps] for m in models], dtype=object)
    coords = {k: ref[k].variable for k in _SHARED if k in ref.variables}
    coords.update({"model": ("model", models), "experiment": ("experiment", exps),
                   "system": ("model", [system.get(m, m) for m in models]),
                   "source_file": (("model", "experiment"), src)})
    attrs = {k: v for k, v in ref.attrs.items() if all(g.attrs.get(k) == v for g in kept)}
    out = xr.Dataset(data, coords=coords, attrs=attrs)
    for v in names:
        for key in ("source_file", "conversion_factor", "native_units", "native_name"):
            vals = {str(g[v].attrs.get(key)) for g in kept if v in g and key in g[v].attrs}
            if len(vals) > 1:
                out[v].attrs[key] = "differs between members: see " + (
                    "coordinate 'source_file'" if key == "source_file" else "each member's file")
    return out

#: (model, experiment, opener) — the opener returns the member's canonical Dataset.
Member = tuple  # (model, experiment, opener) or (model, experiment, opener, source)


def _relabel(ds: xr.Dataset, model: str, exp: str) -> xr.Dataset:
    """Give a one-member dataset the catalog's labels (a file holding several members keeps its own)."""
    # readers that take the catalog's labels already carry them: relabelling costs ~4 ms a member, so only on a change
    new = {d: [label] for d, label in (("model", model), ("experiment", exp))
           if label and ds.sizes.get(d) == 1 and str(ds[d].values[0]) != label}
    return ds.assign_coords(new) if new else ds


def _calendar(t: np.ndarray) -> str:
    return "datetime64" if np.issubdtype(np.asarray(t).dtype, np.datetime64) else getattr(t[0], "calendar", "?")


def _common_time_axis(good: list[xr.Dataset], excluded: list[str]) -> tuple[list[xr.Dataset], list[str]]:
    """Members on the union of their time axes, NaN outside each one's span (as xclim's ensembles do).

    Members on another calendar than most are left out (their months cannot be lined up) and named.
    """
    from mip.io import time_chunk

    cals = [_calendar(g["time"].values) for g in good]
    main = max(set(cals), key=cals.count)
    same = []
    for g, c in zip(good, cals):
        if c == main:
            same.append(g)
        else:
            m, e = str(g["model"].values[0]), str(g["experiment"].values[0])
            excluded.append(f"{m}/{e}: calendar {c} differs from the ensemble's {main}")
    bounds: dict = {}
    for g in same:
        for t, b in zip(g["time"].values, g["time_bounds"].values):
            bounds.setdefault(t, b)
    union = sorted(bounds)
    padded, kept = [], []
    for g in same:
        t = g["time"].values
        if len(t) == len(union) and all(a == b for a, b in zip(t, union)):
            kept.append(g)
            continue
        m, e = str(g["model"].values[0]), str(g["experiment"].values[0])
        padded.append(f"{m}/{e}: {str(t[0])[:7]}..{str(t[-1])[:7]} ({len(t)} of {len(union)} steps)")
        g = g.reindex(time=union).assign_coords(time_bounds=(("time", "bnds"), np.array([bounds[u] for u in union])))
        ncell = g.sizes.get("lat", 1) * g.sizes.get("lon", 1)
        for v in flux_variables(g):
            g[v] = g[v].chunk({"time": time_chunk(len(union), ncell)})
        kept.append(g)
    return kept, padded


#: What the netCDF/HDF5 backend raises when a stored block cannot be read (a damaged zlib chunk, a cut file).
READ_FAILURES = (RuntimeError, OSError)


def unreadable_members(ds: xr.Dataset) -> dict[tuple[str, str], str]:
    """The members whose stored data cannot be read, each with the backend's one-line reason.

    A damaged block shows only when the data are read, deep inside a computation that cannot say
    whose block it was; this reads each member's fluxes alone (a second pass, run only after such a
    failure) so that the damaged members can be named and left out like missing ones.

    Parameters
    ----------
    ds
        An ensemble from :func:`combine_members` (with the ``source_file`` coordinate).

    Returns
    -------
    dict
        ``{(model, experiment): reason}``; empty if every member reads.
    """
    bad = {}
    files = ds["source_file"] if "source_file" in ds.coords else None
    for m in ds["model"].values:
        for e in ds["experiment"].values:
            if files is not None and not str(files.sel(model=m, experiment=e).values):
                continue  # an absent pair: nothing stored
            try:
                for v in flux_variables(ds):
                    ds[v].sel(model=m, experiment=e).data.sum().compute()
            except READ_FAILURES as exc:
                bad[(str(m), str(e))] = f"data that cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())})"
    return bad


def _on_the_grid_of(ds: xr.Dataset, ref: xr.Dataset, label: str, snapped: list[str]) -> tuple[xr.Dataset, str | None]:
    """A member on the ensemble's grid (coordinates snapped within :data:`GRID_TOLERANCE`), or why it is not."""
    off = grid_offset(ds, ref)
    if off is None or off > GRID_TOLERANCE:
        sig, ref_grid = grid_signature(ds), grid_signature(ref)
        return ds, (f"{label}: grid {sig[:2]} (first cell {sig[2]}, {sig[3]}) differs from the "
                    f"ensemble's {ref_grid[:2]} (first cell {ref_grid[2]}, {ref_grid[3]})"
                    + (f" by up to {off:.3g} of a cell" if off is not None else "")
                    + "; regrid it first (regrid= / --regrid)")
    if off > 0:  # the same grid written with other rounding (float32 coordinates): the ensemble's is kept
        snapped.append(f"{label}: cell centres differ from the ensemble's by up to {off:.2g} of a cell "
                       f"(within {GRID_TOLERANCE:g}): the same grid")
        ds = ds.assign_coords({k: ref[k] for k in ("lat", "lon", "lat_bounds", "lon_bounds") if k in ref.coords})
    return ds, None


#: Results of the all-NaN scan by dask array name.  A name is dask's token of the whole computation,
#: which for a file opened by xarray includes its path and modification time: the same name is the same
#: data, so a second opening of an unchanged file in one process (``mip demo`` opens its sample twice)
#: is not read again for this check.  Bounded; a file that changes gets a new name.
_NAN_SCANS: dict[str, bool] = {}
_NAN_SCANS_MAX = 4096


def _all_nan(ds: xr.Dataset, label: str, where: str) -> str | None:
    """Why a member is left out for its data (every flux all NaN, or a block that cannot be read), or None."""
    import dask

    fv = flux_variables(ds)
    names = {v: getattr(ds[v].data, "name", None) for v in fv}
    todo = [v for v in fv if names[v] is None or names[v] not in _NAN_SCANS]
    try:  # every variable in one computation
        found = dict(zip(todo, dask.compute(*[ds[v].isnull().all() for v in todo])))
    except READ_FAILURES as exc:  # this pass reads every block: a damaged one is this member's
        return f"{label}: {where}: data that cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())})"
    if len(_NAN_SCANS) + len(found) > _NAN_SCANS_MAX:
        _NAN_SCANS.clear()
    _NAN_SCANS.update({names[v]: bool(x) for v, x in found.items() if names[v] is not None})
    nan = {v: bool(found[v]) if v in found else _NAN_SCANS[names[v]] for v in fv}
    if fv and all(nan.values()):
        return f"{label}: all values NaN in {', '.join(fv)}"
    return None


def _opened(opener: Callable[[], xr.Dataset], model: str, exp: str,
            regrid_to: xr.Dataset | tuple[float, float] | None) -> xr.Dataset:
    """One member opened, under the catalog's labels, on the target grid if one is given."""
    ds = _relabel(opener(), model, exp)
    if regrid_to is not None:
        from mip.geometry.regrid import regrid, target_grid

        tgt = target_grid(*regrid_to) if isinstance(regrid_to, tuple) else regrid_to
        if not same_grid(ds, tgt):
            ds = regrid(ds, tgt)
    return ds


def _provenance(out: xr.Dataset, kept: list[xr.Dataset]) -> None:
    """Each flux's source file, factor and native units: the members' one value, or where to find theirs."""
    out.attrs.pop("source_file", None)
    for v in flux_variables(out):
        for key in ("source_file", "conversion_factor", "native_units"):
            if key not in out[v].attrs:
                vals = {str(g[v].attrs.get(key)) for g in kept if v in g}
                out[v].attrs[key] = vals.pop() if len(vals) == 1 else \
                    "differs between members: see " + ("coordinate 'source_file'" if key == "source_file"
                                                       else "each member's file")
    out.attrs["source_files"] = "; ".join(
        sorted({str(g[v].attrs.get("source_file")) for g in kept for v in flux_variables(g)}))


def combine_members(members: Iterable[Member], *, check_all_nan: bool = True,
                    source: str = "ensemble", regrid_to: xr.Dataset | tuple[float, float] | None = None) -> xr.Dataset:
    """Open every member and combine them along ``model`` and ``experiment``.

    Members that are missing, unreadable, all-NaN, on a different grid or on a
    different time axis than the first good member are left out, and every one of
    them is named, with its reason, in a :class:`~mip.errors.MemberWarning` and in
    ``ds.attrs['excluded_members']``.  Model × experiment pairs that were never
    listed stay NaN, and are listed in ``ds.attrs['absent_pairs']``.  Members covering
    different spans are kept on the union of their time axes, NaN outside their own span, and
    named in ``ds.attrs['padded_members']``; only a member on another calendar is left out.

    Parameters
    ----------
    members
        ``(model, experiment, opener[, source])``: the catalog's labels, which the opened member
        takes (a reader's own labels never decide); an empty label keeps the reader's.  Two
        members with the same labels are an error naming both sources.
    check_all_nan
        Scan each member for all-NaN fluxes (one pass over its data).
    source
        Name of the catalog entry, for messages.
    regrid_to
        A target grid (dataset or ``(dlat, dlon)``): members on any other grid are
        regridded conservatively onto it (and say so in ``regridded``) instead of
        being left out.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    MipError
        If no member could be opened.
    """
    good: list[xr.Dataset] = []
    excluded: list[str] = []
    ref = None
    snapped: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    from mip.io.progress import steps

    members = list(members)
    for item in steps(members, f"opening {len(members)} members of {source}", unit="member"):
        model, exp, opener = item[:3]
        where = str(item[3]) if len(item) > 3 else f"member {len(seen) + 1}"
        if model and exp:
            if (model, exp) in seen:
                raise MipError(f"{source}: two members are labelled {model}/{exp}: {seen[(model, exp)]} and {where}")
            seen[(model, exp)] = where
        try:
            ds = _opened(opener, model, exp, regrid_to)
        except InputError as exc:
            excluded.append(f"{model}/{exp}: {exc}")
            continue
        if ref is None:
            ref = ds
        else:
            ds, why = _on_the_grid_of(ds, ref, f"{model}/{exp}", snapped)
            if why:
                excluded.append(why)
                continue
        why = _all_nan(ds, f"{model}/{exp}", where) if check_all_nan else None
        if why:
            excluded.append(why)
            continue
        good.append(ds)
    if not good:
        raise MipError(f"{source}: no member could be opened:\n  " + "\n  ".join(excluded))
    kept, padded = _common_time_axis(good, excluded)
    out = _stack(kept)
    for keep in ("sign_convention", "earth_radius", "product", "product_version"):
        if keep in kept[0].attrs:
            out.attrs[keep] = kept[0].attrs[keep]
    _provenance(out, kept)
    listed = {(str(g["model"].values[0]), str(g["experiment"].values[0])) for g in kept}
    absent = [f"{m}/{e}" for m in out["model"].values for e in out["experiment"].values if (m, e) not in listed]
    if absent:
        out.attrs["absent_pairs"] = "; ".join(absent)
    if snapped:
        out.attrs["grid_tolerance"] = "; ".join(snapped)
    if padded:
        out.attrs["padded_members"] = "; ".join(padded)
        warnings.warn(f"{source}: {len(padded)} member(s) cover part of the time axis and are NaN outside it:\n  "
                      + "\n  ".join(padded), MemberWarning, stacklevel=3)
    if excluded:
        out.attrs["excluded_members"] = "; ".join(excluded)
        warnings.warn(f"{source}: {len(excluded)} member(s) left out:\n  " + "\n  ".join(excluded),
                      MemberWarning, stacklevel=3)
    return out
