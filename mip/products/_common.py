"""Helpers shared by the readers: unit conversion, sign, provenance, assembly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError, MipError
from mip.conventions.model import CANONICAL_UNITS, SIGN_CONVENTION
from mip.conventions.sign import Sign, parse_flag, read_sign  # noqa: F401  (read_sign: the readers' one sign path)
from mip.conventions.units import BASIS_OF_GAS
from mip.geometry.grid import find_axis, onto_grid  # noqa: F401  (grid helpers the readers share)

__all__ = ["as_paths", "sign_factor", "to_canonical_flux", "scale_cells_first", "assemble", "require"]


def as_paths(paths: str | PathLike | Iterable[str | PathLike]) -> list[Path]:
    """Normalise one path or many to a list of :class:`~pathlib.Path`."""
    if isinstance(paths, (str, PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def sign_factor(value: object, *, file: object = None, variable: str | None = None) -> int:
    """+1 when a flag says positive = to the atmosphere, −1 when it says into the surface.

    The flag alone (:func:`mip.conventions.sign.parse_flag`); readers take a variable's sign with
    :func:`mip.conventions.sign.read_sign`, which also reads the file's own metadata.
    """
    return parse_flag(value, file=file, variable=variable)


def require(ds: xr.Dataset, names: Iterable[str], file: object) -> None:
    """Raise an :class:`InputError` naming the first missing variable."""
    for n in names:
        if n not in ds.variables:
            raise InputError(file, n, "no such variable", f"variable '{n}' (present: {', '.join(map(str, ds.variables))})")


#: Values no flux takes in any unit a product writes: undeclared fill values (1e20 of CMOR, netCDF's
#: 9.97e36, float32's 3.4e38, infinities) all lie beyond it.
FILL_LIMIT = 1e19
#: Fill values written without a ``_FillValue``: a flux exactly equal to one of these is refused.
FILL_SENTINELS = (-9999.0, -99999.0, -999.9, -9999.9)


def check_values(x: np.ndarray, file: object = None, variable: str | None = None) -> None:
    """Refuse undeclared fill values among native values: infinities, ``|x| >= 1e19``, exactly -9999 and the like.

    A file that writes its missing values without ``_FillValue``/``missing_value`` would otherwise have them
    summed as fluxes.  NaN is missing data and passes.  Two reductions over the block (about 1 ms for 24
    months on 1°); the exact comparison runs only when a value reaches -999.

    Raises
    ------
    InputError
        Naming the file, the variable, the value and how many there are.
    """
    if x.size == 0 or x.dtype.kind not in "fc":
        return
    flat = np.ravel(x)
    hi, lo = np.fmax.reduce(flat), np.fmin.reduce(flat)
    bad = None
    if hi >= FILL_LIMIT:  # NaN compares false: an all-NaN block passes
        bad = hi
    elif lo <= -FILL_LIMIT:
        bad = lo
    elif lo <= -999.0:
        bad = next((v for v in FILL_SENTINELS if (flat == v).any()), None)
    if bad is not None:
        n = int(np.count_nonzero(flat == bad))
        raise InputError(file, variable, f"{n} value(s) of {bad:g}",
                         "finite fluxes (a fill value must be declared with _FillValue or missing_value)")


def scale_cells_first(x: np.ndarray, factor: float, file: object = None, variable: str | None = None) -> np.ndarray:
    """``x * factor`` in float64, laid out in memory with the grid cells outermost (the last two axes).

    The values and the shape are those of ``x * factor``; only the memory order differs: the
    leading (time) axes vary fastest.  The sparse product of the aggregation
    (:func:`mip.budgets.aggregation.aggregate`) needs exactly that layout, so it takes such a
    block as it is, where a time-major block costs it a transposing copy; writing the product
    transposed costs about what writing it in order does (measured on a 12-month 1° block:
    5 ms a 72-month member against 4.5 ms, while multiplying and then copying cost 28 ms).
    Every other operation sees an ordinary (strided) array.  Where the aggregation can see this
    step in the graph it skips it (:mod:`mip.budgets.unscaled`): it sums the file's block and
    scales the totals.

    Parameters
    ----------
    x
        A block (..., lat, lon).
    factor
        The unit conversion (and sign) factor.

    Returns
    -------
    numpy.ndarray
        float64, shape of ``x``.

    Examples
    --------
    >>> y = scale_cells_first(np.arange(6, dtype="f4").reshape(2, 1, 3), 0.5)
    >>> y[1, 0].tolist(), y.strides  # values as x * 0.5; time steps 8 bytes apart
    ([1.5, 2.0, 2.5], (8, 48, 16))
    """
    check_values(x, file, variable)
    if x.ndim < 2:
        return np.multiply(x, factor, dtype="f8")
    lead = int(np.prod(x.shape[:-2], dtype=int))
    ncell = x.shape[-2] * x.shape[-1]
    buf = np.empty((ncell, lead))
    np.multiply(np.reshape(x, (lead, ncell)).T, factor, out=buf, casting="unsafe")
    return buf.T.reshape(x.shape)


def to_canonical_flux(da: xr.DataArray, *, gas: str, file: object, native_name: str,
                      product: str, version: str, sign: int | Sign = 1,
                      units: str | None = None, basis: str | None = None) -> xr.DataArray:
    """Convert a native flux density to canonical units, sign and provenance.

    Parameters
    ----------
    da
        Native values (lazy is fine).
    gas
        ``"CO2"``, ``"CH4"`` or ``"N2O"``; fixes the reporting basis.
    file, native_name
        Provenance.
    product, version
        Product family and version, for provenance.
    sign
        A :class:`~mip.conventions.sign.Sign` (from :func:`~mip.conventions.sign.read_sign`), or
        +1 / −1 for a sign the reader fixed itself.
    units
        Native units; default ``da.attrs['units']``.
    basis
        What a species-less mass unit (``kg m-2 s-1``) is a mass of, when the file does not say
        (see :func:`mip.conventions.units.mass_basis`); ignored for units that name their species.

    Returns
    -------
    xarray.DataArray
    """
    from mip.conventions.reading import read_units

    nu, basis_source, f = read_units(da.attrs, gas=gas, units=units, basis=basis, file=file, variable=native_name)
    native_units = units if units is not None else da.attrs.get("units")
    sgn = sign if isinstance(sign, Sign) else Sign(int(sign), "fixed by the reader")
    target = BASIS_OF_GAS[gas]
    f *= sgn.factor
    if hasattr(da.data, "dask") and da.ndim >= 2:
        import dask.array as dsa

        out = da.copy(data=dsa.map_blocks(scale_cells_first, da.data, np.float64(f), dtype="f8",
                                          file=str(file), variable=native_name))
    else:
        check_values(np.asarray(da.values), file, native_name)
        out = da * np.float64(f)  # a float64 scalar promotes float32 data to float64 (NEP 50)
    out.attrs = {
        "units": CANONICAL_UNITS,
        "reported_as": target,
        "long_name": f"{native_name} flux ({target} basis), positive to the atmosphere",
        "source_file": str(file),
        "product": product,
        "product_version": version,
        "native_name": native_name,
        "native_units": str(native_units),
        "native_basis": f"{nu.species or gas} ({basis_source})",
        "native_sign": f"positive {sgn.words} ({sgn.source})",
        "conversion_factor": f,
    }
    return out


def assemble(fluxes: Mapping[str, xr.DataArray], grid: xr.Dataset, time: np.ndarray,
             time_bounds: np.ndarray, *, model: str, experiment: str, system: str | None = None,
             attrs: Mapping[str, object] | None = None) -> xr.Dataset:
    """Build a canonical Dataset from per-variable (time, lat, lon) arrays.

    The Dataset is built in one step from the arrays' data (no alignment of
    coordinates, which costs more than reading a month of data).

    Parameters
    ----------
    fluxes
        Canonical flux arrays on dims (time, lat, lon), already on ``grid``'s cell order.
    grid
        Dataset holding canonical ``lat``, ``lon`` and their bounds and ``cell_area``.
    time, time_bounds
        Time values and ``(n, 2)`` bounds.
    model, experiment, system
        Labels of the member; ``system`` defaults to ``model``.
    attrs
        Extra global attributes.

    Returns
    -------
    xarray.Dataset
    """
    data = {}
    for k, v in fluxes.items():
        arr = v.transpose("time", "lat", "lon").data
        if arr.shape != (len(time), grid.sizes["lat"], grid.sizes["lon"]):
            raise MipError(f"{k}: shape {arr.shape} does not fit {len(time)} months on the grid")
        data[k] = (("model", "experiment", "time", "lat", "lon"), arr[None, None], dict(v.attrs))
    coords = {
        "model": ("model", [model]),
        "experiment": ("experiment", [experiment]),
        "time": ("time", time, {"bounds": "time_bounds", "standard_name": "time"}),
        "lat": grid["lat"].variable,
        "lon": grid["lon"].variable,
        "lat_bounds": grid["lat_bounds"].variable,
        "lon_bounds": grid["lon_bounds"].variable,
        "cell_area": grid["cell_area"].variable,
        "time_bounds": (("time", "bnds"), time_bounds),
        "system": ("model", [system or model]),
        "source_file": (("model", "experiment"), [[str(attrs.get("source_file", "")) if attrs else ""]]),
    }
    gattrs = {"sign_convention": SIGN_CONVENTION, "earth_radius": grid.attrs.get("earth_radius")}
    if "grid_changes" in grid.attrs:
        gattrs["grid_changes"] = grid.attrs["grid_changes"]
    if attrs:
        gattrs.update({k: v for k, v in attrs.items() if v is not None})
    return xr.Dataset(data, coords=coords, attrs=gattrs)


def months_of(ds: xr.Dataset, tname: str, file: object) -> tuple[np.ndarray, np.ndarray]:
    """Canonical monthly time and bounds from a decoded CF time coordinate.

    Parameters
    ----------
    ds
        Dataset opened with decoded times.
    tname
        Name of the time coordinate.
    file
        For messages.

    Returns
    -------
    time, time_bounds
    """
    from mip.conventions.timeaxis import month_keys, monthly_axis

    t = ds[tname]
    if not (np.issubdtype(t.dtype, np.datetime64) or t.dtype == object):
        raise InputError(file, tname, f"undecodable time values (dtype {t.dtype}, units "
                         f"{t.attrs.get('units')!r})", "a CF time coordinate such as 'days since 2000-01-01'")
    keys = month_keys(t)
    cal = t.encoding.get("calendar", "standard")
    return monthly_axis([k[0] for k in keys], [k[1] for k in keys], calendar=cal, file=file, variable=tname)
