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
