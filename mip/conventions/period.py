"""What a period means, once, for every command, table and reader.

A period is written ``FIRST:LAST`` and **includes its last value at the precision it is written in**
(the rule of xarray's ``sel(time=slice("2015", "2020"))``)::

    2015:2020                  every step from 2015-01-01 to the end of 2020
    2015-2020                  the same (years only: the form the GCP and GCB tables use)
    2015                       the year 2015
    2015-03:2016-02            March 2015 to the end of February 2016
    2015-01-01:2015-06-30      the first of January to the end of the 30th of June

A ``(first, last)`` pair means the same as ``"first:last"``; a pair of integers is a pair of years.

A day-precision end on the first of a month (``2015-01-01:2016-01-01``) is refused in 0.1.0: before
0.1.0 ``mip budget`` read such an end as exclusive, and reading it as inclusive would silently add a
day to a daily series.  Write ``2015:2015``, ``2015-01:2015-12`` or ``…:2015-12-31`` instead.

A time mean over a period uses whole steps only: every step wholly inside, none cut, none missing
(:meth:`Period.select` refuses a period that begins or ends inside a step, runs beyond the data, or
has a gap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import xarray as xr

from mip.conventions.timeaxis import _ymd, bounds_seconds
from mip.errors import MipError

__all__ = ["Period", "parse_period", "period_mean", "time_span"]

_DATE = r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?"


def _key(ymd: np.ndarray | tuple) -> np.ndarray:
    """Order-preserving integer of (year, month, day); a day 32 orders after every real day of its month."""
    a = np.asarray(ymd)
    return (a[..., 0] * 13 + a[..., 1]) * 33 + a[..., 2]


def _before(values: np.ndarray) -> np.ndarray:
    """Each time one second earlier (the last instant a step's upper bound closes), any calendar."""
    v = np.asarray(values)
    if np.issubdtype(v.dtype, np.datetime64):
        return v - np.timedelta64(1, "s")
    return np.array([t - timedelta(seconds=1) for t in v.ravel()], dtype=object).reshape(v.shape)


@dataclass(frozen=True)
class Period:
    """A closed period of whole years, months or days (see the module docstring for the forms).

    Attributes
    ----------
    first, last
        (year, month, day) of the first and the last day, calendar-free; ``last`` is filled to the end
        of what was written (a month's ``last`` has day 32: after every day of that month).
    precision
        ``"year"``, ``"month"`` or ``"day"``: how the first and the last were written.
    text
        The period as written (for messages).
    """

    first: tuple[int, int, int]
    last: tuple[int, int, int]
    precision: tuple[str, str]
    text: str

    # ------------------------------------------------------------------ reading
    @classmethod
    def parse(cls, value: Period | str | tuple | list, *, what: str = "period") -> Period:
        """A :class:`Period` from ``"FIRST:LAST"``, ``"YYYY-YYYY"``, ``"YYYY"`` or a ``(first, last)`` pair.

        Parameters
        ----------
        value
            The period as written, or a pair of dates (``YYYY[-MM[-DD]]``) or of integer years.
        what
            How messages name it (e.g. ``"--period"``).

        Raises
        ------
        MipError
            Naming the text and the forms accepted.
        """
        if isinstance(value, Period):
            return value
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise MipError(f"{what} {value!r}: expected a (first, last) pair")
            a, b = (str(int(x)) if isinstance(x, (int, np.integer)) else str(x) for x in value)
            text = f"{a}:{b}"
        elif isinstance(value, str):
            text = value.strip()
            m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text)
            if m:
                a, b = m[1], m[2]
            else:
                a, sep, b = text.partition(":")
                if not sep:
                    b = a
        else:
            raise MipError(f"{what} {value!r}: expected FIRST:LAST (e.g. 2015:2020 or 2015-01:2020-12)")
        lo, hi = re.fullmatch(_DATE, a.strip()), re.fullmatch(_DATE, b.strip())
        if not lo or not hi:
            raise MipError(f"{what} {text!r}: expected FIRST:LAST as YYYY, YYYY-MM or YYYY-MM-DD, the last included "
                           "(e.g. 2015:2020, 2015-01:2020-12, 2015-01-01:2020-12-31)")
        first = tuple(int(x or 1) for x in lo.groups())
        last = tuple(int(x) if x else fill for x, fill in zip(hi.groups(), (0, 12, 32)))
        for ymd, src in ((first, lo), (last, hi)):
            if not 1 <= ymd[1] <= 12 or not 1 <= ymd[2] <= 32 or (src[3] and not 1 <= ymd[2] <= 31):
                raise MipError(f"{what} {text!r}: month or day out of range in {src[0]!r} (months 1-12, days 1-31)")
        precision = tuple("day" if m[3] else "month" if m[2] else "year" for m in (lo, hi))
        if precision[1] == "day" and last[2] == 1 and _key(last) > _key(first):
            raise MipError(f"{what} {text!r}: the last day is included, so an end on the first of a month adds that "
                           "day (before 0.1.0 `mip budget` read it as exclusive). Write the end as a month or a year "
                           "(e.g. 2015-01:2015-12 or 2015:2015), or as the last day itself (e.g. 2015-12-31)")
        if _key(last) < _key(first):
            raise MipError(f"{what} {text!r}: the last is before the first")
        return cls(first, last, precision, text)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ naming
    def __str__(self) -> str:
        """The canonical form, ``FIRST:LAST`` at the precision written (parses back to the same period)."""
        return f"{self._fmt(self.first, self.precision[0])}:{self._fmt(self.last, self.precision[1])}"

    @property
    def label(self) -> str:
        """For tables and captions: ``2015-2020``, ``2015``, ``2015-01 to 2020-12``, ``2015-01-01 to 2020-12-31``."""
        a, b = self._fmt(self.first, self.precision[0]), self._fmt(self.last, self.precision[1])
        if a == b:
            return a
        return f"{a}-{b}" if self.precision == ("year", "year") else f"{a} to {b}"

    @staticmethod
    def _fmt(ymd: tuple[int, int, int], precision: str) -> str:
        y, m, d = ymd
        return f"{y:04d}" if precision == "year" else f"{y:04d}-{m:02d}" if precision == "month" else f"{y:04d}-{m:02d}-{d:02d}"

    @property
    def years(self) -> tuple[int, int]:
        """(first, last) year, for a period of whole years.

        Raises
        ------
        MipError
            If the period starts after 1 January or ends before 31 December.
        """
        if self.first[1:] != (1, 1) or self.last[1] != 12 or (self.precision[1] == "day" and self.last[2] != 31):
            raise MipError(f"period {self.text!r}: whole years are needed here (e.g. {self.first[0]}:{self.last[0]})")
        return self.first[0], self.last[0]

    def bounds(self, calendar: str = "standard") -> tuple[object, object]:
        """The period's start and its exclusive end as times of ``calendar`` (datetime64[ns] or cftime).

        Parameters
        ----------
        calendar
            CF calendar name.

        Returns
        -------
        start, end
            The first day's start and the start of the day after the last.
        """
        import cftime

        y, m, d = self.last
        if self.precision[1] == "day":
            try:
                end = cftime.datetime(y, m, d, calendar=calendar) + timedelta(days=1)
            except ValueError:
                raise MipError(f"period {self.text!r}: {y:04d}-{m:02d}-{d:02d} is not a day of the {calendar} "
                               "calendar") from None
            stop = (end.year, end.month, end.day)
        else:
            stop = (y + (m == 12), m % 12 + 1, 1)
        if calendar in ("standard", "gregorian", "proleptic_gregorian"):
            return tuple(np.datetime64(f"{a:04d}-{b:02d}-{c:02d}", "ns") for a, b, c in (self.first, stop))
        return tuple(cftime.datetime(*x, calendar=calendar) for x in (self.first, stop))

    # ------------------------------------------------------------------ selecting
    def inside(self, time_bounds: xr.DataArray | np.ndarray) -> np.ndarray:
        """Which steps lie wholly inside the period, for any calendar (datetime64 or cftime bounds).

        Parameters
        ----------
        time_bounds
            (time, 2) bounds; the upper bound of each step is exclusive.

        Returns
        -------
        numpy.ndarray of bool
        """
        b = np.asarray(getattr(time_bounds, "values", time_bounds))
        starts, ends = _key(_ymd(b[:, 0])), _key(_ymd(_before(b[:, 1])))
        return (starts >= _key(self.first)) & (ends <= _key(self.last))

    def steps(self, time_bounds: xr.DataArray | np.ndarray, *, where: object = None) -> np.ndarray:
        """Indices of the period's steps, after checking they cover it exactly.

        Parameters
        ----------
        time_bounds
            (time, 2) bounds.
        where
            What to name in messages (a file, an entry).

        Returns
        -------
        numpy.ndarray of int

        Raises
        ------
        MipError
            No step inside; the period begins or ends inside a step or beyond the data; a step is missing.
        """
        tb = np.asarray(getattr(time_bounds, "values", time_bounds))
        keep = self.inside(tb)
        span = time_span(tb) if len(tb) else "no time steps"
        at = f" of {where}" if where is not None else ""
        if not keep.any():
            raise MipError(f"period {self.text}: no whole time step{at} inside it (the data run from {span})")
        idx = np.nonzero(keep)[0]
        sel = tb[idx]
        first_day = _ymd(sel[:1, 0])[0]
        ends_after = _key(_ymd(sel[-1:, 1])[0])  # the day after the last step: must pass the period's last day
        data_first, data_after = _key(_ymd(tb[:1, 0])[0]), _key(_ymd(tb[-1:, 1])[0])
        if _key(self.first) < data_first or data_after <= _key(self.last):
            raise MipError(f"period {self.text}: it runs beyond the data{at}, which run from {span}: choose a "
                           "period within them")
        if tuple(int(x) for x in first_day) != self.first or ends_after <= _key(self.last):
            raise MipError(f"period {self.text}: it begins or ends inside a time step{at} (the steps run from "
                           f"{span}; a step cannot be split): choose a period of whole steps")
        if len(sel) > 1 and not np.all(sel[1:, 0] == sel[:-1, 1]):
            gap = int(np.nonzero(sel[1:, 0] != sel[:-1, 1])[0][0])
            raise MipError(f"period {self.text}: the time steps{at} have a gap after {str(sel[gap, 1])[:10]}: "
                           "a mean over the period would leave it out")
        return idx

    def select(self, ds: xr.Dataset, *, where: object = None) -> xr.Dataset:
        """``ds`` on the steps of the period (:meth:`steps`: they must cover it exactly).

        Parameters
        ----------
        ds
            With ``time`` and ``time_bounds``.
        where
            What to name in messages (a file, an entry).

        Returns
        -------
        xarray.Dataset
        """
        return ds.isel(time=self.steps(ds["time_bounds"], where=where))


def time_span(time_bounds: xr.DataArray | np.ndarray, chars: int = 10) -> str:
    """``2015-01-01 to 2020-12-31``: the first and the last day the steps cover (``chars=7``: the months).

    Parameters
    ----------
    time_bounds
        (time, 2) bounds, the upper bound of each step exclusive.
    chars
        How much of each date to keep (10: the day, 7: the month).

    Returns
    -------
    str
    """
    tb = np.asarray(getattr(time_bounds, "values", time_bounds))
    return f"{str(tb[0, 0])[:chars]} to {str(_before(tb[-1:, 1])[0])[:chars]}"


def parse_period(value: Period | str | tuple | list, *, what: str = "period") -> Period:
    """:meth:`Period.parse`, as a function (e.g. an ``argparse`` ``type``).

    Parameters
    ----------
    value, what
        As :meth:`Period.parse`.

    Returns
    -------
    Period
    """
    return Period.parse(value, what=what)


def period_mean(x: xr.DataArray | xr.Dataset, period: Period | str | tuple | None = None, *,
                time_bounds: xr.DataArray | None = None, where: object = None) -> xr.DataArray | xr.Dataset:
    """The mean over a period (or the whole time axis), weighted by the real length of each step.

    Every step of the period counts: a NaN step makes the mean NaN, never a mean of the steps that
    happen to be there; and the steps must cover the period exactly (:meth:`Period.steps`).

    Parameters
    ----------
    x
        Values on ``time``.
    period
        A period (see the module docstring), or None for the whole time axis.
    time_bounds
        (time, 2) bounds (default ``x["time_bounds"]``).
    where
        What to name in messages.

    Returns
    -------
    Same type, without ``time``; ``attrs["period"]`` is the period's label when one is given.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from mip.conventions.timeaxis import monthly_axis
    >>> t, tb = monthly_axis([2015] * 3, [1, 2, 3])
    >>> x = xr.DataArray([1.0, 2.0, 3.0], dims="time", coords={"time": t})
    >>> b = xr.DataArray(tb, dims=("time", "bnds"))
    >>> round(float(period_mean(x, "2015-02:2015-03", time_bounds=b)), 4)  # (2·28 + 3·31) / 59
    2.5254
    """
    tb = time_bounds if time_bounds is not None else x.coords.get("time_bounds")
    if tb is None:
        raise MipError(f"a mean over a period needs time bounds{f' ({where})' if where else ''}: none given")
    if not isinstance(tb, xr.DataArray):
        tb = xr.DataArray(np.asarray(tb), dims=("time", "bnds"))
    p = None if period is None else Period.parse(period)
    if p is not None:
        idx = p.steps(tb, where=where)
        x, tb = x.isel(time=idx), tb.isel(time=idx)
    w = bounds_seconds(tb.drop_vars([c for c in tb.coords], errors="ignore"))
    w = xr.DataArray(np.asarray(w), dims="time")
    out = (x.drop_vars("time_bounds", errors="ignore") * w).sum("time", skipna=False, min_count=1) / float(w.sum())
    return out.assign_attrs(period=p.label) if p is not None else out
