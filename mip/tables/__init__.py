"""Published tables.

Readers of tables that are not gridded products (the GCB workbooks, global and national, the
GCP-CH4 budget workbook, the CEOS national budgets, the v10 MIP zonal tables, the Tian et al. 2020 N2O table, the
national inventories, the SSP concentrations).

Tables are not gridded products: each has its own reader here (never ``open_product``), returning
xarray objects with units.  fluxmip's own budget tables are written by :mod:`mip.report.budget_files`.
"""

from __future__ import annotations

from typing import Any

from mip._lazy import lazy_exports
from mip.io.registry import Registry

#: Reader names offered here → (module, name in it); imported on first use.
_READERS = {
    "read_gcp_ch4_workbook": ("mip.tables.gcp_ch4_workbook", "read_workbook"),
    "read_ceos_countries": ("mip.tables.ceos_countries", "read_ceos_countries"),
    "write_ceos_countries": ("mip.tables.ceos_countries", "write_ceos_countries"),
    "read_gcb_global_budget": ("mip.tables.gcb_workbook", "read_global_budget"),
    "read_zonal_ensemble": ("mip.tables.v10mip_zonal", "read_zonal_ensemble"),
    "read_tian2020_n2o": ("mip.tables.tian2020_n2o", "read_tian2020"),
    "read_gcb_national_fossil": ("mip.tables.gcb_national", "read_gcb_national_fossil"),
    "read_gcb_national_luc": ("mip.tables.gcb_national", "read_gcb_national_luc"),
}

#: Tables a catalog entry can name as ``family: table:<name>``; other packages add theirs through the
#: entry-point group ``fluxmip.tables``.
TABLES = Registry("table", "fluxmip.tables")
for _name, _reader in {"gcp_ch4_workbook": "read_gcp_ch4_workbook", "ceos_countries": "read_ceos_countries",
                       "gcb_global_budget": "read_gcb_global_budget", "tian2020_n2o": "read_tian2020_n2o"}.items():
    TABLES.register(_name, "{}:{}".format(*_READERS[_reader]))

__all__ = ["read_table", "TABLES", *_READERS]
__getattr__, __dir__ = lazy_exports(__name__, _READERS, submodules=True)


def read_table(name: str, path: Any = None, **options: Any) -> Any:
    """Read a published table by its name in :data:`TABLES` (what a catalog's ``family: table:<name>`` calls).

    Parameters
    ----------
    name
        ``gcp_ch4_workbook``, ``ceos_countries``, ``gcb_global_budget``, ``tian2020_n2o`` (``TABLES.names()``).
    path
        The file (``None``: the bundled copy, where there is one).
    **options
        The reader's options (e.g. ``approach="BU"``).

    Returns
    -------
    xarray.Dataset or xarray.DataArray
    """
    return TABLES.get(name)(path, **options)
