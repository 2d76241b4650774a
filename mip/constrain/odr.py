"""Orthogonal distance regression (errors in x and y) with the ``odrpack`` package.

``scipy.odr`` is deprecated (SciPy 1.17) and removed in 1.19; ``odrpack`` wraps the same
ODRPACK95.  Its ``cov_beta`` is *unscaled* (not multiplied by the residual variance), as
scipy.odr's is; Long et al. (2021) propagated that unscaled covariance, so it is the
default here, with ``covariance="scaled"`` (× residual variance) as the alternative.

The constrained value is normal with mean ``b₁x + b₀`` and variance
``b₁²s² + C₀₀(x² + s²) + 2xC₀₁ + C₁₁`` (C = covariance of slope and intercept, s = the
observation's SD), which equals the Monte Carlo propagation the paper used.
"""

from __future__ import annotations

import numpy as np
import odrpack
from scipy import stats

from mip.constrain.inputs import prepare
from mip.constrain.linear import finish, fit_ols, loo_skill
from mip.constrain.pdf import grid_for
from mip.constrain.result import ConstraintResult

__all__ = ["fit_odr", "constrain_odr", "odr_predict"]


def fit_odr(x: np.ndarray, y: np.ndarray, *, sx=None, sy=None, covariance: str = "unscaled") -> dict:
    """Straight-line ODR fit.

    Parameters
    ----------
    x, y
        Data.
    sx, sy
        Standard errors of x and y (scalars or per point); weights are 1/s².  Default 1.
    covariance
        ``"unscaled"`` (ODRPACK's cov_beta) or ``"scaled"`` (× residual variance).

    Returns
    -------
    dict
        ``slope, intercept, cov`` (2×2, slope first), ``slope_se, intercept_se, res_var, r, p``.
    """
    beta0 = np.array([fit_ols(x, y)["slope"], fit_ols(x, y)["intercept"]])
    wx = None if sx is None else 1.0 / np.broadcast_to(np.asarray(sx, float) ** 2, x.shape)
    wy = None if sy is None else 1.0 / np.broadcast_to(np.asarray(sy, float) ** 2, y.shape)
    res = odrpack.odr_fit(lambda xx, b: b[0] * xx + b[1], x, y, beta0, weight_x=wx, weight_y=wy)
    if not res.success:
        raise RuntimeError(f"ODR did not converge: {res.stopreason}")
    cov = np.asarray(res.cov_beta, float)
    if covariance == "scaled":
        cov = cov * res.res_var
    elif covariance != "unscaled":
        raise ValueError("covariance must be 'unscaled' or 'scaled'")
    slope, intercept = (float(v) for v in res.beta)
    t = slope / np.sqrt(cov[0, 0]) if cov[0, 0] > 0 else np.inf
    return {"slope": slope, "intercept": intercept, "cov": cov, "slope_se": float(np.sqrt(cov[0, 0])),
            "intercept_se": float(np.sqrt(cov[1, 1])), "res_var": float(res.res_var),
            "r": float(np.corrcoef(x, y)[0, 1]), "p": float(2 * stats.t.sf(abs(t), x.size - 2)),
            "covariance": covariance}


def odr_predict(fit: dict, x_obs: float, x_sd: float) -> tuple[float, float]:
    """Mean and SD of ``slope·x + intercept`` for x ~ N(x_obs, x_sd), parameters ~ N(β, C)."""
    b1, b0, C = fit["slope"], fit["intercept"], fit["cov"]
    var = b1**2 * x_sd**2 + C[0, 0] * (x_obs**2 + x_sd**2) + 2 * x_obs * C[0, 1] + C[1, 1]
    return b1 * x_obs + b0, float(np.sqrt(var))


def constrain_odr(x, y, x_obs: float, x_sd: float = 0.0, *, members=None, sx=None, sy=None,
                  covariance: str = "unscaled", gate: float | None = None) -> ConstraintResult:
    """ODR emergent constraint (see the module docstring).

    Parameters
    ----------
    x, y, x_obs, x_sd, members, gate
        As in :func:`mip.constrain.constrain_ols`.
    sx, sy
        Errors of the members' x and y.
    covariance
        ``"unscaled"`` or ``"scaled"``.

    Returns
    -------
    ConstraintResult
    """
    ens = prepare(x, y, members=members)
    xv = ens.x.reshape(-1)
    f = fit_odr(xv, ens.y, sx=sx, sy=sy, covariance=covariance)
    mean, sd = odr_predict(f, x_obs, x_sd)
    grid = grid_for(mean, sd, spread=float(np.std(ens.y, ddof=1)))
    return finish("odr", ens, f, x_obs, x_sd, grid, stats.norm.pdf(grid, mean, sd),
                  loo=loo_skill(xv, ens.y), gate=gate, extra_flags=[f"ODR covariance {covariance}"])
