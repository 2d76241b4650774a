"""Monthly time axes with bounds, and checks for duplicate or missing months."""

from __future__ import annotations

from collections.abc import Sequence

import cftime
import numpy as np
import xarray as xr

from mip.errors import InputError

__all__ = ["monthly_axis", "period_axis", "check_representable", "NS_YEARS", "month_keys", "check_monthly", "bounds_seconds", "parse_date", "window_mask"]


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


def period_axis(period: str | Sequence[str], *, calendar: str = "standard", file: object = None,
                variable: str = "period") -> tuple[np.ndarray, np.ndarray]:
    """One time step that is a mean over a whole period (a period-mean file, e.g. a decadal mean).

    Parameters
    ----------
    period
        ``"YYYY-YYYY"`` (whole years, both included: ``"2013-2022"`` is 2013-01-01 to 2023-01-01), or a
        ``(start, end)`` pair of ``YYYY[-MM[-DD]]`` dates, end exclusive.
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
    import re

    from mip.errors import MipError

    if isinstance(period, str):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-|:|\.\.)\s*(\d{4})\s*", period)
        if not m or int(m[2]) < int(m[1]):
            raise InputError(file, variable, f"period {period!r}", "'FIRST-LAST' whole years (e.g. '2013-2022') or a "
                             "(start, end) pair of dates")
        lo, hi = (int(m[1]), 1, 1), (int(m[2]) + 1, 1, 1)
    else:
        try:
            a, b = period
            lo, hi = parse_date(a), parse_date(b)
        except (MipError, ValueError, TypeError) as exc:
            raise InputError(file, variable, f"period {period!r}", "'FIRST-LAST' years or a (start, end) pair of "
                             "YYYY[-MM[-DD]] dates") from exc
        if hi <= lo:
            raise InputError(file, variable, f"period {period!r} (end not after start)", "start < end (end exclusive)")
    if calendar in ("standard", "gregorian", "proleptic_gregorian"):
        check_representable(np.array([lo[0], hi[0] - (hi[1:] == (1, 1))]), file=file, variable=variable)
        start, end = (np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "ns") for y, m, d in (lo, hi))
        t = np.array([start])
        return t, np.array([[start, end]])
    start, end = (cftime.datetime(*x, calendar=calendar) for x in (lo, hi))
    return np.array([start]), np.array([[start, end]], dtype=object)


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


def parse_date(text: str) -> tuple[int, int, int]:
    """``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"`` → (year, month, day), calendar-free.

    Raises
    ------
    MipError
        Naming the text and the expected form.
    """
    import re

    from mip.errors import MipError

    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*", str(text))
    if not m or not 1 <= int(m[2] or 1) <= 12 or not 1 <= int(m[3] or 1) <= 31:
        raise MipError(f"date {text!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    return int(m[1]), int(m[2] or 1), int(m[3] or 1)


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


def window_mask(time_bounds: xr.DataArray, start: str, end: str) -> np.ndarray:
    """Which steps lie wholly inside [start, end), for any calendar (datetime64 or cftime bounds).

    Parameters
    ----------
    time_bounds
        (time, 2) bounds.
    start, end
        ``YYYY[-MM[-DD]]``; ``end`` is exclusive, as a step's upper bound is.

    Returns
    -------
    numpy.ndarray of bool
    """
    lo, hi = np.array(parse_date(start)), np.array(parse_date(end))
    b = _ymd(time_bounds.values)
    key = lambda a: (a[..., 0] * 13 + a[..., 1]) * 32 + a[..., 2]  # noqa: E731  (lexicographic order)
    return (key(b[:, 0]) >= key(lo)) & (key(b[:, 1]) <= key(hi))
