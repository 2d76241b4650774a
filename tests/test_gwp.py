import pytest
import xarray as xr

from mip.budgets.gwp import co2eq, gwp_factor


def test_factors_by_hand():
    assert gwp_factor("CH4", "fossil") == 29.8
    assert gwp_factor("CH4", "wetlands", "GWP20") == 79.7
    assert gwp_factor("CH4", "coal_mining", "GWP20") == 82.5
    assert gwp_factor("N2O") == pytest.approx(273 * 44.013 / 28.0134)
    assert gwp_factor("CO2") == pytest.approx(44.0095 / 12.011)
    with pytest.raises(ValueError, match="category"):
        gwp_factor("CH4")


def test_co2eq_dataset():
    ch4 = xr.Dataset({"fossil": xr.DataArray(100.0, attrs={"units": "Tg yr-1"}),
                      "wetlands": xr.DataArray(200.0, attrs={"units": "Tg yr-1"})})
    out = co2eq(ch4, "CH4")
    assert float(out.fossil) == pytest.approx(2980.0) and float(out.wetlands) == pytest.approx(5400.0)
    co2 = xr.Dataset({"land": xr.DataArray(-1.5, attrs={"units": "Pg yr-1"})})
    assert float(co2eq(co2, "CO2").land) == pytest.approx(-1.5e3 * 44.0095 / 12.011)


@pytest.mark.parametrize("name", ["FF", "coal", "fossil fuel", "methane"])
def test_an_unknown_ch4_category_is_refused_not_given_the_non_fossil_value(name):
    from mip.errors import MipError

    with pytest.raises(MipError, match="not one fluxmip knows"):
        gwp_factor("CH4", name, "GWP100")


@pytest.mark.parametrize("label, origin_gwp100", [("Fossil fuels", 29.8), ("fossil_fuels", 29.8), ("Wetlands", 27.0),
                                                  ("Agriculture and Waste", 27.0), ("oil_and_gas", 29.8)])
def test_the_workbook_spellings_map_explicitly(label, origin_gwp100):
    assert gwp_factor("CH4", label, "GWP100") == origin_gwp100


def test_a_total_beside_its_parts_is_refused():
    import xarray as xr

    from mip.budgets.multigas import co2eq_by_region
    from mip.errors import MismatchError

    ch4 = xr.Dataset({"wetlands": ("region", [5.0]), "total": ("region", [7.0])}, coords={"region": ["A"]},
                     attrs={"period": "2017"})
    for v in ch4.data_vars:
        ch4[v].attrs["units"] = "Tg yr-1"
    with pytest.raises(MismatchError, match="total beside wetlands"):
        co2eq(ch4, "CH4")
    co2 = xr.Dataset({"fossil": ("region", [1.0])}, coords={"region": ["A"]}, attrs={"period": "2017"})
    co2.fossil.attrs["units"] = "Pg yr-1"
    with pytest.raises(MismatchError, match="count"):
        co2eq_by_region({"CO2": co2, "CH4": ch4})


def test_every_ch4_category_has_an_origin_and_a_kind():
    from mip.budgets.gwp import CH4_KIND, CH4_ORIGIN

    assert set(CH4_KIND) == set(CH4_ORIGIN)
    # fossil categories are anthropogenic; wetlands natural; the soil sink is no source
    assert all(CH4_KIND[c] == "anthropogenic" for c, o in CH4_ORIGIN.items() if o == "fossil")
    assert CH4_KIND["wetlands"] == "natural" and CH4_KIND["soil_sink"] == "sink"
