"""The cmip family on files in the real CMIP6 layout, and the model evaluation against hand-computed scores."""

import numpy as np
import pytest
import xarray as xr

from mip.errors import InputError, MismatchError
from mip.budgets.esm_scores import evaluate_model
from mip.products.cmip import read_cmip
from mip.testing import gaussian_latitudes, write_cmip6, write_fx

R = 6_371_007.2
SPHERE = 4 * np.pi * R**2
NO_DIRECTION = "mass_flux_of_carbon_dioxide_expressed_as_carbon"  # a standard name that gives no direction


def const(c):
    return lambda lat, lon, y, m: np.full(lat.shape, c)


def cell_total(ds, v, t=0):
    """kg/s of one time step: flux density × cell area, summed (positive = to the atmosphere)."""
    return float((ds[v].isel(time=t) * ds.cell_area).sum())


def test_gaussian_cell_areas_from_the_file_bounds(tmp_path):
    f = write_cmip6(tmp_path, "fco2fos", const(1e-10), years=(2015, 2015))
    ds = read_cmip(f)
    _, w = np.polynomial.legendre.leggauss(64)  # the rows' sin-latitude widths are the Gauss weights
    rows = ds.cell_area.sum("lon").values
    assert np.allclose(rows, 2 * np.pi * R**2 * w, rtol=1e-10)
    assert cell_total(ds, "fossil") == pytest.approx(1e-10 * SPHERE, rel=1e-7)  # tendency_of_atmosphere: kept


def test_per_land_flux_sign_and_fraction(tmp_path):
    """nbp (downward, per land area) with sftlf = 40 %: total = −c × 0.4 × sphere; fgco2 (positive=down) × sftof."""
    c = 3e-10
    files = [write_cmip6(tmp_path, "nbp", const(c), years=(2015, 2015)),
             write_cmip6(tmp_path, "fgco2", const(2 * c), years=(2015, 2015))]
    ds = read_cmip(files, sftlf=write_fx(tmp_path, "sftlf", np.full((64, 128), 0.4)),
                   sftof=write_fx(tmp_path, "sftof", np.full((64, 128), 0.6)))
    assert cell_total(ds, "land") == pytest.approx(-c * 0.4 * SPHERE, rel=1e-6)
    assert cell_total(ds, "ocean") == pytest.approx(-2 * c * 0.6 * SPHERE, rel=1e-6)
    assert ds.land.attrs["reported_as"] == "C" and "downward" in ds.land.attrs["native_standard_name"]


def test_methane_upward_and_per_land(tmp_path):
    f = write_cmip6(tmp_path, "wetlandCH4", const(1e-11), years=(2015, 2015))
    ds = read_cmip(f, sftlf=write_fx(tmp_path, "sftlf", np.full((64, 128), 0.25)))
    assert cell_total(ds, "wetlands") == pytest.approx(1e-11 * 0.25 * SPHERE, rel=1e-6)
    assert ds.wetlands.attrs["reported_as"] == "CH4"


@pytest.mark.parametrize("attrs, options, message", [
    ({"positive": "up"}, {}, "disagree"),
    ({"standard_name": NO_DIRECTION, "positive": None}, {}, "no sign convention"),
    ({"standard_name": NO_DIRECTION, "positive": None, "cell_methods": "area: time: mean"}, {"sign": "surface"}, None),
    ({}, {"sign": "atmosphere"}, "against the file's own standard_name"),
])
def test_a_sign_is_never_guessed(tmp_path, attrs, options, message):
    f = write_cmip6(tmp_path, "fgco2", const(1e-10), years=(2015, 2015), attrs=attrs)
    options = {"land_fraction": "natural-earth", **options}
    if message is None:
        ds = read_cmip(f, **options)
        assert cell_total(ds, "ocean") == pytest.approx(-1e-10 * SPHERE, rel=1e-6)
    else:
        with pytest.raises(InputError, match=message) as e:
            read_cmip(f, **options)
        assert f.name in str(e.value) and "fgco2" in str(e.value)


def test_per_land_flux_without_a_fraction_is_refused(tmp_path):
    f = write_cmip6(tmp_path, "nbp", const(1e-10), years=(2015, 2015))
    with pytest.raises(InputError, match="sftlf"):
        read_cmip(f)
    ds = read_cmip(f, land_fraction="natural-earth")  # the explicit option: land is ~29 % of the sphere
    assert -cell_total(ds, "land") / (1e-10 * SPHERE) == pytest.approx(0.29, abs=0.01)


def test_bounds_are_required_unless_centres_are_asked_for(tmp_path):
    lat = np.arange(-88.75, 90, 2.5)
    latb = np.stack([lat - 1.25, lat + 1.25], 1)
    f = write_cmip6(tmp_path, "fco2fos", const(1e-10), years=(2015, 2015), lat=(lat, latb), nlon=144, bounds=False)
    with pytest.raises(InputError, match="no cell bounds"):
        read_cmip(f)
    ds = read_cmip(f, bounds="centres")
    assert cell_total(ds, "fossil") == pytest.approx(1e-10 * SPHERE, rel=1e-7)


def test_time_chunks_are_joined_and_overlaps_refused(tmp_path):
    a = write_cmip6(tmp_path / "a", "fco2fos", const(1e-10), years=(2015, 2015), calendar="360_day")
    b = write_cmip6(tmp_path / "a", "fco2fos", const(2e-10), years=(2016, 2017), calendar="360_day")
    ds = read_cmip([b, a])
    assert ds.sizes["time"] == 36 and ds.attrs["calendar"] == "360_day"
    assert cell_total(ds, "fossil", 11) == pytest.approx(1e-10 * SPHERE, rel=1e-6)
    assert cell_total(ds, "fossil", 12) == pytest.approx(2e-10 * SPHERE, rel=1e-6)
    c = write_cmip6(tmp_path / "b", "fco2fos", const(1e-10), years=(2015, 2016), calendar="360_day")
    with pytest.raises(InputError, match="duplicate month"):
        read_cmip([c, write_cmip6(tmp_path / "b", "fco2fos", const(1e-10), years=(2016, 2016), calendar="360_day")])


# --- the scores, on region × time tables built by hand ---------------------------------------------------

def table(values, calendar="standard", members=None, start=2015):
    """(member?, time, region) Pg/yr totals from an array (months × regions) or (members × months × regions)."""
    import cftime

    v = np.asarray(values, float)
    n = v.shape[-2]
    if calendar == "standard":
        t = xr.date_range(f"{start}-01-01", periods=n, freq="MS")
    else:
        t = [cftime.datetime(start + i // 12, i % 12 + 1, 1, calendar=calendar) for i in range(n)]
    dims = ("model", "time", "region") if v.ndim == 3 else ("time", "region")
    coords = {"time": t, "region": ["A", "B"][: v.shape[-1]]}
    if v.ndim == 3:
        coords["model"] = members or [f"m{i}" for i in range(v.shape[0])]
    return xr.Dataset({"land": (dims, v, {"units": "Pg yr-1"})}, coords=coords)


def test_scores_by_hand():
    years = 5
    m = np.arange(years * 12)
    month = m % 12
    season = np.sin(2 * np.pi * month / 12)
    yr = m // 12
    # five members: means 1..5, seasonal amplitude 2, trend 0.02/yr; the model: mean 4.5, amplitude 1, trend 0.10/yr
    ens = np.stack([k + 2 * season + 0.02 * yr for k in (1.0, 2.0, 3.0, 4.0, 5.0)])[:, :, None]
    model = (4.5 + 1 * season + 0.10 * yr)[:, None]
    s = evaluate_model(table(model), table(ens), period=(2015, 2019)).sel(variable="land", region="A")
    # annual means are day-weighted, so means shift a little with the season; the member spread is exact
    w = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    shift = np.average(np.sin(2 * np.pi * np.arange(12) / 12), weights=w)
    assert float(s.ensemble_median) == pytest.approx(3 + 0.04 + 2 * shift, abs=0.01)
    assert float(s.iqr_1_35) == pytest.approx(2 / 1.35, rel=1e-6)  # quartiles of 1..5 are 2 and 4
    assert bool(s.in_range)
    expected_distance = ((4.5 + 0.2 + shift) - (3 + 0.04 + 2 * shift)) / (2 / 1.35)
    assert float(s.distance) == pytest.approx(expected_distance, abs=0.01)
    assert float(s.seasonal_correlation) == pytest.approx(1.0, abs=1e-9)
    assert float(s.amplitude_ratio) == pytest.approx(0.5, rel=1e-9)
    assert float(s.trend_difference) == pytest.approx(0.08, abs=2e-3)


def test_out_of_range_and_opposite_season():
    m = np.arange(36) % 12
    season = np.sin(2 * np.pi * m / 12)
    ens = np.stack([k + season for k in (1.0, 1.5, 2.0)])[:, :, None]
    model = (9.0 - 3 * season)[:, None]
    s = evaluate_model(table(model), table(ens), period=(2015, 2017)).sel(variable="land", region="A")
    assert not bool(s.in_range)
    assert float(s.seasonal_correlation) == pytest.approx(-1.0, abs=1e-9)
    assert float(s.amplitude_ratio) == pytest.approx(3.0, rel=1e-9)


def test_a_model_with_no_data_for_a_year_is_not_scored_never_outside():
    """An all-NaN year used to be summed to 0 and the model reported outside the ensemble."""
    from mip.errors import IncompleteWarning

    ens = np.stack([np.full(36, k) for k in (-1.0, -1.5, -2.0)])[:, :, None]  # sinks of 1 to 2
    model = np.full((36, 1), -1.5)
    model[12:24] = np.nan  # the model's second year is missing (fill values over the region)
    with pytest.warns(IncompleteWarning, match="no value .* land A"):
        s = evaluate_model(table(model), table(ens), period=(2015, 2017)).sel(variable="land", region="A")
    assert np.isnan(float(s.model_mean)) and np.isnan(float(s.in_range))  # not 0, not "outside"
    ok = evaluate_model(table(model), table(ens), period=(2015, 2015)).sel(variable="land", region="A")
    assert float(ok.model_mean) == pytest.approx(-1.5) and float(ok.in_range) == 1.0


def test_calendars_must_agree_unless_compared_by_month():
    months = np.ones((24, 1))
    ens = table(np.stack([months, 2 * months]))
    model = table(1.5 * months, calendar="360_day")
    with pytest.raises(MismatchError, match="calendars differ: model '360_day', ensemble 'standard'"):
        evaluate_model(model, ens, period=(2015, 2016))
    s = evaluate_model(model, ens, period=(2015, 2016), calendar="by-month")
    assert float(s.model_mean.sel(variable="land", region="A")) == pytest.approx(1.5)
    assert s.attrs["model_calendar"] == "360_day"


def test_period_outside_either_side_is_named():
    ens = table(np.ones((2, 24, 1)))
    with pytest.raises(MismatchError, match="model land: 12 months in 2016-2017, expected all 24"):
        evaluate_model(table(np.ones((12, 1)), start=2016), ens, period=(2016, 2017))


def test_evaluate_command_on_the_sample(sample_root, tmp_path, capsys):
    from mip.cli import main
    from mip.testing import write_cmip6_sample

    files = [str(f) for f in write_cmip6_sample(tmp_path)]
    cat = str(sample_root / "sample-oco2mip.yaml")
    rc = main(["evaluate", cat, "gridded_fluxes", *files, "--out", str(tmp_path / "ev"), "--regions", "land-ocean",
               "--land-fraction", "natural-earth"])
    assert rc == 2 and "calendars differ: model 'noleap'" in capsys.readouterr().err
    rc = main(["evaluate", cat, "gridded_fluxes", *files, "--out", str(tmp_path / "ev"), "--regions", "land-ocean",
               "--calendar", "by-month", "--land-fraction", "natural-earth", "--no-figures"])
    assert rc == 0
    import pandas as pd

    from mip.geometry.grid import cell_area
    from mip.regions.natural_earth import land_fraction

    t = pd.read_csv(tmp_path / "ev" / "scores.csv").set_index(["variable", "region"])
    # the synthetic model's nbp per land area: 3.2e-10 + 1.5e-9 cos(2π(m−7)/12) max(sin φ, 0) kg C m-2 s-1 into the
    # land, on a 64-row Gaussian grid, noleap. Its global land total, by hand on its own grid: land area × the mean
    latc, latb = gaussian_latitudes(64)
    lonb = np.stack([np.arange(128) * 2.8125, np.arange(1, 129) * 2.8125], 1) - 180.0
    w_land = land_fraction(latb, lonb).reshape(64, 128) * cell_area(latb, lonb)
    days = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    season = np.average(np.cos(2 * np.pi * (np.arange(1, 13) - 7) / 12), weights=days)
    kg_s = 3.2e-10 * w_land.sum() + 1.5e-9 * season * (w_land.sum(1) * np.clip(np.sin(np.deg2rad(latc)), 0, None)).sum()
    expected = -kg_s * 365.25 * 86400 / 1e12  # Pg C/yr
    unattributed = [r for r in t.loc["land"].index if r.startswith("unattributed")]
    # regridding and surface attribution conserve it: land region + what fell outside the polygons' land
    got = t.loc[("land", "land"), "model_mean"] + t.loc[("land", unattributed[0]), "model_mean"]
    assert got == pytest.approx(expected, rel=1e-5)
    assert t.loc[("land", "land"), "n_members"] == 4
