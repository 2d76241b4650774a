"""Figures of the observation-space evaluation: a Taylor diagram and scores by group."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["taylor_diagram"]


def taylor_diagram(summary: pd.DataFrame, title: str, *, label: str = "model", ref_label: str = "observations"):
    """A Taylor diagram (Taylor 2001): SD ratio as the radius, correlation as the angle, one point per row.

    Parameters
    ----------
    summary
        Rows with ``sd_ratio`` and ``r`` (e.g. :func:`mip.obs.scores.taylor_summary`) and a ``label`` column.
    title
        The figure's title (say the season, the sites and the statistic).
    label
        The column naming each point.
    ref_label
        The reference point's name (at radius 1, correlation 1).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(6.4, 5.6))
    ax = fig.add_subplot(projection="polar")
    ax.set_thetamin(0)
    ax.set_thetamax(90)
    rmax = max(1.5, float(np.nanmax(summary["sd_ratio"])) * 1.1 if len(summary) else 1.5)
    ax.set_rlim(0, rmax)
    corr_ticks = np.array([0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0])
    ax.set_thetagrids(np.degrees(np.arccos(corr_ticks)), [f"{c:g}" for c in corr_ticks])
    th = np.linspace(0, np.pi / 2, 200)
    for c in (0.25, 0.5, 0.75, 1.0):  # centred RMS difference circles around the reference point
        x, y = 1 + c * np.cos(np.linspace(0, np.pi, 200)), c * np.sin(np.linspace(0, np.pi, 200))
        ax.plot(np.arctan2(y, x), np.hypot(x, y), color="0.8", lw=0.7)
    ax.plot(th, np.ones_like(th), color="0.5", lw=0.8, ls="--")
    ax.plot([0], [1], marker="*", ms=14, color="k", ls="", label=ref_label)
    for i, row in enumerate(summary.itertuples(index=False)):
        r = float(np.clip(row.r, 0, 1))
        ax.plot([np.arccos(r)], [row.sd_ratio], marker="osD^vPX"[i % 7], ms=9 - (i % 7), ls="", mfc="none", mew=1.6,
                color=plt.cm.tab10(i % 10), label=str(getattr(row, label)))  # open markers: close points stay seen
    ax.set_xlabel("SD ratio (model / observed)", labelpad=18)
    ax.text(np.radians(45), rmax * 1.12, "correlation", ha="center", va="center", rotation=-45, fontsize=9)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.05), fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.set_layout_engine("tight")  # laid out when drawn (in the figure process, see mip.io.figure_worker)
    return fig
