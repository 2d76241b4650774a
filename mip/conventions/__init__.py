"""Conventions every other box shares.

The canonical data model (``model``), units and their conversions
(``units``: a private pint registry), and time axes on any calendar (``timeaxis``).
"""
