import pytest

from mip.errors import InputError
from mip.conventions.units import SECONDS_PER_YEAR, factor_to, parse_native, species_factor

YEAR = 365.25 * 86400.0


@pytest.mark.parametrize("s", ["gC per m2 per year", "gC/m2/yr", "g C m-2 yr-1", "  GC PER M2 PER YEAR "])
def test_gc_per_m2_per_year_spellings(s):
    # 1 g m-2 yr-1 = 1e-3 kg / (365.25*86400 s)
    assert factor_to(parse_native(s), "kg / m**2 / s", "C", "CO2") == pytest.approx(1e-3 / YEAR, rel=1e-12)


def test_pgc_per_m2_per_yr():
    assert factor_to(parse_native("PgC/m2/yr"), "kg / m**2 / s", "C", "CO2") == pytest.approx(1e12 / YEAR, rel=1e-12)


def test_mol_co2_to_kg_c():
    # 1 mol CO2 holds 12.011 g C
    assert factor_to(parse_native("mol m-2 s-1"), "kg / m**2 / s", "C", "CO2") == pytest.approx(0.012011, rel=1e-12)


def test_umol_ch4_to_kg_ch4():
    assert factor_to(parse_native("umol m-2 s-1"), "kg / m**2 / s", "CH4", "CH4") == pytest.approx(16.043e-9, rel=1e-12)


def test_gco2_is_converted_to_carbon_not_parsed_as_exponent():
    f = factor_to(parse_native("gCO2/m2/yr"), "g / m**2 / year", "C", "CO2")
    assert f == pytest.approx(12.011 / 44.0095, rel=1e-12)


def test_n2o_mass_to_nitrogen():
    assert species_factor("N2O", "N") == pytest.approx(2 * 14.0067 / 44.013, rel=1e-12)
    f = factor_to(parse_native("kg m-2 s-1"), "kg / m**2 / s", "N", "N2O")
    assert f == pytest.approx(28.0134 / 44.013, rel=1e-12)


def test_totals():
    assert factor_to(parse_native("TgN/yr"), "Tg / year", "N", "N2O") == 1.0
    assert factor_to(parse_native("Tg CH4/yr"), "Tg / year", "CH4", "CH4") == 1.0
    assert factor_to(parse_native("TgCO2"), "Tg / year", "C", "CO2") == pytest.approx(12.011 / 44.0095)


def test_julian_year():
    assert SECONDS_PER_YEAR == YEAR


def test_unknown_unit_names_file_and_variable():
    with pytest.raises(InputError) as e:
        parse_native("furlongs per fortnight", file="x.nc", variable="land")
    msg = str(e.value)
    assert "x.nc" in msg and "'land'" in msg and "furlongs per fortnight" in msg


def test_missing_units():
    with pytest.raises(InputError, match="no 'units' attribute"):
        parse_native(None, file="x.nc", variable="ocean")


def test_celsius_trap_is_not_taken():
    # pint alone reads "g C m-2 yr-1" as gram * degree_Celsius ...; the table gives carbon mass
    nu = parse_native("g C m-2 yr-1")
    assert nu.species == "C" and nu.unit == "g / m**2 / year"


def test_one_conversion_of_totals():
    """Budgets convert totals with mip.conventions.units.total_factor only; by hand: 1 Pg = 1000 Tg, a Julian year."""
    from mip.conventions.units import total_factor
    from mip.errors import MipError

    assert total_factor("Pg yr-1", "Tg yr-1") == 1000.0
    assert total_factor("kg s-1", "Pg yr-1") == pytest.approx(365.25 * 86400 / 1e12, rel=1e-15)
    for bad in ("Pg C yr-1", "m s-1", None):  # 'C' would be a coulomb to pint: the basis goes in reported_as
        with pytest.raises(MipError, match="expected a mass per time"):
            total_factor(bad, "Tg yr-1")


def test_every_native_unit_converts_as_pint_does():
    """factor_to reads NATIVE_UNITS' expressions without pint (mip check never imports it); pint agrees on each."""
    from mip.conventions.units import NATIVE_UNITS, _factor, is_mass_rate, registry

    ureg = registry()
    combos = [("C", "CO2"), ("CH4", "CH4"), ("N", "N2O")]
    n = 0
    for nu in set(NATIVE_UNITS.values()):
        q = ureg.Quantity(1.0, nu.unit)
        assert is_mass_rate(nu.unit) == bool(q.check("[mass] / [length] ** 2 / [time]") or q.check("[mass] / [time]"))
        for target in (("kg / m**2 / s", "g / m**2 / year") if nu.per_area else ("Tg / year", "Pg / year")):
            for basis, gas in combos:
                try:
                    expected = _factor(nu, target, basis, gas)
                except Exception:  # a species that cannot be put on this basis (CO2 as N ...): both refuse
                    with pytest.raises(Exception):
                        factor_to(nu, target, basis, gas)
                    continue
                assert factor_to(nu, target, basis, gas) == pytest.approx(expected, rel=1e-13), (nu, target, basis)
                n += 1
    assert n > 300


def test_the_julian_year_is_pints():
    from mip.conventions.units import registry

    assert SECONDS_PER_YEAR == registry().Quantity(1, "year").to("s").magnitude


def test_a_check_needs_no_unit_registry(tmp_path):
    """cf_xarray's unit registry costs 0.3 s to import and copy: mip check reads units without it.

    (xarray itself may import pint, to recognise pint arrays: that is not ours to avoid.)
    """
    import subprocess
    import sys

    from mip.testing import write_oco2mip

    f = write_oco2mip(tmp_path / "CT_gridded_fluxes_IS.nc4", months=12)
    code = ("import sys\nfrom mip.checks import check\nfrom mip.conventions.units import registry\n"
            "check(sys.argv[1], 'oco2mip-v10', cf=False)\n"
            "print(registry.cache_info().currsize, 'cf_xarray.units' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 False", out.stdout + out.stderr


def test_totals_convert_as_pint_does_without_the_registry():
    """total_factor reads '<mass> yr-1' and '<mass>/yr' itself; pint (cf_xarray's syntax) agrees on every one."""
    from mip.conventions.units import _mass_rate, registry, total_factor

    ureg = registry()
    masses, times = ("g", "mg", "kg", "Gg", "Tg", "Pg"), ("yr", "year", "s", "d", "day")
    spellings = [f"{m} {t}-1" for m in masses for t in times] + [f"{m}/{t}" for m in masses for t in times]
    for a in spellings:
        assert _mass_rate(a) is not None, a
        for b in ("Pg yr-1", "Tg yr-1", "kg s-1"):
            assert total_factor(a, b) == pytest.approx(ureg.Quantity(1.0, a).to(b).magnitude, rel=1e-14), (a, b)
    assert _mass_rate("pg yr-1") is None  # a picogram is left to pint, never read as a petagram
