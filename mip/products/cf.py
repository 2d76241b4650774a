"""Any CF-style gridded flux file, for products and MIP submissions without a family of their own.

What the reader takes from the file and what it needs to be told:

- **axes** by cf_xarray (``standard_name``/``axis``) or the names ``lat``/``latitude``,
  ``lon``/``longitude``, ``time``; descending latitudes and 0–360 longitudes are turned to the
  canonical orientation (``grid_changes`` says so); a regional (non-global) domain is kept as it is;
- **variables**: ``variables={canonical: native}``, or by default every variable on
  (time, lat, lon) — or (lat, lon) in a period-mean file — whose units fluxmip knows;
- **units** through :func:`mip.conventions.units.parse_native` (``mol m-2 s-1``, ``gC m-2 d-1``,
  ``kg m-2 s-1``, ...; a spelling of your own with ``unit_spellings`` in the catalog entry);
- **basis**: a species-less mass (``kg m-2 s-1``) is a mass of what the file says — its
  ``standard_name`` (``..._expressed_as_carbon``) or ``long_name`` ("kilograms of carbon") — and is
  refused for CO2 and N2O when the file says nothing, until ``basis=`` is given
  (:func:`mip.conventions.units.mass_basis`);
- **sign** from the file's ``standard_name``, CF ``positive`` or global ``sign_convention``, else the
  ``sign`` option; never guessed (:func:`mip.conventions.sign.read_sign`, the path ``mip check`` uses too);
- **time**: a CF time coordinate of monthly steps (mid-month dates are fine); a file with no time axis
  (a period mean, such as the GCB gridded decadal means) or with a single step needs ``period=`` to
  say what span its values are a mean over;
- **cell areas**: the file's own ``cell_area``/``area``/``areacella``, else spherical areas from the
  cell bounds.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from mip.errors import InputError
from mip.geometry.grid import standardise_grid
from mip.io import open_netcdf
from mip.products import register
from mip.products._common import as_paths, assemble, find_axis, months_of, onto_grid, read_sign, to_canonical_flux
from mip.conventions.units import NATIVE_UNITS, _normalise

__all__ = ["read_cf"]

_AREAS = ("cell_area", "area", "areacella")


def _time_axis(ds: xr.Dataset, path: Path, period) -> tuple[str | None, object, object]:
    """(native time name or None, canonical time, bounds)."""
    from mip.conventions.timeaxis import period_axis

    try:
        tname = find_axis(ds, "time", ("time",), path)
    except InputError:
        tname = None
    if tname is not None and tname not in ds.dims:
        tname = None  # a scalar time coordinate: a period-mean file
    if period is not None:
        if tname is not None and ds.sizes[tname] != 1:
            raise InputError(path, tname, f"{ds.sizes[tname]} time steps with period={period!r}",
                             "period= only for a file with no time axis or a single step (a period mean)")
        cal = ds[tname].encoding.get("calendar", "standard") if tname is not None else "standard"
        t, tb = period_axis(period, calendar=cal, file=path)
        return tname, t, tb
    if tname is None:
        raise InputError(path, "time", "no time axis (a period mean?)", "a CF time coordinate, or period=",
                         "say what span the values are a mean over: period='2013-2022' (whole years) or "
                         "period=('2013-01-01', '2023-01-01')")
    t, tb = months_of(ds, tname, path)
    return tname, t, tb


@register("cf")
def read_cf(paths, *, variables: dict[str, str] | None = None, gas: str = "CO2", sign: str | None = None,
            basis: str | None = None, period: str | tuple[str, str] | None = None, model: str | None = None,
            experiment: str = "default", system: str | None = None, version: str = "unknown") -> xr.Dataset:
    """Read a CF-style gridded flux file (monthly, or one period mean).

    Parameters
    ----------
    paths
        One file.
    variables
        Canonical name → native name; default every flux-like variable, its name kept.
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``.
    sign
        ``"atmosphere"`` or ``"surface"`` for variables whose metadata do not say; refused where it
        contradicts them.
    basis
        What a species-less mass unit is a mass of (``"C"`` or ``"CO2"``; ``"N"`` or ``"N2O"``) when the
        file does not say; refused where it contradicts the file.
    period
        For a file with no time axis or a single step: the span its values are a mean over
        (``"2013-2022"`` or ``("2013-01-01", "2023-01-01")``).
    model, experiment, system, version
        Labels and provenance; ``model`` defaults to the file stem.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    InputError
        No flux variable, unknown units, an undeterminable sign or basis, a time axis that is not
        monthly, or a period-mean file without ``period``.

    Examples
    --------
    >>> import tempfile, numpy as np, xarray as xr
    >>> f = Path(tempfile.mkdtemp()) / "decade.nc"
    >>> xr.Dataset({"fco2": (("lat", "lon"), np.full((2, 4), 1.0),
    ...                      {"units": "gC m-2 d-1", "positive": "up"})},
    ...            coords={"lat": [45.0, -45.0], "lon": [45.0, 135.0, 225.0, 315.0]}).to_netcdf(f)
    >>> ds = read_cf(f, period="2013-2022")
    >>> str(ds.time_bounds.values[0, 1])[:10], ds.attrs["grid_changes"]
    ('2023-01-01', 'latitude reversed to ascending; longitude moved from [0, 360) to [-180, 180)')
    """
    (path,) = as_paths(paths)
    path = Path(path)
    ds = open_netcdf(path)
    lat = find_axis(ds, "latitude", ("lat", "latitude"), path)
    lon = find_axis(ds, "longitude", ("lon", "longitude"), path)
    tname, time, tb = _time_axis(ds, path, period)
    dims = {lat, lon} | ({tname} if tname else set())
    if variables is None:
        variables = {str(v): str(v) for v, da in ds.data_vars.items()
                     if set(da.dims) == dims and _normalise(str(da.attrs.get("units", ""))) in NATIVE_UNITS}
        skipped = [f"{v} [{da.attrs.get('units', 'no units')}]" for v, da in ds.data_vars.items()
                   if set(da.dims) == dims and str(v) not in variables and str(v) not in _AREAS]
        if variables and skipped:  # a field on the grid that is not read is named, never dropped in silence
            import warnings

            from mip.errors import MemberWarning

            warnings.warn(f"{path}: variable(s) on the flux grid left out, their units not those of a flux fluxmip "
                          f"knows: {', '.join(skipped)} (name them with variables= or add a unit spelling)",
                          MemberWarning, stacklevel=2)
        if not variables:
            shape = f"({tname}, {lat}, {lon})" if tname else f"({lat}, {lon})"
            found = ", ".join(f"{v} {tuple(map(str, da.dims))} [{da.attrs.get('units', 'no units')}]"
                              for v, da in ds.data_vars.items())
            raise InputError(path, None, f"no {shape} variable with known flux units (variables: {found})",
                             "at least one flux variable, or variables={canonical: native}",
                             "an unknown unit spelling can be added with unit_spellings (see docs/catalogs.md)")
    area = next((a for a in _AREAS if a in ds.variables and set(ds[a].dims) == {lat, lon}), None)
    grid = standardise_grid(ds[[lat, lon] + ([area] if area else [])].reset_coords(drop=False)
                            .set_coords([lat, lon]), lat=lat, lon=lon, file=path, area=area)
    fluxes = {}
    for canon, native in variables.items():
        if native not in ds.variables:
            raise InputError(path, native, "no such variable", f"variable '{native}' for '{canon}'")
        da = ds[native]
        if set(da.dims) != dims:
            raise InputError(path, native, f"dims {da.dims}", f"({', '.join(sorted(dims))})")
        s = read_sign(da.attrs, ds.attrs, option=sign, file=path, variable=native)
        if tname is None:
            da = da.expand_dims(time=1)
        da = onto_grid(da, ds, grid, lat=lat, lon=lon, rename={tname: "time"} if tname else None)
        fluxes[canon] = to_canonical_flux(da, gas=gas, file=path, native_name=native, product="cf",
                                          version=version, sign=s, basis=basis)
    attrs = {"product": ds.attrs.get("title", "CF flux file"), "product_version": version, "source_file": str(path)}
    if period is not None:
        attrs["period_mean"] = f"the file's values are a mean over {period} (period= option)"
    return assemble(fluxes, grid, time, tb, model=model or path.stem, experiment=experiment, system=system,
                    attrs=attrs)
