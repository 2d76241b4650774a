"""fluxmip: multi-inversion intercomparison and observational constraints of GHG budgets.

The import package is ``mip``; the distribution is ``fluxmip``.  The public names below are
imported on first use (PEP 562), so ``import mip`` and ``mip --help`` stay fast and importing
the package changes no other library's state.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from mip._lazy import lazy_exports

try:
    __version__ = version("fluxmip")
except PackageNotFoundError:  # a source tree that was not installed
    __version__ = "0+unknown"

#: Public name → the module that defines it.
_EXPORTS = {
    "aggregate": "mip.budgets.aggregation",
    "check": "mip.checks.run",
    "linear_trend": "mip.budgets.trends",
    "regions": "mip.regions",
    "InputError": "mip.errors",
    "MemberWarning": "mip.errors",
    "MipError": "mip.errors",
    "RegionWarning": "mip.errors",
    "canonical_problems": "mip.conventions.model",
    "validate": "mip.conventions.model",
    "families": "mip.products",
    "open_product": "mip.products",
    "register": "mip.products",
    "global_total": "mip.budgets.totals",
    "open_catalog": "mip.catalog",
    "open_ensemble": "mip.catalog",
    "ureg": "mip.conventions.units",
    "MismatchError": "mip.errors",
    "IncompleteWarning": "mip.errors",
    "co2eq_by_region": "mip.budgets.multigas",
    "growth_closure": "mip.budgets.closure",
    "evaluate_model": "mip.budgets.esm_scores",
    "set_options": "mip._options",
    "get_option": "mip._options",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


__getattr__, __dir__ = lazy_exports(
    __name__, {n: (m, None if n == "regions" else n) for n, m in _EXPORTS.items()}, submodules=True)
