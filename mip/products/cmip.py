"""CMIP-convention Earth-system-model output (``cmip`` family): ``nbp``, ``fgco2``, ``fco2fos``, CH4/N2O fluxes.

What a CMIP6 file holds and how it becomes canonical:

- one variable per file (``<var>_<table>_<source_id>_<experiment_id>_<variant>_<grid>_<YYYYMM>-<YYYYMM>.nc``),
  several files of one variable are time chunks and are joined in time order;
- **sign from the standard name**, never guessed: ``..._downward_...`` (``nbp``, ``fgco2``) is
  positive *into* the surface and is flipped; ``..._upward_...`` and
  ``tendency_of_atmosphere_...`` (``fco2antt``, ``fco2fos``) are positive to the atmosphere; a
  ``positive`` attribute (``up``/``down``) is honoured and must agree with the standard name;
  a variable with neither needs the ``sign`` option;
- units ``kg m-2 s-1`` of carbon (``expressed_as_carbon``), of CH4, or of N2O (of N when the
  standard name says ``expressed_as_nitrogen``);
- **per land or per sea area**: ``cell_methods`` ``area: mean where land`` (``nbp``) means a flux
  per m² of the cell's land, so it is multiplied by the land fraction (``sftlf``, %, the model's own
  fx file; or ``land_fraction="natural-earth"`` for the bundled Natural Earth fraction); ``where
  sea`` likewise with ``sftof`` or one minus the Natural Earth land fraction;
- the native ``gn``/``gr`` grid with its ``lat_bnds``/``lon_bnds`` (cell areas from the bounds,
  so uneven Gaussian latitudes are exact); a file without bounds is refused unless
  ``bounds="centres"`` (an evenly spaced grid); curvilinear ocean grids are refused (use the
  model's ``gr`` regridded output);
- any cftime calendar (``noleap``, ``360_day``, ...), kept as it is (the comparison aligns months
  by their labels: see :mod:`mip.budgets.esm_scores`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import AUTHALIC_RADIUS, cell_area, standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.conventions.timeaxis import month_keys
from mip.products._common import as_paths, assemble, find_axis, months_of, onto_grid, read_sign, to_canonical_flux

__all__ = ["read_cmip", "CMIP_NAMES", "cmip_sign", "find_fx"]

#: CMIP variable → canonical name (gas).
CMIP_NAMES: dict[str, tuple[str, str]] = {
    "nbp": ("land", "CO2"), "fgco2": ("ocean", "CO2"), "fco2fos": ("fossil", "CO2"),
    "fco2antt": ("anthropogenic", "CO2"), "fco2nat": ("natural", "CO2"),
    "wetlandCH4": ("wetlands", "CH4"), "fch4": ("total", "CH4"),
    "fgn2o": ("ocean", "N2O"), "fn2o": ("land", "N2O"),
}


def cmip_sign(da: xr.DataArray, *, sign: str | None, file: object, variable: str) -> int:
    """+1 if the variable is positive to the atmosphere, −1 if into the surface, from its metadata.

    The one sign reading every reader and ``mip check`` use (:func:`mip.conventions.sign.read_sign`):
    the standard name (``..._downward_...`` is into the surface), the ``positive`` attribute, which
    must agree, or the ``sign`` option where the file says nothing (refused where it contradicts it).

    Parameters
    ----------
    da
        The variable (``standard_name``, ``positive``).
    sign
        Explicit convention (``"atmosphere"``/``"up"`` or ``"surface"``/``"down"``).
    file, variable
        For messages.

    Returns
    -------
    int

    Raises
    ------
    InputError
        The metadata contradict each other or the option, or say nothing and no ``sign`` was given.
    """
    return read_sign(da.attrs, None, option=sign, file=file, variable=variable).factor


def _gas_of(da: xr.DataArray, file: object, variable: str) -> str:
    sn = str(da.attrs.get("standard_name", ""))
    for key, gas in (("carbon", "CO2"), ("methane", "CH4"), ("nitrous_oxide", "N2O")):
        if key in sn:
            return gas
    raise InputError(file, variable, f"a variable fluxmip does not know, standard_name {sn!r}",
                     f"one of {', '.join(CMIP_NAMES)} or a standard name naming carbon, methane or nitrous_oxide")


def _midpoint_edges(c: np.ndarray, *, lat: bool) -> np.ndarray:
    """(n, 2) bounds halfway between centres (latitudes clipped to ±90, longitudes wrapped); uneven spacing is fine."""
    if lat:
        e = np.concatenate([[-90.0], (c[:-1] + c[1:]) / 2, [90.0]])
    else:
        e = np.concatenate([[(c[-1] - 360.0 + c[0]) / 2], (c[:-1] + c[1:]) / 2, [(c[-1] + c[0] + 360.0) / 2]])
    return np.stack([e[:-1], e[1:]], axis=1)


def _grid(ds: xr.Dataset, lat: str, lon: str, bounds: str, file: Path,
          areacella: Path | None) -> tuple[xr.DataArray | None, xr.Dataset, np.ndarray, np.ndarray]:
    """Canonical grid, plus the (lat, lon) orders that map native cells onto it.

    Cell edges come from the file's ``lat_bnds``/``lon_bnds``; without them, halfway between the centres
    when the model's ``areacella`` gives the areas (so uneven Gaussian-like latitudes and points on the
    poles are exact), or from evenly spaced centres with ``bounds="centres"``.
    """
    latv, lonv = np.asarray(ds[lat].values, "f8"), np.asarray(ds[lon].values, "f8")
    ilat = np.argsort(latv)
    wrapped = ((lonv + 180.0) % 360.0) - 180.0
    ilon = np.argsort(wrapped, kind="stable")
    latb_name = ds[lat].attrs.get("bounds", f"{lat}_bnds")
    lonb_name = ds[lon].attrs.get("bounds", f"{lon}_bnds")
    area = None
    source = "R^2 dlon (sin lat2 - sin lat1) from the cell bounds, authalic R"
    if latb_name in ds.variables and lonb_name in ds.variables:
        lb, ob = np.asarray(ds[latb_name].values, "f8"), np.asarray(ds[lonb_name].values, "f8")
        if lb.shape != (latv.size, 2) or ob.shape != (lonv.size, 2):
            raise InputError(file, latb_name, f"bounds of shape {lb.shape} / {ob.shape}", "(n, 2) bounds per axis")
        lb = np.sort(lb, axis=1)[ilat]
        ob = np.sort(ob + (wrapped - lonv)[:, None], axis=1)[ilon]
        how = "the file's cell bounds"
    elif areacella is not None:
        lb = _midpoint_edges(latv[ilat], lat=True)
        ob = _midpoint_edges(wrapped[ilon], lat=False)
        how = "halfway between the cell centres (the file has no bounds; areas from areacella)"
    elif bounds == "centres":
        g = standardise_grid(ds[[lat, lon]].reset_coords(drop=True), lat=lat, lon=lon, file=file)
        return None, g, ilat, ilon
    else:
        raise InputError(file, f"{lat}/{lon}", "no cell bounds (lat_bnds, lon_bnds) and no areacella",
                         "the CMIP6 bounds variables, or the model's areacella fx file",
                         "pass areacella=PATH (or put areacella_fx_<model>_..._<grid>.nc beside the file), or "
                         "bounds='centres' for an evenly spaced grid")
    if abs(lb[0, 0] + 90) > 1e-6 or abs(lb[-1, 1] - 90) > 1e-6 or abs(ob[-1, 1] - ob[0, 0] - 360) > 1e-6:
        raise InputError(file, f"{lat}/{lon}", "a grid that does not cover the globe", "a global grid")
    if areacella is not None:
        area = _fx(areacella, "areacella", (latv.size, lonv.size), ilat, ilon, unit="m2")
        source = f"the model's areacella ({Path(areacella).name})"
    cells = np.asarray(area.values, "f8") if area is not None else cell_area(lb, ob)
    g = xr.Dataset(coords={
        "lat": ("lat", latv[ilat], {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bounds"}),
        "lon": ("lon", wrapped[ilon], {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bounds"}),
        "lat_bounds": (("lat", "bnds"), lb, {"comment": how}), "lon_bounds": (("lon", "bnds"), ob, {"comment": how}),
        "cell_area": (("lat", "lon"), cells, {"units": "m2", "standard_name": "cell_area", "source": source,
                                              **({} if area is not None else {"earth_radius": AUTHALIC_RADIUS})})},
        attrs={"earth_radius": AUTHALIC_RADIUS})
    return area, g, ilat, ilon


def _surface_fraction(da: xr.DataArray, grid: xr.Dataset, *, sftlf: xr.DataArray | None, sftof: xr.DataArray | None,
                      land_fraction: str | None, file: Path, variable: str) -> np.ndarray | None:
    """Fraction of each canonical cell the flux is a mean over (None: the whole cell)."""
    cm = str(da.attrs.get("cell_methods", ""))
    where = "land" if "where land" in cm else "sea" if "where sea" in cm else None
    if where is None:
        return None
    given = sftlf if where == "land" else sftof
    if given is not None:
        return np.asarray(given.values, "f8") / 100.0
    if land_fraction == "natural-earth":
        from mip.regions.natural_earth import land_fraction as ne_land

        lf = ne_land(grid["lat_bounds"].values, grid["lon_bounds"].values).reshape(grid.sizes["lat"], grid.sizes["lon"])
        return lf if where == "land" else 1.0 - lf
    need = "sftlf" if where == "land" else "sftof"
    raise InputError(file, variable, f"cell_methods {cm!r} (a flux per m² of {where}, not of the cell)",
                     f"the model's {need} file, or land_fraction='natural-earth'",
                     f"pass {need}=PATH (CMIP6 fx) so the flux is weighted by the model's own {where} fraction")


def _fx(path: str | Path, name: str, shape: tuple[int, int], ilat: np.ndarray, ilon: np.ndarray,
        unit: str = "%") -> xr.DataArray:
    """A CMIP6 fx field (``sftlf``, ``sftof`` in %, ``areacella`` in m²) in the canonical cell order."""
    with open_netcdf(Path(path), chunks=None) as ds:  # closed once the field is read
        if name not in ds:
            raise InputError(path, name, "no such variable", f"the CMIP6 fx variable {name} ({unit})")
        lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
        lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
        a = ds[name].transpose(lat, lon)
        if a.shape != shape:
            raise InputError(path, name, f"shape {a.shape}", f"the flux's grid {shape[0]}x{shape[1]}")
        u = str(a.attrs.get("units", unit))
        if u != unit:
            raise InputError(path, name, f"units {u!r}", f"{unit!r}")
        a = a.isel({lat: ilat, lon: ilon}).load()
    if name.startswith("sft") and (float(a.max()) <= 1.0 + 1e-6) and float(a.max()) > 0:
        raise InputError(path, name, f"values from {float(a.min()):g} to {float(a.max()):g} with units '%'",
                         "percentages (0-100), as CMIP6 writes them", "the file holds fractions: fix its units or values")
    return a


def find_fx(data_file: str | Path, name: str, attrs: dict | None = None) -> Path | None:
    """The model's fx file ``name`` beside a CMIP6 data file, found by the CMIP6 file naming.

    ``<name>_<table>_<source_id>_<experiment_id>_<variant_label>_<grid_label>.nc`` in the same folder,
    for the data file's ``source_id`` and ``grid_label`` (global attributes, else its file name); the same
    experiment and variant are preferred, then any (fx fields are usually published once, for historical).

    Parameters
    ----------
    data_file
        A CMIP6 data file.
    name
        ``"areacella"``, ``"sftlf"``, ``"sftof"``.
    attrs
        The data file's global attributes (read from it when not given).

    Returns
    -------
    pathlib.Path or None
    """
    data_file = Path(data_file)
    parts = data_file.stem.split("_")
    if attrs is None:
        with open_netcdf(data_file, chunks=None) as ds:  # its attributes only: the file is not left open
            attrs = ds.attrs
    a = attrs
    source = str(a.get("source_id") or (parts[2] if len(parts) > 5 else ""))
    grid = str(a.get("grid_label") or (parts[5] if len(parts) > 5 else ""))
    if not source or not grid:
        return None
    found = sorted(data_file.parent.glob(f"{name}_*_{source}_*_{grid}.nc"))
    exp, variant = str(a.get("experiment_id", "")), str(a.get("variant_label", ""))
    found.sort(key=lambda p: (f"_{exp}_" not in p.name, f"_{variant}_" not in p.name, p.name))
    return found[0] if found else None


def _files_by_variable(files: list[Path]) -> dict[str, list[tuple[Path, xr.Dataset]]]:
    """Each file opened, under the one CMIP flux variable it holds (``variable_id``, else the only 3-D one)."""
    per_var: dict[str, list[tuple[Path, xr.Dataset]]] = {}
    for f in files:
        ds = open_netcdf(f)
        var = str(ds.attrs.get("variable_id") or next((v for v in ds.data_vars if v in CMIP_NAMES), ""))
        if var not in ds.data_vars:
            flux = [v for v in ds.data_vars if ds[v].attrs.get("units") and "bnds" not in str(v)
                    and ds[v].ndim == 3]
            if len(flux) != 1:
                raise InputError(f, None, f"variables {list(ds.data_vars)}", "one CMIP flux variable per file "
                                 "(variable_id global attribute)")
            var = flux[0]
        per_var.setdefault(var, []).append((f, ds))
    return per_var


def _joined(var: str, items: list[tuple[Path, xr.Dataset]], axes: tuple[str, str], grid: xr.Dataset,
            first_path: Path) -> tuple[xr.Dataset, str, np.ndarray, np.ndarray, str]:
    """One variable's time chunks joined: (dataset, time name, months, bounds, calendar), on one grid, in order."""
    lat, lon = axes
    for f, ds in items:
        if ds.sizes.get(lat) != grid.sizes["lat"] or ds.sizes.get(lon) != grid.sizes["lon"]:
            raise InputError(f, var, f"grid {ds.sizes.get(lat)}x{ds.sizes.get(lon)}",
                             f"the grid of {first_path.name} ({grid.sizes['lat']}x{grid.sizes['lon']})")
    parts = [ds for _, ds in items]
    ds = xr.concat(parts, "time", data_vars="minimal", coords="minimal", compat="override") if len(parts) > 1 \
        else parts[0]
    tname = find_axis(ds, "time", ("time",), items[0][0])
    t, b = months_of(ds, tname, items[0][0])
    keys = month_keys(ds[tname])
    if len(set(keys)) != len(keys) or keys != sorted(keys):
        raise InputError(items[0][0], tname, "time chunks that overlap or are out of order",
                         "consecutive, non-overlapping months across the files")
    return ds, tname, t, b, ds[tname].encoding.get("calendar", "standard")


@register("cmip", labels=("model", "experiment"))
def read_cmip(paths, *, sign: str | None = None, basis: str | None = None, sftlf: str | Path | None = None,
              sftof: str | Path | None = None, areacella: str | Path | None = None, land_fraction: str | None = None,
              bounds: str = "file", find_fx_files: bool = True, model: str | None = None,
              experiment: str | None = None, version: str = "CMIP6") -> xr.Dataset:
    """Read CMIP-convention flux files of one model and experiment as a canonical dataset.

    Parameters
    ----------
    paths
        The files (one variable each; time chunks of one variable are joined).
    sign
        Sign convention for variables whose metadata do not give it (``"atmosphere"`` or ``"surface"``).
    basis
        What a ``kg m-2 s-1`` is a mass of where the standard name does not say (``"C"``/``"CO2"``,
        ``"N"``/``"N2O"``).
    sftlf, sftof
        The model's land / sea area fraction fx files (%), for fluxes given per land or sea area.
    areacella
        The model's cell-area fx file (m²): the areas of the canonical grid (and, for a file without
        cell bounds, what makes it readable: edges are then taken halfway between the centres).
    land_fraction
        ``"natural-earth"``: use the bundled Natural Earth land fraction when no fx file is given.
    bounds
        ``"file"`` (the default: the file's ``lat_bnds``/``lon_bnds``, or ``areacella``) or
        ``"centres"`` (derive them from evenly spaced centres).
    find_fx_files
        Look for ``areacella``, ``sftlf`` and ``sftof`` files beside the data files by their CMIP6 names
        (:func:`find_fx`) when they are not given; which were used is in ``attrs["fx_files"]``.
    model, experiment
        Labels (default the files' ``source_id`` and ``experiment_id``).
    version
        Provenance.

    Returns
    -------
    xarray.Dataset
        Canonical: positive = to the atmosphere, ``kg m-2 s-1`` of C, CH4 or N, flux per m² of the
        whole cell; the native grid (its own bounds and areas) and calendar.  A flux per land (sea) area
        is multiplied by the land (sea) fraction; where that fraction is 0 the file's fill value (NaN over
        the ocean in every Lmon file) is zero flux, and a NaN where it is positive stays NaN: missing data,
        which the aggregation reports.

    Raises
    ------
    InputError
        No sign convention, a mass basis the file does not state, per-land/sea fluxes without a fraction,
        no bounds and no areacella, a curvilinear grid, files of different grids or calendars, or
        overlapping time chunks.
    """
    files = sorted(as_paths(paths))
    per_var = _files_by_variable(files)
    first_path, first = next(iter(per_var.values()))[0]
    lat = find_axis(first, "latitude", ("lat", "latitude"), first_path)
    lon = find_axis(first, "longitude", ("lon", "longitude"), first_path)
    if first[lat].ndim != 1 or first[lon].ndim != 1:
        raise InputError(first_path, lat, "a curvilinear grid", "1-D lat/lon (use the model's 'gr' output)")
    used: dict[str, Path] = {}
    for name, given in (("areacella", areacella), ("sftlf", sftlf), ("sftof", sftof)):
        found = Path(given) if given is not None else (find_fx(first_path, name, first.attrs) if find_fx_files else None)
        if found is not None:
            used[name] = found
    area, grid, ilat, ilon = _grid(first, lat, lon, bounds, first_path, used.get("areacella"))
    shape = (grid.sizes["lat"], grid.sizes["lon"])
    fx_l = _fx(used["sftlf"], "sftlf", shape, ilat, ilon) if "sftlf" in used else None
    fx_o = _fx(used["sftof"], "sftof", shape, ilat, ilon) if "sftof" in used else None
    fluxes, time, tb, calendar = {}, None, None, None
    for var, items in per_var.items():
        ds, tname, t, b, cal = _joined(var, items, (lat, lon), grid, first_path)
        if time is None:
            time, tb, calendar = t, b, cal
        elif cal != calendar or len(t) != len(time) or any(np.asarray(t) != np.asarray(time)):
            raise InputError(items[0][0], tname, f"{len(t)} months, calendar {cal!r}",
                             f"the months and calendar of the other variables ({len(time)}, {calendar!r})")
        da = ds[var]
        if da.ndim != 3:
            raise InputError(items[0][0], var, f"dims {da.dims}", f"({tname}, {lat}, {lon}): one flux per cell")
        canon, gas = CMIP_NAMES.get(var) or (var, _gas_of(da, items[0][0], var))
        s = read_sign(da.attrs, None, option=sign, file=items[0][0], variable=var)
        frac = _surface_fraction(da, grid, sftlf=fx_l, sftof=fx_o, land_fraction=land_fraction, file=items[0][0],
                                 variable=var)
        da = onto_grid(da, ds, grid, lat=lat, lon=lon, rename={tname: "time"}) if area is None and bounds == "centres" \
            else da.isel({lat: ilat, lon: ilon}).rename({lat: "lat", lon: "lon", tname: "time"}).drop_vars(
                list(da.coords), errors="ignore")
        if frac is not None:
            f2 = xr.DataArray(frac, dims=("lat", "lon"))
            da = xr.where(f2 > 0, da * f2, 0.0, keep_attrs=True)  # off the surface the fill value is zero flux
        out = to_canonical_flux(da, gas=gas, file=items[0][0], native_name=var, product="cmip", version=version,
                                sign=s, basis=basis)
        out.attrs["native_standard_name"] = str(ds[var].attrs.get("standard_name", ""))
        out.attrs["native_cell_methods"] = str(ds[var].attrs.get("cell_methods", ""))
        if frac is not None:
            out.attrs["surface_fraction"] = ("the model's " + ("sftlf" if fx_l is not None else "sftof")
                                             if (fx_l if "where land" in out.attrs["native_cell_methods"] else fx_o)
                                             is not None else "Natural Earth land fraction")
        fluxes[canon] = out
    g = first.attrs
    return assemble(fluxes, grid, time, tb, model=model or str(g.get("source_id", first_path.stem)),
                    experiment=experiment or str(g.get("experiment_id", "historical")),
                    attrs={"product": "CMIP model output", "product_version": version, "calendar": calendar,
                           "source_file": ", ".join(str(f) for f in files),
                           "fx_files": ", ".join(f"{k}: {v}" for k, v in used.items()) or None,
                           "variant_label": g.get("variant_label"), "grid_label": g.get("grid_label")})
