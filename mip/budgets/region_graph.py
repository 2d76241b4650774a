"""The task graph of region totals: a task per block (a run of blocks on a cluster), gathered in few.

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

On a cluster even one task per block costs 2–3 ms of CPU each in the scheduler, the client and the
worker, which a small cluster takes from its workers.  There a task sums a run of consecutive blocks
(:func:`run_length`: about three tasks per worker thread), reading them in turn inside the task so that
it holds one block at a time, as a task per block does: at 0.1° on two workers, 6 tasks instead of 36,
and about 10 % less CPU over all the processes (issue #28, ``docs/benchmarks.md``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

__all__ = ["TASKS_PER_THREAD", "region_blocks", "run_length"]


def _inline(arr: object, key: tuple) -> object:
    """The task behind ``key`` to run inside its consumer's task, when ``arr``'s own layer holds it; else a reference."""
    from dask._task_spec import Task, TaskRef
    from dask.highlevelgraph import MaterializedLayer

    layer = arr.__dask_graph__().layers.get(arr.name)
    node = layer.mapping.get(key) if isinstance(layer, MaterializedLayer) else None
    return node if isinstance(node, Task) else TaskRef(key)


def _grouped(func: Callable[..., np.ndarray], nargs: int, reads: tuple, *args: object) -> np.ndarray:
    """``func(*args, *blocks)`` over a run of blocks in turn, each block read only when its turn comes.

    ``reads`` holds, per block, the tasks that read its inputs (each depending on no other task); only
    one block's values are held at a time, so a run costs the memory of one block.
    """
    outs = []
    for block in reads:
        outs.append(func(*args[:nargs], *(t() for t in block)))
    return np.concatenate(outs, axis=-2) if outs[0].ndim > 1 else outs[0]


#: on a cluster, how many tasks of each product every worker thread gets, about: enough that a worker which
#: finishes early finds another, few enough that the scheduler's and the workers' cost per task stays small
TASKS_PER_THREAD = 3


def run_length(lead: tuple[int, ...], nthreads: int) -> int:
    """How many consecutive blocks along the last leading axis one task sums on a cluster of ``nthreads``.

    Each task on a cluster costs the scheduler, the client and the worker 2–3 ms of CPU (issue #28); on a
    small cluster that CPU is taken from the workers.  A product gets about ``TASKS_PER_THREAD`` tasks per
    thread, its runs of one length but the last (3 models × 12 months on 2 threads: runs of 6; 10 blocks
    on 1 thread: 4, 4 and 2).

    Parameters
    ----------
    lead
        The number of blocks along each leading axis (all but the grid's two).
    nthreads
        The cluster's threads, over all its workers.

    Returns
    -------
    int
        Blocks per task, at least 1.

    Examples
    --------
    >>> run_length((3, 1, 12), 2), run_length((3, 1, 12), 64), run_length((), 2)
    (6, 1, 1)
    """
    if not lead or nthreads < 1:
        return 1
    outer = int(np.prod(lead[:-1], dtype=np.int64))
    runs = min(lead[-1], -(-TASKS_PER_THREAD * nthreads // outer))  # per outer index, at least one
    return -(-lead[-1] // runs)


def _part(blocks: list, lo: int, hi: int) -> np.ndarray:
    """``[..., lo:hi]`` of consecutive blocks along the last leading axis, put together along it."""
    parts = [b[..., lo:hi] for b in blocks]
    return np.concatenate(parts, axis=-2) if parts[0].ndim > 1 else parts[0]


def region_blocks(datas: list, func: Callable[..., np.ndarray], nout: int, split: int, *, args: tuple = (),
                  inline: tuple[bool, ...] | None = None, token: object = None, group: int = 1) -> tuple:
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
    group
        How many consecutive blocks along the last leading axis one task sums, reading them in turn
        (on a cluster, where each task costs the scheduler and the workers; see :func:`run_length`).
        Only when every input is read inside the task; else one block a task.

    Returns
    -------
    tuple of dask.array.Array
        The two parts, chunked as the inputs along the leading axes but the last (whole), and whole
        along the part of the last axis.
    """
    import dask.array as dsa
    from dask._task_spec import DataNode, List, Task, TaskRef
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph, MaterializedLayer

    inline = inline or (False,) * len(datas)
    lead = datas[0].numblocks[:-2]
    ins = {b: [_inline(d, (d.name,) + b + (0, 0)) if il else TaskRef((d.name,) + b + (0, 0))
               for d, il in zip(datas, inline)] for b in itertools.product(*(range(n) for n in lead))}
    # a run of blocks in one task only when each block's reads depend on nothing: no block waits in memory
    alone = all(isinstance(t, Task) and not t.dependencies for b in ins.values() for t in b)
    group = max(1, min(int(group), lead[-1])) if lead and alone else 1
    tok = tokenize(*(d.name for d in datas), func, nout, split, token, group)
    name = "mip-region-product-" + tok
    dsk = {}
    if group == 1:
        for b, i in ins.items():
            dsk[(name,) + b] = Task((name,) + b, func, *args, *i)
    else:
        runs: dict[tuple, list] = {}
        for b, i in ins.items():
            runs.setdefault((name,) + b[:-1] + (b[-1] // group,), []).append(tuple(i))
        for key, run in runs.items():  # the reads as data: run by _grouped in turn, not before it
            dsk[key] = Task(key, _grouped, func, len(args), DataNode(None, tuple(run)), *args)
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
    nrun = -(-lead[-1] // group) if lead else 0  # tasks along the last leading axis
    for part, (lo, hi) in (("totals", (0, split)), ("missing", (split, nout))):
        pname = f"mip-region-{part}-{tok}"
        tasks = {}
        for g in itertools.product(*(range(n) for n in outer)):
            key = (pname,) + g + (0,) * (1 + (len(lead) > 0))
            refs = List(*(TaskRef((name,) + g + (i,)) for i in range(nrun))) if lead else List(TaskRef((name,)))
            tasks[key] = Task(key, _part, refs, lo, hi)
        layers[pname] = MaterializedLayer(tasks)
        deps[pname] = {name}
        graph = HighLevelGraph(dict(layers), {k: set(v) for k, v in deps.items()})
        out.append(dsa.Array(graph, pname, chunks[:-1] + tuple((sum(c),) for c in chunks[-1:]) + ((hi - lo,),),
                             meta=np.empty((0,) * (len(lead) + 1))))
    return tuple(out)
