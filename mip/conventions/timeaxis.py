"""Monthly time axes with bounds, and checks for duplicate or missing months."""

from __future__ import annotations

from collections.abc import Sequence

import cftime
import numpy as np
import xarray as xr

from mip.errors import InputError

__all__ = ["monthly_axis", "period_axis", "check_representable", "NS_YEARS", "month_keys", "check_monthly", "bounds_seconds"]


def monthly_axis(years: Sequence[int], months: Sequence[int], *, calendar: str = "standard",
                 file: object = None, variable: str = "time") -> tuple[np.ndarray, np.ndarray]:
    """Month-start times and ``[start, next start)`` bounds for a list of (year, month).

    Parameters
    ----------
    years, months
        Calendar year and month (1–12) of each step.
    calendar
        CF calendar name; standard calendars give ``datetime64``, others cftime objects.
    file, variable
        For messages.

    Returns
    -------
    time, bounds
        Arrays of shape ``(n,)`` and ``(n, 2)``.
    """
    y = np.asarray(years, dtype=int)
    m = np.asarray(months, dtype=int)
    if y.size and (m.min() < 1 or m.max() > 12):
        raise InputError(file, variable, f"month numbers {sorted(set(m.tolist()))}", "months 1..12")
    check_monthly(list(zip(y.tolist(), m.tolist())), file=file, variable=variable)
    ny, nm = np.where(m == 12, y + 1, y), np.where(m == 12, 1, m + 1)
    if calendar in ("standard", "gregorian", "proleptic_gregorian"):
        check_representable(y, file=file, variable=variable)
        months = (y - 1970) * 12 + (m - 1)  # months since 1970-01, then exact month starts
        start = (np.datetime64("1970-01", "M") + months).astype("datetime64[ns]")
        end = (np.datetime64("1970-01", "M") + months + 1).astype("datetime64[ns]")
    else:
        start = np.array([cftime.datetime(a, b, 1, calendar=calendar) for a, b in zip(y, m)])
        end = np.array([cftime.datetime(a, b, 1, calendar=calendar) for a, b in zip(ny, nm)])
    return start, np.stack([start, end], axis=1)


#: The years a ``datetime64[ns]`` time holds (1677-09-21 to 2262-04-11): whole months from 1678-01 to 2261-12.
NS_YEARS = (1678, 2261)


def check_representable(years: np.ndarray, *, file: object = None, variable: str = "time") -> None:
    """Refuse years a ``datetime64[ns]`` axis cannot hold (it would wrap around silently: 1500 becomes 2084).

    Raises
    ------
    InputError
        Naming the file, the variable and the years found.
    """
    y = np.asarray(years)
    if y.size and (y.min() < NS_YEARS[0] or y.max() > NS_YEARS[1]):
        raise InputError(file, variable, f"years {int(y.min())}..{int(y.max())}",
                         f"years {NS_YEARS[0]}..{NS_YEARS[1]} (a standard-calendar time axis is held as "
                         "datetime64[ns]; earlier or later years cannot be represented)")


def period_axis(period: object, *, calendar: str = "standard", file: object = None,
                variable: str = "period") -> tuple[np.ndarray, np.ndarray]:
    """One time step that is a mean over a whole period (a period-mean file, e.g. a decadal mean).

    Parameters
    ----------
    period
        A period as :class:`mip.conventions.period.Period` reads it, the last included:
        ``"2013-2022"`` or ``"2013:2022"`` is 2013-01-01 to 2023-01-01.
    calendar
        CF calendar of the result.
    file, variable
        For messages.

    Returns
    -------
    time, bounds
        Shapes ``(1,)`` and ``(1, 2)``: the time is the period's start, the bounds its start and end.

    Examples
    --------
    >>> t, b = period_axis("2013-2022")
    >>> str(b[0, 0])[:10], str(b[0, 1])[:10]
    ('2013-01-01', '2023-01-01')
    """
    from mip.conventions.period import Period
    from mip.errors import MipError

    try:
        p = Period.parse(period)
    except MipError as exc:
        raise InputError(file, variable, f"period {period!r}", "FIRST:LAST, the last included (e.g. '2013-2022', "
                         f"'2013-01:2022-12'): {exc}") from None
    if calendar in ("standard", "gregorian", "proleptic_gregorian"):
        check_representable(np.array([p.first[0], p.last[0]]), file=file, variable=variable)
    start, end = p.bounds(calendar)
    return np.array([start]), np.array([[start, end]], dtype=None if isinstance(start, np.datetime64) else object)


def month_keys(times: xr.DataArray | np.ndarray) -> list[tuple[int, int]]:
    """(year, month) of every time value (datetime64 or cftime).

    Parameters
    ----------
    times
        Time values.

    Returns
    -------
    list of (int, int)
    """
    da = times if isinstance(times, xr.DataArray) else xr.DataArray(np.asarray(times), dims="time")
    return list(zip(da.dt.year.values.tolist(), da.dt.month.values.tolist()))


def check_monthly(keys: Sequence[tuple[int, int]], *, file: object = None, variable: str = "time") -> None:
    """Refuse duplicate, unsorted or missing months in a monthly series.

    Parameters
    ----------
    keys
        (year, month) of each step, in file order.
    file, variable
        For messages.

    Raises
    ------
    InputError
        Naming the duplicated or missing months.
    """
    if not keys:
        raise InputError(file, variable, "no time steps", "at least one month")
    seen: set[tuple[int, int]] = set()
    dups = sorted({k for k in keys if k in seen or seen.add(k)})  # type: ignore[func-returns-value]
    if dups:
        raise InputError(file, variable, "duplicate month(s) " + ", ".join(f"{a}-{b:02d}" for a, b in dups),
                         "each month exactly once")
    idx = [a * 12 + (b - 1) for a, b in keys]
    if idx != sorted(idx):
        raise InputError(file, variable, "months out of order", "ascending monthly time steps")
    full = set(range(idx[0], idx[-1] + 1))
    missing = sorted(full - set(idx))
    if missing:
        raise InputError(file, variable,
                         "missing month(s) " + ", ".join(f"{i // 12}-{i % 12 + 1:02d}" for i in missing),
                         f"a continuous monthly series from {keys[0][0]}-{keys[0][1]:02d} "
                         f"to {keys[-1][0]}-{keys[-1][1]:02d}")


def bounds_seconds(time_bounds: xr.DataArray) -> xr.DataArray:
    """Length of each time step in seconds, from its bounds (never 30-day months).

    Parameters
    ----------
    time_bounds
        Bounds with a trailing dimension of size 2.

    Returns
    -------
    xarray.DataArray
    """
    bdim = time_bounds.dims[-1]
    d = time_bounds.isel({bdim: 1}) - time_bounds.isel({bdim: 0})
    if np.issubdtype(d.dtype, np.timedelta64):
        return d / np.timedelta64(1, "s")
    return xr.apply_ufunc(np.vectorize(lambda t: t.total_seconds()), d)


def _ymd(values: np.ndarray) -> np.ndarray:
    """(n, 3) array of year, month, day of datetime64 or cftime values."""
    v = np.asarray(values)
    if np.issubdtype(v.dtype, np.datetime64):
        d = v.astype("datetime64[D]")
        y = d.astype("datetime64[Y]").astype(int) + 1970
        mth = d.astype("datetime64[M]").astype(int) % 12 + 1
        day = (d - d.astype("datetime64[M]")).astype(int) + 1
        return np.stack([y, mth, day], axis=-1)
    return np.array([[t.year, t.month, t.day] for t in v.ravel()]).reshape(v.shape + (3,))
