"""Named readers of one kind (product families, published tables, mask files), open to other packages.

fluxmip's own readers are registered where they are defined (a decorator, or a ``"module:function"``
string that is imported on first use); another installed package adds its own through an entry
point of the kind's group, without touching fluxmip::

    # the other package's pyproject.toml
    [project.entry-points."fluxmip.families"]
    mymip = "mymip.reader:read_mymip"        # a function: registered under the entry point's name
    # or: mymip = "mymip.reader"             # a module that calls mip.products.register itself

Entry points are code the user installed (like any import); a broken one is named in a
``RuntimeWarning`` and skipped, so that one bad plugin does not stop fluxmip.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any

from mip.errors import MipError

__all__ = ["Registry"]


class Registry:
    """Readers of one kind by name, each with its metadata; builtins and entry points loaded on first use.

    Parameters
    ----------
    kind
        What the names are (``"product family"``), for messages.
    group
        The entry-point group other packages register in (``"fluxmip.families"``).
    builtins
        Called once before the first lookup: imports the modules that register fluxmip's own readers.
    default_meta
        Metadata of a reader an entry point names directly (a function, not a registering module).
    """

    def __init__(self, kind: str, group: str, builtins: Callable[[], None] | None = None,
                 default_meta: dict[str, Any] | None = None) -> None:
        self.kind, self.group = kind, group
        self._builtins = builtins
        self._default_meta = dict(default_meta or {})
        self._readers: dict[str, Any] = {}
        self._meta: dict[str, dict[str, Any]] = {}
        self._loaded = False

    def register(self, name: str, reader: Callable[..., Any] | str | None = None, **meta: Any):
        """Register ``reader`` under ``name`` (a function, or ``"module:function"`` imported on first use).

        Without ``reader``, a decorator.  ``meta`` is kept with it (e.g. the member labels a reader takes).

        Returns
        -------
        The reader, or the decorator.
        """
        if reader is None:
            def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
                self.register(name, fn, **meta)
                return fn

            return deco
        self._readers[name] = reader
        self._meta[name] = dict(meta)
        return reader

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self._builtins is not None:
            self._builtins()
        from importlib.metadata import entry_points

        for ep in entry_points(group=self.group):
            try:
                obj = ep.load()
            except Exception as exc:  # a broken plugin is named and skipped
                warnings.warn(f"{self.kind} {ep.name!r} from entry point {ep.value!r} ({self.group}) could not be "
                              f"loaded: {type(exc).__name__}: {exc}", RuntimeWarning, stacklevel=3)
                continue
            if callable(obj) and ep.name not in self._readers:
                self.register(ep.name, obj, **self._default_meta)

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        self._load()
        return sorted(self._readers)

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is registered (loading the builtins and plugins first)."""
        self._load()
        return name in self._readers

    def meta(self, name: str) -> dict[str, Any]:
        """The metadata registered with ``name`` (empty if none)."""
        self._load()
        return dict(self._meta.get(name, {}))

    def get(self, name: str) -> Callable[..., Any]:
        """The reader registered as ``name``.

        Raises
        ------
        MipError
            Naming the known names, for an unknown one.
        """
        self._load()
        if name not in self._readers:
            raise MipError(f"unknown {self.kind} {name!r}; known: {', '.join(sorted(self._readers)) or 'none'} "
                           f"(other packages add theirs through the entry-point group {self.group!r})")
        reader = self._readers[name]
        if isinstance(reader, str):
            module, _, attr = reader.partition(":")
            reader = self._readers[name] = getattr(importlib.import_module(module), attr)
        return reader


def import_submodules(package: str) -> None:
    """Import every public module of ``package`` (``_``-prefixed ones excepted): its modules register themselves."""
    import pkgutil

    for m in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if not m.name.startswith("_"):
            importlib.import_module(f"{package}.{m.name}")
