"""ATom-sampled CO2 binned by latitude and pressure (Stephens et al. 2026; real files checked in the tests).

Two layouts, both text, values in ppm relative to the Mauna Loa deseasonalised trend:

* a field file (``Annual_Mean_CO2_OP_10x100.txt``, ``Seasonal_Amplitude_...``): line 1 the latitude
  bin centres (−65 … 75, 15 bins), line 2 the pressure bin centres (350 … 950 hPa, 7 bins), then
  one row per latitude bin with one value per pressure bin;
* a columns table (``Annual_mean_2D_fields_as_columns.txt``): header ``latitude pressure`` and one
  column per member (``<MODEL>_<EXP>``) or instrument (``CO2_OP``, ``CO2_AO2_m_CO2_NOAA``, ...),
  one row per bin.  The observations' table has wrong ``pressure`` labels (a real quirk): its
  rows are in the model table's order, so it is read with ``labels_from=`` that table and
  joined by position.  In that table the bins an instrument's field file leaves empty (NaN: 2
  for MED, 3 for PFP) are filled by linear interpolation in latitude (the nearest bin at the
  ends), as the tests check.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import numpy as np
import xarray as xr

from mip.errors import InputError

__all__ = ["read_binned_field", "read_binned_columns"]

_ATTRS = {"units": "ppm", "long_name": "CO2 relative to the Mauna Loa deseasonalised trend",
          "product": "ATom-sampled CO2, Stephens et al. (2026)"}


def _lines(path: Path) -> list[list[str]]:
    try:
        return [ln.split() for ln in path.read_text().splitlines() if ln.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable ({exc})", "a text file of binned CO2") from exc


def _floats(path: Path, row: list[str], what: str) -> np.ndarray:
    try:
        return np.array(row, dtype="f8")
    except ValueError as exc:
        raise InputError(path, what, f"{' '.join(row)[:60]!r}", "numbers") from exc


def read_binned_field(path: str | PathLike) -> xr.DataArray:
    """One (latitude × pressure) field file.

    Parameters
    ----------
    path
        E.g. ``V10MIP/AMES/IS/Annual_Mean_CO2_OP_10x100.txt`` or ``OBS/BINFIT/Annual_Mean_CO2_OP_10x100.txt``.

    Returns
    -------
    xarray.DataArray
        Dims ``lat`` (bin centres, degrees north) and ``pressure`` (hPa); ppm.

    Raises
    ------
    InputError
        Fewer lines than latitudes, a row of another length, a value that is not a number.
    """
    path = Path(path)
    rows = _lines(path)
    if len(rows) < 3:
        raise InputError(path, None, f"{len(rows)} lines", "latitudes, pressures, then one row per latitude")
    lat, p = _floats(path, rows[0], "latitude"), _floats(path, rows[1], "pressure")
    body = rows[2:]
    if len(body) != lat.size:
        raise InputError(path, "latitude", f"{len(body)} rows of values for {lat.size} latitudes", "one row per latitude")
    bad = next((k for k, r in enumerate(body) if len(r) != p.size), None)
    if bad is not None:
        raise InputError(path, "pressure", f"{len(body[bad])} values in the row of latitude {lat[bad]:g}",
                         f"{p.size} (one per pressure bin)")
    vals = np.array([_floats(path, r, f"lat {lat[k]:g}") for k, r in enumerate(body)])
    return xr.DataArray(vals, dims=("lat", "pressure"), coords={"lat": lat, "pressure": p},
                        attrs={**_ATTRS, "source_file": str(path)})


def read_binned_columns(path: str | PathLike, *, labels_from: str | PathLike | None = None) -> xr.DataArray:
    """A columns table of binned fields as (member, latitude, pressure).

    Parameters
    ----------
    path
        ``Annual_mean_2D_fields_as_columns.txt`` (models) or the observations' table.
    labels_from
        Take the (latitude, pressure) of each row from this table instead, by position (the
        observations' table, whose pressure labels are wrong); its latitude labels must agree.

    Returns
    -------
    xarray.DataArray
        Dims ``member`` (the column names), ``lat``, ``pressure``; coordinates ``model`` and
        ``experiment`` (split at the last ``_`` of ``<MODEL>_<EXP>``) when every column has that form.

    Raises
    ------
    InputError
        Another header, a row of another length, a value that is not a number, or labels that do
        not give each (latitude, pressure) bin exactly once (with the hint to use ``labels_from``).
    """
    path = Path(path)
    rows = _lines(path)
    if not rows or rows[0][:2] != ["latitude", "pressure"] or len(rows[0]) < 3:
        raise InputError(path, "header", f"{' '.join(rows[0][:4]) if rows else 'an empty file'!r}",
                         "'latitude pressure <column> ...'")
    names = rows[0][2:]
    bad = next((k for k, r in enumerate(rows[1:]) if len(r) != len(names) + 2), None)
    if bad is not None:
        raise InputError(path, "row", f"{len(rows[bad + 1])} values on line {bad + 2}", f"{len(names) + 2} values")
    table = np.array([_floats(path, r, f"line {k + 2}") for k, r in enumerate(rows[1:])])
    lat, p = table[:, 0], table[:, 1]
    source = "own labels"
    if labels_from is not None:
        ref = np.array([_floats(Path(labels_from), r[:2], "latitude/pressure") for r in _lines(Path(labels_from))[1:]])
        if ref.shape[0] != table.shape[0] or not np.array_equal(ref[:, 0], lat):
            raise InputError(path, "latitude", f"{table.shape[0]} rows whose latitudes differ from {labels_from}",
                             "the same rows in the same order as the labels' table")
        lat, p = ref[:, 0], ref[:, 1]
        source = f"by position from {labels_from}"
    lats, ps = np.unique(lat), np.unique(p)
    lat_fastest = (np.tile(lats, ps.size), np.repeat(ps, lats.size))
    p_fastest = (np.repeat(lats, ps.size), np.tile(ps, lats.size))
    if lats.size * ps.size != lat.size or not any(np.array_equal(lat, a) and np.array_equal(p, b)
                                                  for a, b in (lat_fastest, p_fastest)):
        raise InputError(path, "pressure", "labels that are not a regular (latitude, pressure) grid, one row per bin",
                         "rows ordered by latitude within pressure (or the reverse)",
                         "the observations' table has wrong pressure labels: read it with "
                         "labels_from=<the model table> to join by position")
    cube = np.full((len(names), lats.size, ps.size), np.nan)
    cube[:, np.searchsorted(lats, lat), np.searchsorted(ps, p)] = table[:, 2:].T
    da = xr.DataArray(cube, dims=("member", "lat", "pressure"), coords={"member": names, "lat": lats, "pressure": ps},
                      attrs={**_ATTRS, "source_file": str(path), "bin_labels": source})
    if all("_" in n for n in names):
        da = da.assign_coords(model=("member", [n.rsplit("_", 1)[0] for n in names]),
                              experiment=("member", [n.rsplit("_", 1)[1] for n in names]))
    return da
