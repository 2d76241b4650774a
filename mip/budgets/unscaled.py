"""The readers' own blocks and unit factors behind a canonical array, for a linear product to scale its result.

A reader's canonical flux is its file's values times one unit (and sign) factor per variable
(:func:`mip.products._common.to_canonical_flux`), written as a float64 copy of every block.  A region
total is linear in the values, so the aggregation can sum the file's values as they were read (float32,
mostly) and scale the few totals instead: that saves writing and reading again a float64 copy of
every value, which cost about as much CPU as reading the file (issue #28).  :func:`unscaled` finds,
for each block of a canonical dask array, the block read from the file, the factor and the basic
indexing (the ensemble's added axes, a period's time slice) between the two; any other step on the
way (a regridding, a rechunk, arithmetic) and it returns ``None``: the aggregation then takes the
canonical blocks as they are.  The fill-value check that the scaling did is done by the consumer, on
the values as it reads them (:meth:`Scaled.inspector`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import numpy as np

__all__ = ["Scaled", "unscaled"]


class Scaled:
    """A block of a file's values and the factor that makes them canonical (``raw * factor``).

    Parameters
    ----------
    raw
        The values as read, with the canonical block's shape, not yet checked for undeclared fill
        values: its consumer calls :meth:`check` (or :meth:`inspector` on the pieces it reads).
    factor
        Unit and sign factor.
    file, variable
        Where the values come from, for the check's message.
    """

    __slots__ = ("raw", "factor", "file", "variable", "_checked")

    def __init__(self, raw: np.ndarray, factor: float, file: str | None = None, variable: str | None = None) -> None:
        self.raw, self.factor, self.file, self.variable = raw, float(factor), file, variable
        self._checked = False

    def __sizeof__(self) -> int:
        """The values' bytes: what dask.distributed weighs when it decides whether to move a block."""
        return object.__sizeof__(self) + int(self.raw.nbytes)

    def check(self) -> None:
        """Refuse undeclared fill values in the block (:func:`mip.products._common.check_values`), once."""
        from mip.products._common import check_values

        if not self._checked:
            check_values(self.raw, self.file, self.variable)
            self._checked = True

    def inspector(self) -> Callable[[np.ndarray], None] | None:
        """A check of a piece of the block's values (as stored) while it is in cache.

        Only a piece that holds a value the full check could refuse (≥ the fill limit, ≤ −999) sends
        the whole block through :meth:`check`, which names the value and counts it; a block of another
        type is not checked (as :func:`~mip.products._common.check_values`).
        """
        from mip.products._common import FILL_LIMIT

        if self.raw.dtype.kind not in "fc" or self._checked:
            return None

        def inspect(x: np.ndarray) -> None:
            if x.size and not self._checked and (np.fmax.reduce(x, axis=None) >= FILL_LIMIT
                                                 or np.fmin.reduce(x, axis=None) <= -999.0):
                self.check()

        return inspect


def _scaled_block(raw: np.ndarray, factor: float, index: tuple, file: str | None, variable: str | None) -> Scaled:
    """The task behind each block of :func:`unscaled`'s array: index the file's block, keep the factor.

    The fill-value check moves to the consumer, which reads the values anyway; when the indexing
    leaves part of the file's block out, the whole block is checked here (as the reader's scaling did).
    """
    whole = raw
    for ix in index:
        raw = raw[ix]
    out = Scaled(raw, factor, file, variable)
    if raw.size != whole.size:
        from mip.products._common import check_values

        check_values(whole, file, variable)
        out._checked = True
    return out


def _basic(ix: object) -> bool:
    """Whether an index is basic (a view: slices, None, integers), which commutes with scaling."""
    items = ix if isinstance(ix, tuple) else (ix,)
    return all(i is None or isinstance(i, (slice, int, np.integer)) for i in items)


def _getitems() -> tuple:
    from dask.array.chunk import getitem

    return operator.getitem, getitem


def _node(graph, key: object) -> object | None:
    """The task (or alias, or data) under a key of a high-level graph, from its own layer when it has one."""
    layer = graph.layers.get(key[0] if isinstance(key, tuple) else key)
    try:
        return layer[key] if layer is not None else graph[key]
    except KeyError:
        return None


def _resolve(graph, key: object) -> tuple | None:
    """(raw block's key, factor, indexes outermost last, file, variable) behind one block, or None."""
    from dask._task_spec import Alias, DataNode, Task, TaskRef

    from mip.products._common import scale_cells_first

    getitems = _getitems()
    index: list = []
    for _ in range(64):  # a chain of views is short; anything longer is not a reader's array
        task = _node(graph, key)
        if isinstance(task, Alias):
            key = task.target
            continue
        if not isinstance(task, Task) or not task.args or not isinstance(task.args[0], TaskRef):
            return None
        args = [a.value if isinstance(a, DataNode) else a for a in task.args]
        if task.func in getitems and len(args) == 2 and not task.kwargs and _basic(args[1]):
            index.append(args[1])
            key = task.args[0].key
            continue
        if task.func is scale_cells_first and len(args) == 2 and set(task.kwargs) <= {"file", "variable"}:
            if not isinstance(args[1], (float, np.floating)):
                return None
            return task.args[0].key, float(args[1]), tuple(index[::-1]), task.kwargs.get("file"), \
                task.kwargs.get("variable")
        return None
    return None


def _file_array(obj: object) -> bool:
    """Whether ``obj`` is xarray's lazy handle on a file's variable (wrappers around a backend array, no values)."""
    from xarray.backends.common import BackendArray

    for _ in range(16):  # xarray's wrappers: implicit-to-explicit, memory cache, copy-on-write, lazy indexing
        if isinstance(obj, BackendArray):
            return True
        if isinstance(obj, np.ndarray) or type(obj).__module__ != "xarray.core.indexing":
            return False  # values in memory (a cache filled), or something else: left where it is
        obj = getattr(obj, "array", None)
    return False


def _with_files(task: object, graph) -> object:
    """``task`` with its references to lazy file handles (xarray's ``original-…`` keys) replaced by the handles.

    A block read inside its product's task then depends on no other task: on a cluster, distributed
    counts a task group with few dependencies as a root and hands its tasks to the workers as they
    free up.  With one ``original`` key per file among its dependencies, the 0.1° budget's 36 tasks
    (3 files) were not roots: they were placed up front next to their file's handle, and one worker
    waited 70 ms for the other at the end (issue #28).  A handle pickles as its path and options, and
    a worker opens each file once whichever task it comes in.  Done here rather than with xarray's
    ``inline_array=True`` at each reader's ``chunk``: one place for every reader, and a handle whose cache
    already holds the values (which would then travel in every task) is left where it is.
    """
    from dask._task_spec import DataNode

    subs = {}
    for dep in task.dependencies:
        value = _node(graph, dep)
        if isinstance(value, DataNode):
            value = value.value
        if _file_array(value):
            subs[dep] = DataNode(dep, value)
    return task.substitute(subs) if subs else task


def unscaled(data: object) -> object | None:
    """A dask array of :class:`Scaled` blocks, one per block of ``data``, or None when one cannot be found.

    Parameters
    ----------
    data
        A canonical flux's dask array.

    Returns
    -------
    dask.array.Array or None
        Same chunks as ``data``; its blocks are :class:`Scaled` (for a consumer that knows them,
        such as :func:`mip.budgets.aggregation._apply`), computed from the file's blocks without
        the float64 copy.

    Examples
    --------
    Only a reader's arrays have a raw block behind them:

    >>> import dask.array as da
    >>> unscaled(da.ones((2, 3, 4), chunks=(1, 3, 4))) is None
    True
    """
    import itertools
    from collections import Counter

    import dask.array as dsa
    from dask._task_spec import Task, TaskRef
    from dask.base import tokenize
    from dask.highlevelgraph import HighLevelGraph, MaterializedLayer

    if not isinstance(data, dsa.Array):
        return None
    graph = data.__dask_graph__()
    name = "mip-unscaled-" + tokenize(data.name)
    found = {}
    for b in itertools.product(*(range(n) for n in data.numblocks)):
        found[b] = _resolve(graph, (data.name,) + b)
        if found[b] is None:
            return None
    uses = Counter(f[0] for f in found.values())
    dsk = {}
    for b, (raw, factor, index, file, variable) in found.items():
        # a file block only this block reads is read inside its task (one task a block instead of two: on a
        # cluster each costs a round trip to the scheduler); one shared by several blocks (split by a
        # rechunk), or anything but a plain task, is referred to and read once
        node = _node(graph, raw) if uses[raw] == 1 else None
        read = _with_files(node, graph) if isinstance(node, Task) else TaskRef(raw)
        dsk[(name,) + b] = Task((name,) + b, _scaled_block, read, factor, index, file, variable)
    # the new layer may depend on any of ``data``'s layers (a key's name need not be its layer's: a
    # reordering take's keys are not); culling keeps only those holding keys it needs, so ``data``'s own
    # float64 copies, referenced by nothing, are never computed
    layers = dict(graph.layers)
    layers[name] = MaterializedLayer(dsk)
    deps = {k: set(v) for k, v in graph.dependencies.items()}
    deps[name] = set(graph.layers)
    hlg = HighLevelGraph(layers, deps)
    return dsa.Array(hlg, name, data.chunks, meta=np.empty((0,) * data.ndim, data.dtype))
