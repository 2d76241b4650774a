import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import run_script
from mip import open_ensemble
from mip.cli import main
from mip.errors import InputError, MemberWarning, MipError
from mip.budgets.lateral import dc_loss, dc_loss_uncertainty, gcb_river_adjustment, nce
from mip.budgets.national import compare_inventory, national_budget
from mip.products.ceos import read_ceos_grid
from mip.regions import read_regions
from mip.regions import latitude_bands
from mip.testing import SAMPLE_LATERAL_TOTALS, write_country_sample, write_lateral_sample

C_PER_CO2 = 12.011 / 44.0095
YEAR = 365.25 * 86400


def test_identities_by_hand():
    assert nce(-100.0, 40.0) == -60.0
    # NBE -100 (uptake), rivers export 10 (-10 entering), net crop import 5: stock loss = -100 + 10 - 5
    assert dc_loss(-100.0, -10.0, 5.0) == -95.0
    assert dc_loss(-100.0, -10.0, 5.0, reduced=-3.0) == -92.0
    assert dc_loss_uncertainty(3.0, 4.0, 12.0) == pytest.approx(13.0)
    assert dc_loss_uncertainty(3.0, 4.0, 12.0, uncertainty="ceos") == 3.0
    with pytest.raises(ValueError, match="ceos"):
        dc_loss_uncertainty(3.0, None, None)


def test_gcb_river_adjustment():
    bands = ["north", "tropics", "south"]
    land = xr.DataArray([-2.0, 0.5, -0.2], dims="region", coords={"region": bands})
    ocean = xr.DataArray([-1.0, 0.6, -1.5], dims="region", coords={"region": bands})
    la, oa = gcb_river_adjustment(land, ocean)
    np.testing.assert_allclose(la.values, [-1.86, 0.92, -0.11])
    np.testing.assert_allclose(oa.values, [-1.14, 0.18, -1.59])
    assert float((la + oa).sum()) == pytest.approx(float((land + ocean).sum()))


def test_ceos_grid_reader_units(tmp_path):
    p = write_lateral_sample(tmp_path / "g.nc", years=(2015, 2016))
    ds = read_ceos_grid(p)
    raw = xr.open_dataset(p)
    i, j = 130, 200
    want = float(raw.FF.isel(year=0, lat=i, lon=j)) * 1e-3 * C_PER_CO2 / YEAR  # gCO2/m2/yr -> kgC/m2/s
    assert float(ds.FF.isel(year=0, lat=i, lon=j)) == pytest.approx(want, rel=1e-6)
    river_total = float((ds.River.isel(year=0) * ds.cell_area).sum()) * YEAR / 1e12
    assert river_total == pytest.approx(SAMPLE_LATERAL_TOTALS["River"], rel=1e-5)
    assert float((ds.Wood_Crop.isel(year=0) * ds.cell_area).sum()) == pytest.approx(0.0, abs=1e-6 * 1e12 / YEAR)
    mean = read_ceos_grid(p, mean_year=True)
    assert "year" not in mean.dims
    raw.to_netcdf(tmp_path / "bad.nc")
    bad = xr.open_dataset(tmp_path / "bad.nc")
    bad["FF"].attrs["units"] = "tons per acre"
    bad.to_netcdf(tmp_path / "bad2.nc")
    with pytest.raises(InputError, match="'FF'.*tons per acre"):
        read_ceos_grid(tmp_path / "bad2.nc")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    from mip.testing import write_oco2mip_sample
    d = tmp_path_factory.mktemp("nat")
    ens = open_ensemble(write_oco2mip_sample(d), "gridded_fluxes")
    lateral = read_ceos_grid(write_lateral_sample(d / "lateral.nc"))
    countries = read_regions(write_country_sample(d / "c.gpkg"), field="ISO_A3")
    return d, ens, lateral, countries


def test_grid_first_equals_region_first(chain):
    _, ens, lateral, countries = chain
    a = national_budget(ens, countries, lateral).compute()
    b = national_budget(ens, countries, lateral, mode="grid-first").compute()
    scale = float(abs(a.dC_loss_members).max())
    assert float(abs(a.dC_loss_members - b.dC_loss_members).max()) <= 1e-10 * scale
    # identity per model and region
    np.testing.assert_allclose(a.dC_loss_members, a.NBE_members - a.Rivers - a.Wood_Crop, rtol=1e-12)
    np.testing.assert_allclose(a.NCE_members, a.NBE_members + a.FF, rtol=1e-12)
    # the ensemble summary is the median and IQR/1.35 across models
    x = a.NBE_members.sel(country="XEU", year=2015, experiment="IS").values
    assert float(a.NBE.sel(country="XEU", year=2015, experiment="IS")) == pytest.approx(np.median(x))
    # the atmosphere constrains NCE: its uncertainty is the members' spread; NBE's adds the fossil uncertainty
    sel = dict(country="XEU", year=2015, experiment="IS")
    q = np.quantile(a.NCE_members.sel(**sel).values, [0.25, 0.75])
    assert float(a.NCE_unc.sel(**sel)) == pytest.approx((q[1] - q[0]) / 1.35)
    ff_unc = float(a.FF_unc.sel(country="XEU", year=2015))
    assert ff_unc > 0
    assert float(a.NBE_unc.sel(**sel)) == pytest.approx(np.hypot((q[1] - q[0]) / 1.35, ff_unc))
    lat_unc = [float(a[k].sel(country="XEU", year=2015)) for k in ("Rivers_unc", "Wood_Crop_unc")]
    assert float(a.dC_loss_unc.sel(**sel)) == pytest.approx(np.sqrt(float(a.NBE_unc.sel(**sel)) ** 2
                                                                    + sum(u**2 for u in lat_unc)))


def test_lateral_on_another_grid(chain):
    _, ens, lateral, countries = chain
    from mip.geometry.regrid import regrid
    coarse = regrid(lateral, (2.0, 2.5))
    a = national_budget(ens, latitude_bands(), lateral).compute()
    b = national_budget(ens, latitude_bands(), coarse).compute()
    # conservative regridding keeps band totals whose edges (±30°) lie on both grids
    np.testing.assert_allclose(b.Rivers.values, a.Rivers.values, rtol=1e-9)
    with pytest.raises(MipError, match="another grid"):
        national_budget(ens, countries, coarse, regrid_lateral=False)


def test_missing_uncertainty(chain):
    _, ens, lateral, countries = chain
    bare = lateral.drop_vars(["River_unc"])
    with pytest.raises(MipError, match="uncertainty='ceos'"):
        national_budget(ens, countries, bare)
    ceos = national_budget(ens, countries, bare, uncertainty="ceos").compute()
    np.testing.assert_allclose(ceos.dC_loss_unc, ceos.NBE_unc)


def test_inventory_comparison(chain):
    _, ens, lateral, countries = chain
    b = national_budget(ens, countries, lateral).compute()
    inv = pd.DataFrame({"iso3": ["XEU", "ZZZ"], "year": [2015, 2015], "value": [-100.0, 1.0], "unit": ["TgCO2", "TgCO2"],
                        "uncertainty": [20.0, 1.0]})
    with pytest.warns(MemberWarning, match="ZZZ"):
        comp, unknown = compare_inventory(b, inv)
    assert unknown == ["ZZZ"]
    row = comp[(comp.iso3 == "XEU") & (comp.experiment == "IS")].iloc[0]
    assert row.inventory == pytest.approx(-100 * C_PER_CO2)
    bud = float(b.dC_loss.sel(country="XEU", year=2015, experiment="IS"))
    assert row.difference == pytest.approx(bud + 100 * C_PER_CO2)
    comb = np.hypot(float(b.dC_loss_unc.sel(country="XEU", year=2015, experiment="IS")), 20 * C_PER_CO2)
    assert row.combined_unc == pytest.approx(comb) and row.within == (abs(row.difference) <= comb)


def test_cli_national(chain, tmp_path, capsys):
    d, _, _, _ = chain
    inv = tmp_path / "inv.csv"
    pd.DataFrame({"iso3": ["XEU", "FRA"], "year": 2015, "value": [-100.0, 3.0], "unit": "TgCO2"}).to_csv(inv, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MemberWarning)
        rc = main(["budget", str(d / "sample-oco2mip.yaml"), "gridded_fluxes", "--regions", f"vector:{d / 'c.gpkg'}:ISO_A3",
                   "--period", "annual", "--lateral", str(d / "lateral.nc"), "--inventory", str(inv),
                   "--out", str(tmp_path / "b"), "--quiet"])
    assert rc == 0
    assert "FRA" in capsys.readouterr().out
    nat = pd.read_csv(tmp_path / "b" / "national.csv", skiprows=52)
    assert nat.columns[:3].tolist() == ["Alpha 3 Code", "Year", "IS dC_loss (TgCO2)"]
    # the countries, and what none of them takes (land flux on cells outside every polygon)
    assert set(nat["Alpha 3 Code"]) == {"XNA", "XEU", "XAS", "XSA", "XAF", "XAU", "XTI", "unattributed"}
    assert (tmp_path / "b" / "inventory.csv").exists() and (tmp_path / "b" / "national.nc").exists()


def test_analysis_script(tmp_path):
    """On the real bundled countries: every country's NBE + unattributed = the sample's global land flux."""
    from mip import global_total, open_ensemble

    run_script("national_budgets.py", "--out", str(tmp_path))
    assert (tmp_path / "nbe_vs_dc_loss.png").stat().st_size > 5000
    codes = pd.read_csv(tmp_path / "national_budgets.csv", skiprows=52)["Alpha 3 Code"].values
    assert {"FRA", "VAT", "TUV", "unattributed"} <= set(codes) and len(set(codes)) == 241
    nat = xr.open_dataset(tmp_path / "national_budgets.nc")
    ens = open_ensemble(tmp_path / "sample-data" / "sample-oco2mip.yaml", "gridded_fluxes")
    glob = global_total(ens, ["land"]).land * 1e3  # Tg C/yr, the sample's one year
    summed = nat.NBE_members.sel(year=2015).sum("country")
    np.testing.assert_allclose(summed.transpose("model", "experiment").values,
                               glob.sel(model=summed.model, experiment=summed.experiment).values, rtol=1e-9)
    coastal = pd.read_csv(tmp_path / "coastal_share.csv", index_col=0).iloc[:, 0]
    assert coastal["JPN"] > 0.5 and coastal["MNG"] == 0.0  # an island country, a landlocked one


def test_ceos_grid_round_trip(tmp_path):
    from mip.products.ceos import write_ceos_grid
    src = write_lateral_sample(tmp_path / "g.nc", years=(2015, 2016))
    raw = xr.open_dataset(src)
    # add per-experiment NBE and derived NCE/dC_loss in the published layout
    for e in ("IS", "LNLG"):
        nbe = -0.5 * raw.FF + (3.0 if e == "LNLG" else 0.0)
        raw[f"{e}_NBE"] = nbe.assign_attrs(units="gCO2/m2/yr")
        raw[f"{e}_NCE"] = (nbe + raw.FF).assign_attrs(units="gCO2/m2/yr")
        raw[f"{e}_dC_loss"] = (nbe - raw.River - raw.Wood - raw.Crop).assign_attrs(units="gCO2/m2/yr")
    raw.to_netcdf(tmp_path / "full.nc")
    ds = read_ceos_grid(tmp_path / "full.nc")
    # compute NCE and dC_loss from NBE and the lateral fields with mip.budgets.lateral, write, read back
    ds["NCE"] = nce(ds.NBE, ds.FF).assign_attrs(ds.NBE.attrs)
    ds["dC_loss"] = dc_loss(ds.NBE, ds.River, ds.Wood_Crop).assign_attrs(ds.NBE.attrs)
    back = xr.open_dataset(write_ceos_grid(ds, tmp_path / "out.nc"))
    for v in ("FF", "Crop", "Wood", "River", "FF_unc", "IS_NBE", "LNLG_NCE", "IS_dC_loss", "LNLG_dC_loss"):
        np.testing.assert_allclose(back[v].values, xr.open_dataset(tmp_path / "full.nc")[v].values, rtol=2e-6,
                                   atol=1e-4, err_msg=v)
    assert back.FF.attrs["units"] == "gCO2/m2/yr" and "area" in back


def test_river_adjustment_per_region_as_the_gcb():
    """The bundled Lacroix et al. (2020) grid: 0.65 Pg C/yr split 0.14 / 0.42 / 0.09 (the GCB's partition); over the
    ocean of each region and, by latitude band shared by land area, over its land; conserved for any region set."""
    from mip.budgets.lateral import apply_river_adjustment, river_adjustment
    from mip.geometry.regrid import target_grid
    from mip.products.reccap2 import read_river_flux
    from mip.regions import countries, land_ocean

    river = read_river_flux()
    grid = target_grid(2.0, 2.5)
    bands = river_adjustment(latitude_bands(), grid, river)
    for b, gcb in (("north", 0.14), ("tropics", 0.42), ("south", 0.09)):
        assert float(bands.ocean.sel(region=b)) == pytest.approx(gcb, abs=0.005)
        assert float(bands.land.sel(region=b)) == pytest.approx(float(bands.ocean.sel(region=b)), rel=1e-9)
    lo = river_adjustment(land_ocean(), grid, river)
    assert float(lo.land.sel(region="land")) == pytest.approx(0.65, abs=1e-3) and float(lo.land.sel(region="ocean")) == 0
    assert float(lo.ocean.sel(region="ocean")) == pytest.approx(0.65, abs=1e-3) and float(lo.ocean.sel(region="land")) == 0
    cs = river_adjustment(countries(["USA", "BRA"]), grid, river)
    assert float(cs.land.sum()) == pytest.approx(float(bands.land.sum()), rel=1e-9)  # countries + the rest
    assert float(cs.ocean.sel(region=["USA", "BRA"]).sum()) == 0.0  # countries have no ocean
    totals = xr.Dataset({v: ("region", np.array([-1.0, -2.0, 0.5, 0.0])) for v in ("land", "ocean", "net")},
                        coords={"region": list(bands.region.values)})
    adj = apply_river_adjustment(totals, bands)
    np.testing.assert_allclose(adj.net.values, totals.net.values, atol=1e-12)  # a band's land gains what its ocean loses
    np.testing.assert_allclose(adj.land.values - totals.land.values, bands.land.values)
