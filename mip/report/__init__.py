"""The intercomparison report (``mip report``).

:func:`build_report` is imported on first use, so that a process which only draws the report's
figures (:mod:`mip.io.figure_worker`) imports :mod:`mip.report.figures` without the builder.
"""

from mip._lazy import lazy_exports

__all__ = ["build_report", "DRAWING_MODULES"]

#: The modules whose drawings a report hands to the figure process (which imports them in advance).
DRAWING_MODULES = ("mip.report.figures", "mip.constrain.plots")

__getattr__, __dir__ = lazy_exports(__name__, {"build_report": ("mip.report.build", "build_report")}, submodules=True)
