"""The on-disk cache of region fractions (``$MIP_CACHE_DIR``): written atomically, verified on every read.

An entry is an ``.npz`` of the sparse matrix's arrays (never a pickle) with the key it was computed for and a
SHA-256 digest of both.  A read checks the file is whole, was written for this key and grid shape, and that
the digest matches; anything else (a truncated file, an entry planted for another set, numbers altered) is
named in a warning and recomputed.  The digest guards against damage and mix-ups, not against someone who
can write the cache folder and recompute digests: that folder is the user's own (see docs/trust.md).
"""

from __future__ import annotations

import hashlib
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from mip.io.writes import atomic_write

__all__ = ["cache_path", "read_cached", "write_cached", "entry_path", "read_arrays", "write_arrays"]


def cache_path(cache_key: str, lat_b: np.ndarray, lon_b: np.ndarray) -> Path | None:
    """Where the fractions of a region set with this key on this grid are cached, if ``$MIP_CACHE_DIR`` is set.

    Parameters
    ----------
    cache_key
        A digest of the set's geometry and names (empty: not cached).
    lat_b, lon_b
        The grid's cell bounds.

    Returns
    -------
    pathlib.Path or None
    """
    from mip._options import get_option

    root = get_option("cache_dir")
    if not root or not cache_key:
        return None
    h = hashlib.sha256(cache_key.encode() + lat_b.tobytes() + lon_b.tobytes()).hexdigest()[:32]
    return Path(root) / "region-fractions" / f"{h}.npz"


def _digest(m: sp.csr_matrix, cache_key: str) -> str:
    h = hashlib.sha256(cache_key.encode())
    for a in (m.data, m.indices, m.indptr, np.asarray(m.shape, "i8")):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def read_cached(path: Path, cache_key: str, shape: tuple[int, int]) -> sp.csr_matrix | None:
    """A cached matrix if it is whole, was written for this key and shape, and its digest matches; else None.

    Parameters
    ----------
    path
        From :func:`cache_path`.
    cache_key
        The set's key.
    shape
        (regions, cells) expected.

    Returns
    -------
    scipy.sparse.csr_matrix or None
        None (after a warning naming the file) for an entry that cannot be trusted.
    """
    def matrix(f: dict[str, np.ndarray]) -> sp.csr_matrix:
        return sp.csr_matrix((f["data"], f["indices"], f["indptr"]), shape=tuple(int(x) for x in f["shape"]))

    def trusted(f: dict[str, np.ndarray]) -> bool:
        m = matrix(f)
        return str(f["key"]) == cache_key and m.shape == shape and _digest(m, cache_key) == str(f["digest"])

    f = _load(path, "region-fraction cache entry", "written for another region set or grid", trusted)
    return None if f is None else matrix(f)


def _load(path: Path, entry: str, foreign: str, trusted: Callable[[dict[str, np.ndarray]], bool]
          ) -> dict[str, np.ndarray] | None:
    """An entry's arrays if ``trusted`` accepts them; else None, after a warning naming the file and why."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
        ok = trusted(arrays)
        why = f"{foreign}, or altered (its digest does not match)"
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        ok, why = False, f"unreadable ({type(exc).__name__})"
    if not ok:
        warnings.warn(f"{path}: {entry} {why}; recomputed and rewritten", stacklevel=4)
        return None
    return arrays


def write_cached(path: Path, cache_key: str, m: sp.csr_matrix) -> None:
    """Write a matrix to the cache (atomically), with its key and digest.

    Parameters
    ----------
    path
        From :func:`cache_path`.
    cache_key
        The set's key.
    m
        The fractions.
    """
    with atomic_write(path) as tmp, tmp.open("wb") as fh:
        np.savez(fh, data=m.data, indices=m.indices, indptr=m.indptr, shape=np.asarray(m.shape),
                 key=np.asarray(cache_key), digest=np.asarray(_digest(m, cache_key)))


def entry_path(kind: str, key: str) -> Path | None:
    """Where an entry of another kind (derived from fractions, e.g. an aggregation's weights) is cached.

    Parameters
    ----------
    kind
        The entry's folder under ``$MIP_CACHE_DIR``.
    key
        Everything the entry was computed from, digests of arrays included (empty: not cached).

    Returns
    -------
    pathlib.Path or None
        None when ``$MIP_CACHE_DIR`` is not set or the key is empty.
    """
    from mip._options import get_option

    root = get_option("cache_dir")
    if not root or not key:
        return None
    return Path(root) / kind / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.npz"


def _arrays_digest(arrays: dict[str, np.ndarray], key: str) -> str:
    h = hashlib.sha256(key.encode())
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
        h.update(a.reshape(-1).view("u1") if a.dtype.kind != "U" else a.tobytes())
    return h.hexdigest()


def read_arrays(path: Path, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of an entry if it is whole, was written for this key and its digest matches; else None.

    Parameters
    ----------
    path
        From :func:`entry_path`.
    key
        The key it must have been written for.

    Returns
    -------
    dict or None
        None for a missing entry, or (after a warning naming the file) one that cannot be trusted.
    """
    if not path.exists():
        return None

    def trusted(f: dict[str, np.ndarray]) -> bool:
        values = {k: v for k, v in f.items() if k not in ("key", "digest")}
        return str(f["key"]) == key and _arrays_digest(values, key) == str(f["digest"])

    f = _load(path, "cache entry", "written for other inputs", trusted)
    return None if f is None else {k: v for k, v in f.items() if k not in ("key", "digest")}


def write_arrays(path: Path, key: str, arrays: dict[str, np.ndarray]) -> None:
    """Write an entry's arrays (atomically), with its key and digest.

    Parameters
    ----------
    path
        From :func:`entry_path`.
    key
        The key it was computed for.
    arrays
        Named arrays (numbers only: no objects, nothing pickled).
    """
    with atomic_write(path) as tmp, tmp.open("wb") as fh:
        np.savez(fh, **arrays, key=np.asarray(key), digest=np.asarray(_arrays_digest(arrays, key)))
