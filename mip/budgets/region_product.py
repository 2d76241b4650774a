"""The product at the heart of every regional total: (region × cell) weights times a block of cells.

Most cells of a lat-lon grid belong wholly to one region (or, with the unattributed rows, to what no
region takes), and along a latitude row such cells come in runs of one region and one weight (a
cell's area depends on its latitude only).  :class:`RegionWeights` keeps the weights as those runs
plus a small sparse matrix of the other cells (on a region's edge, on a coast), so that a block is
summed run by run in one pass over its memory (``numpy.add.reduceat``) instead of a sparse product
that reads every weight and its index for every block: at 0.1° the 240 countries with the
unattributed row are 6.6 million weights in 0.1 million runs.  Weights that do not form runs
(fractional masks on every cell) keep the plain sparse product.  Both give the same sums to
rounding (tested).

A cell wholly inside a region has the weight of its area, to the rounding of the polygon overlap
(fractions such as 1 − 4e-16) and of the areas (the cells of a 1° row differ by up to 2.6e-14):
weights within :data:`SAME_WEIGHT` (1e-12) of the row's first cell's area are taken as that area, so
that such cells join their row's run.  That moves a region's total by at most 1e-12 of the sum of
its cells' absolute contributions: five orders of magnitude below the precision of float32 data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

__all__ = ["Combined", "RegionWeights", "SAME_WEIGHT", "RUN_STEPS"]

#: Relative difference below which a single-region cell's weight is its area (see the module docstring).
SAME_WEIGHT = 1e-12

_scratch = threading.local()
_SCRATCH_MAX_BYTES = 64 * 2**20  # scratch kept per thread at most this large
#: Time steps per sparse product: their cells-first copy stays in cache (measured on a 1° grid:
#: 12 rows cost 0.07 ms a row, 16 or more twice that, as numpy's transposing copy slows down).
_ROWS = 12
#: Runs are used when they are at most this share of the cells they replace (else the sparse product).
_MAX_RUN_SHARE = 0.25
#: Runs are used for blocks of at most this many steps: ``reduceat`` costs the same for every step, while
#: the sparse product reads its weights once for all the block's steps (1° country weights: one step
#: 0.047 against 0.21 ms, four 0.20 against 0.23 ms, twelve 0.96 against 0.34 ms).
RUN_STEPS = 3
#: Cells per piece of a block copied and summed while in cache (whole rows; see ``RegionWeights.apply``).
_PIECE_CELLS = 1 << 18


def _buffer(shape: tuple[int, ...]) -> np.ndarray:
    """A float64 scratch array of this shape, reused by this thread (a few shapes are kept)."""
    bufs = _scratch.__dict__.setdefault("bufs", {})
    buf = bufs.get(shape)
    if buf is None:
        if len(bufs) > 2:
            bufs.clear()
        buf = bufs[shape] = np.empty(shape)
    return buf


def _scratch_for(shape: tuple[int, ...]) -> np.ndarray:
    """A float64 array of this shape: this thread's reused buffer, or a fresh one when it would be too large to keep.

    Scipy's sparse × dense product wants the dense operand cells-first; a fresh copy for every block costs
    more (the kernel maps new pages for it) than the product itself.
    """
    if int(np.prod(shape)) * 8 > _SCRATCH_MAX_BYTES:
        return np.empty(shape)
    return _buffer(shape)


class Combined:
    """``Σ coefs[i] · flats[i]`` over (steps, cells) blocks, formed in float64 a piece at a time as the product reads it.

    What :meth:`RegionWeights.apply` sums: each piece of the combination is written straight into the product's
    cells-first buffer (one pass over the inputs, no float64 copy of the whole block), after each input's piece,
    as it is stored, has been shown to that input's inspector (the fill-value check) while it is in cache.

    Parameters
    ----------
    flats
        Blocks of one (steps, cells) shape, of any float (or bool) type.
    coefs
        One factor per block (default: 1 each).
    inspectors
        One per block, None or a callable given each piece of that block's own values before they are
        combined; raising stops the product.

    Examples
    --------
    >>> a, b = np.array([[2.0**24]], "f4"), np.array([[-1.0]], "f4")
    >>> out = np.empty((1, 1))
    >>> Combined([a, b], [1.0, -1.0]).write(out, slice(None), slice(None))
    >>> int(out[0, 0])  # formed in float64: float32 would round 2**24 + 1 to 2**24
    16777217
    """

    def __init__(self, flats: list[np.ndarray], coefs: list[float] | None = None,
                 inspectors: list[Callable[[np.ndarray], None] | None] | None = None) -> None:
        self.flats = list(flats)
        self.coefs = [1.0] * len(self.flats) if coefs is None else [float(c) for c in coefs]
        self.inspectors = [None] * len(self.flats) if inspectors is None else list(inspectors)
        if not (len(self.coefs) == len(self.inspectors) == len(self.flats) >= 1):
            raise ValueError("Combined needs one coefficient and one inspector (or None) per block, and a block")
        self.shape = self.flats[0].shape

    def cells_first(self) -> np.ndarray | None:
        """The combination cells-first without a copy (inspected whole), when it is one float64 block laid out so.

        The readers' canonical blocks are written so (:func:`mip.products._common.scale_cells_first`).
        """
        f = self.flats[0]
        if len(self.flats) > 1 or self.coefs[0] != 1.0 or f.dtype != np.float64 or not f.T.flags.c_contiguous:
            return None
        if self.inspectors[0] is not None:
            self.inspectors[0](f)
        return f.T

    def write(self, out: np.ndarray, steps: slice, cells: slice) -> None:
        """Write the piece ``[steps, cells]`` of the combination into ``out`` (its transpose: cells, steps) in float64.

        Parameters
        ----------
        out
            A float64 (cells, steps) array of the piece's size.
        steps, cells
            The piece.
        """
        pieces = [f[steps, cells] for f in self.flats]
        for p, inspect in zip(pieces, self.inspectors):
            if inspect is not None:
                inspect(p)
        for i, (p, c) in enumerate(zip(pieces, self.coefs)):
            if i == 0:
                if c == 1.0:
                    np.copyto(out, p.T)
                else:
                    np.multiply(p.T, c, out=out, dtype="f8")
            elif c in (1.0, -1.0):  # in place: out is float64, so is the loop
                (np.add if c == 1.0 else np.subtract)(out, p.T, out=out)
            else:
                out += np.multiply(p.T, c, dtype="f8")


class RegionWeights:
    """(region × cell) weights, ready to multiply blocks of cells (see the module docstring).

    Parameters
    ----------
    weights
        Sparse (region × cell) weights, cells lat-major.
    nlon
        Cells per latitude row (runs never cross a row).
    cell_area
        Area of each cell (lat-major); without it a run needs exactly equal weights.
    groups
        The group of each row, for sets combined with ``+`` (countries + land/ocean + bands): a cell lies
        in one region of *each* group.  For blocks of more than :data:`RUN_STEPS` steps the weights are then
        one partition of the cells into atoms and the regions each atom lies in
        (:func:`mip.budgets.region_atoms.atoms`), so that each value is weighed once, not once per group
        (1° land flux to countries + land/ocean + bands: a product of 0.40 ms against 0.87 ms for 24 steps,
        15 ms to build).  For shorter blocks, or where the groups do not cover a cell alike (an overlap
        within a group), the groups are multiplied one by one, each with its own runs: at 0.1° building the
        atoms took 1.6 s against 0.3 s for the runs.
    steps
        The most steps a block will hold: runs only for blocks of at most :data:`RUN_STEPS` (at 0.1°
        the readers' blocks hold one month), else the plain sparse product.

    Attributes
    ----------
    shape
        (regions, cells), as the weights'.
    csc
        The weights as given (CSC); not pickled when runs replace them.
    n_runs
        Runs used (0: the plain sparse product).
    atoms
        ``(A, weights of the atoms)``: the (region × atom) ones and the atoms' own :class:`RegionWeights`,
        or None.
    """

    def __init__(self, weights: sp.spmatrix, nlon: int, cell_area: np.ndarray | None = None,
                 groups: np.ndarray | None = None, steps: int = 1) -> None:
        self.csc = sp.csc_matrix(weights)
        self.shape = self.csc.shape
        self.nlon = int(nlon)
        self.n_runs = 0
        self.parts: list[tuple[np.ndarray, RegionWeights]] = []
        self.atoms: tuple[sp.csr_matrix, RegionWeights] | None = None
        several = groups is not None and len(np.unique(groups)) > 1
        if several and steps > RUN_STEPS:
            from mip.budgets.region_atoms import atoms

            found = atoms(self.csc, groups, SAME_WEIGHT)
            if found is not None:
                self.atoms = (found[0], RegionWeights(found[1], nlon, cell_area, steps=steps))
                self.n_runs = self.atoms[1].n_runs
                return
        if steps > RUN_STEPS:
            return  # blocks of many steps: the sparse product reads each weight once for all of them
        if several:
            rows_of = sp.csr_matrix(weights)
            for g in np.unique(groups):
                rows = np.flatnonzero(np.asarray(groups) == g)
                self.parts.append((rows, RegionWeights(rows_of[rows], nlon, cell_area)))
            self.n_runs = sum(part.n_runs for _, part in self.parts)
            return
        w = self.csc
        ncell = w.shape[1]
        counts = np.diff(w.indptr)
        single = counts == 1
        # each cell's first weight and region, from whole-array takes (few large temporaries: each costs
        # its page faults, which at 0.1° are most of the set-up)
        label = w.indices.take(w.indptr[:-1], mode="clip") if w.nnz else np.zeros(ncell, w.indices.dtype)
        value = w.data.take(w.indptr[:-1], mode="clip") if w.nnz else np.zeros(ncell)
        others = np.nonzero(~single)[0]
        label[others], value[others] = -1, 0.0
        if cell_area is not None:  # one weight per row for the cells wholly in one region (see SAME_WEIGHT)
            v2 = value.reshape(-1, int(nlon))
            row = np.asarray(cell_area, "f8").reshape(-1, int(nlon))[:, :1]
            gap = np.subtract(v2, row)
            np.abs(gap, out=gap)
            np.copyto(v2, np.broadcast_to(row, v2.shape), where=gap <= SAME_WEIGHT * row)
            del gap
        # a run: consecutive single-region cells of one row with one region and one weight
        brk = np.ones(ncell, bool)
        brk[1:] = (label[1:] != label[:-1]) | (value[1:] != value[:-1])
        brk[:: max(int(nlon), 1)] = True
        starts = np.nonzero(brk)[0]
        in_run = label[starts] >= 0
        if len(starts) > _MAX_RUN_SHARE * max(int(single.sum()), 1):
            return  # no runs to speak of: the sparse product
        self.n_runs = int(in_run.sum())
        self.starts = starts
        # (region × run) weight of each run's sum; runs of cells outside any single region weigh nothing
        self.runs = sp.csr_matrix((value[starts][in_run], (label[starts][in_run], np.nonzero(in_run)[0])),
                                  shape=(w.shape[0], len(starts)))
        self.rest_cells = np.nonzero(~single & (counts > 0))[0]
        self.rest = sp.csr_matrix(w[:, self.rest_cells])

    def __getstate__(self) -> dict:
        """What a worker needs: the runs and the other cells' weights, not the whole matrix (when there are runs)."""
        state = dict(self.__dict__)
        if self.n_runs or self.parts or self.atoms is not None:
            state["csc"] = None  # 6.6 million weights at 0.1°, against 0.2 million in the runs and the rest
        return state

    def __setstate__(self, state: dict) -> None:
        """Copy once the arrays that arrive unaligned.

        A worker's arrays can lie unaligned in the message's buffer (out-of-band pickling), and numpy copies
        an unaligned array on every search and gather (``searchsorted`` took 0.5 ms instead of 3 µs).
        """
        for key, value in state.items():
            if isinstance(value, np.ndarray):
                state[key] = np.require(value, requirements="A")
            elif sp.issparse(value):
                for a in ("data", "indices", "indptr"):
                    setattr(value, a, np.require(getattr(value, a), requirements="A"))
            elif key == "parts":
                state[key] = [(np.require(rows, requirements="A"), part) for rows, part in value]
            elif key == "atoms" and value is not None:
                for a in ("data", "indices", "indptr"):
                    setattr(value[0], a, np.require(getattr(value[0], a), requirements="A"))
        self.__dict__.update(state)

    def to_arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The arrays :meth:`from_arrays` rebuilds these weights from (for an on-disk cache: numbers only).

        Parameters
        ----------
        prefix
            Put before every name (the parts of a combined set nest).

        Returns
        -------
        dict
        """
        d = {f"{prefix}shape": np.asarray(self.shape, "i8"), f"{prefix}n_runs": np.asarray(self.n_runs, "i8"),
             f"{prefix}n_parts": np.asarray(len(self.parts), "i8"), f"{prefix}nlon": np.asarray(self.nlon, "i8"),
             f"{prefix}atoms": np.asarray(self.atoms is not None)}
        if self.atoms is not None:
            a, inner = self.atoms
            d.update({f"{prefix}a_{k}": getattr(a, k) for k in ("data", "indices", "indptr")})
            d[f"{prefix}a_shape"] = np.asarray(a.shape, "i8")
            d.update(inner.to_arrays(f"{prefix}i_"))
            return d
        if self.parts:
            for i, (rows, part) in enumerate(self.parts):
                d[f"{prefix}p{i}_rows"] = np.asarray(rows)
                d.update(part.to_arrays(f"{prefix}p{i}_"))
            return d
        mats = {"runs": self.runs, "rest": self.rest} if self.n_runs else {"csc": self.csc}
        if self.n_runs:
            d[f"{prefix}starts"], d[f"{prefix}rest_cells"] = self.starts, self.rest_cells
        for name, m in mats.items():
            for a in ("data", "indices", "indptr"):
                d[f"{prefix}{name}_{a}"] = getattr(m, a)
        return d

    @classmethod
    def from_arrays(cls, d: dict[str, np.ndarray], prefix: str = "") -> RegionWeights:
        """Weights rebuilt from :meth:`to_arrays` (no runs looked for again).

        Parameters
        ----------
        d
            The arrays.
        prefix
            As given to :meth:`to_arrays`.

        Returns
        -------
        RegionWeights
        """
        self = cls.__new__(cls)
        self.shape = tuple(int(x) for x in d[f"{prefix}shape"])
        self.n_runs = int(d[f"{prefix}n_runs"])
        self.nlon = int(d[f"{prefix}nlon"])
        self.parts, self.csc, self.atoms = [], None, None
        if bool(d[f"{prefix}atoms"]):
            a = sp.csr_matrix((d[f"{prefix}a_data"], d[f"{prefix}a_indices"], d[f"{prefix}a_indptr"]),
                              shape=tuple(int(x) for x in d[f"{prefix}a_shape"]))
            self.atoms = (a, cls.from_arrays(d, f"{prefix}i_"))
            return self
        n_parts = int(d[f"{prefix}n_parts"])
        if n_parts:
            self.parts = [(d[f"{prefix}p{i}_rows"], cls.from_arrays(d, f"{prefix}p{i}_")) for i in range(n_parts)]
            return self

        def mat(name: str, kind: type, shape: tuple[int, int]) -> sp.spmatrix:
            return kind((d[f"{prefix}{name}_data"], d[f"{prefix}{name}_indices"], d[f"{prefix}{name}_indptr"]),
                        shape=shape)

        if not self.n_runs:
            self.csc = mat("csc", sp.csc_matrix, self.shape)
            return self
        self.starts, self.rest_cells = d[f"{prefix}starts"], d[f"{prefix}rest_cells"]
        self.runs = mat("runs", sp.csr_matrix, (self.shape[0], len(self.starts)))
        self.rest = mat("rest", sp.csr_matrix, (self.shape[0], len(self.rest_cells)))
        return self

    def apply(self, flat: np.ndarray | Combined, inspect: Callable[[np.ndarray], None] | None = None) -> np.ndarray:
        """``(weights @ flat.T).T``: a (steps, cells) block, or a :class:`Combined` of several, → (steps, regions).

        Parameters
        ----------
        flat
            Values per step and cell, of any float type (summed in float64), or a combination of such blocks.
            A float64 block laid out cells-first (as :func:`mip.products._common.scale_cells_first` writes the
            readers' blocks) is used as it is; anything else is written to float64 cells-first a piece at a
            time, in a buffer this thread reuses: with runs, a few hundred thousand cells at a time, each piece
            summed while it is in the processor's cache (the block is read once from memory); else ``_ROWS``
            steps at a time.
        inspect
            For a single block: called with each piece of its values as stored (float32 stays float32)
            before the piece is summed, e.g. to check them while they are in cache; raising stops the
            product.  A :class:`Combined` carries its own inspectors.

        Returns
        -------
        numpy.ndarray
        """
        if self.atoms is not None:
            a, inner = self.atoms
            return (a @ inner.apply(flat, inspect).T).T
        src = flat if isinstance(flat, Combined) else Combined([flat], inspectors=[inspect])
        whole = src.cells_first()
        if whole is not None:
            return self._cells_first_product(whole).T
        leaves = [part for _, part in self.parts] if self.parts else [self]
        if all(leaf.n_runs for leaf in leaves):
            return self._piecewise(src, leaves).T
        nstep, ncell = src.shape
        out = np.empty((nstep, self.shape[0]))
        step = max(1, min(_ROWS, _SCRATCH_MAX_BYTES // (8 * ncell)))
        for s in range(0, nstep, step):
            x = _scratch_for((ncell, min(step, nstep - s)))
            src.write(x, slice(s, s + step), slice(None))
            out[s:s + step] = self._cells_first_product(x).T
        return out

    def _piecewise(self, src: Combined, leaves: list[RegionWeights]) -> np.ndarray:
        """The runs' product over pieces of whole latitude rows (every row begins a run of every leaf)."""
        steps, ncell = src.shape
        rows = max(1, _PIECE_CELLS // max(self.nlon, 1))
        piece = rows * self.nlon
        sums = [np.empty((len(leaf.starts), steps)) for leaf in leaves]
        rests = [np.empty((len(leaf.rest_cells), steps)) for leaf in leaves]
        buf = _scratch_for((min(piece, ncell), steps))
        for c0 in range(0, ncell, piece):
            c1 = min(c0 + piece, ncell)
            x = buf[:c1 - c0]
            src.write(x, slice(None), slice(c0, c1))
            for leaf, sm, rs in zip(leaves, sums, rests):
                s0, s1 = np.searchsorted(leaf.starts, (c0, c1))
                np.add.reduceat(x, leaf.starts[s0:s1] - c0, axis=0, out=sm[s0:s1])
                r0, r1 = np.searchsorted(leaf.rest_cells, (c0, c1))
                if r1 > r0:
                    np.take(x, leaf.rest_cells[r0:r1] - c0, axis=0, out=rs[r0:r1], mode="clip")  # in range: unbuffered
        if not self.parts:
            return self.runs @ sums[0] + self.rest @ rests[0]
        out = np.empty((self.shape[0], steps))
        for (rows_, leaf), sm, rs in zip(self.parts, sums, rests):
            out[rows_] = leaf.runs @ sm + leaf.rest @ rs
        return out

    def _cells_first_product(self, x: np.ndarray) -> np.ndarray:
        """(cells, steps) float64 C-ordered → (regions, steps)."""
        if self.atoms is not None:
            return self.atoms[0] @ self.atoms[1]._cells_first_product(x)
        if self.parts:
            out = np.empty((self.shape[0], x.shape[1]))
            for rows, part in self.parts:
                out[rows] = part._cells_first_product(x)
            return out
        if not self.n_runs:
            return self.csc @ x
        sums = np.add.reduceat(x, self.starts, axis=0)  # (runs, steps): one pass over the block
        out = self.runs @ sums
        if len(self.rest_cells):
            out += self.rest @ x[self.rest_cells]
        return out
