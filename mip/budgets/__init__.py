"""Budgets: region totals (``aggregation``), global totals (``totals``), ensemble statistics (``stats``), lateral
fluxes and national stock change (``lateral``, ``national``), CO2-equivalents (``gwp``, ``multigas``), the GCP-CH4
budget rules (``ch4``), trends (``trends``), the growth-rate closure (``closure``) and the evaluation of a model
against the ensemble (``evaluate``). All pure compute on datasets; nothing here opens a file."""
