"""Submission checks: a file against a MIP protocol, every deviation reported, nothing raised.

``mip.check(paths, protocol) -> Report`` (:mod:`mip.checks.run`); rules live in :mod:`mip.checks.rules` (one
small function each), CF conformance comes from the IOOS compliance-checker (:mod:`mip.checks.cf_conformance`),
the files a check covers from :mod:`mip.checks.paths`.  Names are imported on first use, so that ``mip check``
can start reading the first file's metadata in a child (:mod:`mip.io.probe`) before it imports xarray.
"""

from __future__ import annotations

from mip._lazy import lazy_exports

_NAMES = {"check": ("mip.checks.run", "check"), "expand_paths": ("mip.checks.paths", "expand_paths"),
          "Report": ("mip.checks.findings", "Report"), "Finding": ("mip.checks.findings", "Finding"),
          "Protocol": ("mip.checks.protocol", "Protocol"), "load_protocol": ("mip.checks.protocol", "load_protocol"),
          "list_protocols": ("mip.checks.protocol", "list_protocols")}
__all__ = list(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES, submodules=True)
