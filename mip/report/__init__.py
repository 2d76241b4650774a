"""The intercomparison report (``mip report``)."""

from mip.report.build import build_report

__all__ = ["build_report"]
