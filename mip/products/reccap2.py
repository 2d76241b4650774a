"""RECCAP2 ocean region masks (``RECCAP2_region_masks_all_v20221025.nc``; real file checked in the tests).

The published file: 1° grid, ``lat`` −89.5…89.5, ``lon`` 0.5…359.5 (normalised here to
[−180, 180)); int8 masks ``open_ocean`` (1 Atlantic … 5 Southern: the basin level) and one per
basin, ``atlantic``, ``pacific``, ``indian``, ``arctic``, ``southern`` (0 = outside, 1..n =
sub-region, Fay & McKinley 2014 biomes).  Sub-region names are in each variable's
``region_name`` attribute as ``"1.NA SPSS, 2.NA STSS, ..."``.  ``arctic`` has no such
attribute in the published file: its codes are then named ``"Arctic <n>"`` (documented
fallback, recorded in the mask's ``names_source``); any other mask without names is an error.
The bundled copy (``mip/data/reccap2-ocean/``) is read when no path is given.

The river-flux adjustment grid of the same resources (``fgco2_lacroix-river_v20220615.nc``:
``fgco2`` in mol m-2 s-1, stored positive into the ocean) is read by :func:`read_river_flux`
into a canonical flux positive to the atmosphere.
"""

from __future__ import annotations

import re
from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import standardise_grid
from mip.io import load_values, open_netcdf
from mip.products import register
from mip.products._common import as_paths, find_axis, onto_grid, to_canonical_flux

__all__ = ["read_reccap2", "read_river_flux", "bundled_masks", "parse_region_name", "BASINS", "LAND_REGIONS"]

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


@register("reccap2", labels=())
def read_reccap2(paths: str | PathLike | None = None, *, basins: tuple[str, ...] | None = None) -> xr.Dataset:
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
    >>> masks = read_reccap2()
    >>> masks["indian"].attrs["region_names"]
    ['Arabian Sea', 'Bay of Bengal', 'Equatorial Indian', 'Southern Indian']
    """
    (path,) = as_paths(bundled_masks() if paths is None else paths)
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
        region_names, source = _names(da, b, codes, path)
        out[b] = arr.assign_attrs(region_names=region_names, names_source=source, source_file=str(path),
                                  product="RECCAP2 region masks", native_name=b)
    out.attrs.update({"product": "RECCAP2 region masks", "source_file": str(path),
                      "grid_changes": grid.attrs.get("grid_changes", "")})
    return out


def read_river_flux(path: str | PathLike, *, variable: str = "fgco2", sign: str = "surface") -> xr.Dataset:
    """Read the RECCAP2 river-flux adjustment grid (Lacroix et al. 2020) as a canonical ocean flux.

    Parameters
    ----------
    path
        ``fgco2_lacroix-river_v20220615.nc``.
    variable
        The flux variable.
    sign
        The file's convention: ``"surface"`` (as published: positive into the ocean, so the
        river-induced outgassing is negative) or ``"atmosphere"``.

    Returns
    -------
    xarray.Dataset
        ``river`` in kg C m-2 s-1, positive = to the atmosphere, on the canonical grid with
        ``cell_area``; no time dimension (the adjustment is a constant flux).
    """
    from mip.products._common import sign_factor

    path = Path(path)
    ds = open_netcdf(path, chunks=None)
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    if variable not in ds.variables:
        raise InputError(path, variable, "no such variable", f"the river flux '{variable}' (present: {', '.join(map(str, ds.data_vars))})")
    da = ds[variable]
    if set(da.dims) != {lat, lon}:
        raise InputError(path, variable, f"dims {da.dims}", f"({lat}, {lon})")
    grid = standardise_grid(ds[[lat, lon]].reset_coords(drop=True).set_coords([lat, lon]), lat=lat, lon=lon, file=path)
    da = da.copy(data=load_values(da, path, variable))
    flux = to_canonical_flux(onto_grid(da.fillna(0.0), ds, grid, lat=lat, lon=lon), gas="CO2", file=path,
                             native_name=variable, product="reccap2 river adjustment", version=path.stem,
                             sign=sign_factor(sign, file=path, variable=variable))
    out = xr.Dataset({"river": flux}, coords={k: grid[k] for k in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area")})
    out.attrs.update({"source_file": str(path), "product": "RECCAP2 river flux adjustment (Lacroix et al. 2020)",
                      "sign_convention": "positive = to the atmosphere (river-induced outgassing positive)",
                      "missing_values": f"{int(da.isnull().sum())} NaN cells (land) read as 0"})
    return out
