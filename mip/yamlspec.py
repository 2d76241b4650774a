"""Declarative specs shared by catalogs, protocols and constraints: names and validated YAML."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mip.errors import InputError, MipError

__all__ = ["resolve_name", "load_model"]

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
        raise InputError(path, None, f"invalid YAML ({exc})", f"{what} (YAML)") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors())
        raise InputError(path, None, msgs, f"{what} with valid fields (see docs)") from exc
