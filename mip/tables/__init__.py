"""Budget tables: readers of published tables (GCB workbook, v10 MIP zonal tables) and the budget writers.

Tables are not gridded products: each has its own reader here, returning xarray objects with
units, and :func:`write_budget` writes fluxmip's own region-total tables.
"""

from mip.tables.budget_files import stats_table, write_budget

__all__ = ["write_budget", "stats_table"]
