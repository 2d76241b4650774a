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
  by their labels: see :mod:`mip.budgets.evaluate`).
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
from mip.products._common import as_paths, assemble, find_axis, months_of, onto_grid, sign_factor, to_canonical_flux

__all__ = ["read_cmip", "CMIP_NAMES", "cmip_sign"]

#: CMIP variable → canonical name (gas).
CMIP_NAMES: dict[str, tuple[str, str]] = {
    "nbp": ("land", "CO2"), "fgco2": ("ocean", "CO2"), "fco2fos": ("fossil", "CO2"),
    "fco2antt": ("anthropogenic", "CO2"), "fco2nat": ("natural", "CO2"),
    "wetlandCH4": ("wetlands", "CH4"), "fch4": ("total", "CH4"),
    "fgn2o": ("ocean", "N2O"), "fn2o": ("land", "N2O"),
}


def cmip_sign(da: xr.DataArray, *, sign: str | None, file: object, variable: str) -> int:
    """+1 if the variable is positive to the atmosphere, −1 if into the surface, from its metadata.

    Parameters
    ----------
    da
        The variable (``standard_name``, ``positive``).
    sign
        Explicit convention (``"atmosphere"``/``"up"`` or ``"surface"``/``"down"``) for a variable
        whose metadata do not say.
    file, variable
        For messages.

    Returns
    -------
    int

    Raises
    ------
    InputError
        The metadata contradict each other or say nothing and no ``sign`` was given.
    """
    sn = str(da.attrs.get("standard_name", ""))
    by_name = None
    if "downward" in sn:
        by_name = -1
    elif "upward" in sn or sn.startswith("tendency_of_atmosphere"):
        by_name = 1
    pos = da.attrs.get("positive")
    by_attr = sign_factor(pos, file=file, variable=variable) if pos not in (None, "") else None
    if by_name is not None and by_attr is not None and by_name != by_attr:
        raise InputError(file, variable, f"standard_name {sn!r} and positive={pos!r} disagree",
                         "metadata that agree on the sign convention", "fix the positive attribute")
    found = by_name if by_name is not None else by_attr
    if sign is not None:
        s = sign_factor(sign, file=file, variable=variable)
        if found is not None and s != found:
            raise InputError(file, variable, f"sign={sign!r} against the file's own convention "
                             f"({'to the atmosphere' if found == 1 else 'into the surface'})",
                             "a sign option that agrees with the file, or none")
        return s
    if found is None:
        raise InputError(file, variable, f"no sign convention (standard_name {sn!r}, no positive attribute)",
                         "a standard_name with 'upward'/'downward', a positive attribute, or the sign option",
                         "pass sign='atmosphere' or sign='surface'; fluxmip never guesses a sign")
    return found


def _gas_of(da: xr.DataArray, file: object, variable: str) -> str:
    sn = str(da.attrs.get("standard_name", ""))
    for key, gas in (("carbon", "CO2"), ("methane", "CH4"), ("nitrous_oxide", "N2O")):
        if key in sn:
            return gas
    raise InputError(file, variable, f"a variable fluxmip does not know, standard_name {sn!r}",
                     f"one of {', '.join(CMIP_NAMES)} or a standard name naming carbon, methane or nitrous_oxide")


def _units_of(da: xr.DataArray, gas: str) -> str:
    sn = str(da.attrs.get("standard_name", ""))
    u = str(da.attrs.get("units", ""))
    if u.replace(" ", "") not in ("kgm-2s-1", "kg/m2/s"):
        return u  # anything else goes through the unit table as written
    if "expressed_as_carbon" in sn:
        return "kg C m-2 s-1"
    if "expressed_as_nitrogen" in sn:
        return "kg N m-2 s-1"
    return {"CO2": "kg CO2 m-2 s-1", "CH4": "kg CH4 m-2 s-1", "N2O": "kg N2O m-2 s-1"}[gas]


def _grid(ds: xr.Dataset, lat: str, lon: str, bounds: str, file: Path) -> tuple[xr.Dataset, np.ndarray, np.ndarray]:
    """Canonical grid from the file's bounds, plus the (lat, lon) orders that map native cells onto it."""
    latb_name = ds[lat].attrs.get("bounds", f"{lat}_bnds")
    lonb_name = ds[lon].attrs.get("bounds", f"{lon}_bnds")
    if latb_name not in ds.variables or lonb_name not in ds.variables:
        if bounds != "centres":
            raise InputError(file, f"{lat}/{lon}", "no cell bounds (lat_bnds, lon_bnds)",
                             "the CMIP6 bounds variables", "or pass bounds='centres' for an evenly spaced grid")
        g = standardise_grid(ds[[lat, lon]].reset_coords(drop=True), lat=lat, lon=lon, file=file)
        nlat = np.asarray(ds[lat].values, "f8")
        nlon = ((np.asarray(ds[lon].values, "f8") + 180.0) % 360.0) - 180.0
        return g, np.argsort(nlat), np.argsort(nlon, kind="stable")
    latv, lonv = np.asarray(ds[lat].values, "f8"), np.asarray(ds[lon].values, "f8")
    lb, ob = np.asarray(ds[latb_name].values, "f8"), np.asarray(ds[lonb_name].values, "f8")
    if lb.shape != (latv.size, 2) or ob.shape != (lonv.size, 2):
        raise InputError(file, latb_name, f"bounds of shape {lb.shape} / {ob.shape}", "(n, 2) bounds per axis")
    lb = np.sort(lb, axis=1)
    ilat = np.argsort(latv)
    wrapped = ((lonv + 180.0) % 360.0) - 180.0
    ilon = np.argsort(wrapped, kind="stable")
    shift = (wrapped - lonv)[:, None]
    ob = np.sort(ob + shift, axis=1)[ilon]
    lb = lb[ilat]
    if abs(lb[0, 0] + 90) > 1e-6 or abs(lb[-1, 1] - 90) > 1e-6 or abs(ob[-1, 1] - ob[0, 0] - 360) > 1e-6:
        raise InputError(file, f"{lat}/{lon}", "a grid that does not cover the globe", "a global grid")
    g = xr.Dataset(coords={
        "lat": ("lat", latv[ilat], {"standard_name": "latitude", "units": "degrees_north", "bounds": "lat_bounds"}),
        "lon": ("lon", wrapped[ilon], {"standard_name": "longitude", "units": "degrees_east", "bounds": "lon_bounds"}),
        "lat_bounds": (("lat", "bnds"), lb), "lon_bounds": (("lon", "bnds"), ob),
        "cell_area": (("lat", "lon"), cell_area(lb, ob), {"units": "m2", "standard_name": "cell_area",
                                                         "earth_radius": AUTHALIC_RADIUS})},
        attrs={"earth_radius": AUTHALIC_RADIUS})
    return g, ilat, ilon


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


def _fx(path: str | Path | None, name: str, grid: xr.Dataset, ilat: np.ndarray, ilon: np.ndarray) -> xr.DataArray | None:
    if path is None:
        return None
    ds = open_netcdf(Path(path))
    if name not in ds:
        raise InputError(path, name, "no such variable", f"the CMIP6 fx variable {name} (%)")
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    a = ds[name].transpose(lat, lon)
    if a.shape != (grid.sizes["lat"], grid.sizes["lon"]):
        raise InputError(path, name, f"shape {a.shape}", f"the flux's grid {grid.sizes['lat']}x{grid.sizes['lon']}")
    return a.isel({lat: ilat, lon: ilon})


@register("cmip", labels=("model", "experiment"))
def read_cmip(paths, *, sign: str | None = None, sftlf: str | Path | None = None, sftof: str | Path | None = None,
              land_fraction: str | None = None, bounds: str = "file", model: str | None = None,
              experiment: str | None = None, version: str = "CMIP6") -> xr.Dataset:
    """Read CMIP-convention flux files of one model and experiment as a canonical dataset.

    Parameters
    ----------
    paths
        The files (one variable each; time chunks of one variable are joined).
    sign
        Sign convention for variables whose metadata do not give it (``"atmosphere"`` or ``"surface"``).
    sftlf, sftof
        The model's land / sea area fraction fx files (%), for fluxes given per land or sea area.
    land_fraction
        ``"natural-earth"``: use the bundled Natural Earth land fraction when no fx file is given.
    bounds
        ``"file"`` (the default: the file's ``lat_bnds``/``lon_bnds`` are required) or
        ``"centres"`` (derive them from evenly spaced centres).
    model, experiment
        Labels (default the files' ``source_id`` and ``experiment_id``).
    version
        Provenance.

    Returns
    -------
    xarray.Dataset
        Canonical: positive = to the atmosphere, ``kg m-2 s-1`` of C, CH4 or N, flux per m² of the
        whole cell; the native grid (its own bounds and areas) and calendar.

    Raises
    ------
    InputError
        No sign convention, per-land/sea fluxes without a fraction, missing bounds, a curvilinear
        grid, files of different grids or calendars, or overlapping time chunks.
    """
    files = sorted(as_paths(paths))
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
    first_path, first = next(iter(per_var.values()))[0]
    lat = find_axis(first, "latitude", ("lat", "latitude"), first_path)
    lon = find_axis(first, "longitude", ("lon", "longitude"), first_path)
    if first[lat].ndim != 1 or first[lon].ndim != 1:
        raise InputError(first_path, lat, "a curvilinear grid", "1-D lat/lon (use the model's 'gr' output)")
    grid, ilat, ilon = _grid(first, lat, lon, bounds, first_path)
    fx_l, fx_o = _fx(sftlf, "sftlf", grid, ilat, ilon), _fx(sftof, "sftof", grid, ilat, ilon)
    fluxes, time, tb, calendar = {}, None, None, None
    for var, items in per_var.items():
        parts = []
        for f, ds in items:
            if ds.sizes.get(lat) != grid.sizes["lat"] or ds.sizes.get(lon) != grid.sizes["lon"]:
                raise InputError(f, var, f"grid {ds.sizes.get(lat)}x{ds.sizes.get(lon)}",
                                 f"the grid of {first_path.name} ({grid.sizes['lat']}x{grid.sizes['lon']})")
            parts.append(ds)
        ds = xr.concat(parts, "time", data_vars="minimal", coords="minimal", compat="override") if len(parts) > 1 \
            else parts[0]
        tname = find_axis(ds, "time", ("time",), items[0][0])
        t, b = months_of(ds, tname, items[0][0])
        keys = month_keys(ds[tname])
        if len(set(keys)) != len(keys) or keys != sorted(keys):
            raise InputError(items[0][0], tname, "time chunks that overlap or are out of order",
                             "consecutive, non-overlapping months across the files")
        cal = ds[tname].encoding.get("calendar", "standard")
        if time is None:
            time, tb, calendar = t, b, cal
        elif cal != calendar or len(t) != len(time) or any(np.asarray(t) != np.asarray(time)):
            raise InputError(items[0][0], tname, f"{len(t)} months, calendar {cal!r}",
                             f"the months and calendar of the other variables ({len(time)}, {calendar!r})")
        da = ds[var]
        canon, gas = CMIP_NAMES.get(var) or (var, _gas_of(da, items[0][0], var))
        s = cmip_sign(da, sign=sign, file=items[0][0], variable=var)
        frac = _surface_fraction(da, grid, sftlf=fx_l, sftof=fx_o, land_fraction=land_fraction, file=items[0][0],
                                 variable=var)
        da = onto_grid(da, ds, grid, lat=lat, lon=lon, rename={tname: "time"}) if bounds == "centres" else \
            da.isel({lat: ilat, lon: ilon}).rename({lat: "lat", lon: "lon", tname: "time"}).drop_vars(
                list(da.coords), errors="ignore")
        if frac is not None:
            da = da * xr.DataArray(frac, dims=("lat", "lon"))
        out = to_canonical_flux(da, gas=gas, file=items[0][0], native_name=var, product="cmip", version=version,
                                sign=s, units=_units_of(ds[var], gas))
        out.attrs["native_standard_name"] = str(ds[var].attrs.get("standard_name", ""))
        out.attrs["native_cell_methods"] = str(ds[var].attrs.get("cell_methods", ""))
        fluxes[canon] = out
    g = first.attrs
    return assemble(fluxes, grid, time, tb, model=model or str(g.get("source_id", first_path.stem)),
                    experiment=experiment or str(g.get("experiment_id", "historical")),
                    attrs={"product": "CMIP model output", "product_version": version, "calendar": calendar,
                           "source_file": ", ".join(str(f) for f in files),
                           "variant_label": g.get("variant_label"), "grid_label": g.get("grid_label")})
