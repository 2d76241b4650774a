"""RECCAP2 region masks (``RECCAP2_region_masks_all_v20221025.nc``; real file checked in the tests).

Masks, not fluxes: this reader returns the Dataset :func:`mip.regions.reccap2` turns into a
RegionSet (it is not a product family).

The published file: 1° grid, ``lat`` −89.5…89.5, ``lon`` 0.5…359.5 (normalised here to
[−180, 180)); int8 masks ``open_ocean`` (1 Atlantic … 5 Southern: the basin level) and one per
basin, ``atlantic``, ``pacific``, ``indian``, ``arctic``, ``southern`` (0 = outside, 1..n =
sub-region, Fay & McKinley 2014 biomes).  Sub-region names are in each variable's
``region_name`` attribute as ``"1.NA SPSS, 2.NA STSS, ..."``.  ``arctic`` has no such
attribute in the published file: its codes are then named ``"Arctic <n>"`` (documented
fallback, recorded in the mask's ``names_source``); any other mask without names is an error.
The bundled copy (``mip/data/reccap2-ocean/``) is read when no path is given.
"""

from __future__ import annotations

import re
from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import find_axis, onto_grid, standardise_grid
from mip.io.files import load_values, open_netcdf

__all__ = ["read_reccap2_masks", "bundled_masks", "parse_region_name", "BASINS", "BASIN_LEVEL", "LAND_REGIONS"]

BASINS = ("atlantic", "pacific", "indian", "arctic", "southern")
#: The basin-level mask and its level name.
BASIN_LEVEL = "open_ocean"
LAND_REGIONS = ("North America", "South America", "Europe", "Russia", "Africa", "West/Central Asia",
                "South Asia", "East Asia", "Southeast Asia", "Australasia")
_ITEM = re.compile(r"^\s*(\d+)\s*\.\s*(\S.*?)\s*$")


def bundled_masks() -> Path:
    """Path of the bundled RECCAP2 mask file (a copy of the published v20221025 file)."""
    return Path(str(resources.files("mip") / "data" / "reccap2-ocean" / "RECCAP2_region_masks_all_v20221025.nc"))


def parse_region_name(text: str, *, file: object = None, variable: str | None = None) -> dict[int, str]:
    """Parse a RECCAP2 ``region_name`` attribute, ``"1.NA SPSS, 2.NA STSS, ..."``, into code → name.

    Parameters
    ----------
    text
        The attribute's value.
    file, variable
        For messages.

    Returns
    -------
    dict
        Code → name.

    Raises
    ------
    InputError
        When an item is not ``<code>.<name>`` or a code occurs twice.

    Examples
    --------
    >>> parse_region_name("1.Arabian Sea, 2.Bay of Bengal")
    {1: 'Arabian Sea', 2: 'Bay of Bengal'}
    """
    table: dict[int, str] = {}
    for item in str(text).split(","):
        m = _ITEM.match(item)
        if not m or int(m[1]) in table:
            raise InputError(file, f"{variable}:region_name", f"item {item.strip()!r} in {str(text)[:80]!r}",
                             "comma-separated '<code>.<name>' items with distinct codes, e.g. '1.NA SPSS, 2.NA STSS'")
        table[int(m[1])] = m[2]
    return table


def _names(da: xr.DataArray, var: str, codes: list[int], path: Path) -> tuple[list[str], str]:
    if "region_name" in da.attrs:
        table, source = parse_region_name(da.attrs["region_name"], file=path, variable=var), "region_name attribute"
    elif "flag_values" in da.attrs and "flag_meanings" in da.attrs:
        table = dict(zip(np.atleast_1d(da.attrs["flag_values"]).astype(int).tolist(),
                         str(da.attrs["flag_meanings"]).split()))
        source = "CF flag_values/flag_meanings"
    elif var == "arctic":
        table = {c: f"Arctic {c}" for c in codes}
        source = "no region_name attribute in the file (as published): codes numbered 'Arctic <n>'"
    elif var == "land" and max(codes, default=0) <= len(LAND_REGIONS):
        table, source = {i + 1: n for i, n in enumerate(LAND_REGIONS)}, "RECCAP2 land regions (Ciais et al. 2022)"
    else:
        raise InputError(path, f"{var}:region_name", "no region_name attribute",
                         "'1.<name>, 2.<name>, ...' naming every code of the mask")
    missing = [c for c in codes if c not in table]
    if missing:
        raise InputError(path, f"{var}:region_name", f"no name for code(s) {missing} (named: {sorted(table)})",
                         "a name for every code present in the mask")
    return [table.get(c, f"{var} {c}") for c in range(1, max(codes, default=0) + 1)], source


def read_reccap2_masks(paths: str | PathLike | None = None, *, basins: tuple[str, ...] | None = None) -> xr.Dataset:
    """Read the RECCAP2 region-mask file.

    Parameters
    ----------
    paths
        The mask file; ``None`` reads the bundled copy of the published file.
    basins
        Which masks to read: any of :data:`BASINS`, ``"open_ocean"`` (the five basins) and
        ``"land"``; default the five basins (sub-region level; each must be present) plus
        ``land`` when the file has it.

    Returns
    -------
    xarray.Dataset
        Integer masks on (lat, lon), canonical grid (longitudes in [−180, 180)), each with
        ``region_names`` (list, index = code − 1) and ``names_source``.

    Raises
    ------
    InputError
        A mask that is missing, on other dims, has negative or fractional codes, or whose
        names are malformed or incomplete.

    Examples
    --------
    >>> masks = read_reccap2_masks()
    >>> masks["indian"].attrs["region_names"]
    ['Arabian Sea', 'Bay of Bengal', 'Equatorial Indian', 'Southern Indian']
    """
    (path,) = _one_path(bundled_masks() if paths is None else paths)
    ds = open_netcdf(path, chunks=None)
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    names = list(basins) if basins else [*BASINS, *(["land"] if "land" in ds.variables else [])]
    grid = standardise_grid(ds[[lat, lon]].reset_coords(drop=True).set_coords([lat, lon]), lat=lat, lon=lon, file=path)
    out = xr.Dataset(coords={k: grid[k] for k in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area")})
    for b in names:
        if b not in ds.variables:
            raise InputError(path, b, "no such variable", f"a RECCAP2 mask '{b}' (present: {', '.join(map(str, ds.data_vars))})")
        da = ds[b]
        if set(da.dims) != {lat, lon}:
            raise InputError(path, b, f"dims {da.dims}", f"({lat}, {lon})")
        vals = np.nan_to_num(load_values(da.transpose(lat, lon), path, b).astype("f8"), nan=0.0)
        if np.any(vals < 0) or np.any(vals != np.round(vals)):
            raise InputError(path, b, "negative or non-integer codes", "0 = outside, 1..n = sub-region")
        arr = onto_grid(xr.DataArray(vals.astype("i4"), dims=(lat, lon)), ds, grid, lat=lat, lon=lon)
        codes = sorted(int(c) for c in np.unique(arr.values) if c > 0)
        if not codes:
            raise InputError(path, b, "no cell with a region code (every value 0 or missing)",
                             "a mask with codes 1..n in its regions")
        region_names, source = _names(da, b, codes, path)
        out[b] = arr.assign_attrs(region_names=region_names, names_source=source, source_file=str(path),
                                  product="RECCAP2 region masks", native_name=b)
    _check_basins(out, ds, grid, lat, lon, path)
    out.attrs.update({"product": "RECCAP2 region masks", "source_file": str(path),
                      "grid_changes": grid.attrs.get("grid_changes", "")})
    return out


def _check_basins(out: xr.Dataset, ds: xr.Dataset, grid: xr.Dataset, lat: str, lon: str, path: Path) -> None:
    """Refuse basin masks that overlap (a cell counted in two basins) or disagree with ``open_ocean``.

    In the published file (v20221025) no cell is in two basin masks and every basin mask's cells carry
    that basin's code in ``open_ocean``: a file that breaks either would move fluxes between basins.
    """
    present = [b for b in BASINS if b in out]
    if len(present) > 1:
        count = sum((out[b].values > 0).astype(int) for b in present)
        if (count > 1).any():
            raise InputError(path, "/".join(present), f"{int((count > 1).sum())} cell(s) in more than one basin mask",
                             "each ocean cell in one basin at most")
    if not present or BASIN_LEVEL not in ds.variables or set(ds[BASIN_LEVEL].dims) != {lat, lon}:
        return
    vals = np.nan_to_num(load_values(ds[BASIN_LEVEL].transpose(lat, lon), path, BASIN_LEVEL).astype("f8"), nan=0.0)
    basin = onto_grid(xr.DataArray(vals, dims=(lat, lon)), ds, grid, lat=lat, lon=lon).values
    for b in present:
        code = BASINS.index(b) + 1
        wrong = (out[b].values > 0) & (basin != code)
        if wrong.any():
            raise InputError(path, b, f"{int(wrong.sum())} cell(s) coded in the {b} mask that {BASIN_LEVEL} puts in "
                             "another basin or none", f"the {b} mask's cells coded {code} in {BASIN_LEVEL}")


def _one_path(paths: str | PathLike | list) -> tuple[Path]:
    if isinstance(paths, (str, PathLike)):
        return (Path(paths),)
    paths = [Path(p) for p in paths]
    if len(paths) != 1:
        raise InputError(paths[0] if paths else None, None, f"{len(paths)} files", "one RECCAP2 mask file")
    return (paths[0],)
