"""What an aggregation sends to a dask.distributed cluster's workers: once per aggregation, never inside the graph.

On the threaded scheduler the weights, fill masks and inverse surface weights are shared by reference; on a
cluster each goes to every worker once as a future (:func:`scattered`), the fill masks packed
(:class:`PackedMask`).  Those read from ``$MIP_CACHE_DIR`` are named by their entry's key and stay on the
workers for the client's next aggregation of the same weights.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

__all__ = ["KEEP", "cluster_threads", "distributed_client", "PackedMask", "packed", "scattered"]


def distributed_client() -> object | None:
    """The dask.distributed client dask computes with here, if any (never imports distributed itself).

    Returns
    -------
    distributed.Client or None
    """
    import sys

    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:  # no client: the threaded scheduler
        return None


def cluster_threads(client: object, sent: dict) -> int:
    """The threads of ``client``'s workers, all together, asked of the scheduler once per aggregation.

    Parameters
    ----------
    client
        A ``distributed.Client``.
    sent
        The aggregation's record (see :func:`scattered`), where the answer is kept.

    Returns
    -------
    int
    """
    if "threads" not in sent:  # the record's other keys are tuples
        sent["threads"] = sum(client.nthreads().values())
    return sent["threads"]


class PackedMask:
    """A cell mask sent to a cluster's workers packed eight cells a byte, unpacked only by a block with a NaN.

    The fill masks (cells off a variable's surface) serve only blocks that hold a NaN; at 0.1° each is 6.5 MB
    of bools, more than the weights (5.1 MB), sent to every worker by every aggregation.

    Parameters
    ----------
    mask
        Booleans, one per cell (flattened).

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros(10, bool); m[[0, 9]] = True
    >>> PackedMask(m).bits.nbytes, np.flatnonzero(PackedMask(m).unpack()).tolist()
    (2, [0, 9])
    """

    __slots__ = ("bits", "size")

    def __init__(self, mask: np.ndarray) -> None:
        self.bits, self.size = np.packbits(np.asarray(mask, bool)), int(np.size(mask))

    def unpack(self) -> np.ndarray:
        """The mask.

        Returns
        -------
        numpy.ndarray
            Booleans, flat.
        """
        return np.unpackbits(self.bits, count=self.size).view(bool)


def packed(offs: tuple[np.ndarray | None, ...], sent: dict) -> tuple[PackedMask | None, ...]:
    """``offs`` with each mask packed once per aggregation (the same mask, the same :class:`PackedMask`).

    Parameters
    ----------
    offs
        A product's fill masks (None: no mask).
    sent
        The aggregation's record of what it sent (see :func:`scattered`); the packed masks are kept there.

    Returns
    -------
    tuple
    """
    out = []
    for o in offs:
        if o is not None:
            o = sent.setdefault(("packed", id(o)), (o, PackedMask(o)))[1]  # o held: its id is not reused
        out.append(o)
    return tuple(out)


#: per client, the data sent under a content name (a cache entry's key), newest last: a later aggregation of the
#: same weights finds them on the workers instead of sending them again (its objects, read anew, are new)
#: (keyed by the client's id: a future holds its client, so a weak key would never go)
_KEPT: dict[str, OrderedDict[str, tuple[object, object]]] = {}
#: how many named objects stay on a client's workers (at 0.1°, each 0.8-5 MB)
KEEP = 8


def _closed(future: object) -> bool:
    """Whether ``future``'s client is closed."""
    return getattr(getattr(future, "client", None), "status", "closed") in ("closing", "closed")


def scattered(client: object, args: tuple, sent: dict, names: tuple[str | None, ...] | None = None) -> tuple:
    """``args`` as futures on every worker of ``client``, each sent once per aggregation, or once per client if named.

    The products of one aggregation share their surface's weights and fill masks, which are sent once, not
    once per product, and not hashed (distributed's ``hash=True`` read all 80 MB of the 0.1° countries'
    weights for every product to name them).  An object with a name (``names``: the cache entry it was read
    from, and what of it) is kept on the workers for the client's later aggregations, the last :data:`KEEP`
    names per client; a second aggregation of the same weights then sends nothing.

    Parameters
    ----------
    client
        A ``distributed.Client``.
    args
        What the product's tasks take besides their blocks (a tuple is sent as one object).
    sent
        The aggregation's record: an object's identity (a tuple's, by its items) → ``(object, future)``.  The
        object is held with its future, so its identity cannot be reused while the record lives.
    names
        Per item of ``args``, a name that says its content exactly (a cache key), or None.

    Returns
    -------
    tuple
        The futures, in the order of ``args``.
    """

    def key(o: object) -> tuple:
        return ("tuple", *map(id, o)) if isinstance(o, tuple) else (id(o),)

    for cid in [c for c, v in _KEPT.items() if not v or _closed(next(iter(v.values()))[1])]:
        del _KEPT[cid]  # a closed client's: nothing of it can be used again
    kept = _KEPT.setdefault(client.id, OrderedDict())
    names = names or (None,) * len(args)
    for o, name in zip(args, names):
        old = kept.get(name) if name else None
        if old is not None and key(o) not in sent and getattr(old[1], "status", None) == "finished":
            sent[key(o)] = (o, old[1])  # on the workers since an earlier aggregation
    new = list({key(o): o for o in args if key(o) not in sent}.items())
    if new:
        futures = client.scatter([o for _, o in new], broadcast=True, hash=False)
        sent.update({k: (o, f) for (k, o), f in zip(new, futures)})
    for o, name in zip(args, names):  # newest last
        if name:
            kept[name] = sent[key(o)]
            kept.move_to_end(name)
    while len(kept) > KEEP:
        kept.popitem(last=False)
    return tuple(sent[key(o)][1] for o in args)
