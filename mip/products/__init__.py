"""Product families: one reader per published layout, registered by name.

``open_product(family, paths, **options)`` returns the canonical Dataset (see
:mod:`mip.conventions.model`).  A new family is a module that decorates its reader with
:func:`register`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from os import PathLike

import xarray as xr

from mip.errors import MipError

__all__ = ["register", "open_product", "families", "family_labels", "Reader"]

Reader = Callable[..., xr.Dataset]
_REGISTRY: dict[str, Reader] = {}
#: Per family, the member labels its reader accepts as options (``model``, ``experiment``).
_LABELS: dict[str, tuple[str, ...]] = {}
_BUILTIN = ("oco2mip", "gcb", "gcp_ch4", "gcp_n2o", "cf", "cmip")
#: Names that were families but read something else: family → (what it is, module, reader).
_NOT_PRODUCTS = {"reccap2": ("region masks", "mip.io.reccap2_masks", "read_reccap2_masks")}


def register(name: str, *, labels: tuple[str, ...] = ("model", "experiment")) -> Callable[[Reader], Reader]:
    """Register a reader under a family name.

    Parameters
    ----------
    name
        Family name used by catalogs and :func:`open_product`.
    labels
        The member labels the reader takes as options (a catalog passes its own ``model`` and
        ``experiment`` to such readers); ``()`` for readers of files that hold many members or none.

    Returns
    -------
    callable
        The decorator.
    """

    def deco(fn: Reader) -> Reader:
        _REGISTRY[name] = fn
        _LABELS[name] = tuple(labels)
        return fn

    return deco


def family_labels(family: str) -> tuple[str, ...]:
    """The member labels a family's reader accepts (declared at :func:`register`)."""
    _load_builtins()
    return _LABELS.get(family, ())


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
    if family in _NOT_PRODUCTS and family not in _REGISTRY:
        import warnings

        what, module, reader = _NOT_PRODUCTS[family]
        warnings.warn(f"open_product({family!r}, ...) returns {what}, not fluxes: use {module}.{reader} (and "
                      f"mip.regions.{family}); the {family!r} family will be removed in a future release",
                      DeprecationWarning, stacklevel=2)
        return getattr(importlib.import_module(module), reader)(paths, **options)
    if family not in _REGISTRY:
        raise MipError(f"unknown product family {family!r}; known: {', '.join(sorted(_REGISTRY))}")
    reader = _REGISTRY[family]
    _check_options(family, reader, options)
    try:
        return reader(paths, **options)
    except TypeError as exc:  # a reader that passes **options on: the inner function names the stray one
        if "unexpected keyword argument" not in str(exc):
            raise
        raise MipError(f"the {family!r} reader: {exc} (check the catalog entry's options)") from exc


def _check_options(family: str, reader, options: dict) -> None:
    """Refuse reader options the family's reader does not take (a catalog's typo), naming those it does."""
    import inspect

    try:
        params = inspect.signature(reader).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    known = [n for n, p in list(params.items())[1:] if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise MipError(f"the {family!r} reader takes no option(s) {', '.join(map(repr, unknown))}; its options: "
                       f"{', '.join(known)}")
