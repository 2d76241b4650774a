"""Old module paths (before the regrouping into subpackages) keep working, with a DeprecationWarning.

``import mip.aggregation`` or ``from mip.trends import linear_trend`` still work: a finder on
``sys.meta_path`` answers *only* for the old ``mip.<name>`` paths listed in :data:`MOVED` and hands
back a thin module that forwards every attribute to the new module. It answers for no other
name, so no other package's imports are affected.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

#: Old module → new module.
MOVED = {
    "mip.model": "mip.conventions.model", "mip.units": "mip.conventions.units",
    "mip.timeaxis": "mip.conventions.timeaxis",
    "mip.grid": "mip.geometry.grid", "mip.overlap": "mip.geometry.overlap", "mip.polygons": "mip.geometry.polygons",
    "mip.regrid": "mip.geometry.regrid", "mip.attribution": "mip.regions.attribution",
    "mip.ensemble": "mip.catalog.ensemble",
    "mip.aggregation": "mip.budgets.aggregation", "mip.budget": "mip.budgets.totals", "mip.stats": "mip.budgets.stats",
    "mip.lateral": "mip.budgets.lateral", "mip.national": "mip.budgets.national", "mip.gwp": "mip.budgets.gwp",
    "mip.ch4budget": "mip.budgets.ch4", "mip.multigas": "mip.budgets.multigas", "mip.trends": "mip.budgets.trends",
    "mip.closure": "mip.budgets.closure", "mip.evaluate": "mip.budgets.evaluate",
    "mip.compute": "mip.io.scheduler", "mip.yamlspec": "mip.io.yamlspec", "mip.sample": "mip.testing",
}


class _Forward(types.ModuleType):
    """A stand-in for an old module path: every attribute comes from the new module."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, f"moved to {target}")
        self.__dict__["_target"] = target

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self.__dict__["_target"]), attr)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__dict__["_target"]))


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname in MOVED:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        warnings.warn(f"{spec.name} has moved to {MOVED[spec.name]}; the old path will be removed in a future "
                      "release", DeprecationWarning, stacklevel=3)
        return _Forward(spec.name, MOVED[spec.name])

    def exec_module(self, module) -> None:
        return None


def install() -> None:
    """Put the finder on ``sys.meta_path`` once (it answers only for the names in :data:`MOVED`)."""
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.append(_MovedFinder())
