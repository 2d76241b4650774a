"""Files we did not write read right: real CMIP6 grids, the GCB 2023 gridded decadal means, regional domains.

Expected values come from the files themselves by plain numpy (areacella × sftlf sums, nansum of the
published field) or from their published READMEs, never from fluxmip's own output.
"""

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import real_file
from mip import aggregate, global_total
from mip.errors import InputError, RegionWarning
from mip.products.cf import read_cf
from mip.products.cmip import read_cmip
from mip.regions import countries, land_ocean
from mip.testing import CMOR

FX = "cmip6-fx"
IPSL = ("IPSL-CM6A-LR", "r1i1p1f1")
CNRM = ("CNRM-CM6-1", "r1i1p1f2")
YEAR = 365.25 * 86400


def _nbp_on(folder, model, variant, mask_from_lmon: bool):
    """A CMIP6 nbp file on a model's real grid (its fx files' lat/lon, no bounds), 1e-9 kg C m-2 s-1 of land,
    NaN where the model has no land: the real Lmon slice's NaN (IPSL) or sftlf = 0 (CNRM)."""
    fx = xr.open_dataset(folder / f"areacella_fx_{model}_historical_{variant}_gr.nc")
    vals = np.full((12, fx.sizes["lat"], fx.sizes["lon"]), 1e-9, "f4")  # uptake: CMIP's nbp is positive down
    if mask_from_lmon:
        lmon = xr.open_dataset(folder / "landCoverFrac_Lmon_IPSL-CM6A-LR_ssp245_r1i1p1f1_gr_201501.nc")
        nan = np.isnan(lmon.landCoverFrac.isel(time=0, type=0).values)
    else:
        nan = xr.open_dataset(folder / f"sftlf_fx_{model}_historical_{variant}_gr.nc").sftlf.values == 0
    vals[:, nan] = np.nan
    c = CMOR["nbp"]
    ds = xr.Dataset({"nbp": (("time", "lat", "lon"), vals, {k: c[k] for k in ("standard_name", "units",
                                                                              "cell_methods", "long_name")})},
                    coords={"time": pd.date_range("2014-01-16", periods=12, freq="MS") + pd.Timedelta(days=14),
                            "lat": fx.lat, "lon": fx.lon},
                    attrs={"source_id": model, "grid_label": "gr", "experiment_id": "historical",
                           "variant_label": variant, "variable_id": "nbp"})
    f = folder / f"nbp_Lmon_{model}_historical_{variant}_gr_201401-201412.nc"
    ds.to_netcdf(f)
    return f, nan


@pytest.mark.parametrize("model, variant", [IPSL, CNRM])
def test_cmip_real_grid_areas_and_land_fraction_from_fx_files(tmp_path, model, variant):
    for kind in ("areacella", "sftlf"):
        shutil.copy(real_file(f"{FX}/{kind}_fx_{model}_historical_{variant}_gr.nc"), tmp_path)
    if model.startswith("IPSL"):
        shutil.copy(real_file(f"{FX}/landCoverFrac_Lmon_IPSL-CM6A-LR_ssp245_r1i1p1f1_gr_201501.nc"), tmp_path)
    f, nan = _nbp_on(tmp_path, model, variant, mask_from_lmon=model.startswith("IPSL"))
    ds = read_cmip(f)  # no bounds in the file: CNRM's uneven latitudes and IPSL's pole points need areacella
    area = xr.open_dataset(tmp_path / f"areacella_fx_{model}_historical_{variant}_gr.nc").areacella.values
    sftlf = xr.open_dataset(tmp_path / f"sftlf_fx_{model}_historical_{variant}_gr.nc").sftlf.values
    assert "areacella" in ds.attrs["fx_files"] and "sftlf" in ds.attrs["fx_files"]
    assert float(ds.cell_area.sum()) == pytest.approx(float(area.astype("f8").sum()), rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = global_total(ds).compute()
    # independent: 1e-9 kg C m-2 s-1 × every land m² the model has data for (areacella × sftlf / 100)
    want = 1e-9 * np.sum(np.where(nan, 0.0, area * sftlf / 100.0)) * YEAR * 1e-12
    assert float(g.land.squeeze()) == pytest.approx(-want, rel=1e-6)  # uptake: negative, to the atmosphere
    if model.startswith("IPSL"):
        # the real Lmon slice is NaN on 2469 cells the model calls (part) land, all poleward of 60° (ice
        # sheets): missing data, reported, never a NaN global total
        lat = xr.open_dataset(tmp_path / f"areacella_fx_{model}_historical_{variant}_gr.nc").lat.values
        rows = np.nonzero((nan & (sftlf > 0)).any(axis=1))[0]
        assert np.all(np.abs(lat[rows]) > 60) and (nan & (sftlf > 0)).sum() == 2469
        assert float(g.missing_land.squeeze()) > 0.05
    else:
        assert float(g.missing_land.squeeze()) == 0.0


def test_cmip_without_bounds_or_areacella_is_refused(tmp_path):
    shutil.copy(real_file(f"{FX}/areacella_fx_{CNRM[0]}_historical_{CNRM[1]}_gr.nc"), tmp_path)
    shutil.copy(real_file(f"{FX}/sftlf_fx_{CNRM[0]}_historical_{CNRM[1]}_gr.nc"), tmp_path)
    f, _ = _nbp_on(tmp_path, *CNRM, mask_from_lmon=False)
    (tmp_path / f"areacella_fx_{CNRM[0]}_historical_{CNRM[1]}_gr.nc").unlink()
    with pytest.raises(InputError, match="no cell bounds .* and no areacella"):
        read_cmip(f)


def test_sftlf_must_be_percent(tmp_path):
    src = xr.open_dataset(real_file(f"{FX}/sftlf_fx_{IPSL[0]}_historical_{IPSL[1]}_gr.nc"))
    frac = src.copy()
    frac["sftlf"] = src.sftlf / 100.0  # fractions, still labelled %
    frac.encoding.pop("unlimited_dims", None)
    frac.to_netcdf(tmp_path / f"sftlf_fx_{IPSL[0]}_historical_{IPSL[1]}_gr.nc")
    shutil.copy(real_file(f"{FX}/areacella_fx_{IPSL[0]}_historical_{IPSL[1]}_gr.nc"), tmp_path)
    shutil.copy(real_file(f"{FX}/landCoverFrac_Lmon_IPSL-CM6A-LR_ssp245_r1i1p1f1_gr_201501.nc"), tmp_path)
    f, _ = _nbp_on(tmp_path, *IPSL, mask_from_lmon=True)
    with pytest.raises(InputError, match="percentages"):
        read_cmip(f)


GCB = "gcb-2023-gridded"


def test_gcb_land_use_flux_as_a_decadal_mean():
    f = real_file(f"{GCB}/Landuse_carbon_flux_gridded_GCB2023_2013-2022_mean.nc")
    with pytest.raises(InputError, match="no time axis"):
        read_cf(f)
    with pytest.raises(InputError, match="no sign convention"):
        read_cf(f, period="2013-2022")
    ds = read_cf(f, period="2013-2022", sign="atmosphere", variables={"land": "Landuse_Cflux"})
    # the basis came from the long_name "kilograms of carbon per m2 per year"
    assert ds.land.attrs["native_basis"].startswith("C (long_name")
    assert str(ds.time_bounds.values[0, 0])[:10] == "2013-01-01" and str(ds.time_bounds.values[0, 1])[:10] == "2023-01-01"
    raw = xr.open_dataset(f)
    lat = raw.lat.values
    band = np.sin(np.deg2rad(lat + 0.125)) - np.sin(np.deg2rad(lat - 0.125))
    area = 6_371_007.2**2 * np.deg2rad(0.25) * band  # per row
    want = float(np.nansum(raw.Landuse_Cflux.values.astype("f8") * area[:, None])) * 1e-12  # kg C/yr → Pg C/yr
    assert want == pytest.approx(1.284, abs=5e-4)  # the data README's figure
    g = global_total(ds).compute()
    assert float(g.land.squeeze()) == pytest.approx(want, rel=1e-9)
    # the GCB 2023 workbook's E_LUC for the same decade is 1.274: the gridded field is the figure's, 0.8 % higher
    from mip.tables.gcb_workbook import period_means, read_global_budget

    eluc = float(period_means(read_global_budget(), "2013:2022").sel(component="land_use_change"))
    assert eluc == pytest.approx(1.274, abs=5e-4) and 0 < want - eluc < 0.02
    # NaN over the ocean is zero land-use flux; Antarctica (no data over land) is reported, not poisoning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = aggregate(ds, land_ocean() + countries(["BRA", "ATA"]), period="all").compute()
    t = out.land.squeeze()
    assert np.isnan(float(t.sel(region="ATA")))
    assert float(out.missing_land.squeeze().sel(region="ATA")) == pytest.approx(1.0, abs=1e-12)
    regions_and_rest = float(t.sel(region=["land", "ocean"]).sum()) + float(t.sel(region=[
        r for r in t.region.values if str(r).startswith("unattributed (land/ocean")]).sum())
    assert regions_and_rest == pytest.approx(want, rel=1e-9)  # the land/ocean set + its unattributed = global


def test_gcb_dgvm_sink_refused_until_sign_and_basis_are_given():
    f = real_file(f"{GCB}/Land_carbon_uptake_DGVMs_gridded_GCB2023_2013-2022_mean.nc")
    with pytest.raises(InputError, match="no sign convention"):
        read_cf(f, period="2013-2022")
    with pytest.raises(InputError, match="whether the mass is of C or CO2"):  # 'Kg/m2/s' of what?
        read_cf(f, period="2013-2022", sign="surface")  # the Info attribute: net biome productivity (uptake +)
    ds = read_cf(f, period="2013-2022", sign="surface", basis="C", variables={"land": "SLAND"})
    raw = xr.open_dataset(f)
    lat = raw.lat.values
    area = 6_371_007.2**2 * np.deg2rad(0.5) * (np.sin(np.deg2rad(lat + 0.25)) - np.sin(np.deg2rad(lat - 0.25)))
    sink = float(np.nansum(raw.SLAND.values.astype("f8") * area[:, None])) * YEAR * 1e-12
    assert sink == pytest.approx(4.30, abs=5e-3)  # the README's 4.30 Pg C/yr (the workbook's S_LAND is 3.35)
    assert float(global_total(ds).land.squeeze()) == pytest.approx(-sink, rel=1e-9)


REG = "regional-flux-derived"


def test_regional_domain_to_countries_with_the_rest_reported():
    f = real_file(f"{REG}/ch4-anthro_EUROPE_2012.nc")
    ds = read_cf(f, gas="CH4", sign="atmosphere", variables={"total": "flux"}, period="2012-2012")
    raw = xr.open_dataset(f)
    assert float(global_total(ds).total.squeeze()) == pytest.approx(74.00, abs=0.005)  # the README's total
    with pytest.warns(RegionWarning, match="regional domain"):
        out = aggregate(ds, countries(), period="all", surfaces={"total": "land"}).compute()
    t = out.total.squeeze()
    assert float(t.sum()) == pytest.approx(float(global_total(ds).total.squeeze()), rel=1e-10)
    assert float(t.sel(region="unattributed")) > 0  # sea and Natural Earth gaps inside the domain
    inside = out.region_in_domain
    assert float(inside.sel(region="DEU")) == pytest.approx(1.0, abs=1e-9)  # wholly inside the domain
    # the domain's eastern edge cuts Russia: its total is only its western part, and says so
    east = float(raw.lon.max()) + float(np.diff(raw.lon.values).mean()) / 2
    assert 0.0 < float(inside.sel(region="RUS")) < 0.5 and east < 40
    assert "RUS" in out.attrs["partly_outside_domain"]


def test_float32_coordinates_of_one_domain_are_one_grid(tmp_path):
    """The two EUROPE files' first longitudes differ by ~8e-6° (float32 written by different tools)."""
    a, b = (real_file(f"{REG}/{n}") for n in ("ch4-anthro_EUROPE_2012.nc", "co2-gpp-cardamom_EUROPE_2012.nc"))
    la, lb = xr.open_dataset(a).lon.values.astype("f8"), xr.open_dataset(b).lon.values.astype("f8")
    assert 0 < np.abs(la - lb).max() < 1e-4  # the real quirk
    for f in (a, b):
        shutil.copy(f, tmp_path / f.name.replace("ch4-anthro", "A").replace("co2-gpp-cardamom", "B"))
    cat = tmp_path / "c.yaml"
    cat.write_text("sources:\n  e:\n    driver: mip.catalog.ProductSource\n    args:\n      family: cf\n"
                   "      urlpath: '{{ CATALOG_DIR }}/{model}_EUROPE_2012.nc'\n      models: [A, B]\n"
                   "      experiments: [prior]\n      options: {gas: CH4, sign: atmosphere, variables: {total: flux}}\n")
    from mip import open_ensemble

    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        ens = open_ensemble(cat, "e")
    assert list(ens.model.values) == ["A", "B"] and "excluded_members" not in ens.attrs
    assert "B/prior" in ens.attrs["grid_tolerance"]
    assert not any("left out" in str(w.message) for w in rec)


def test_a_real_offset_grid_is_still_another_grid(tmp_path):
    from mip.geometry.grid import same_grid

    g = xr.open_dataset(real_file(f"{REG}/co2-gpp-cardamom_EUROPE_2012.nc"))
    assert same_grid(g, g.assign_coords(lon=g.lon + np.float32(1e-5)))
    assert not same_grid(g, g.assign_coords(lon=g.lon + 0.1))  # 0.1° is 28 % of a 0.352° cell
