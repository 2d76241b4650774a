"""Declarative specs shared by catalogs, protocols and constraints: names and validated YAML."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mip.errors import InputError, MipError

__all__ = ["resolve_name", "load_model", "search_path", "named_files", "spec_kind", "spec_name", "read_yaml",
           "YAML_LIMITS"]

#: Limits on a YAML spec read from another group, checked before anything is built from it: the file's
#: size, the number of values after aliases are expanded (a few hundred bytes of nested aliases expand to
#: billions: the "billion laughs"), and the nesting depth.  Real specs are a few kB, hundreds of values,
#: depth under 10.
YAML_LIMITS = {"bytes": 10 * 2**20, "nodes": 1_000_000, "depth": 100}


def _expanded_size(node: yaml.Node, file: Path) -> int:
    """Values in ``node`` once every alias is expanded (shared nodes counted each time), depth checked."""
    memo: dict[int, int] = {}
    stack = [(node, 0, False)]
    while stack:
        n, depth, done = stack.pop()
        if depth > YAML_LIMITS["depth"]:
            raise InputError(file, None, f"YAML nested deeper than {YAML_LIMITS['depth']} levels",
                             "a spec of ordinary depth")
        if id(n) in memo:
            continue
        kids = ([c for kv in n.value for c in kv] if isinstance(n, yaml.MappingNode)
                else list(n.value) if isinstance(n, yaml.SequenceNode) else [])
        if done or not kids:
            memo[id(n)] = 1 + sum(memo[id(c)] for c in kids)
            if memo[id(n)] > YAML_LIMITS["nodes"]:
                raise InputError(file, None, f"YAML that expands to over {YAML_LIMITS['nodes']:,} values through "
                                 "its aliases", "a spec without alias expansion bombs")
            continue
        stack.append((n, depth, True))
        stack.extend((c, depth + 1, False) for c in kids if id(c) not in memo)
    return memo[id(node)]


def read_yaml(path: str | Path, what: str = "a YAML spec") -> object:
    """Parse a YAML file from an untrusted source: safe constructors only, within :data:`YAML_LIMITS`.

    Parameters
    ----------
    path
        The file.
    what
        What it should be, for messages.

    Returns
    -------
    object
        The parsed document (``None`` for an empty file).

    Raises
    ------
    InputError
        A missing, binary, oversized, alias-bombed, too deeply nested or invalid file, named.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > YAML_LIMITS["bytes"]:
            raise InputError(path, None, f"{size:,} bytes", f"{what} under {YAML_LIMITS['bytes']:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"a file that cannot be read ({exc.strerror or exc})", what) from exc
    if b"\0" in data:
        raise InputError(path, None, "binary content (NUL bytes)", f"{what} (YAML text)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, None, f"bytes that are not UTF-8 text ({exc.reason} at byte {exc.start})",
                         f"{what} (YAML text in UTF-8)") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None
        _expanded_size(node, path)
        return yaml.safe_load(text)
    except RecursionError as exc:
        raise InputError(path, None, "YAML nested too deeply to read", f"{what} of ordinary depth") from exc
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"invalid YAML ({' '.join(str(exc).split())})", f"{what} (YAML)") from exc


def search_path(env: str, package_dir: str) -> list[Path]:
    """Folders searched for named specs: ``$<env>`` (``os.pathsep``-separated), then the package's own.

    The YAML that ships with fluxmip lives inside the package (``mip/<package_dir>``) and is found
    with :mod:`importlib.resources`, so an installed wheel has it; users add their own folders
    with the environment variable.

    Parameters
    ----------
    env
        ``MIP_CATALOG_PATH``, ``MIP_PROTOCOL_PATH`` or ``MIP_CONSTRAINT_PATH``.
    package_dir
        ``catalogs``, ``protocols`` or ``constraints``.

    Returns
    -------
    list of pathlib.Path
        The folders that exist, in search order.
    """
    dirs = [Path(p) for p in os.environ.get(env, "").split(os.pathsep) if p]
    dirs.append(Path(str(resources.files("mip") / package_dir)))
    return [d for d in dirs if d.is_dir()]


#: The environment variables whose folders hold users' specs; every kind is looked for in all of them, so
#: a MIP's catalog, protocol and constraint specs may share one folder.
SPEC_PATH_VARIABLES = ("MIP_CATALOG_PATH", "MIP_PROTOCOL_PATH", "MIP_CONSTRAINT_PATH")
#: Spec kind → the package folder of the shipped ones.
KIND_DIRS = {"catalog": "catalogs", "protocol": "protocols", "constraint": "constraints"}


def spec_kind(raw: object) -> str | None:
    """What a parsed YAML file is.

    ``"catalog"`` (intake ``sources``), ``"protocol"`` (``file_pattern`` and ``variables``),
    ``"constraint"`` (``predictand``/``predictor``/``kind: multi_predictor``), or None.
    """
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("sources"), dict):
        return "catalog"
    if "file_pattern" in raw and "variables" in raw:
        return "protocol"
    if raw.get("kind") == "multi_predictor" or "predictand" in raw or "predictor" in raw:
        return "constraint"
    return None


def spec_name(raw: dict, path: Path) -> str:
    """A spec's name: its ``name:`` (a catalog's ``metadata: name:`` too), else the file's stem."""
    name = raw.get("name") or (raw.get("metadata") or {}).get("name") if isinstance(raw, dict) else None
    return str(name) if name else path.stem


@functools.lru_cache(maxsize=512)
def _peek(path: str, mtime: int) -> tuple[str | None, str]:
    try:
        raw = read_yaml(path)
    except InputError:
        return None, Path(path).stem
    return spec_kind(raw), spec_name(raw, Path(path)) if isinstance(raw, dict) else Path(path).stem


def named_files(env: str, package_dir: str) -> dict[str, Path]:
    """Name → YAML file of one kind of spec, users' folders first (the first file with a name wins).

    The users' folders are those of every variable in :data:`SPEC_PATH_VARIABLES` (``env`` first), so a
    folder may hold a MIP's catalog, protocol and specs together: each file is read and kept if it is of
    this kind (:func:`spec_kind`), under its ``name:`` and under its file stem; the shipped folder
    (``mip/<package_dir>``) holds only this kind.

    Parameters
    ----------
    env
        The kind's own variable (searched first).
    package_dir
        ``catalogs``, ``protocols`` or ``constraints``.

    Returns
    -------
    dict
    """
    kind = {v: k for k, v in KIND_DIRS.items()}[package_dir]
    user: list[Path] = []
    for var in (env, *[v for v in SPEC_PATH_VARIABLES if v != env]):
        user += [Path(p) for p in os.environ.get(var, "").split(os.pathsep) if p]
    out: dict[str, Path] = {}
    aliases: dict[str, Path] = {}
    seen: set[Path] = set()
    for d in [u for u in user if u.is_dir()] + [search_path(env, package_dir)[-1]]:
        if d.resolve() in seen:
            continue
        seen.add(d.resolve())
        for p in sorted(d.glob("*.y*ml")):
            found, name = _peek(str(p.resolve()), p.stat().st_mtime_ns)
            if found != kind:
                continue
            out.setdefault(name, p)
            aliases.setdefault(p.stem, p)
    for stem, p in aliases.items():
        out.setdefault(stem, p)
    return out

M = TypeVar("M", bound=BaseModel)


def resolve_name(name_or_path: str | Path, known: Mapping[str, Path] | Callable[[], Mapping[str, Path]],
                 kind: str) -> Path:
    """A path as given (anything with a suffix), or the file registered under a bare name.

    Parameters
    ----------
    name_or_path
        ``"oco2mip-v10"`` or ``"path/to/file.yaml"``.
    known
        Name → file of the registered specs, or the function that lists them (called only for a bare
        name: listing reads every spec file of the search path).
    kind
        What is looked up, for the message (``"catalog"``, ``"protocol"``, ...).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    MipError
        A bare name nothing is registered under (the known names are listed).
    """
    p = Path(name_or_path)
    if p.suffix:
        return p
    known = known() if callable(known) else known
    if str(name_or_path) not in known:
        raise MipError(f"unknown {kind} {str(name_or_path)!r}; known: {', '.join(known) or 'none'}")
    return known[str(name_or_path)]


def load_model(path: str | Path, model: type[M], what: str) -> M:
    """Read a YAML file and validate it with a pydantic model; every problem names the file and field.

    Parameters
    ----------
    path
        The YAML file.
    model
        The pydantic model.
    what
        What the file should be, for messages (``"a MIP protocol"``).

    Returns
    -------
    The validated model.

    Raises
    ------
    InputError
        Missing file, invalid YAML, or invalid fields (all of them listed).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, None, "no such file", f"{what} (YAML)")
    raw = read_yaml(path, what)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors())
        raise InputError(path, None, msgs, f"{what} with valid fields (see docs)") from exc
