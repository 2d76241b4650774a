"""Checking and aligning the ensemble an emergent constraint is fitted on."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mip.errors import MipError

__all__ = ["Ensemble", "prepare"]


class Ensemble:
    """Aligned predictor ``x`` (n,) or (n, k), predictand ``y`` (n,), member names and weights."""

    def __init__(self, x: np.ndarray, y: np.ndarray, members: list[str], weights: np.ndarray,
                 flags: list[str]) -> None:
        self.x, self.y, self.members, self.weights, self.flags = x, y, members, weights, flags

    @property
    def n(self) -> int:
        """Number of members used."""
        return len(self.y)


def _series(v, name: str, members: Sequence[str] | None) -> pd.Series | pd.DataFrame:
    if isinstance(v, (pd.Series, pd.DataFrame)):
        return v
    arr = np.asarray(v, float)
    idx = list(members) if members is not None else [f"member_{i}" for i in range(arr.shape[0])]
    if len(idx) != arr.shape[0]:
        raise MipError(f"{name}: {arr.shape[0]} values for {len(idx)} member names")
    return pd.DataFrame(arr, index=idx) if arr.ndim == 2 else pd.Series(arr, index=idx, name=name)


def prepare(x, y, *, members: Sequence[str] | None = None, weights=None, min_members: int = 3) -> Ensemble:
    """Align ``x`` and ``y`` by member, drop (and flag) NaN members, refuse degenerate input.

    Parameters
    ----------
    x
        Predictor per member: a Series/DataFrame indexed by member, or an array (with
        ``members``); 2-D for several predictors.
    y
        Predictand per member, same form.
    members
        Member names for array input.
    weights
        Optional weight per member (same form), e.g. 1/n per inversion family.
    min_members
        Fewest members a fit may use.

    Returns
    -------
    Ensemble

    Raises
    ------
    MipError
        Mismatched member names (listed), fewer than ``min_members`` usable members, or
        a predictor with zero variance.
    """
    xs, ys = _series(x, "x", members), _series(y, "y", members)
    if set(xs.index) != set(ys.index):
        only_x = sorted(set(xs.index) - set(ys.index))
        only_y = sorted(set(ys.index) - set(xs.index))
        raise MipError(f"member names of x and y differ: only in x {only_x}, only in y {only_y}")
    order = list(ys.index)
    xs = xs.loc[order]
    w = _series(weights, "weights", order).loc[order] if weights is not None else pd.Series(1.0, index=order)
    xv = xs.to_numpy(dtype=float)
    yv = ys.to_numpy(dtype=float)
    wv = w.to_numpy(dtype=float)
    bad = ~np.isfinite(yv) | ~np.isfinite(xv.reshape(len(yv), -1)).all(axis=1) | ~np.isfinite(wv)
    flags = []
    if bad.any():
        flags.append("left out (NaN): " + ", ".join(str(m) for m, b in zip(order, bad) if b))
    keep = ~bad
    if keep.sum() < min_members:
        raise MipError(f"only {int(keep.sum())} usable member(s) ({', '.join(str(m) for m, k in zip(order, keep) if k)}); "
                       f"an emergent constraint needs at least {min_members}")
    xv, yv, wv = xv[keep], yv[keep], wv[keep]
    cols = xv.reshape(len(yv), -1)
    if np.any(np.ptp(cols, axis=0) == 0):
        raise MipError("the predictor has zero variance across members: no relationship can be fitted")
    return Ensemble(xv, yv, [str(m) for m, k in zip(order, keep) if k], wv, flags)
