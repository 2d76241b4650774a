"""The canonical data model every reader returns, and its validator.

Dims ``model``, ``experiment``, ``time``, ``lat``, ``lon`` (sizes of 1 kept); ``lat``
ascending in [−90, 90], ``lon`` ascending in [−180, 180), with ``lat_bounds``,
``lon_bounds``, ``cell_area`` (m², spherical, authalic radius) and ``time_bounds``;
flux densities in ``kg m-2 s-1`` of the basis named by ``reported_as``; positive =
flux to the atmosphere; provenance attributes on every variable.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from mip.errors import InputError

__all__ = [
    "CANONICAL_UNITS",
    "FLUX_DIMS",
    "FLUX_NAMES",
    "PROVENANCE_ATTRS",
    "SIGN_CONVENTION",
    "canonical_problems",
    "validate",
    "flux_variables",
]

#: Authalic (equal-area) Earth radius in metres.
AUTHALIC_RADIUS: float = 6_371_007.2

CANONICAL_UNITS = "kg m-2 s-1"
FLUX_DIMS = ("model", "experiment", "time", "lat", "lon")
SIGN_CONVENTION = "positive = flux to the atmosphere (source)"
PROVENANCE_ATTRS = ("source_file", "product", "product_version", "native_name", "native_units")

#: Canonical variable names per gas.
FLUX_NAMES: dict[str, tuple[str, ...]] = {
    "CO2": ("land", "ocean", "fossil", "fire", "total", "net"),
    "CH4": ("wetlands", "other_natural", "agriculture_waste", "fossil", "biomass_biofuel_burning",
            "soil_sink", "total"),
    "N2O": ("land", "ocean", "fossil", "total", "anthropogenic", "natural"),
}


def flux_variables(ds: xr.Dataset) -> list[str]:
    """Names of the flux variables of a canonical dataset (those with ``reported_as``).

    Parameters
    ----------
    ds
        A canonical dataset.

    Returns
    -------
    list of str
    """
    return [str(k) for k, v in ds.data_vars.items() if "reported_as" in v.attrs]


def _grid_problems(ds: xr.Dataset) -> list[str]:
    """Dimensions, coordinates and the lat/lon axes."""
    p = [f"dimension '{d}' missing" for d in FLUX_DIMS if d not in ds.dims]
    p += [f"coordinate '{c}' missing" for c in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area", "time_bounds")
          if c not in ds.variables]
    for name, low, high, rng in (("lat", -90, 90, "[-90, 90]"), ("lon", -180, 180, "[-180, 180)")):
        if name not in ds.variables:
            continue
        x = ds[name].values
        if x.size > 1 and not np.all(np.diff(x) > 0):
            p.append(f"{name} not strictly ascending")
        if np.any(x < low) or np.any(x > high) or (name == "lon" and np.any(x >= high)):
            p.append(f"{name} outside {rng}")
    return p


def _area_and_time_problems(ds: xr.Dataset) -> list[str]:
    """``cell_area`` (positive, m², on lat × lon) and ``time_bounds`` (each time inside its bounds)."""
    p: list[str] = []
    if "cell_area" in ds.variables:
        a = ds["cell_area"]
        if set(a.dims) != {"lat", "lon"}:
            p.append(f"cell_area dims {a.dims}, expected (lat, lon)")
        elif not np.all(a.values > 0):
            p.append("cell_area not positive everywhere")
        if a.attrs.get("units") != "m2":
            p.append("cell_area units not 'm2'")
    if "time_bounds" in ds.variables and "time" in ds.variables:
        tb = ds["time_bounds"]
        if tb.ndim != 2 or tb.shape[-1] != 2:
            p.append("time_bounds must be (time, 2)")
        elif not (np.all(tb.values[:, 0] <= ds["time"].values) and np.all(ds["time"].values < tb.values[:, 1])):
            p.append("time values not inside their time_bounds")
    return p


def _flux_problems(ds: xr.Dataset) -> list[str]:
    """Each flux variable's dims, units, basis and provenance."""
    fluxes = flux_variables(ds)
    p = [] if fluxes else ["no flux variable (a variable with a 'reported_as' attribute)"]
    for name in fluxes:
        v = ds[name]
        if tuple(v.dims) != FLUX_DIMS:
            p.append(f"{name}: dims {tuple(v.dims)}, expected {FLUX_DIMS}")
        if v.attrs.get("units") != CANONICAL_UNITS:
            p.append(f"{name}: units {v.attrs.get('units')!r}, expected {CANONICAL_UNITS!r}")
        if v.attrs.get("reported_as") not in ("C", "CH4", "N"):
            p.append(f"{name}: reported_as {v.attrs.get('reported_as')!r}, expected C, CH4 or N")
        p += [f"{name}: provenance attribute '{a}' missing" for a in PROVENANCE_ATTRS if a not in v.attrs]
    return p


def canonical_problems(ds: xr.Dataset) -> list[str]:
    """Every way in which ``ds`` departs from the canonical gridded data model.

    Parameters
    ----------
    ds
        Dataset to check.

    Returns
    -------
    list of str
        Human-readable problems; empty when the dataset is canonical.
    """
    p = _grid_problems(ds) + _area_and_time_problems(ds)
    if "model" in ds.dims and "system" not in ds.coords:
        p.append("coordinate 'system' (inversion family per model) missing")
    p += _flux_problems(ds)
    if ds.attrs.get("sign_convention") != SIGN_CONVENTION:
        p.append(f"attribute sign_convention is {ds.attrs.get('sign_convention')!r}, expected {SIGN_CONVENTION!r}")
    if ds.attrs.get("earth_radius") not in (None, AUTHALIC_RADIUS) and "cell_area" in ds.variables \
            and ds["cell_area"].attrs.get("source") is None:
        p.append("earth_radius attribute differs from the authalic radius")
    return p


def validate(ds: xr.Dataset, *, source: object = None) -> xr.Dataset:
    """Raise if ``ds`` is not a canonical gridded flux dataset; return it otherwise.

    Parameters
    ----------
    ds
        Dataset to check.
    source
        Where it came from, for the message.

    Returns
    -------
    xarray.Dataset
        The same dataset.

    Raises
    ------
    InputError
        Listing every problem found.
    """
    problems = canonical_problems(ds)
    if problems:
        raise InputError(source, None, "; ".join(problems), "the canonical data model (docs: data-model; mip.canonical_problems lists every departure)")
    return ds
