"""Region sets combined with ``+`` as one partition of the cells: ``W = A @ B``, each value weighed once.

A cell lies in one region of each set (countries, land/ocean, latitude bands, with each set's
unattributed row), and each set's weights in the cell add up to the same total (its area, or its
area on the flux's surface).  So the cell can be cut into *pieces*, each wholly in one region of
every set: a cell inside one country, on land, in one band is one piece; a cell split 30/70 between
two countries and 40/60 between land and ocean is three (0–0.3, 0.3–0.4, 0.4–1 of it, the
"north-west corner" of the two splits).  Pieces with the same regions form an *atom*.  ``B`` (atom ×
cell) holds each piece's weight, ``A`` (region × atom) is 1 where the atom lies in the region, and
``A @ B`` gives every region's weights back: a set's regions still take their exact share of each
cell, because the pieces cut every set's split at its own boundaries.

The product then reads about one weight a cell instead of one per set (1° countries + land/ocean +
bands, a land flux: 67 462 against 197 062, 271 atoms) and ``A`` is small.  A cell whose sets do not
agree on its total (regions of one set that overlap) cannot be cut so: :func:`atoms` returns None and
the sets are multiplied one by one.

Where a cell lies in one region of every set, its weight is taken from the first set: the sets'
weights there agree within :data:`~mip.budgets.region_product.SAME_WEIGHT` (checked), and a piece
narrower than that share of its cell is left out, so a region's total moves by at most that share
of the sum of its cells' absolute contributions, as with the runs.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["atoms"]


def atoms(weights: sp.spmatrix, groups: np.ndarray, tol: float) -> tuple[sp.csr_matrix, sp.csc_matrix] | None:
    """``(A, B)`` with ``A @ B`` equal to ``weights`` (within ``tol`` of each cell's total), or None.

    Parameters
    ----------
    weights
        (region × cell) weights of several sets, every cell covered by each set alike.
    groups
        The set of each row.
    tol
        Relative difference allowed between the sets' totals in a cell, and the narrowest piece kept.

    Returns
    -------
    (A, B) or None
        ``A`` (region × atom) of ones, ``B`` (atom × cell) the pieces' weights; None when the sets do not
        cut every cell alike (see the module docstring).

    Examples
    --------
    >>> w = sp.csr_matrix([[3.0, 1.0], [0.0, 3.0], [3.0, 2.0], [0.0, 2.0]])  # sets {0, 1}, {2, 3}; cells of 3, 4
    >>> a, b = atoms(w, np.array([0, 0, 1, 1]), 1e-12)
    >>> np.allclose((a @ b).toarray(), w.toarray()), b.nnz  # cell 1: pieces 0–1 (rows 0, 2), 1–2 (1, 2), 2–4 (1, 3)
    (True, 4)
    """
    groups = np.asarray(groups)
    names, g_of_row = np.unique(groups, return_inverse=True)
    ngroup = len(names)
    nrow = np.int64(weights.shape[0])
    if ngroup < 2 or float(nrow) ** ngroup >= 2.0**62:
        return None  # one set; or too many sets and regions to number their combinations as below
    csc = sp.csc_matrix(weights)
    if not csc.has_sorted_indices:
        csc = csc.sorted_indices()
    if np.any(csc.data == 0.0):
        csc = csc.copy()
        csc.eliminate_zeros()
    ncell = csc.shape[1]
    if csc.data.min(initial=0.0) < 0 or ncell * ngroup >= 2**31:
        return None
    # (cell, set) of every entry as one number (int32: the 0.1° grid's entries are 20 million);
    # the entries come by cell and region, so a stable sort of it is nearly done and keeps the regions in order
    key = np.repeat(np.arange(ncell, dtype=np.int32) * np.int32(ngroup), np.diff(csc.indptr))
    key += g_of_row.astype(np.int32)[csc.indices]
    order = np.argsort(key, kind="stable")
    key = key[order]
    row, val = csc.indices[order], csc.data[order].astype("f8")
    del order
    # each (cell, set): its entries' span and total
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    total = np.add.reduceat(val, starts) if len(val) else np.zeros(0)
    kcell = key[starts] // np.int32(ngroup)
    del key
    if len(starts) != ngroup * (int(np.count_nonzero(kcell[1:] != kcell[:-1])) + (len(kcell) > 0)):
        return None  # a cell some set does not cover
    tot = total.reshape(-1, ngroup)  # (covered cell, set): every covered cell has one row per set, in order
    count = (ends - starts).reshape(-1, ngroup)
    hi, lo, whole = tot[:, 0].copy(), tot[:, 0].copy(), count[:, 0] == 1  # column by column: rows of 2-5 are
    for k in range(1, ngroup):                                            # slow to reduce along
        np.maximum(hi, tot[:, k], out=hi)
        np.minimum(lo, tot[:, k], out=lo)
        whole &= count[:, k] == 1
    if np.any(hi - lo > tol * hi):
        return None  # the sets' totals differ (an overlap within a set)
    cells = kcell[::ngroup]
    # cells in one region of every set: one piece, the first set's weight
    first = starts.reshape(-1, ngroup)[whole]
    piece_rows = [row[first[:, k]] for k in range(ngroup)]
    piece_cell, piece_w = [cells[whole]], [tot[whole, 0]]
    split = np.flatnonzero(~whole)
    if len(split):
        rows_s, cell_s, w_s = _cut(row, val, starts, ends, tot, cells, split, ngroup, tol)
        piece_rows = [np.concatenate([a, b]) for a, b in zip(piece_rows, rows_s)]
        piece_cell.append(cell_s)
        piece_w.append(w_s)
    piece_cell, piece_w = np.concatenate(piece_cell), np.concatenate(piece_w)
    code = np.zeros(len(piece_cell), np.int64)  # the piece's regions, one per set, as one number
    for r in piece_rows:
        code = code * nrow + r
    ucode, atom_of = np.unique(code, return_inverse=True)
    atom_of = atom_of.ravel()
    natom = len(ucode)
    uniq = np.empty((natom, ngroup), np.int64)
    for k in range(ngroup - 1, -1, -1):
        uniq[:, k] = ucode % nrow
        ucode = ucode // nrow
    b = sp.csc_matrix((piece_w, (atom_of, piece_cell)), shape=(natom, ncell))
    b.sum_duplicates()
    a = sp.csr_matrix((np.ones(natom * ngroup), (uniq.T.ravel(), np.tile(np.arange(natom), ngroup))),
                      shape=(weights.shape[0], natom))
    return a, b


def _ranges(start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """``concatenate([arange(a, b) for a, b in zip(start, stop)])`` without the loop."""
    length = stop - start
    offset = np.repeat(start - np.r_[0, np.cumsum(length)[:-1]], length)
    return np.arange(int(length.sum())) + offset


def _cut(row, val, starts, ends, tot, cells, split, ngroup, tol):
    """The pieces of the split cells: every set's cumulative shares as the cuts, each piece's region per set."""
    s0, s1 = starts.reshape(-1, ngroup)[split], ends.reshape(-1, ngroup)[split]
    n = len(split)
    ent = []  # per set: each entry's split cell (0..n-1), its index, its cumulative share of its cell
    for k in range(ngroup):
        ci = np.repeat(np.arange(n), s1[:, k] - s0[:, k])
        idx = _ranges(s0[:, k], s1[:, k])
        share = val[idx] / tot[split[ci], k]
        first = np.searchsorted(ci, np.arange(n), side="left")  # each cell's first entry of this set
        pos = np.arange(len(ci)) - first[ci]
        cum = share.copy()
        for p in range(1, int(pos.max()) + 1 if len(pos) else 1):  # a cell is split a few ways at most
            at = np.flatnonzero(pos == p)
            cum[at] = cum[at - 1] + share[at]
        cum[np.r_[ci[1:] != ci[:-1], True]] = 1.0  # each set covers its cell whole
        ent.append((ci, idx, cum, first))
    cc = np.concatenate([e[0] for e in ent])
    cv = np.concatenate([e[2] for e in ent])
    tag = np.concatenate([np.full(len(e[0]), k, np.int8) for k, e in enumerate(ent)])
    o = np.lexsort((cv, cc))  # every set's cuts of a cell together, ascending
    cc, cv, tag = cc[o], cv[o], tag[o]
    last = np.r_[(cc[1:] != cc[:-1]) | (cv[1:] != cv[:-1]), True]  # the last of equal cuts
    cell_first = np.flatnonzero(np.r_[True, cc[1:] != cc[:-1]])  # by split cell: every one has cuts
    uc, uv = cc[last], cv[last]  # the pieces' upper ends, the last 1.0
    opens = np.r_[True, uc[1:] != uc[:-1]]  # a cell's first piece
    width = uv - np.where(opens, 0.0, np.r_[0.0, uv[:-1]])
    ok = width > tol  # a sliver of rounding between two sets' equal cuts
    rows = []
    for k, (_, idx, _, first) in enumerate(ent):
        # a piece lies in the set's entry after as many of the set's cuts as precede the piece in its cell
        seen = np.cumsum(tag == k)
        through = seen[last]  # the set's cuts up to each piece's upper end, from the first cell on
        base = np.r_[0, seen][cell_first][uc]  # ... before the piece's cell
        before = np.where(opens, 0, np.r_[0, through[:-1]] - base)
        rows.append(row[idx[first[uc[ok]] + before[ok]]])
    cc, width = uc[ok], width[ok]
    return rows, cells[split[cc]], width * tot[split[cc], 0]
