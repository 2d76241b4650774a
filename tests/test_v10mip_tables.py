"""The OCO-2 v10 MIP zonal tables and ATom-sampled CO2 of Stephens et al. (2026), read from the real files."""

import shutil

import numpy as np
import pytest
from conftest import real_file

from mip.errors import InputError
from mip.obs.binned import read_binned_columns, read_binned_field
from mip.budgets.stats import ensemble_stats
from mip.tables.v10mip_zonal import BANDS_10, COMPOSITE_BANDS, read_band_file, read_summary_table, read_zonal_ensemble

ROOT = "stephens2026-v10mip/V10MIP"


@pytest.fixture(scope="module")
def ens():
    return read_zonal_ensemble(real_file(ROOT))


def test_ensemble_layout(ens):
    assert ens.sizes == {"model": 13, "experiment": 6, "region": 22, "time": 72, "bnds": 2}
    assert list(ens.experiment.values) == ["IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG", "prior"]
    assert ens.attrs["missing_members"] == "WEIR/LNLG, WEIR/LNLGIS, WEIR/LNLGOGIS, WEIR/OG, WEIR/prior"
    assert bool(ens.total.sel(model="WEIR", experiment="OG").isnull().all())
    # values read off V10MIP/AMES/IS/flux_10N-20N_timeseries.txt, first line
    first = ens.sel(model="AMES", experiment="IS", region="10N-20N").isel(time=0)
    assert (float(first.land), float(first.ocean), float(first.fossil)) == (0.249039, -0.2247188, 0.5447165)
    assert float(first.total) == pytest.approx(0.0243202 + 0.5447165, abs=1e-12)
    assert str(ens.time.values[0])[:7] == "2015-01" and str(ens.time_bounds.values[-1, 1])[:10] == "2021-01-01"
    assert (float(ens.lat_min.sel(region="EQ-10N")), float(ens.lat_max.sel(region="20N-90N"))) == (0.0, 90.0)


def test_composites_are_sums_of_the_10_degree_bands(ens):
    for name, parts in COMPOSITE_BANDS.items():
        diff = ens.total.sel(region=list(parts)).sum("region") - ens.total.sel(region=name)
        assert float(abs(diff).max()) < 2e-5, name  # the files' 7 significant digits


@pytest.mark.parametrize("table, var, start, end", [
    ("oco2_v10mip_total_fluxes_bylat_201606-201805.txt", "total", "2016-06", "2018-05"),
    ("oco2_v10mip_land_fluxes_bylat_201606-201805.txt", "land", "2016-06", "2018-05"),
    ("oco2_v10mip_ocean_fluxes_bylat_201606-201805.txt", "ocean", "2016-06", "2018-05"),
])
def test_band_files_reproduce_the_published_tables(ens, table, var, start, end):
    s = read_summary_table(real_file(f"{ROOT}/{table}"))
    assert s.sizes == {"experiment": 5, "model": 13, "lat": 18}
    mean = ens[var].sel(time=slice(start, end)).mean("time").sel(region=list(BANDS_10))
    mean = mean.rename(region="lat").assign_coords(lat=s.lat.values).sel(model=s.model, experiment=s.experiment)
    assert float(abs(mean - s).max()) <= 0.0005 + 1e-9  # the tables' 3 decimals


def test_global_totals_and_the_mislabelled_table(ens):
    for table, start, end in (("oco2_v10mip_global_total_fluxes_2015-2020.txt", "2015-01", "2020-12"),
                              ("oco2_v10mip_global_total_fluxes_201606-201805.txt", "2016-06", "2018-05")):
        s = read_summary_table(real_file(f"{ROOT}/{table}")).squeeze("column", drop=True)
        g = ens.total.sel(time=slice(start, end), region=list(BANDS_10)).mean("time").sum("region")
        assert float(abs(g.sel(model=s.model, experiment=s.experiment) - s).max()) <= 0.0005 + 1e-9
    a = real_file(f"{ROOT}/oco2_v10mip_total_fluxes_bylat_2015-2020.txt").read_bytes()
    assert a == real_file(f"{ROOT}/oco2_v10mip_total_fluxes_bylat_201606-201805.txt").read_bytes()


def test_ensemble_statistics_apply(ens):
    st = ensemble_stats(ens.total.sel(experiment="LNLG", region="20N-90N").mean("time"))
    vals = ens.total.sel(experiment="LNLG", region="20N-90N").mean("time").values
    assert float(st["median"]) == pytest.approx(np.nanmedian(vals), rel=1e-12) and int(st["n"]) == 12  # WEIR: IS only


def test_binned_fields():
    cols = read_binned_columns(real_file(f"{ROOT}/Annual_mean_2D_fields_as_columns.txt"))
    assert cols.sizes == {"member": 50, "lat": 15, "pressure": 7}
    assert sorted(set(cols.model.values)) == ["AMES", "BAKER", "CAMS", "CMS-FLUX", "COLA", "CT", "OU", "TM5-4DVAR",
                                              "UT", "WOMBAT"]
    ames = read_binned_field(real_file(f"{ROOT}/AMES/IS/Annual_Mean_CO2_OP_10x100.txt"))
    assert float(ames.sel(lat=-55, pressure=350)) == -2.973698  # line 4, first value, of the file
    np.testing.assert_array_equal(cols.sel(member="AMES_IS").values, ames.values)


def test_observations_are_joined_by_position():
    obs_path = real_file("stephens2026-v10mip/OBS/BINFIT/Annual_mean_2D_fields_as_columns.txt")
    with pytest.raises(InputError, match="labels_from"):
        read_binned_columns(obs_path)  # its pressure labels are wrong: never read them silently
    obs = read_binned_columns(obs_path, labels_from=real_file(f"{ROOT}/Annual_mean_2D_fields_as_columns.txt"))
    gaps = {}
    for inst in ("CO2_OP", "CO2_AO2_m_CO2_NOAA", "CO2_QCLS_m_CO2_NOAA", "CO2_MED_m_CO2_NOAA", "CO2_PFP_m_CO2_NOAA"):
        field = read_binned_field(real_file(f"stephens2026-v10mip/OBS/BINFIT/Annual_Mean_{inst}_10x100.txt")).values
        gaps[inst] = int(np.isnan(field).sum())
        # the table fills the field's empty bins linearly in latitude (the nearest bin at the ends)
        lat = obs.lat.values
        filled = np.stack([np.interp(lat, lat[np.isfinite(c)], c[np.isfinite(c)]) for c in field.T], axis=1)
        np.testing.assert_allclose(obs.sel(member=inst).values, filled, rtol=0, atol=5e-8)
    assert gaps == {"CO2_OP": 0, "CO2_AO2_m_CO2_NOAA": 0, "CO2_QCLS_m_CO2_NOAA": 0, "CO2_MED_m_CO2_NOAA": 2,
                    "CO2_PFP_m_CO2_NOAA": 3}


@pytest.mark.parametrize("edit, variable, found", [
    (lambda t: t.replace("year month land ocean net foss", "year month land ocean net fossil"), "header", "fossil"),
    (lambda t: "\n".join(ln for ln in t.splitlines() if not ln.startswith("2016 3 ")) + "\n", "month",
     "not consecutive"),
    (lambda t: t.rstrip("\n")[:-3], None, "the file may be cut short"),  # cut mid-number: a shorter fossil value
    (lambda t: t.replace("2015 1 0.249039 ", "2015 1 0.349039 "), "net", "net − land − ocean"),
    (lambda t: t.replace("2015 1 0.249039 ", "2015 1 O.249039 "), None, "not a number"),
])
def test_one_defect(tmp_path, edit, variable, found):
    src = real_file(f"{ROOT}/AMES/IS/flux_10N-20N_timeseries.txt")
    p = tmp_path / src.name
    p.write_text(edit(src.read_text()))
    with pytest.raises(InputError) as e:
        read_band_file(p)
    assert e.value.file == str(p) and e.value.variable == variable and found in e.value.found, str(e.value)


def test_missing_band_file_names_it(tmp_path):
    root = tmp_path / "V10MIP"
    shutil.copytree(real_file(f"{ROOT}/AMES/IS"), root / "AMES" / "IS")
    (root / "AMES" / "IS" / "flux_30S-20S_timeseries.txt").unlink()
    with pytest.raises(InputError, match="flux_30S-20S_timeseries.txt"):
        read_zonal_ensemble(root)


def test_summary_table_defect(tmp_path):
    src = real_file(f"{ROOT}/oco2_v10mip_global_total_fluxes_2015-2020.txt")
    p = tmp_path / src.name
    p.write_text(src.read_text().replace("IS BAKER 5.474", "IS BAKER"))
    with pytest.raises(InputError) as e:
        read_summary_table(p)
    assert e.value.variable == "row" and "line 3" in e.value.found


def test_zonal_analysis_script(tmp_path):
    """GCB north land median for LNLG, recomputed from the band files with numpy alone."""
    import calendar

    import pandas as pd
    from conftest import run_script

    run_script("v10mip_zonal.py", "--out", str(tmp_path), "--data", str(real_file(ROOT)))
    stats = pd.read_csv(tmp_path / "zonal_stats.csv")
    days = np.array([calendar.monthrange(y, m)[1] for y in range(2015, 2021) for m in range(1, 13)], float)
    values = []
    for model in sorted(p.name for p in real_file(ROOT).iterdir() if p.is_dir()):
        d = real_file(ROOT) / model / "LNLG"
        if not d.is_dir():
            continue
        land = sum(np.loadtxt(d / f"flux_{b}_timeseries.txt", skiprows=1)[:, 2]
                   for b in ("30N-40N", "40N-50N", "50N-60N", "60N-70N", "70N-80N", "80N-90N"))
        values.append((land * days).sum() / days.sum())
    row = stats[(stats.experiment == "LNLG") & (stats.region_set == "gcb") & (stats.region == "north")
                & (stats.component == "land")].iloc[0]
    assert row["median"] == pytest.approx(np.median(values), abs=5e-5) and row["n_members"] == len(values) == 12
    q75, q25 = np.percentile(values, [75, 25])
    assert row["iqr_1_35"] == pytest.approx((q75 - q25) / 1.35, abs=5e-5)
    assert (tmp_path / "zonal_bands.png").stat().st_size > 10_000


@pytest.mark.parametrize("edit, variable, found", [
    (lambda lines: lines[:-1], "latitude", "14 rows of values for 15 latitudes"),      # a row missing
    (lambda lines: lines[:2] + [lines[2] + " 0.1"] + lines[3:], "pressure", "8 values"),  # a value too many
    (lambda lines: lines[:3] + [lines[3].replace("-", "x", 1)] + lines[4:], "lat -55", "'x"),  # not a number
])
def test_binned_field_defects(tmp_path, edit, variable, found):
    src = real_file(f"{ROOT}/AMES/IS/Annual_Mean_CO2_OP_10x100.txt")
    p = tmp_path / src.name
    p.write_text("\n".join(edit(src.read_text().splitlines())) + "\n")
    with pytest.raises(InputError) as e:
        read_binned_field(p)
    assert e.value.file == str(p) and e.value.variable == variable and found in e.value.found, str(e.value)
