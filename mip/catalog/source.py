"""Intake catalogs of inversion products, and opening a whole ensemble from one entry.

A catalog (``catalogs/*.yaml``) is a classic intake YAML file whose entries use the
driver :class:`ProductSource`.  An entry names the product ``family``, a ``urlpath``
pattern with ``{data_root}``, ``{model}`` and ``{experiment}`` placeholders, the
published ``models`` and ``experiments``, reader ``options`` and per-model
``model_options``.  The data root comes from the ``data_root`` argument or the
``MIP_DATA`` environment variable; ``{{ CATALOG_DIR }}`` also works.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import intake
import xarray as xr
from intake.source.base import DataSource, Schema

from mip._options import get_option
from mip.catalog.ensemble import combine_members
from mip.errors import InputError, MipError
from mip.products import family_labels, open_product
from mip.io.yamlspec import named_files, resolve_name, search_path

__all__ = ["ProductSource", "open_catalog", "open_ensemble", "catalog_dirs", "list_catalogs", "entry_members"]


def catalog_dirs() -> list[Path]:
    """Folders searched for named catalogs.

    ``$MIP_CATALOG_PATH`` (``os.pathsep``-separated), then the catalogs shipped inside the package
    (``mip/catalogs``).
    """
    return search_path("MIP_CATALOG_PATH", "catalogs")


def list_catalogs() -> dict[str, Path]:
    """Named catalogs found in :func:`catalog_dirs` (name = file stem).

    Returns
    -------
    dict
        Name → path.
    """
    return named_files("MIP_CATALOG_PATH", "catalogs")


def open_catalog(name_or_path: str | os.PathLike) -> Any:
    """Open a catalog by name (see :func:`list_catalogs`) or path.

    Parameters
    ----------
    name_or_path
        ``"oco2mip-v10"`` or a path to a YAML file.

    Returns
    -------
    intake catalog
    """
    from mip.catalog.guard import check_catalog_file
    from mip.io.yamlspec import read_yaml

    p = resolve_name(name_or_path, list_catalogs, "catalog")
    if not p.exists():
        raise InputError(p, None, "no such catalog file", "an intake YAML catalog")
    check_catalog_file(p, read_yaml(p, "an intake YAML catalog"))  # before intake imports or expands anything
    try:
        return intake.open_catalog(str(p))
    except Exception as exc:
        raise InputError(p, None, f"not a readable intake catalog ({exc})", "an intake YAML catalog") from exc


def entry_kind(family: str) -> tuple[Any, str]:
    """What a catalog entry's ``family`` names.

    ``(None, family)`` for a product family, else the registry of its kind and the name in it
    (``table:<name>``: :data:`mip.tables.TABLES`; ``masks:<name>``: :data:`mip.io.regionfiles.MASK_FILES`).
    """
    import importlib

    kind, sep, name = family.partition(":")
    if not sep:
        return None, family
    if kind not in ENTRY_KINDS:
        raise MipError(f"family {family!r}: expected a product family, "
                       f"{', '.join(f'{k}:<name>' for k in ENTRY_KINDS)}")
    module, attr = ENTRY_KINDS[kind]
    return getattr(importlib.import_module(module), attr), name


#: The kinds of non-product entry a catalog names as ``<kind>:<name>`` → (module, registry in it).
ENTRY_KINDS = {"table": ("mip.tables", "TABLES"), "masks": ("mip.io.regionfiles", "MASK_FILES")}


class ProductSource(DataSource):
    """Intake driver that opens every member of a product and combines them.

    Parameters
    ----------
    family
        Registered product family (see :func:`mip.products.families`), ``table:<name>`` for a
        published table (:data:`mip.tables.TABLES`), or ``masks:<name>`` for a published region-mask
        file (:data:`mip.io.regionfiles.MASK_FILES`).
    urlpath
        File pattern with ``{data_root}``, ``{model}``, ``{experiment}`` placeholders.
    models, experiments
        The published members; a pattern without ``{model}`` is one file for all.
    options
        Reader options for every member.
    model_options
        Extra reader options per model (e.g. ``{LoFI: {start: "2015-01"}}``).
    data_root
        Replaces ``{data_root}``; default ``$MIP_DATA``.
    check_all_nan
        Report and leave out members whose values are all NaN.
    regrid
        ``(dlat, dlon)``: regrid every member on another grid conservatively onto it.
    unit_spellings
        Unit strings the files write that fluxmip does not know, each mapped to a known spelling
        (``{"grams C per m2 per day": "gC m-2 d-1"}``; see :func:`mip.conventions.units.add_unit_spelling`).
    metadata
        Intake metadata.
    """

    container = "xarray"
    name = "mip_product"
    version = "0.1.0"
    partition_access = False

    def __init__(self, family: str, urlpath: str, models: Sequence[str] | None = None,
                 experiments: Sequence[str] | None = None, options: dict | None = None,
                 model_options: dict | None = None, data_root: str | None = None,
                 check_all_nan: bool = True, regrid: list | tuple | None = None,
                 unit_spellings: dict[str, str] | None = None, metadata: dict | None = None,
                 exclude: dict[tuple[str, str], str] | None = None) -> None:
        self._args = dict(family=family, urlpath=urlpath, models=models, experiments=experiments,
                          options=options, model_options=model_options, data_root=data_root,
                          check_all_nan=check_all_nan, regrid=regrid, unit_spellings=unit_spellings,
                          exclude=exclude)
        self.exclude = dict(exclude or {})
        self.unit_spellings = dict(unit_spellings or {})
        self.regrid = tuple(regrid) if regrid else None
        self.family = family
        self.urlpath = urlpath
        self.models = list(models) if models else None
        self.experiments = list(experiments) if experiments else None
        self.options = dict(options or {})
        self.model_options = dict(model_options or {})
        self.data_root = data_root
        self.check_all_nan = check_all_nan
        super().__init__(metadata=metadata)

    def with_options(self, **overrides: Any) -> "ProductSource":
        """A copy of this source with some arguments replaced (``data_root``, ``models``, ...)."""
        args = {**self._args, **{k: v for k, v in overrides.items() if v is not None}}
        src = ProductSource(**args, metadata=self.metadata)
        src.name = self.name
        return src

    def _root(self) -> str:
        root = self.data_root or get_option("data_root")
        if "{data_root}" in self.urlpath and not root:
            raise MipError(f"catalog entry {self.name!r}: its paths start at {{data_root}}; "
                           "set MIP_DATA or pass data_root=")
        return str(root or "")

    def members(self) -> list[tuple[str, str, Path, dict]]:
        """Every (model, experiment, file, options) the entry lists.

        Returns
        -------
        list of tuple
        """
        from mip.catalog.guard import check_label, check_member_path

        root = self._root()
        where = f"catalog entry {self.name!r}"
        models = [m if m is None else check_label(m, "model", where) for m in self._labels("model", self.models)]
        exps = [e if e is None else check_label(e, "experiment", where)
                for e in self._labels("experiment", self.experiments)]
        base = root if "{data_root}" in self.urlpath else (self.metadata or {}).get("catalog_dir")
        package = Path(str(resources.files("mip")))
        if base and not root and Path(base).resolve().parent == package:  # a shipped catalog: the package's data
            base = str(package)
        out = []
        for m in models:
            for e in exps:
                try:
                    path = Path(self.urlpath.format(data_root=root, model=m, experiment=e))
                except (KeyError, IndexError, ValueError) as exc:
                    raise InputError(where, "urlpath", f"{self.urlpath!r} ({type(exc).__name__}: {exc})",
                                     "a pattern with only {data_root}, {model} and {experiment}") from exc
                path = check_member_path(path, Path(base) if base else None, where)
                opts = {**self.options, **self.model_options.get(m, {})}
                labels = family_labels(self.family)  # declared by each reader at registration
                if m is not None and "model" in labels:
                    opts.setdefault("model", m)
                if e is not None and "experiment" in labels:
                    opts.setdefault("experiment", _experiment(e))
                out.append((m or "", e or "", path, opts))
        return out

    def _labels(self, kind: str, listed: list[str] | None) -> list[str | None]:
        """The labels of one dimension.

        The listed ones; one listed label names every file even without a ``{kind}`` placeholder (a
        single experiment, say); several without a placeholder cannot be told apart.
        """
        if f"{{{kind}}}" in self.urlpath:
            if not listed:
                raise MipError(f"catalog entry {self.name!r}: urlpath uses {{{kind}}} but the entry lists no "
                               f"{kind}s")
            return list(listed)
        if listed and len(listed) > 1:
            raise MipError(f"catalog entry {self.name!r}: {len(listed)} {kind}s listed ({', '.join(listed)}) but "
                           f"urlpath has no {{{kind}}} to tell their files apart; put {{{kind}}} in urlpath, or "
                           f"list one {kind}")
        return [listed[0]] if listed else [None]

    def _get_schema(self) -> Schema:
        return Schema(datashape=None, dtype=None, shape=None, npartitions=1,
                      extra_metadata={"family": self.family, "urlpath": self.urlpath})

    def to_dask(self) -> xr.Dataset:
        """The combined ensemble, lazily (dask-backed)."""
        if self.unit_spellings:
            from mip.conventions.units import add_unit_spelling

            for spelling, known in self.unit_spellings.items():
                add_unit_spelling(spelling, known)
        members = self.members()
        if len(members) == 1 and not members[0][0]:
            _, _, path, opts = members[0]
            kind, name = entry_kind(self.family)
            return open_product(name, path, **opts) if kind is None else kind.get(name)(path, **opts)
        if entry_kind(self.family)[0] is not None:
            raise MipError(f"catalog entry {self.name!r}: a {self.family} entry is one file, not one per model")
        def opener(m: str, e: str, p: Path, o: dict):
            why = self.exclude.get((m, _experiment(e) if e else ""))
            if why is not None:
                def refuse():
                    raise InputError(p, None, why, "a readable member")
                return refuse
            return lambda: open_product(self.family, p, **o)

        return combine_members(
            [(m, _experiment(e) if e else "", opener(m, e, p, o), str(p)) for m, e, p, o in members],
            check_all_nan=self.check_all_nan, source=f"catalog entry {self.name!r}", regrid_to=self.regrid)

    def read(self) -> xr.Dataset:
        """Same as :meth:`to_dask`: the data stay lazy until computed."""
        return self.to_dask()


def _experiment(e: str) -> str:
    """The canonical experiment name of a catalog's label (``Prior`` → ``prior``)."""
    return "prior" if e.lower() == "prior" else e


def entry_members(catalog: Any, entry: str, *, data_root: str | os.PathLike | None = None) -> list[tuple[str, str, Path, dict]]:
    """The members a catalog entry lists (see :meth:`ProductSource.members`)."""
    return _source(catalog, entry, data_root=None if data_root is None else str(data_root)).members()


def _source(catalog: Any, entry: str, **overrides: Any) -> ProductSource:
    cat = open_catalog(catalog) if isinstance(catalog, (str, os.PathLike)) else catalog
    if entry not in list(cat):
        raise MipError(f"catalog has no entry {entry!r}; entries: {', '.join(list(cat))}")
    src = cat[entry]
    if not isinstance(src, ProductSource):
        src = src.get() if hasattr(src, "get") else src
    if not isinstance(src, ProductSource):
        raise MipError(f"entry {entry!r} does not use the mip.catalog.ProductSource driver")
    src.name = entry
    return src.with_options(**overrides)


def open_ensemble(catalog: Any, entry: str, *, data_root: str | os.PathLike | None = None,
                  models: Sequence[str] | None = None, experiments: Sequence[str] | None = None,
                  regrid: tuple[float, float] | None = None, check_all_nan: bool | None = None,
                  exclude: dict[tuple[str, str], str] | None = None, **options: Any) -> xr.Dataset:
    """Open every member of a catalog entry as one Dataset with ``model`` and ``experiment`` dims.

    Members that are missing, unreadable, all-NaN or on a different grid are named in
    a :class:`~mip.errors.MemberWarning` and in ``ds.attrs['excluded_members']``.

    Parameters
    ----------
    catalog
        Catalog name, path, or an opened intake catalog.
    entry
        Entry name.
    data_root
        Root of the data tree (default ``$MIP_DATA``).
    models, experiments
        Subsets of the listed members.
    regrid
        ``(dlat, dlon)``: put every member on that grid (conservatively) instead of
        leaving out members on another grid.
    check_all_nan
        Scan every member for all-NaN values now (one pass over the data). Callers that
        read everything anyway can pass False and report all-NaN members from their own
        results (as ``mip budget`` does), saving a pass.  Default (``None``): what the
        catalog entry says (its ``check_all_nan`` argument, True unless set).
    exclude
        ``{(model, experiment): reason}``: members to leave out, each named with its reason like any
        other member left out (see :func:`mip.catalog.ensemble.unreadable_members`).
    **options
        Extra reader options for every member.

    Returns
    -------
    xarray.Dataset
    """
    src = _source(catalog, entry, data_root=None if data_root is None else str(data_root),
                  models=models, experiments=experiments, regrid=regrid, check_all_nan=check_all_nan,
                  exclude=exclude)
    if options:
        src = src.with_options(options={**src.options, **options})
    return src.read()
