"""Product families: one reader per published layout, registered by name.

``open_product(family, paths, **options)`` returns the canonical Dataset (see
:mod:`mip.conventions.model`).  A new family is one module: put it in this package and decorate its
reader with :func:`register` (every public module here is imported to find them), or, from another
package, name the reader in an entry point of the group ``fluxmip.families``
(:class:`mip.io.registry.Registry`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from os import PathLike

import xarray as xr

from mip.errors import MipError
from mip.io.registry import Registry, import_submodules

__all__ = ["register", "open_product", "families", "family_labels", "Reader", "FAMILIES"]

Reader = Callable[..., xr.Dataset]
#: The product families: name → reader, with the member labels it takes (``labels``).
FAMILIES = Registry("product family", "fluxmip.families", lambda: import_submodules(__name__),
                    default_meta={"labels": ("model", "experiment")})


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
    return FAMILIES.register(name, labels=tuple(labels))


def family_labels(family: str) -> tuple[str, ...]:
    """The member labels a family's reader accepts (declared at :func:`register`)."""
    return tuple(FAMILIES.meta(family).get("labels", ()))


def families() -> list[str]:
    """Names of all registered product families.

    Returns
    -------
    list of str
    """
    return FAMILIES.names()


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
    reader = FAMILIES.get(family)
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
