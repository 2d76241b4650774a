"""Orthogonal distance regression (errors in x and y) with the ``odrpack`` package.

``scipy.odr`` is deprecated (SciPy 1.17) and removed in 1.19; ``odrpack`` wraps the same
ODRPACK95.  Its ``cov_beta`` is *unscaled* (not multiplied by the residual variance), as
scipy.odr's is.  The default here is the residual-scaled covariance (``covariance="scaled"``: × the
residual variance), the parameter uncertainty the data support; ``covariance="unscaled"`` is a named
option that reproduces Long et al. (2021), who propagated the unscaled form with unit weights (it
states the fit as precise as the assumed unit errors say, whatever the scatter).

Units: an orthogonal distance mixes x and y, so a fit with unit weights would change with the
units of either.  The errors of x and y (``sx``, ``sy``, in their units) are therefore part of
the problem: give them (Long et al.'s unit weights are ``sx = 1 ppm``, ``sy = 1 Pg C/yr``), or
leave both out and x and y are standardised by the ensemble's SDs.  Either way the slope, its
p-value (always from the *scaled* covariance) and the constrained value scale with the units.

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
from mip.errors import MipError

__all__ = ["fit_odr", "constrain_odr", "odr_predict"]


def fit_odr(x: np.ndarray, y: np.ndarray, *, sx=None, sy=None, covariance: str = "scaled") -> dict:
    """Straight-line ODR fit.

    Parameters
    ----------
    x, y
        Data.
    sx, sy
        Standard errors of x and y (scalars or per point, in the units of x and y); weights are
        1/s².  Both omitted: the ensemble's SDs of x and y (standardised, unit-free).
    covariance
        ``"unscaled"`` (ODRPACK's cov_beta) or ``"scaled"`` (× residual variance).

    Returns
    -------
    dict
        ``slope, intercept, cov`` (2×2, slope first), ``slope_se, intercept_se, res_var, r, p``.
    """
    if covariance not in ("unscaled", "scaled"):
        raise MipError("covariance must be 'unscaled' or 'scaled'")
    standardised = sx is None and sy is None
    if standardised:
        sx, sy = float(np.std(x, ddof=1)), float(np.std(y, ddof=1))
    elif sx is None or sy is None:
        raise MipError("ODR needs the errors of both x and y (sx and sy, in their units), or neither")
    ols = fit_ols(x, y)
    beta0 = np.array([ols["slope"], ols["intercept"]])
    wx = 1.0 / np.broadcast_to(np.asarray(sx, float) ** 2, x.shape)
    wy = 1.0 / np.broadcast_to(np.asarray(sy, float) ** 2, y.shape)
    res = odrpack.odr_fit(lambda xx, b: b[0] * xx + b[1], x, y, beta0, weight_x=wx, weight_y=wy)
    if not res.success:
        raise MipError(f"the ODR fit did not converge ({res.stopreason}); try method: ols, or give the "
                       "errors of x and y")
    unscaled = np.asarray(res.cov_beta, float)
    scaled_cov = unscaled * res.res_var
    cov = scaled_cov if covariance == "scaled" else unscaled
    slope, intercept = (float(v) for v in res.beta)
    t = slope / np.sqrt(scaled_cov[0, 0]) if scaled_cov[0, 0] > 0 else np.inf  # unit-free, unlike the unscaled
    return {"slope": slope, "intercept": intercept, "cov": cov, "slope_se": float(np.sqrt(cov[0, 0])),
            "intercept_se": float(np.sqrt(cov[1, 1])), "res_var": float(res.res_var),
            "r": float(np.corrcoef(x, y)[0, 1]), "p": float(2 * stats.t.sf(abs(t), x.size - 2)),
            "covariance": covariance, "standardised": standardised}


def odr_predict(fit: dict, x_obs: float, x_sd: float) -> tuple[float, float]:
    """Mean and SD of ``slope·x + intercept`` for x ~ N(x_obs, x_sd), parameters ~ N(β, C)."""
    b1, b0, C = fit["slope"], fit["intercept"], fit["cov"]
    var = b1**2 * x_sd**2 + C[0, 0] * (x_obs**2 + x_sd**2) + 2 * x_obs * C[0, 1] + C[1, 1]
    return b1 * x_obs + b0, float(np.sqrt(var))


def constrain_odr(x, y, x_obs: float, x_sd: float = 0.0, *, members=None, sx=None, sy=None,
                  covariance: str = "scaled", gate: float | None = None) -> ConstraintResult:
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
    weights = "x and y standardised by the ensemble's SDs" if f["standardised"] else "the errors given"
    return finish("odr", ens, f, x_obs, x_sd, grid, stats.norm.pdf(grid, mean, sd),
                  loo=loo_skill(xv, ens.y), gate=gate, extra_flags=[f"ODR covariance {covariance}; weights: {weights}"])
