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


def canonical_problems(ds: xr.Dataset) -> list[str]:  # noqa: C901  (to split: #26)
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
    p: list[str] = []
    for d in FLUX_DIMS:
        if d not in ds.dims:
            p.append(f"dimension '{d}' missing")
    for c in ("lat", "lon", "lat_bounds", "lon_bounds", "cell_area", "time_bounds"):
        if c not in ds.variables:
            p.append(f"coordinate '{c}' missing")
    if "lat" in ds.variables:
        lat = ds["lat"].values
        if lat.size > 1 and not np.all(np.diff(lat) > 0):
            p.append("lat not strictly ascending")
        if np.any(np.abs(lat) > 90):
            p.append("lat outside [-90, 90]")
    if "lon" in ds.variables:
        lon = ds["lon"].values
        if lon.size > 1 and not np.all(np.diff(lon) > 0):
            p.append("lon not strictly ascending")
        if np.any(lon < -180) or np.any(lon >= 180):
            p.append("lon outside [-180, 180)")
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
        else:
            lo, hi = tb.values[:, 0], tb.values[:, 1]
            t = ds["time"].values
            if not (np.all(lo <= t) and np.all(t < hi)):
                p.append("time values not inside their time_bounds")
    if "model" in ds.dims and "system" not in ds.coords:
        p.append("coordinate 'system' (inversion family per model) missing")
    fluxes = flux_variables(ds)
    if not fluxes:
        p.append("no flux variable (a variable with a 'reported_as' attribute)")
    for name in fluxes:
        v = ds[name]
        if tuple(v.dims) != FLUX_DIMS:
            p.append(f"{name}: dims {tuple(v.dims)}, expected {FLUX_DIMS}")
        if v.attrs.get("units") != CANONICAL_UNITS:
            p.append(f"{name}: units {v.attrs.get('units')!r}, expected {CANONICAL_UNITS!r}")
        if v.attrs.get("reported_as") not in ("C", "CH4", "N"):
            p.append(f"{name}: reported_as {v.attrs.get('reported_as')!r}, expected C, CH4 or N")
        for a in PROVENANCE_ATTRS:
            if a not in v.attrs:
                p.append(f"{name}: provenance attribute '{a}' missing")
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
