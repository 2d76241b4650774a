"""One meaning of a period everywhere: the last value included at the precision written, whole steps only."""

import cftime
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from mip.conventions.period import Period, period_mean
from mip.conventions.timeaxis import monthly_axis, period_axis
from mip.errors import MipError

CALENDARS = ["standard", "noleap", "360_day", "all_leap", "julian"]


def monthly(calendar, start=(2014, 1), months=36):
    k = start[0] * 12 + start[1] - 1 + np.arange(months)
    _, tb = monthly_axis(k // 12, k % 12 + 1, calendar=calendar)
    return xr.DataArray(tb, dims=("time", "bnds"))


def daily(start="2015-01-01", days=400):
    t = pd.date_range(start, periods=days + 1, freq="D").values
    return xr.DataArray(np.stack([t[:-1], t[1:]], axis=1), dims=("time", "bnds"))


@pytest.mark.parametrize("calendar", CALENDARS)
def test_every_form_of_the_same_years_selects_the_same_months(calendar):
    tb = monthly(calendar)
    forms = ["2015:2015", "2015", "2015-2015", (2015, 2015), ("2015", "2015"), "2015-01:2015-12",
             ("2015-01", "2015-12")]
    if calendar != "360_day":
        forms.append("2015-01-01:2015-12-31")
    else:
        forms.append("2015-01-01:2015-12-30")  # the last day of a 360-day year
    for form in forms:
        idx = Period.parse(form).steps(tb)
        assert list(idx) == list(range(12, 24)), form  # January .. December 2015 of a 2014-01 start


def test_a_month_end_is_the_whole_month_on_daily_data():
    tb = daily()
    assert len(Period.parse("2015-02").steps(tb)) == 28
    assert len(Period.parse("2015-01:2015-03").steps(tb)) == 31 + 28 + 31
    assert len(Period.parse("2015-01-10:2015-01-20").steps(tb)) == 11  # both days included
    assert len(Period.parse("2015-03-01").steps(tb)) == 1  # one day: not the pre-0.1.0 idiom


def test_periods_not_covered_by_whole_steps_are_refused():
    tb = monthly("standard")
    with pytest.raises(MipError, match="begins or ends inside a time step"):
        Period.parse("2015-01-15:2015-06").steps(tb)  # starts inside January
    with pytest.raises(MipError, match="begins or ends inside a time step"):
        Period.parse("2015-01:2015-06-10").steps(tb)  # ends inside June
    with pytest.raises(MipError, match="runs beyond the data"):
        Period.parse("2016:2017").steps(tb)  # the data end with 2016
    with pytest.raises(MipError, match="runs beyond the data"):
        Period.parse("2013-12:2014-06").steps(tb)  # and begin with January 2014
    with pytest.raises(MipError, match="no whole time step"):
        Period.parse("2030").steps(tb)
    gap = xr.concat([tb.isel(time=slice(0, 5)), tb.isel(time=slice(6, None))], "time")
    with pytest.raises(MipError, match="gap after 2014-06-01"):
        Period.parse("2014").steps(gap)


@pytest.mark.parametrize("text, match", [
    ("2015-01-01:2016-01-01", "the last day is included"),  # before 0.1.0 mip budget read this end as exclusive
    ("2016:2015", "before the first"),
    ("2015-13", "out of range"),
    ("2015-02-32:2015-03", "out of range"),
    ("soon", "expected FIRST:LAST"),
    ("2015/2016", "expected FIRST:LAST"),
])
def test_malformed_and_ambiguous_periods_are_refused(text, match):
    with pytest.raises(MipError, match=match):
        Period.parse(text)


def test_whole_years_only_where_they_are_needed():
    assert Period.parse("2015-01-01:2016-12-31").years == (2015, 2016)
    with pytest.raises(MipError, match="whole years"):
        _ = Period.parse("2015-03:2016-02").years


@pytest.mark.parametrize("calendar", CALENDARS)
def test_period_mean_weights_by_month_length(calendar):
    tb = monthly(calendar)
    x = xr.DataArray(np.arange(36.0), dims="time")
    got = float(period_mean(x, "2015-02:2015-04", time_bounds=tb))
    lengths = [(cftime.datetime(2015, m + 1, 1, calendar=calendar) - cftime.datetime(2015, m, 1, calendar=calendar)
                ).days for m in (2, 3, 4)]
    assert got == pytest.approx(np.average([13.0, 14.0, 15.0], weights=lengths), rel=1e-14)
    x[14] = np.nan
    assert np.isnan(float(period_mean(x, "2015-02:2015-04", time_bounds=tb)))  # never a mean of the others


def test_a_period_mean_file_spans_the_same_period():
    _, b = period_axis("2013-2022")
    assert (str(b[0, 0])[:10], str(b[0, 1])[:10]) == ("2013-01-01", "2023-01-01")
    _, b = period_axis(("2013-01-01", "2022-12-31"), calendar="noleap")
    assert b[0, 1] == cftime.datetime(2023, 1, 1, calendar="noleap")
    with pytest.raises(MipError, match="2013-01-01:2023-01-01"):
        period_axis(("2013-01-01", "2023-01-01"))


def test_a_budget_over_a_year_is_that_years_annual_mean(sample_root, tmp_path):
    """``--period 2015`` in mip budget is the calendar-year mean its ``annual`` gives for 2015 (grouped by year),
    and its tables say which period each value is a mean over."""
    from mip.cli import main

    cat = str(sample_root / "sample-oco2mip.yaml")
    assert main(["budget", cat, "gridded_fluxes", "--regions", "bands", "--period", "2015", "--quiet",
                 "--out", str(tmp_path / "w")]) == 0
    assert main(["budget", cat, "gridded_fluxes", "--regions", "bands", "--period", "annual", "--quiet",
                 "--out", str(tmp_path / "a")]) == 0
    w = pd.read_csv(tmp_path / "w" / "budget.csv", dtype={"period": str})
    assert set(w.pop("period")) == {"2015"}
    assert set(pd.read_csv(tmp_path / "w" / "budget_stats.csv", dtype={"period": str}).period) == {"2015"}
    a = pd.read_csv(tmp_path / "a" / "budget.csv")
    a = a[a.year == 2015].drop(columns="year")
    keys = ["model", "experiment", "region"]
    merged = w.merge(a, on=keys, suffixes=("_w", "_a"))
    assert len(merged) == len(w) > 0
    for col in [c for c in w.columns if c not in keys and pd.api.types.is_float_dtype(w[c])]:
        np.testing.assert_allclose(merged[f"{col}_w"], merged[f"{col}_a"], rtol=1e-12, err_msg=col)
