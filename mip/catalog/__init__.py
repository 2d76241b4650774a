"""Catalogs and ensembles.

Intake catalogs of the products (``mip.catalog.source``) and the combination of their
members into one ensemble (``mip.catalog.ensemble``).

``ProductSource`` is the intake driver the shipped catalogs name (``driver: mip.catalog.ProductSource``).
Names are imported on first use (intake is slow to import).
"""

from __future__ import annotations

from mip._lazy import lazy_exports

_SOURCE = ("ProductSource", "open_catalog", "open_ensemble", "catalog_dirs", "list_catalogs", "entry_members")
__all__ = list(_SOURCE)
__getattr__, __dir__ = lazy_exports(__name__, {n: ("mip.catalog.source", n) for n in _SOURCE}, submodules=True)
