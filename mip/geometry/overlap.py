"""Exact overlap of two regular lat-lon grids, separable into latitude and longitude parts.

The area shared by a source and a target cell is ``R² · Δλ_overlap · Δ(sin φ)_overlap``,
so the overlap of two regular grids is the outer product of a latitude matrix (overlaps
of sin φ intervals) and a longitude matrix (overlaps of λ intervals, periodic).  It
moves masks and fractions between grids exactly.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["lat_overlap", "lon_overlap", "remap_fraction", "remap_fraction_sparse"]


def lat_overlap(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """(n_tgt, n_src) overlaps of sin-latitude intervals.

    Parameters
    ----------
    src, tgt
        Latitude bounds in degrees, shapes (n, 2).

    Returns
    -------
    numpy.ndarray
    """
    s = np.sin(np.deg2rad(np.sort(src, axis=1)))
    t = np.sin(np.deg2rad(np.sort(tgt, axis=1)))
    return np.clip(np.minimum(t[:, None, 1], s[None, :, 1]) - np.maximum(t[:, None, 0], s[None, :, 0]), 0, None)


def lon_overlap(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """(n_tgt, n_src) overlaps of longitude intervals in radians, periodic in 360°.

    Parameters
    ----------
    src, tgt
        Longitude bounds in degrees, shapes (n, 2).

    Returns
    -------
    numpy.ndarray
    """
    out = np.zeros((tgt.shape[0], src.shape[0]))
    for shift in (-360.0, 0.0, 360.0):
        lo = np.maximum(tgt[:, None, 0], src[None, :, 0] + shift)
        hi = np.minimum(tgt[:, None, 1], src[None, :, 1] + shift)
        out += np.clip(hi - lo, 0, None)
    return np.deg2rad(out)


def remap_fraction(frac: np.ndarray, src_lat: np.ndarray, src_lon: np.ndarray,
                   tgt_lat: np.ndarray, tgt_lon: np.ndarray) -> np.ndarray:
    """Area-weighted mean of per-cell fractions on a target grid (exact for regular grids).

    Parameters
    ----------
    frac
        Source fractions, shape (..., n_src_lat, n_src_lon).
    src_lat, src_lon, tgt_lat, tgt_lon
        Bounds in degrees, shapes (n, 2).

    Returns
    -------
    numpy.ndarray
        Target fractions, shape (..., n_tgt_lat, n_tgt_lon): covered area / target cell area.
    """
    f = np.asarray(frac, "f8")
    lead = f.shape[:-2]
    out = remap_fraction_sparse(f.reshape((-1,) + f.shape[-2:]), src_lat, src_lon, tgt_lat, tgt_lon)
    return out.toarray().reshape(lead + (tgt_lat.shape[0], tgt_lon.shape[0]))


def remap_fraction_sparse(frac: np.ndarray, src_lat: np.ndarray, src_lon: np.ndarray,
                          tgt_lat: np.ndarray, tgt_lon: np.ndarray) -> sp.csr_matrix:
    """:func:`remap_fraction` as a sparse (region × target cell) matrix, cells lat-major.

    The overlap matrices hold one or two cells per row, so each region is remapped by two sparse
    products: the work grows with the target cells a region touches, where the dense products of
    :func:`remap_fraction` grow with (target cells × source longitudes), and the result never holds
    the (region × cell) zeros.

    Parameters
    ----------
    frac
        Source fractions, shape (n_regions, n_src_lat, n_src_lon).
    src_lat, src_lon, tgt_lat, tgt_lon
        Bounds in degrees, shapes (n, 2).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (n_regions, n_tgt_lat × n_tgt_lon): covered area / target cell area.
    """
    wl = sp.csr_matrix(lat_overlap(src_lat, tgt_lat))
    wo_t = sp.csc_matrix(lon_overlap(src_lon, tgt_lon).T)
    inv_lat = 1.0 / np.diff(np.sin(np.deg2rad(np.sort(tgt_lat, axis=1))), axis=1).ravel()
    inv_lon = 1.0 / np.deg2rad(np.diff(tgt_lon, axis=1)).ravel()
    n_lon = tgt_lon.shape[0]
    rows, cols, vals = [], [], []
    for r, f in enumerate(np.asarray(frac, "f8")):
        cov = (wl @ sp.csr_matrix(f) @ wo_t).tocoo()
        rows.append(np.full(cov.nnz, r))
        cols.append(cov.row.astype(np.int64) * n_lon + cov.col)
        vals.append(cov.data * inv_lat[cov.row] * inv_lon[cov.col])
    shape = (len(frac), tgt_lat.shape[0] * n_lon)
    if not rows:
        return sp.csr_matrix(shape)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=shape)
