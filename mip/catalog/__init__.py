"""Catalogs and ensembles: intake catalogs of the products (``mip.catalog.source``) and the combination of their
members into one ensemble (``mip.catalog.ensemble``).

``ProductSource`` is the intake driver the shipped catalogs name (``driver: mip.catalog.ProductSource``).
Names are imported on first use (intake is slow to import).
"""

from __future__ import annotations

import importlib
from typing import Any

_SOURCE = ("ProductSource", "open_catalog", "open_ensemble", "catalog_dirs", "list_catalogs", "entry_members")
__all__ = list(_SOURCE)


def __getattr__(name: str) -> Any:
    if name in _SOURCE:
        value = getattr(importlib.import_module("mip.catalog.source"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mip.catalog' has no attribute {name!r}")
