"""Budgets: pure compute on datasets, nothing here opens a file.

Region totals (``aggregation``), global totals (``totals``), ensemble statistics (``stats``), lateral
fluxes and national stock change (``lateral``, ``national``), CO2-equivalents (``gwp``, ``multigas``), the GCP-CH4
budget rules (``ch4``), trends (``trends``), the growth-rate closure (``closure``), the one completeness rule of
every time mean (``completeness``) and the evaluation of a model
against the ensemble (``esm_scores``). All pure compute on datasets; nothing here opens a file.
"""

from mip._lazy import lazy_exports

#: The box's modules are its attributes (``mip.budgets.completeness``), imported on first use.
__getattr__, __dir__ = lazy_exports(__name__, {}, submodules=True)
