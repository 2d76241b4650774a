"""Monthly station tables: observed CO2 and the same stations sampled in each inversion (Long et al. 2021 layout).

Layout (real files of ``NCAR/so-co2-airborne-obs``): a header ``year month <series> ...``, one row per month,
space-separated, ``NA`` (and, in the observed file, ``NaN``) missing; a series is ``<station>_<lab>_<method>`` (``SPO_NOAA_insitu``,
``CGO_SIO_O2_flask``: a lab's name may hold ``_``).  The station list (``station lab method use lat lon masl``)
gives each series' position.  Real quirks: the models' files hold 21 series and the observed file 32 (the
ships are observed only); the models label Macquarie Island ``MQA_CSIRO_flask`` where the observations and
the station list say ``MQA_CSIRO_insitu``.  Nothing is matched by guess: a series one side lacks is named,
and a relabelling is applied only when given (``aliases``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from mip.errors import InputError

__all__ = ["read_station_list", "read_station_table", "read_cosampled"]

_METHODS = ("insitu", "flask", "underway")


def _rows(path: Path, what: str) -> list[list[str]]:
    try:
        text = path.read_bytes().decode("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, f"unreadable ({type(exc).__name__}: {exc})", what) from exc
    rows = [ln.split() for ln in text.splitlines() if ln.strip()]
    if not rows:
        raise InputError(path, None, "an empty file", what)
    bad = next((k for k, r in enumerate(rows) if len(r) != len(rows[0])), None)
    if bad is not None:
        raise InputError(path, f"line {bad + 1}", f"{len(rows[bad])} fields", f"{len(rows[0])} fields, as the header")
    return rows


def _split_series(name: str, path: Path) -> tuple[str, str, str]:
    parts = name.split("_")
    if len(parts) < 3 or parts[-1] not in _METHODS:
        raise InputError(path, name, "a column name that is not <station>_<lab>_<method>",
                         f"e.g. SPO_NOAA_insitu (method one of {', '.join(_METHODS)})")
    return parts[0], "_".join(parts[1:-1]), parts[-1]


def read_station_list(path: str | PathLike) -> pd.DataFrame:
    """The station list: one row per station × lab × method, with its position.

    Parameters
    ----------
    path
        ``SO_CO2_stationlist.txt``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``series`` (``<station>_<lab>_<method>``), columns ``station, lab, method, use, lat, lon,
        masl``.
    """
    path = Path(path)
    rows = _rows(path, "a station list (station lab method use lat lon masl)")
    want = ["station", "lab", "method", "use", "lat", "lon", "masl"]
    if rows[0] != want:
        raise InputError(path, "header", repr(" ".join(rows[0])), repr(" ".join(want)))
    df = pd.DataFrame(rows[1:], columns=want)
    try:
        df[["lat", "lon", "masl"]] = df[["lat", "lon", "masl"]].astype(float)
        df["use"] = df["use"].astype(int)
    except ValueError as exc:
        raise InputError(path, "lat/lon/masl/use", f"a value that is not a number ({exc})", "numbers") from exc
    bad = df[(df.lat.abs() > 90) | (df.lon.abs() > 360)]
    if len(bad):
        raise InputError(path, "lat/lon", f"positions off the globe: {bad.station.tolist()}", "|lat| <= 90")
    df.index = pd.Index(df.station + "_" + df.lab + "_" + df.method, name="series")
    if df.index.duplicated().any():
        raise InputError(path, "series", f"listed twice: {sorted(set(df.index[df.index.duplicated()]))}", "each once")
    return df


def read_station_table(path: str | PathLike, *, units: str = "ppm") -> xr.DataArray:
    """One monthly table (observed, or one model sampled at the stations) as (time, series).

    Parameters
    ----------
    path
        ``surface-obs_SO_CO2_monthly.txt`` or ``simulated-obs_<MODEL>_SO_CO2_monthly.txt``.
    units
        The values' units (the files say none; Long et al. write ppm).

    Returns
    -------
    xarray.DataArray
        Dims ``time`` (month starts) and ``series``, coordinates ``station``, ``lab``, ``method`` on
        ``series``; NaN where ``NA``.

    Raises
    ------
    InputError
        Another header, a row of another length, a value that is neither a number nor ``NA``, months
        missing, repeated or out of order.
    """
    from mip.conventions.timeaxis import monthly_axis

    path = Path(path)
    rows = _rows(path, "a monthly station table (year month <series>...)")
    head = rows[0]
    if head[:2] != ["year", "month"] or len(head) < 3:
        raise InputError(path, "header", repr(" ".join(head[:4])), "'year month <station>_<lab>_<method> ...'")
    series = head[2:]
    dup = sorted({s for s in series if series.count(s) > 1})
    if dup:
        raise InputError(path, "header", f"series listed twice: {dup}", "each series once")
    parts = [_split_series(s, path) for s in series]
    body = rows[1:]
    if not body:
        raise InputError(path, "month", "no rows", "one row per month")
    try:
        ym = np.array([[int(r[0]), int(r[1])] for r in body])
    except ValueError as exc:
        raise InputError(path, "year/month", f"a year or month that is not an integer ({exc})", "integers") from exc
    cells = np.array([r[2:] for r in body], dtype=object)
    na = np.isin(cells, ("NA", "NaN"))  # both occur in the real observed file
    numeric = np.vectorize(lambda s: re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s) is not None)(cells)
    odd = ~(na | numeric)
    if odd.any():
        i, j = map(int, np.argwhere(odd)[0])
        raise InputError(path, series[j], f"the text {cells[i, j]!r} on line {i + 2}", "a number, NA or NaN")
    values = np.where(na, "nan", cells).astype(float)
    time, _ = monthly_axis(ym[:, 0], ym[:, 1], file=path, variable="year/month")
    return xr.DataArray(values, dims=("time", "series"),
                        coords={"time": time, "series": series,
                                "station": ("series", [p[0] for p in parts]), "lab": ("series", [p[1] for p in parts]),
                                "method": ("series", [p[2] for p in parts])},
                        name="co2", attrs={"units": units, "source_file": str(path)})


def read_cosampled(observed: str | PathLike, models: Mapping[str, str | PathLike], *,
                   stations: str | PathLike | None = None, aliases: Mapping[str, str] | None = None) -> xr.Dataset:
    """Observations and every model's values at the same stations and months, aligned.

    Parameters
    ----------
    observed
        The observed table.
    models
        Model name → its sampled table.
    stations
        The station list (adds ``lat``, ``lon``, ``masl``, ``use`` per series; a series it lacks is an error).
    aliases
        Model series name → the observed series it is (e.g. ``{"MQA_CSIRO_flask": "MQA_CSIRO_insitu"}``),
        applied only when given and recorded in ``attrs["aliases"]``.

    Returns
    -------
    xarray.Dataset
        ``observed`` (time, series) and ``simulated`` (model, time, series) on the observed series and months;
        ``attrs["not_sampled"]`` names the observed series a model lacks (NaN there) and
        ``attrs["model_only"]`` the model series with no observed counterpart (left out).
    """
    obs = read_station_table(observed)
    aliases = dict(aliases or {})
    out, not_sampled, model_only = {}, [], []
    for name, p in models.items():
        m = read_station_table(p)
        m = m.assign_coords(series=[aliases.get(s, s) for s in m.series.values])
        if not m.indexes["series"].is_unique:
            raise InputError(p, "series", "two series that an alias makes the same", "aliases onto distinct series")
        extra = sorted(set(m.series.values) - set(obs.series.values))
        model_only += [f"{name}: {s}" for s in extra]
        missing = sorted(set(obs.series.values) - set(m.series.values))
        not_sampled += [f"{name}: {s}" for s in missing]
        if not set(m.time.values) & set(obs.time.values):
            raise InputError(p, "time", "no month in common with the observations", "overlapping months")
        vals = m.drop_vars(["station", "lab", "method"]).reindex(series=obs.series, time=obs.time)
        out[name] = vals
    sim = xr.concat(list(out.values()), dim=pd.Index(list(out), name="model"))
    ds = xr.Dataset({"observed": obs, "simulated": sim})
    if stations is not None:
        sl = read_station_list(stations)
        lack = sorted(set(obs.series.values) - set(sl.index))
        if lack:
            raise InputError(stations, "series", f"no position for {lack}", "every observed series listed")
        for c in ("lat", "lon", "masl", "use"):
            ds = ds.assign_coords({c: ("series", sl.loc[obs.series.values, c].to_numpy())})
    ds.attrs.update({"units": obs.attrs["units"], "observed_file": str(observed),
                     "model_files": "; ".join(f"{k}: {v}" for k, v in models.items()),
                     "not_sampled": "; ".join(not_sampled), "model_only": "; ".join(model_only),
                     "aliases": "; ".join(f"{k} -> {v}" for k, v in aliases.items())})
    return ds
