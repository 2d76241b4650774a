"""The numpydoc Examples of the main public functions run as doctests (each shows a hand-checkable number)."""

import doctest
import importlib

import pytest

MODULES = ["mip.budgets.aggregation", "mip.budgets.trends", "mip.budgets.closure", "mip.budgets.gwp",
           "mip.budgets.stats", "mip.budgets.multigas", "mip.geometry.grid", "mip.regions.core", "mip.checks.run",
           "mip.testing", "mip.regions.vector", "mip.regions.named", "mip.regions.natural_earth", "mip.io.reccap2_masks",
           "mip.obs.scores", "mip.obs.weights", "mip.io.probe"]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no Examples"
    assert result.failed == 0
