"""What an aggregation sends to a dask.distributed cluster's workers: once per aggregation, never inside the graph.

On the threaded scheduler the weights, fill masks and inverse surface weights are shared by reference; on a
cluster each goes to every worker once as a future (:func:`scattered`), the fill masks packed
(:class:`PackedMask`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["cluster_threads", "distributed_client", "PackedMask", "packed", "scattered"]


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


def scattered(client: object, args: tuple, sent: dict) -> tuple:
    """``args`` as futures on every worker of ``client``, each sent once per aggregation.

    The products of one aggregation share their surface's weights and fill masks, which are sent once, not
    once per product, and not hashed (distributed's ``hash=True`` read all 80 MB of the 0.1° countries'
    weights for every product to name them).

    Parameters
    ----------
    client
        A ``distributed.Client``.
    args
        What the product's tasks take besides their blocks (a tuple is sent as one object).
    sent
        The aggregation's record: an object's identity (a tuple's, by its items) → ``(object, future)``.  The
        object is held with its future, so its identity cannot be reused while the record lives.

    Returns
    -------
    tuple
        The futures, in the order of ``args``.
    """

    def key(o: object) -> tuple:
        return ("tuple", *map(id, o)) if isinstance(o, tuple) else (id(o),)

    new = list({key(o): o for o in args if key(o) not in sent}.items())
    if new:
        futures = client.scatter([o for _, o in new], broadcast=True, hash=False)
        sent.update({k: (o, f) for (k, o), f in zip(new, futures)})
    return tuple(sent[key(o)][1] for o in args)
