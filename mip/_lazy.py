"""The one lazy-export helper of the package ``__init__`` modules (PEP 562): a name is imported on first use.

:func:`lazy_exports` gives a package its ``__getattr__`` and ``__dir__``: the names it offers (each
from its module), and optionally its submodules as attributes (``mip.budgets.trends``).  A name the
package does not offer is an :class:`AttributeError`; a *missing dependency* of a module that does
exist is never disguised as one: its :class:`ImportError` (``No module named 'geopandas'``) is raised.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, names: Mapping[str, tuple[str, str | None]], *,
                 submodules: bool = False) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` serving ``names``: public name → (module, attribute in it).

    Parameters
    ----------
    package
        The package's ``__name__``.
    names
        What the package offers and where each comes from; attribute ``None`` offers the module itself.
    submodules
        Also answer ``package.<submodule>`` for any submodule (imported on first use).

    Returns
    -------
    (__getattr__, __dir__)
        To assign in the package; each value is cached in the package's namespace.
    """

    def __getattr__(name: str) -> Any:
        if name in names:
            module, attr = names[name]
            mod = importlib.import_module(module)
            value = mod if attr is None else getattr(mod, attr)
        elif submodules and not name.startswith("__"):
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":  # the module exists; something it imports is missing
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names))

    return __getattr__, __dir__
