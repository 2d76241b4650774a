"""One reading of a flux variable's sign, units and basis, shared by the readers and ``mip check``."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from mip import open_product
from mip.checks import check
from mip.conventions.reading import read_flux
from mip.conventions.sign import read_sign
from mip.conventions.units import NATIVE_UNITS, _normalise, add_unit_spelling, mass_basis
from mip.errors import InputError, MipError

CMIP5_FGCO2 = {"standard_name": "surface_downward_mass_flux_of_carbon_dioxide_expressed_as_carbon",
               "long_name": "Surface Downward CO2 Flux", "units": "kg m-2 s-1", "positive": "down"}


@pytest.mark.parametrize("attrs, glob, option, convention, factor", [
    ({"positive": "up"}, None, None, None, 1),
    ({"positive": "down"}, None, None, None, -1),
    ({"standard_name": "surface_upward_mass_flux_of_carbon_dioxide"}, None, None, None, 1),
    ({}, {"sign_convention": "positive = flux to the atmosphere (source)"}, None, None, 1),
    ({}, None, "surface", None, -1),
    ({}, None, None, "atmosphere", 1),
    ({"positive": "down"}, None, "surface", "atmosphere", -1),  # the option agrees; the file outranks a convention
])
def test_sign_read_from_the_file_first(attrs, glob, option, convention, factor):
    assert read_sign(attrs, glob, option=option, convention=convention).factor == factor


@pytest.mark.parametrize("attrs, option, message", [
    ({}, None, "never guesses a sign"),
    ({"positive": "down"}, "atmosphere", "does not override a file's stated sign"),
    ({"positive": "up", "standard_name": "surface_downward_mass_flux_of_carbon"}, None, "disagree on the sign"),
])
def test_sign_refused_rather_than_guessed(attrs, option, message):
    with pytest.raises(InputError, match=message):
        read_sign(attrs, option=option)


def test_cmip5_fgco2_is_carbon_not_co2(tmp_path):
    """kg m-2 s-1 with standard_name ..._expressed_as_carbon: kg of C (reading it as CO2 gives 0.273 of it)."""
    ds = xr.Dataset({"fgco2": (("time", "lat", "lon"), np.full((1, 2, 2), 1e-9, "f4"), CMIP5_FGCO2)},
                    coords={"time": pd.date_range("2000-01-01", periods=1), "lat": [-45.0, 45.0],
                            "lon": [-90.0, 90.0]})
    ds.to_netcdf(tmp_path / "fgco2.nc")
    out = open_product("cf", tmp_path / "fgco2.nc", variables={"ocean": "fgco2"})
    # positive down, 1e-9 kg C into the ocean → −1e-9 kg C m-2 s-1 to the atmosphere, factor exactly −1
    assert out.ocean.attrs["conversion_factor"] == -1.0
    assert out.ocean.attrs["native_basis"].startswith("C (standard_name")


@pytest.mark.parametrize("attrs, gas, option, species", [
    ({"long_name": "kilograms of carbon per m2 per year"}, "CO2", None, "C"),
    ({"long_name": "flux in kg CO2 per m2 per second"}, "CO2", None, "CO2"),
    ({"standard_name": "surface_upward_mass_flux_of_carbon_dioxide"}, "CO2", None, "CO2"),
    ({}, "CO2", "CO2", "CO2"),
    ({}, "CH4", None, "CH4"),
    ({"long_name": "N2O emission in kg N m-2 s-1"}, "N2O", None, "N"),
])
def test_mass_basis_from_the_files_words(attrs, gas, option, species):
    assert mass_basis(attrs, gas, option)[0] == species


def test_mass_basis_refused_when_unsaid_or_contradicted():
    with pytest.raises(InputError, match="factor 3.66"):
        mass_basis({"units": "kg m-2 s-1"}, "CO2")
    with pytest.raises(InputError, match="factor 1.57"):
        mass_basis({"units": "kg m-2 s-1"}, "N2O")
    with pytest.raises(InputError, match="against the file's"):
        mass_basis({"long_name": "kilograms of carbon"}, "CO2", "CO2")


def test_one_factor_for_reader_and_check():
    # 1 gC m-2 d-1 = 1e-3 / 86400 kg C m-2 s-1; 1 mol m-2 s-1 of CO2 = 12.011e-3 kg C m-2 s-1
    assert read_flux({"units": "gC m-2 d-1", "positive": "up"}, gas="CO2").factor == pytest.approx(1e-3 / 86400)
    assert read_flux({"units": "mol m-2 s-1"}, gas="CO2", sign="surface").factor == pytest.approx(-12.011e-3)
    assert read_flux({"units": "mol m-2 s-1"}, gas="CH4", sign="atmosphere").factor == pytest.approx(16.043e-3)


def test_a_unit_spelling_of_ones_own(tmp_path):
    spelling = "grams of C per sq metre per day (test)"
    assert _normalise(spelling) not in NATIVE_UNITS
    with pytest.raises(InputError, match="add_unit_spelling"):  # the error says how
        read_flux({"units": spelling, "positive": "up"}, gas="CO2")
    add_unit_spelling(spelling, "gC m-2 d-1")
    assert read_flux({"units": spelling, "positive": "up"}, gas="CO2").factor == pytest.approx(1e-3 / 86400)
    with pytest.raises(InputError, match="already means"):
        add_unit_spelling(spelling, "mol m-2 s-1")  # a spelling never changes meaning


def _write(path, units, values=1e-9, positive="up"):
    xr.Dataset({"land": (("time", "lat", "lon"), np.full((12, 2, 2), values, "f4"),
                         {"units": units, "positive": positive})},
               coords={"time": pd.date_range("2018-01-01", periods=12, freq="MS") + pd.Timedelta(days=14),
                       "lat": [-45.0, 45.0],
                       "lon": [-90.0, 90.0]}).to_netcdf(path)


def test_catalog_unit_spellings_and_one_experiment_label(tmp_path):
    from mip import open_ensemble

    _write(tmp_path / "A.nc", "umol C m-2 s-1 (A)")
    (tmp_path / "c.yaml").write_text(
        "sources:\n  e:\n    driver: mip.catalog.ProductSource\n    args:\n      family: cf\n"
        "      urlpath: '{{ CATALOG_DIR }}/{model}.nc'\n      models: [A]\n      experiments: [posterior]\n"
        "      unit_spellings: {'umol C m-2 s-1 (A)': 'umol m-2 s-1'}\n      options: {gas: CO2}\n")
    ens = open_ensemble(tmp_path / "c.yaml", "e")
    assert list(ens.experiment.values) == ["posterior"]  # labelled though urlpath has no {experiment}
    assert float(ens.land.isel(model=0, experiment=0, time=0, lat=0, lon=0)) == pytest.approx(1e-9 * 1e-6 * 12.011e-3, rel=1e-6)


def test_two_experiments_need_a_placeholder(tmp_path):
    from mip.catalog import entry_members

    (tmp_path / "c.yaml").write_text(
        "sources:\n  e:\n    driver: mip.catalog.ProductSource\n    args:\n      family: cf\n"
        "      urlpath: '{{ CATALOG_DIR }}/{model}.nc'\n      models: [A]\n      experiments: [prior, posterior]\n")
    with pytest.raises(MipError, match="no \\{experiment\\} to tell their files apart"):
        entry_members(tmp_path / "c.yaml", "e")


def test_protocol_lists_its_units_and_reads_the_sign_as_the_reader(tmp_path):
    proto = tmp_path / "p.yaml"
    proto.write_text("name: p\ntitle: t\ngas: CO2\nfile_pattern: '^.*\\.nc$'\ndims: {lat: 2, lon: 2, time: 12}\n"
                     "coordinates: {}\nvariables:\n  land: {dims: [time, lat, lon], units: [mol m-2 s-1, "
                     "gC m-2 d-1], total_range: [-10, 0]}\ntime: {mode: cf, variable: time, first: '2018-01', "
                     "months: 12}\n")
    _write(tmp_path / "ok.nc", "gC m-2 d-1", values=-0.01)
    _write(tmp_path / "flipped.nc", "gC m-2 d-1", values=-0.01, positive="down")  # metadata wrong
    _write(tmp_path / "other.nc", "kgC/m2/s", values=-1e-8)
    rep = check([tmp_path / "ok.nc", tmp_path / "flipped.nc", tmp_path / "other.nc"], proto, cf=False)
    rules = {(f.file.split("/")[-1], f.rule) for f in rep.findings if f.severity != "note"}
    assert rules == {("flipped.nc", "var.sign_convention"), ("flipped.nc", "data.total_range"),
                     ("other.nc", "var.units")}
    # the totals the check reports are those the reader gives: the 'ok' file is a sink of
    # 0.01 gC m-2 d-1 × 365.25 d × the sphere's area (4πR²) — the 'flipped' file the same as a source
    sphere = 4 * np.pi * 6_371_007.2**2
    ok = [t["total"] for t in rep.totals if t["file"].endswith("ok.nc")][0]
    flipped = [t["total"] for t in rep.totals if t["file"].endswith("flipped.nc")][0]
    assert ok == pytest.approx(-0.01 * 365.25 * sphere * 1e-15, rel=1e-6) and flipped == pytest.approx(-ok, rel=1e-12)


@pytest.mark.parametrize("units, species, per_second", [
    ("gC m-2 day-1", "C", 1e-3 / 86400), ("g C m-2 a-1", "C", 1e-3 / (365.25 * 86400)),
    ("umol CO2 m-2 s-1", "CO2", 1e-6 * 12.011e-3), ("kg C / m2 / s", "C", 1.0),
    ("mol N2O m-2 s-1", "N2O", 2 * 14.0067e-3),  # a mole of N2O holds two of N
])
def test_the_usual_spellings(units, species, per_second):
    gas = {"C": "CO2", "CO2": "CO2", "N2O": "N2O"}[species]
    r = read_flux({"units": units, "positive": "up"}, gas=gas)
    assert r.unit.species == species and r.factor == pytest.approx(per_second, rel=1e-12)


def test_a_per_month_amount_is_refused():
    with pytest.raises(InputError, match="months last 28 to 31 days"):
        read_flux({"units": "gC/m2/month", "positive": "up"}, gas="CO2")
