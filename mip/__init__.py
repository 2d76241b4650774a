"""fluxmip: multi-inversion intercomparison and observational constraints of GHG budgets.

The import package is ``mip``; the distribution is ``fluxmip``.  The public names below are
imported on first use (PEP 562), so ``import mip`` and ``mip --help`` stay fast and importing
the package changes no other library's state.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from mip import _moved

_moved.install()  # old module paths (mip.aggregation, mip.trends, ...) still import, with a DeprecationWarning

try:
    __version__ = version("fluxmip")
except PackageNotFoundError:  # a source tree that was not installed
    __version__ = "0+unknown"

#: Public name → the module that defines it.
_EXPORTS = {
    "aggregate": "mip.budgets.aggregation",
    "check": "mip.checks",
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
    "evaluate_model": "mip.budgets.evaluate",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        try:  # a subpackage used as an attribute: mip.checks.check, mip.obs.read_noaa, ...
            module = importlib.import_module(f"mip.{name}")  # (old module paths answer with a warning)
        except ModuleNotFoundError:
            raise AttributeError(f"module 'mip' has no attribute {name!r}") from None
        globals()[name] = module
        return module
    module = importlib.import_module(_EXPORTS[name])
    value = module if name == "regions" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
