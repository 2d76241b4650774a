"""Product families: one reader per published layout, registered by name.

``open_product(family, paths, **options)`` returns the canonical Dataset (see
:mod:`mip.model`).  A new family is a module that decorates its reader with
:func:`register`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from os import PathLike

import xarray as xr

from mip.errors import MipError

__all__ = ["register", "open_product", "families", "Reader"]

Reader = Callable[..., xr.Dataset]
_REGISTRY: dict[str, Reader] = {}
_BUILTIN = ("oco2mip", "gcb", "gcp_ch4", "gcp_n2o", "reccap2", "cf")


def register(name: str) -> Callable[[Reader], Reader]:
    """Register a reader under a family name.

    Parameters
    ----------
    name
        Family name used by catalogs and :func:`open_product`.

    Returns
    -------
    callable
        The decorator.
    """

    def deco(fn: Reader) -> Reader:
        _REGISTRY[name] = fn
        return fn

    return deco


def _load_builtins() -> None:
    for mod in _BUILTIN:
        importlib.import_module(f"mip.products.{mod}")


def families() -> list[str]:
    """Names of all registered product families.

    Returns
    -------
    list of str
    """
    _load_builtins()
    return sorted(_REGISTRY)


def open_product(family: str, paths: str | PathLike | Iterable[str | PathLike], **options) -> xr.Dataset:
    """Open one product's file(s) as a canonical Dataset.

    Parameters
    ----------
    family
        Registered family name (see :func:`families`).
    paths
        A file, or several files of one product.
    **options
        Family-specific options (``model``, ``experiment``, ``sign``, ...).

    Returns
    -------
    xarray.Dataset
    """
    _load_builtins()
    if family not in _REGISTRY:
        raise MipError(f"unknown product family {family!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[family](paths, **options)
