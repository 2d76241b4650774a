"""Monitoring the atmosphere's record (pure compute).

Observed growth against scenarios, the CO2 growth rate without ENSO,
and how many years of record detect a change in emissions (pure compute on observations and scenario tables).
"""
