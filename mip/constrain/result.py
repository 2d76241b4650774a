"""The result of an emergent constraint, whatever the method."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

__all__ = ["ConstraintResult"]


@dataclass
class ConstraintResult:
    """Constrained estimate, its spread, the unconstrained spread and the fit's diagnostics.

    The 66 % range is ``[p17, p83]`` and the 90 % range ``[p05, p95]``.  ``variance_reduction``
    is ``1 − sd² / prior_sd²``.  ``flags`` lists warnings a reader must see (extrapolation,
    a fit that failed the significance gate, ...).
    """

    method: str
    mean: float
    sd: float
    median: float
    mode: float
    p05: float
    p17: float
    p83: float
    p95: float
    prior_mean: float
    prior_sd: float
    slope: float
    slope_se: float
    intercept: float
    intercept_se: float
    r: float
    p_value: float
    loo_skill: float
    n: int
    x_obs: float
    x_obs_sd: float
    members: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    grid: np.ndarray | None = field(default=None, repr=False)
    pdf: np.ndarray | None = field(default=None, repr=False)

    @property
    def variance_reduction(self) -> float:
        """1 − (constrained SD / unconstrained SD)²."""
        return float(1 - (self.sd / self.prior_sd) ** 2) if self.prior_sd > 0 else float("nan")

    def to_dict(self) -> dict:
        """Flat dict of the scalar results (for tables)."""
        d = {k: v for k, v in asdict(self).items() if k not in ("grid", "pdf")}
        d["members"] = ";".join(self.members)
        d["flags"] = ";".join(self.flags)
        d["variance_reduction"] = self.variance_reduction
        return d
