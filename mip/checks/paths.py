"""The files a check covers: files as given, folders expanded to their netCDF files (standard library only)."""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike
from pathlib import Path

__all__ = ["expand_paths", "SUFFIXES"]

SUFFIXES = (".nc", ".nc4", ".netcdf", ".h5", ".hdf5")


def expand_paths(paths: Iterable[str | PathLike]) -> list[Path]:
    """Files to check: files as given, directories expanded to their netCDF files (sorted).

    Parameters
    ----------
    paths
        Files or directories.

    Returns
    -------
    list of Path
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out
