"""Declarative specs shared by catalogs, protocols and constraints: names and validated YAML."""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mip.errors import InputError, MipError

__all__ = ["resolve_name", "load_model", "search_path", "named_files"]


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


def named_files(env: str, package_dir: str) -> dict[str, Path]:
    """Name (file stem) → YAML file over :func:`search_path`; the first folder that has a name wins."""
    out: dict[str, Path] = {}
    for d in search_path(env, package_dir):
        for p in sorted(d.glob("*.y*ml")):
            out.setdefault(p.stem, p)
    return out

M = TypeVar("M", bound=BaseModel)


def resolve_name(name_or_path: str | Path, known: Mapping[str, Path], kind: str) -> Path:
    """A path as given (anything with a suffix), or the file registered under a bare name.

    Parameters
    ----------
    name_or_path
        ``"oco2mip-v10"`` or ``"path/to/file.yaml"``.
    known
        Name → file of the registered specs.
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
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise InputError(path, None, f"invalid YAML ({' '.join(str(exc).split())})", f"{what} (YAML)") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors())
        raise InputError(path, None, msgs, f"{what} with valid fields (see docs)") from exc
