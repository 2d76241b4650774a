"""Region sets from files in one step: the file read by :mod:`mip.io.regionfiles`, the set built here."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike

from mip.errors import InputError
from mip.io.regionfiles import read_mask, read_vector
from mip.regions.core import RegionSet, from_mask
from mip.regions.vector import from_geodataframe

__all__ = ["read_regions"]


def read_regions(path: str | PathLike, *, field: str | None = None, variable: str | None = None,
                 layer: str | None = None, names: dict[int, str] | Sequence[str] | None = None,
                 surface: str = "any") -> RegionSet:
    """A RegionSet from a file: a vector file's polygons by ``field``, or a netCDF mask's ``variable``.

    The thin path-taking wrapper of :func:`mip.regions.from_geodataframe` and
    :func:`mip.regions.from_mask`.

    Parameters
    ----------
    path
        A vector file (give ``field``) or a netCDF mask file (give ``variable``).
    field
        Attribute holding each region's name, e.g. ``"ISO_A3"`` (features sharing it merge).
    variable
        The mask variable.
    layer
        Layer of a multi-layer vector file.
    names
        Code → name of an integer mask.
    surface
        ``"land"``, ``"ocean"`` or ``"any"`` (see :class:`mip.regions.RegionSet`).

    Returns
    -------
    RegionSet

    Raises
    ------
    InputError
        Neither or both of ``field`` and ``variable``, or a file that cannot be read.
    """
    if (field is None) == (variable is None):
        raise InputError(path, None, "neither or both of field= and variable=",
                         "field= (the name attribute of a vector file) or variable= (the mask in a netCDF file)")
    if field is not None:
        return from_geodataframe(read_vector(path, layer=layer), field, surface=surface)
    return from_mask(read_mask(path, variable), names=names, surface=surface)
