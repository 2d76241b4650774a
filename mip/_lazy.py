"""Lazy re-exports for package ``__init__`` modules (PEP 562): a name is imported from its module on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, names: Mapping[str, tuple[str, str]]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` serving ``names``: public name → (module, attribute in it).

    Parameters
    ----------
    package
        The package's name, for the AttributeError of any other name.
    names
        What the package offers and where each comes from.

    Returns
    -------
    callable
        To assign to the package's ``__getattr__``; each value is cached in the package's namespace.
    """
    import sys

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attr = names[name]
        value = getattr(importlib.import_module(module), attr)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
