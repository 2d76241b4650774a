"""The task graph of region totals: one task per block, and the totals and missing fractions gathered in few.

:func:`mip.budgets.aggregation._apply` turns a block of cells into its region totals and missing
fractions side by side.  Built with ``blockwise`` and sliced in two, that was four tasks per block: the
file's block, the product, and one slice for each half.  On a ``LocalCluster`` every task is a round trip
to the scheduler, and at 0.1° (one month a block) the round trips and the scheduler's own CPU made the
cluster 1.35× slower than threads on the same cores (issue #28).  Here each block is one task (the
block's read, from :func:`mip.budgets.unscaled.unscaled`, runs inside the product's task), and each half
is gathered by one task per run of blocks along the last leading axis (time, mostly): 3 models × 12
monthly blocks are 36 + 2 × 3 tasks instead of 144.  A block's totals are small (steps × regions), so
one chunk holds a whole time axis; every other leading axis (model, experiment) keeps its blocks, so
that a selection such as ``out.land.sel(model="X")`` computes only that model's products.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

__all__ = ["region_blocks"]


def _inline(arr: object, key: tuple) -> object:
    """The task behind ``key`` to run inside its consumer's task, when ``arr``'s own layer holds it; else a reference."""
    from dask._task_spec import Task, TaskRef
    from dask.highlevelgraph import MaterializedLayer

    layer = arr.__dask_graph__().layers.get(arr.name)
    node = layer.mapping.get(key) if isinstance(layer, MaterializedLayer) else None
    return node if isinstance(node, Task) else TaskRef(key)


def _part(blocks: list, lo: int, hi: int) -> np.ndarray:
    """``[..., lo:hi]`` of consecutive blocks along the last leading axis, put together along it."""
    parts = [b[..., lo:hi] for b in blocks]
    return np.concatenate(parts, axis=-2) if parts[0].ndim > 1 else parts[0]


def region_blocks(datas: list, func: Callable[..., np.ndarray], nout: int, split: int, *, args: tuple = (),
                  inline: tuple[bool, ...] | None = None, token: object = None) -> tuple:
    """Two dask arrays: ``[..., :split]`` and ``[..., split:]`` of ``func(*args, *blocks)`` over the blocks of ``datas``.

    Parameters
    ----------
    datas
        Dask arrays of one shape and chunking, each whole along its last two axes (the grid).
    func
        Block function: ``func(*args, *blocks)`` → an array of the blocks' leading shape + (``nout``,).
    nout
        Length of ``func``'s last axis.
    split
        Where the last axis is cut in two.
    args
        Given first to every call (a ``distributed`` future is sent to each worker once).
    inline
        Per input, whether its blocks' tasks may run inside the product's task (each of its blocks used by
        this product only, as :func:`~mip.budgets.unscaled.unscaled`'s); default none.
    token
        What identifies the computation besides the inputs (for the graph's key names).

    Returns
    -------
    tuple of dask.array.Array
        The two parts, chunked as the inputs along the leading axes but the last (whole), and whole
        along the part of the last axis.
    """
    import dask.array as dsa
    from dask._task_spec import List, Task, TaskRef
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph, MaterializedLayer

    inline = inline or (False,) * len(datas)
    tok = tokenize(*(d.name for d in datas), func, nout, split, token)
    name = "mip-region-product-" + tok
    lead = datas[0].numblocks[:-2]
    dsk = {}
    for b in itertools.product(*(range(n) for n in lead)):
        ins = [_inline(d, (d.name,) + b + (0, 0)) if il else TaskRef((d.name,) + b + (0, 0))
               for d, il in zip(datas, inline)]
        dsk[(name,) + b] = Task((name,) + b, func, *args, *ins)
    layers, deps = {}, {}
    for d in datas:
        g = d.__dask_graph__()
        layers.update(g.layers)
        deps.update({k: set(v) for k, v in g.dependencies.items()})
    layers[name] = MaterializedLayer(dsk)
    # the product may read any of the inputs' layers (an inlined block's own reads); culling keeps those it needs
    deps[name] = set(layers) - {name}
    out = []
    chunks = datas[0].chunks[:-2]
    outer = lead[:-1]  # every leading axis but the last keeps its blocks: a selection computes only its products
    for part, (lo, hi) in (("totals", (0, split)), ("missing", (split, nout))):
        pname = f"mip-region-{part}-{tok}"
        tasks = {}
        for g in itertools.product(*(range(n) for n in outer)):
            key = (pname,) + g + (0,) * (1 + (len(lead) > 0))
            refs = List(*(TaskRef((name,) + g + (i,)) for i in range(lead[-1]))) if lead else List(TaskRef((name,)))
            tasks[key] = Task(key, _part, refs, lo, hi)
        layers[pname] = MaterializedLayer(tasks)
        deps[pname] = {name}
        graph = HighLevelGraph(dict(layers), {k: set(v) for k, v in deps.items()})
        out.append(dsa.Array(graph, pname, chunks[:-1] + tuple((sum(c),) for c in chunks[-1:]) + ((hi - lo,),),
                             meta=np.empty((0,) * (len(lead) + 1))))
    return tuple(out)
