"""Summaries of a 1-D probability density given on a grid: mean, median, mode, ranges."""

from __future__ import annotations

from mip.errors import MipError

import numpy as np

__all__ = ["summarise_pdf", "normal_pdf_grid", "grid_for"]


def grid_for(centre: float, sd: float, *, spread: float | None = None, n_sd: float = 8.0,
             resolution: float = 2e-4, max_points: int = 40_001) -> np.ndarray:
    """An evenly spaced grid wide enough (±``n_sd`` SD) and fine enough for exact quantiles.

    Parameters
    ----------
    centre, sd
        Where the density lies and how wide it is.
    spread
        The unconstrained spread the quantiles must be exact against (default ``sd``).
    n_sd
        Half-width in SDs.
    resolution
        Grid step as a fraction of ``spread``; linear interpolation of the cumulative
        distribution on such a grid is exact to well below 1e-3 of the spread.
    max_points
        Upper bound on the grid size.

    Returns
    -------
    numpy.ndarray
    """
    ref = spread if spread and spread > 0 else sd
    if not sd > 0:
        raise MipError("a density needs a positive width")
    n = int(min(max(2 * n_sd * sd / (ref * resolution), 2001), max_points))
    return np.linspace(centre - n_sd * sd, centre + n_sd * sd, n)


def summarise_pdf(y: np.ndarray, pdf: np.ndarray) -> dict[str, float]:
    """Mean, SD, median, mode and the 66 % and 90 % central ranges of a gridded density.

    The density is renormalised on the grid (trapezoid rule) before anything is read.

    Parameters
    ----------
    y
        Evenly spaced grid.
    pdf
        Density values (any positive scale).

    Returns
    -------
    dict
        ``mean, sd, median, mode, p05, p17, p83, p95``.
    """
    y = np.asarray(y, float)
    p = np.clip(np.asarray(pdf, float), 0, None)
    area = np.trapezoid(p, y)
    if not np.isfinite(area) or area <= 0:
        raise MipError("the density integrates to zero on its grid")
    p = p / area
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(y))])
    cdf /= cdf[-1]
    q = lambda a: float(np.interp(a, cdf, y))  # noqa: E731
    mean = float(np.trapezoid(p * y, y))
    sd = float(np.sqrt(np.trapezoid(p * (y - mean) ** 2, y)))
    return {"mean": mean, "sd": sd, "median": q(0.5), "mode": float(y[int(np.argmax(p))]),
            "p05": q(0.05), "p17": q(1 / 6), "p83": q(5 / 6), "p95": q(0.95)}


def normal_pdf_grid(mean: float, sd: float, spread: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A normal density on a grid from :func:`grid_for`."""
    y = grid_for(mean, sd, spread=spread)
    return y, np.exp(-0.5 * ((y - mean) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
