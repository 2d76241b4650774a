"""Observation-space evaluation (#25): readers on their real files, scores against independent computations."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import real_file

from mip.errors import InputError, MipError

SO = "so-stations-cosampled"
MODELS = ("CT2019B", "MIROC", "CAMSv20r1")


def cosampled():
    from mip.obs.stations import read_cosampled

    return read_cosampled(real_file(f"{SO}/surface-obs_SO_CO2_monthly.txt"),
                          {m: real_file(f"{SO}/simulated-obs_{m}_SO_CO2_monthly.txt") for m in MODELS},
                          stations=real_file(f"{SO}/SO_CO2_stationlist.txt"),
                          aliases={"MQA_CSIRO_flask": "MQA_CSIRO_insitu"})


# --- station tables ----------------------------------------------------------------------------
def test_real_station_tables_and_their_quirks():
    ds = cosampled()
    assert ds.sizes == {"time": 276, "series": 32, "model": 3}  # 1998-01..2020-12; 32 observed series
    # the README's check: South Pole January 2015, 395.79 ppm observed and in CT2019B
    spo = dict(series="SPO_NOAA_insitu", time="2015-01-01")
    assert round(float(ds.observed.sel(**spo)), 2) == 395.79
    assert round(float(ds.simulated.sel(model="CT2019B", **spo)), 2) == 395.79
    assert ds.sel(series="CGO_SIO_O2_flask").lab.item() == "SIO_O2"  # a lab with "_" in its name
    # the ships are observed only: named, not dropped
    assert "CT2019B: LMG65_NOAA_underway" in ds.attrs["not_sampled"]
    assert ds.attrs["model_only"] == "" and ds.attrs["aliases"] == "MQA_CSIRO_flask -> MQA_CSIRO_insitu"
    assert int(np.isfinite(ds.simulated.sel(model="MIROC", series="MQA_CSIRO_insitu")).sum()) > 100
    assert float(ds.lat.sel(series="SPO_NOAA_insitu")) == -89.98


def test_without_the_alias_macquarie_is_named_on_both_sides():
    from mip.obs.stations import read_cosampled

    ds = read_cosampled(real_file(f"{SO}/surface-obs_SO_CO2_monthly.txt"),
                        {"MIROC": real_file(f"{SO}/simulated-obs_MIROC_SO_CO2_monthly.txt")})
    assert "MIROC: MQA_CSIRO_flask" in ds.attrs["model_only"]
    assert "MIROC: MQA_CSIRO_insitu" in ds.attrs["not_sampled"]


@pytest.mark.parametrize("change,says", [
    (lambda t: t.replace("362.3371", "362.33x1", 1), "the text '362.33x1' on line 2"),
    (lambda t: t.replace("1998 2 ", "1998 3 ", 1), "duplicate month"),
    (lambda t: "\n".join(t.splitlines()[:1] + [t.splitlines()[1].rsplit(" ", 1)[0]] + t.splitlines()[2:]),
     "fields"),
    (lambda t: t.replace("SPO_NOAA_insitu", "SPO", 1), "<station>_<lab>_<method>"),
])
def test_a_damaged_station_table_is_refused(tmp_path, change, says):
    from mip.obs.stations import read_station_table

    p = tmp_path / "obs.txt"
    p.write_text(change(real_file(f"{SO}/surface-obs_SO_CO2_monthly.txt").read_text()))
    with pytest.raises(InputError, match=says):
        read_station_table(p)


# --- scores ---------------------------------------------------------------------------------------
def _series(values, start="2000-01-01"):
    t = pd.date_range(start, periods=len(values), freq="MS")
    return xr.DataArray(np.asarray(values)[:, None], dims=("time", "series"), coords={"time": t, "series": ["X"]})


def test_scores_on_an_analytic_case():
    """obs = trend + sin; model = trend + 1.2 sin(shifted one month later) + 0.3: every score known by hand."""
    from mip.obs.scores import score_table

    n = 120
    t = np.arange(n) / 12 + 1 / 24  # mid-month, in years
    o = _series(400 + 2 * t + np.sin(2 * np.pi * t))
    m = _series(400 + 2 * t + 1.2 * np.sin(2 * np.pi * (t - 1 / 12)) + 0.3).expand_dims(model=["M"])
    row = score_table(o, m, seasons=("all",)).iloc[0]
    assert row.n == n
    assert row.bias == pytest.approx(0.3, abs=1e-9)  # the sines average to zero over whole years
    # the cycles differ by 1.2 sin(x - 30°) - sin(x): amplitude sqrt(1.2² + 1 - 2·1.2 cos 30°), RMS / √2
    amp = np.sqrt(1.2**2 + 1 - 2 * 1.2 * np.cos(np.pi / 6))
    assert row.rmse == pytest.approx(np.sqrt(0.3**2 + amp**2 / 2), rel=1e-3)
    assert row.r == pytest.approx(np.cos(np.pi / 6), abs=2e-3)  # two sines 30° apart
    assert row.sd_ratio == pytest.approx(1.2, rel=2e-3)
    assert row.amplitude_obs == pytest.approx(2.0, rel=1e-6) and row.amplitude_ratio == pytest.approx(1.2, rel=1e-6)
    assert row.phase_difference == pytest.approx(1.0, abs=0.02)  # one month later
    assert row.crmse == pytest.approx(amp / np.sqrt(2), rel=2e-3)


def test_too_few_pairs_leave_nan_with_n():
    from mip.obs.scores import score_table

    o = _series([400.0, np.nan, 401, 402, np.nan, 403, 404, 405, 406, 407])
    m = (o + 1).expand_dims(model=["M"])
    df = score_table(o, m, seasons=("all", "DJF"))
    assert df.set_index("season").loc["all", "n"] == 8 and df.set_index("season").loc["all", "bias"] == 1.0
    djf = df.set_index("season").loc["DJF"]
    assert djf.n == 1 and np.isnan(djf.bias)  # January only (February is missing): too few


def test_scores_on_the_real_stations_equal_an_independent_computation():
    """bias and RMSE with pandas; r and SD ratio of statsmodels-detrended series with scipy."""
    import statsmodels.api as sm
    from scipy import stats

    from mip.obs.scores import score_table

    ds = cosampled()
    df = score_table(ds.observed, ds.simulated, seasons=("all", "JJA"))
    for model, site in (("CT2019B", "CGO_CSIRO_flask"), ("MIROC", "SPO_NOAA_insitu"), ("CAMSv20r1", "PSA_NOAA_flask")):
        frame = pd.DataFrame({"o": ds.observed.sel(series=site).to_series(),
                              "m": ds.simulated.sel(model=model, series=site).to_series()}).dropna()
        for season, months in (("all", range(1, 13)), ("JJA", (6, 7, 8))):
            f = frame[frame.index.month.isin(months)]
            row = df[(df.model == model) & (df.site == site) & (df.season == season)].iloc[0]
            assert row.n == len(f)
            assert row.bias == pytest.approx((f.m - f.o).mean(), rel=1e-12)
            assert row.rmse == pytest.approx(np.sqrt(((f.m - f.o) ** 2).mean()), rel=1e-12)
            t = np.asarray(f.index.year + (f.index.month - 0.5) / 12, float)  # month centres
            X = sm.add_constant(np.column_stack([t - t.mean(), (t - t.mean()) ** 2]))
            ro, rm = sm.OLS(f.o.values, X).fit().resid, sm.OLS(f.m.values, X).fit().resid
            assert row.r == pytest.approx(stats.pearsonr(ro, rm).statistic, rel=1e-9)
            assert row.sd_ratio == pytest.approx(np.std(rm) / np.std(ro), rel=1e-9)


def test_taylor_summary_is_the_median_over_sites():
    from mip.obs.scores import score_table, taylor_summary

    ds = cosampled()
    df = score_table(ds.observed, ds.simulated, seasons=("all",))
    tay = taylor_summary(df).set_index("model")
    ct = df[(df.model == "CT2019B") & df.r.notna()]
    assert tay.loc["CT2019B", "sites"] == len(ct) == 21  # the 21 series a model samples
    assert tay.loc["CT2019B", "r"] == pytest.approx(np.median(ct.r))


# --- ObsPack ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,n,median_ppb,rule", [
    ("ch4_esp_surface-flask_2_representative.nc", 109, 1829.0, "obs_flag == 1"),
    ("ch4_spf_surface-flask_1_ccgg_Event.nc", 410, 1639.1, "qcflag"),
    ("ch4_bao_tower-insitu_1_ccgg_all.nc", 4190, 1893.2, "qcflag"),
])
def test_real_obspack_files(name, n, median_ppb, rule):
    import netCDF4

    from mip.obs.obspack import read_obspack

    ds = read_obspack(real_file(f"obspack-ch4/{name}"))
    assert ds.sizes["obs"] == n  # the README's counts
    assert ds.attrs["species"] == "CH4" and ds.value.attrs["units"] == "ppb"
    assert float(ds.value.median()) == pytest.approx(median_ppb, abs=0.1)
    assert rule in ds.usable.attrs["rule"]
    with netCDF4.Dataset(real_file(f"obspack-ch4/{name}")) as nc:  # the instant, from the raw seconds
        first = np.datetime64(int(nc["time"][0]), "s")
    assert ds.time.values[0] == first


def test_esp_is_in_mol_per_mol_and_converted():
    """The README: 'value in mol mol-1 (about 1.83e-6)' in the representative file; ppb here."""
    import netCDF4

    from mip.obs.obspack import read_obspack

    f = real_file("obspack-ch4/ch4_esp_surface-flask_2_representative.nc")
    with netCDF4.Dataset(f) as nc:
        raw = np.asarray(nc["value"][:], float)
    np.testing.assert_allclose(read_obspack(f).value.values, raw * 1e9)


def test_flagged_samples_are_kept_and_marked():
    from mip.obs.obspack import monthly_means, read_obspack

    ds = read_obspack(real_file("obspack-ch4/ch4_spf_surface-flask_1_ccgg_Event.nc"))
    assert int((~ds.usable).sum()) == 13 and ds.sizes["obs"] == 410  # flagged, not dropped
    mm = monthly_means(ds)
    assert mm.n.sum() == 397 and mm.attrs["rule"].startswith("qcflag")


@pytest.mark.parametrize("change,says", [
    (lambda ds: ds.drop_vars("value"), "'value': found no such variable"),
    (lambda ds: ds.assign_attrs(dataset_parameter="h2o"), "dataset_parameter"),
    (lambda ds: ds.assign(value=ds.value.assign_attrs(units="kg")), "units 'kg'"),
])
def test_corrupt_obspack_copies(tmp_path, change, says):
    from mip.obs.obspack import read_obspack

    src = real_file("obspack-ch4/ch4_esp_surface-flask_2_representative.nc")
    with xr.open_dataset(src, decode_times=False) as d:
        ds = change(d.load())
    p = tmp_path / "bad.nc"
    ds.to_netcdf(p)
    with pytest.raises(InputError, match=says):
        read_obspack(p)


# --- TCCON ----------------------------------------------------------------------------------------
TCCON = "tccon-sample/hw20230402_20230402.public.qc.nc"


@pytest.mark.parametrize("gas,median,units,tol", [("co2", 420.83, "ppm", 0.03), ("ch4", 1.889, "ppm", 2e-4),
                                                  ("n2o", 314.0, "ppb", 0.03)])
def test_real_tccon_file(gas, median, units, tol):
    from mip.obs.tccon import read_tccon

    t = read_tccon(real_file(TCCON), gas)
    assert t.sizes == {"time": 64, "level": 51} and t.attrs["units"] == units
    assert float(t.x.median()) == pytest.approx(median, abs=0.005 * median / 420 + 0.005)
    # the file's own definition: the integration operator applied to the prior profile is the prior column
    assert float(abs((t.integration_operator * t.prior).sum("level") - t.prior_x).max()) < tol


def test_the_kernel_is_applied_and_a_bare_column_refused():
    import netCDF4

    from mip.obs.tccon import read_tccon, smooth

    t = read_tccon(real_file(TCCON))
    dry_prior = t.prior / (1 - t.prior_h2o)
    assert float(abs(smooth(t, dry_prior) - t.prior_x).max()) < 1e-9  # the prior itself: the prior column
    # +1 ppm (dry) everywhere: the column moves by sum_j h_j a_j (1 - h2o_j), from the raw file's arrays
    with netCDF4.Dataset(real_file(TCCON)) as nc:
        h, a, w = (np.asarray(nc[v][:], float) for v in ("integration_operator", "ak_xco2", "prior_h2o"))
    got = smooth(t, dry_prior + 1.0) - t.prior_x
    np.testing.assert_allclose(got.values, (h * a * (1 - w)).sum(axis=1), rtol=1e-6)
    assert 0.9 < float(got.mean()) < 1.1  # the kernel is near 1 through the troposphere
    with pytest.raises(MipError, match="averaging kernel"):
        smooth(t, None)
    with pytest.raises(MipError, match="51 levels"):
        smooth(t, dry_prior.isel(level=slice(0, 10)))


# --- the two evaluations end to end ------------------------------------------------------------------
def test_bundled_station_files_are_the_real_ones():
    from mip.obs.obs_space import bundled_stations

    b = bundled_stations()
    for p in [b["observed"], b["stations"], *b["models"].values()]:
        assert p.read_bytes() == real_file(f"{SO}/{p.name}").read_bytes()


def test_atom_pattern_scores_equal_numpy_on_the_raw_tables():
    """AMES_IS and OU_OG against CO2_OP, from the raw text tables joined by row position."""
    from mip.obs.obs_space import atom_evaluation

    res = atom_evaluation(real_file("stephens2026-v10mip/V10MIP/Annual_mean_2D_fields_as_columns.txt"),
                          real_file("stephens2026-v10mip/OBS/BINFIT/Annual_mean_2D_fields_as_columns.txt"))
    models = pd.read_csv(real_file("stephens2026-v10mip/V10MIP/Annual_mean_2D_fields_as_columns.txt"), sep=r"\s+")
    obs = pd.read_csv(real_file("stephens2026-v10mip/OBS/BINFIT/Annual_mean_2D_fields_as_columns.txt"), sep=r"\s+")
    sc = res["scores"].set_index(["member", "group"])
    for member in ("AMES_IS", "OU_OG"):
        m, o = models[member].to_numpy(), obs["CO2_OP"].to_numpy()
        ok = np.isfinite(m) & np.isfinite(o)
        row = sc.loc[(member, "all bins")]
        assert row.n == ok.sum() == 105
        assert row.bias == pytest.approx(np.mean(m[ok] - o[ok]), rel=1e-12)
        assert row.rmse == pytest.approx(np.sqrt(np.mean((m[ok] - o[ok]) ** 2)), rel=1e-12)
        assert row.r == pytest.approx(np.corrcoef(m[ok], o[ok])[0, 1], rel=1e-12)
        south = (models.latitude < -20).to_numpy() & ok  # the band by the models' own labels
        assert sc.loc[(member, "south (<20S)"), "bias"] == pytest.approx(np.mean(m[south] - o[south]), rel=1e-12)
        lower = (models.pressure >= 750).to_numpy() & ok
        assert sc.loc[(member, "lower (750-950 hPa)"), "rmse"] == pytest.approx(
            np.sqrt(np.mean((m[lower] - o[lower]) ** 2)), rel=1e-12)


def test_evaluate_obs_cli(tmp_path, capsys):
    from mip.cli import main

    assert main(["evaluate-obs", "atom", "--out", str(tmp_path / "a")]) == 0
    printed = capsys.readouterr().out
    assert "OG" in printed and (tmp_path / "a" / "atom_taylor.png").stat().st_size > 10_000
    head = (tmp_path / "a" / "atom_by_experiment.csv").read_text().splitlines()[:4]
    assert any(h.startswith("# units: ppm") for h in head) and any("joined by position" in h for h in head)
    assert main(["evaluate-obs", "stations", "--out", str(tmp_path / "s"), "--no-figures"]) == 0
    tay = pd.read_csv(tmp_path / "s" / "station_taylor.csv", comment="#")
    assert set(tay.model) == set(MODELS) and (tay.sites == 21).all()
    d = real_file(SO)
    assert main(["evaluate-obs", "stations", "--observed", str(d / "surface-obs_SO_CO2_monthly.txt"), "--model",
                 f"MIROC={d / 'simulated-obs_MIROC_SO_CO2_monthly.txt'}", "--out", str(tmp_path / "m"),
                 "--no-figures"]) == 0
    # no alias given: Macquarie is not matched, so MIROC is scored at 20 series, and that is said
    assert (pd.read_csv(tmp_path / "m" / "station_taylor.csv", comment="#").sites == 20).all()
    assert "MIROC: MQA_CSIRO_insitu" in (tmp_path / "m" / "station_scores.csv").read_text()


@pytest.mark.parametrize("argv,says", [
    (["evaluate-obs", "stations", "--observed", "x.txt"], "needs --observed FILE and at least one --model"),
    (["evaluate-obs", "atom", "--model", "A=b"], "takes no --observed"),
    (["evaluate-obs", "stations", "--observed", "/no/file.txt", "--model", "A=/no/m.txt"], "/no/file.txt"),
    (["evaluate-obs", "stations", "--observed", "o", "--model", "nonsense"], "--model"),
])
def test_evaluate_obs_mistakes_are_one_line(tmp_path, argv, says, capsys):
    from mip.cli import main

    rc = main(argv + ["--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and says in err[-1] and "Traceback" not in "\n".join(err), err


def test_analysis_scripts(tmp_path):
    from conftest import run_script

    run_script("obs_evaluation_atom.py", "--out", str(tmp_path / "a"))
    run_script("obs_evaluation_so_stations.py", "--out", str(tmp_path / "s"), "--data", str(real_file(SO)))
    by = pd.read_csv(tmp_path / "a" / "atom_by_experiment.csv", comment="#")
    assert set(by.experiment) == {"IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG"} and (by.models == 10).all()
    assert (tmp_path / "s" / "station_taylor.png").exists()


# --- the optional skill-weighted ensemble ------------------------------------------------------------
def test_equal_skill_gives_the_unweighted_ensemble():
    from mip.obs.weights import skill_weights, weighted_band_budgets
    from mip.tables.v10mip_zonal import bundled_annual

    models = ["AMES", "BAKER", "CAMS", "CT"]
    s = pd.DataFrame({"experiment": "LNLGIS", "model": models, "group": "all bins", "rmse": 0.3})
    w = skill_weights(s)
    assert np.allclose(w.weight, 0.25) and w.n_effective.iloc[0] == pytest.approx(4.0)
    b = weighted_band_budgets(bundled_annual(), w)
    assert np.allclose(b.weighted_mean, b["mean"], atol=1e-12) and np.allclose(b.sd_ratio, 1.0)


def test_weighted_budgets_equal_numpy_average_on_the_raw_table():
    """The bundled annual CSV read with pandas, the 20N-90N bands summed, np.average with the weights."""
    from importlib import resources

    from mip.obs.obs_space import atom_evaluation
    from mip.obs.weights import skill_weights, weighted_band_budgets
    from mip.tables.v10mip_zonal import bundled_annual

    w = skill_weights(atom_evaluation()["scores"])
    b = weighted_band_budgets(bundled_annual(), w).set_index(["experiment", "band", "flux"])
    raw = pd.read_csv(resources.files("mip") / "data" / "stephens2026-v10mip" / "v10mip_annual_bylat.csv.gz")
    north = raw[raw.band.isin(["20N-30N", "30N-40N", "40N-50N", "50N-60N", "60N-70N", "70N-80N", "80N-90N"])
                & (raw.experiment == "LNLGIS")]
    per_model = north.groupby(["model", "year"]).land.sum().groupby("model").mean()
    wl = w[w.experiment == "LNLGIS"].set_index("model").weight
    x = per_model.loc[wl.index].to_numpy()
    row = b.loc[("LNLGIS", "north (20N-90N)", "land")]
    assert row["mean"] == pytest.approx(x.mean(), rel=1e-12)
    assert row.weighted_mean == pytest.approx(np.average(x, weights=wl.to_numpy()), rel=1e-12)
    assert row.weighted_sd == pytest.approx(np.sqrt(np.cov(x, aweights=wl.to_numpy(), ddof=0)), rel=1e-9)
    # the best-scoring member gets the largest weight
    d = w[w.experiment == "LNLGIS"]
    assert d.loc[d.distance.idxmin(), "weight"] == d.weight.max()


def test_weights_cli_and_refusals(tmp_path, capsys):
    from mip.cli import main

    assert main(["evaluate-obs", "atom", "--weights", "rmse", "--out", str(tmp_path), "--no-figures"]) == 0
    assert "skill-weighted ensemble (optional" in capsys.readouterr().out
    wb = pd.read_csv(tmp_path / "atom_weighted_budgets.csv", comment="#")
    assert set(wb.experiment) == {"IS", "LNLG", "LNLGIS", "LNLGOGIS", "OG"}
    assert main(["evaluate-obs", "stations", "--weights", "rmse", "--out", str(tmp_path / "s")]) == 2
    from mip.obs.weights import skill_weights

    s = pd.DataFrame({"experiment": "E", "model": ["a", "b"], "group": "all bins", "r": [0.9, 0.8],
                      "rmse": [0.1, np.nan]})
    with pytest.raises(MipError, match="smaller = better"):
        skill_weights(s, metric="r")
    with pytest.raises(MipError, match=r"no rmse for \['b'\]"):
        skill_weights(s)


def test_equal_weights_leave_the_constraint_unchanged():
    from mip.constrain.weighted import weighted_constraint_effect
    from mip.obs.binned import read_binned_columns
    from importlib import resources

    cols = read_binned_columns(resources.files("mip") / "data" / "stephens2026-v10mip" /
                               "Annual_mean_2D_fields_as_columns.txt")
    w = pd.DataFrame({"member": [str(m) for m in cols.member.values], "weight": 0.02})
    r = weighted_constraint_effect("latitudinal-airborne", w)
    for c in ("mean", "sd", "prior_mean", "prior_sd"):
        np.testing.assert_allclose(r[f"weighted_{c}"], r[c], rtol=1e-9)


def test_the_weighted_fit_equals_numpy_weighted_least_squares():
    """The weighted central estimate of each target = numpy lstsq on the sqrt(w)-scaled system, at the observation."""
    from mip.constrain.multi import run_multi
    from mip.constrain.spec import list_specs, load_spec
    from mip.obs.obs_space import atom_evaluation
    from mip.obs.weights import skill_weights

    spec = load_spec(list_specs()["latitudinal-airborne"])
    w = skill_weights(atom_evaluation()["scores"].assign(all="all"), within="all", member="member")
    ws = w.set_index("member").weight
    out = run_multi(spec, member_weights=ws)
    for t, preds in spec.targets.items():
        X = np.column_stack([np.ones(len(out.y)), out.x[preds].to_numpy(float)])
        sw = np.sqrt(ws.reindex(out.y.index).to_numpy(float))
        beta, *_ = np.linalg.lstsq(X * sw[:, None], out.y[t].to_numpy(float) * sw, rcond=None)
        xo = np.concatenate([[1.0], out.x_obs.iloc[0][preds].to_numpy(float)])
        got = out.results.set_index("region").loc[t, "mean"]
        assert got == pytest.approx(float(beta @ xo), rel=1e-9)


@pytest.mark.parametrize("change,says", [
    (lambda ds: ds.drop_vars("ak_xco2"), "'ak_xco2': found no such variable"),
    (lambda ds: ds.assign(prior_co2=ds.prior_co2.assign_attrs(units="furlong")), "units 'furlong'"),
    (lambda ds: ds.assign_coords(ak_altitude=ds.ak_altitude + 1.0), "kernel levels that are not the prior levels"),
])
def test_corrupt_tccon_copies(tmp_path, change, says):
    from mip.obs.tccon import read_tccon

    with xr.open_dataset(real_file(TCCON)) as d:
        ds = change(d[["xco2", "xco2_error", "prior_xco2", "prior_co2", "ak_xco2", "integration_operator",
                       "prior_h2o", "prior_pressure", "lat", "long"]].load())
    p = tmp_path / "bad.nc"
    ds.to_netcdf(p)
    with pytest.raises(InputError, match=says):
        read_tccon(p)
