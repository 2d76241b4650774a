"""Budgets: region totals (``aggregation``), global totals (``totals``), ensemble statistics (``stats``), lateral
fluxes and national stock change (``lateral``, ``national``), CO2-equivalents (``gwp``, ``multigas``), the GCP-CH4
budget rules (``ch4``), trends (``trends``), the growth-rate closure (``closure``), the one completeness rule of
every time mean (``completeness``) and the evaluation of a model
against the ensemble (``evaluate``). All pure compute on datasets; nothing here opens a file."""

from typing import Any as _Any


def __getattr__(name: str) -> _Any:
    """A module of the box used as an attribute (``mip.budgets.completeness``) is imported on first use."""
    import importlib

    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = module
    return module
