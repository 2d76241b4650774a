"""Fixed margins, in inches, for the figures whose text is known in advance.

A tight layout measures every piece of text of the figure before it is drawn: for the small-multiple
figures of the report (25 panels of bars, three rows of maps with colour bars) that cost more than the
drawing (the demo's 26 figures: 6.1 s laying out, 6.2 s drawing; without the layouts 11.0 s in all against
16.5 s).  These figures place the same kinds of text in the same places whatever the data (a title per
panel, tick labels of fixed font size), so their margins are given in inches here, sized for that text,
and the figure is never measured.  ``tests/test_figure_layout.py`` draws each such figure and checks
that no text leaves the figure or runs into another panel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["fixed_margins"]


def fixed_margins(fig: Figure, *, left: float, right: float, top: float, bottom: float,
                  wgap: float = 0.0, hgap: float = 0.0) -> None:
    """Place the figure's grid of panels with these margins and gaps (inches), and no layout engine.

    Parameters
    ----------
    fig
        A figure whose axes come from one grid (``plt.subplots``).
    left, right, top, bottom
        Space between the figure's edges and the grid, in inches (for tick labels, axis labels, titles).
    wgap, hgap
        Space between neighbouring panels, in inches.

    Raises
    ------
    ValueError
        When the margins and gaps leave no room for the panels.
    """
    width, height = fig.get_size_inches()
    spec = fig.axes[0].get_subplotspec()
    nrow, ncol = spec.get_gridspec().get_geometry()
    axw = (width - left - right - (ncol - 1) * wgap) / ncol
    axh = (height - top - bottom - (nrow - 1) * hgap) / nrow
    if axw <= 0 or axh <= 0:
        raise ValueError(f"margins of {left}+{right} × {top}+{bottom} in and gaps of {wgap} × {hgap} in leave no room "
                         f"for {nrow} × {ncol} panels on a {width} × {height} in figure")
    fig.set_layout_engine(None)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                        wspace=wgap / axw, hspace=hgap / axh)
